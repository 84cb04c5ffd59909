//! Issue 12, "read correctly to someone who has not seen the tool": what a Chinese planner
//! reading `report.html` of a roads-only region and of the demo found wrong, each kept as a
//! rule. A region without data shows no gaps, no empty chart, no "0 residents", no checker
//! "通过" over no plan and no English; a park without a bus line reads "无线路" in the summary
//! (the reason in its own section) instead of a long cell that pushes the table off the page;
//! today's bus lines and the cost note are Chinese throughout.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

#[allow(dead_code)] // the shared folder only
#[path = "common/run.rs"]
mod run;

fn plan(args: &[&str], out: &Path) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .arg("plan")
        .args(args)
        .args(["--lang", "zh", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read_to_string(out.join("report.html")).unwrap()
}

/// The output folder of the demo's `plan --lang zh` with 200 bus iterations, run once for the
/// tests that only read it; report.html's text.
fn demo_zh() -> (PathBuf, String) {
    static PLAN: OnceLock<PathBuf> = OnceLock::new();
    let dir = run::shared_dir(&PLAN, "report-reader-demo-zh", |dir| {
        let config = write(dir, "fast.toml", "[bus]\niterations = 200\n");
        plan(&["--config", &config], &dir.join("out"));
    });
    let out = dir.join("out");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    (out, html)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// The text between `start` and the next `end` after it.
fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let a = s.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    let b = s[a..].find(end).map_or(s.len(), |b| a + b);
    &s[a..b]
}

/// A park over the roads of `tests/fixtures/access.osm.pbf` (no POI, building or bus route).
const ACCESS_PARK: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"路网园区"},"geometry":{"type":"Polygon","coordinates":[[[9.5025,47.0998],[9.5045,47.0998],[9.5045,47.1009],[9.5025,47.1009],[9.5025,47.0998]]]}}]}"#;

#[test]
fn a_roads_only_report_shows_no_data_as_no_data() {
    let dir = tempfile::tempdir().unwrap();
    let parks = write(dir.path(), "parks.geojson", ACCESS_PARK);
    let config = write(dir.path(), "fast.toml", "[bus]\niterations = 200\n");
    let html = plan(
        &[
            "tests/fixtures/access.osm.pbf",
            "--parks",
            &parks,
            "--config",
            &config,
        ],
        &dir.path().join("out"),
    );

    // The header names the OSM file, not the folders it sits in (those are in Inputs).
    let header = between(&html, "<header>", "</header>");
    assert!(header.contains("access.osm.pbf"), "{header}");
    assert!(!header.contains("tests/fixtures/"), "{header}");

    // Summary: one short greyed cell over the bus columns, no "0" workers, the reason kept
    // as its tooltip.
    let summary = between(&html, "<table class=\"summary", "</table>");
    let row = between(summary, "<tbody>", "</tr>");
    assert!(
        row.contains("colspan=\"2\"") && row.contains(">无线路</td>"),
        "{row}"
    );
    assert!(
        !row.contains("<td>0</td>"),
        "0 workers in a park without a line: {row}"
    );
    assert!(row.contains("title=\"无法规划线路"), "{row}");

    // Map: an evaluation point lacks no category the data has none of: no gap dots.
    let gaps = between(&html, "data-layer=\"gaps\"", "</g>");
    assert!(
        !gaps.contains("<circle"),
        "gap dots where there is no data: {gaps}"
    );

    // No overview of bus lines the park does not have; no legend entry for the empty gaps.
    assert!(
        !html.contains("<div class=\"overview\">"),
        "an overview without lines"
    );
    let legend = between(&html, "<div class=\"legend\">", "</div>");
    assert!(!legend.contains("data-layer=\"gaps\""), "{legend}");

    // Commute: no empty chart, no "0" residents.
    assert!(!html.contains("<svg class=\"chart\""), "an empty chart");
    assert!(!html.contains("研究范围内居民： 0"));
    assert!(html.contains("研究范围内居民： 无数据（数据中无居民"));

    // Assumptions: residents and today's bus lines as no data in Chinese; no checker pass
    // over a plan without a line.
    let assumptions = between(&html, "<section class=\"assumptions\">", "</section>");
    assert!(!assumptions.contains("居民 0"), "{assumptions}");
    assert!(assumptions.contains("居民 无数据"), "{assumptions}");
    assert!(!assumptions.contains("no bus lines"), "{assumptions}");
    assert!(
        assumptions.contains("现状公交：数据中无公交线路"),
        "{assumptions}"
    );
    assert!(!assumptions.contains("通过"), "{assumptions}");
    assert!(
        assumptions.contains("未规划线路，无需校验"),
        "{assumptions}"
    );
    assert!(!assumptions.contains("maxspeed") && !assumptions.contains("/ha"));

    // Inputs: every coordinate system written alike.
    let inputs = between(&html, "<section class=\"inputs\"", "</section>");
    assert!(!inputs.contains(">wgs84<"), "{inputs}");
    assert!(inputs.matches(">WGS-84<").count() >= 2, "{inputs}");

    // The attribution once.
    let footer = between(&html, "<footer", "</footer>");
    assert_eq!(
        footer.matches("OpenStreetMap contributors").count(),
        1,
        "{footer}"
    );
}

#[test]
fn the_demo_report_names_todays_lines_and_costs_in_chinese() {
    let (_, html) = demo_zh();
    // Today's lines of the demo run both ways; the return reads 返程, not "(back)".
    assert!(
        !html.contains(" (back)"),
        "English direction in the zh report"
    );
    assert!(html.contains("（返程）"));
    // The cost note gives the vehicle-day cost it says is an assumption.
    let note = between(&html, "<p class=\"note cost-sources\">", "</p>");
    assert!(
        note.contains("每车日成本 280.0/450.0/675.0/900.0元（按车型"),
        "{note}"
    );
}

#[test]
fn a_gate_of_a_park_named_yuanqu_is_not_yuanqu_yuanqumen() {
    use lifecircle::lang::{Lang, gate_name};
    assert_eq!(gate_name("新街口园区", Lang::Zh), "新街口园区门");
    assert_eq!(gate_name("工业区 9", Lang::Zh), "工业区 9 园区门");
    assert_eq!(gate_name("新街口园区", Lang::En), "新街口园区 gate");
}

/// The summary's reservation-bus columns are not confused with the conventional bus (公交 ≤30′).
#[test]
fn the_summary_names_the_reservation_bus_columns() {
    let dir = tempfile::tempdir().unwrap();
    let parks = write(dir.path(), "parks.geojson", ACCESS_PARK);
    let html = plan(
        &["tests/fixtures/access.osm.pbf", "--parks", &parks],
        &dir.path().join("out"),
    );
    let head = between(&html, "<table class=\"summary", "</thead>");
    assert!(head.contains("<th>预约公交：职工</th>"), "{head}");
    assert!(head.contains("<th>职工达标：预约公交/现状</th>"), "{head}");
}

/// The demo in Chinese as a newcomer reads it (session 19): no profile key ("设施配置 park"),
/// no raw OSM id under a park's heading, full-width punctuation in the bus notes, a legend of
/// the layers the map draws, stops named from where they are, the overview as wide as the
/// page, and today's bus cost per rider trip "—" (its riders are unknown), with why.
#[test]
fn the_demo_report_reads_right_to_a_newcomer_in_chinese() {
    let (out, html) = demo_zh();

    // 1. The profile by its meaning, not its key.
    let assumptions = between(&html, "<section class=\"assumptions\">", "</section>");
    assert!(!assumptions.contains("设施配置 park"), "{assumptions}");
    assert!(assumptions.contains("设施配置：产业园区"), "{assumptions}");

    // 4. No raw OSM id as a park's subtitle (kept only as a tooltip).
    let p9 = between(&html, "<section class=\"park\" id=\"P9\"", "</section>");
    let meta = between(p9, "<p class=\"meta\">", "</p>");
    let shown = meta
        .split('>')
        .filter_map(|t| t.split('<').next())
        .collect::<String>();
    assert!(!shown.contains("way/"), "{meta}");
    assert!(shown.contains("OpenStreetMap"), "{meta}");

    // 2. Full-width punctuation in the notes under the bus tables.
    let total = between(p9, "<p class=\"note\">全部规划线路", "</p>");
    for ascii in [", ", "; ", ": ", " (", ")."] {
        assert!(!total.contains(ascii), "{ascii:?} in {total}");
    }
    assert!(
        total.contains("：23 条线路，") || total.contains("条线路，"),
        "{total}"
    );
    assert!(p9.contains("名职工即使直达公交也无法达标："), "{p9}");
    assert!(!p9.contains("无法达标: "), "{p9}");
    assert!(!html.contains(" (由建筑与用地估算)"));

    // 3. Each map's legend lists the layers it draws only: no bus lines or stops for a park
    //    without a line (P2), and every entry's layer has a shape.
    let p2 = between(&html, "<section class=\"park\" id=\"P2\"", "</section>");
    let p2_legend = between(p2, "<div class=\"legend\">", "</div>");
    assert!(
        !p2_legend.contains("data-layer=\"bus-lines\""),
        "{p2_legend}"
    );
    assert!(
        !p2_legend.contains("data-layer=\"bus-stops\""),
        "{p2_legend}"
    );
    for section in html.split("<section class=\"park\"").skip(1) {
        let block = between(
            section,
            "<div class=\"map-block\">",
            "<div class=\"legend\">",
        );
        let legend = between(section, "<div class=\"legend\">", "</div>");
        for entry in legend.split("data-layer=\"").skip(1) {
            let key = &entry[..entry.find('"').unwrap()];
            let group = between(block, &format!("data-layer=\"{key}\""), "</g>");
            let after_title = group.split("</title>").nth(1).unwrap_or("");
            assert!(
                !after_title.is_empty() || group.contains("class=\"sublayer\""),
                "legend lists {key}, which the map leaves empty"
            );
        }
    }

    // 5. Unnamed stops named from where they are; no stop reads as a bare code.
    let stops = std::fs::read_to_string(out.join("drt_stops.csv")).unwrap();
    assert!(
        !stops.lines().any(|l| l.contains(",code,")),
        "stops kept as codes:\n{stops}"
    );
    let lines = between(p9, "<table class=\"lines\">", "</table>");
    let bare_code = lines
        .split(['→', '>', '<'])
        .map(str::trim)
        .any(|s| s.len() > 1 && s.starts_with('S') && s[1..].chars().all(|c| c.is_ascii_digit()));
    assert!(!bare_code, "a stop named by its code: {lines}");
    // Vehicles and seats with full-width brackets: "1（33）", not "1 (33)".
    assert!(lines.contains("（33）"), "{lines}");
    assert!(!lines.contains(" (33)"), "{lines}");

    // Narrow first columns are not squeezed to one character a line: the summary's park
    // names and the commute table's modes (电动自行车).
    assert!(html.contains("table.summary td:first-child{min-width:7em}"));
    assert!(html.contains("table.commute td:first-child{white-space:nowrap}"));

    // 6. The overview map as wide as the detail map (the page).
    let overview = between(p9, "<div class=\"overview\">", "</svg>");
    assert!(overview.contains("width=\"1000\""), "{}", &overview[..200]);

    // 7. Today's bus: no cost per rider trip over this run's few workers.
    let today = between(p9, "<table class=\"lines today-bus\">", "</table>");
    let row = between(today, "现状服务本园区的常规公交", "</tr>");
    assert!(row.contains("<td>— / —</td>"), "{row}");
    assert!(p9.contains("全线客流未知"), "no reason for the —");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("drt.json")).unwrap()).unwrap();
    let t = &json["conventional"]["total"]["cost"];
    assert!(t["cost_per_rider_trip"].is_null(), "{t}");
    assert!(t["subsidy_per_rider_trip"].is_null(), "{t}");
    assert!(
        t["per_rider_trip_basis"]
            .as_str()
            .is_some_and(|s| s.contains("today_boardings_per_day")),
        "{t}"
    );
    assert!(t["annual_cost"].as_f64().is_some_and(|c| c > 0.0), "{t}");
}

/// The terminal names the profile by its meaning too ("设施配置：产业园区", not the key `park`).
#[test]
fn the_terminal_names_the_profile_by_its_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(["coverage", "--lang", "zh", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("生活圈 — 设施配置：产业园区 — "),
        "{stdout}"
    );
    assert!(!stdout.contains("设施配置 park"), "{stdout}");
}

/// With the operator's boardings a day (`[cost] today_boardings_per_day`), today's bus cost
/// per rider trip is computed over them, in the report and in drt.json, and says so.
#[test]
fn todays_bus_cost_per_rider_trip_over_the_operators_boardings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let config = write(
        dir.path(),
        "fast.toml",
        "[bus]\niterations = 200\n[cost]\ntoday_boardings_per_day = 20000\n",
    );
    let html = plan(&["--config", &config], &out);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("drt.json")).unwrap()).unwrap();
    let total = &json["conventional"]["total"];
    let c = &total["cost"];
    let annual = c["annual_cost"].as_f64().unwrap();
    let per = c["cost_per_rider_trip"].as_f64().expect("computed");
    // 20 000 boardings a day over 250 operating days.
    assert!((per - annual / (20_000.0 * 250.0)).abs() < 0.01, "{c}");
    let subsidy = c["subsidy_per_rider_trip"].as_f64().expect("computed");
    assert!((subsidy - (per - 2.0)).abs() < 0.01, "{c}");
    assert_eq!(total["boardings_per_day"].as_f64(), Some(20_000.0));
    assert!(
        c["per_rider_trip_basis"]
            .as_str()
            .unwrap()
            .contains("20000")
    );
    let p9 = between(&html, "<section class=\"park\" id=\"P9\"", "</section>");
    let row = between(p9, "现状服务各规划园区的常规公交", "</tr>");
    assert!(row.contains(&format!("<td>{per:.1} / ")), "{row}");
    assert!(p9.contains("日客流 20000 人次"), "{p9}");
}
