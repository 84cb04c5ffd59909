//! Issue 11: district tables (街道 polygons with a count and a name) as a population, on the
//! Xinjiekou extract (`../shared/data/osm/nanjing-xinjiekou.osm.pbf`, skipped when absent) and
//! `tests/fixtures/xinjiekou_districts.geojson` (four 街道 with `常住人口`): the total is kept,
//! each district's people are spread over many places inside it, and the district names appear
//! in the commute files and in report.html's commute section.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use geo::{Contains, Point};
use lifecircle::graph::{GraphOptions, Mode, VertexId, build_graph};
use lifecircle::osm::OsmExtract;
use lifecircle::places::crs::Crs;
use lifecircle::places::districts::place_districts;
use lifecircle::places::residential_zones;
use lifecircle::places::residents::{ResidentOptions, read_population};

const FIXTURE: &str = "tests/fixtures/xinjiekou_districts.geojson";
const NAMES: [&str; 4] = ["新街口街道", "华侨路街道", "五老村街道", "淮海路街道"];
const COUNTS: [f64; 4] = [63215.0, 70866.0, 52418.0, 41307.0];

/// The extract in `../shared/data/osm`, else in `$LIFECIRCLE_SHARED/data/osm` (a worktree
/// beside the crate has no `../shared`).
fn xinjiekou() -> Option<PathBuf> {
    let name = "data/osm/nanjing-xinjiekou.osm.pbf";
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(name);
    let other = std::env::var_os("LIFECIRCLE_SHARED").map(|d| Path::new(&d).join(name));
    match (p.exists(), other) {
        (true, _) => Some(p),
        (false, Some(o)) if o.exists() => Some(o),
        _ => {
            println!("skipped: {} is absent", p.display());
            None
        }
    }
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

#[test]
fn district_counts_are_kept_and_spread_inside_each_district() {
    let Some(pbf) = xinjiekou() else { return };
    let extract = OsmExtract::from_pbf(&pbf).unwrap();
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    let areas = residential_zones(&extract);
    let (read, warnings) = read_population(&fixture(), Crs::Wgs84, &areas, extract.bbox).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let names: Vec<&str> = read.districts.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, NAMES);
    assert_eq!(
        read.units.len(),
        4,
        "one unit per district before spreading"
    );
    let walk = || {
        let p = graph.profile(Mode::Walk);
        (0..graph.vertices.len())
            .filter(|&i| p.contains(VertexId(i as u32)))
            .map(|i| graph.vertices[i].coord)
            .collect()
    };
    let (r, notes) = place_districts(read, &extract, &areas, &ResidentOptions::default(), &walk);
    println!("{notes:?}");
    assert!(notes[0].starts_with("4 districts: "), "{notes:?}");
    assert!(
        !notes.iter().any(|n| n.contains("interior point (check")),
        "{notes:?}"
    );
    // The total and every district's count are kept.
    let total: f64 = COUNTS.iter().sum();
    assert!(
        (r.total() - total).abs() < 1e-9 * total,
        "{} vs {total}",
        r.total()
    );
    for (d, (got, want)) in r.per_district().iter().zip(COUNTS).enumerate() {
        assert!(
            (got - want).abs() < 1e-9 * want,
            "{}: {got} vs {want}",
            NAMES[d]
        );
    }
    // Spread: many distinct places per district, each inside its district's polygon.
    for (d, district) in r.districts.iter().enumerate() {
        let polygon = district.polygon.as_ref().unwrap();
        let mut places: Vec<(u64, u64)> = r
            .units
            .iter()
            .filter(|u| u.district.is_some_and(|x| x.0 as usize == d))
            .map(|u| {
                assert!(polygon.contains(&Point(u.location)), "{}", district.name);
                (u.location.x.to_bits(), u.location.y.to_bits())
            })
            .collect();
        places.sort_unstable();
        places.dedup();
        println!("{}: {} places", district.name, places.len());
        assert!(
            places.len() > 10,
            "{}: {} places",
            district.name,
            places.len()
        );
    }
    assert!(r.units.iter().all(|u| u.district.is_some()));
}

fn lifecircle(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A park in the middle of Xinjiekou.
fn park_file(dir: &Path) -> PathBuf {
    let path = dir.join("parks.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"新街口园区"},"geometry":{"type":"Polygon","coordinates":[[[118.7810,32.0400],[118.7850,32.0400],[118.7850,32.0430],[118.7810,32.0430],[118.7810,32.0400]]]}}]}"#,
    )
    .unwrap();
    path
}

#[test]
fn commute_files_name_the_districts() {
    let Some(pbf) = xinjiekou() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let parks = park_file(dir.path());
    lifecircle(&[
        "commute",
        pbf.to_str().unwrap(),
        "--parks",
        parks.to_str().unwrap(),
        "--population",
        fixture().to_str().unwrap(),
        "--minutes",
        "10",
        "--modes",
        "walk,bus",
        "--out",
        out.to_str().unwrap(),
    ]);
    // commute_districts.csv: park × district × mode, residents, reached and share.
    let mut csv = csv::Reader::from_path(out.join("commute_districts.csv")).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        header,
        [
            "park_id",
            "park",
            "district",
            "residents",
            "mode",
            "target_min",
            "reached",
            "share"
        ]
    );
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4 * 2, "4 districts × 2 modes");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(&row[2], NAMES[i / 2]);
        assert_eq!(row[3].parse::<f64>().unwrap(), COUNTS[i / 2]);
        let share: f64 = row[7].parse().unwrap();
        assert!((0.0..=1.0).contains(&share));
    }
    // Within 10 minutes the near districts are reached in part, not all or nothing.
    let shares: Vec<f64> = rows.iter().map(|r| r[7].parse().unwrap()).collect();
    assert!(shares.iter().any(|&s| s > 0.0 && s < 1.0), "{shares:?}");
    // commute.json: the outside list and the per-park districts name them.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("commute.json")).unwrap()).unwrap();
    let outside = json["parks"][0]["outside_target_by_every_non_car_mode"]
        .as_array()
        .unwrap();
    assert!(!outside.is_empty());
    assert!(
        outside
            .iter()
            .all(|o| o["district"].as_str().is_some_and(|d| NAMES.contains(&d))),
        "{outside:?}"
    );
    assert_eq!(json["parks"][0]["districts"].as_array().unwrap().len(), 4);
    // residential.geojson: every living area with residents names its district.
    let areas: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("residential.geojson")).unwrap()).unwrap();
    let mut named = 0;
    for f in areas["features"].as_array().unwrap() {
        let p = &f["properties"];
        if p["residents"].as_f64().unwrap() > 0.0 {
            assert!(NAMES.contains(&p["district"].as_str().unwrap()), "{p}");
            named += 1;
        }
    }
    assert!(named > 3, "{named} living areas named");
    // tables.xlsx has the sheet.
    let book: calamine::Xlsx<_> = calamine::open_workbook(out.join("tables.xlsx")).unwrap();
    assert!(calamine::Reader::sheet_names(&book).contains(&"commute_districts".to_string()));
}

#[test]
fn report_shows_reach_per_district() {
    let Some(pbf) = xinjiekou() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let parks = park_file(dir.path());
    let config = dir.path().join("scenario.toml");
    std::fs::write(
        &config,
        format!(
            "[life_circle]\nenabled = false\n[bus]\nenabled = false\n[commute]\nminutes = 10.0\npopulation = {:?}\n",
            fixture().to_str().unwrap()
        ),
    )
    .unwrap();
    lifecircle(&[
        "plan",
        pbf.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--parks",
        parks.to_str().unwrap(),
        "--lang",
        "zh",
        "--out",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let section = html
        .find("<table class=\"districts\">")
        .map(|i| &html[i..])
        .expect("a district table in the commute section");
    let table = &section[..section.find("</table>").unwrap()];
    for name in NAMES {
        assert!(table.contains(name), "{name} missing from {table}");
    }
    assert!(table.contains("步行 ≤10′"), "{table}");
    assert!(out.join("commute_districts.csv").exists());
}
