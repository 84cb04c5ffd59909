//! Issue 12, "read correctly to someone who has not seen the tool": what a Chinese planner
//! reading `report.html` of a roads-only region and of the demo found wrong, each kept as a
//! rule. A region without data shows no gaps, no empty chart, no "0 residents", no checker
//! "通过" over no plan and no English; a park without a bus line reads "无线路" in the summary
//! (the reason in its own section) instead of a long cell that pushes the table off the page;
//! today's bus lines and the cost note are Chinese throughout.

use std::path::Path;
use std::process::Command;

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
        assumptions.contains("现状公交: 数据中无公交线路"),
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
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "fast.toml", "[bus]\niterations = 200\n");
    let html = plan(&["--config", &config], &dir.path().join("out"));
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
