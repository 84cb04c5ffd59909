//! Isochrone polygons: bands are nested, every vertex reached within the limit lies inside its
//! band (or within one grid cell of it), holes appear where the network has them, and every
//! extract gives polygons for every mode.

use std::path::Path;

use geo::{Area, BooleanOps, Coord, Distance, Euclidean, MapCoords, MultiPolygon, Point};
use lifecircle::geom::ring_contains;
use lifecircle::graph::{GraphOptions, Mode, RoadGraph, build_graph};
use lifecircle::osm::OsmExtract;
use lifecircle::routing::isochrone::{IsochroneOptions, isochrones};
use lifecircle::routing::{Direction, SearchScratch, bounded_search};

fn demo() -> RoadGraph {
    build_graph(&OsmExtract::demo(), &GraphOptions::default()).unwrap()
}

fn projected(graph: &RoadGraph, mp: &MultiPolygon) -> MultiPolygon {
    mp.map_coords(|c| {
        let [x, y] = graph.projection().project(c);
        Coord { x, y }
    })
}

fn inside(mp: &MultiPolygon, p: Coord) -> bool {
    mp.0.iter().any(|poly| {
        ring_contains(&poly.exterior().0, p)
            && !poly.interiors().iter().any(|h| ring_contains(&h.0, p))
    })
}

/// Vaduz centre, and three vertices spread through the car network (every mode reaches them).
fn origins(graph: &RoadGraph) -> Vec<(f64, f64)> {
    let car = graph.profile(Mode::Car);
    let vs: Vec<Coord> = (0..graph.vertices.len() as u32)
        .map(lifecircle::graph::VertexId)
        .filter(|&v| car.contains(v))
        .map(|v| graph.vertices[v.index()].coord)
        .collect();
    let mut out = vec![(9.5215, 47.1410)];
    out.extend([1, 2, 3].map(|k| (vs[k * vs.len() / 4].x, vs[k * vs.len() / 4].y)));
    out
}

#[test]
fn bands_are_nested_and_contain_what_was_reached() {
    let graph = demo();
    let mut scratch = SearchScratch::new(&graph);
    for mode in [Mode::Walk, Mode::Bike, Mode::Car] {
        let cell = IsochroneOptions::for_mode(mode).cell_m;
        for (lon, lat) in origins(&graph) {
            let snap = graph.snap(mode, Coord { x: lon, y: lat }, 500.0).unwrap();
            let seeds = snap.seeds(&graph, false);
            let bands = isochrones(
                &graph,
                mode,
                &seeds,
                &[(snap.point, 0)],
                &[5.0, 10.0, 15.0],
                &mut scratch,
            );
            let polys: Vec<MultiPolygon> = bands
                .iter()
                .map(|b| projected(&graph, &b.polygon))
                .collect();
            for w in polys.windows(2) {
                let outside = w[0].difference(&w[1]).unsigned_area();
                assert!(
                    outside <= 1e-6 * w[0].unsigned_area() + 1.0,
                    "{mode} from {lon},{lat}: {outside} m² of a band lies outside the next"
                );
                assert!(w[1].unsigned_area() >= w[0].unsigned_area());
            }
            assert!(polys[0].unsigned_area() > 0.0, "{mode} from {lon},{lat}");
            // Every vertex reached within each limit lies in its band or within one cell.
            for (band, poly) in bands.iter().zip(&polys) {
                let limit = (band.minutes * 60_000.0) as u32;
                let reached = bounded_search(
                    graph.profile(mode),
                    Direction::Forward,
                    &seeds,
                    limit,
                    &mut scratch,
                );
                for &(v, t) in reached {
                    let p = graph.projection().project(graph.vertices[v.index()].coord);
                    let p = Coord { x: p[0], y: p[1] };
                    let near = inside(poly, p)
                        || poly
                            .0
                            .iter()
                            .any(|q| Euclidean.distance(&Point(p), q) <= cell);
                    assert!(
                        near,
                        "{mode} {} min from {lon},{lat}: vertex {v:?} reached in {t} ms lies {:.0} m outside the band",
                        band.minutes,
                        poly.0
                            .iter()
                            .map(|q| Euclidean.distance(&Point(p), q))
                            .fold(f64::MAX, f64::min)
                    );
                }
            }
        }
    }
}

#[test]
fn holes_appear_where_the_network_has_them() {
    let graph = demo();
    let mut scratch = SearchScratch::new(&graph);
    let mut holes = 0;
    for (lon, lat) in origins(&graph) {
        let snap = graph
            .snap(Mode::Walk, Coord { x: lon, y: lat }, 500.0)
            .unwrap();
        let seeds = snap.seeds(&graph, false);
        let bands = isochrones(
            &graph,
            Mode::Walk,
            &seeds,
            &[(snap.point, 0)],
            &[15.0],
            &mut scratch,
        );
        let poly = projected(&graph, &bands[0].polygon);
        let reached = bounded_search(
            graph.profile(Mode::Walk),
            Direction::Forward,
            &seeds,
            15 * 60_000,
            &mut scratch,
        );
        for p in &poly.0 {
            for hole in p.interiors() {
                holes += 1;
                // A hole is a place the network does not reach: no reached vertex lies deeper
                // inside it than one cell.
                for &(v, _) in reached {
                    let c = graph.projection().project(graph.vertices[v.index()].coord);
                    let c = Coord { x: c[0], y: c[1] };
                    if ring_contains(&hole.0, c) {
                        assert!(
                            Euclidean.distance(&Point(c), hole) <= 50.0,
                            "reached vertex deep inside a hole"
                        );
                    }
                }
            }
        }
    }
    assert!(
        holes > 0,
        "15-minute walks in the Liechtenstein valley enclose unreached blocks"
    );
}

#[test]
fn every_extract_gives_isochrones_for_every_mode() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/osm");
    let mut paths = vec![];
    match std::fs::read_dir(&dir) {
        Ok(entries) => paths.extend(
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.to_string_lossy().ends_with(".osm.pbf")
                        && !p.to_string_lossy().contains("4x4")
                }),
        ),
        Err(_) => println!("skipped: {} is absent", dir.display()),
    }
    paths.sort();
    for path in paths {
        let graph = build_graph(
            &OsmExtract::from_pbf(&path).unwrap(),
            &GraphOptions::default(),
        )
        .unwrap();
        let mut scratch = SearchScratch::new(&graph);
        for mode in Mode::ALL {
            let p = graph.profile(mode);
            let v = (0..graph.vertices.len() as u32)
                .map(lifecircle::graph::VertexId)
                .find(|&v| p.contains(v))
                .unwrap();
            let bands = isochrones(&graph, mode, &[(v, 0)], &[], &[10.0], &mut scratch);
            assert!(!bands[0].polygon.0.is_empty(), "{}: {mode}", path.display());
        }
    }
}
