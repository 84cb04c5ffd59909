//! Issue 12, "Chinese throughout", the library's own messages: under `--lang zh` the rows a
//! planner's files lose, the stages without result and the exit line read in Chinese on the
//! terminal and in the report's Inputs section, while the CSV files for scripts keep their
//! English; `inspect` and `isochrone` print Chinese and label their GeoJSON in Chinese with
//! the machine keys unchanged.

use std::path::Path;
use std::process::Output;

mod common;
use common::run::{Run, dir_with};

fn lifecircle(args: &[&str]) -> Output {
    common::run::lifecircle(args)
        .env("RAYON_NUM_THREADS", "2")
        .run()
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
        "（设施点）：读取 3 行，保留 1 行，跳过 2 行",
        "第3行：未知类别“nosuchcat”",
        "第4行：点 47.150000,9.507000 位于 OSM 数据范围之外",
        "（预约需求）：读取 7 行，保留 4 行，跳过 3 行",
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
    // Rows read (every data row), kept, skipped.
    assert!(
        inputs.contains("<th>读取行数</th><th>保留行数</th><th>跳过行数</th>"),
        "{inputs}"
    );
    assert!(
        inputs.contains("<td>3</td><td>1</td><td>2</td>"),
        "{inputs}"
    );
    assert!(
        inputs.contains("<td>7</td><td>4</td><td>3</td>"),
        "{inputs}"
    );
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

/// The first English sentence left in `text` (a word of four letters or more, a space and a
/// lower-case word of three or more: `[A-Za-z]{4,} [a-z]{3,}`), after removing the names a
/// Chinese message keeps (`kept`: file names, folders, flags, ids).
fn english_sentence(text: &str, kept: &[&str]) -> Option<String> {
    let mut text = text.to_string();
    for k in kept {
        text = text.replace(k, "");
    }
    let words: Vec<&str> = text.split(' ').collect();
    let tail = |w: &str| -> usize {
        w.chars()
            .rev()
            .take_while(char::is_ascii_alphabetic)
            .count()
    };
    let head = |w: &str| -> usize { w.chars().take_while(char::is_ascii_lowercase).count() };
    words
        .windows(2)
        .find(|pair| tail(pair[0]) >= 4 && head(pair[1]) >= 3)
        .map(|pair| format!("{} {}", pair[0], pair[1]))
}

/// Runs `args` (after `--lang zh`) in `dir`, expecting exit code `code`; returns stderr.
fn zh_run(dir: &Path, args: &[&str], code: i32) -> String {
    let mut all = vec!["--lang", "zh"];
    all.extend_from_slice(args);
    let out = common::run::lifecircle(&all)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", "2")
        .run();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    stderr
}

#[test]
fn the_error_and_warning_prefixes_are_chinese() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "poi.csv",
        "lon,lat,category,name\n9.5070,47.1500,food,Cafe\n9.5071,47.1501,nosuchcat,Bad\n",
    );
    let stderr = zh_run(
        dir.path(),
        &["coverage", "--poi", "poi.csv", "--out", "o"],
        0,
    );
    assert!(
        stderr.contains("警告：poi.csv 第3行：未知类别“nosuchcat”"),
        "{stderr}"
    );
    assert!(stderr.contains("（已跳过该行）"), "{stderr}");
    assert!(
        stderr.contains("已读取 poi.csv（UTF-8，LF）：2 行，采用 1 行，跳过 1 行"),
        "{stderr}"
    );
    let stderr = zh_run(
        dir.path(),
        &[
            "isochrone",
            "--park",
            "P99",
            "--minutes",
            "5",
            "--out",
            "iso.geojson",
        ],
        2,
    );
    assert!(
        stderr.starts_with("错误：无园区“P99”；现有园区：P1（工业区 1）"),
        "{stderr}"
    );
    // The language of `plan` may come from the scenario's [report] lang.
    write(
        dir.path(),
        "s.toml",
        "[report]\nlang = \"zh\"\n[life_circle]\nminutes = -3\n",
    );
    let out = lifecircle(&[
        "plan",
        "--config",
        &dir.path().join("s.toml").display().to_string(),
    ]);
    let from_scenario = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{from_scenario}");
    assert!(from_scenario.starts_with("错误："), "{from_scenario}");
    for text in [&stderr, &from_scenario.to_string()] {
        assert!(
            !text.contains("error:") && !text.contains("warning:"),
            "{text}"
        );
        let kept = ["poi.csv", "iso.geojson", "Hilti Nendeln"];
        assert_eq!(english_sentence(text, &kept), None, "{text}");
    }
}

#[test]
fn library_errors_at_exit_2_read_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Five points with longitude and latitude swapped: the whole file, not a few rows.
    let swapped: String = (0..6)
        .map(|i| format!("47.1{i}0,9.52{i},food,S{i}\n"))
        .collect();
    write(
        d,
        "swapped.csv",
        &format!("lon,lat,category,name\n{swapped}"),
    );
    write(d, "cols.csv", "x,y\n1,2\n");
    write(
        d,
        "far.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Far"},"geometry":{"type":"Polygon","coordinates":[[[121.0,31.0],[121.01,31.0],[121.01,31.01],[121.0,31.0]]]}}]}"#,
    );
    write(d, "key.toml", "[life_circle]\nfoo = 1\n");
    write(d, "range.toml", "[life_circle]\nminutes = -3\n");
    let cases: [(&[&str], &[&str]); 7] = [
        (
            &["coverage", "missing.pbf", "--out", "o"],
            &["无法读取 missing.pbf：文件或文件夹不存在"],
        ),
        (
            &["plan", "--config", "key.toml", "--out", "o"],
            &["情景文件“key.toml”无效：TOML 格式错误，第2行第1列：未知的键“foo”"],
        ),
        (
            &["plan", "--config", "range.toml", "--out", "o"],
            &[
                "life_circle.minutes (--minutes) = -3.0 不可接受：请给出大于 0、不超过 120 的有限数值（单位：分钟）",
            ],
        ),
        (
            &["coverage", "--profile", "nosuch", "--out", "o"],
            &["设施配置“nosuch”无效：没有这个内置设施配置"],
        ),
        (
            &["coverage", "--poi", "cols.csv", "--out", "o"],
            &[
                "输入文件“cols.csv”无效：CSV 需要 lon、lat、category 列",
                "现有列：x, y",
            ],
        ),
        (
            &["coverage", "--poi", "swapped.csv", "--out", "o"],
            &[
                "6 个点中有 6 个位于 OSM 数据范围之外",
                "经度与纬度两列似乎颠倒了",
            ],
        ),
        (
            &["coverage", "--parks", "far.geojson", "--out", "o"],
            &[
                "园区“Far”（第1个要素）位于 OSM 数据范围",
                "坐标是否为 WGS-84？",
            ],
        ),
    ];
    let kept = [
        "missing.pbf",
        "key.toml",
        "range.toml",
        "cols.csv",
        "swapped.csv",
        "far.geojson",
        "nosuch",
        "`enabled`",
        "`profile`",
        "`minutes`",
        "`sites`",
        "`min_site_gain_points`",
        "`poi`",
        "`poi_crs`",
        "`osm_amenities`",
    ];
    for (args, zh) in cases {
        let stderr = zh_run(d, args, 2);
        assert!(stderr.starts_with("错误："), "{args:?}: {stderr}");
        for z in zh {
            assert!(stderr.contains(z), "{args:?}: {z:?} missing from {stderr}");
        }
        assert_eq!(english_sentence(&stderr, &kept), None, "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    }
}

#[test]
fn population_rows_park_notes_and_stage_warnings_read_in_chinese() {
    let dir = dir_with(&[
        (
            "pop.csv",
            "lon,lat,count\n9.5200,47.1400,120\n9.5210,47.1410,-5\nabc,47.1420,10\n9.5220,47.1430,80\n",
        ),
        // A park drawn as a bow tie (it crosses itself) beside a plain one.
        (
            "parks.geojson",
            r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Bow"},"geometry":{"type":"Polygon","coordinates":[[[9.520,47.140],[9.524,47.143],[9.524,47.140],[9.520,47.143],[9.520,47.140]]]}},
{"type":"Feature","properties":{"name":"Box"},"geometry":{"type":"Polygon","coordinates":[[[9.530,47.150],[9.534,47.150],[9.534,47.153],[9.530,47.153],[9.530,47.150]]]}}]}"#,
        ),
    ]);
    let d = dir.path();
    let stderr = zh_run(
        d,
        &[
            "commute",
            "--parks",
            "parks.geojson",
            "--population",
            "pop.csv",
            "--out",
            "o",
        ],
        0,
    );
    for zh in [
        "警告：已读取 pop.csv（UTF-8，LF）：4 行，采用 2 行，跳过 2 行",
        "警告：pop.csv 第3行：人数“-5”为负数或不是有限数值",
        "警告：pop.csv 第4行：lon“abc”不是数字",
        "警告：parks.geojson：园区“Bow”（第1个要素）边界自相交或有重叠部分：已替换为其并集",
    ] {
        assert!(stderr.contains(zh), "{zh:?} missing from {stderr}");
    }
    let kept = ["pop.csv", "parks.geojson"];
    assert_eq!(english_sentence(&stderr, &kept), None, "{stderr}");
    assert!(!stderr.contains("warning:"), "{stderr}");
}

/// Runs the binary with `args` in `dir`; returns (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = common::run::lifecircle(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", "2")
        .run();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn usage_errors_read_in_chinese_under_lang_zh() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["coverage", "--foo"], "错误：未知参数“--foo”"),
        (&["coverage", "--out"], "错误：参数“--out <OUT>”缺少取值"),
        (
            &["coverage", "--walk-speed", "fast"],
            "错误：参数“--walk-speed <WALK_SPEED>”的取值“fast”无效：“fast”不是步行速度",
        ),
        (
            &["commute", "--transit", "tram"],
            "错误：未知参数“--transit”",
        ),
        (&["frobnicate"], "错误：未知命令“frobnicate”"),
        (
            &["isochrone", "--minutes", "5"],
            "错误：缺少必需的参数：--from <LON,LAT>",
        ),
        (
            &["coverage", "--profle", "park"],
            "错误：未知参数“--profle”，是否想用“--profile”？",
        ),
        (
            &["drt", "--roads", "plane"],
            "错误：参数“--roads <ROADS>”的取值“plane”无效；可选值：bus、car",
        ),
    ];
    for (args, start) in cases {
        for lang in [["--lang", "zh"].as_slice(), ["--lang=zh"].as_slice()] {
            // `--lang` before the command and after it.
            let mut before: Vec<&str> = lang.to_vec();
            before.extend_from_slice(args);
            let mut after: Vec<&str> = args.to_vec();
            after.extend_from_slice(lang);
            for all in [before, after] {
                let (code, _, stderr) = run_in(dir.path(), &all);
                assert_eq!(code, Some(2), "{all:?}: {stderr}");
                assert!(stderr.starts_with(start), "{all:?}: {stderr}");
                assert_eq!(stderr.lines().count(), 1, "{all:?}: {stderr}");
                assert!(stderr.contains(" --help 查看用法"), "{all:?}: {stderr}");
                let kept = [
                    "lifecircle",
                    "--walk-speed",
                    "WALK_SPEED",
                    "--profile",
                    "--from",
                ];
                assert_eq!(english_sentence(&stderr, &kept), None, "{stderr}");
                assert!(!stderr.contains("Usage") && !stderr.contains("error:"));
            }
        }
    }
    // The hint names the command the error is about.
    let (_, _, stderr) = run_in(dir.path(), &["--lang", "zh", "coverage", "--out"]);
    assert!(
        stderr.contains("运行 lifecircle coverage --help"),
        "{stderr}"
    );
    // English stays clap's; help under zh is Chinese (`help_is_chinese_under_lang_zh`).
    let (code, _, stderr) = run_in(dir.path(), &["coverage", "--foo"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("error: unexpected argument '--foo'"),
        "{stderr}"
    );
    let (code, stdout, _) = run_in(dir.path(), &["--lang", "zh", "coverage", "--help"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("用法：lifecircle coverage"), "{stdout}");
}

/// Issue 12: Excel on a Chinese Windows reads a CSV as GBK unless it starts with the UTF-8
/// byte-order mark; every table a planner opens has it, the GTFS feed does not.
#[test]
fn spreadsheet_csvs_start_with_the_utf8_mark_and_gtfs_files_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, stderr) = run_in(d, &["plan", "--lang", "zh", "--out", "o"]);
    assert!(matches!(code, Some(0) | Some(3)), "{stderr}");
    let out = d.join("o");
    let mut csvs = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".csv") {
            csvs += 1;
            let bytes = std::fs::read(&path).unwrap();
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{name} has no BOM");
            assert!(!bytes[3..].starts_with(b"\xEF\xBB\xBF"), "{name}: two BOMs");
        }
    }
    for name in [
        "coverage.csv",
        "commute.csv",
        "drt_stops.csv",
        "drt_timetable.csv",
        "drt_riders.csv",
    ] {
        assert!(out.join(name).exists(), "{name} missing");
    }
    assert!(csvs >= 5);
    let gtfs = out.join("gtfs");
    let mut txts = 0;
    for entry in std::fs::read_dir(&gtfs).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "{}", path.display());
        txts += 1;
    }
    assert!(txts >= 5, "{}", gtfs.display());
}

/// Words a Chinese terminal line may keep: codes, ids, units, file formats, OSM keys, the
/// profile's category ids and the modes' ids (as the planner types them), CRS names.
const KEPT_WORDS: &[&str] = &[
    "OSM",
    "GTFS",
    "CSV",
    "UTF",
    "GBK",
    "CRLF",
    "PBF",
    "WGS",
    "GCJ",
    "wgs84",
    "gcj02",
    "bd09",
    "km",
    "HH",
    "MM",
    "lon",
    "lat",
    "highway",
    "maxspeed",
    "landuse",
    "industrial",
    "route",
    "bus",
    "park",
    "walk",
    "bike",
    "ebike",
    "car",
    "food",
    "lodging",
    "shopping",
    "culture_sports",
    "parcel",
    "health",
    "childcare",
    "school",
    "elderly",
    "bikeshare",
    "bus_stop",
    "Polygon",
    "lifecircle",
    "roads",
    "stops",
    "count",
];

/// The ASCII words (three letters or more) of `text` that a Chinese line should not hold:
/// not a path or file name, not a flag, not a `key=value`, not in [`KEPT_WORDS`] or `names`
/// (OSM names of the region, kept as mapped).
fn english_words(text: &str, names: &[&str]) -> Vec<String> {
    let mut text = text.to_string();
    for name in names {
        text = text.replace(name, " ");
    }
    // A value quoted from the planner's input (“nosuchcat”) is kept as given.
    while let Some(open) = text.find('“') {
        let Some(close) = text[open..].find('”') else {
            break;
        };
        text.replace_range(open..open + close + '”'.len_utf8(), " ");
    }
    let mut found = Vec::new();
    // A token: a run of printable ASCII without spaces (Chinese text and punctuation split).
    for token in text.split(|c: char| !c.is_ascii_graphic()) {
        let token = token.trim_matches(|c: char| ",;:()[]'\"`".contains(c));
        if token.contains('/')
            || token.starts_with('-')
            || token.contains('=')
            || token.contains('.')
            || token.contains('<')
        {
            continue;
        }
        for word in token.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            let letters = word.chars().filter(char::is_ascii_alphabetic).count();
            if letters >= 3 && !KEPT_WORDS.contains(&word) {
                found.push(word.to_string());
            }
        }
    }
    found
}

/// Runs `lifecircle --lang zh args` in `dir`; returns the English words of its output.
fn english_in_run(dir: &Path, args: &[&str], names: &[&str]) -> Vec<String> {
    let mut all = vec!["--lang", "zh"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run_in(dir, &all);
    assert!(matches!(code, Some(0..=3)), "{args:?}: {stderr}");
    let text = format!("{stdout}{stderr}");
    let words = english_words(&text, names);
    if !words.is_empty() {
        eprintln!("{args:?}:\n{text}");
    }
    words
}

/// [`english_in_run`] for each of `runs`, four at a time (they are independent: each writes
/// its own `--out`); the words in the order of `runs`.
fn english_in_runs<'a, R: AsRef<[&'a str]> + Sync>(
    dir: &Path,
    runs: &[R],
    names: &[&str],
) -> Vec<String> {
    let mut words = Vec::new();
    for chunk in runs.chunks(4) {
        std::thread::scope(|scope| {
            let started: Vec<_> = chunk
                .iter()
                .map(|args| scope.spawn(|| english_in_run(dir, args.as_ref(), names)))
                .collect();
            for run in started {
                words.extend(run.join().expect("a run's checks"));
            }
        });
    }
    words
}

#[test]
fn the_english_word_filter_finds_sentences_and_keeps_names() {
    assert_eq!(
        english_words("警告：poi.csv 第3行：unknown category “nosuchcat”", &[]),
        ["unknown", "category"]
    );
    assert!(english_words("已读取 a/b.csv（UTF-8，LF）；坐标系 wgs84；--poi-crs", &[]).is_empty());
    assert_eq!(
        english_words("a2-16: cost 294.25, 2 vehicles", &[]),
        ["cost", "vehicles"]
    );
    assert!(english_words("P4 Hilti Nendeln 7.1", &["Hilti Nendeln"]).is_empty());
}

/// Issue 12, "Chinese throughout": every command under `--lang zh`, on good and bad input, on
/// the demo and (when ../shared is there) on nanjing-xinjiekou with its parks and bookings and on
/// the roads-only shanghai-center-roads, prints no English word outside the kept names.
#[test]
fn no_english_reaches_a_chinese_terminal() {
    let dir = dir_with(&[
        (
            "poi.csv",
            "lon,lat,category,name\n9.5070,47.1500,food,Cafe\n9.5071,47.1501,nosuchcat,Bad\n47.15,9.507,food,Swapped\n",
        ),
        (
            "book.csv",
            "lon,lat,park,arrive_by\n9.52,47.14,P1,08:00\n9.52,47.14,P99,08:00\n9.52,47.14,P1,8点\nx,47.1,P1,08:00\n",
        ),
        ("stops.csv", "code,name,lon,lat\nX1,Mountain,9.60,47.05\n"),
        ("trunc.txt", "2 32 480 3 30\n0 0 0 0 0 0 1440\n"),
    ]);
    let d = dir.path();
    let demo_names = [
        "Hilti Nendeln",
        "Sporry Gasometer",
        "Spörry Kemmi",
        "Spörry",
    ];
    let runs: &[&[&str]] = &[
        &["coverage", "--poi", "poi.csv", "--out", "c"],
        &["commute", "--out", "m"],
        &[
            "drt",
            "--demand",
            "book.csv",
            "--iterations",
            "100",
            "--out",
            "d",
        ],
        // Stopped by its time limit: the warning says so.
        &["drt", "--iterations", "0", "--seconds", "1", "--out", "t"],
        &["drt", "--stops", "stops.csv", "--out", "s"],
        &["darp", "trunc.txt"],
        &["darp", "poi.csv"],
        &["inspect"],
        &[
            "isochrone",
            "--park",
            "P1",
            "--minutes",
            "10",
            "--out",
            "iso.geojson",
        ],
        &["coverage", "/nonexistent.osm.pbf", "--out", "x"],
        &["coverage", "poi.csv", "--out", "y"],
        &["plan", "--config", "missing.toml"],
    ];
    let mut english = english_in_runs(d, runs, &demo_names);
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if shared.join("osm/nanjing-xinjiekou.osm.pbf").exists() {
        let osm = |name: &str| shared.join("osm").join(name).display().to_string();
        let (nanjing, shanghai) = (
            osm("nanjing-xinjiekou.osm.pbf"),
            osm("shanghai-center-roads.osm.pbf"),
        );
        let darp = shared.join("darp/a2-16.txt").display().to_string();
        let parks = fixture("xinjiekou_parks.geojson");
        let bookings = fixture("xinjiekou_bookings.csv");
        write(
            d,
            "sh_parks.geojson",
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"测试园区"},"geometry":{"type":"Polygon","coordinates":[[[121.470,31.225],[121.480,31.225],[121.480,31.232],[121.470,31.232],[121.470,31.225]]]}}]}"#,
        );
        let pop: String = (0..50)
            .map(|i| {
                format!(
                    "{:.4},{:.4},100\n",
                    121.43 + 0.002 * i as f64,
                    31.20 + 0.001 * i as f64
                )
            })
            .collect();
        write(
            d,
            "sh_pop.csv",
            &format!("lon,lat,count\n{pop}abc,31.2,10\n"),
        );
        let runs: Vec<Vec<&str>> = vec![
            vec!["darp", &darp, "--seconds", "1"],
            vec!["plan", &nanjing, "--parks", &parks, "--out", "p2"],
            // 50 iterations a shift: the words are checked, not the plan (the default search
            // on these 160 bookings takes a minute).
            vec![
                "drt",
                &nanjing,
                "--parks",
                &parks,
                "--demand",
                &bookings,
                "--iterations",
                "50",
                "--out",
                "d2",
            ],
            vec!["coverage", &nanjing, "--out", "x"],
            vec![
                "plan",
                &shanghai,
                "--parks",
                "sh_parks.geojson",
                "--out",
                "p3",
            ],
            vec![
                "commute",
                &shanghai,
                "--parks",
                "sh_parks.geojson",
                "--population",
                "sh_pop.csv",
                "--out",
                "m3",
            ],
            vec![
                "drt",
                &shanghai,
                "--parks",
                "sh_parks.geojson",
                "--population",
                "sh_pop.csv",
                "--out",
                "d3",
            ],
            vec!["inspect", &shanghai],
        ];
        english.extend(english_in_runs(d, &runs, &[]));
    } else {
        eprintln!("skipping the real extracts: ../shared/data is absent");
    }
    english.sort();
    english.dedup();
    assert!(
        english.is_empty(),
        "English words on a Chinese terminal: {english:?}"
    );
}

/// A planner's stop coded like a park's gate (`G1` for P1) would share one code with the gate
/// in `drt_timetable.csv` and one GTFS `stop_id`: the row is skipped, naming its line and the
/// park, in either language; every code in the timetable stands for one point.
#[test]
fn a_given_stop_cannot_take_a_gate_code() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "stops.csv",
        "code,name,lon,lat\nG1,Clash,9.5712499,47.2185671\nS2,Triesen Säga,9.519943,47.0882462\n",
    );
    let args = [
        "drt",
        "--stops",
        "stops.csv",
        "--iterations",
        "100",
        "--out",
    ];
    let (code, _, stderr) = run_in(d, &[&args[..], &["en"]].concat());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("stops.csv:2: stop code G1 is the code of the gate stop of park P1"),
        "{stderr}"
    );
    let (_, _, stderr) = run_in(d, &[&["--lang", "zh"], &args[..], &["zh"]].concat());
    // The park without a name is named as the report names it, not "Industrial area 1".
    assert!(
        stderr.contains("stops.csv 第2行：站点编号 G1 是园区 P1（工业区 1）"),
        "{stderr}"
    );
    assert!(!stderr.contains("Industrial area"), "{stderr}");
    for out in ["en", "zh"] {
        let mut r = csv::Reader::from_path(d.join(out).join("drt_timetable.csv")).unwrap();
        let headers = r.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (c, lon, lat) = (col("stop_id"), col("lon"), col("lat"));
        let mut at: std::collections::BTreeMap<String, (String, String)> = Default::default();
        for rec in r.records() {
            let rec = rec.unwrap();
            let point = (rec[lon].to_string(), rec[lat].to_string());
            let first = at.entry(rec[c].to_string()).or_insert(point.clone());
            assert_eq!(*first, point, "stop code {} at two points", &rec[c]);
        }
    }
}

/// `--help` under `--lang zh`, however the planner asks for it, is Chinese: the usage heading
/// 用法, the options' Chinese (here --config's), exit 0; English help stays as it was.
#[test]
fn help_is_chinese_under_lang_zh() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["plan", "--lang", "zh", "--help"][..],
        &["--lang", "zh", "plan", "--help"],
        &["help", "plan", "--lang", "zh"],
        &["--lang=zh", "help", "plan"],
    ] {
        let (code, stdout, stderr) = run_in(dir.path(), args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(
            stdout.contains("用法：lifecircle plan"),
            "{args:?}: {stdout}"
        );
        assert!(
            stdout.contains("--config <scenario.toml>  包含全部假设的情景文件"),
            "{args:?}: {stdout}"
        );
        assert!(stdout.contains("选项"), "{args:?}: {stdout}");
        for english in ["Usage:", "Options:", "Print help", "possible values"] {
            assert!(!stdout.contains(english), "{args:?} {english}: {stdout}");
        }
    }
    let (code, stdout, _) = run_in(dir.path(), &["--lang", "zh", "--help"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("用法：lifecircle [选项] <命令>"),
        "{stdout}"
    );
    assert!(stdout.contains("预约响应公交线路"), "{stdout}");
    assert!(!stdout.contains("Commands:"), "{stdout}");
    let (code, stdout, _) = run_in(dir.path(), &["plan", "--help"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("Usage: lifecircle plan [OPTIONS] [PBF]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Scenario file with every assumption"),
        "{stdout}"
    );
}
