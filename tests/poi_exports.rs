//! Amap (高德) and Baidu (百度) POI exports read as they come: recognised by their columns,
//! their coordinates taken as GCJ-02 / BD-09, their type codes and tags mapped to categories by
//! the profile. Fixtures (tests/fixtures/README.md): 13 places around Xinjiekou, Nanjing, whose
//! WGS-84 positions are in `xinjiekou_wgs84.csv`.

use std::collections::BTreeMap;
use std::path::Path;

use lifecircle::places::AmenityProfile;
use lifecircle::places::import::read_pois;

/// Bounding box of ../shared/data/osm/nanjing-xinjiekou.osm.pbf (lifecircle inspect).
const NANJING: [f64; 4] = [118.68665, 31.87100, 118.87560, 32.16071];

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn truth() -> BTreeMap<String, (f64, f64)> {
    let mut r = csv::Reader::from_path(fixture("xinjiekou_wgs84.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[0].to_string(),
                (rec[1].parse().unwrap(), rec[2].parse().unwrap()),
            )
        })
        .collect()
}

/// Reads one export and checks categories, places (WGS-84 within 2 m) and the warnings.
fn check(file: &str, kind_note: &str) {
    let profile = AmenityProfile::load("park").unwrap();
    let (amenities, warnings) = read_pois(&fixture(file), None, &profile, NANJING, 0).unwrap();
    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert!(text[0].contains(kind_note), "{text:?}");
    let mut per_category: BTreeMap<&str, usize> = BTreeMap::new();
    let truth = truth();
    for a in &amenities {
        *per_category
            .entry(profile.categories[a.category].id.as_str())
            .or_default() += 1;
        let (lon, lat) = truth[a.name.as_deref().unwrap()];
        let dx = (a.location.x - lon) * 111_320.0 * lat.to_radians().cos();
        let dy = (a.location.y - lat) * 110_574.0;
        assert!(
            dx.hypot(dy) < 2.0,
            "{:?} is {:.1} m off",
            a.name,
            dx.hypot(dy)
        );
    }
    let expected: BTreeMap<&str, usize> = [
        ("food", 1),
        ("lodging", 1),
        ("shopping", 2),
        ("culture_sports", 1),
        ("parcel", 2),
        ("health", 1),
        ("childcare", 1),
        ("bus_stop", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(per_category, expected, "{file}");
    // The bank, the housing estate and the square have no category: one warning, by type.
    let skipped = text
        .iter()
        .filter(|w| w.contains("without a category"))
        .count();
    assert_eq!(skipped, 1, "{text:?}");
    assert!(
        text.iter().any(|w| w.contains("3 rows of types")),
        "{text:?}"
    );
    assert_eq!(text.len(), 2, "{text:?}");
}

#[test]
fn amap_export_with_a_location_column() {
    check(
        "amap_xinjiekou.csv",
        "Amap (高德) POI export (by its columns): coordinates in gcj02",
    );
}

#[test]
fn amap_export_with_lng_lat_columns_in_gbk() {
    check(
        "amap_xinjiekou_lnglat.csv",
        "Amap (高德) POI export (by its columns): coordinates in gcj02",
    );
}

#[test]
fn baidu_export() {
    check(
        "baidu_xinjiekou.csv",
        "Baidu (百度) POI export (by its columns): coordinates in bd09",
    );
}

#[test]
fn excel_drops_the_leading_zero_of_amap_type_codes() {
    let profile = AmenityProfile::load("park").unwrap();
    let food = profile.categories.iter().position(|c| c.id == "food");
    assert_eq!(profile.category_of_amap("50301"), food);
    assert_eq!(profile.category_of_amap("050301"), food);
    // Longest prefix: a kindergarten (141204) is childcare, not another 14 category.
    let childcare = profile.categories.iter().position(|c| c.id == "childcare");
    assert_eq!(profile.category_of_amap("141204"), childcare);
    assert_eq!(profile.category_of_amap("160105"), None);
    assert_eq!(profile.category_of_baidu("美食；中餐厅"), food);
    assert_eq!(profile.category_of_baidu("金融;银行"), None);
}

/// Regression (issue 11): the code tables checked against recorded Amap and Baidu responses.
/// Baidu files libraries under 教育培训 ("教育培训;图书馆"), which mapped to no category.
#[test]
fn checked_codes_map_to_their_categories() {
    let profile = AmenityProfile::load("park").unwrap();
    let id = |name: &str| profile.categories.iter().position(|c| c.id == name);
    assert_eq!(profile.category_of_amap("120303"), id("lodging"));
    assert_eq!(profile.category_of_amap("060703"), id("shopping"));
    assert_eq!(profile.category_of_amap("070500"), id("parcel"));
    assert_eq!(profile.category_of_amap("141203"), id("school"));
    assert_eq!(
        profile.category_of_baidu("教育培训;图书馆"),
        id("culture_sports")
    );
    assert_eq!(
        profile.category_of_baidu("教育培训;科技馆"),
        id("culture_sports")
    );
    assert_eq!(profile.category_of_baidu("房地产;宿舍"), id("lodging"));
    assert_eq!(profile.category_of_baidu("生活服务;物流公司"), id("parcel"));
    // Other 教育培训 tags stay outside the culture category.
    assert_eq!(profile.category_of_baidu("教育培训;培训机构"), None);
}
