//! The life-circle stage: coverage of every park and category, all-vertex accessibility (for
//! comparison with pandana, pgRouting, cityseer), and one 5/10/15-minute walking isochrone
//! with polygons. Issue targets: coverage on liechtenstein-2015 ≤ 1 s including loading (see
//! the README for the release-binary figure); one isochrone ≤ 0.14 ms and ≥ 10 × faster than
//! Valhalla's warm one-band request (`../shared/peers/valhalla`) in the same run.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::Coord;
use lifecircle::coverage::{CoverageOptions, compute_coverage};
use lifecircle::graph::{Mode, RoadGraph, VertexId};
use lifecircle::osm::OsmExtract;
use lifecircle::places::{AmenityProfile, ParkOptions, osm_amenities, select_zones};
use lifecircle::routing::isochrone::isochrones;
use lifecircle::routing::{Direction, SearchScratch, TravelTimes, bounded_search, par_map};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn load(name: &str) -> (String, OsmExtract, RoadGraph) {
    common::graph(name)
}

fn coverage(c: &mut Criterion) {
    let mut group = c.benchmark_group("coverage");
    group.sample_size(10);
    for name in [
        "liechtenstein-2015.osm.pbf",
        "liechtenstein-2015-4x4.osm.pbf",
    ] {
        let (label, extract, graph) = load(name);
        let profile = AmenityProfile::load("park").unwrap();
        let zones = select_zones(&extract, profile.zones, None, &ParkOptions::default()).unwrap();
        let amenities = osm_amenities(&extract, &profile);
        println!(
            "{label}: {} parks, {} amenities",
            zones.zones.len(),
            amenities.len()
        );
        group.bench_function(format!("all parks × all categories ({label})"), |b| {
            b.iter(|| {
                compute_coverage(
                    &graph,
                    &zones,
                    &amenities,
                    &profile,
                    &CoverageOptions::default(),
                )
            })
        });
    }
    group.finish();
}

/// Every vertex, as pandana's `aggregate` and cityseer's `compute_accessibilities` do it.
fn all_vertices(c: &mut Criterion) {
    let (label, extract, graph) = load("liechtenstein-2015.osm.pbf");
    let walk = graph.profile(Mode::Walk);
    // The peers' amenity rule: every node or way with amenity=*.
    let snaps: Vec<Vec<(VertexId, u32)>> = extract
        .pois
        .iter()
        .filter(|p| p.tags.has("amenity"))
        .filter_map(|p| graph.snap(Mode::Walk, p.location, 500.0).ok())
        .map(|s| s.seeds(&graph, true))
        .collect();
    let vertices: Vec<VertexId> = (0..graph.vertices.len() as u32)
        .map(VertexId)
        .filter(|&v| walk.contains(v))
        .collect();
    // 1200 m at 4.5 km/h.
    let limit_ms = (1200.0 / (4.5 / 3.6) * 1000.0) as u32;
    println!(
        "{label}: {} walk vertices, {} amenities",
        vertices.len(),
        snaps.len()
    );
    let mut group = c.benchmark_group("all_vertices");
    group.sample_size(10);
    group.bench_function(format!("nearest amenity, every vertex ({label})"), |b| {
        let seeds: Vec<(VertexId, u32)> = snaps.iter().flatten().copied().collect();
        b.iter(|| TravelTimes::compute(walk, Direction::Reverse, &seeds, limit_ms))
    });
    group.bench_function(
        format!("amenities within 1200 m, every vertex ({label})"),
        |b| {
            // One bounded search per amenity, counting per vertex (as many searches as amenities).
            b.iter(|| {
                let per_amenity = par_map(&graph, &snaps, |scratch, seeds| {
                    bounded_search(walk, Direction::Reverse, seeds, limit_ms, scratch)
                        .iter()
                        .map(|&(v, _)| v.0)
                        .collect::<Vec<u32>>()
                });
                let mut count = vec![0u32; graph.vertices.len()];
                for reached in per_amenity {
                    for v in reached {
                        count[v as usize] += 1;
                    }
                }
                count
            })
        },
    );
    group.finish();
}

fn isochrone(c: &mut Criterion) {
    let (label, _, graph) = load("liechtenstein-2015.osm.pbf");
    let snap = graph
        .snap(
            Mode::Walk,
            Coord {
                x: 9.5215,
                y: 47.1410,
            },
            500.0,
        )
        .unwrap();
    let seeds = snap.seeds(&graph, false);
    let mut scratch = SearchScratch::new(&graph);
    c.bench_function(
        &format!("walk isochrone 5/10/15 min with polygons from Vaduz ({label})"),
        |b| {
            b.iter(|| {
                isochrones(
                    &graph,
                    Mode::Walk,
                    &seeds,
                    &[(snap.point, 0)],
                    &[5.0, 10.0, 15.0],
                    &mut scratch,
                )
            })
        },
    );
}

criterion_group!(benches, isochrone, all_vertices, coverage);
criterion_main!(benches);
