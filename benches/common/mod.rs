//! Shared bench inputs: extracts from `../shared/data/osm/` (or `$LIFECIRCLE_BENCH_DIR`),
//! falling back to the embedded demo with a printed note when they are absent.

#![allow(dead_code)]

use std::path::PathBuf;

/// The path of a shared extract, if present.
pub fn extract(name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("LIFECIRCLE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/osm"));
    let path = dir.join(name);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "note: {} is absent; benchmarking the embedded demo instead",
            path.display()
        );
        None
    }
}

/// A small deterministic PRNG (SplitMix64) for bench inputs.
pub struct SplitMix(pub u64);

impl SplitMix {
    /// Next value in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A shared extract (or the embedded demo) read and built, with its file name.
pub fn graph(
    name: &str,
) -> (
    String,
    lifecircle::osm::OsmExtract,
    lifecircle::graph::RoadGraph,
) {
    use lifecircle::osm::OsmExtract;
    let extract = match extract(name) {
        Some(path) => OsmExtract::from_pbf(path).unwrap(),
        None => OsmExtract::demo(),
    };
    let label = extract
        .source
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let graph = lifecircle::graph::build_graph(&extract, &Default::default()).unwrap();
    (label, extract, graph)
}
