//! Hostile files (issue 10, "bounded resources"): every case ends in exit code 2 (3 for a
//! DARP instance without a complete plan) with one line naming the file and the cap, or in a
//! warning — never a panic, an abort, an out-of-memory kill or a hang. Each case runs under a
//! 2 GiB address-space limit and a time limit, so that a regression fails fast instead of
//! eating the machine. The hostile PBF files are written byte by byte with a tiny protobuf
//! encoder below (the message layouts are those of osmpbf's `fileformat.proto` and
//! `osmformat.proto`).

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Address-space limit of every hostile run.
const MEMORY_LIMIT_BYTES: u64 = 2 << 30;

/// Runs the binary under the memory limit; kills it after `timeout`.
fn run_limited(args: &[&str], timeout: Duration) -> (Output, Duration) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lifecircle"));
    cmd.args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_LIMIT_BYTES,
                rlim_max: MEMORY_LIMIT_BYTES,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > timeout {
            child.kill().unwrap();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (out, started.elapsed())
}

/// Asserts a clean failure with `code`: one line on stderr, mentioning every `needle`.
fn assert_clean(out: &Output, code: i32, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "'{n}' missing from: {stderr}");
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

// ---------------------------------------------------------------------------------------------
// DARP instances

const SMALL_DARP: &str = "1 4 100 2 30
0 0 0 0 0 0 480
1 3 4 3 1 0 1440
2 6 8 3 1 0 1440
3 0 4 3 -1 10 60
4 6 0 3 -1 20 70
";

#[test]
fn darp_headers_above_the_caps_exit_2_naming_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    // 2^62 nodes and 10^18 vehicles panicked (`capacity overflow`), 10^11 vehicles ate 24 GB.
    for (header, needle) in [
        ("1 4611686018427387904 100 2 30", "2n (nodes)"),
        ("1000000000000000000 4 100 2 30", "m (vehicles)"),
        ("100000000000 4 100 2 30", "m (vehicles)"),
    ] {
        let text = SMALL_DARP.replacen("1 4 100 2 30", header, 1);
        let file = write(dir.path(), "big.txt", text.as_bytes());
        let (out, _) = run_limited(&["darp", &file, "--seconds", "1"], Duration::from_secs(30));
        assert_clean(&out, 2, &["big.txt:1", needle, "above the cap of"]);
    }
}

#[test]
fn darp_keeps_to_its_seconds_on_a_large_instance() {
    // 1,000 vehicles and 1,000 requests: the construction alone took 9.5 s with --seconds 1.
    let mut text = String::from("1000 2000 480 6 90\n0 0 0 0 0 0 1440\n");
    let mut state: u64 = 7;
    let mut coord = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64 * 20.0 - 10.0
    };
    for i in 1..=2000 {
        let load = if i <= 1000 { 1 } else { -1 };
        text.push_str(&format!(
            "{i} {:.3} {:.3} 3 {load} 0 1440\n",
            coord(),
            coord()
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "large.txt", text.as_bytes());
    let (out, took) = run_limited(&["darp", &file, "--seconds", "1"], Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(took < Duration::from_secs(4), "took {took:?}: {stderr}");
    // Cut short, the plan leaves requests unserved: exit 3, said once.
    assert!(matches!(out.status.code(), Some(0 | 3)), "{stderr}");
}

#[test]
fn darp_without_a_complete_plan_exits_3_and_says_so_once() {
    // Request 1's delivery is 1,000 minutes away but due by minute 20: nobody can serve it.
    let text = "1 2 100 2 30\n0 0 0 0 0 0 480\n1 3 4 3 1 0 10\n2 600 800 3 -1 0 20\n";
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "infeasible.txt", text.as_bytes());
    let (out, _) = run_limited(&["darp", &file, "--seconds", "1"], Duration::from_secs(30));
    assert_clean(&out, 3, &["infeasible.txt", "1 of 1 unserved"]);
    // A cause is printed once, not once in the message and again as its source.
    let (out, _) = run_limited(
        &["darp", "/nonexistent/a.txt", "--seconds", "1"],
        Duration::from_secs(30),
    );
    assert_clean(&out, 2, &["/nonexistent/a.txt"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// Counts on the command line

#[test]
fn a_billion_workers_are_refused_before_the_region_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().to_str().unwrap();
    let (out, took) = run_limited(
        &["drt", "--workers", "1000000000", "--out", o],
        Duration::from_secs(30),
    );
    assert_clean(&out, 2, &["workers", "at most 200000"]);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

// ---------------------------------------------------------------------------------------------
// Parks larger than the region

#[test]
fn a_park_1500_km_wide_is_clipped_to_the_region() {
    // One vertex in the demo region (Liechtenstein), two 1,500 km away: the evaluation grid
    // aborted with `memory allocation of 4294967296 bytes failed`.
    let park = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
        "properties":{"name":"Huge"},"geometry":{"type":"Polygon","coordinates":
        [[[9.52,47.14],[29.5,47.14],[9.52,60.6],[9.52,47.14]]]}}]}"#;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "huge.geojson", park.as_bytes());
    let o = dir.path().join("out");
    let (out, _) = run_limited(
        &["coverage", "--parks", &file, "--out", o.to_str().unwrap()],
        Duration::from_secs(120),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn park_coordinates_that_are_not_lon_lat_name_the_feature() {
    let park = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
        "properties":{"name":"Ok"},"geometry":{"type":"Polygon","coordinates":
        [[[9.52,47.14],[9.53,47.14],[9.53,47.15],[9.52,47.14]]]}},{"type":"Feature",
        "properties":{"name":"Far"},"geometry":{"type":"Polygon","coordinates":
        [[[9.52,47.14],[1e10,47.14],[9.52,1e10],[9.52,47.14]]]}}]}"#;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "far.geojson", park.as_bytes());
    let o = dir.path().join("out");
    let (out, _) = run_limited(
        &["coverage", "--parks", &file, "--out", o.to_str().unwrap()],
        Duration::from_secs(60),
    );
    assert_clean(
        &out,
        2,
        &["far.geojson", "'Far' (feature 2)", "10000000000"],
    );
}

// ---------------------------------------------------------------------------------------------
// PBF files

/// A tiny protobuf writer: enough for the PBF messages.
#[derive(Default)]
struct Pb(Vec<u8>);

impl Pb {
    fn varint(&mut self, mut v: u64) -> &mut Self {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
        self
    }
    fn key(&mut self, field: u64, wire: u64) -> &mut Self {
        self.varint(field << 3 | wire)
    }
    fn uint(&mut self, field: u64, v: u64) -> &mut Self {
        self.key(field, 0).varint(v)
    }
    fn sint(&mut self, field: u64, v: i64) -> &mut Self {
        self.uint(field, ((v << 1) ^ (v >> 63)) as u64)
    }
    fn bytes(&mut self, field: u64, b: &[u8]) -> &mut Self {
        self.key(field, 2).varint(b.len() as u64);
        self.0.extend_from_slice(b);
        self
    }
    fn packed_sint(&mut self, field: u64, values: &[i64]) -> &mut Self {
        let mut inner = Pb::default();
        for &v in values {
            inner.varint(((v << 1) ^ (v >> 63)) as u64);
        }
        self.bytes(field, &inner.0)
    }
}

/// One framed blob: length, `BlobHeader` {type, datasize}, `Blob` bytes.
fn frame(kind: &str, blob: &[u8]) -> Vec<u8> {
    let mut header = Pb::default();
    header.bytes(1, kind.as_bytes()).uint(3, blob.len() as u64);
    let mut out = (header.0.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(&header.0);
    out.extend_from_slice(blob);
    out
}

fn zlib(raw: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(raw).unwrap();
    e.finish().unwrap()
}

/// A `Blob` with zlib data; `raw_size` declared when given.
fn zlib_blob(raw: &[u8], raw_size: Option<u64>) -> Vec<u8> {
    let mut blob = Pb::default();
    if let Some(size) = raw_size {
        blob.uint(2, size);
    }
    blob.bytes(3, &zlib(raw));
    blob.0
}

/// The OSMHeader blob, with a bounding box `[left, bottom, right, top]` in degrees.
fn header_blob(bbox: Option<[f64; 4]>) -> Vec<u8> {
    let mut block = Pb::default();
    if let Some([l, b, r, t]) = bbox {
        let nano = |d: f64| (d * 1e9) as i64;
        let mut hb = Pb::default();
        hb.sint(1, nano(l))
            .sint(2, nano(r))
            .sint(3, nano(t))
            .sint(4, nano(b));
        block.bytes(1, &hb.0);
    }
    block.bytes(4, b"OsmSchema-V0.6").bytes(4, b"DenseNodes");
    let mut blob = Pb::default();
    blob.bytes(1, &block.0);
    frame("OSMHeader", &blob.0)
}

/// A `PrimitiveBlock` of dense nodes at (lon, lat) degrees with ids from 1, and `ways` given
/// as (tags, node refs).
/// A way as (tags, node refs).
type TestWay<'a> = (&'a [(&'a str, &'a str)], &'a [i64]);

fn data_block(nodes: &[(f64, f64)], ways: &[TestWay<'_>]) -> Vec<u8> {
    let mut strings: Vec<&str> = vec![""];
    let mut group = Pb::default();
    let mut dense = Pb::default();
    let deltas = |v: Vec<i64>| -> Vec<i64> {
        let mut prev = 0;
        v.into_iter()
            .map(|x| {
                let d = x - prev;
                prev = x;
                d
            })
            .collect()
    };
    let ids: Vec<i64> = (1..=nodes.len() as i64).collect();
    let lat = nodes.iter().map(|n| (n.1 * 1e7) as i64).collect();
    let lon = nodes.iter().map(|n| (n.0 * 1e7) as i64).collect();
    dense
        .packed_sint(1, &deltas(ids))
        .packed_sint(8, &deltas(lat))
        .packed_sint(9, &deltas(lon));
    group.bytes(2, &dense.0);
    let mut groups = vec![group.0];
    let mut way_group = Pb::default();
    for (i, (tags, refs)) in ways.iter().enumerate() {
        let mut way = Pb::default();
        way.uint(1, 1000 + i as u64);
        let mut keys = Pb::default();
        let mut vals = Pb::default();
        for (k, v) in tags.iter() {
            keys.varint(string_index(&mut strings, k));
            vals.varint(string_index(&mut strings, v));
        }
        way.bytes(2, &keys.0).bytes(3, &vals.0);
        way.packed_sint(8, &deltas(refs.to_vec()));
        way_group.bytes(3, &way.0);
    }
    if !ways.is_empty() {
        groups.push(way_group.0);
    }
    let mut table = Pb::default();
    for s in &strings {
        table.bytes(1, s.as_bytes());
    }
    let mut block = Pb::default();
    block.bytes(1, &table.0);
    for g in &groups {
        block.bytes(2, g);
    }
    block.uint(17, 100);
    block.0
}

fn string_index(strings: &mut Vec<&str>, s: &str) -> u64 {
    if let Some(i) = strings.iter().position(|x| *x == s) {
        return i as u64;
    }
    strings.push(Box::leak(s.to_string().into_boxed_str()));
    (strings.len() - 1) as u64
}

/// A `PrimitiveBlock` of `count` dense nodes, all at 0,0 with consecutive ids: 3 bytes a node
/// raw, ~1,000× smaller compressed.
fn bomb_block(count: usize) -> Vec<u8> {
    let mut dense = Pb::default();
    dense.bytes(1, &vec![2u8; count]); // id deltas +1 (zigzag 2)
    dense.bytes(8, &vec![0u8; count]);
    dense.bytes(9, &vec![0u8; count]);
    let mut group = Pb::default();
    group.bytes(2, &dense.0);
    let mut block = Pb::default();
    block
        .bytes(1, &Pb::default().bytes(1, b"").0)
        .bytes(2, &group.0);
    block.0
}

#[test]
fn a_pbf_declaring_160_million_nodes_is_refused_without_the_memory() {
    // 15 blobs of 11 M nodes each: ~470 KB on disk; read to 2.9 GB, then aborted.
    let raw = bomb_block(11_000_000);
    for (name, raw_size) in [("honest", Some(raw.len() as u64)), ("silent", None)] {
        let blob = frame("OSMData", &zlib_blob(&raw, raw_size));
        let mut file = header_blob(None);
        for _ in 0..15 {
            file.extend_from_slice(&blob);
        }
        assert!(file.len() < 1_000_000, "{}", file.len());
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "bomb.osm.pbf", &file);
        let (out, _) = run_limited(&["inspect", &path], Duration::from_secs(60));
        let cap = if raw_size.is_some() {
            "above the cap of 200×"
        } else {
            "above the cap of 32 per byte"
        };
        assert_clean(&out, 2, &["bomb.osm.pbf", "blob 1 at byte", cap]);
        println!("{name} raw_size: refused");
    }
}

#[test]
fn pbf_blobs_above_32_mib_are_refused_naming_the_blob() {
    let dir = tempfile::tempdir().unwrap();
    // A header declaring a 40 MiB blob, and a file that ends long before.
    let mut file = header_blob(None);
    let mut header = Pb::default();
    header.bytes(1, b"OSMData").uint(3, 40 << 20);
    file.extend_from_slice(&(header.0.len() as u32).to_be_bytes());
    file.extend_from_slice(&header.0);
    file.extend_from_slice(&[0u8; 100]);
    let path = write(dir.path(), "datasize.osm.pbf", &file);
    let (out, _) = run_limited(&["inspect", &path], Duration::from_secs(30));
    assert_clean(&out, 2, &["datasize.osm.pbf", "blob 1 at byte", "32 MiB"]);

    // A small blob declaring 64 MiB uncompressed.
    let raw = data_block(&[(9.5, 47.1)], &[]);
    let mut file = header_blob(None);
    file.extend_from_slice(&frame("OSMData", &zlib_blob(&raw, Some(64 << 20))));
    let path = write(dir.path(), "rawsize.osm.pbf", &file);
    let (out, _) = run_limited(&["inspect", &path], Duration::from_secs(30));
    assert_clean(&out, 2, &["rawsize.osm.pbf", "blob 1 at byte", "32 MiB"]);
}

/// A small region: a two-way road grid of 3 × 3 nodes around 9.52,47.14, plus `extra` nodes
/// and ways.
fn small_region(extra_nodes: &[(f64, f64)], extra_ways: &[TestWay<'_>]) -> Vec<u8> {
    let mut nodes = Vec::new();
    for j in 0..3 {
        for i in 0..3 {
            nodes.push((9.52 + 0.002 * i as f64, 47.14 + 0.002 * j as f64));
        }
    }
    nodes.extend_from_slice(extra_nodes);
    let road: &[(&str, &str)] = &[("highway", "residential")];
    let mut ways: Vec<TestWay<'_>> = vec![
        (road, &[1, 2, 3]),
        (road, &[4, 5, 6]),
        (road, &[7, 8, 9]),
        (road, &[1, 4, 7]),
        (road, &[2, 5, 8]),
        (road, &[3, 6, 9]),
    ];
    ways.extend_from_slice(extra_ways);
    data_block(&nodes, &ways)
}

#[test]
fn an_inverted_header_bbox_is_a_warning() {
    let mut file = header_blob(Some([9.6, 47.2, 9.5, 47.1]));
    file.extend_from_slice(&frame("OSMData", &zlib_blob(&small_region(&[], &[]), None)));
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "inverted.osm.pbf", &file);
    let (out, _) = run_limited(&["inspect", &path], Duration::from_secs(30));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: ") && stderr.contains("is inverted"),
        "{stderr}"
    );
    // A box 1,000× larger than the nodes: also a warning.
    let mut file = header_blob(Some([-10.0, 30.0, 30.0, 60.0]));
    file.extend_from_slice(&frame("OSMData", &zlib_blob(&small_region(&[], &[]), None)));
    let path = write(dir.path(), "wide.osm.pbf", &file);
    let (out, _) = run_limited(&["inspect", &path], Duration::from_secs(30));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("disagrees with the nodes' extent"),
        "{stderr}"
    );
}

#[test]
fn a_continent_wide_industrial_or_residential_way_is_clipped_to_the_region() {
    // Node 10 is in the region, 11 and 12 are 1,500 km away; the region's box comes from the
    // header (around the small grid), so the landuse way reaches far beyond it. A small park
    // (nodes 1, 2, 5, 4) gives the commute stage a target. The grid over the way aborted
    // with `memory allocation of 4294967296 bytes failed`.
    let far = [(9.521, 47.141), (29.5, 47.141), (9.521, 60.6)];
    let park: &[(&str, &str)] = &[("landuse", "industrial"), ("name", "Small")];
    for (landuse, command) in [("industrial", "coverage"), ("residential", "commute")] {
        let tags: &[(&str, &str)] = &[("landuse", landuse)];
        let block = small_region(&far, &[(park, &[1, 2, 5, 4, 1]), (tags, &[10, 11, 12, 10])]);
        let mut file = header_blob(Some([9.519, 47.139, 9.525, 47.145]));
        file.extend_from_slice(&frame("OSMData", &zlib_blob(&block, None)));
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "giant.osm.pbf", &file);
        let o = dir.path().join("out");
        let mut args = vec![command, &path, "--out", o.to_str().unwrap()];
        if command == "commute" {
            args.extend(["--modes", "walk"]);
        }
        let (out, _) = run_limited(&args, Duration::from_secs(120));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{landuse}: {stderr}");
    }
}

// ---------------------------------------------------------------------------------------------
// Planner files

#[test]
fn a_million_bad_poi_rows_print_eleven_warnings_with_spreadsheet_lines() {
    // A CRLF file (what Excel writes) of a million rows with a bad latitude: printed 1,000,000
    // warning lines, each one line too low.
    let mut text = String::from("lon,lat,category,name\r\n");
    for _ in 0..1_000_000 {
        text.push_str("9.52,abc,food,Bad\r\n");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "pois.csv", text.as_bytes());
    let o = dir.path().join("out");
    let (out, _) = run_limited(
        &["coverage", "--poi", &file, "--out", o.to_str().unwrap()],
        Duration::from_secs(120),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("pois.csv:")).collect();
    assert_eq!(warnings.len(), 11, "{}", &stderr[..stderr.len().min(2000)]);
    assert!(warnings[0].contains("pois.csv:2:"), "{}", warnings[0]);
    assert!(
        warnings[10].contains("pois.csv:12:")
            && warnings[10].contains("… and 999,990 more rows like this"),
        "{}",
        warnings[10]
    );
}
