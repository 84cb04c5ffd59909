//! Planners' own files: extra amenities (`--poi FILE.csv|FILE.geojson`, in WGS-84, GCJ-02 or
//! BD-09) and park outlines (`--parks FILE.geojson`). A bad row is reported with its line (CSV)
//! or feature number (GeoJSON) and skipped; a file that cannot be read at all is an error.

use std::fmt;
use std::path::Path;

use geo::{Coord, MultiPolygon};

use super::crs::{Crs, to_wgs84};
use super::{Amenity, AmenityId, AmenityProfile, Source, Zone, ZoneId, ZoneKind, Zones, area_ha};
use crate::error::{Error, Result};

/// A row that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RowWarning {
    /// The file.
    pub path: String,
    /// CSV line or GeoJSON feature number, 1-based.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RowWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

pub(super) fn invalid(path: &Path, hint: impl Into<String>) -> Error {
    Error::InvalidValue {
        what: "input file",
        value: path.display().to_string(),
        hint: hint.into(),
    }
}

pub(super) fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|cause| Error::Io {
        path: path.to_path_buf(),
        cause,
    })
}

/// Checks a lon/lat pair: in range (NaN is not), and within `MARGIN_DEG` of the data's
/// bounding box after conversion to WGS-84.
pub(super) fn check_point(
    lon: f64,
    lat: f64,
    crs: Crs,
    bbox: [f64; 4],
) -> std::result::Result<Coord, String> {
    let valid = (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
    if !valid {
        return Err(format!("coordinates {lon},{lat} are not a lon,lat pair"));
    }
    let p = to_wgs84(crs, Coord { x: lon, y: lat });
    const MARGIN_DEG: f64 = 0.05;
    if p.x < bbox[0] - MARGIN_DEG
        || p.x > bbox[2] + MARGIN_DEG
        || p.y < bbox[1] - MARGIN_DEG
        || p.y > bbox[3] + MARGIN_DEG
    {
        return Err(format!(
            "point {:.6},{:.6} lies outside the region of the OSM data (swapped lon/lat, or wrong --poi-crs?)",
            p.x, p.y
        ));
    }
    Ok(p)
}

/// Reads extra amenities from a CSV (columns `lon`, `lat`, `category`, optional `name`) or a
/// GeoJSON file of Point features (properties `category`, optional `name`). Categories are a
/// profile category's id or label. Ids continue from `first_id`.
pub fn read_pois(
    path: &Path,
    crs: Crs,
    profile: &AmenityProfile,
    bbox: [f64; 4],
    first_id: u32,
) -> Result<(Vec<Amenity>, Vec<RowWarning>)> {
    let text = read_text(path)?;
    let is_geojson = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"));
    let rows = if is_geojson {
        geojson_rows(path, &text)?
    } else {
        csv_rows(path, &text)?
    };
    let mut amenities = Vec::new();
    let mut warnings = Vec::new();
    let known: Vec<&str> = profile.categories.iter().map(|c| c.id.as_str()).collect();
    for row in rows {
        let warn = |message: String| RowWarning {
            path: path.display().to_string(),
            line: row.line,
            message,
        };
        let (lon, lat) = match row.lon_lat {
            Ok(p) => p,
            Err(m) => {
                warnings.push(warn(m));
                continue;
            }
        };
        let location = match check_point(lon, lat, crs, bbox) {
            Ok(p) => p,
            Err(m) => {
                warnings.push(warn(m));
                continue;
            }
        };
        let Some(category) = profile.category_index(&row.category) else {
            warnings.push(warn(format!(
                "unknown category '{}' (profile {} has: {})",
                row.category,
                profile.name,
                known.join(", ")
            )));
            continue;
        };
        amenities.push(Amenity {
            id: AmenityId(first_id + amenities.len() as u32),
            category,
            name: row.name.filter(|n| !n.is_empty()),
            location,
            source: Source::File {
                path: path.display().to_string(),
                line: row.line,
            },
        });
    }
    Ok((amenities, warnings))
}

struct Row {
    line: usize,
    lon_lat: std::result::Result<(f64, f64), String>,
    category: String,
    name: Option<String>,
}

/// A planner's CSV file: lower-cased headers (BOM removed) and every data row with its line.
pub(super) struct CsvTable {
    /// Column names.
    pub headers: Vec<String>,
    /// `(line, record or why it is unreadable)`.
    pub rows: Vec<(usize, std::result::Result<csv::StringRecord, String>)>,
}

impl CsvTable {
    /// Reads the whole table; only an unreadable header is an error.
    pub(super) fn read(path: &Path, text: &str) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| invalid(path, format!("cannot read the CSV header: {e}")))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_lowercase())
            .collect();
        let rows = reader
            .records()
            .map(|r| match r {
                Ok(r) => (r.position().map_or(0, |p| p.line() as usize), Ok(r)),
                Err(e) => (
                    e.position().map_or(0, |p| p.line() as usize),
                    Err(format!("unreadable row: {e}")),
                ),
            })
            .collect();
        Ok(CsvTable { headers, rows })
    }

    /// The first column with one of `names`.
    pub(super) fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| names.contains(&h.as_str()))
    }
}

/// Column names accepted for longitude and latitude.
pub(super) const LON_NAMES: &[&str] = &["lon", "lng", "longitude", "x"];
/// See [`LON_NAMES`].
pub(super) const LAT_NAMES: &[&str] = &["lat", "latitude", "y"];

/// Field `i` of a record as a number; the error names the field.
pub(super) fn number(
    record: &csv::StringRecord,
    i: usize,
    what: &str,
) -> std::result::Result<f64, String> {
    let field = record.get(i).unwrap_or("");
    field
        .parse::<f64>()
        .map_err(|_| format!("{what} '{field}' is not a number"))
}

fn csv_rows(path: &Path, text: &str) -> Result<Vec<Row>> {
    let table = CsvTable::read(path, text)?;
    let (Some(lon), Some(lat), Some(cat)) = (
        table.column(LON_NAMES),
        table.column(LAT_NAMES),
        table.column(&["category", "type"]),
    ) else {
        return Err(invalid(
            path,
            format!(
                "the CSV needs columns lon, lat, category (and optionally name); it has: {}",
                table.headers.join(", ")
            ),
        ));
    };
    let name = table.column(&["name", "名称"]);
    Ok(table
        .rows
        .into_iter()
        .map(|(line, record)| match record {
            Err(e) => Row {
                line,
                lon_lat: Err(e),
                category: String::new(),
                name: None,
            },
            Ok(r) => Row {
                line,
                lon_lat: number(&r, lon, "lon").and_then(|x| Ok((x, number(&r, lat, "lat")?))),
                category: r.get(cat).unwrap_or("").to_string(),
                name: name.map(|i| r.get(i).unwrap_or("").to_string()),
            },
        })
        .collect())
}

pub(super) fn parse_geojson(path: &Path, text: &str) -> Result<geojson::FeatureCollection> {
    let gj: geojson::GeoJson = text
        .parse()
        .map_err(|e| invalid(path, format!("not valid GeoJSON: {e}")))?;
    match gj {
        geojson::GeoJson::FeatureCollection(fc) => Ok(fc),
        geojson::GeoJson::Feature(f) => Ok(geojson::FeatureCollection {
            bbox: None,
            features: vec![f],
            foreign_members: None,
        }),
        geojson::GeoJson::Geometry(_) => Err(invalid(
            path,
            "expected a FeatureCollection, found a bare geometry",
        )),
    }
}

pub(super) fn property(f: &geojson::Feature, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match f.property(k)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        v => Some(v.to_string()),
    })
}

/// The geometry as `geo`, or `None` when it does not convert. A position with fewer than two
/// numbers (`[9.5]`, `[]`) is `None` too: the `geojson` crate's conversion panics on it.
pub(super) fn to_geo(value: &geojson::GeometryValue) -> Option<geo::Geometry<f64>> {
    positions_complete(value)
        .then(|| geo::Geometry::<f64>::try_from(value).ok())
        .flatten()
}

/// Whether every position of a geometry has at least a longitude and a latitude.
pub(super) fn positions_complete(value: &geojson::GeometryValue) -> bool {
    use geojson::GeometryValue as G;
    let line = |l: &Vec<geojson::Position>| l.iter().all(|p| p.len() >= 2);
    match value {
        G::Point { coordinates } => coordinates.len() >= 2,
        G::MultiPoint { coordinates } | G::LineString { coordinates } => line(coordinates),
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => {
            coordinates.iter().all(line)
        }
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().all(line),
        G::GeometryCollection { geometries } => {
            geometries.iter().all(|g| positions_complete(&g.value))
        }
    }
}

fn geojson_rows(path: &Path, text: &str) -> Result<Vec<Row>> {
    let fc = parse_geojson(path, text)?;
    Ok(fc
        .features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let lon_lat = match f.geometry.as_ref().map(|g| &g.value) {
                Some(geojson::GeometryValue::Point { coordinates }) if coordinates.len() >= 2 => {
                    Ok((coordinates[0], coordinates[1]))
                }
                Some(other) => Err(format!(
                    "feature {} is a {}, not a Point",
                    i + 1,
                    other.type_name()
                )),
                None => Err(format!("feature {} has no geometry", i + 1)),
            };
            Row {
                line: i + 1,
                lon_lat,
                category: property(f, &["category", "type"]).unwrap_or_default(),
                name: property(f, &["name", "名称"]),
            }
        })
        .collect())
}

/// Reads zones (parks) from a GeoJSON file of Polygon / MultiPolygon features with a `name`.
/// A feature that lies entirely outside `bbox` (the OSM data) is an error naming it.
pub fn read_zones_geojson(path: &Path, kind: ZoneKind, bbox: [f64; 4]) -> Result<Zones> {
    let text = read_text(path)?;
    let fc = parse_geojson(path, &text)?;
    let mut zones = Vec::new();
    for (i, f) in fc.features.iter().enumerate() {
        let n = i + 1;
        let geometry = f
            .geometry
            .as_ref()
            .ok_or_else(|| invalid(path, format!("feature {n} has no geometry")))?;
        let polygon: MultiPolygon = match to_geo(&geometry.value) {
            Some(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
            Some(geo::Geometry::MultiPolygon(mp)) => mp,
            _ if !positions_complete(&geometry.value) => {
                return Err(invalid(
                    path,
                    format!("feature {n} has a position with fewer than two numbers (lon, lat)"),
                ));
            }
            Some(_) | None => {
                return Err(invalid(
                    path,
                    format!(
                        "feature {n} is a {}, not a Polygon or MultiPolygon",
                        geometry.value.type_name()
                    ),
                ));
            }
        };
        let name = property(f, &["name", "名称"]).unwrap_or_else(|| format!("Park {n}"));
        let inside = polygon
            .0
            .iter()
            .flat_map(|p| p.exterior().0.iter())
            .any(|c| c.x >= bbox[0] && c.x <= bbox[2] && c.y >= bbox[1] && c.y <= bbox[3]);
        if !inside {
            return Err(invalid(
                path,
                format!(
                    "park '{name}' (feature {n}) lies outside the OSM data ({:.4},{:.4} – {:.4},{:.4}); is it the right region, in WGS-84?",
                    bbox[0], bbox[1], bbox[2], bbox[3]
                ),
            ));
        }
        let prefix = if kind == ZoneKind::Parks { "P" } else { "R" };
        zones.push(Zone {
            id: ZoneId(zones.len() as u32),
            code: format!("{prefix}{n}"),
            name,
            area_ha: area_ha(&polygon),
            polygon,
            source: Source::File {
                path: path.display().to_string(),
                line: n,
            },
        });
    }
    if zones.is_empty() {
        return Err(invalid(path, "it has no features"));
    }
    Ok(Zones {
        kind,
        zones,
        too_small: 0,
    })
}
