//! The command line on good and bad input: exit codes, one-line errors that name the file or
//! point, never a panic.

use std::path::Path;
use std::process::Command;

mod common;
use common::run::{assert_clean_error, output as lifecircle};

/// Runs `command --out DIR` again on one thread and checks every listed file is byte-identical
/// to the one in `dir`.
fn assert_same_on_one_thread(command: &str, dir: &Path, files: &[&str]) {
    let again = tempfile::tempdir().unwrap();
    let one = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args([command, "--out", again.path().to_str().unwrap()])
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert!(one.status.success());
    for f in files {
        assert_eq!(
            std::fs::read(dir.join(f)).unwrap(),
            std::fs::read(again.path().join(f)).unwrap(),
            "{f}"
        );
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
fn a_file_that_is_not_pbf_or_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents, cause) in [
        (
            "roads.osm.pbf",
            "<?xml version='1.0'?><osm></osm>\n",
            "not a readable OSM PBF file",
        ),
        ("empty.osm.pbf", "", "empty"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        let out = lifecircle(&["inspect", path.to_str().unwrap()]);
        assert_clean_error(&out, &[name, cause]);
    }
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

#[test]
fn coverage_writes_every_file_and_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = lifecircle(&["coverage", "--out", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Hilti Nendeln") && text.contains("food"),
        "{text}"
    );
    for f in [
        "parks.geojson",
        "amenities.geojson",
        "isochrones.geojson",
        "sites.geojson",
        "gaps.geojson",
        "coverage.csv",
        "coverage.json",
    ] {
        let bytes = std::fs::read(dir.path().join(f)).unwrap();
        assert!(!bytes.is_empty(), "{f}");
        if f.ends_with(".geojson") {
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(v["attribution"], "© OpenStreetMap contributors", "{f}");
        }
    }
    let csv = std::fs::read_to_string(dir.path().join("coverage.csv")).unwrap();
    // 9 parks × 11 categories + header.
    assert_eq!(csv.lines().count(), 1 + 9 * 11);
    assert_same_on_one_thread(
        "coverage",
        dir.path(),
        &[
            "parks.geojson",
            "amenities.geojson",
            "isochrones.geojson",
            "isochrones.fgb",
            "sites.geojson",
            "gaps.geojson",
            "coverage.csv",
            "coverage.json",
        ],
    );
}

#[test]
fn coverage_bad_input_is_a_clean_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let o = out_dir.to_str().unwrap();
    let unknown_profile = lifecircle(&["coverage", "--profile", "nope", "--out", o]);
    assert_clean_error(&unknown_profile, &["profile 'nope'", "park, gb50180"]);
    let broken = dir.path().join("broken.geojson");
    std::fs::write(&broken, "{\"type\": \"FeatureCollection\", \"features\": [").unwrap();
    assert_clean_error(
        &lifecircle(&["coverage", "--parks", broken.to_str().unwrap(), "--out", o]),
        &["broken.geojson", "not valid GeoJSON"],
    );
    let far = dir.path().join("far.geojson");
    std::fs::write(&far, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Quzhou park"},"geometry":{"type":"Polygon","coordinates":[[[118.8,28.9],[118.81,28.9],[118.81,28.91],[118.8,28.9]]]}}]}"#).unwrap();
    assert_clean_error(
        &lifecircle(&["coverage", "--parks", far.to_str().unwrap(), "--out", o]),
        &["Quzhou park", "outside the OSM data"],
    );
    let no_parks = lifecircle(&["coverage", &fixture("access.osm.pbf"), "--out", o]);
    assert_clean_error(
        &no_parks,
        &["access.osm.pbf", "industrial areas", "--parks"],
    );
    let bad_crs = lifecircle(&["coverage", "--poi-crs", "mars", "--out", o]);
    assert_eq!(bad_crs.status.code(), Some(2));
    assert!(!out_dir.exists(), "a failed run leaves nothing behind");
}

#[test]
fn coverage_reports_bad_poi_rows_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let pois = dir.path().join("pois.csv");
    std::fs::write(&pois, "lon,lat,category,name\n9.5215,47.1410,parcel,Locker\n9.52,abc,food,Bad\n9.52,47.14,karaoke,Unknown\n").unwrap();
    let out = lifecircle(&[
        "coverage",
        "--poi",
        pois.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pois.csv:3:")
            && stderr.contains("pois.csv:4:")
            && stderr.contains("karaoke"),
        "{stderr}"
    );
}

#[test]
fn isochrone_from_a_point_and_from_a_park() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("iso.geojson");
    let out = lifecircle(&[
        "isochrone",
        "--from",
        "9.5215,47.1410",
        "--mode",
        "bike",
        "--minutes",
        "5,10",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let minutes: Vec<f64> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["minutes"].as_f64().unwrap())
        .collect();
    assert_eq!(minutes, [10.0, 5.0]);
    let park = lifecircle(&[
        "isochrone",
        "--park",
        "Hilti Nendeln",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(
        park.status.success(),
        "{}",
        String::from_utf8_lossy(&park.stderr)
    );
    assert_clean_error(
        &lifecircle(&[
            "isochrone",
            "--park",
            "Nowhere",
            "--out",
            file.to_str().unwrap(),
        ]),
        &["no park 'Nowhere'", "Hilti Nendeln"],
    );
    assert_clean_error(
        &lifecircle(&[
            "isochrone",
            "--from",
            "9.5215,47.5",
            "--out",
            file.to_str().unwrap(),
        ]),
        &["9.521500,47.500000", "limit 500 m"],
    );
}

#[test]
fn commute_writes_every_file_and_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = lifecircle(&["commute", "--out", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Hilti Nendeln") && text.contains("estimated") && text.contains("bus≤30"),
        "{text}"
    );
    for f in [
        "commute.csv",
        "commute.json",
        "residential.geojson",
        "commute_isochrones.geojson",
        "bikeshare.geojson",
    ] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    let csv = std::fs::read_to_string(dir.path().join("commute.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 9 * 5, "9 parks × 5 modes");
    assert!(csv.lines().nth(1).unwrap().contains(",estimated,"));
    assert_same_on_one_thread(
        "commute",
        dir.path(),
        &[
            "commute.csv",
            "commute.json",
            "residential.geojson",
            "commute_isochrones.geojson",
            "commute_isochrones.fgb",
            "bikeshare.geojson",
        ],
    );
}

#[test]
fn commute_bad_input_is_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("out");
    let o = o.to_str().unwrap();
    let junk = dir.path().join("feed.zip");
    std::fs::write(&junk, "not a zip").unwrap();
    assert_clean_error(
        &lifecircle(&["commute", "--gtfs", junk.to_str().unwrap(), "--out", o]),
        &["feed.zip", "GTFS"],
    );
    let gtfs =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/gtfs/sao-paulo-centre-gtfs.zip");
    if gtfs.exists() {
        assert_clean_error(
            &lifecircle(&["commute", "--gtfs", gtfs.to_str().unwrap(), "--out", o]),
            &[
                "sao-paulo-centre-gtfs.zip",
                "no stop of the GTFS feed lies in the region",
            ],
        );
    } else {
        println!(
            "skipped the non-overlapping feed: {} is absent",
            gtfs.display()
        );
    }
    let bad_mode = lifecircle(&["commute", "--modes", "walk,tram", "--out", o]);
    assert_eq!(bad_mode.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_mode.stderr).contains("walk, bike, ebike, car, bus"));
    assert_clean_error(
        &lifecircle(&["commute", "--depart", "8-7", "--out", o]),
        &["departure window '8-7'"],
    );
    assert!(!Path::new(o).exists(), "a failed run leaves nothing behind");
    // Bad population rows are reported with their line and skipped.
    let people = dir.path().join("people.csv");
    std::fs::write(
        &people,
        "lon,lat,count\n9.5215,47.1410,100\n9.52,47.14,-5\n",
    )
    .unwrap();
    let ok = lifecircle(&[
        "commute",
        "--population",
        people.to_str().unwrap(),
        "--out",
        o,
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stderr).contains("people.csv:3:"));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("100 residents (supplied)"));
    // A known population scales the estimate.
    let scaled = lifecircle(&["commute", "--residents-total", "37000", "--out", o]);
    assert!(
        String::from_utf8_lossy(&scaled.stdout)
            .contains("37000 residents (estimated from buildings and areas, scaled")
    );
}

#[test]
fn darp_solves_and_checks_a_benchmark_instance() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/darp/a2-16.txt");
    if !file.exists() {
        println!("skipped: {} is absent", file.display());
        return;
    }
    let out = lifecircle(&["darp", file.to_str().unwrap(), "--seconds", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("a2-16")
            && text.contains("feasible yes")
            && text.contains("0 requests unserved"),
        "{text}"
    );
    // The printed cost is the checker's, and within 3 % of the published optimum 294.25.
    let cost: f64 = text
        .split("cost ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((294.25 - 0.01..=294.25 * 1.03).contains(&cost), "{cost}");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "2 4 480 3\n").unwrap();
    let out = lifecircle(&["darp", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.txt"));
}

/// Every "-0", "-0%" or "-0.00" in `text` that stands as a number (not "2024-01", "#-0", "a-0"),
/// with a few characters around it.
fn negative_zeros(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    for (i, _) in text.match_indices("-0") {
        let before_ok =
            i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b"_-#.".contains(&b[i - 1]));
        let mut j = i + 2;
        if b.get(j) == Some(&b'.') && b.get(j + 1) == Some(&b'0') {
            j += 1;
            while b.get(j) == Some(&b'0') {
                j += 1;
            }
        }
        let after_ok = b.get(j).is_none_or(|c| !(c.is_ascii_digit() || *c == b'.'));
        if before_ok && after_ok {
            let mut from = i.saturating_sub(40);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let mut to = (j + 20).min(text.len());
            while !text.is_char_boundary(to) {
                to += 1;
            }
            found.push(text[from..to].to_string());
        }
    }
    found
}

#[test]
fn a_park_without_residents_prints_no_negative_zero() {
    // The bus fixture has no buildings or residential areas: the residents total is an empty
    // sum, which is -0.0 in f64, and printed "-0 residents", "-0%" and "-0.0" before.
    let dir = tempfile::tempdir().unwrap();
    let parks = dir.path().join("parks.geojson");
    std::fs::write(
        &parks,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Square"},"geometry":{"type":"Polygon","coordinates":[[[9.505,47.1999],[9.507,47.1999],[9.507,47.2001],[9.505,47.2001],[9.505,47.1999]]]}}]}"#,
    )
    .unwrap();
    for command in ["commute", "plan"] {
        let out_dir = dir.path().join(command);
        let out = lifecircle(&[
            command,
            &fixture("bus.osm.pbf"),
            "--parks",
            parks.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{command}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            command != "commute" || stdout.contains(" 0 residents"),
            "{stdout}"
        );
        let mut texts = vec![("stdout".to_string(), stdout)];
        for entry in std::fs::read_dir(&out_dir).unwrap() {
            let path = entry.unwrap().path();
            if let Ok(text) = std::fs::read_to_string(&path) {
                texts.push((path.display().to_string(), text));
            }
        }
        assert!(
            texts.len() > 3,
            "{command} wrote too few files: {}",
            texts.len()
        );
        for (name, text) in &texts {
            let bad = negative_zeros(text);
            assert!(bad.is_empty(), "{command}: {name} prints -0: {bad:#?}");
        }
    }
    assert_eq!(
        negative_zeros("2024-01 a-0 #-0 -0.5 -05 x"),
        Vec::<String>::new()
    );
    assert_eq!(negative_zeros("n -0% -0.00, -0").len(), 3);
}
