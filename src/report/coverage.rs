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

/// All coverage outputs.
pub fn coverage_files(
    zones: &Zones,
    amenities: &[Amenity],
    report: &CoverageReport,
    info: &RunInfo,
) -> Vec<OutputFile> {
    let profile = &report.profile;
    let cats = &profile.categories;
    let zone_file = match zones.kind {
        ZoneKind::Parks => "parks",
        ZoneKind::Residential => "residential_areas",
    };

    let mut zone_features = Vec::new();
    let mut iso_features = Vec::new();
    let mut site_features = Vec::new();
    let mut gap_features = Vec::new();
    let mut csv = csv::Writer::from_writer(Vec::new());
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
    ];
    csv.write_record(header).expect("writing to memory");
    let mut json_zones = Vec::new();

    for zc in &report.zones {
        let zone = &zones.zones[zc.zone.0 as usize];
        let mut props = json!({
            "id": zone.code,
            "name": zone.name,
            "area_ha": round(zone.area_ha, 2),
            "life_circle_share": share(zc.life_circle_share),
            "access_points": zc.access.len(),
            "evaluation_points": zc.eval.len(),
            "source": zone.source.to_string(),
        });
        let mut json_categories = serde_json::Map::new();
        for cc in &zc.categories {
            let c = &cats[cc.category];
            props[format!("share_{}", c.id)] = json!(share(cc.covered_share));
            let with_sites = cc.sites.last().map_or(cc.covered_share, |s| s.share_after);
            let nearest_min = cc.nearest_min.map(|m| round(m, 1));
            let nearest_m = cc.nearest_m.map(|m| round(m, 0));
            csv.write_record([
                zone.code.clone(),
                zone.name.clone(),
                c.id.clone(),
                c.en.clone(),
                c.zh.clone(),
                c.required.to_string(),
                c.threshold_label(),
                cc.count_within.to_string(),
                nearest_min.map_or(String::new(), |m| m.to_string()),
                nearest_m.map_or(String::new(), |m| m.to_string()),
                share(cc.covered_share).to_string(),
                share(with_sites).to_string(),
                cc.sites.len().to_string(),
            ])
            .expect("writing to memory");
            let sites: Vec<Value> = cc
                .sites
                .iter()
                .map(|s| json!({ "rank": s.rank, "lon": round(s.location.x, 7), "lat": round(s.location.y, 7), "adds_points": s.adds_points, "share_after": share(s.share_after) }))
                .collect();
            json_categories.insert(
                c.id.clone(),
                json!({ "required": c.required, "threshold": c.threshold_label(), "count_within": cc.count_within, "nearest_min": nearest_min, "nearest_m": nearest_m, "covered_share": share(cc.covered_share), "sites": sites }),
            );
            let mut before = cc.covered_share;
            for s in &cc.sites {
                site_features.push(feature(
                    point_geometry(s.location),
                    json!({ "zone_id": zone.code, "zone": zone.name, "category": c.id, "category_en": c.en, "category_zh": c.zh, "rank": s.rank, "adds_points": s.adds_points, "share_before": share(before), "share_after": share(s.share_after) }),
                ));
                before = s.share_after;
            }
        }
        zone_features.push(feature(polygon_geometry(&zone.polygon), props));
        json_zones.push(json!({
            "id": zone.code,
            "name": zone.name,
            "area_ha": round(zone.area_ha, 2),
            "life_circle_share": share(zc.life_circle_share),
            "access_points": zc.access.len(),
            "access_fallback": zc.access_fallback,
            "evaluation_points": zc.eval.len(),
            "categories": json_categories,
        }));
        // Largest band first, so smaller ones draw on top.
        for iso in zc.isochrones.iter().rev() {
            iso_features.push(feature(polygon_geometry(&iso.polygon), json!({ "zone_id": zone.code, "zone": zone.name, "mode": "walk", "minutes": iso.minutes })));
        }
    }
    // Gaps: every evaluation point, with the required categories it lacks.
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
            gap_features.push(feature(point_geometry(p.location), props));
        }
    }

    let amenity_features: Vec<Value> = amenities
        .iter()
        .zip(&report.facilities)
        .map(|(a, f)| {
            let c = &cats[a.category];
            feature(
                point_geometry(a.location),
                json!({ "category": c.id, "category_en": c.en, "category_zh": c.zh, "name": a.name, "source": a.source.to_string(), "on_network": f.snap.is_some(), "snap_distance_m": f.snap.map(|s| round(s.distance_m, 1)) }),
            )
        })
        .collect();

    let summary = json!({
        "profile": profile.name,
        "profile_description": profile.description,
        "zone_kind": zone_file,
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
    });
    let mut files = vec![
        feature_collection(zone_file, zone_features),
        feature_collection("amenities", amenity_features),
        feature_collection("sites", site_features),
        feature_collection("gaps", gap_features),
        OutputFile {
            name: "coverage.csv".into(),
            bytes: csv.into_inner().expect("writing to memory"),
        },
        OutputFile {
            name: "coverage.json".into(),
            bytes: to_json_bytes(&summary),
        },
    ];
    files.splice(2..2, super::fgb::large_layer("isochrones", iso_features));
    files
}
