//! `lifecircle plan`: the whole analysis from one scenario, every stage's files and
//! report.html; byte-identical on one and two threads; Chinese labels; partial data (no parks,
//! a stage that cannot run) still gives a report that says why; bad scenarios and bad input are
//! clean errors that leave no report behind.

use std::path::Path;
use std::process::{Command, Output};

fn plan(args: &[&str], threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .arg("plan")
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Exit code 3: files written, but a requested stage has no result (one warning line says
/// which).
fn assert_partial(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("warning: 1 of 3 requested stages produced no result (bus lines)"),
        "{stderr}"
    );
}

fn read(dir: &Path, f: &str) -> String {
    std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
}

/// Files under `dir`, as relative paths with `/`.
fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            out.extend(walk(&path).into_iter().map(|f| format!("{name}/{f}")));
        } else {
            out.push(name);
        }
    }
    out
}

/// Decimals of a number as written.
fn decimals(x: &serde_json::Value) -> usize {
    let text = x.to_string();
    text.split_once('.').map_or(0, |(_, d)| d.len())
}

/// Asserts a JSON file is one line and its GeoJSON coordinates are rounded: points to 7
/// decimals, polygon and line vertices to 6.
fn assert_compact(text: &str, f: &str) {
    assert!(
        text.ends_with('\n') && !text.trim_end().contains('\n'),
        "{f} is not compact JSON"
    );
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let Some(features) = v["features"].as_array() else {
        return;
    };
    for feature in features {
        let geometry = &feature["geometry"];
        let max = if geometry["type"] == "Point" { 7 } else { 6 };
        let mut stack = vec![&geometry["coordinates"]];
        while let Some(c) = stack.pop() {
            match c {
                serde_json::Value::Array(items) => stack.extend(items),
                number => assert!(
                    decimals(number) <= max,
                    "{f}: {number} has more than {max} decimals"
                ),
            }
        }
    }
}

#[test]
fn default_plan_writes_every_stage_and_the_report_identically_on_one_and_two_threads() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let text = ok(&plan(&["--out", a.path().to_str().unwrap()], "2"));
    assert!(
        text.contains("Hilti Nendeln") && text.contains("report.html"),
        "{text}"
    );
    ok(&plan(&["--out", b.path().to_str().unwrap()], "1"));
    // All 29 files (every stage's files, the two FlatGeobuf layers, tables.xlsx and the
    // report), byte for byte.
    let written: Vec<&str> = lifecircle::report::PLAN_FILES
        .iter()
        .copied()
        .filter(|f| a.path().join(f).exists())
        .collect();
    assert_eq!(written.len(), 29, "{written:?}");
    for f in written {
        assert!(
            std::fs::read(a.path().join(f)).unwrap() == std::fs::read(b.path().join(f)).unwrap(),
            "{f} differs between 1 and 2 threads"
        );
    }
    // JSON and GeoJSON are compact (one line) with coordinates to 7 decimals at most (6 for
    // polygon and line vertices), so that a province's layers stay small (issue 13).
    for f in lifecircle::report::PLAN_FILES
        .iter()
        .filter(|f| f.ends_with("json") && a.path().join(f).exists())
    {
        assert_compact(&read(a.path(), f), f);
    }
    // Every file the run wrote is one `remove_stale` knows.
    for entry in walk(a.path()) {
        if entry == lifecircle::report::outdir::MANIFEST {
            continue;
        }
        assert!(
            lifecircle::report::PLAN_FILES.contains(&entry.as_str()),
            "{entry} missing from report::PLAN_FILES"
        );
    }
    let html = read(a.path(), "report.html");
    // Every park has a section with its map layers and tables (the browser test checks the
    // rendered page; this checks the text).
    let sections = html.matches("<section class=\"park\"").count();
    assert_eq!(sections, 9, "the demo has 9 parks");
    for key in [
        "roads",
        "park",
        "walk-bands",
        "amenities",
        "gaps",
        "sites",
        "commute-reach",
        "bus-lines",
        "bus-stops",
    ] {
        assert!(
            html.matches(&format!("data-layer=\"{key}\"")).count() >= sections,
            "{key}"
        );
    }
    for table in ["coverage", "commute", "drt"] {
        assert_eq!(
            html.matches(&format!("<table class=\"{table}\">")).count(),
            sections
        );
    }
    assert!(html.contains("OpenStreetMap contributors") && html.contains("ODbL"));
    assert!(html.contains("OSM data of 2013-"), "data date");
    assert!(html.contains("synthetic demand drawn"));
    assert!(!html.contains("<script src") && !html.contains("<link "));
    // The bus-line figures in the report are the ones in drt.json.
    let drt: serde_json::Value = serde_json::from_str(&read(a.path(), "drt.json")).unwrap();
    assert_eq!(drt["demand"], "synthetic");
    assert_eq!(drt["kpis"]["bus"]["workers"], 600, "3 largest parks × 200");
}

#[test]
fn chinese_report_and_the_example_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = format!("{}/examples/scenario.toml", env!("CARGO_MANIFEST_DIR"));
    ok(&plan(
        &[
            "--config",
            &scenario,
            "--lang",
            "zh",
            "--out",
            dir.path().to_str().unwrap(),
        ],
        "2",
    ));
    let html = read(dir.path(), "report.html");
    assert!(html.contains("lang=\"zh-CN\""));
    for label in [
        "15分钟生活圈",
        "通勤圈",
        "预约响应式公交",
        "假设与参数",
        "地图数据",
    ] {
        assert!(html.contains(label), "{label}");
    }
}

#[test]
fn a_region_without_parks_still_gets_a_report_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let pbf = format!("{}/tests/fixtures/bus.osm.pbf", env!("CARGO_MANIFEST_DIR"));
    let out = plan(&[&pbf, "--out", dir.path().to_str().unwrap()], "2");
    // Every requested stage failed: exit 2 and one line saying what to do, but the report
    // that explains it is written.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no requested stage produced a result") && stderr.contains("--parks"),
        "{stderr}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("No parks"), "{text}");
    let html = read(dir.path(), "report.html");
    assert!(html.contains("class=\"no-parks\"") && html.contains("--parks"));
    assert!(!html.contains("class=\"park\""));
}

#[test]
fn a_stage_that_cannot_run_is_named_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    // Every booking names a park the region does not have: the bus stage has no result.
    std::fs::write(
        dir.path().join("d.csv"),
        "lon,lat,park,arrive_by\n9.52,47.14,Nowhere Park,08:00\n",
    )
    .unwrap();
    std::fs::write(&scenario, "[bus]\ndemand = \"d.csv\"\n").unwrap();
    let o = plan(
        &[
            "--config",
            scenario.to_str().unwrap(),
            "--out",
            dir.path().join("out").to_str().unwrap(),
        ],
        "2",
    );
    assert_partial(&o);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("bus lines: no result") && text.contains("Nowhere Park"),
        "{text}"
    );
    let html = read(&dir.path().join("out"), "report.html");
    assert!(html.contains("Stages without results") && html.contains("Nowhere Park"));
    assert!(!dir.path().join("out/drt.json").exists());
    // A good run, then a run whose bus stage fails, into the same folder: last run's bus
    // files are removed, not left to look like this run's.
    let out = dir.path().join("again");
    ok(&plan(&["--out", out.to_str().unwrap()], "2"));
    assert!(out.join("drt.json").exists() && out.join("gtfs/trips.txt").exists());
    let o = plan(
        &[
            "--config",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        "2",
    );
    assert_partial(&o);
    assert!(String::from_utf8_lossy(&o.stderr).contains("removed"));
    assert!(!out.join("drt.json").exists() && !out.join("gtfs/trips.txt").exists());
    assert!(out.join("report.html").exists() && out.join("commute.csv").exists());
    assert!(dir.path().join("out/commute.csv").exists());
}

#[test]
fn bad_scenarios_and_inputs_are_clean_errors_without_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let bad_key = dir.path().join("bad.toml");
    std::fs::write(&bad_key, "title = \"x\"\n[bus]\nworkers = 10\nseats = 19\n").unwrap();
    let missing = dir.path().join("missing.toml");
    std::fs::write(&missing, "[bus]\ndemand = \"nope.csv\"\n").unwrap();
    let bad_value = dir.path().join("bad-value.toml");
    std::fs::write(&bad_value, "[commute]\nmodes = [\"walk\", \"boat\"]\n").unwrap();
    for (args, needles) in [
        (
            vec!["--config", bad_key.to_str().unwrap()],
            vec!["bad.toml", "seats", "line 4"],
        ),
        (
            vec!["--config", bad_value.to_str().unwrap()],
            vec!["commute.modes", "boat"],
        ),
        (
            vec!["--config", "/nonexistent/scenario.toml"],
            vec!["scenario.toml"],
        ),
        (vec!["/nonexistent/city.osm.pbf"], vec!["city.osm.pbf"]),
        (
            vec!["--config", missing.to_str().unwrap()],
            vec!["nope.csv", "bus.demand"],
        ),
    ] {
        let mut all = args.clone();
        all.extend(["--out", out.to_str().unwrap()]);
        let o = plan(&all, "2");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        for n in needles {
            assert!(stderr.contains(n), "{n} missing: {stderr}");
        }
        assert!(!stderr.contains("panicked"));
        assert!(!out.join("report.html").exists());
    }
}
