//! Regression (issue 11): a whole file in another datum whose points still fall inside the
//! region — a plain table (名称,经度,纬度,类别) of GCJ-02 or BD-09 coordinates, park outlines
//! drawn on Amap, a booking list — read as WGS-84 because nothing said otherwise. Fixtures
//! (tests/fixtures/README.md): 60 of OSM's own named places of Xinjiekou, Nanjing, written in
//! WGS-84, GCJ-02 and BD-09, and its residential outlines in GCJ-02 as parks.
//! Skipped with a printed reason when ../shared is absent.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn lifecircle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(args)
        .output()
        .unwrap()
}

fn nanjing() -> Option<String> {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/osm/nanjing-xinjiekou.osm.pbf");
    if p.exists() {
        Some(p.to_str().unwrap().to_string())
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

fn fixture(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    p.to_str().unwrap().to_string()
}

/// `coverage` on Nanjing with the GCJ-02 parks (said so) and `extra` arguments.
fn coverage(pbf: &str, out: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let parks = fixture("xinjiekou_parks_gcj02.geojson");
    let mut args = vec![
        "coverage",
        pbf,
        "--parks",
        &parks,
        "--parks-crs",
        "gcj02",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = lifecircle(&args);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_gcj02_table_read_as_wgs84_is_refused_and_a_wgs84_one_is_not() {
    let Some(pbf) = nanjing() else { return };
    let dir = tempfile::tempdir().unwrap();
    let gcj = fixture("xinjiekou_osm_gcj02.csv");
    let (code, stderr) = coverage(&pbf, &dir.path().join("a"), &["--poi", &gcj]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("xinjiekou_osm_gcj02.csv")
            && stderr.contains("look like GCJ-02 (Amap/Tencent) read as WGS-84")
            && stderr.contains("60 named points match OSM features within 30 m instead of 0")
            && stderr.contains("Pass --poi-crs gcj02")
            && stderr.contains("--poi-crs wgs84 if they really are WGS-84"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // The same places in WGS-84: no complaint.
    let wgs = fixture("xinjiekou_osm_wgs84.csv");
    let (code, stderr) = coverage(&pbf, &dir.path().join("b"), &["--poi", &wgs]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("look like"), "{stderr}");
}

#[test]
fn a_bd09_table_read_as_wgs84_names_bd09() {
    let Some(pbf) = nanjing() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bd = fixture("xinjiekou_osm_bd09.csv");
    let (code, stderr) = coverage(&pbf, dir.path(), &["--poi", &bd]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("look like BD-09 (Baidu) read as WGS-84")
            && stderr.contains("Pass --poi-crs bd09"),
        "{stderr}"
    );
}

/// With `--poi-crs gcj02` the table is read and its places land where OSM has them; with
/// `--poi-crs wgs84` the planner decided: the run goes on, with a note saying what fits.
#[test]
fn a_given_datum_is_kept_with_a_note() {
    let Some(pbf) = nanjing() else { return };
    let dir = tempfile::tempdir().unwrap();
    let gcj = fixture("xinjiekou_osm_gcj02.csv");
    let (code, stderr) = coverage(&pbf, dir.path(), &["--poi", &gcj, "--poi-crs", "gcj02"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("look like"), "{stderr}");
    let (amenities, _) = lifecircle::places::import::read_pois(
        Path::new(&gcj),
        Some(lifecircle::places::crs::Crs::Gcj02),
        &lifecircle::places::AmenityProfile::load("park").unwrap(),
        [118.68665, 31.87100, 118.87560, 32.16071],
        0,
    )
    .unwrap();
    let truth = std::fs::read_to_string(fixture("xinjiekou_osm_wgs84.csv")).unwrap();
    for (a, line) in amenities.iter().zip(truth.lines().skip(1)) {
        let f: Vec<&str> = line.split(',').collect();
        let (lon, lat): (f64, f64) = (f[1].parse().unwrap(), f[2].parse().unwrap());
        let off_m = ((a.location.x - lon) * 94_400.0).hypot((a.location.y - lat) * 110_900.0);
        assert!(off_m < 2.0, "{} is {off_m:.1} m off", f[0]);
    }
    assert_eq!(amenities.len(), 60);
    let (code, stderr) = coverage(
        &pbf,
        &dir.path().join("w"),
        &["--poi", &gcj, "--poi-crs", "wgs84"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("look like GCJ-02 (Amap/Tencent) read as WGS-84")
            && stderr.contains("kept as WGS-84 because --poi-crs says so"),
        "{stderr}"
    );
}

#[test]
fn gcj02_park_outlines_without_parks_crs_are_refused() {
    let Some(pbf) = nanjing() else { return };
    let dir = tempfile::tempdir().unwrap();
    let parks = fixture("xinjiekou_parks_gcj02.geojson");
    let out = lifecircle(&[
        "coverage",
        &pbf,
        "--parks",
        &parks,
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("xinjiekou_parks_gcj02.geojson")
            && stderr.contains("look like GCJ-02 (Amap/Tencent) read as WGS-84")
            && stderr.contains("Pass --parks-crs gcj02"),
        "{stderr}"
    );
}

/// A booking list (经度,纬度,园区,到岗时间) whose homes are BD-09 is refused by `drt`, naming
/// `--demand-crs bd09`; with the flag it is planned.
#[test]
fn a_bd09_booking_list_is_refused_without_demand_crs() {
    let Some(pbf) = nanjing() else { return };
    let dir = tempfile::tempdir().unwrap();
    let places = std::fs::read_to_string(fixture("xinjiekou_osm_bd09.csv")).unwrap();
    let mut text = String::from("经度,纬度,园区,到岗时间\n");
    for line in places.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        text.push_str(&format!("{},{},P1,08:00\n", f[1], f[2]));
    }
    let demand = dir.path().join("bookings.csv");
    std::fs::write(&demand, text).unwrap();
    let parks = fixture("xinjiekou_parks_gcj02.geojson");
    let run = |extra: &[&str], out: &str| {
        let out = dir.path().join(out);
        let mut args = vec![
            "drt",
            &pbf,
            "--parks",
            &parks,
            "--parks-crs",
            "gcj02",
            "--demand",
            demand.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let o = lifecircle(&args);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&[], "a");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("bookings.csv")
            && stderr.contains("look like BD-09 (Baidu) read as WGS-84")
            && stderr.contains("Pass --demand-crs bd09"),
        "{stderr}"
    );
    let (code, stderr) = run(&["--demand-crs", "bd09"], "b");
    assert!(!stderr.contains("look like"), "{stderr}");
    assert_ne!(code, Some(2), "{stderr}");
}

/// A population table (经度,纬度,人口) of GCJ-02 points read as WGS-84: refused naming
/// `--population-crs`; the same points in WGS-84 are read without complaint.
#[test]
fn a_gcj02_population_table_is_refused_without_population_crs() {
    let Some(pbf) = nanjing() else { return };
    let dir = tempfile::tempdir().unwrap();
    let parks = fixture("xinjiekou_parks_gcj02.geojson");
    let commute = |population: &str, out: &str| {
        let out = dir.path().join(out);
        let o = lifecircle(&[
            "commute",
            &pbf,
            "--parks",
            &parks,
            "--parks-crs",
            "gcj02",
            "--population",
            &fixture(population),
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        (o.status.code(), stderr)
    };
    let (code, stderr) = commute("xinjiekou_population_gcj02.csv", "a");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("xinjiekou_population_gcj02.csv")
            && stderr.contains("look like GCJ-02 (Amap/Tencent) read as WGS-84")
            && stderr.contains("Pass --population-crs gcj02"),
        "{stderr}"
    );
    let (code, stderr) = commute("xinjiekou_population_wgs84.csv", "b");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("look like"), "{stderr}");
}
