//! The search core: one 15-minute walking search from a snapped point, and 10,000 such
//! searches from random points on all cores. Issue targets: ≤ 1 ms for one search on
//! liechtenstein-2015; ≤ 5 s for 10,000 on the 4×4 tile with 2 threads.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::Coord;
use lifecircle::graph::{Mode, RoadGraph};
use lifecircle::routing::{Direction, SearchScratch, bounded_search, par_map};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FIFTEEN_MIN_MS: u32 = 15 * 60 * 1000;

fn graph_of(name: &str) -> (String, RoadGraph) {
    let (label, _, graph) = common::graph(name);
    (label, graph)
}

/// Walking search from a point: snap, then bounded Dijkstra; returns vertices reached.
fn walk_from(graph: &RoadGraph, scratch: &mut SearchScratch, point: Coord) -> usize {
    match graph.snap(Mode::Walk, point, 500.0) {
        Ok(snap) => {
            let seeds = snap.seeds(graph, false);
            bounded_search(
                graph.profile(Mode::Walk),
                Direction::Forward,
                &seeds,
                FIFTEEN_MIN_MS,
                scratch,
            )
            .len()
        }
        Err(_) => 0,
    }
}

fn one_search(c: &mut Criterion) {
    let (label, graph) = graph_of("liechtenstein-2015.osm.pbf");
    let vaduz = Coord {
        x: 9.5215,
        y: 47.1410,
    };
    let mut scratch = SearchScratch::new(&graph);
    println!(
        "vertices reached in 15 min from Vaduz: {}",
        walk_from(&graph, &mut scratch, vaduz)
    );
    c.bench_function(&format!("walk 15 min from Vaduz ({label})"), |b| {
        b.iter(|| walk_from(&graph, &mut scratch, vaduz))
    });
}

fn many_searches(c: &mut Criterion) {
    let (label, graph) = graph_of("liechtenstein-2015-4x4.osm.pbf");
    // Random points where people are: a random vertex (fixed seed), moved up to 50 m in a
    // random direction.
    let mut rng = common::SplitMix(42);
    let points: Vec<Coord> = (0..10_000)
        .map(|_| {
            let v = &graph.vertices[(rng.next_f64() * graph.vertices.len() as f64) as usize];
            let (dx, dy) = (
                (rng.next_f64() - 0.5) * 100.0,
                (rng.next_f64() - 0.5) * 100.0,
            );
            let p = graph.projection().project(v.coord);
            graph.projection().unproject([p[0] + dx, p[1] + dy])
        })
        .collect();
    let reached: usize = par_map(&graph, &points, |scratch, &p| walk_from(&graph, scratch, p))
        .iter()
        .sum();
    println!(
        "10000 random points; {:.0} vertices reached per search on average",
        reached as f64 / 1e4
    );
    let mut group = c.benchmark_group("many");
    group.sample_size(10);
    group.bench_function(
        format!(
            "10000 walk searches of 15 min ({label}, {} threads)",
            rayon::current_num_threads()
        ),
        |b| b.iter(|| par_map(&graph, &points, |scratch, &p| walk_from(&graph, scratch, p))),
    );
    group.finish();
}

criterion_group!(benches, one_search, many_searches);
criterion_main!(benches);
