//! Files of the coverage stage: `parks.geojson` (or `residential_areas.geojson`),
//! `amenities.geojson`, `isochrones.geojson`, `sites.geojson`, `gaps.geojson` (evaluation
//! points and what each lacks), `coverage.csv` (one row per zone × category) and
//! `coverage.json`.

use serde_json::{Value, json};

use super::{
    OutputFile, feature, feature_collection, point_geometry, polygon_geometry, round, to_json_bytes,
};
use crate::coverage::CoverageReport;
use crate::places::import::RowWarning;
use crate::places::{Amenity, ZoneKind, Zones};
use crate::reach::NoData;

/// What the files describe, for their headers.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// The OSM file.
    pub source: String,
    /// Skipped input rows.
    pub warnings: Vec<RowWarning>,
}

fn share(x: f64) -> f64 {
    round(x, 4)
}

/// Every file [`coverage_files`] can write (the zone file is one of the first two), and the
/// `tables.xlsx` the command adds.
pub const COVERAGE_FILES: &[&str] = &[
    "parks.geojson",
    "residential_areas.geojson",
    "amenities.geojson",
    "isochrones.geojson",
    "isochrones.fgb",
    "sites.geojson",
    "gaps.geojson",
    "coverage.csv",
    "coverage.json",
    "tables.xlsx",
];

/// All coverage outputs: the zones, amenities, isochrones, sites and gaps as GeoJSON, the
/// table and the summary.
pub fn coverage_files(
    zones: &Zones,
    amenities: &[Amenity],
    report: &CoverageReport,
    info: &RunInfo,
) -> crate::error::Result<Vec<OutputFile>> {
    let zone_file = match zones.kind {
        ZoneKind::Parks => "parks",
        ZoneKind::Residential => "residential_areas",
    };
    let (zone_features, json_zones) = zone_features(zones, report);
    let mut files = vec![
        feature_collection(zone_file, zone_features),
        feature_collection("amenities", amenity_features(amenities, report)),
        feature_collection("sites", site_features(zones, report)),
        feature_collection("gaps", gap_features(zones, report)),
        OutputFile {
            name: "coverage.csv".into(),
            bytes: coverage_csv(zones, report),
        },
        OutputFile {
            name: "coverage.json".into(),
            bytes: to_json_bytes(&summary(
                zones, amenities, report, info, zone_file, json_zones,
            )),
        },
    ];
    let isochrones = isochrone_features(zones, report);
    files.splice(2..2, super::fgb::large_layer("isochrones", isochrones)?);
    Ok(files)
}

/// The zones and the zone part of the summary: shares, access and evaluation points, and
/// per category the reach and the sites.
fn zone_features(zones: &Zones, report: &CoverageReport) -> (Vec<Value>, Vec<Value>) {
    let cats = &report.profile.categories;
    let mut features = Vec::new();
    let mut json_zones = Vec::new();
    for zc in &report.zones {
        let zone = &zones.zones[zc.zone.0 as usize];
        let mut props = json!({
            "id": zone.code,
            "name": zone.name,
            "area_ha": round(zone.area_ha, 2),
            "life_circle_share": report.life_circle_reach(zc).share().map(share),
            "access_points": zc.access.len(),
            "evaluation_points": zc.eval.len(),
            "source": zone.source.to_string(),
        });
        let mut json_categories = serde_json::Map::new();
        for cc in &zc.categories {
            let c = &cats[cc.category];
            let no_data = report.category_reach(cc).no_data();
            let status = no_data.map_or("ok", NoData::code);
            props[format!("share_{}", c.id)] =
                json!(no_data.is_none().then(|| share(cc.covered_share)));
            let sites: Vec<Value> = cc
                .sites
                .iter()
                .map(|s| json!({ "rank": s.rank, "lon": round(s.location.x, 7), "lat": round(s.location.y, 7), "adds_points": s.adds_points, "share_after": share(s.share_after) }))
                .collect();
            json_categories.insert(
                c.id.clone(),
                json!({ "required": c.required, "threshold": c.threshold_label(), "count_within": cc.count_within, "nearest_min": cc.nearest_min.map(|m| round(m, 1)), "nearest_m": cc.nearest_m.map(|m| round(m, 0)), "covered_share": no_data.is_none().then(|| share(cc.covered_share)), "status": status, "reason": no_data.map(NoData::en), "sites": sites }),
            );
        }
        features.push(feature(polygon_geometry(&zone.polygon), props));
        json_zones.push(json!({
            "id": zone.code,
            "name": zone.name,
            "area_ha": round(zone.area_ha, 2),
            "life_circle_share": report.life_circle_reach(zc).share().map(share),
            "life_circle_status": report.life_circle_reach(zc).no_data().map_or("ok", NoData::code),
            "access_points": zc.access.len(),
            "access_fallback": zc.access_fallback,
            "evaluation_points": zc.eval.len(),
            "categories": json_categories,
        }));
    }
    (features, json_zones)
}

/// `coverage.csv`: one row per zone × category.
fn coverage_csv(zones: &Zones, report: &CoverageReport) -> Vec<u8> {
    let cats = &report.profile.categories;
    let mut csv = super::csv_out::spreadsheet_writer();
    let header = [
        "zone_id",
        "zone",
        "category",
        "category_en",
        "category_zh",
        "required",
        "threshold",
        "count_within",
        "nearest_min",
        "nearest_m",
        "covered_share",
        "share_with_sites",
        "sites",
        "status",
    ];
    csv.write_record(header).expect("writing to memory");
    for zc in &report.zones {
        let zone = &zones.zones[zc.zone.0 as usize];
        for cc in &zc.categories {
            let c = &cats[cc.category];
            let with_sites = cc.sites.last().map_or(cc.covered_share, |s| s.share_after);
            let no_data = report.category_reach(cc).no_data();
            // Without data a share is not 0: empty in the CSV, with a status.
            let or_empty = |x: f64| no_data.map_or_else(|| share(x).to_string(), |_| String::new());
            csv.write_record([
                zone.code.clone(),
                zone.name.clone(),
                c.id.clone(),
                c.en.clone(),
                c.zh.clone(),
                c.required.to_string(),
                c.threshold_label(),
                cc.count_within.to_string(),
                cc.nearest_min
                    .map_or(String::new(), |m| round(m, 1).to_string()),
                cc.nearest_m
                    .map_or(String::new(), |m| round(m, 0).to_string()),
                or_empty(cc.covered_share),
                or_empty(with_sites),
                cc.sites.len().to_string(),
                no_data.map_or("ok", NoData::code).to_string(),
            ])
            .expect("writing to memory");
        }
    }
    csv.into_inner().expect("writing to memory")
}

/// The proposed sites, each with the share before and after it.
fn site_features(zones: &Zones, report: &CoverageReport) -> Vec<Value> {
    let cats = &report.profile.categories;
    let mut features = Vec::new();
    for zc in &report.zones {
        let zone = &zones.zones[zc.zone.0 as usize];
        for cc in &zc.categories {
            let c = &cats[cc.category];
            let mut before = cc.covered_share;
            for s in &cc.sites {
                features.push(feature(
                    point_geometry(s.location),
                    json!({ "zone_id": zone.code, "zone": zone.name, "category": c.id, "category_en": c.en, "category_zh": c.zh, "rank": s.rank, "adds_points": s.adds_points, "share_before": share(before), "share_after": share(s.share_after) }),
                ));
                before = s.share_after;
            }
        }
    }
    features
}

/// Each zone's walking bands, largest first so that smaller ones draw on top.
fn isochrone_features(zones: &Zones, report: &CoverageReport) -> Vec<Value> {
    let mut features = Vec::new();
    for zc in &report.zones {
        let zone = &zones.zones[zc.zone.0 as usize];
        for iso in zc.isochrones.iter().rev() {
            features.push(feature(polygon_geometry(&iso.polygon), json!({ "zone_id": zone.code, "zone": zone.name, "mode": "walk", "minutes": iso.minutes })));
        }
    }
    features
}

/// Gaps: every evaluation point, with the required categories it lacks and its times.
fn gap_features(zones: &Zones, report: &CoverageReport) -> Vec<Value> {
    let cats = &report.profile.categories;
    let mut features = Vec::new();
    for zc in &report.zones {
        let zone = &zones.zones[zc.zone.0 as usize];
        for ((p, covered), times) in zc.eval.iter().zip(&zc.covered).zip(&zc.point_times_ms) {
            let missing: Vec<&str> = (0..cats.len())
                .filter(|&c| cats[c].required && !covered[c])
                .map(|c| cats[c].id.as_str())
                .collect();
            let mut props = json!({ "zone_id": zone.code, "zone": zone.name, "life_circle": missing.is_empty(), "missing": missing.join(","), "missing_count": missing.len() });
            for (c, t) in cats.iter().zip(times) {
                props[format!("min_{}", c.id)] =
                    json!(t.map(|t| round(f64::from(t) / 60_000.0, 1)));
            }
            features.push(feature(point_geometry(p.location), props));
        }
    }
    features
}

/// The amenities, with whether each is on the walking network.
fn amenity_features(amenities: &[Amenity], report: &CoverageReport) -> Vec<Value> {
    let cats = &report.profile.categories;
    amenities
        .iter()
        .zip(&report.facilities)
        .map(|(a, f)| {
            let c = &cats[a.category];
            feature(
                point_geometry(a.location),
                json!({ "category": c.id, "category_en": c.en, "category_zh": c.zh, "name": a.name, "source": a.source.to_string(), "on_network": f.snap.is_some(), "snap_distance_m": f.snap.map(|s| round(s.distance_m, 1)) }),
            )
        })
        .collect()
}

/// `coverage.json`: the profile, the run and the zones.
fn summary(
    zones: &Zones,
    amenities: &[Amenity],
    report: &CoverageReport,
    info: &RunInfo,
    zone_kind: &str,
    json_zones: Vec<Value>,
) -> Value {
    let profile = &report.profile;
    let cats = &profile.categories;
    json!({
        "profile": profile.name,
        "profile_description": profile.description,
        "zone_kind": zone_kind,
        "walk_kmh": report.walk_kmh,
        "source": info.source,
        "attribution": super::ATTRIBUTION,
        "categories": cats.iter().map(|c| json!({ "id": c.id, "en": c.en, "zh": c.zh, "required": c.required, "threshold": c.threshold_label() })).collect::<Vec<_>>(),
        "zones": json_zones,
        "zones_without_network": report.unreachable_zones.iter().map(|z| zones.zones[z.0 as usize].code.clone()).collect::<Vec<_>>(),
        "zones_too_small": zones.too_small,
        "amenities": amenities.len(),
        "amenities_off_network": report.unsnapped().count(),
        "warnings": info.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}
