//! FlatGeobuf copies of the large GeoJSON layers (`isochrones.fgb`, `commute_isochrones.fgb`):
//! a binary format QGIS and GDAL open fast, with a packed Hilbert R-tree so a viewer reads only
//! the features on screen. Each is written from the same features as its GeoJSON file (same
//! rounded coordinates, same properties), so the two always agree; features are stored in
//! Hilbert order, as the format's spatial index requires.
//!
//! Properties become typed columns: whole numbers `Long`, other numbers `Double`, text
//! `String`, booleans `Bool`, anything else (lists, objects, mixed types) JSON text. A `null`
//! is left out of the feature (every column is nullable).
//!
//! The file is built in memory, as every output of a run is until `outdir` commits the run
//! as a whole: the `flatgeobuf` crate's own writer keeps its features in an anonymous
//! temporary file outside the output folder (where a full or read-only temporary folder made
//! the `.fgb` vanish without a word), so only its generated FlatBuffers tables and packed
//! R-tree are used here. Layout (flatgeobuf.org): magic bytes, size-prefixed header, index,
//! size-prefixed features in index order; the bytes equal those of the crate's writer.

use flatbuffers::{FlatBufferBuilder, WIPOffset};
use flatgeobuf::packed_r_tree::{NodeItem, PackedRTree, calc_extent, hilbert_sort};
use flatgeobuf::{
    Column, ColumnArgs, ColumnType, Crs, CrsArgs, Feature, FeatureArgs, Geometry, GeometryArgs,
    GeometryType, Header, HeaderArgs,
};
use serde_json::{Map, Value};

use super::{ATTRIBUTION, LICENSE, OutputFile};
use crate::error::{Error, Result};

/// FlatGeobuf's magic bytes, version 3.
const MAGIC: [u8; 8] = [b'f', b'g', b'b', 3, b'f', b'g', b'b', 0];

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

/// One feature's properties in column order, as FlatGeobuf's property bytes (column index as
/// u16, then the value, little-endian; text as u32 length + UTF-8), leaving out nulls.
fn property_bytes(cols: &[(String, ColumnType)], props: Option<&Map<String, Value>>) -> Vec<u8> {
    let mut out = Vec::new();
    let Some(props) = props else { return out };
    for (i, (key, t)) in cols.iter().enumerate() {
        let Some(v) = props.get(key).filter(|v| !v.is_null()) else {
            continue;
        };
        let index = u16::try_from(i).unwrap_or(u16::MAX);
        out.extend_from_slice(&index.to_le_bytes());
        match (*t, v) {
            (ColumnType::Bool, Value::Bool(b)) => out.push(u8::from(*b)),
            (ColumnType::Long, Value::Number(n)) if n.is_i64() => {
                out.extend_from_slice(&n.as_i64().unwrap_or_default().to_le_bytes());
            }
            (ColumnType::Double, Value::Number(n)) => {
                out.extend_from_slice(&n.as_f64().unwrap_or_default().to_le_bytes());
            }
            (ColumnType::String, Value::String(text)) => text_bytes(&mut out, text),
            _ => text_bytes(&mut out, &v.to_string()),
        }
    }
    out
}

fn text_bytes(out: &mut Vec<u8>, text: &str) {
    let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// The layer's geometry type: Point, or the multi type every line or polygon is promoted to,
/// as the crate's writer does; `Unknown` (each geometry then names its own) when they differ.
fn layer_type(features: &[Value]) -> GeometryType {
    let of = |f: &Value| match f["geometry"]["type"].as_str() {
        Some("Point") => GeometryType::Point,
        Some("LineString" | "MultiLineString") => GeometryType::MultiLineString,
        Some("Polygon" | "MultiPolygon") => GeometryType::MultiPolygon,
        _ => GeometryType::Unknown,
    };
    let first = features.first().map_or(GeometryType::Unknown, of);
    if features.iter().all(|f| of(f) == first) {
        first
    } else {
        GeometryType::Unknown
    }
}

/// The run's error when the `.fgb` of layer `name` cannot be made (a geometry lifecircle made
/// itself is wrong: a bug to report).
fn bad(name: &str, what: String) -> Error {
    Error::Output {
        path: format!("{name}.fgb").into(),
        problem: format!(
            "{what}; the FlatGeobuf copy of {name}.geojson cannot be written (a bug: please report it with the command and its input files)"
        ),
    }
}

/// A position's `[x, y]`, widening the feature's box.
fn xy(c: &Value, bbox: &mut NodeItem) -> std::result::Result<(f64, f64), String> {
    match (c[0].as_f64(), c[1].as_f64()) {
        (Some(x), Some(y)) => {
            bbox.expand_xy(x, y);
            Ok((x, y))
        }
        _ => Err(format!("bad coordinate {c}")),
    }
}

fn list(v: &Value) -> std::result::Result<&Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("expected a list of coordinates, found {v}"))
}

/// Flat coordinates and ring/line ends (in points) of a list of lines.
fn flat(lines: &[Value], bbox: &mut NodeItem) -> std::result::Result<(Vec<f64>, Vec<u32>), String> {
    let (mut coords, mut ends) = (Vec::new(), Vec::new());
    for line in lines {
        for c in list(line)? {
            let (x, y) = xy(c, bbox)?;
            coords.extend([x, y]);
        }
        ends.push(u32::try_from(coords.len() / 2).unwrap_or(u32::MAX));
    }
    Ok((coords, ends))
}

/// One part: its coordinates, and its ends when there are several (a single end is left
/// out, as the format allows).
fn part<'a>(
    fbb: &mut FlatBufferBuilder<'a>,
    coords: &[f64],
    ends: &[u32],
    type_: GeometryType,
) -> WIPOffset<Geometry<'a>> {
    let xy = Some(fbb.create_vector(coords));
    let ends = (ends.len() > 1).then(|| fbb.create_vector(ends));
    Geometry::create(
        fbb,
        &GeometryArgs {
            xy,
            ends,
            type_,
            ..Default::default()
        },
    )
}

/// A GeoJSON geometry as a FlatGeobuf geometry table; its box widens `bbox`. In a layer of
/// one type, the type is the header's (lines and polygons written as their multi type);
/// in a mixed layer each geometry names its own.
fn geometry<'a>(
    fbb: &mut FlatBufferBuilder<'a>,
    g: &Value,
    mixed: bool,
    bbox: &mut NodeItem,
) -> std::result::Result<WIPOffset<Geometry<'a>>, String> {
    let coords = &g["coordinates"];
    let own = |t: GeometryType| if mixed { t } else { GeometryType::Unknown };
    match g["type"].as_str() {
        Some("Point") => {
            let (x, y) = xy(coords, bbox)?;
            Ok(part(fbb, &[x, y], &[], own(GeometryType::Point)))
        }
        Some("LineString") => {
            let (c, e) = flat(std::slice::from_ref(coords), bbox)?;
            Ok(part(fbb, &c, &e, own(GeometryType::MultiLineString)))
        }
        Some("MultiLineString") => {
            let (c, e) = flat(list(coords)?, bbox)?;
            Ok(part(fbb, &c, &e, own(GeometryType::MultiLineString)))
        }
        Some(t @ ("Polygon" | "MultiPolygon")) => {
            let polygons = if t == "Polygon" {
                std::slice::from_ref(coords)
            } else {
                list(coords)?.as_slice()
            };
            let mut parts = Vec::with_capacity(polygons.len());
            for rings in polygons {
                let (c, e) = flat(list(rings)?, bbox)?;
                parts.push(part(fbb, &c, &e, GeometryType::Unknown));
            }
            let parts = Some(fbb.create_vector(&parts));
            Ok(Geometry::create(
                fbb,
                &GeometryArgs {
                    parts,
                    type_: own(GeometryType::MultiPolygon),
                    ..Default::default()
                },
            ))
        }
        other => Err(format!(
            "geometry type {other:?} is not written to FlatGeobuf"
        )),
    }
}

/// Every feature as size-prefixed FlatBuffers bytes, with its box (`offset` = its index).
fn feature_buffers(
    name: &str,
    features: &[Value],
    cols: &[(String, ColumnType)],
    mixed: bool,
) -> Result<Vec<(Vec<u8>, NodeItem)>> {
    let mut fbb = FlatBufferBuilder::new();
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let mut bbox = NodeItem::create(i as u64);
        let g = geometry(&mut fbb, &f["geometry"], mixed, &mut bbox)
            .map_err(|e| bad(name, format!("feature {}: {e}", i + 1)))?;
        let props = property_bytes(cols, f["properties"].as_object());
        let properties = Some(fbb.create_vector(&props));
        let feature = Feature::create(
            &mut fbb,
            &FeatureArgs {
                geometry: Some(g),
                properties,
                ..Default::default()
            },
        );
        fbb.finish_size_prefixed(feature, None);
        out.push((fbb.finished_data().to_vec(), bbox));
        fbb.reset();
    }
    Ok(out)
}

/// The size-prefixed header: name, type, CRS (EPSG:4326), the attribution, columns, extent.
fn header_bytes(
    name: &str,
    geometry_type: GeometryType,
    cols: &[(String, ColumnType)],
    extent: &NodeItem,
    count: usize,
) -> Vec<u8> {
    let description = format!("{ATTRIBUTION}; {LICENSE}");
    let mut fbb = FlatBufferBuilder::new();
    let layer = Some(fbb.create_string(name));
    let crs = Some(Crs::create(
        &mut fbb,
        &CrsArgs {
            code: 4326,
            ..Default::default()
        },
    ));
    let description = Some(fbb.create_string(&description));
    let columns: Vec<WIPOffset<Column<'_>>> = cols
        .iter()
        .map(|(key, t)| {
            let args = ColumnArgs {
                name: Some(fbb.create_string(key)),
                type_: *t,
                ..Default::default()
            };
            Column::create(&mut fbb, &args)
        })
        .collect();
    let columns = Some(fbb.create_vector(&columns));
    let envelope =
        Some(fbb.create_vector(&[extent.min_x, extent.min_y, extent.max_x, extent.max_y]));
    let header = Header::create(
        &mut fbb,
        &HeaderArgs {
            name: layer,
            envelope,
            geometry_type,
            columns,
            features_count: count as u64,
            index_node_size: PackedRTree::DEFAULT_NODE_SIZE,
            crs,
            description,
            ..Default::default()
        },
    );
    fbb.finish_size_prefixed(header, None);
    fbb.finished_data().to_vec()
}

/// The FlatGeobuf file of a layer (`name.fgb`, WGS-84, with a spatial index and the OSM
/// attribution in its description), built in memory from the same features as
/// `name.geojson`.
///
/// # Errors
/// [`Error::Output`] naming the file and the feature when a geometry is not a
/// (Multi)Point/LineString/Polygon with numeric coordinates, or the index cannot be built.
pub fn fgb_file(name: &str, features: &[Value]) -> Result<OutputFile> {
    let cols = columns(features);
    let layer = layer_type(features);
    let feats = feature_buffers(name, features, &cols, layer == GeometryType::Unknown)?;
    let mut nodes: Vec<NodeItem> = feats.iter().map(|(_, b)| b.clone()).collect();
    let extent = calc_extent(&nodes);
    let mut bytes = MAGIC.to_vec();
    bytes.extend(header_bytes(name, layer, &cols, &extent, feats.len()));
    if !nodes.is_empty() {
        hilbert_sort(&mut nodes, &extent);
        let mut offset = 0;
        let index: Vec<NodeItem> = nodes
            .iter()
            .map(|n| {
                let mut item = n.clone();
                item.offset = offset;
                offset += feats[n.offset as usize].0.len() as u64;
                item
            })
            .collect();
        let tree = PackedRTree::build(&index, &extent, PackedRTree::DEFAULT_NODE_SIZE)
            .map_err(|e| bad(name, format!("spatial index: {e}")))?;
        tree.stream_write(&mut bytes)
            .map_err(|e| bad(name, format!("spatial index: {e}")))?;
    }
    for n in &nodes {
        bytes.extend_from_slice(&feats[n.offset as usize].0);
    }
    Ok(OutputFile {
        name: format!("{name}.fgb"),
        bytes,
    })
}

/// A large layer as GeoJSON and, beside it, FlatGeobuf ([`fgb_file`]), both in memory until
/// the run commits.
///
/// # Errors
/// The `.fgb` cannot be made (see [`fgb_file`]): the run fails rather than leave it out.
pub fn large_layer(name: &str, features: Vec<Value>) -> Result<Vec<OutputFile>> {
    let fgb = fgb_file(name, &features)?;
    Ok(vec![super::feature_collection(name, features), fgb])
}

#[cfg(test)]
mod tests {
    use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
    use serde_json::json;

    use super::*;

    fn feature(geometry: Value, name: &str) -> Value {
        json!({"type": "Feature", "properties": {"name": name, "n": 1}, "geometry": geometry})
    }

    /// Issue 13: a layer mixing points and polygons (which the crate's writer refuses, so the
    /// file was left out without a word) reads back feature by feature.
    #[test]
    fn a_mixed_layer_reads_back() {
        let features = vec![
            feature(json!({"type": "Point", "coordinates": [9.5, 47.1]}), "a"),
            feature(
                json!({"type": "Polygon", "coordinates": [[[9.5, 47.1], [9.6, 47.1], [9.6, 47.2], [9.5, 47.1]]]}),
                "b",
            ),
        ];
        let file = fgb_file("mixed", &features).unwrap();
        assert_eq!(file.name, "mixed.fgb");
        let mut reader = FgbReader::open(std::io::Cursor::new(file.bytes))
            .unwrap()
            .select_all()
            .unwrap();
        let mut names = Vec::new();
        while let Some(f) = reader.next().unwrap() {
            names.push(f.property::<String>("name").unwrap());
        }
        names.sort();
        assert_eq!(names, ["a", "b"]);
    }

    /// Issue 13, "never silent": a geometry that cannot be written fails the run, naming the
    /// file and the feature, instead of leaving the `.fgb` out.
    #[test]
    fn a_layer_that_cannot_be_written_is_an_error() {
        let features = vec![
            feature(json!({"type": "Point", "coordinates": [9.5, 47.1]}), "a"),
            feature(json!({"type": "GeometryCollection", "geometries": []}), "b"),
        ];
        let e = large_layer("isochrones", features).unwrap_err().to_string();
        assert!(
            e.contains("isochrones.fgb") && e.contains("feature 2"),
            "{e}"
        );
    }
}
