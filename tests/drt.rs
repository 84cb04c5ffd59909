//! The bus-line stage on real data: every proposal passes the independent checker (the run
//! fails otherwise, and drt.json records the verdict), outputs are byte-identical for a seed on
//! one and two threads, the GTFS feed reads back with the timetable's times and loads into the
//! commute stage, and bad demand rows are reported by line and listed as unserved.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

mod common;
use common::run::{Run, csv_rows, json, lifecircle};

fn drt(args: &[&str], out: &Path, threads: &str) -> Output {
    lifecircle(&["drt"])
        .args(args)
        .args(["--out", out.to_str().unwrap()])
        .env("RAYON_NUM_THREADS", threads)
        .run()
}

const SMALL: &[&str] = &["--workers", "40", "--iterations", "150", "--seed", "7"];

#[test]
fn synthetic_plan_is_checked_deterministic_and_consistent() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let out = drt(SMALL, a.path(), "2");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("synthetic sample") && stdout.contains("checker: morning ok, evening ok"),
        "{stdout}"
    );
    assert!(drt(SMALL, b.path(), "1").status.success());
    // All 14 files (the bus-line files, the GTFS feed and tables.xlsx), byte for byte.
    let written: Vec<&str> = lifecircle::report::PLAN_FILES
        .iter()
        .copied()
        .filter(|f| a.path().join(f).exists())
        .collect();
    assert_eq!(written.len(), 14, "{written:?}");
    for f in written {
        assert!(
            std::fs::read(a.path().join(f)).unwrap() == std::fs::read(b.path().join(f)).unwrap(),
            "{f} differs between 1 and 2 threads"
        );
    }

    let summary = json(a.path(), "drt.json");
    assert_eq!(summary["demand"], "synthetic");
    assert_eq!(summary["checker"]["morning"]["feasible"], true);
    assert_eq!(summary["checker"]["evening"]["feasible"], true);
    let bus = &summary["kpis"]["bus"];
    assert_eq!(bus["workers"], 9 * 40, "40 workers for each of the 9 parks");
    assert!(bus["served_share"].as_f64().unwrap() > 0.8, "{bus}");
    assert!(bus["vehicles"].as_u64().unwrap() >= 1);

    // Riders: door to door = walk + wait + ride (dwells included), rides no shorter than the
    // direct ride,
    // the ride limit kept whenever a direct ride could meet the target.
    let riders = csv_rows(&a.path().join("drt_riders.csv"));
    let mut carried = 0;
    for r in &riders {
        assert_eq!(r["demand"], "synthetic");
        if r["line"].is_empty() {
            assert!(!r["unserved_reason"].is_empty(), "{r:?}");
            continue;
        }
        carried += 1;
        let f = |k: &str| r[k].parse::<f64>().unwrap();
        let (walk, direct, ride, d2d) = (
            f("walk_min"),
            f("direct_ride_min"),
            f("in_vehicle_min"),
            f("door_to_door_min"),
        );
        assert!(walk <= 500.0 / (4.5 / 3.6) / 60.0 + 0.1, "{r:?}");
        assert!(ride >= direct - 0.1, "{r:?}");
        assert!((d2d - (walk + 2.0 + ride)).abs() < 0.2, "{r:?}");
        if walk + 2.0 + direct <= 30.0 - 0.1 {
            assert!(d2d <= 30.0 + 0.1, "a feasible rider over the target: {r:?}");
        }
        assert!(r["arrive"].as_str() <= "08:00:00" && r["arrive"].as_str() >= "07:45:00");
    }
    assert!(carried > 0);
    // Riders' times are the timetable's: the bus leaves their stop when they board.
    let timetable = csv_rows(&a.path().join("drt_timetable.csv"));
    for r in riders.iter().filter(|r| !r["line"].is_empty()) {
        assert!(
            timetable.iter().any(|t| t["line"] == r["line"]
                && t["period"] == "morning"
                && t["stop_id"] == r["stop"]
                && t["departure"] == r["board"]),
            "{r:?}"
        );
    }

    // Timetable: loads add up, every morning run ends empty at a gate before 08:00.
    let mut load: BTreeMap<(String, String), i64> = BTreeMap::new();
    for row in &timetable {
        let key = (row["line"].clone(), row["period"].clone());
        let l = load.entry(key).or_default();
        *l += row["board"].parse::<i64>().unwrap() - row["alight"].parse::<i64>().unwrap();
        assert_eq!(*l, row["load"].parse::<i64>().unwrap());
        assert!(*l <= row["seats"].parse::<i64>().unwrap());
        assert!(row["arrival"] <= row["departure"]);
    }
    assert!(load.values().all(|&l| l == 0), "every run ends empty");
}

#[test]
fn gtfs_reads_back_with_the_timetable_times_and_feeds_the_commute_stage() {
    let dir = tempfile::tempdir().unwrap();
    assert!(drt(SMALL, dir.path(), "2").status.success());
    let gtfs = gtfs_structures::Gtfs::from_path(dir.path().join("gtfs")).unwrap();
    let timetable = csv_rows(&dir.path().join("drt_timetable.csv"));
    let mut expected: BTreeMap<String, Vec<(String, u32, u32)>> = BTreeMap::new();
    let secs = |t: &str| {
        let p: Vec<u32> = t.split(':').map(|x| x.parse().unwrap()).collect();
        p[0] * 3600 + p[1] * 60 + p[2]
    };
    for row in &timetable {
        expected.entry(row["trip"].clone()).or_default().push((
            row["stop_id"].clone(),
            secs(&row["arrival"]),
            secs(&row["departure"]),
        ));
    }
    assert_eq!(gtfs.trips.len(), expected.len());
    for (id, calls) in &expected {
        let trip = &gtfs.trips[id];
        let got: Vec<(String, u32, u32)> = trip
            .stop_times
            .iter()
            .map(|st| {
                (
                    st.stop.id.clone(),
                    st.arrival_time.unwrap(),
                    st.departure_time.unwrap(),
                )
            })
            .collect();
        assert_eq!(&got, calls, "trip {id}");
        assert!(trip.shape_id.is_some());
    }
    // Reservation stops: board only where the bus picks up, alight only at the gates.
    let window = lifecircle::commute::gtfs::DepartureWindow::parse("06:00-09:00").unwrap();
    let lines = lifecircle::commute::gtfs::read_gtfs(&dir.path().join("gtfs"), window).unwrap();
    assert!(!lines.lines.is_empty());
    for line in &lines.lines {
        let last = line.stops.last().unwrap();
        assert!(last.drop_off && !last.pickup, "{}", line.id);
        assert!(line.stops[0].pickup, "{}", line.id);
        assert!(
            line.stops.iter().any(|s| !s.drop_off),
            "{}: riders may not alight at pick-up stops",
            line.id
        );
    }
    // The commute stage takes the feed as its bus layer.
    let out = lifecircle(&["commute", "--gtfs"])
        .arg(dir.path().join("gtfs"))
        .args(["--depart", "07:00-08:00", "--out"])
        .arg(dir.path().join("commute"))
        .run_ok();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("bus lines") && stdout.contains("gtfs"),
        "{stdout}"
    );
}

#[test]
fn demand_file_rows_are_checked_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let demand = dir.path().join("demand.csv");
    std::fs::write(
        &demand,
        "lon,lat,park,arrive_by,count\n\
         9.5215,47.1410,P1,08:00,3\n\
         9.5754328,47.2189695,Hilti Nendeln,07:30,40\n\
         120.0,30.0,P1,08:00,1\n\
         9.5215,47.1410,P99,08:00,1\n\
         9.5215,47.1410,P1,8h,1\n\
         9.5215,47.1410,P1,08:00,-3\n\
         9.6300,47.0500,P1,08:00,2\n\
         9.5215,47.1410,P1,25:00,1\n\
         9.5215,47.1410,P1,08:00,4000000000\n",
    )
    .unwrap();
    let out = drt(
        &[
            "--demand",
            demand.to_str().unwrap(),
            "--iterations",
            "100",
            "--capacity",
            "19,33",
        ],
        dir.path(),
        "2",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for line in [4, 5, 6, 7, 9, 10] {
        assert!(stderr.contains(&format!("demand.csv:{line}:")), "{stderr}");
    }
    let summary = json(dir.path(), "drt.json");
    assert_eq!(summary["demand"], "supplied");
    assert_eq!(summary["checker"]["morning"]["feasible"], true);
    let unserved = summary["unserved"].as_array().unwrap();
    let text = serde_json::to_string(unserved).unwrap();
    for needle in [
        "demand.csv:4",
        "demand.csv:5",
        "demand.csv:6",
        "demand.csv:7",
        "demand.csv:8",
    ] {
        assert!(text.contains(needle), "{needle} not listed: {text}");
    }
    // 40 workers to one gate at 07:30 need more than one 33-seat bus or a mixed pair.
    let bus = &summary["kpis"]["bus"];
    assert_eq!(bus["workers"], 45);
    assert_eq!(bus["served"], 43, "{bus}");
    let riders = csv_rows(&dir.path().join("drt_riders.csv"));
    assert!(
        riders
            .iter()
            .any(|r| r["arrive_by"] == "07:30:00" && !r["line"].is_empty())
    );
    // A worker living at the park gate walks: no bus, within the target, not unserved.
    let stops = json(dir.path(), "drt_stops.geojson");
    let gate = stops["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["kind"] == "park gate")
        .unwrap();
    let (park, at) = (
        gate["properties"]["park"].as_str().unwrap(),
        &gate["geometry"]["coordinates"],
    );
    std::fs::write(
        &demand,
        format!(
            "lon,lat,park,arrive_by,count\n{},{},{park},08:00,4\n",
            at[0], at[1]
        ),
    )
    .unwrap();
    let again = dir.path().join("again");
    let out = drt(&["--demand", demand.to_str().unwrap()], &again, "2");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bus = &json(&again, "drt.json")["kpis"]["bus"];
    assert_eq!(bus["on_foot"], 4, "{bus}");
    assert_eq!(bus["within_target_share"], 1.0, "{bus}");
    assert_eq!(bus["vehicles"], 0, "{bus}");
    assert_eq!(
        json(&again, "drt.json")["unserved"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn impossible_settings_are_clean_errors_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (&["--capacity", "0"][..], "capacity"),
        (&["--capacity", "500"][..], "capacity"),
        (&["--arrive", "25:00"][..], "arrive"),
        (&["--arrive", "00:10"][..], "too early"),
        (&["--max-walk-m=-5"][..], "max-walk-m"),
        (&["--seconds", "inf"][..], "seconds"),
        (&["--minutes", "90"][..], "--minutes"),
        (&["--park", "Nowhere"][..], "no park 'Nowhere'"),
        (&["--demand", "/nonexistent/demand.csv"][..], "demand.csv"),
    ] {
        let out = drt(args, dir.path(), "2");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!dir.path().join("drt.json").exists());
    }
}

#[test]
fn minibuses_may_use_every_road_open_to_cars() {
    let dir = tempfile::tempdir().unwrap();
    let out = drt(
        &["--roads", "car", "--workers", "20", "--iterations", "50"],
        dir.path(),
        "2",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = json(dir.path(), "drt.json");
    assert_eq!(summary["assumptions"]["roads"], "car");
    assert_eq!(summary["checker"]["morning"]["feasible"], true);
    assert_eq!(summary["checker"]["evening"]["feasible"], true);
    let bad = drt(&["--roads", "boat"], dir.path(), "2");
    assert_eq!(bad.status.code(), Some(2));
}
