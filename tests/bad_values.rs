//! Issue 10, "Every bad value named": absurd numbers, names that do not exist and requests
//! that cannot be met are refused with one line naming the key, flag, file, line or feature
//! (exit 2), or dropped with a warning that says so.

mod common;
use common::run::{assert_clean_error, output as lifecircle};

#[test]
fn negative_longitudes_are_points_not_options() {
    // Baltimore is far from the Liechtenstein demo: the point is read, then refused as far
    // from any road (before, clap took "-76.61,39.29" for an unknown option).
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("iso.geojson");
    let out = lifecircle(&[
        "isochrone",
        "--from",
        "-76.61,39.29",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert_clean_error(&out, &["point -76.610000,39.290000", "nearest road"]);
    let out = lifecircle(&["inspect", "--snap", "-76.6,39.3"]);
    assert_clean_error(&out, &["point -76.600000,39.300000", "nearest road"]);
}

#[test]
fn a_snap_limit_that_is_not_a_number_is_refused() {
    for bad in ["NaN", "inf", "0"] {
        let out = lifecircle(&["inspect", "--snap", "9.5215,47.1410", "--max-snap-m", bad]);
        assert_clean_error(&out, &["--max-snap-m", "above 0 to 100000 m"]);
    }
}

#[test]
fn flags_and_scenario_keys_share_one_rule() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = out_dir.to_str().unwrap();
    // The flag refused 199 km/h; the scenario key accepted it.
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, "[region]\nwalk_kmh = 199\n").unwrap();
    let plan = lifecircle(&["plan", "--config", scenario.to_str().unwrap(), "--out", out]);
    assert_clean_error(
        &plan,
        &["region.walk_kmh (--walk-speed) = 199.0", "1 to 10 km/h"],
    );
    for (args, needles) in [
        (
            vec!["drt", "--shift-hours", "1e300"],
            vec!["bus.shift_hours (--shift-hours) = 1e300", "16 hours"],
        ),
        (
            vec!["drt", "--timezone", "Asia/Nowhere"],
            vec!["bus.timezone", "Asia/Nowhere", "IANA"],
        ),
        (
            vec!["commute", "--levels", "inf"],
            vec!["commute.levels (--levels) = inf"],
        ),
        (
            vec!["commute", "--modes", "walk,bus,walk"],
            vec!["--modes", "appears twice"],
        ),
        (
            vec!["commute", "--residents-total", "1e300"],
            vec!["commute.residents_total"],
        ),
    ] {
        let mut args = args.clone();
        args.extend(["--out", out]);
        assert_clean_error(&lifecircle(&args), &needles);
        assert!(!out_dir.exists(), "{args:?} wrote files");
    }
}

#[test]
fn a_profile_that_does_not_exist_fails_the_plan_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    for (profile, needles) in [
        ("gb5018", vec!["gb5018", "park, gb50180"]),
        ("missing.toml", vec!["missing.toml"]),
    ] {
        let scenario = dir.path().join("s.toml");
        std::fs::write(
            &scenario,
            format!("[life_circle]\nprofile = \"{profile}\"\n"),
        )
        .unwrap();
        let out = lifecircle(&[
            "plan",
            "--config",
            scenario.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert_clean_error(&out, &needles);
        assert!(!out_dir.exists(), "{profile}: the plan ran");
    }
}

#[test]
fn an_unknown_bus_park_fails_the_plan_before_any_stage() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, "[bus]\nparks = [\"P1\", \"P99\"]\n").unwrap();
    let out = lifecircle(&[
        "plan",
        "--config",
        scenario.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_clean_error(&out, &["bus.parks", "no park 'P99'", "P1 ("]);
    assert!(!out_dir.exists(), "the plan ran");
}

#[test]
fn gtfs_stops_outside_the_region_are_reported() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let (pbf, feed) = (
        shared.join("osm/sao-paulo-centre.osm.pbf"),
        shared.join("gtfs/sao-paulo-centre-gtfs.zip"),
    );
    if !pbf.is_file() || !feed.is_file() {
        eprintln!(
            "skipped: {} is absent (a fresh clone has no ../shared)",
            shared.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let parks = dir.path().join("parks.geojson");
    std::fs::write(
        &parks,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Centro"},"geometry":{"type":"Polygon","coordinates":[[[-46.64,-23.55],[-46.63,-23.55],[-46.63,-23.54],[-46.64,-23.54],[-46.64,-23.55]]]}}]}"#,
    )
    .unwrap();
    let out = lifecircle(&[
        "commute",
        pbf.to_str().unwrap(),
        "--parks",
        parks.to_str().unwrap(),
        "--gtfs",
        feed.to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("stops on the GTFS lines in the window lie outside the region"),
        "{stderr}"
    );
}
