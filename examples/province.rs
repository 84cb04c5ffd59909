//! `plan` on a large (tiled) region, stage by stage: wall time, CPU time and peak memory of
//! reading the region, the life circle, the commute circle, the bus lines and the report (the
//! files are built in memory, not written).
//!
//! ```text
//! cargo run --release --example province -- /work/data8/li-8x8.osm.pbf
//! LIFECIRCLE_PBF=../shared/data/osm/liechtenstein-2015-4x4.osm.pbf cargo run --release --example province
//! ```
//!
//! A tiled file comes from `../shared/tools/tile_osm.py --cols 8 --rows 8`. Compare the
//! reading stage with `osmium fileinfo -e FILE` in the same minute (the machine's pace).

use std::path::PathBuf;
use std::time::Instant;

use lifecircle::plan::{Quiet, run_plan};
use lifecircle::report::html::{Lang, plan_files};
use lifecircle::scenario::Scenario;
use lifecircle::timing::{StageClock, stage_table};

fn main() -> anyhow::Result<()> {
    let pbf: PathBuf = std::env::args_os()
        .nth(1)
        .or_else(|| std::env::var_os("LIFECIRCLE_PBF"))
        .map(PathBuf::from)
        .ok_or_else(|| anyhow::anyhow!("usage: province FILE.osm.pbf (or LIFECIRCLE_PBF)"))?;
    let mut scenario = Scenario::default();
    scenario.region.pbf = Some(pbf.clone());
    let start = Instant::now();
    let clock = StageClock::new(Quiet);
    let run = run_plan(&scenario, &clock)?;
    let files = plan_files(&run, Lang::En)?;
    let stages = clock.finish();
    let parks = run.parks.as_ref().map_or(0, |p| p.zones.len());
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    println!(
        "{}: {} vertices, {} parks, {} files ({:.1} MB)",
        pbf.display(),
        run.graph.vertices.len(),
        parks,
        files.len(),
        bytes as f64 / 1e6
    );
    print!("{}", stage_table(&stages));
    let peak = stages.iter().map(|s| s.peak_rss_bytes).max().unwrap_or(0);
    println!(
        "total {:.2} s wall, {:.2} s CPU, peak {:.0} MB",
        start.elapsed().as_secs_f64(),
        stages.iter().map(|s| s.cpu_s).sum::<f64>(),
        peak as f64 / 1e6
    );
    for (stage, why) in run.failed_stages() {
        println!("stage {stage} did not run: {why}");
    }
    Ok(())
}
