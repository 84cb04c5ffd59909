//! Issue 12: with supplied bookings, "today's best mode" (`existing_best_min` in
//! `drt_riders.csv`, `best_existing_mode_without_car` in `drt.json`, the "X% vs Y%" headline)
//! is measured for every booking, and equals a case computed by hand; the booking rows the
//! reader skips are listed in `drt_riders.csv` with their line and reason.
//!
//! The region is `tests/fixtures/bookings.osm` (see `tests/fixtures/README.md`): every road lies
//! on the meridian 9.5° E, so a way's length is its latitude span × 111 195.08 m per degree
//! (haversine on a sphere of radius 6 371 008.8 m: 6 371 008.8 × π / 180), and a home on a node
//! of the road has no walk onto the network. The park "Test Park" (P1) is reached at node 1
//! (47.1000 N), its only vertex within 50 m; no bus line, no bike-share point.
//!
//! ```text
//!   node 3   47.1300  ─┐ footway 0.005° = 555.98 m (bikes and e-bikes pushed at 4.5 km/h)
//!   node 2   47.1250  ─┤
//!   node 7   47.1100   │ residential "North Street": 1 → 7 → 2, 0.025° = 2 779.88 m
//!   node 1   47.1000  ─┘ ← park P1
//!   node 5   47.0000   │ residential "South Street": 1 → 5 → 6, 0.2° = 22 239.02 m
//!   node 6   46.9000  ─┘
//! ```
//!
//! Speeds of the default profile: walk 4.5 km/h = 1.25 m/s, bike 15 km/h = 4.1667 m/s, e-bike
//! 20 km/h = 5.5556 m/s. Today's best mode excludes the car; with no bus line the bus is
//! walking. Each booking's times, by hand:
//!
//! | line | home (node) | workers | walk | bike | e-bike | best |
//! |---|---|---|---|---|---|---|
//! | 2 | 47.1100 (7): 1 111.95 m | 1 | 889.56 s = 14.83 min | 266.87 s | 200.15 s = 3.34 min | 3.3 |
//! | 3 | 47.1250 (2): 2 779.88 m | 3 | 2 223.90 s = 37.07 min | 667.17 s | 500.38 s = 8.34 min | 8.3 |
//! | 4 | 47.1300 (3): 2 779.88 m + 555.98 m footway | 2 | 2 668.68 s = 44.48 min | 667.17 + 444.78 = 1 111.95 s = 18.53 min | 500.38 + 444.78 = 945.16 s = 15.75 min | 15.8 |
//! | 5 | 47.0000 (5): 11 119.51 m | 1 | 8 895.61 s (> 60 min) | 2 668.68 s = 44.48 min | 2 001.51 s = 33.36 min | 33.4 |
//! | 6 | 46.9000 (6): 22 239.02 m | 3 | > 60 min | 5 337.4 s > 60 min | 4 003.0 s = 66.72 min > 60 | blank (beyond 60) |
//!
//! So of 10 workers, 1 + 3 + 2 = 6 are within 30 min today (60 %): by walking (and the bus,
//! which is walking here) only line 2's 1 (10 %), by bike and by e-bike lines 2–4 (60 %); the 3
//! of line 6 are beyond 60 min. Lines 7–9 are bad rows: a time `8点`, a park `P99` that does not
//! exist, a point far outside the region.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;
use common::run::{Run, csv_rows, json, lifecircle};

/// The booking file: 5 good rows (lines 2–6) and 3 bad ones (lines 7–9).
const BOOKINGS: &str = "lon,lat,park,arrive_by,count\n\
    9.5,47.11,P1,08:00,1\n\
    9.5,47.125,P1,08:00,3\n\
    9.5,47.13,P1,08:00,2\n\
    9.5,47.0,P1,08:00,1\n\
    9.5,46.9,P1,08:00,3\n\
    9.5,47.11,P1,8点,1\n\
    9.5,47.11,P99,08:00,1\n\
    120.0,30.0,P1,08:00,1\n";

/// Metres per degree of latitude on the haversine sphere.
const M_PER_DEG_LAT: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;
/// E-bike speed of the default profile, m/s (20 km/h).
const EBIKE_M_PER_S: f64 = 20.0 / 3.6;
/// Walking speed (and pushed bikes), m/s (4.5 km/h).
const WALK_M_PER_S: f64 = 4.5 / 3.6;

/// Today's best time by hand, seconds, per booking line (`None`: beyond 60 min): the e-bike
/// on the residential streets, pushed on the footway (see the module docs' table).
fn hand_best_s() -> BTreeMap<usize, Option<f64>> {
    let north_m = 0.025 * M_PER_DEG_LAT; // node 1 → node 2
    let footway_m = 0.005 * M_PER_DEG_LAT; // node 2 → node 3
    BTreeMap::from([
        (2, Some(0.01 * M_PER_DEG_LAT / EBIKE_M_PER_S)), // 200.15 s
        (3, Some(north_m / EBIKE_M_PER_S)),              // 500.38 s
        (4, Some(north_m / EBIKE_M_PER_S + footway_m / WALK_M_PER_S)), // 945.16 s
        (5, Some(0.1 * M_PER_DEG_LAT / EBIKE_M_PER_S)),  // 2 001.51 s
        (6, None),                                       // 4 003.0 s > 3 600 s
    ])
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bookings.osm.pbf")
}

/// The booking-file line of a `drt_riders.csv` row (`bookings.csv:4` → 4).
fn line_of(row: &BTreeMap<String, String>) -> usize {
    row["source"]
        .rsplit(':')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no line in {row:?}"))
}

/// Every good booking's `existing_best_min` equals the hand-computed time (to the 0.1 min the
/// file prints), and the bad rows are listed as skipped with their reason.
fn assert_riders_match_hand(out: &Path) {
    let rows = csv_rows(&out.join("drt_riders.csv"));
    let hand = hand_best_s();
    for (line, best_s) in &hand {
        let row = rows
            .iter()
            .find(|r| line_of(r) == *line)
            .unwrap_or_else(|| panic!("booking line {line} missing from drt_riders.csv"));
        let given = &row["existing_best_min"];
        match best_s {
            Some(s) => {
                let min: f64 = given
                    .parse()
                    .unwrap_or_else(|_| panic!("line {line}: existing_best_min '{given}'"));
                assert!(
                    (min - s / 60.0).abs() <= 0.05 + 1e-9,
                    "line {line}: existing_best_min {min}, by hand {:.3}",
                    s / 60.0
                );
            }
            None => assert_eq!(given, "", "line {line} is beyond 60 min by every mode"),
        }
    }
    for (line, reason) in [(7, "8点"), (8, "P99"), (9, "outside the region")] {
        let row = rows
            .iter()
            .find(|r| line_of(r) == line)
            .unwrap_or_else(|| panic!("skipped line {line} missing from drt_riders.csv"));
        let why = &row["unserved_reason"];
        assert!(
            why.starts_with("row skipped: ") && why.contains(reason),
            "line {line}: {why}"
        );
    }
    assert_eq!(rows.len(), hand.len() + 3, "{rows:?}");
}

/// The drt.json figures of today's best mode: 60 % within 30 min, 3 workers beyond 60 min.
fn assert_summary_matches_hand(out: &Path) {
    let summary = json(out, "drt.json");
    assert_eq!(summary["demand"], "supplied");
    let today = &summary["kpis"]["best_existing_mode_without_car"];
    assert_eq!(today["workers"], 10, "{today}");
    assert_eq!(today["within_target_share"], 0.6, "{today}");
    assert_eq!(today["beyond_60_min"], 3, "{today}");
    let by_mode = &today["within_target_share_by_mode"];
    for (mode, share) in [("walk", 0.1), ("bike", 0.6), ("ebike", 0.6), ("bus", 0.1)] {
        assert_eq!(by_mode[mode], share, "{mode}: {by_mode}");
    }
}

#[test]
fn supplied_bookings_match_todays_times_computed_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bookings.csv"), BOOKINGS).unwrap();
    let pbf = fixture();
    let out = lifecircle(&[
        "drt",
        pbf.to_str().unwrap(),
        "--demand",
        "bookings.csv",
        "--out",
        "o",
    ])
    .current_dir(dir.path())
    .run_ok();
    assert_riders_match_hand(&dir.path().join("o"));
    assert_summary_matches_hand(&dir.path().join("o"));
    // The terminal's comparison: "within 30 min door to door   <bus>   60%".
    let stdout = String::from_utf8_lossy(&out.stdout);
    let row = stdout
        .lines()
        .find(|l| l.starts_with("within 30 min door to door"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(row.trim_end().ends_with(" 60%"), "{row}");
}

#[test]
fn plan_with_scenario_bookings_gives_the_same_comparison_and_lists_skipped_rows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bookings.csv"), BOOKINGS).unwrap();
    std::fs::write(
        dir.path().join("scenario.toml"),
        "[bus]\ndemand = \"bookings.csv\"\n",
    )
    .unwrap();
    let pbf = fixture();
    let out = lifecircle(&[
        "plan",
        pbf.to_str().unwrap(),
        "--config",
        "scenario.toml",
        "--out",
        "p",
    ])
    .current_dir(dir.path())
    .run_ok();
    let p = dir.path().join("p");
    assert_riders_match_hand(&p);
    assert_summary_matches_hand(&p);
    // The headline per park, in the terminal and the report: "<bus> vs 60%", "<bus> / 60%".
    let stdout = String::from_utf8_lossy(&out.stdout);
    let park = stdout
        .lines()
        .find(|l| l.starts_with("P1 "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(park.trim_end().ends_with(" vs 60%"), "{park}");
    let html = std::fs::read_to_string(p.join("report.html")).unwrap();
    assert!(
        html.contains("% / 60%</td>"),
        "no '… / 60%' cell in the report"
    );
    // The terminal names the skipped rows by line.
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in ["line 7:", "line 8:", "line 9:"] {
        assert!(stderr.contains(line), "{line}: {stderr}");
    }
}

/// The report's cost note cites the sources of the default vehicle-day and vehicle-hour costs,
/// and claims none for a figure the scenario sets.
#[test]
fn report_cites_the_cost_defaults_and_not_the_scenarios_own_figures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bookings.csv"), BOOKINGS).unwrap();
    let pbf = fixture();
    let note = |scenario: &str, out: &str| {
        std::fs::write(dir.path().join("scenario.toml"), scenario).unwrap();
        let args = [
            "plan",
            pbf.to_str().unwrap(),
            "--config",
            "scenario.toml",
            "--out",
            out,
        ];
        lifecircle(&args).current_dir(dir.path()).run_ok();
        let html = std::fs::read_to_string(dir.path().join(out).join("report.html")).unwrap();
        let start = html
            .find("<p class=\"note cost-sources\">")
            .unwrap_or_else(|| panic!("no cost note in {out}/report.html"));
        let end = start + html[start..].find("</p>").unwrap();
        html[start..end].to_string()
    };
    let bookings = "[bus]\ndemand = \"bookings.csv\"\n";
    let defaults = note(bookings, "defaults");
    for cited in [
        "citiesclimatefinance.org",
        "1 800 000 ÷ 8 ÷ 250",
        "shanting.gov.cn",
        "280.0/450.0/675.0/900.0",
    ] {
        assert!(defaults.contains(cited), "{cited}: {defaults}");
    }
    let own = note(
        &format!("{bookings}[cost]\nper_vehicle_hour_yuan = 80.0\noperating_days = 300.0\n"),
        "own",
    );
    assert!(
        own.contains("80.0 元 per vehicle-hour (set in the scenario)"),
        "{own}"
    );
    assert!(!own.contains("shanting.gov.cn"), "{own}");
    assert!(
        own.contains("300 operating days a year (set in the scenario)"),
        "{own}"
    );
    // The vehicle-day derivation divides by 250 operating days: not claimed with 300.
    assert!(!own.contains("1 800 000"), "{own}");
    let zh = note(&format!("{bookings}[report]\nlang = \"zh\"\n"), "zh");
    assert!(
        zh.contains("人车比1.3") && zh.contains("12米纯电动公交车"),
        "{zh}"
    );
}
