//! Stage last: files. The only module that writes to disk. Every output is built in memory
//! first; the commands check the output folder before any work with [`outdir::prepare`] and
//! write a run as a whole with [`outdir::OutDir::commit`], which replaces only files
//! lifecircle wrote (its manifest lists them) and leaves the previous run when anything fails.
//! Every GeoJSON file carries the OpenStreetMap attribution as a foreign member.

pub mod actions;
pub mod basemap;
pub mod commute;
pub mod coverage;
pub mod csv_out;
pub mod drt;
mod drt_html;
pub mod fgb;
pub mod html;
pub mod inputs;
pub mod nodata;
pub mod outdir;
mod print;
pub mod scenario_files;
pub mod svg;
pub mod words;
pub mod xlsx;

use geo::{Coord, MultiPolygon};
use serde_json::{Value, json};

/// The attribution every output made from OSM data carries.
pub const ATTRIBUTION: &str = "© OpenStreetMap contributors";
/// The licence of OSM data.
pub const LICENSE: &str = "ODbL 1.0 (https://www.openstreetmap.org/copyright)";

/// A file to write: name inside the output folder, and contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// File name (may contain `/` for a subfolder).
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Every file a `plan` run can write, so that a new run into the same folder removes the ones
/// it did not write (a stage that failed this time must not leave last run's files behind).
pub const PLAN_FILES: &[&str] = &[
    "report.html",
    "parks.geojson",
    "residential_areas.geojson",
    "amenities.geojson",
    "isochrones.geojson",
    "isochrones.fgb",
    "sites.geojson",
    "gaps.geojson",
    "coverage.csv",
    "coverage.json",
    "commute.csv",
    "commute.json",
    "residential.geojson",
    "commute_isochrones.geojson",
    "commute_isochrones.fgb",
    "bikeshare.geojson",
    "commute_districts.csv",
    "drt.json",
    "drt_routes.geojson",
    "drt_stops.geojson",
    "drt_stops.csv",
    "drt_timetable.csv",
    "drt_riders.csv",
    "gtfs/agency.txt",
    "gtfs/stops.txt",
    "gtfs/routes.txt",
    "gtfs/trips.txt",
    "gtfs/stop_times.txt",
    "gtfs/calendar.txt",
    "gtfs/shapes.txt",
    "tables.xlsx",
];

/// Rounds to `digits` decimals (7 for points: ~1 cm; 6 for polygon and line vertices: ~0.1 m),
/// never to -0: a value that rounds to zero (-0.0, -1e-12, -0.3 at 0 digits) becomes +0, so
/// that no file, table or terminal line shows "-0", "-0%" or "-0.0". Every number printed
/// with a fixed number of decimals goes through here: `format!("{:.1}", round(x, 1))`.
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    let r = (x * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

/// A GeoJSON point geometry.
pub fn point_geometry(c: Coord) -> Value {
    json!({ "type": "Point", "coordinates": [round(c.x, 7), round(c.y, 7)] })
}

/// A GeoJSON (Multi)Polygon geometry, holes kept, vertices to 6 decimals (~0.1 m).
pub fn polygon_geometry(mp: &MultiPolygon) -> Value {
    let ring = |ls: &geo::LineString| -> Vec<[f64; 2]> {
        ls.0.iter()
            .map(|c| [round(c.x, 6), round(c.y, 6)])
            .collect()
    };
    let polygons: Vec<Vec<Vec<[f64; 2]>>> =
        mp.0.iter()
            .map(|p| {
                std::iter::once(ring(p.exterior()))
                    .chain(p.interiors().iter().map(ring))
                    .collect()
            })
            .collect();
    if polygons.len() == 1 {
        json!({ "type": "Polygon", "coordinates": polygons[0] })
    } else {
        json!({ "type": "MultiPolygon", "coordinates": polygons })
    }
}

/// A feature; `properties` should be a JSON object.
pub fn feature(geometry: Value, properties: Value) -> Value {
    json!({ "type": "Feature", "geometry": geometry, "properties": properties })
}

/// A feature collection with the OSM attribution, compact (see [`to_json_bytes`]).
pub fn feature_collection(name: &str, features: Vec<Value>) -> OutputFile {
    let fc = json!({
        "type": "FeatureCollection",
        "name": name,
        "attribution": ATTRIBUTION,
        "license": LICENSE,
        "features": features,
    });
    OutputFile {
        name: format!("{name}.geojson"),
        bytes: to_json_bytes(&fc),
    }
}

/// Compact JSON text (no indentation: a province's layers stay small enough for QGIS) with a
/// final newline.
pub fn to_json_bytes(v: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(v).expect("JSON values always serialise");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    /// The plan's list is the report plus every stage's list, and nothing else: a file added
    /// to one stage cannot be forgotten by `plan`'s output-folder checks.
    #[test]
    fn plan_files_are_the_report_and_every_stages_files() {
        let mut stages: Vec<&str> = ["report.html"]
            .into_iter()
            .chain(super::coverage::COVERAGE_FILES.iter().copied())
            .chain(super::commute::COMMUTE_FILES.iter().copied())
            .chain(super::drt::DRT_FILES.iter().copied())
            .collect();
        stages.sort_unstable();
        stages.dedup();
        let mut plan = super::PLAN_FILES.to_vec();
        plan.sort_unstable();
        assert_eq!(plan, stages);
    }

    #[test]
    fn round_never_gives_negative_zero() {
        for (x, digits) in [(-0.0, 0), (-1e-12, 0), (-0.3, 0), (-0.04, 1), (-1e-9, 4)] {
            let r = super::round(x, digits);
            assert!(
                r == 0.0 && r.is_sign_positive(),
                "round({x}, {digits}) = {r:?}"
            );
            assert_eq!(
                format!("{:.*}", digits as usize, r),
                format!("{:.*}", digits as usize, 0.0)
            );
        }
        assert_eq!(super::round(-0.6, 0), -1.0);
        assert_eq!(super::round(-2.25, 1), -2.3);
    }
}
