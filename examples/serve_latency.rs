//! Edit-to-answer latency of `lifecircle serve` over HTTP: runs the plan of a region, serves it
//! on a free port in this process, then sends 200 random edits (add / move / delete facility,
//! add / move / delete gate, add / move / delete bus stop, undo, redo; fixed seed) and prints
//! p50 / p95 / max per kind and overall, then the time of one re-plan of the bus lines
//! (`POST /api/replan`, polled until done). The time is the client's: connect, send, the
//! server's work, the whole answer read. Stops are added and moved to places a deleted stop
//! stood (on the bus roads), so that they are accepted.
//!
//! `cargo run --release --example serve_latency -- [PBF] [EDITS]`
//! (default: the embedded demo region, 200 edits).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use lifecircle::lang::Lang;
use lifecircle::plan::{Quiet, run_plan};
use lifecircle::scenario::Scenario;
use lifecircle::serve::{self, api::AppState};
use lifecircle::whatif::Session;
use serde_json::{Value, json};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut scenario = Scenario::default();
    scenario.region.pbf = args.next().map(Into::into);
    let edits: usize = args.next().map_or(Ok(200), |n| n.parse())?;
    let start = Instant::now();
    let run = run_plan(&scenario, &Quiet)?;
    let planned_s = start.elapsed().as_secs_f64();
    let basemap = serve::session::basemap(&run);
    let session = Session::new(run, Lang::En)?;
    let out = tempfile::tempdir()?;
    let state = AppState::new(Box::new(session), Some(basemap), out.path().to_path_buf());
    let bound = serve::bind("127.0.0.1", 0)?;
    let port = bound.addr().port();
    std::thread::spawn(move || bound.run(state));
    println!("plan {planned_s:.1} s; serving on port {port}; {edits} edits");

    let summary = call(port, "GET", "/api/summary", None).1;
    let layers = call(port, "GET", "/api/layers", None).1;
    let mut bench = Bench::new(&summary, &layers);
    let mut times: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut refused = 0;
    for _ in 0..edits {
        let (kind, method, path, body) = bench.next_edit(port);
        let t = Instant::now();
        let (status, _) = call(port, method, &path, body.as_ref());
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if status == 200 {
            times.entry(kind).or_default().push(ms);
            times.entry("all").or_default().push(ms);
        } else {
            refused += 1;
        }
    }
    println!(
        "{:<16} {:>5} {:>8} {:>8} {:>8}",
        "edit", "n", "p50 ms", "p95 ms", "max ms"
    );
    for (kind, mut ms) in times {
        ms.sort_by(f64::total_cmp);
        let q = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
        println!(
            "{kind:<16} {:>5} {:>8.1} {:>8.1} {:>8.1}",
            ms.len(),
            q(0.5),
            q(0.95),
            ms[ms.len() - 1]
        );
    }
    println!("refused (4xx, not timed): {refused}");
    if summary["bus"].is_object() {
        // Meanwhile the first park's layers are read, timed: the re-plan must not hold them up.
        let layers = format!(
            "/api/layers?park={}",
            bench.parks.first().map_or("", |p| &p.0)
        );
        let mut reads = Vec::new();
        let t = Instant::now();
        let (status, _) = call(port, "POST", "/api/replan", Some(&json!({})));
        loop {
            let s = call(port, "GET", "/api/summary", None).1;
            if s["replan"]["running"] != true {
                let error = s.get("replan_error").cloned().unwrap_or(Value::Null);
                let ms = t.elapsed().as_secs_f64() * 1e3;
                println!("re-plan of the bus lines: {ms:.0} ms (status {status}, error {error})");
                break;
            }
            let r = Instant::now();
            call(port, "GET", &layers, None);
            reads.push(r.elapsed().as_secs_f64() * 1e3);
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        reads.sort_by(f64::total_cmp);
        if let (Some(first), Some(last)) = (reads.first(), reads.last()) {
            let p50 = reads[reads.len() / 2];
            println!(
                "{layers} during it: {} reads, min {first:.1} / p50 {p50:.1} / max {last:.1} ms",
                reads.len()
            );
        }
    }
    std::process::exit(0);
}

/// The random edits: points near the parks, ids from the layers.
struct Bench {
    seed: u64,
    parks: Vec<(String, f64, f64)>,
    categories: Vec<String>,
    facilities: Vec<String>,
    /// Bus stops (id, lon, lat) and the places of deleted ones.
    stops: Vec<(String, f64, f64)>,
    free: Vec<(f64, f64)>,
}

impl Bench {
    fn new(summary: &Value, layers: &Value) -> Bench {
        let parks = summary["parks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                Some((
                    p["id"].as_str()?.to_string(),
                    p["lon"].as_f64()?,
                    p["lat"].as_f64()?,
                ))
            })
            .collect();
        let categories = summary["categories"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["key"].as_str().map(str::to_string))
            .collect();
        Bench {
            seed: 0x9E37_79B9_7F4A_7C15,
            parks,
            categories,
            facilities: ids(&layers["facilities"]),
            stops: layers["bus_stops"]["features"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| {
                    let at = &f["geometry"]["coordinates"];
                    Some((
                        f["properties"]["id"].as_str()?.to_string(),
                        at[0].as_f64()?,
                        at[1].as_f64()?,
                    ))
                })
                .collect(),
            free: Vec::new(),
        }
    }

    /// xorshift64*: a number in 0..n.
    fn below(&mut self, n: usize) -> usize {
        self.seed ^= self.seed >> 12;
        self.seed ^= self.seed << 25;
        self.seed ^= self.seed >> 27;
        (self.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }

    /// A point within about 500 m of a random park.
    fn point(&mut self) -> (String, f64, f64) {
        let i = self.below(self.parks.len());
        let (park, lon, lat) = self.parks[i].clone();
        let dx = (self.below(2001) as f64 - 1000.0) * 0.000_006;
        let dy = (self.below(2001) as f64 - 1000.0) * 0.000_004;
        (park, lon + dx, lat + dy)
    }

    fn next_edit(&mut self, port: u16) -> (&'static str, &'static str, String, Option<Value>) {
        let (park, lon, lat) = self.point();
        let kind = self.below(11);
        if kind >= 8
            && let Some(edit) = self.stop_edit(kind)
        {
            return edit;
        }
        match kind {
            0 | 1 => {
                let i = self.below(self.categories.len());
                let category = self.categories[i].clone();
                let body = json!({ "lon": lon, "lat": lat, "category": category });
                ("add_facility", "POST", "/api/facilities".into(), Some(body))
            }
            2 if !self.facilities.is_empty() => {
                let i = self.below(self.facilities.len());
                let id = self.facilities[i].clone();
                let body = json!({ "lon": lon, "lat": lat });
                (
                    "move_facility",
                    "PUT",
                    format!("/api/facilities/{id}"),
                    Some(body),
                )
            }
            3 if !self.facilities.is_empty() => {
                let i = self.below(self.facilities.len());
                let id = self.facilities.swap_remove(i);
                (
                    "delete_facility",
                    "DELETE",
                    format!("/api/facilities/{id}"),
                    None,
                )
            }
            4 => {
                let body = json!({ "park": park, "lon": lon, "lat": lat });
                ("add_gate", "POST", "/api/gates".into(), Some(body))
            }
            5 | 6 => {
                // A gate of the park, if it has one (the layers are read outside the timing).
                let gates =
                    ids(&call(port, "GET", &format!("/api/layers?park={park}"), None).1["gates"]);
                match gates.get(self.below(gates.len())) {
                    Some(id) if self.below(2) == 0 => {
                        ("delete_gate", "DELETE", format!("/api/gates/{id}"), None)
                    }
                    Some(id) => {
                        let body = json!({ "lon": lon, "lat": lat });
                        ("move_gate", "PUT", format!("/api/gates/{id}"), Some(body))
                    }
                    None => {
                        let body = json!({ "park": park, "lon": lon, "lat": lat });
                        ("add_gate", "POST", "/api/gates".into(), Some(body))
                    }
                }
            }
            7 if self.below(2) == 0 => ("redo", "POST", "/api/redo".into(), None),
            _ => ("undo", "POST", "/api/undo".into(), None),
        }
    }
}

impl Bench {
    /// A stop edit: delete one (its place becomes free), add one at a free place, or move one
    /// to a free place.
    fn stop_edit(
        &mut self,
        kind: usize,
    ) -> Option<(&'static str, &'static str, String, Option<Value>)> {
        match kind {
            8 if !self.stops.is_empty() => {
                let i = self.below(self.stops.len());
                let (id, lon, lat) = self.stops.swap_remove(i);
                self.free.push((lon, lat));
                Some(("delete_stop", "DELETE", format!("/api/stops/{id}"), None))
            }
            9 if !self.free.is_empty() => {
                let i = self.below(self.free.len());
                let (lon, lat) = self.free.swap_remove(i);
                let body = json!({ "line": null, "lon": lon, "lat": lat });
                Some(("add_stop", "POST", "/api/stops".into(), Some(body)))
            }
            10 if !self.free.is_empty() && !self.stops.is_empty() => {
                let i = self.below(self.free.len());
                let (lon, lat) = self.free.swap_remove(i);
                let j = self.below(self.stops.len());
                let (id, old_lon, old_lat) = self.stops[j].clone();
                self.stops[j] = (id.clone(), lon, lat);
                self.free.push((old_lon, old_lat));
                let body = json!({ "lon": lon, "lat": lat });
                Some(("move_stop", "PUT", format!("/api/stops/{id}"), Some(body)))
            }
            _ => None,
        }
    }
}

/// The `id` of every feature of a FeatureCollection.
fn ids(collection: &Value) -> Vec<String> {
    collection["features"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["properties"]["id"].as_str().map(str::to_string))
        .collect()
}

/// One request on a new connection: status and JSON body.
fn call(port: u16, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("send");
    stream.write_all(body.as_bytes()).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let status = String::from_utf8_lossy(&raw[..split])
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let json = serde_json::from_slice(raw.get(split + 4..).unwrap_or(&[])).unwrap_or(Value::Null);
    (status, json)
}
