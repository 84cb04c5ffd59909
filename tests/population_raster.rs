//! `--population people.tif`: a WorldPop-style GeoTIFF read by the commute stage end to end.

use std::path::Path;
use std::process::Command;

use tiff::encoder::{Compression, TiffEncoder, colortype::Gray32Float};
use tiff::tags::Tag;

/// Inside the demo region (9.47108,47.04774 – 9.63622,47.27128): a 15 × 21 raster of 0.01° cells
/// inside it, EPSG:4326, LZW, one nodata cell.
fn write_raster(path: &Path) -> f64 {
    let (cols, rows) = (15u32, 21u32);
    let origin = (9.48, 47.26);
    let values: Vec<f32> = (0..cols * rows)
        .map(|i| {
            if i == 17 {
                -99999.0
            } else {
                (i % 13) as f32 * 2.5
            }
        })
        .collect();
    let total: f64 = values
        .iter()
        .filter(|&&v| v >= 0.0)
        .map(|&v| f64::from(v))
        .sum();
    let file = std::fs::File::create(path).unwrap();
    let mut tiff = TiffEncoder::new(file)
        .unwrap()
        .with_compression(Compression::Lzw);
    let mut image = tiff.new_image::<Gray32Float>(cols, rows).unwrap();
    let dir = image.encoder();
    dir.write_tag(Tag::ModelPixelScaleTag, &[0.01, 0.01, 0.0][..])
        .unwrap();
    dir.write_tag(
        Tag::ModelTiepointTag,
        &[0.0, 0.0, 0.0, origin.0, origin.1, 0.0][..],
    )
    .unwrap();
    let keys: &[u16] = &[1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326];
    dir.write_tag(Tag::GeoKeyDirectoryTag, keys).unwrap();
    dir.write_tag(Tag::GdalNodata, "-99999").unwrap();
    image.write_data(&values).unwrap();
    total
}

#[test]
fn commute_reads_a_population_geotiff_and_keeps_its_total() {
    let dir = tempfile::tempdir().unwrap();
    let tif = dir.path().join("worldpop.tif");
    let total = write_raster(&tif);
    let out = dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(["commute", "--modes", "walk", "--population"])
        .arg(&tif)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("nodata") || String::from_utf8_lossy(&output.stdout).contains("nodata")
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("commute.json")).unwrap()).unwrap();
    let read = json["residents"]["total"].as_f64().unwrap();
    assert!((read - total).abs() <= 0.01 * total, "{read} vs {total}");
    assert_eq!(json["residents"]["basis"], "supplied");
}
