//! Issue 12, "Chinese throughout", the library's own messages: under `--lang zh` the rows a
//! planner's files lose, the stages without result and the exit line read in Chinese on the
//! terminal and in the report's Inputs section, while the CSV files for scripts keep their
//! English; `inspect` and `isochrone` print Chinese and label their GeoJSON in Chinese with
//! the machine keys unchanged.

use std::path::Path;
use std::process::{Command, Output};

fn lifecircle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(args)
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The demo with a POI file of one good and two bad rows and the HR booking list (GBK) with
/// three bad rows.
fn bad_rows_scenario(dir: &Path) -> String {
    let poi = write(
        dir,
        "poi.csv",
        "lon,lat,category,name\n9.5070,47.1500,food,Café\n9.5071,47.1501,nosuchcat,Bad\n47.15,9.507,food,Swapped\n",
    );
    write(
        dir,
        "s.toml",
        &format!(
            "[life_circle]\npoi = [\"{poi}\"]\n[bus]\nmax_parks = 1\nworkers = 60\niterations = 200\ndemand = \"{}\"\n",
            fixture("hr_bookings_gbk.csv")
        ),
    )
}

#[test]
fn bad_rows_are_named_in_chinese_on_the_terminal_and_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let config = bad_rows_scenario(dir.path());
    let out_dir = dir.path().join("out");
    let out = lifecircle(&[
        "plan",
        "--config",
        &config,
        "--lang",
        "zh",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for zh in [
        "（设施点）：读取 1 行，跳过 2 行",
        "第3行：未知类别“nosuchcat”",
        "第4行：点 47.150000,9.507000 位于 OSM 数据范围之外",
        "（预约需求）：读取 4 行，跳过 3 行",
        "第4行：到岗时间“8点”不是 HH:MM 格式的时刻",
        "第6行：lon“abc”不是数字",
        "第7行：无园区“P99”",
    ] {
        assert!(stderr.contains(zh), "{zh:?} missing:\n{stderr}");
    }
    for en in [
        "unknown category",
        "lies outside",
        "is not a time",
        "is not a number",
        "no park",
        "rows read",
        "line 3",
    ] {
        assert!(!stderr.contains(en), "{en:?} in:\n{stderr}");
    }
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    let inputs = html
        .split("<section class=\"inputs\"")
        .nth(1)
        .expect("an Inputs section");
    assert!(inputs.contains("第3行：未知类别“nosuchcat”"), "{inputs}");
    assert!(inputs.contains("第7行：无园区“P99”"), "{inputs}");
    assert!(!inputs.contains("unknown category"), "{inputs}");
    // The file for scripts keeps its English reasons.
    let riders = std::fs::read_to_string(out_dir.join("drt_riders.csv")).unwrap();
    assert!(riders.contains("arrive_by '8点' is not a time of day HH:MM"));
}

#[test]
fn a_stage_without_result_says_why_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    // Every booking names a park the region does not have: the bus stage has no result.
    let demand = write(
        dir.path(),
        "d.csv",
        "lon,lat,park,arrive_by\n9.52,47.14,Nowhere Park,08:00\n9.52,47.14,P1,8点\n",
    );
    let config = write(
        dir.path(),
        "s.toml",
        &format!("[life_circle]\nenabled = false\n[bus]\ndemand = \"{demand}\"\n"),
    );
    let out_dir = dir.path().join("out");
    let out = lifecircle(&[
        "plan",
        "--config",
        &config,
        "--lang",
        "zh",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stdout.contains("预约公交：无结果 — ")
            && stdout
                .contains("d.csv 中没有可用的预约：跳过 2 行，第一行：第2行：无园区“Nowhere Park”"),
        "{stdout}"
    );
    assert!(
        stderr.contains("要求的 2 项分析中有 1 项无结果（预约公交）"),
        "{stderr}"
    );
    assert!(!stdout.contains("no usable booking"), "{stdout}");
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(
        html.contains("未完成的分析") && html.contains("中没有可用的预约"),
        "the report names the failed stage in Chinese"
    );
    assert!(!html.contains("no usable booking"));
}

#[test]
fn inspect_and_isochrone_print_chinese_and_label_their_geojson() {
    let out = lifecircle(&["--lang", "zh", "inspect"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for zh in [
        "OSM 要素",
        "路网",
        "方式",
        "最大连通分量占比",
        "步行",
        "电动自行车",
        "公交线路",
        "峰值内存",
    ] {
        assert!(stdout.contains(zh), "{zh:?} missing:\n{stdout}");
    }
    for en in ["vertices", "bus routes", "walk ", "peak memory"] {
        assert!(!stdout.contains(en), "{en:?} in:\n{stdout}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("iso.geojson");
    let out = lifecircle(&[
        "--lang",
        "zh",
        "isochrone",
        "--park",
        "P1",
        "--minutes",
        "5,10",
        "--out",
        file.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("自 P1 工业区 1 步行5分钟可达：") && stdout.contains("已写入"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("min from") && !stdout.contains("wrote"),
        "{stdout}"
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let props: Vec<&serde_json::Value> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["properties"])
        .collect();
    // The machine keys and values stay; the label is for people, in the run's language.
    assert_eq!(props[0]["origin"], "P1 Industrial area 1");
    assert_eq!(props[0]["mode"], "walk");
    assert_eq!(props[0]["minutes"], 10.0);
    assert_eq!(props[0]["label"], "P1 工业区 1 步行10分钟可达范围");
}
