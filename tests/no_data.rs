//! Issue 12, "missing data looks like missing services": on a region whose data lacks
//! something (no POI, no residents, no bus line), every table, file and the terminal say "no
//! data" / "无数据" with the reason, never 0 % or 不达标, and a bus plan nobody can ride says why
//! instead of "checker: ok"; the report's Inputs section and `plan`'s terminal list the input
//! files and their skipped rows by the line a spreadsheet shows; the synthetic workers are
//! drawn only from residents who can walk to a road buses use.

use std::path::Path;
use std::process::{Command, Output};

use lifecircle::graph::Mode;
use lifecircle::plan::{Quiet, run_plan};
use lifecircle::routing::{Direction, SearchScratch, bounded_search};
use lifecircle::scenario::Scenario;

fn plan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .arg("plan")
        .args(args)
        .output()
        .unwrap()
}

fn read(dir: &Path, f: &str) -> String {
    std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// A 1.6 ha park over the roads of `tests/fixtures/access.osm.pbf` (roads only: no POI, no
/// building, no residential area, no bus route).
const ACCESS_PARK: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"路网园区"},"geometry":{"type":"Polygon","coordinates":[[[9.5025,47.0998],[9.5045,47.0998],[9.5045,47.1009],[9.5025,47.1009],[9.5025,47.0998]]]}}]}"#;

#[test]
fn a_roads_only_region_says_no_data_everywhere_and_no_bus_plan() {
    let dir = tempfile::tempdir().unwrap();
    let parks = write(dir.path(), "parks.geojson", ACCESS_PARK);
    let config = write(dir.path(), "fast.toml", "[bus]\niterations = 200\n");
    let out_dir = dir.path().join("out");
    let out = plan(&[
        "tests/fixtures/access.osm.pbf",
        "--parks",
        &parks,
        "--config",
        &config,
        "--lang",
        "zh",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{stderr}");
    // Terminal: "no data", and no plan instead of a checker's "ok" over zero workers.
    // (in the run's language: the run is --lang zh)
    assert!(stdout.contains("无数据"), "{stdout}");
    assert!(stdout.contains("无线路"), "{stdout}");
    assert!(!stdout.contains("校验：早班通过"), "{stdout}");
    assert!(!stdout.contains(" 0%"), "a share of 0 % printed: {stdout}");

    // Report: greyed 无数据 cells with the reason, never 不达标 or a share of 0 %.
    let html = read(&out_dir, "report.html");
    assert!(html.contains("class=\"nodata\""), "no greyed no-data cell");
    assert!(html.contains(">无数据<"));
    assert!(html.contains("data-reason=\"no_feature_in_region\""));
    assert!(html.contains("data-reason=\"no_residents\""));
    assert!(
        !html.contains(">不达标<"),
        "a category without data reads 不达标"
    );
    assert!(!html.contains("class=\"fail\""));
    assert!(
        html.contains("class=\"nodata noline\""),
        "no reason for the missing bus plan"
    );
    assert!(
        !html.contains("现状公交: OSM route=bus relations"),
        "claims bus relations"
    );

    // No site proposed for a category the region has no data of (issue 12): the action list
    // says what to supply instead of "新增…设施", and sites.geojson is empty.
    assert!(
        !html.contains("<ol class=\"actions\">"),
        "sites proposed for categories without data"
    );
    assert!(
        html.contains("nodata-actions"),
        "no note on the missing data"
    );
    assert!(html.contains("请提供这些类别的POI文件"));
    let sites: serde_json::Value = serde_json::from_str(&read(&out_dir, "sites.geojson")).unwrap();
    assert_eq!(
        sites["features"].as_array().map(Vec::len),
        Some(0),
        "{sites}"
    );

    // coverage.csv: an empty share and a status on every row.
    let csv = read(&out_dir, "coverage.csv");
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let share = header.iter().position(|h| *h == "covered_share").unwrap();
    let status = header
        .iter()
        .position(|h| *h == "status")
        .expect("a status column");
    let mut n = 0;
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[share], "", "{row}");
        assert_eq!(cells[status], "no_feature_in_region", "{row}");
        n += 1;
    }
    assert!(n > 5, "{csv}");
    let coverage: serde_json::Value =
        serde_json::from_str(&read(&out_dir, "coverage.json")).unwrap();
    let zone = &coverage["zones"][0];
    assert!(zone["life_circle_share"].is_null(), "{zone}");
    assert!(zone["categories"]["food"]["covered_share"].is_null());
    assert!(zone["categories"]["food"]["reason"].is_string());

    // commute.csv / commute.json: no residents is not 0 % of them.
    let csv = read(&out_dir, "commute.csv");
    for row in csv.lines().skip(1) {
        assert!(row.ends_with(",,,,,,,,,no_residents"), "{row}");
    }
    let commute: serde_json::Value = serde_json::from_str(&read(&out_dir, "commute.json")).unwrap();
    let walk = &commute["parks"][0]["modes"]["walk"];
    assert!(walk["share_within"].is_null(), "{walk}");
    assert_eq!(walk["status"], "no_residents");

    // drt.json: no plan, and why.
    let drt: serde_json::Value = serde_json::from_str(&read(&out_dir, "drt.json")).unwrap();
    assert_eq!(drt["status"], "no_plan", "{drt}");
    assert!(
        drt["reason"].as_str().unwrap().contains("no residents"),
        "{drt}"
    );
    assert_eq!(drt["parks_without_line"][0]["status"], "no_residents");
}

#[test]
fn residents_without_bus_lines_give_no_bus_reach_not_walking_figures() {
    let dir = tempfile::tempdir().unwrap();
    let parks = write(dir.path(), "parks.geojson", ACCESS_PARK);
    let people = write(
        dir.path(),
        "people.csv",
        "lon,lat,count\n9.5005,47.1000,120\n9.5085,47.1008,80\n",
    );
    let config = write(
        dir.path(),
        "s.toml",
        &format!(
            "[life_circle]\nenabled = false\n[commute]\npopulation = \"{people}\"\n[bus]\nenabled = false\n"
        ),
    );
    let out_dir = dir.path().join("out");
    let out = plan(&[
        "tests/fixtures/access.osm.pbf",
        "--parks",
        &parks,
        "--config",
        &config,
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = read(&out_dir, "commute.csv");
    let bus = csv.lines().find(|r| r.contains(",bus,")).unwrap();
    assert!(bus.ends_with(",,,,,,,,,no_bus_lines"), "{bus}");
    let walk = csv.lines().find(|r| r.contains(",walk,")).unwrap();
    assert!(walk.ends_with(",ok"), "{walk}");
    let html = read(&out_dir, "report.html");
    assert!(html.contains("data-reason=\"no_bus_lines\""));
    assert!(html.contains("bus reach not computed"));
    // The commute chart draws no "bus" curve that is really walking.
    let chart = html.split("<svg class=\"chart\"").nth(1).unwrap();
    let chart = chart.split("</svg>").next().unwrap();
    assert!(chart.contains(">Walk</text>"), "{chart}");
    assert!(!chart.contains(">Bus</text>"), "{chart}");
    assert!(!html.contains("bus lines today: OSM route=bus relations"));
}

#[test]
fn plan_lists_its_input_files_and_skipped_rows_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let poi = write(
        dir.path(),
        "poi.csv",
        "lon,lat,category,name\n9.5070,47.1500,food,Café\n9.5071,47.1501,nosuchcat,Bad\n47.15,9.507,food,Swapped\n",
    );
    let config = write(
        dir.path(),
        "s.toml",
        &format!(
            "[life_circle]\npoi = [\"{poi}\"]\n[commute]\nenabled = false\n[bus]\nenabled = false\n"
        ),
    );
    let out_dir = dir.path().join("out");
    let out = plan(&["--config", &config, "--out", out_dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // The terminal names the file and each bad row by its spreadsheet line.
    assert!(
        stderr.contains("poi.csv (POI): 3 rows read, 1 kept, 2 skipped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 3: unknown category 'nosuchcat'"),
        "{stderr}"
    );
    assert!(stderr.contains("line 4: point 47.15"), "{stderr}");
    // The report's Inputs section: the OSM extract and the POI file with its rows.
    let html = read(&out_dir, "report.html");
    let inputs = html
        .split("<section class=\"inputs\"")
        .nth(1)
        .expect("an Inputs section")
        .split("</section>")
        .next()
        .unwrap();
    assert!(inputs.contains("OSM extract"), "{inputs}");
    assert!(inputs.contains("s.toml</td><td>scenario</td>"), "{inputs}");
    assert!(inputs.contains("poi.csv</td><td>POI</td>"), "{inputs}");
    // Rows read, kept, skipped (issue 12: read is every data row, not the ones kept).
    assert!(
        inputs.contains("<td>3</td><td>1</td><td>2</td>"),
        "{inputs}"
    );
    assert!(inputs.contains("line 3: unknown category"), "{inputs}");
}

#[test]
fn every_synthetic_worker_can_walk_to_a_road_buses_use() {
    let mut scenario = Scenario::default();
    scenario.life_circle.enabled = false;
    scenario.bus.iterations = 200;
    let run = run_plan(&scenario, &Quiet).unwrap();
    let bus = run.bus.as_ref().unwrap();
    assert!(!bus.bookings.is_empty());
    let graph = &run.graph;
    let max_walk_m = scenario.bus.max_walk_m;
    let walk_mps = graph.options.walk_kmh / 3.6;
    let limit_ms = (max_walk_m / walk_mps * 1000.0) as u32;
    let roads = graph.profile(Mode::Bus);
    let mut scratch = SearchScratch::new(graph);
    // An independent check: a forward walking search from each worker's home.
    for b in &bus.bookings {
        let snap = graph
            .snap(Mode::Walk, b.location, max_walk_m)
            .unwrap_or_else(|_| panic!("{:?}: no walkable road within {max_walk_m} m", b.location));
        let offset = (snap.distance_m / walk_mps * 1000.0) as u32;
        let seeds: Vec<_> = snap
            .seeds(graph, false)
            .into_iter()
            .map(|(v, t)| (v, t + offset))
            .collect();
        let reached = bounded_search(
            graph.profile(Mode::Walk),
            Direction::Forward,
            &seeds,
            limit_ms,
            &mut scratch,
        );
        assert!(
            reached.iter().any(|&(v, _)| roads.contains(v)),
            "{:?}: no road buses use within {max_walk_m} m walk",
            b.location
        );
    }
    for r in &bus.plan.riders {
        use lifecircle::lang::RiderReason;
        assert!(
            !matches!(
                r.unserved,
                Some(RiderReason::NoWalkableRoad { .. } | RiderReason::NoBusStopInReach { .. })
            ),
            "{:?}",
            r.unserved
        );
    }
}
