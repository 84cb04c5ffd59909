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
