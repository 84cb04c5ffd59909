//! Load + graph build: `.osm.pbf` → `OsmExtract` → `RoadGraph` with all five modes.
//! Issue target: on the 4×4 tile, ≤ 2.5 × the wall time of `osmium fileinfo -e`.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use lifecircle::graph::{GraphOptions, build_graph};
use lifecircle::osm::OsmExtract;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn load_and_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_and_build");
    group.sample_size(10);
    for name in [
        "liechtenstein-2015.osm.pbf",
        "liechtenstein-2015-4x4.osm.pbf",
    ] {
        let Some(path) = common::extract(name) else {
            continue;
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let extract = OsmExtract::from_pbf(&path).unwrap();
                build_graph(&extract, &GraphOptions::default()).unwrap()
            })
        });
    }
    group.bench_function("embedded demo", |b| {
        b.iter(|| build_graph(&OsmExtract::demo(), &GraphOptions::default()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, load_and_build);
criterion_main!(benches);
