//! Access, direction, speed and snapping rules on hand-made fixtures (`tests/fixtures/`).

use geo::Coord;
use lifecircle::graph::{GraphOptions, Mode, RoadGraph, build_graph};
use lifecircle::osm::{OsmExtract, OsmWayId};
use lifecircle::routing::{Direction, SearchScratch, bounded_search};

fn fixture(name: &str) -> (OsmExtract, RoadGraph) {
    let path = format!(
        "{}/tests/fixtures/{name}.osm.pbf",
        env!("CARGO_MANIFEST_DIR")
    );
    let extract = OsmExtract::from_pbf(&path).unwrap();
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    (extract, graph)
}

/// `(forward, backward)` usability of every edge of a way for a mode (all edges must agree).
fn directions(graph: &RoadGraph, way: i64, mode: Mode) -> Option<(bool, bool)> {
    let mut edges = graph
        .edges
        .iter()
        .filter(|e| e.way == OsmWayId(way))
        .peekable();
    edges.peek()?;
    let all: Vec<_> = edges
        .map(|e| {
            (
                e.time_ms(mode, true).is_some(),
                e.time_ms(mode, false).is_some(),
            )
        })
        .collect();
    assert!(
        all.windows(2).all(|w| w[0] == w[1]),
        "way {way} edges disagree"
    );
    Some(all[0])
}

#[test]
fn access_and_direction_rules() {
    let (_, graph) = fixture("access");
    use Mode::*;
    type Dirs = Option<(bool, bool)>;
    const BOTH: Dirs = Some((true, true));
    const FWD: Dirs = Some((true, false));
    const BWD: Dirs = Some((false, true));
    const NONE: Dirs = Some((false, false));
    #[rustfmt::skip]
    let expected: &[(i64, [Dirs; 5])] = &[
        //     walk  bike  ebike car   bus
        (101, [BOTH, BOTH, BOTH, BOTH, BOTH]),
        (102, [BOTH, FWD,  FWD,  FWD,  FWD]),
        (103, [BOTH, BWD,  BWD,  BWD,  BWD]),
        (104, [BOTH, BOTH, BOTH, NONE, NONE]),
        (105, [NONE, NONE, NONE, FWD,  FWD]),
        (106, [BOTH, BOTH, BOTH, FWD,  FWD]),
        (107, [BOTH, FWD,  FWD,  FWD,  FWD]),
        (108, [NONE, NONE, NONE, NONE, BOTH]),
        (109, [BOTH, BOTH, BOTH, NONE, BOTH]),
        (110, [BOTH, BOTH, BOTH, NONE, NONE]),
        (111, [BOTH, BOTH, BOTH, FWD,  FWD]),
        (112, [BOTH, NONE, NONE, NONE, NONE]),
        (114, [BOTH, BOTH, BOTH, BOTH, BOTH]),
    ];
    for (way, per_mode) in expected {
        for (mode, want) in [Walk, Bike, Ebike, Car, Bus].into_iter().zip(per_mode) {
            assert_eq!(directions(&graph, *way, mode), *want, "way {way}, {mode}");
        }
    }
    assert_eq!(
        directions(&graph, 113, Walk),
        None,
        "highway=proposed is not routable"
    );
    assert_eq!(graph.stats.ways_skipped, 1);
    assert_eq!(graph.stats.unparseable_maxspeed, 1);
}

#[test]
fn speeds_follow_the_profiles() {
    let (_, graph) = fixture("access");
    let edge = |way| graph.edges.iter().find(|e| e.way == OsmWayId(way)).unwrap();
    let kmh = |way, mode| {
        let e = edge(way);
        e.length_m / (f64::from(e.time_ms(mode, true).or(e.time_ms(mode, false)).unwrap()) / 1000.0)
            * 3.6
    };
    assert!((kmh(101, Mode::Walk) - 4.5).abs() < 0.01);
    assert!((kmh(101, Mode::Bike) - 15.0).abs() < 0.01);
    assert!((kmh(101, Mode::Ebike) - 20.0).abs() < 0.02);
    assert!(
        (kmh(104, Mode::Bike) - 4.5).abs() < 0.01,
        "bikes are pushed on footways"
    );
    assert!((kmh(101, Mode::Car) - 25.0).abs() < 0.02);
    assert!((kmh(101, Mode::Bus) - 20.0).abs() < 0.02);
    assert!((kmh(114, Mode::Car) - 30.0 * 1.609_344 * 0.8).abs() < 0.05);
    assert!(
        (kmh(115, Mode::Car) - 60.0).abs() < 0.05,
        "unparseable maxspeed falls back to the class"
    );
}

#[test]
fn vertices_only_at_way_ends_and_junctions() {
    let (_, graph) = fixture("access");
    // Node 15 is inside way 107 and on no other way: it is geometry, not a vertex.
    assert!(graph.vertices.iter().all(|v| v.osm.0 != 15));
    let e107 = graph.edges.iter().find(|e| e.way == OsmWayId(107)).unwrap();
    let id = lifecircle::graph::EdgeId(
        graph
            .edges
            .iter()
            .position(|e| std::ptr::eq(e, e107))
            .unwrap() as u32,
    );
    assert_eq!(graph.edge_geometry(id).len(), 3);
}

#[test]
fn oneway_is_respected_by_search() {
    let (_, graph) = fixture("access");
    let vertex = |osm: i64| {
        lifecircle::graph::VertexId(
            graph.vertices.iter().position(|v| v.osm.0 == osm).unwrap() as u32
        )
    };
    let mut scratch = SearchScratch::new(&graph);
    let (v2, v3) = (vertex(2), vertex(3));
    let time = |mode, from, to, scratch: &mut SearchScratch| {
        bounded_search(
            graph.profile(mode),
            Direction::Forward,
            &[(from, 0)],
            u32::MAX,
            scratch,
        );
        scratch.time_ms(to).unwrap()
    };
    // On foot 2→3 and 3→2 take the same time along way 102.
    assert_eq!(
        time(Mode::Walk, v2, v3, &mut scratch),
        time(Mode::Walk, v3, v2, &mut scratch)
    );
    // By car way 102 is one-way 2→3: back from 3 to 2 goes round by way 116 and way 101.
    let car = graph.profile(Mode::Car);
    assert!(
        car.contains(v2) && car.contains(v3),
        "loop 1-2-3 is the car's component"
    );
    let there = time(Mode::Car, v2, v3, &mut scratch);
    let back = time(Mode::Car, v3, v2, &mut scratch);
    assert!(back > 2 * there, "{there} ms there, {back} ms back");
    // A reverse search towards 3 gives the same 2→3 time as the forward search from 2.
    bounded_search(car, Direction::Reverse, &[(v3, 0)], u32::MAX, &mut scratch);
    assert_eq!(scratch.time_ms(v2), Some(there));
    // Vertex 4 is only reachable against way 103's direction: not in the car's component.
    assert!(!car.contains(vertex(4)));
}

#[test]
fn walking_snaps_to_the_footway_not_the_motorway() {
    let (_, graph) = fixture("snap");
    // 17 m north of the footway, 5 m south of the motorway.
    let p = Coord {
        x: 9.511,
        y: 47.110_15,
    };
    let walk = graph.snap(Mode::Walk, p, 500.0).unwrap();
    assert_eq!(graph.edges[walk.edge.index()].way, OsmWayId(120));
    assert!((walk.distance_m - 16.7).abs() < 0.5, "{}", walk.distance_m);
    assert!((walk.fraction - 0.5).abs() < 0.01);
    let car = graph.snap(Mode::Car, p, 500.0).unwrap();
    assert_ne!(graph.edges[car.edge.index()].way, OsmWayId(120));
    assert!(car.distance_m < 6.0);
}

#[test]
fn a_point_2_km_from_any_road_is_an_error() {
    let (_, graph) = fixture("snap");
    let p = Coord {
        x: 9.511,
        y: 47.128,
    }; // 2 km north
    let err = graph.snap(Mode::Walk, p, 500.0).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("9.511000,47.128000") && msg.contains("limit 500 m"),
        "{msg}"
    );
    let lifecircle::Error::PointFarFromRoad { distance_m, .. } = err else {
        panic!("{msg}")
    };
    assert!((distance_m - 2001.5).abs() < 5.0, "{distance_m}");
}

#[test]
fn snapped_seeds_carry_partial_edge_times() {
    let (_, graph) = fixture("snap");
    let snap = graph
        .snap(
            Mode::Walk,
            Coord {
                x: 9.5105,
                y: 47.110,
            },
            500.0,
        )
        .unwrap();
    let edge = &graph.edges[snap.edge.index()];
    let full = edge.time_ms(Mode::Walk, true).unwrap();
    let seeds = snap.seeds(&graph, false);
    assert_eq!(seeds.len(), 2);
    let total: u32 = seeds.iter().map(|s| s.1).sum();
    assert!(
        total.abs_diff(full) <= 1,
        "the two partial times add up to the edge"
    );
    let to_from = seeds.iter().find(|s| s.0 == edge.from).unwrap().1;
    assert!((f64::from(to_from) / f64::from(full) - 0.25).abs() < 0.01);
}

/// Issue 13: the time straight along a shared edge follows the edge's direction rules: one-way
/// way 102 (2 → 3) is drivable only eastwards, walkable both ways.
#[test]
fn along_the_edge_follows_one_way_rules() {
    let (_, graph) = fixture("access");
    let at = |mode, lon: f64| graph.snap(mode, Coord { x: lon, y: 47.1 }, 20.0).unwrap();
    for mode in [Mode::Car, Mode::Walk] {
        let (west, east) = (at(mode, 9.5013), at(mode, 9.5017));
        assert_eq!(west.edge, east.edge);
        assert_eq!(graph.edges[west.edge.index()].way, OsmWayId(102));
        let edge_ms = graph.edges[west.edge.index()].time_ms(mode, true).unwrap();
        let eastwards = west.along_edge_ms(&graph, &east).unwrap();
        let share = east.fraction - west.fraction;
        assert!((0.35..0.45).contains(&share), "{share}");
        assert_eq!(eastwards, (f64::from(edge_ms) * share).round() as u32);
        let westwards = east.along_edge_ms(&graph, &west);
        match mode {
            Mode::Car => assert_eq!(westwards, None, "against the one-way"),
            _ => assert_eq!(westwards, Some(eastwards)),
        }
        assert_eq!(west.along_edge_ms(&graph, &west), Some(0));
    }
    // Points on different edges have no time along the edge.
    let other = at(Mode::Car, 9.5005);
    assert_eq!(at(Mode::Car, 9.5013).along_edge_ms(&graph, &other), None);
}
