//! The planner files of a scenario edited in `lifecircle serve` ([`crate::whatif`]):
//! `scenario.toml` and the files it references by relative path, so that
//! `lifecircle plan --config scenario.toml` reproduces the edited figures exactly.
//!
//! - `facilities.csv` (`lon,lat,category,name,source`): **every** facility of the life
//!   circle — OSM's, the planner's files' and the added ones, moved ones where they now
//!   stand, deleted ones left out — with `[life_circle] osm_amenities = false`, so that a
//!   removed or moved OSM facility needs no list of exceptions and the file reads as the
//!   scenario's whole inventory; coordinates are written with every digit (WGS-84), so they
//!   read back to the same numbers;
//! - `parks.geojson`: every park's outline (`name`), then its gates as Point features with
//!   `"kind": "gate"` and `"park": <code>`;
//! - `stops.csv` (`code,name,lon,lat,line`), when the bus stops were edited: the pick-up
//!   stops the bus lines are planned from (`[bus] stops`), read back by
//!   [`crate::places::stops`];
//! - `scenario.toml`: the run's scenario with these files (WGS-84) and every other input
//!   as an absolute path.
//!
//! File names are relative to the scenario's own folder (`<out>/scenarios/<name>/`).

use serde_json::{Value, json};

use super::OutputFile;
use crate::error::{Error, Result};
use crate::plan::PlanRun;

/// The scenario TOML's name.
pub const SCENARIO_TOML: &str = "scenario.toml";
/// The facilities file's name.
pub const FACILITIES_CSV: &str = "facilities.csv";
/// The parks file's name.
pub const PARKS_GEOJSON: &str = "parks.geojson";
/// The stops file's name.
pub const STOPS_CSV: &str = "stops.csv";

/// One row of the stops file: code, name, location (WGS-84), the line it was added to.
pub type StopRow = (String, String, geo::Coord, Option<String>);

/// The files of `run`'s scenario (as edited), titled `name`.
pub fn scenario_files(run: &PlanRun, name: &str) -> Result<Vec<OutputFile>> {
    scenario_files_with_stops(run, name, None)
}

/// As [`scenario_files`], with the bus lines' pick-up stops `stops` (code, name, location,
/// line) written as [`STOPS_CSV`] and named in `[bus] stops`.
pub fn scenario_files_with_stops(
    run: &PlanRun,
    name: &str,
    stops: Option<&[StopRow]>,
) -> Result<Vec<OutputFile>> {
    let mut scenario = run.scenario.clone();
    absolute_inputs(&mut scenario);
    let mut files = Vec::new();
    if let Some(stops) = stops {
        files.push(OutputFile {
            name: STOPS_CSV.into(),
            bytes: stops_csv(stops)?,
        });
        scenario.bus.stops = Some(STOPS_CSV.into());
        scenario.bus.stops_crs = "wgs84".into();
    }
    if let Ok(lc) = &run.life_circle {
        files.push(OutputFile {
            name: FACILITIES_CSV.into(),
            bytes: facilities_csv(run, lc)?,
        });
        scenario.life_circle.poi = vec![FACILITIES_CSV.into()];
        scenario.life_circle.poi_crs = "wgs84".into();
        scenario.life_circle.osm_amenities = false;
    }
    if let Ok(parks) = &run.parks {
        files.push(OutputFile {
            name: PARKS_GEOJSON.into(),
            bytes: parks_geojson(parks),
        });
        scenario.region.parks = Some(PARKS_GEOJSON.into());
        scenario.region.parks_crs = "wgs84".into();
    }
    let toml = toml::to_string(&scenario).map_err(|e| Error::InvalidValue {
        what: "saved scenario",
        value: name.to_string(),
        hint: e.to_string(),
    })?;
    let text = format!(
        "# Scenario '{name}', saved by lifecircle serve. Run it with\n#   lifecircle plan --config {SCENARIO_TOML}\n# {FACILITIES_CSV} lists every facility (OSM's included); {PARKS_GEOJSON} every park and its gates.\n\n{toml}"
    );
    files.push(OutputFile {
        name: SCENARIO_TOML.into(),
        bytes: text.into_bytes(),
    });
    Ok(files)
}

/// Every input path of the scenario made absolute (the saved folder is elsewhere).
fn absolute_inputs(s: &mut crate::scenario::Scenario) {
    let abs = |p: &mut std::path::PathBuf| {
        if let Ok(a) = std::path::absolute(&*p) {
            *p = a;
        }
    };
    for p in [
        &mut s.region.pbf,
        &mut s.commute.population,
        &mut s.commute.gtfs,
        &mut s.bus.demand,
        &mut s.bus.stops,
    ]
    .into_iter()
    .flatten()
    {
        abs(p);
    }
    if s.life_circle.profile.ends_with(".toml") {
        let mut p = std::path::PathBuf::from(&s.life_circle.profile);
        abs(&mut p);
        s.life_circle.profile = p.display().to_string();
    }
}

fn facilities_csv(run: &PlanRun, lc: &crate::plan::LifeCircle) -> Result<Vec<u8>> {
    let _ = run;
    let mut w = super::csv_out::spreadsheet_writer();
    let err = |e: csv::Error| Error::InvalidValue {
        what: "facilities file",
        value: FACILITIES_CSV.into(),
        hint: e.to_string(),
    };
    w.write_record(["lon", "lat", "category", "name", "source"])
        .map_err(err)?;
    for a in &lc.amenities {
        let category = lc
            .profile
            .categories
            .get(a.category)
            .map_or("", |c| c.id.as_str());
        w.write_record([
            a.location.x.to_string(),
            a.location.y.to_string(),
            category.to_string(),
            a.name.clone().unwrap_or_default(),
            a.source.to_string(),
        ])
        .map_err(err)?;
    }
    w.into_inner().map_err(|e| Error::InvalidValue {
        what: "facilities file",
        value: FACILITIES_CSV.into(),
        hint: e.to_string(),
    })
}

/// `code,name,lon,lat,line`, coordinates with every digit.
fn stops_csv(stops: &[StopRow]) -> Result<Vec<u8>> {
    let err = |e: String| Error::InvalidValue {
        what: "stops file",
        value: STOPS_CSV.into(),
        hint: e,
    };
    let mut w = super::csv_out::spreadsheet_writer();
    w.write_record(["code", "name", "lon", "lat", "line"])
        .map_err(|e| err(e.to_string()))?;
    for (code, name, at, line) in stops {
        w.write_record([
            code.clone(),
            name.clone(),
            at.x.to_string(),
            at.y.to_string(),
            line.clone().unwrap_or_default(),
        ])
        .map_err(|e| err(e.to_string()))?;
    }
    w.into_inner().map_err(|e| err(e.to_string()))
}

fn coords(ls: &geo::LineString) -> Value {
    Value::Array(ls.0.iter().map(|c| json!([c.x, c.y])).collect())
}

fn parks_geojson(parks: &crate::places::Zones) -> Vec<u8> {
    let mut features = Vec::new();
    for z in &parks.zones {
        let polygons: Vec<Value> = z
            .polygon
            .0
            .iter()
            .map(|p| {
                let mut rings = vec![coords(p.exterior())];
                rings.extend(p.interiors().iter().map(coords));
                Value::Array(rings)
            })
            .collect();
        features.push(json!({
            "type": "Feature",
            "properties": {"name": z.name, "code": z.code},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons},
        }));
    }
    for z in &parks.zones {
        for g in &z.gates {
            features.push(json!({
                "type": "Feature",
                "properties": {"kind": "gate", "park": z.code},
                "geometry": {"type": "Point", "coordinates": [g.x, g.y]},
            }));
        }
    }
    let fc = json!({"type": "FeatureCollection", "features": features});
    serde_json::to_vec_pretty(&fc).unwrap_or_default()
}
