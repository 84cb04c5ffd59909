//! Size and time of `serve`'s basemap answers: builds the basemap of a PBF, then asks for a
//! park-sized box (1.5 km, centred on `lon lat` if given, else on the region) and the whole region at a few zooms, and
//! prints features, bytes of JSON and milliseconds (median of 5: query + serialisation).
//!
//! `cargo run --release --example serve_basemap -- region.osm.pbf [lon lat]`

use std::time::Instant;

use lifecircle::osm::OsmExtract;
use lifecircle::serve::basemap::Basemap;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: serve_basemap <region.osm.pbf>")?;
    let t = Instant::now();
    let extract = OsmExtract::from_pbf(&path)?;
    let read_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let map = Basemap::new(&extract);
    let build_ms = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "{path}: read {read_s:.1} s; basemap {} features built in {build_ms:.0} ms",
        map.len()
    );
    let [w, s, e, n] = extract.bbox;
    let arg = |i: usize| std::env::args().nth(i).and_then(|a| a.parse::<f64>().ok());
    let (cx, cy) = match (arg(2), arg(3)) {
        (Some(lon), Some(lat)) => (lon, lat),
        _ => ((w + e) / 2.0, (s + n) / 2.0),
    };
    let half_lat = 0.75 / 111.2;
    let half_lon = half_lat / cy.to_radians().cos();
    let park = [cx - half_lon, cy - half_lat, cx + half_lon, cy + half_lat];
    println!("| box | zoom | features | bytes | ms (median of 5) |\n|---|---|---|---|---|");
    for (label, bbox, zooms) in [
        ("park 1.5 km", park, [14u8, 15, 16, 17]),
        ("region", extract.bbox, [9, 10, 11, 12]),
    ] {
        for zoom in zooms {
            let mut times = Vec::new();
            let mut answer = (0, 0);
            for _ in 0..5 {
                let t = Instant::now();
                let fc = map.features(bbox, zoom);
                let text = serde_json::to_string(&fc)?;
                times.push(t.elapsed().as_secs_f64() * 1e3);
                answer = (fc["features"].as_array().map_or(0, Vec::len), text.len());
            }
            times.sort_by(f64::total_cmp);
            println!(
                "| {label} | {zoom} | {} | {} | {:.1} |",
                answer.0, answer.1, times[2]
            );
            if std::env::var_os("BY_LAYER").is_some() {
                by_layer(&map.features(bbox, zoom));
            }
        }
    }
    Ok(())
}

/// Features and bytes per `layer/class` of an answer, largest first.
fn by_layer(fc: &serde_json::Value) {
    let mut sizes = std::collections::BTreeMap::<String, (usize, usize)>::new();
    for f in fc["features"].as_array().into_iter().flatten() {
        let p = &f["properties"];
        let key = format!(
            "{}/{}",
            p["layer"].as_str().unwrap_or("?"),
            p["class"].as_str().unwrap_or("?")
        );
        let e = sizes.entry(key).or_default();
        e.0 += 1;
        e.1 += f.to_string().len();
    }
    let mut sizes: Vec<_> = sizes.into_iter().collect();
    sizes.sort_by_key(|(_, (_, b))| std::cmp::Reverse(*b));
    for (k, (n, b)) in sizes.iter().take(6) {
        println!("|   {k} | | {n} | {b} | |");
    }
}
