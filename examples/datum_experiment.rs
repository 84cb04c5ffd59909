//! The experiment behind `places::datum`: OSM's own features of a Chinese extract taken as
//! truth, written as a file in WGS-84, GCJ-02 or BD-09, and read under each hypothesis; prints
//! the median road distance and the name matches of each, and the verdict, for samples of
//! 20, 50 and 200 points (five draws each), with and without names.
//!
//! ```text
//! cargo run --release --example datum_experiment -- ../shared/data/osm/nanjing-xinjiekou.osm.pbf
//! cargo run --release --example datum_experiment -- ../shared/data/osm/shanghai-center-roads.osm.pbf
//! ```
//!
//! Where the extract has fewer than 20 named points of interest (Shanghai: roads only), the
//! truth is "addresses along streets": points 5–40 m to the side of random walkable edges.

use std::path::PathBuf;
use std::time::Instant;

use geo::{Coord, InteriorPoint};
use lifecircle::graph::{EdgeId, GraphOptions, Mode, build_graph};
use lifecircle::osm::{AreaKind, OsmExtract};
use lifecircle::places::crs::{Crs, from_wgs84};
use lifecircle::places::datum::{DatumContext, GivenPoint, PointKind, check_datum, clearly_better};

/// A small fixed-seed generator (xorshift), so that runs repeat.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() -> anyhow::Result<()> {
    let pbf: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or_else(|| anyhow::anyhow!("usage: datum_experiment FILE.osm.pbf [outlines]"))?;
    let outlines = std::env::args().nth(2).is_some_and(|a| a == "outlines");
    let extract = OsmExtract::from_pbf(&pbf)?;
    let graph = build_graph(&extract, &GraphOptions::default())?;
    let kind = if outlines {
        PointKind::Outlines
    } else {
        PointKind::Places
    };
    let context = DatumContext::new(&extract, &graph, kind);
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let truth = if outlines {
        outline_vertices(&extract)
    } else {
        truth_points(&extract, &graph, &mut rng)
    };
    println!("{} truth points ({})", truth.len(), pbf.display());
    for named in [true, false] {
        for n in [20, 50, 200] {
            if n > truth.len() {
                continue;
            }
            for file_crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09] {
                for draw in 0..5 {
                    let sample: Vec<(Coord, Option<String>)> = (0..n)
                        .map(|_| truth[rng.below(truth.len())].clone())
                        .collect();
                    let raw: Vec<(Coord, Option<String>)> = sample
                        .into_iter()
                        .map(|(c, name)| (from_wgs84(file_crs, c), name.filter(|_| named)))
                        .collect();
                    let points: Vec<GivenPoint<'_>> = raw
                        .iter()
                        .map(|(c, name)| GivenPoint {
                            lon: c.x,
                            lat: c.y,
                            name: name.as_deref(),
                        })
                        .collect();
                    let e: Vec<_> = [Crs::Wgs84, Crs::Gcj02, Crs::Bd09]
                        .into_iter()
                        .map(|c| context.evidence(&points, c))
                        .collect();
                    let verdict = check_datum(&context, &points, Crs::Wgs84)
                        .map_or("wgs84 (no complaint)", |m| m.better.crs.name());
                    let truth_vs_wgs = e
                        .iter()
                        .find(|x| x.crs == file_crs)
                        .map(|t| clearly_better(t, &e[0]));
                    println!(
                        "names={named} n={n:3} file={:5} draw={draw}  road m: wgs {:5.1} gcj {:5.1} bd {:5.1}  names: {:3} {:3} {:3}  bldg: {:3} {:3} {:3}  -> {verdict} {}",
                        file_crs.name(),
                        e[0].median_road_m,
                        e[1].median_road_m,
                        e[2].median_road_m,
                        e[0].name_matches,
                        e[1].name_matches,
                        e[2].name_matches,
                        e[0].in_buildings,
                        e[1].in_buildings,
                        e[2].in_buildings,
                        if verdict.starts_with(file_crs.name()) {
                            "OK"
                        } else {
                            "MISS"
                        },
                    );
                    let _ = truth_vs_wgs;
                }
            }
        }
    }
    timing(&context, &truth, &mut rng);
    Ok(())
}

/// Named points of interest and bus stops, else points along random walkable edges.
fn truth_points(
    extract: &OsmExtract,
    graph: &lifecircle::graph::RoadGraph,
    rng: &mut Rng,
) -> Vec<(Coord, Option<String>)> {
    let named: Vec<(Coord, Option<String>)> = extract
        .pois
        .iter()
        .map(|p| (p.location, p.tags.name().map(str::to_string)))
        .chain(
            extract
                .bus_stops
                .iter()
                .map(|s| (s.location, s.tags.name().map(str::to_string))),
        )
        .filter(|(_, n)| n.is_some())
        .collect();
    if named.len() >= 20 {
        return named;
    }
    let edges: Vec<EdgeId> = (0..graph.edges.len() as u32)
        .map(EdgeId)
        .filter(|&e| graph.usable(Mode::Walk, e))
        .collect();
    let proj = graph.projection();
    (0..2_000)
        .map(|_| {
            let g = graph.edge_geometry(edges[rng.below(edges.len())]);
            let i = rng.below(g.len() - 1);
            let (a, b) = (proj.project(g[i]), proj.project(g[i + 1]));
            let t = rng.unit();
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len = dx.hypot(dy).max(1e-9);
            let side = if rng.below(2) == 0 { 1.0 } else { -1.0 };
            let off = side * (5.0 + 35.0 * rng.unit());
            let p = [
                a[0] + t * dx - off * dy / len,
                a[1] + t * dy + off * dx / len,
            ];
            (proj.unproject(p), None)
        })
        .collect()
}

/// The outline vertices of residential and industrial areas (as a planner draws parks).
fn outline_vertices(extract: &OsmExtract) -> Vec<(Coord, Option<String>)> {
    extract
        .areas
        .iter()
        .filter(|a| a.kind != AreaKind::Building)
        .flat_map(|a| {
            let _ = a.polygon.interior_point();
            a.polygon
                .0
                .iter()
                .flat_map(|p| p.exterior().0.clone())
                .map(|c| (c, None))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The time of one check of 10,000 points (GCJ-02 file read as WGS-84).
fn timing(context: &DatumContext<'_>, truth: &[(Coord, Option<String>)], rng: &mut Rng) {
    let raw: Vec<(Coord, Option<String>)> = (0..10_000)
        .map(|_| {
            let (c, n) = truth[rng.below(truth.len())].clone();
            (from_wgs84(Crs::Gcj02, c), n)
        })
        .collect();
    let points: Vec<GivenPoint<'_>> = raw
        .iter()
        .map(|(c, name)| GivenPoint {
            lon: c.x,
            lat: c.y,
            name: name.as_deref(),
        })
        .collect();
    let _ = check_datum(context, &points, Crs::Wgs84); // snap index built
    let (start, cpu) = (Instant::now(), thread_cpu_s());
    let verdict = check_datum(context, &points, Crs::Wgs84);
    println!(
        "10,000 points: {:.1} ms wall, {:.1} ms CPU, verdict {:?}",
        start.elapsed().as_secs_f64() * 1e3,
        (thread_cpu_s() - cpu) * 1e3,
        verdict.map(|m| m.better.crs)
    );
}

/// CPU time of this thread, seconds (the machine is shared: wall time says little).
fn thread_cpu_s() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid pointer to a timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}
