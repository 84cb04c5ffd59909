//! FlatGeobuf copies of the large GeoJSON layers (`isochrones.fgb`, `commute_isochrones.fgb`):
//! a binary format QGIS and GDAL open fast, with a packed Hilbert R-tree so a viewer reads only
//! the features on screen. Each is written from the same features as its GeoJSON file (same
//! rounded coordinates, same properties), so the two always agree; features are stored in
//! Hilbert order, as the format's spatial index requires.
//!
//! Properties become typed columns: whole numbers `Long`, other numbers `Double`, text
//! `String`, booleans `Bool`, anything else (lists, objects, mixed types) JSON text. A `null`
//! is left out of the feature (every column is nullable).

use flatgeobuf::geozero::error::{GeozeroError, Result as GeoResult};
use flatgeobuf::geozero::{ColumnValue, GeomProcessor, GeozeroGeometry, PropertyProcessor};
use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use serde_json::{Map, Value};

use super::{ATTRIBUTION, LICENSE, OutputFile};

/// The typed columns of a layer: every property key in order of first appearance, with the
/// type all its non-null values share.
fn columns(features: &[Value]) -> Vec<(String, ColumnType)> {
    let mut cols: Vec<(String, ColumnType)> = Vec::new();
    for props in features.iter().filter_map(|f| f["properties"].as_object()) {
        for (key, value) in props {
            let Some(t) = value_type(value) else { continue };
            match cols.iter_mut().find(|c| c.0 == *key) {
                Some(col) => col.1 = merge(col.1, t),
                None => cols.push((key.clone(), t)),
            }
        }
    }
    cols
}

/// The column type of one value (`None` for null).
fn value_type(v: &Value) -> Option<ColumnType> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(_) => ColumnType::Bool,
        Value::Number(n) if n.is_i64() => ColumnType::Long,
        Value::Number(_) => ColumnType::Double,
        Value::String(_) => ColumnType::String,
        Value::Array(_) | Value::Object(_) => ColumnType::Json,
    })
}

/// The type a column keeps when two values' types meet.
fn merge(a: ColumnType, b: ColumnType) -> ColumnType {
    match (a, b) {
        _ if a == b => a,
        (ColumnType::Long, ColumnType::Double) | (ColumnType::Double, ColumnType::Long) => {
            ColumnType::Double
        }
        _ => ColumnType::Json,
    }
}

/// A GeoJSON geometry object as a geozero geometry source.
struct JsonGeometry<'a>(&'a Value);

fn xy(c: &Value) -> GeoResult<(f64, f64)> {
    match (c[0].as_f64(), c[1].as_f64()) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(GeozeroError::Geometry(format!("bad coordinate {c}"))),
    }
}

fn list(v: &Value) -> GeoResult<&Vec<Value>> {
    v.as_array()
        .ok_or_else(|| GeozeroError::Geometry(format!("expected a list, found {v}")))
}

fn line<P: GeomProcessor>(p: &mut P, coords: &Value, tagged: bool, idx: usize) -> GeoResult<()> {
    let coords = list(coords)?;
    p.linestring_begin(tagged, coords.len(), idx)?;
    for (i, c) in coords.iter().enumerate() {
        let (x, y) = xy(c)?;
        p.xy(x, y, i)?;
    }
    p.linestring_end(tagged, idx)
}

fn polygon<P: GeomProcessor>(p: &mut P, rings: &Value, tagged: bool, idx: usize) -> GeoResult<()> {
    let rings = list(rings)?;
    p.polygon_begin(tagged, rings.len(), idx)?;
    for (i, ring) in rings.iter().enumerate() {
        line(p, ring, false, i)?;
    }
    p.polygon_end(tagged, idx)
}

impl GeozeroGeometry for JsonGeometry<'_> {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> GeoResult<()> {
        let coords = &self.0["coordinates"];
        match self.0["type"].as_str() {
            Some("Point") => {
                let (x, y) = xy(coords)?;
                p.point_begin(0)?;
                p.xy(x, y, 0)?;
                p.point_end(0)
            }
            Some("LineString") => line(p, coords, true, 0),
            Some("MultiLineString") => {
                let parts = list(coords)?;
                p.multilinestring_begin(parts.len(), 0)?;
                for (i, part) in parts.iter().enumerate() {
                    line(p, part, false, i)?;
                }
                p.multilinestring_end(0)
            }
            Some("Polygon") => polygon(p, coords, true, 0),
            Some("MultiPolygon") => {
                let parts = list(coords)?;
                p.multipolygon_begin(parts.len(), 0)?;
                for (i, part) in parts.iter().enumerate() {
                    polygon(p, part, false, i)?;
                }
                p.multipolygon_end(0)
            }
            other => Err(GeozeroError::Geometry(format!(
                "geometry type {other:?} is not written to FlatGeobuf"
            ))),
        }
    }
}

/// Writes one feature's properties in column order, leaving out nulls and absent keys.
fn write_properties<P: PropertyProcessor>(
    p: &mut P,
    cols: &[(String, ColumnType)],
    props: Option<&Map<String, Value>>,
) -> GeoResult<()> {
    let Some(props) = props else { return Ok(()) };
    for (i, (key, t)) in cols.iter().enumerate() {
        let Some(v) = props.get(key).filter(|v| !v.is_null()) else {
            continue;
        };
        let text;
        let value = match (*t, v) {
            (ColumnType::Bool, Value::Bool(b)) => ColumnValue::Bool(*b),
            (ColumnType::Long, Value::Number(n)) if n.is_i64() => {
                ColumnValue::Long(n.as_i64().unwrap_or_default())
            }
            (ColumnType::Double, Value::Number(n)) => {
                ColumnValue::Double(n.as_f64().unwrap_or_default())
            }
            (ColumnType::String, Value::String(s)) => ColumnValue::String(s),
            _ => {
                text = v.to_string();
                ColumnValue::Json(&text)
            }
        };
        p.property(i, key, &value)?;
    }
    Ok(())
}

/// The FlatGeobuf file of a layer (`name.fgb`, WGS-84, with a spatial index and the OSM
/// attribution in its description), built from the same features as `name.geojson`.
///
/// # Errors
/// A geometry that is not a (Multi)Point/LineString/Polygon, or the writer's temporary buffer
/// failing (the crate keeps features in an anonymous temporary file until the index is built).
pub fn fgb_file(name: &str, features: &[Value]) -> Result<OutputFile, Box<dyn std::error::Error>> {
    let description = format!("{ATTRIBUTION}; {LICENSE}");
    let options = FgbWriterOptions {
        write_index: true,
        detect_type: true,
        promote_to_multi: true,
        crs: FgbCrs {
            code: 4326,
            ..Default::default()
        },
        description: Some(&description),
        ..Default::default()
    };
    let mut fgb = FgbWriter::create_with_options(name, GeometryType::Unknown, options)?;
    let cols = columns(features);
    for (key, t) in &cols {
        fgb.add_column(key, *t, |_, _| {});
    }
    for f in features {
        let mut bad = None;
        fgb.add_feature_geom(JsonGeometry(&f["geometry"]), |w| {
            bad = write_properties(w, &cols, f["properties"].as_object()).err();
        })?;
        if let Some(e) = bad {
            return Err(Box::new(e));
        }
    }
    let mut bytes = Vec::new();
    fgb.write(&mut bytes)?;
    Ok(OutputFile {
        name: format!("{name}.fgb"),
        bytes,
    })
}

/// A large layer as GeoJSON and, beside it, FlatGeobuf ([`fgb_file`]). Should the binary copy
/// fail (only the writer's temporary buffer can: the geometries are ours), the GeoJSON is
/// still written and the run goes on without the `.fgb`.
pub fn large_layer(name: &str, features: Vec<Value>) -> Vec<OutputFile> {
    let fgb = fgb_file(name, &features).ok();
    std::iter::once(super::feature_collection(name, features))
        .chain(fgb)
        .collect()
}
