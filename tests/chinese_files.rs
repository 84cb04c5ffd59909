//! Planners' files as Excel on Chinese Windows saves them: GBK, CRLF, Chinese column names.

use std::path::Path;
use std::process::{Command, Output};

fn lifecircle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(args)
        .output()
        .unwrap()
}

/// `text` encoded as GBK (GB18030) with CRLF line ends, as "CSV (逗号分隔)" in Excel writes it.
fn write_gbk_crlf(path: &Path, text: &str) {
    let crlf = text.replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&crlf);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn gbk_crlf_poi_file_with_chinese_headers_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let pois = dir.path().join("快递点.csv");
    write_gbk_crlf(
        &pois,
        "名称,经度,纬度,类别\n顺丰快递柜,9.5215,47.1410,快递\n菜鸟驿站,9.5230,47.1420,parcel\n",
    );
    let out_dir = dir.path().join("o");
    let out = lifecircle(&[
        "coverage",
        "--poi",
        pois.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let amenities = std::fs::read_to_string(out_dir.join("amenities.geojson")).unwrap();
    for name in ["顺丰快递柜", "菜鸟驿站"] {
        assert!(amenities.contains(name), "{name} not read");
    }
}

#[test]
fn gbk_crlf_booking_list_with_chinese_headers_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let demand = dir.path().join("职工名单.csv");
    write_gbk_crlf(
        &demand,
        "经度,纬度,园区,到岗时间,人数\n9.5215,47.1410,P1,08:00,3\n9.5754328,47.2189695,P1,08:00,2\n",
    );
    let out_dir = dir.path().join("o");
    let out = lifecircle(&[
        "drt",
        "--demand",
        demand.to_str().unwrap(),
        "--iterations",
        "50",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("drt.json")).unwrap()).unwrap();
    assert_eq!(summary["kpis"]["bus"]["workers"], 5, "{}", summary["kpis"]);
}

#[test]
fn a_file_in_no_known_encoding_is_refused_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let pois = dir.path().join("pois.csv");
    std::fs::write(
        &pois,
        b"lon,lat,category\r\n9.52,47.14,food\r\n9.52,47.14,\xFF\x80\r\n",
    )
    .unwrap();
    let out = lifecircle(&[
        "coverage",
        "--poi",
        pois.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("pois.csv") && stderr.contains("line 3") && stderr.contains("UTF-8"),
        "{stderr}"
    );
}

/// A park outline drawn on Amap (GCJ-02) lands where the same outline in WGS-84 does; read as
/// WGS-84 it would be hundreds of metres off.
#[test]
fn park_outlines_drawn_in_gcj02_are_converted() {
    use lifecircle::places::ZoneKind;
    use lifecircle::places::crs::{Crs, from_wgs84};
    use lifecircle::places::import::read_zones_geojson;
    // Around Xinjiekou, Nanjing; the region of ../shared/data/osm/nanjing-xinjiekou.osm.pbf.
    let nanjing = [118.68665, 31.87100, 118.87560, 32.16071];
    let wgs84 = [
        (118.7780, 32.0400),
        (118.7840, 32.0400),
        (118.7840, 32.0450),
        (118.7780, 32.0450),
        (118.7780, 32.0400),
    ];
    let ring = |crs: Crs| -> String {
        let points: Vec<String> = wgs84
            .iter()
            .map(|&(x, y)| {
                let c = from_wgs84(crs, geo::Coord { x, y });
                format!("[{:.7},{:.7}]", c.x, c.y)
            })
            .collect();
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"新街口园区"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}]}}"#,
            points.join(",")
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parks_gcj02.geojson");
    std::fs::write(&path, ring(Crs::Gcj02)).unwrap();
    let off_m = |crs: Crs| -> f64 {
        let zones = read_zones_geojson(&path, ZoneKind::Parks, crs, nanjing).unwrap();
        let exterior = zones.zones[0].polygon.0[0].exterior();
        exterior
            .0
            .iter()
            .map(|c| {
                wgs84
                    .iter()
                    .map(|&(x, y)| ((c.x - x) * 94_400.0).hypot((c.y - y) * 110_900.0))
                    .fold(f64::INFINITY, f64::min)
            })
            .fold(0.0, f64::max)
    };
    assert!(off_m(Crs::Gcj02) < 1.0, "{} m", off_m(Crs::Gcj02));
    assert!(off_m(Crs::Wgs84) > 300.0, "{} m", off_m(Crs::Wgs84));
    // The flag is checked like every CRS.
    let out = lifecircle(&["coverage", "--parks-crs", "mars"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The demo region's bounding box is about 9.47–9.64 E, 47.05–47.27 N (Liechtenstein).
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// Regression (issue 11): an HR office's list (GBK, CRLF, Chinese headers, 工号/姓名/部门
/// beside the columns used) reaches `drt_riders.csv` with its own columns, the coordinates as
/// given and their CRS, and its bad rows listed with the reason; the run says once what the
/// file was read as.
#[test]
fn hr_list_columns_and_bad_rows_reach_drt_riders() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hr_bookings_gbk.csv");
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("o");
    let out = lifecircle(&[
        "drt",
        "--demand",
        fixture.to_str().unwrap(),
        "--iterations",
        "50",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let summary: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            l.contains("hr_bookings_gbk.csv (GBK/GB18030, CRLF): 7 rows, 4 used, 3 skipped")
        })
        .collect();
    assert_eq!(summary.len(), 1, "{stderr}");
    let mut reader = csv::Reader::from_path(out_dir.join("drt_riders.csv")).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let n = headers.len();
    assert_eq!(
        headers[n - 6..],
        ["lon_given", "lat_given", "crs", "工号", "姓名", "部门"],
        "{headers:?}"
    );
    assert_eq!(headers[0], "source");
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let by_id = |id: &str| {
        rows.iter()
            .find(|r| &r[col("工号")] == id)
            .unwrap_or_else(|| panic!("{id} missing from drt_riders.csv: {rows:?}"))
    };
    // Every row of the list is there, once, with its own fields.
    let mut ids: Vec<&str> = rows.iter().map(|r| &r[col("工号")]).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "A0001", "A0002", "A0003", "A0004", "A0005", "A0006", "A0007"
        ]
    );
    let zhao = by_id("A0007");
    assert_eq!(
        (&zhao[col("姓名")], &zhao[col("部门")]),
        ("赵敏", "焊装车间")
    );
    assert_eq!(
        (&zhao[col("lon_given")], &zhao[col("lat_given")]),
        ("9.5480", "47.1800")
    );
    assert_eq!(&zhao[col("crs")], "wgs84");
    assert!(
        zhao[col("source")].ends_with("hr_bookings_gbk.csv:8"),
        "{zhao:?}"
    );
    for (id, line, reason) in [
        ("A0003", 4, "arrive_by '8点'"),
        ("A0005", 6, "lon 'abc' is not a number"),
        ("A0006", 7, "no park 'P99'"),
    ] {
        let r = by_id(id);
        assert!(r[col("source")].ends_with(&format!(":{line}")), "{r:?}");
        assert!(
            r[col("unserved_reason")].starts_with("row skipped: ")
                && r[col("unserved_reason")].contains(reason),
            "{r:?}"
        );
        assert_eq!(&r[col("park")], "", "{r:?}");
    }
    assert_eq!(&by_id("A0005")[col("lon_given")], "abc");
}

/// Regression (issue 11): a booking file whose columns are swapped is one error naming the
/// cause, not a skipped row per line.
#[test]
fn a_booking_file_with_swapped_columns_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    // Latitudes under "lon", longitudes under "lat".
    let mut text = String::from("lon,lat,park,arrive_by\n");
    for i in 0..6 {
        text.push_str(&format!("47.14{i},9.52{i},P1,08:00\n"));
    }
    let demand = write(dir.path(), "bookings.csv", &text);
    let out = lifecircle(&[
        "drt",
        "--demand",
        &demand,
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bookings.csv")
            && stderr.contains("6 of its 6 points lie outside the region")
            && stderr.contains("the whole file, not a few rows")
            && stderr.contains("swapped"),
        "{stderr}"
    );
    assert!(!stderr.contains("bookings.csv:2"), "{stderr}");
}

/// Regression (issue 11): a POI file in projected metres was a warning per row (and exit 0);
/// now one error says what the numbers are.
#[test]
fn a_poi_file_in_projected_metres_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("x,y,category,name\n");
    for i in 0..20 {
        text.push_str(&format!(
            "{}.5,{}.25,food,Shop {i}\n",
            1_060_000 + i,
            5_970_000 + i
        ));
    }
    let pois = write(dir.path(), "pois.csv", &text);
    let out = lifecircle(&[
        "coverage",
        "--poi",
        &pois,
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("pois.csv")
            && stderr.contains("20 of its 20 points")
            && stderr.contains("projected metres"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// Regression (issue 11): a POI file from another city is named as such, with both boxes.
#[test]
fn a_poi_file_of_another_city_gives_both_boxes() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("名称,经度,纬度,类别\n");
    for i in 0..6 {
        text.push_str(&format!("店{i},118.78{i},32.04{i},food\n"));
    }
    let pois = write(dir.path(), "pois.csv", &text);
    let out = lifecircle(&[
        "coverage",
        "--poi",
        &pois,
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("118.7800,32.0400 – 118.7850,32.0450") && stderr.contains("another city"),
        "{stderr}"
    );
}

/// Regression (issue 11): UTF-16 saved without a byte-order mark is valid UTF-8 (ASCII and
/// NULs) and was read as a table whose columns were "l\0o\0n\0…"; now the encoding is named.
#[test]
fn utf16_without_a_byte_order_mark_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = "lon,lat,category\r\n9.5215,47.1410,food\r\n9.5230,47.1420,food\r\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let pois = dir.path().join("pois.csv");
    std::fs::write(&pois, bytes).unwrap();
    let out = lifecircle(&[
        "coverage",
        "--poi",
        pois.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("pois.csv")
            && stderr.contains("UTF-16 saved without a byte-order mark")
            && stderr.contains("CSV UTF-8"),
        "{stderr}"
    );
}

/// Regression (issue 11): a population table and park outlines whose longitude and latitude
/// are swapped are one error each, naming the cause (a population table was read with every
/// row skipped; a parks file stopped at its first park with "is it the right region?").
#[test]
fn swapped_population_and_parks_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("经度,纬度,人口\n");
    for i in 0..6 {
        text.push_str(&format!("47.14{i},9.52{i},100\n"));
    }
    let people = write(dir.path(), "人口.csv", &text);
    let out = lifecircle(&[
        "commute",
        "--modes",
        "walk",
        "--population",
        &people,
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("人口.csv")
            && stderr.contains("6 of its 6 points")
            && stderr.contains("swapped"),
        "{stderr}"
    );
    let features: Vec<String> = (0..5)
        .map(|i| {
            let (y, x) = (47.10 + 0.02 * f64::from(i), 9.50);
            format!(
                r#"{{"type":"Feature","properties":{{"name":"园区{i}"}},"geometry":{{"type":"Polygon","coordinates":[[[{y},{x}],[{y},{x2}],[{y2},{x2}],[{y},{x}]]]}}}}"#,
                x2 = x + 0.01,
                y2 = y + 0.01
            )
        })
        .collect();
    let parks = write(
        dir.path(),
        "parks.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    );
    let out = lifecircle(&[
        "coverage",
        "--parks",
        &parks,
        "--out",
        dir.path().join("p").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("parks.geojson")
            && stderr.contains("5 of its 5 points")
            && stderr.contains("swapped"),
        "{stderr}"
    );
}
