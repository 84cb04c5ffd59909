//! Files of the commute stage: `commute.csv` (park × mode: residents within 15/30/45/60
//! minutes and shares), `commute.json`, `residential.geojson` (living areas with residents and
//! minutes to the nearest park per mode), `commute_isochrones.geojson` (the target reach per park
//! and mode), `bikeshare.geojson` (bike-share points near parks and suggested service areas) and
//! `commute_districts.csv` (park × district × mode: residents of each district of the planner's
//! population file reaching the park within the target). Living areas name their district.

use serde_json::{Value, json};

use super::{
    OutputFile, feature, feature_collection, point_geometry, polygon_geometry, round, to_json_bytes,
};
use crate::commute::districts::DistrictReach;
use crate::commute::{BANDS_MIN, CommuteReport};
use crate::graph::Mode;
use crate::places::Zones;
use crate::places::districts::DistrictId;
use crate::places::residents::Residents;
use crate::reach::NoData;

/// Resident-weighted median of `(residents, minutes)`; `None` when most are beyond reach.
fn weighted_median(mut v: Vec<(f64, Option<f64>)>) -> Option<f64> {
    let total: f64 = v.iter().map(|x| x.0).sum();
    v.sort_by(|a, b| {
        a.1.unwrap_or(f64::INFINITY)
            .total_cmp(&b.1.unwrap_or(f64::INFINITY))
    });
    let mut acc = 0.0;
    v.into_iter()
        .find(|x| {
            acc += x.0;
            acc >= total / 2.0
        })
        .and_then(|x| x.1)
}

/// Every file [`commute_files`] writes (`commute_districts.csv` only when the population has
/// districts), and the `tables.xlsx` the command adds.
pub const COMMUTE_FILES: &[&str] = &[
    "commute.csv",
    "commute.json",
    "residential.geojson",
    "commute_isochrones.geojson",
    "commute_isochrones.fgb",
    "bikeshare.geojson",
    "commute_districts.csv",
    "tables.xlsx",
];

/// All commute outputs. `warnings` are the rows skipped while reading inputs.
pub fn commute_files(
    parks: &Zones,
    areas: &Zones,
    residents: &Residents,
    report: &CommuteReport,
    source: &str,
    warnings: &[String],
) -> crate::error::Result<Vec<OutputFile>> {
    let mut csv = super::csv_out::spreadsheet_writer();
    csv.write_record([
        "park_id",
        "park",
        "mode",
        "residents_basis",
        "residents_total",
        "within_15",
        "within_30",
        "within_45",
        "within_60",
        "share_15",
        "share_30",
        "share_45",
        "share_60",
        "status",
    ])
    .expect("writing to memory");
    let basis = if residents.supplied {
        "supplied"
    } else {
        "estimated"
    };
    let mut iso = Vec::new();
    let mut bikes = Vec::new();
    let mut json_parks = Vec::new();
    let area_name = |a: Option<crate::places::ZoneId>| {
        a.map_or_else(
            || {
                (
                    "-".to_string(),
                    "outside mapped residential areas".to_string(),
                )
            },
            |a| {
                (
                    areas.zones[a.0 as usize].code.clone(),
                    areas.zones[a.0 as usize].name.clone(),
                )
            },
        )
    };
    for pc in &report.parks {
        let park = &parks.zones[pc.zone.0 as usize];
        let mut modes = serde_json::Map::new();
        for m in &pc.modes {
            let mut row = vec![
                park.code.clone(),
                park.name.clone(),
                m.mode.name().to_string(),
                basis.to_string(),
                round(report.residents_total, 0).to_string(),
            ];
            // Without data (no residents, no bus line) a share is not 0: empty cells, null.
            let no_data = report.mode_no_data(m.mode);
            let cell = |x: String| if no_data.is_some() { String::new() } else { x };
            row.extend(
                m.residents_within
                    .iter()
                    .map(|r| cell(round(*r, 0).to_string())),
            );
            row.extend(
                m.share_within
                    .iter()
                    .map(|s| cell(round(*s, 4).to_string())),
            );
            row.push(no_data.map_or("ok", NoData::code).to_string());
            csv.write_record(&row).expect("writing to memory");
            if let Some(why) = no_data {
                modes.insert(
                    m.mode.name().into(),
                    json!({ "residents_within": null, "share_within": null, "status": why.code(), "reason": why.en() }),
                );
                iso.push(feature(polygon_geometry(&m.reach), json!({ "park_id": park.code, "park": park.name, "mode": m.mode.name(), "minutes": report.options.target_min, "towards": "park", "status": why.code() })));
                continue;
            }
            modes.insert(
                m.mode.name().into(),
                json!({
                    "residents_within": BANDS_MIN.iter().zip(m.residents_within).map(|(b, r)| (format!("{b}"), json!(round(r, 0)))).collect::<serde_json::Map<_, _>>(),
                    "share_within": BANDS_MIN.iter().zip(m.share_within).map(|(b, s)| (format!("{b}"), json!(round(s, 4)))).collect::<serde_json::Map<_, _>>(),
                }),
            );
            iso.push(feature(polygon_geometry(&m.reach), json!({ "park_id": park.code, "park": park.name, "mode": m.mode.name(), "minutes": report.options.target_min, "towards": "park" })));
        }
        let outside: Vec<Value> = pc
            .outside
            .iter()
            .map(|o| {
                let (id, name) = area_name(o.area);
                json!({ "area_id": id, "area": name, "district": residents.district_name(o.district), "residents_outside": round(o.residents_outside, 0), "residents": round(o.residents, 0), "median_best_min": o.median_best_min.map(|m| round(m, 1)) })
            })
            .collect();
        for p in &pc.bikeshare_points {
            bikes.push(feature(
                point_geometry(*p),
                json!({ "park_id": park.code, "park": park.name, "kind": "bike-share point" }),
            ));
        }
        bikes.push(feature(polygon_geometry(&pc.service_area), json!({ "park_id": park.code, "park": park.name, "kind": "suggested service area", "margin_m": report.options.bikeshare_radius_m, "bike_reach_min": report.options.service_area_bike_min })));
        json_parks.push(json!({ "id": park.code, "name": park.name, "modes": modes, "districts": district_json(residents, &report.options.modes, &pc.districts), "outside_target_by_every_non_car_mode": outside, "outside_areas_total": pc.outside_total.0, "residents_outside_total": round(pc.outside_total.1, 0), "bikeshare_points_near": pc.bikeshare_points.len() }));
    }

    let n_units = residents.units.len();
    let area_features = living_area_features(areas, residents, report);

    let summary = json!({
        "source": source,
        "attribution": super::ATTRIBUTION,
        "target_min": report.options.target_min,
        "modes": report.options.modes.iter().map(|m| m.name()).collect::<Vec<_>>(),
        "residents": { "total": round(report.residents_total, 0), "basis": if residents.supplied { "supplied" } else { "estimated" }, "units": n_units, "outside_mapped_areas": round(residents.outside_areas(), 0), "scaled_to_total": residents.scaled_to_total, "assumptions": residents.options },
        "transit": { "source": report.transit_source, "lines": report.transit_lines, "stops": report.transit_stops, "settings": report.options.transit },
        "bikeshare_points": report.bikeshare_points,
        "parks": json_parks,
        "warnings": warnings,
    });
    let mut files = vec![
        OutputFile {
            name: "commute.csv".into(),
            bytes: csv.into_inner().expect("writing to memory"),
        },
        OutputFile {
            name: "commute.json".into(),
            bytes: to_json_bytes(&summary),
        },
        feature_collection("residential", area_features),
        feature_collection("bikeshare", bikes),
    ];
    files.splice(3..3, super::fgb::large_layer("commute_isochrones", iso)?);
    if !residents.districts.is_empty() {
        files.push(district_csv(parks, residents, report));
    }
    Ok(files)
}

/// Living areas: residents, their district, and per mode the resident-weighted median minutes
/// to the nearest park. Units are grouped by area in one pass (not one scan per area).
fn living_area_features(
    areas: &Zones,
    residents: &Residents,
    report: &CommuteReport,
) -> Vec<Value> {
    let mut units_of: Vec<Vec<usize>> = vec![Vec::new(); areas.zones.len()];
    for (u, unit) in residents.units.iter().enumerate() {
        if let Some(list) = unit.area.and_then(|z| units_of.get_mut(z.0 as usize)) {
            list.push(u);
        }
    }
    let per_area = residents.per_area(areas.zones.len());
    let area_district = area_districts(residents, areas.zones.len());
    let basis = if residents.supplied {
        "supplied"
    } else {
        "estimated"
    };
    let mut features = Vec::with_capacity(areas.zones.len());
    for (a, zone) in areas.zones.iter().enumerate() {
        let mut props = json!({ "id": zone.code, "name": zone.name, "district": residents.district_name(area_district[a]), "residents": round(per_area[a], 0), "basis": basis });
        for (mi, &mode) in report.options.modes.iter().enumerate() {
            let best: Vec<(f64, Option<f64>)> = units_of[a]
                .iter()
                .map(|&u| {
                    let t = Some(report.nearest_park_ms[mi][u])
                        .filter(|&t| t != crate::routing::UNREACHED)
                        .map(|t| f64::from(t) / 60_000.0);
                    (residents.units[u].residents, t)
                })
                .collect();
            props[format!("min_{}", mode.name())] =
                json!(weighted_median(best).map(|m| round(m, 1)));
        }
        features.push(feature(polygon_geometry(&zone.polygon), props));
    }
    features
}

/// Per residential area, the district holding most of its residents (the lowest id on a tie).
fn area_districts(residents: &Residents, n_areas: usize) -> Vec<Option<DistrictId>> {
    if residents.districts.is_empty() {
        return vec![None; n_areas];
    }
    let mut per: Vec<Vec<(DistrictId, f64)>> = vec![Vec::new(); n_areas];
    for u in &residents.units {
        if let (Some(list), Some(d)) = (u.area.and_then(|a| per.get_mut(a.0 as usize)), u.district)
        {
            match list.iter_mut().find(|x| x.0 == d) {
                Some(x) => x.1 += u.residents,
                None => list.push((d, u.residents)),
            }
        }
    }
    per.into_iter()
        .map(|l| {
            l.into_iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|x| x.0)
        })
        .collect()
}

/// A district's share reached: reached / residents (0 without residents).
pub(super) fn share(reached: f64, residents: f64) -> f64 {
    if residents > 0.0 {
        reached / residents
    } else {
        0.0
    }
}

/// A park's districts for `commute.json`.
fn district_json(residents: &Residents, modes: &[Mode], districts: &[DistrictReach]) -> Value {
    districts
        .iter()
        .map(|d| {
            let name = residents.district_name(Some(d.district));
            let reached: serde_json::Map<String, Value> = modes
                .iter()
                .zip(&d.reached)
                .map(|(m, r)| (m.name().to_string(), json!(round(*r, 0))))
                .collect();
            json!({ "district": name, "residents": round(d.residents, 0), "reached_within_target": reached })
        })
        .collect()
}

/// `commute_districts.csv`: per park, district and mode, the district's residents, those
/// reaching the park within the target and their share (written only with districts).
fn district_csv(parks: &Zones, residents: &Residents, report: &CommuteReport) -> OutputFile {
    let mut csv = super::csv_out::spreadsheet_writer();
    csv.write_record([
        "park_id",
        "park",
        "district",
        "residents",
        "mode",
        "target_min",
        "reached",
        "share",
    ])
    .expect("writing to memory");
    for pc in &report.parks {
        let park = &parks.zones[pc.zone.0 as usize];
        for d in &pc.districts {
            let name = residents.district_name(Some(d.district)).unwrap_or("-");
            for (m, r) in report.options.modes.iter().zip(&d.reached) {
                csv.write_record([
                    park.code.as_str(),
                    park.name.as_str(),
                    name,
                    &round(d.residents, 0).to_string(),
                    m.name(),
                    &report.options.target_min.to_string(),
                    &round(*r, 0).to_string(),
                    &round(share(*r, d.residents), 4).to_string(),
                ])
                .expect("writing to memory");
            }
        }
    }
    OutputFile {
        name: "commute_districts.csv".into(),
        bytes: csv.into_inner().expect("writing to memory"),
    }
}
