//! Laws of the search core on random small road networks built through the real pipeline
//! (`OsmExtract` → `build_graph`): bounded search equals `petgraph::algo::dijkstra`,
//! multi-source equals the minimum of single-source searches, times obey the triangle
//! inequality, and reverse search equals forward search on the reversed question.

use std::collections::HashMap;

use geo::Coord;
use lifecircle::graph::{GraphOptions, Mode, RoadGraph, VertexId, build_graph};
use lifecircle::osm::{HighwayWay, OsmExtract, OsmNodeId, OsmWayId, ReadStats, Tags};
use lifecircle::routing::{Direction, SearchScratch, bounded_search};
use petgraph::graph::{DiGraph, NodeIndex};
use proptest::prelude::*;

const CLASSES: [&str; 4] = ["residential", "primary", "footway", "service"];

/// A random network: `n` nodes on a jittered grid, ways between random pairs with random
/// classes and one-way tags.
fn network() -> impl Strategy<Value = RoadGraph> {
    (3usize..40).prop_flat_map(|n| {
        let coords = proptest::collection::vec((0.0f64..0.02, 0.0f64..0.02), n);
        let ways = proptest::collection::vec((0..n, 0..n, 0..CLASSES.len(), 0u8..3), 1..(3 * n));
        (coords, ways).prop_map(|(coords, ways)| {
            let highways = ways
                .into_iter()
                .enumerate()
                .filter(|(_, (a, b, _, _))| a != b)
                .map(|(i, (a, b, class, oneway))| {
                    let mut tags = vec![("highway", CLASSES[class])];
                    match oneway {
                        1 => tags.push(("oneway", "yes")),
                        2 => tags.push(("oneway", "-1")),
                        _ => {}
                    }
                    let c = |k: usize| Coord {
                        x: 9.5 + coords[k].0,
                        y: 47.1 + coords[k].1,
                    };
                    HighwayWay {
                        id: OsmWayId(i as i64 + 1),
                        nodes: vec![OsmNodeId(a as i64 + 1), OsmNodeId(b as i64 + 1)],
                        coords: vec![c(a), c(b)],
                        tags: Tags::new(tags),
                    }
                })
                .collect::<Vec<_>>();
            let extract = OsmExtract {
                source: "random".into(),
                bbox: [9.5, 47.1, 9.52, 47.12],
                highways,
                areas: vec![],
                pois: vec![],
                bus_stops: vec![],
                bus_routes: vec![],
                map: Default::default(),
                stats: ReadStats::default(),
                data_time_s: None,
            };
            build_graph(&extract, &GraphOptions::default()).unwrap_or_else(|_| {
                // Every way was a self-loop: fall back to a single road.
                let mut x = extract.clone();
                x.highways = vec![HighwayWay {
                    id: OsmWayId(1),
                    nodes: vec![OsmNodeId(1), OsmNodeId(2)],
                    coords: vec![Coord { x: 9.5, y: 47.1 }, Coord { x: 9.501, y: 47.1 }],
                    tags: Tags::new([("highway", "residential")]),
                }];
                build_graph(&x, &GraphOptions::default()).unwrap()
            })
        })
    })
}

/// The oracle: petgraph's Dijkstra over the same arcs.
fn oracle(graph: &RoadGraph, mode: Mode, from: VertexId) -> HashMap<VertexId, u32> {
    let p = graph.profile(mode);
    let n = graph.vertices.len();
    let mut g = DiGraph::<(), u32>::new();
    for _ in 0..n {
        g.add_node(());
    }
    for v in 0..n {
        for arc in p.out_arcs(VertexId(v as u32)) {
            g.add_edge(
                NodeIndex::new(v),
                NodeIndex::new(arc.vertex.index()),
                arc.time_ms,
            );
        }
    }
    petgraph::algo::dijkstra(&g, NodeIndex::new(from.index()), None, |e| *e.weight())
        .into_iter()
        .map(|(v, t)| (VertexId(v.index() as u32), t))
        .collect()
}

fn search(
    graph: &RoadGraph,
    mode: Mode,
    dir: Direction,
    seeds: &[(VertexId, u32)],
    limit: u32,
) -> HashMap<VertexId, u32> {
    let mut scratch = SearchScratch::new(graph);
    bounded_search(graph.profile(mode), dir, seeds, limit, &mut scratch)
        .iter()
        .copied()
        .collect()
}

fn component(graph: &RoadGraph, mode: Mode) -> Vec<VertexId> {
    (0..graph.vertices.len() as u32)
        .map(VertexId)
        .filter(|&v| graph.profile(mode).contains(v))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn bounded_search_equals_petgraph_dijkstra(graph in network(), mode_i in 0usize..5, pick in any::<usize>(), limit_s in 1u32..2000) {
        let mode = Mode::ALL[mode_i];
        let vs = component(&graph, mode);
        prop_assume!(!vs.is_empty());
        let from = vs[pick % vs.len()];
        let limit = limit_s * 1000;
        let want: HashMap<_, _> = oracle(&graph, mode, from).into_iter().filter(|&(_, t)| t <= limit).collect();
        prop_assert_eq!(search(&graph, mode, Direction::Forward, &[(from, 0)], limit), want);
    }

    #[test]
    fn multi_source_is_the_minimum_of_single_sources(graph in network(), picks in proptest::collection::vec((any::<usize>(), 0u32..60_000), 1..5)) {
        let vs = component(&graph, Mode::Car);
        prop_assume!(!vs.is_empty());
        let seeds: Vec<(VertexId, u32)> = picks.iter().map(|&(p, t)| (vs[p % vs.len()], t)).collect();
        let limit = 600_000;
        let multi = search(&graph, Mode::Car, Direction::Forward, &seeds, limit);
        let mut min: HashMap<VertexId, u32> = HashMap::new();
        for &seed in &seeds {
            for (v, t) in search(&graph, Mode::Car, Direction::Forward, &[seed], limit) {
                let e = min.entry(v).or_insert(t);
                *e = (*e).min(t);
            }
        }
        prop_assert_eq!(multi, min);
    }

    #[test]
    fn times_obey_the_triangle_inequality(graph in network(), a in any::<usize>(), b in any::<usize>()) {
        let vs = component(&graph, Mode::Bike);
        prop_assume!(!vs.is_empty());
        let (a, b) = (vs[a % vs.len()], vs[b % vs.len()]);
        let from_a = search(&graph, Mode::Bike, Direction::Forward, &[(a, 0)], u32::MAX);
        let from_b = search(&graph, Mode::Bike, Direction::Forward, &[(b, 0)], u32::MAX);
        for &c in &vs {
            // d(a, c) <= d(a, b) + d(b, c): everything is reachable inside a component.
            prop_assert!(from_a[&c] <= from_a[&b] + from_b[&c]);
        }
    }

    #[test]
    fn reverse_search_answers_the_reversed_question(graph in network(), a in any::<usize>()) {
        let vs = component(&graph, Mode::Car);
        prop_assume!(!vs.is_empty());
        let target = vs[a % vs.len()];
        let to_target = search(&graph, Mode::Car, Direction::Reverse, &[(target, 0)], u32::MAX);
        for &v in &vs {
            let forward = search(&graph, Mode::Car, Direction::Forward, &[(v, 0)], u32::MAX);
            prop_assert_eq!(to_target[&v], forward[&target]);
        }
    }
}
