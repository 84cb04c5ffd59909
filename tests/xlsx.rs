//! `tables.xlsx`: every CSV table of a run as an Excel sheet, read back with calamine: sheet
//! names, headers in English and Chinese, the CSVs' row counts, numbers as numbers, a Chinese
//! park name intact; byte-identical on one and two threads.

use std::path::Path;
use std::process::{Command, Output};

use calamine::{Data, Range, Reader, Xlsx, open_workbook};

fn lifecircle(args: &[&str], threads: &str) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn sheets(dir: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(dir.join("tables.xlsx")).expect("tables.xlsx opens")
}

fn sheet(dir: &Path, name: &str) -> Range<Data> {
    sheets(dir).worksheet_range(name).expect(name)
}

fn header(range: &Range<Data>) -> Vec<String> {
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// The CSV's header and its number of records (quoted line breaks counted once).
fn csv_table(dir: &Path, file: &str) -> (Vec<String>, usize) {
    let mut r = csv::Reader::from_path(dir.join(file)).unwrap();
    let head = r.headers().unwrap().iter().map(str::to_string).collect();
    (head, r.records().count())
}

const TABLES: [&str; 4] = ["coverage", "commute", "drt_timetable", "drt_riders"];

#[test]
fn plan_writes_every_csv_table_as_a_sheet_with_numbers_as_numbers() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    lifecircle(&["plan", "--out", a.path().to_str().unwrap()], "2");
    lifecircle(&["plan", "--out", b.path().to_str().unwrap()], "1");
    let bytes = std::fs::read(a.path().join("tables.xlsx")).unwrap();
    assert!(
        bytes == std::fs::read(b.path().join("tables.xlsx")).unwrap(),
        "tables.xlsx differs between 1 and 2 threads"
    );
    assert_eq!(sheets(a.path()).sheet_names(), TABLES);
    for name in TABLES {
        let range = sheet(a.path(), name);
        let (csv_header, csv_rows) = csv_table(a.path(), &format!("{name}.csv"));
        assert!(csv_rows > 0, "{name}.csv is empty");
        assert_eq!(header(&range), csv_header, "{name}: English header");
        assert_eq!(range.height(), 1 + csv_rows, "{name}: rows");
    }
    // Numbers are numbers, codes and clock times stay text.
    let coverage = sheet(a.path(), "coverage");
    let first = coverage.rows().nth(1).unwrap();
    assert!(
        matches!(first[0], Data::String(_)),
        "zone_id {:?}",
        first[0]
    );
    assert!(
        matches!(first[7], Data::Float(_)),
        "count_within {:?}",
        first[7]
    );
    assert!(matches!(first[10], Data::Float(_)), "share {:?}", first[10]);
    let timetable = sheet(a.path(), "drt_timetable");
    let call = timetable.rows().nth(1).unwrap();
    assert!(
        matches!(call[6], Data::Float(x) if (9.0..10.0).contains(&x)),
        "lon {:?}",
        call[6]
    );
    assert!(
        matches!(&call[8], Data::String(s) if s.contains(':')),
        "arrival {:?}",
        call[8]
    );
}

#[test]
fn chinese_headers_and_a_chinese_park_name_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    // A park outline from the demo data, renamed in Chinese.
    let en = dir.path().join("en");
    lifecircle(&["coverage", "--out", en.to_str().unwrap()], "2");
    assert_eq!(sheets(&en).sheet_names(), ["coverage"], "coverage alone");
    let parks: serde_json::Value =
        serde_json::from_slice(&std::fs::read(en.join("parks.geojson")).unwrap()).unwrap();
    let mut feature = parks["features"][0].clone();
    feature["properties"] = serde_json::json!({ "name": "南京江宁开发区" });
    let file = dir.path().join("园区.geojson");
    let fc = serde_json::json!({ "type": "FeatureCollection", "features": [feature] });
    std::fs::write(&file, fc.to_string()).unwrap();
    let zh = dir.path().join("zh");
    lifecircle(
        &[
            "plan",
            "--lang",
            "zh",
            "--parks",
            file.to_str().unwrap(),
            "--out",
            zh.to_str().unwrap(),
        ],
        "2",
    );
    let coverage = sheet(&zh, "coverage");
    let head = header(&coverage);
    assert_eq!(head[0], "区域编号");
    assert_eq!(head[10], "评价点覆盖");
    assert_eq!(header(&sheet(&zh, "commute"))[1], "园区");
    assert_eq!(header(&sheet(&zh, "drt_riders"))[5], "职工");
    let names: Vec<String> = coverage.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| n == "南京江宁开发区"), "{names:?}");
    let (_, rows) = csv_table(&zh, "coverage.csv");
    assert_eq!(coverage.height(), 1 + rows);
}
