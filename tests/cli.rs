//! The command line on good and bad input: exit codes, one-line errors that name the file or
//! point, never a panic.

use std::path::Path;
use std::process::{Command, Output};

fn lifecircle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(args)
        .output()
        .unwrap()
}

/// Asserts a clean failure: exit code 2, one line on stderr mentioning every `needle`.
fn assert_clean_error(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one line expected: {stderr}"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    for n in needles {
        assert!(stderr.contains(n), "'{n}' missing from: {stderr}");
    }
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn inspect_the_embedded_demo() {
    let out = lifecircle(&["inspect"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "liechtenstein-2013",
        "industrial areas    14",
        "bus routes          17",
        "walk",
        "bus",
    ] {
        assert!(text.contains(needle), "'{needle}' missing from:\n{text}");
    }
}

#[test]
fn inspect_json_parses_and_has_every_mode() {
    let out = lifecircle(&["inspect", "--json", "--snap", "9.5215,47.1410"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let modes = v["inspection"]["modes"].as_array().unwrap();
    assert_eq!(modes.len(), 5);
    assert!(modes.iter().all(|m| m["vertices"].as_u64().unwrap() > 1000));
    assert_eq!(v["snaps"].as_array().unwrap().len(), 5);
}

#[test]
fn missing_file() {
    let out = lifecircle(&["inspect", "/nonexistent/region.osm.pbf"]);
    assert_clean_error(&out, &["/nonexistent/region.osm.pbf", "No such file"]);
}

#[test]
fn a_file_that_is_not_pbf() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roads.osm.pbf");
    std::fs::write(&path, "<?xml version='1.0'?><osm></osm>\n").unwrap();
    let out = lifecircle(&["inspect", path.to_str().unwrap()]);
    assert_clean_error(&out, &["roads.osm.pbf", "not a readable OSM PBF file"]);
}

#[test]
fn an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.osm.pbf");
    std::fs::write(&path, "").unwrap();
    let out = lifecircle(&["inspect", path.to_str().unwrap()]);
    assert_clean_error(&out, &["empty.osm.pbf", "empty"]);
}

#[test]
fn a_truncated_pbf() {
    let full = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/liechtenstein-2013.osm.pbf"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for cut in [full.len() / 2, full.len() - 1, 10] {
        let path = dir.path().join(format!("cut-{cut}.osm.pbf"));
        std::fs::write(&path, &full[..cut]).unwrap();
        let out = lifecircle(&["inspect", path.to_str().unwrap()]);
        assert_clean_error(
            &out,
            &[&format!("cut-{cut}.osm.pbf"), "download is complete"],
        );
    }
}

#[test]
fn a_pbf_without_roads() {
    let out = lifecircle(&["inspect", &fixture("no_roads.osm.pbf")]);
    assert_clean_error(&out, &["no_roads.osm.pbf", "no routable roads"]);
}

#[test]
fn a_point_far_from_any_road() {
    let out = lifecircle(&["inspect", "--snap", "9.5215,47.5"]);
    assert_clean_error(
        &out,
        &[
            "9.521500,47.500000",
            "m from the nearest road",
            "limit 500 m",
        ],
    );
}

#[test]
fn a_malformed_point() {
    let out = lifecircle(&["inspect", "--snap", "9.5215;47.5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("LON,LAT"));
}
