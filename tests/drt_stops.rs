//! Planner-given bus stops (issue 14): a stops file with Chinese headers in GBK is read, riders
//! board only at its stops, which keep their codes and names, and a stop off the bus roads is
//! reported with its line; the `drt_stops.csv` a run writes reads back as a stops file and
//! gives the same plan; `[bus] stops` in a scenario is relative to the TOML and listed among
//! the report's inputs; `replan_bus` on a run equals the run's bus stage, with given stops
//! too, and its progress only goes forward and ends at 1.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Output;
use std::sync::Mutex;

use lifecircle::drt::given_stops::GivenStop;
use lifecircle::drt::lines::LineProgress;
use lifecircle::plan::{Quiet, replan_bus, run_plan};
use lifecircle::scenario::Scenario;

mod common;
use common::run::{Run, csv_rows, json, lifecircle};

/// One park, few workers and a fixed search: a plan in about a second.
const SMALL: &[&str] = &[
    "--park",
    "P1",
    "--workers",
    "60",
    "--iterations",
    "150",
    "--seed",
    "7",
];

/// Points of the demo region more than 30 m from any bus road (in the mountains).
const OFF_NETWORK: (f64, f64) = (9.58, 47.13);

fn drt(args: &[&str], out: &Path) -> Output {
    let out_arg = ["--out", out.to_str().unwrap()];
    lifecircle(&["drt"])
        .args(SMALL)
        .args(args)
        .args(out_arg)
        .run_ok()
}

fn kpis(dir: &Path) -> serde_json::Value {
    json(dir, "drt.json")["kpis"].clone()
}

#[test]
fn gbk_stops_file_with_chinese_headers_is_the_only_place_riders_board() {
    let (base, given) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    drt(&[], base.path());
    // Four of the stops the planner chose, renamed and recoded, an unreadable row and a
    // stop in the mountains, as Excel on Chinese Windows saves them.
    let chosen = csv_rows(&base.path().join("drt_stops.csv"));
    assert!(chosen.len() >= 5, "{chosen:?}");
    let mut text = String::from("站点编号,站名,经度,纬度,备注\r\n");
    let mut codes = BTreeSet::new();
    for (i, s) in chosen.iter().take(4).enumerate() {
        let code = format!("Z{}", i + 1);
        text += &format!("{code},站{},{},{},改\r\n", i + 1, s["lon"], s["lat"]);
        codes.insert(code);
    }
    text += "Z9,坏行,abc,47.2\r\n";
    text += &format!("Z8,山上,{},{}\r\n", OFF_NETWORK.0, OFF_NETWORK.1);
    let path = given.path().join("站点.csv");
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    std::fs::write(&path, bytes).unwrap();
    let out = drt(
        &["--stops", path.to_str().unwrap()],
        &given.path().join("out"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("GBK"), "{stderr}");
    assert!(
        stderr.contains("站点.csv:6: lon 'abc' is not a number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("站点.csv:7: stop Z8 lies more than 30 m from any road buses can use"),
        "{stderr}"
    );

    let dir = given.path().join("out");
    let stops = csv_rows(&dir.join("drt_stops.csv"));
    assert!(!stops.is_empty());
    for s in &stops {
        assert!(codes.contains(&s["code"]), "{s:?} is not a given stop");
        let n: usize = s["code"][1..].parse().unwrap();
        assert_eq!(s["name"], format!("站{n}"), "the given name is kept");
        assert_eq!(s["name_from"], "given");
    }
    let riders = csv_rows(&dir.join("drt_riders.csv"));
    let boarding: BTreeSet<&str> = riders
        .iter()
        .map(|r| r["stop"].as_str())
        .filter(|s| !s.is_empty())
        .collect();
    assert!(!boarding.is_empty());
    for s in &boarding {
        assert!(
            codes.contains(*s),
            "a rider boards at {s}, not a given stop"
        );
    }
}

#[test]
fn drt_stops_csv_reads_back_as_the_same_plan() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    drt(&[], a.path());
    let stops = a.path().join("drt_stops.csv");
    drt(&["--stops", stops.to_str().unwrap()], b.path());
    assert_eq!(kpis(a.path()), kpis(b.path()));
    for f in ["drt_riders.csv", "drt_timetable.csv"] {
        assert!(
            std::fs::read(a.path().join(f)).unwrap() == std::fs::read(b.path().join(f)).unwrap(),
            "{f} differs after the round trip"
        );
    }
    let (before, after) = (csv_rows(&stops), csv_rows(&b.path().join("drt_stops.csv")));
    let key = |rows: &[BTreeMap<String, String>]| -> Vec<(String, String, String, String)> {
        rows.iter()
            .map(|r| {
                let f = |k: &str| r[k].clone();
                (f("code"), f("name"), f("lon"), f("lat"))
            })
            .collect()
    };
    assert_eq!(key(&before), key(&after));
}

#[test]
fn scenario_stops_are_relative_to_the_toml_and_listed_among_the_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    drt(&[], &base);
    std::fs::create_dir(dir.path().join("plan")).unwrap();
    let mut stops = std::fs::read_to_string(base.join("drt_stops.csv")).unwrap();
    stops += &format!("X1,Mountain,{},{},,,,\n", OFF_NETWORK.0, OFF_NETWORK.1);
    let rows = stops.lines().count();
    std::fs::write(dir.path().join("plan/my_stops.csv"), stops).unwrap();
    let toml = "[life_circle]\nenabled = false\n[bus]\nstops = \"my_stops.csv\"\nparks = [\"P1\"]\nworkers = 60\niterations = 150\nseed = 7\n";
    std::fs::write(dir.path().join("plan/s.toml"), toml).unwrap();
    let out_dir = dir.path().join("out");
    lifecircle(&["plan", "--config"])
        .arg(dir.path().join("plan/s.toml"))
        .arg("--out")
        .arg(&out_dir)
        .run_ok();
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    let inputs = &html[html.find("id=\"inputs\"").unwrap()..];
    assert!(inputs.contains("my_stops.csv"), "stops file not listed");
    assert!(
        inputs.contains(&format!("line {rows}: stop X1 lies more than 30 m")),
        "the off-network stop is not listed with its line {rows}"
    );
    assert_eq!(
        kpis(&base),
        kpis(&out_dir),
        "the plan from its own stops is the same"
    );
}

/// Every progress report, in order.
#[derive(Default)]
struct Recorder(Mutex<Vec<(f64, String)>>);

impl LineProgress for Recorder {
    fn progress(&self, share: f64, step: &str) {
        self.0.lock().unwrap().push((share, step.to_string()));
    }
}

#[test]
fn replan_bus_equals_the_bus_stage_and_reports_progress() {
    let mut scenario = Scenario::default();
    scenario.life_circle.enabled = false;
    scenario.bus.parks = vec!["P1".into()];
    scenario.bus.workers = 60;
    scenario.bus.iterations = 600;
    scenario.bus.seed = 7;
    let run = run_plan(&scenario, &Quiet).unwrap();
    let before = run.bus.as_ref().unwrap();

    let progress = Recorder::default();
    let again = replan_bus(&run, None, &progress).unwrap();
    assert_eq!(again.plan.kpis, before.plan.kpis);
    assert_eq!(again.plan.riders, before.plan.riders);
    assert_eq!(again.plan.stops, before.plan.stops);
    assert_eq!(again.given_stops, None);
    let seen = progress.0.into_inner().unwrap();
    for w in seen.windows(2) {
        assert!(w[1].0 >= w[0].0, "progress went back: {w:?}");
    }
    assert!(seen.iter().all(|(s, _)| (0.0..=1.0).contains(s)));
    assert_eq!(seen.last().map(|p| p.0), Some(1.0), "{seen:?}");
    let search: BTreeSet<u64> = seen
        .iter()
        .filter(|(_, step)| step == "morning search")
        .map(|(s, _)| s.to_bits())
        .collect();
    assert!(
        search.len() >= 3,
        "the bar moves during the search: {seen:?}"
    );
    for step in ["stops", "matrix", "evening", "check"] {
        assert!(seen.iter().any(|(_, s)| s == step), "{step}: {seen:?}");
    }

    // The planner's own pick-up stops, given back: the same plan, stops now "given".
    let given: Vec<GivenStop> = before
        .plan
        .stops
        .iter()
        .filter(|s| s.gate_of.is_none())
        .map(|s| GivenStop {
            code: s.code.clone(),
            name: s.name.clone(),
            location: s.location,
        })
        .collect();
    let with_given = replan_bus(&run, Some(&given), &()).unwrap();
    assert_eq!(with_given.plan.kpis, before.plan.kpis);
    assert_eq!(with_given.plan.riders, before.plan.riders);
    assert_eq!(with_given.given_stops.as_deref(), Some(given.as_slice()));
    assert!(
        with_given
            .plan
            .stops
            .iter()
            .all(|s| s.gate_of.is_some() || s.name_from == "given")
    );

    // A stop off the bus roads is refused, naming it.
    let mut off = given.clone();
    off.push(GivenStop {
        code: "OFF1".into(),
        name: "Alp".into(),
        location: geo::Coord {
            x: OFF_NETWORK.0,
            y: OFF_NETWORK.1,
        },
    });
    let err = replan_bus(&run, Some(&off), &()).unwrap_err().to_string();
    assert!(err.contains("OFF1") && err.contains("30 m"), "{err}");
}
