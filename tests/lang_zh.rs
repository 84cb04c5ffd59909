//! Issue 12, "Chinese throughout": `--lang zh` gives Chinese in the terminal (tables aligned
//! by display width), in report.html (names, units, reasons, the data date) and in the GTFS
//! names, while the CSV files for scripts keep their English text.

use std::path::Path;
use std::process::{Command, Output};

use unicode_width::UnicodeWidthStr;

fn lifecircle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(args)
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .unwrap()
}

fn stdout_ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn read(dir: &Path, f: &str) -> String {
    std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
}

/// The display column at which `word` starts in `line`.
fn column_of(line: &str, word: &str) -> usize {
    let at = line
        .find(word)
        .unwrap_or_else(|| panic!("{word:?} not in {line:?}"));
    line[..at].width()
}

/// A scenario for the demo with a short bus-line search; `extra` is appended to `[bus]`.
fn scenario(dir: &Path, extra: &str) -> String {
    let path = dir.join("scenario.toml");
    std::fs::write(
        &path,
        format!("[bus]\nmax_parks = 1\nworkers = 60\niterations = 200\n{extra}\n"),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn plan_in_chinese_prints_chinese_tables_aligned_by_display_width() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let config = scenario(dir.path(), "");
    let stdout = stdout_ok(&lifecircle(&[
        "plan",
        "--config",
        &config,
        "--lang",
        "zh",
        "--out",
        out.to_str().unwrap(),
    ]));
    for heading in [
        "编号",
        "园区",
        "面积公顷",
        "生活圈",
        "最优方式≤30分钟",
        "预约公交",
        "现状最优方式",
        "工业区 1",
        "校验：早班通过",
        "已写入",
        "年运营成本",
    ] {
        assert!(stdout.contains(heading), "{heading:?} missing:\n{stdout}");
    }
    for english in [
        "Industrial area",
        "checker:",
        "wrote ",
        "best mode today",
        "park ",
        " a year",
        "per rider trip",
    ] {
        assert!(!stdout.contains(english), "{english:?} in:\n{stdout}");
    }
    // The park table: from its header to the first line that is not a park row.
    let lines: Vec<&str> = stdout.lines().collect();
    let head = lines.iter().position(|l| l.starts_with("编号")).unwrap();
    let rows: Vec<&str> = lines[head..]
        .iter()
        .copied()
        .take_while(|l| l.starts_with("编号") || l.starts_with('P'))
        .collect();
    assert!(rows.len() >= 9, "{stdout}");
    // Right-aligned last column: every line ends at the same display column; the park
    // names (CJK or Latin) start at the same display column as their header.
    let width = rows[0].width();
    let name_col = column_of(rows[0], "园区");
    for row in &rows[1..] {
        assert_eq!(row.width(), width, "{row:?} in\n{}", rows.join("\n"));
        let name = row.split_whitespace().nth(1).unwrap();
        assert_eq!(column_of(row, name), name_col, "{row:?}");
    }
}

#[test]
fn chinese_report_and_gtfs_have_no_english_names_reasons_or_units() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // A short walk to the stops, so that some workers are not carried and their reasons show.
    let config = scenario(dir.path(), "max_walk_m = 150.0");
    stdout_ok(&lifecircle(&[
        "plan",
        "--config",
        &config,
        "--lang",
        "zh",
        "--out",
        out.to_str().unwrap(),
    ]));
    let html = read(&out, "report.html");
    for english in [
        "Industrial area",
        "Industrial parks:",
        "embedded demo",
        " gate",
        "park bus",
        "OSM data of",
        "unknown",
        "no stop on the bus network",
        "no walkable road",
        "walks to the park",
        "not carried",
        "no feasible insertion",
        "15 min",
        "route=bus relations",
        "日期未知",
        "单车最长行程",
        "全区居民",
        ">部分<",
        ">0 名职工",
    ] {
        assert!(!html.contains(english), "{english:?} in the Chinese report");
    }
    for chinese in [
        "产业园区：生活圈、通勤圈与预约公交",
        "OSM 数据日期：2013-08-03",
        "工业区 1",
        "15分钟",
        "每车次最长行程",
        "研究范围内居民",
        "内置示例数据",
        "部分达标",
    ] {
        assert!(
            html.contains(chinese),
            "{chinese:?} missing from the report"
        );
    }
    let routes = read(&out, "gtfs/routes.txt");
    assert!(
        routes.contains("园区班车") && !routes.contains("park bus"),
        "{routes}"
    );
    let agency = read(&out, "gtfs/agency.txt");
    assert!(agency.contains("园区预约响应式公交"), "{agency}");
    let stops = read(&out, "gtfs/stops.txt");
    assert!(
        stops.contains("园区门") && !stops.contains(" gate"),
        "{stops}"
    );
    // Files for scripts keep English.
    let riders = read(&out, "drt_riders.csv");
    assert!(
        riders
            .trim_start_matches('\u{feff}')
            .starts_with("source,lon,lat,park")
            && riders.contains(",synthetic,")
            && !riders
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{riders}"
    );
    assert!(read(&out, "coverage.csv").contains("Industrial area 1"));
}

#[test]
fn english_output_keeps_its_words_and_has_no_zero_workers_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // A generous target: every worker can be within it by a direct bus.
    let config = scenario(dir.path(), "target_min = 180.0");
    let stdout = stdout_ok(&lifecircle(&[
        "plan",
        "--config",
        &config,
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(stdout.contains("Industrial area 1") && stdout.contains("checker: morning ok"));
    assert!(stdout.contains(" a year, ") && stdout.contains(" per rider trip ("));
    assert!(!stdout.contains("0 workers cannot"), "{stdout}");
    let html = read(&out, "report.html");
    assert!(
        !html.contains("0 workers cannot be within"),
        "a line about nobody"
    );
    assert!(html.contains("OSM data of 2013-08-03"));
}
