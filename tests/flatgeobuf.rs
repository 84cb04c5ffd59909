//! Issue 13: the FlatGeobuf copies of the large layers (`isochrones.fgb`,
//! `commute_isochrones.fgb`) read back with the `flatgeobuf` crate's own reader hold the same
//! features as the GeoJSON beside them: count, every property, every ring and coordinate.

use std::path::Path;
use std::process::Command;

use flatgeobuf::geozero::GeomProcessor;
use flatgeobuf::geozero::error::Result as GeoResult;
use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader, GeozeroGeometry};
use serde_json::Value;

/// Rings and coordinates in the order the reader hands them out.
#[derive(Default)]
struct Coords {
    rings: usize,
    xy: Vec<[f64; 2]>,
}

impl GeomProcessor for Coords {
    fn xy(&mut self, x: f64, y: f64, _idx: usize) -> GeoResult<()> {
        self.xy.push([x, y]);
        Ok(())
    }
    fn linestring_begin(&mut self, _tagged: bool, _size: usize, _idx: usize) -> GeoResult<()> {
        self.rings += 1;
        Ok(())
    }
}

/// The same from a GeoJSON (Multi)Polygon.
fn geojson_coords(g: &Value) -> Coords {
    let polygons: Vec<&Value> = match g["type"].as_str().unwrap() {
        "Polygon" => vec![&g["coordinates"]],
        "MultiPolygon" => g["coordinates"].as_array().unwrap().iter().collect(),
        other => panic!("{other}"),
    };
    let mut c = Coords::default();
    for rings in polygons {
        for ring in rings.as_array().unwrap() {
            c.rings += 1;
            for p in ring.as_array().unwrap() {
                c.xy.push([p[0].as_f64().unwrap(), p[1].as_f64().unwrap()]);
            }
        }
    }
    c
}

/// Whether a property read back (as text) equals the GeoJSON value.
fn same_value(json: &Value, text: Option<&String>) -> bool {
    match (json, text) {
        (Value::Null, None) => true,
        (Value::Number(n), Some(t)) => t.parse::<f64>().ok() == n.as_f64(),
        (Value::String(s), Some(t)) => s == t,
        (Value::Bool(b), Some(t)) => b.to_string() == *t,
        (v, Some(t)) => serde_json::from_str::<Value>(t).ok().as_ref() == Some(v),
        _ => false,
    }
}

fn check_layer(dir: &Path, name: &str) {
    let geojson: Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{name}.geojson"))).unwrap())
            .unwrap();
    let features = geojson["features"].as_array().unwrap();
    assert!(!features.is_empty(), "{name}");
    let mut file = std::fs::File::open(dir.join(format!("{name}.fgb"))).unwrap();
    let reader = FgbReader::open(&mut file).unwrap();
    assert_eq!(reader.header().features_count() as usize, features.len());
    assert_eq!(reader.header().crs().unwrap().code(), 4326);
    let mut iter = reader.select_all().unwrap();
    let mut read = Vec::new();
    while let Some(f) = iter.next().unwrap() {
        let mut c = Coords::default();
        f.process_geom(&mut c).unwrap();
        read.push((f.properties().unwrap(), c));
    }
    assert_eq!(read.len(), features.len());
    // Features are stored in Hilbert order: match each GeoJSON feature by its properties.
    let mut used = vec![false; read.len()];
    for f in features {
        let props = f["properties"].as_object().unwrap();
        let want = geojson_coords(&f["geometry"]);
        let i = (0..read.len())
            .find(|&i| !used[i] && props.iter().all(|(k, v)| same_value(v, read[i].0.get(k))))
            .unwrap_or_else(|| panic!("{name}: no feature with {props:?}"));
        used[i] = true;
        assert_eq!(
            read[i].0.len(),
            props.iter().filter(|p| !p.1.is_null()).count()
        );
        assert_eq!(read[i].1.rings, want.rings, "{name}: {props:?}");
        assert_eq!(read[i].1.xy, want.xy, "{name}: {props:?}");
    }
}

#[test]
fn large_layers_read_back_equal_to_their_geojson() {
    for (command, layer) in [
        ("coverage", "isochrones"),
        ("commute", "commute_isochrones"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
            .args([command, "--out", dir.path().to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        check_layer(dir.path(), layer);
    }
}

/// Issue 13, "never lose a user's data": the `.fgb` is made in memory with the rest of the
/// run, so a temporary folder that cannot be used (here: one that does not exist) no longer
/// makes it vanish without a word.
#[test]
fn the_fgb_does_not_depend_on_the_temporary_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(["coverage", "--out", dir.path().to_str().unwrap()])
        .env("TMPDIR", dir.path().join("no such folder"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("isochrones.geojson").exists());
    check_layer(dir.path(), "isochrones");
}
