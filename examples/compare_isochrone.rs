//! Compares our walking isochrone with another tool's polygon (e.g. Valhalla's, from
//! `../shared/peers/valhalla/run.sh`): times our request and prints the intersection over union.
//!
//! ```sh
//! cargo run --release --example compare_isochrone -- PBF LON LAT MINUTES WALK_KMH OTHER.geojson [MODE]
//! ```

use std::time::Instant;

use geo::{BooleanOps, Coord, MultiPolygon};
use lifecircle::geom::area_m2;
use lifecircle::graph::{GraphOptions, Mode, build_graph};
use lifecircle::osm::OsmExtract;
use lifecircle::routing::SearchScratch;
use lifecircle::routing::isochrone::isochrones;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(
        args.len() >= 6,
        "usage: compare_isochrone PBF LON LAT MINUTES WALK_KMH OTHER.geojson [MODE]"
    );
    let (lon, lat, minutes, walk_kmh): (f64, f64, f64, f64) = (
        args[1].parse()?,
        args[2].parse()?,
        args[3].parse()?,
        args[4].parse()?,
    );
    let mode: Mode = args.get(6).map_or(Ok(Mode::Walk), |m| m.parse())?;
    let graph = build_graph(
        &OsmExtract::from_pbf(&args[0])?,
        &GraphOptions {
            walk_kmh,
            ..GraphOptions::default()
        },
    )?;
    let other: geojson::GeoJson = std::fs::read_to_string(&args[5])?.parse()?;
    let other = geo::GeometryCollection::<f64>::try_from(&other)?;
    let other = MultiPolygon(
        other
            .0
            .into_iter()
            .flat_map(|g| match g {
                geo::Geometry::Polygon(p) => vec![p],
                geo::Geometry::MultiPolygon(mp) => mp.0,
                _ => vec![],
            })
            .collect(),
    );
    let mut scratch = SearchScratch::new(&graph);
    let snap = graph.snap(mode, Coord { x: lon, y: lat }, 500.0)?;
    let run = |scratch: &mut SearchScratch| {
        isochrones(
            &graph,
            mode,
            &snap.seeds(&graph, false),
            &[(snap.point, 0)],
            &[minutes],
            scratch,
        )
    };
    let ours = run(&mut scratch).remove(0).polygon;
    let n = 1000;
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(run(&mut scratch));
    }
    let per_request = start.elapsed() / n;
    let inter = area_m2(&ours.intersection(&other));
    let union = area_m2(&ours.union(&other));
    println!(
        "{mode} {minutes} min from {lon},{lat}: ours {:.3} km² in {:?} per request (search + grid + polygons); other {:.3} km²; intersection over union {:.3}",
        area_m2(&ours) / 1e6,
        per_request,
        area_m2(&other) / 1e6,
        inter / union
    );
    Ok(())
}
