//! Profiles one walking isochrone (5/10/15 minutes with polygons) and checks that its output
//! stays the same: `time` runs the Vaduz request of the coverage bench in a loop (for `perf
//! record`), `digest` prints one hash of every coordinate's bits of the bands from many origins
//! spread over the extract (compare it before and after a change to the isochrone code).
//!
//! ```sh
//! cargo run --release --example isochrone_profile -- PBF time [SECONDS]
//! cargo run --release --example isochrone_profile -- PBF iters [COUNT]
//! cargo run --release --example isochrone_profile -- PBF digest [EVERY_NTH_VERTEX]
//! ```

use std::hash::{DefaultHasher, Hasher};
use std::time::{Duration, Instant};

use geo::{Coord, MultiPolygon};
use lifecircle::graph::{GraphOptions, Mode, VertexId, build_graph};
use lifecircle::osm::OsmExtract;
use lifecircle::routing::SearchScratch;
use lifecircle::routing::isochrone::isochrones;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(
        args.len() >= 2,
        "usage: isochrone_profile PBF time [SECONDS] | iters [COUNT] | digest [EVERY_NTH_VERTEX]"
    );
    let graph = build_graph(&OsmExtract::from_pbf(&args[0])?, &GraphOptions::default())?;
    let mut scratch = SearchScratch::new(&graph);
    let minutes = [5.0, 10.0, 15.0];
    let mut run = |at: Coord| -> anyhow::Result<Vec<MultiPolygon>> {
        let snap = graph.snap(Mode::Walk, at, 500.0)?;
        let seeds = snap.seeds(&graph, false);
        Ok(isochrones(
            &graph,
            Mode::Walk,
            &seeds,
            &[(snap.point, 0)],
            &minutes,
            &mut scratch,
        )
        .into_iter()
        .map(|i| i.polygon)
        .collect())
    };
    match args[1].as_str() {
        "time" => {
            let seconds: f64 = args.get(2).map_or(Ok(10.0), |s| s.parse())?;
            let vaduz = Coord {
                x: 9.5215,
                y: 47.1410,
            };
            let start = Instant::now();
            // Each call timed alone too: on a loaded machine the minimum and the median say
            // more than the mean.
            let mut each: Vec<Duration> = Vec::new();
            while start.elapsed() < Duration::from_secs_f64(seconds) {
                let t = Instant::now();
                std::hint::black_box(run(vaduz)?);
                each.push(t.elapsed());
            }
            let n = each.len().max(1);
            each.sort_unstable();
            println!(
                "{n} isochrones, {:?} each on average, min {:?}, median {:?}",
                start.elapsed() / n as u32,
                each.first().copied().unwrap_or_default(),
                each.get(each.len() / 2).copied().unwrap_or_default(),
            );
        }
        "iters" => {
            // A fixed count, for `valgrind --tool=callgrind` (instructions, whatever the load).
            let n: u32 = args.get(2).map_or(Ok(1000), |s| s.parse())?;
            let vaduz = Coord {
                x: 9.5215,
                y: 47.1410,
            };
            for _ in 0..n {
                std::hint::black_box(run(vaduz)?);
            }
            println!("{n} isochrones");
        }
        "digest" => {
            let every: usize = args.get(2).map_or(Ok(997), |s| s.parse())?;
            let mut hasher = DefaultHasher::new();
            let (mut origins, mut coords) = (0usize, 0usize);
            for v in (0..graph.vertices.len()).step_by(every) {
                let at = graph.vertices[VertexId(v as u32).index()].coord;
                let Ok(bands) = run(at) else { continue };
                origins += 1;
                for band in &bands {
                    for polygon in &band.0 {
                        let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
                        for ring in rings {
                            hasher.write_usize(ring.0.len());
                            for c in &ring.0 {
                                hasher.write_u64(c.x.to_bits());
                                hasher.write_u64(c.y.to_bits());
                                coords += 1;
                            }
                        }
                    }
                    hasher.write_u8(0xff);
                }
            }
            println!(
                "{origins} origins, {coords} coordinates, digest {:016x}",
                hasher.finish()
            );
        }
        other => anyhow::bail!("unknown command {other}: time, iters or digest"),
    }
    Ok(())
}
