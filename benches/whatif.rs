//! Edit-to-answer latency of the what-if engine (`lifecircle serve`, issue 14): 200 random
//! edits (facility add / move / delete, gate add / move / delete, outline set, undo, redo) on
//! liechtenstein-2015 and its 4×4 tiling, each timed from the edit to the new summary (the
//! figures the page redraws), with p50 / p95 / max per kind. Goal: < 100 ms on
//! liechtenstein-2015. Not a criterion bench: a latency distribution over a sequence of
//! different edits is the figure wanted, not a mean of one repeated call.
//!
//! `cargo bench --bench whatif` (the extracts are looked for in `../shared/data/osm/`, or
//! `LIFECIRCLE_WHATIF_PBF=path` for one file; `WHATIF_EDITS=n` changes the count).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use lifecircle::lang::Lang;
use lifecircle::plan::{Quiet, run_plan};
use lifecircle::scenario::Scenario;
use lifecircle::whatif::{Edit, Session};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A small deterministic generator (xorshift64*), so every run makes the same edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A random edit of a random kind, valid for the session's state.
fn random_edit(s: &Session, rng: &mut Rng) -> (&'static str, Option<Edit>) {
    let run = s.run();
    let parks = &run.parks.as_ref().expect("the region has parks").zones;
    let lc = run.life_circle.as_ref().expect("the life circle ran");
    let park = &parks[rng.below(parks.len())];
    let centre = geo::InteriorPoint::interior_point(&park.polygon)
        .map_or(geo::Coord { x: 0.0, y: 0.0 }, |p| p.0);
    let jitter = |rng: &mut Rng| (rng.unit() - 0.5) * 0.01;
    let gates: Vec<(String, geo::Coord)> = parks
        .iter()
        .enumerate()
        .flat_map(|(i, z)| s.gate_ids(i).iter().cloned().zip(z.gates.iter().copied()))
        .collect();
    match rng.below(9) {
        0 | 1 => {
            let c = &lc.profile.categories[rng.below(lc.profile.categories.len())];
            let edit = Edit::AddFacility {
                lon: centre.x + jitter(rng),
                lat: centre.y + jitter(rng),
                category: c.id.clone(),
            };
            ("add facility", Some(edit))
        }
        2 => {
            let i = rng.below(lc.amenities.len());
            let a = lc.amenities[i].location;
            let edit = Edit::MoveFacility {
                id: s.facility_ids()[i].clone(),
                lon: a.x + jitter(rng) / 5.0,
                lat: a.y + jitter(rng) / 5.0,
            };
            ("move facility", Some(edit))
        }
        3 => {
            let id = s.facility_ids()[rng.below(lc.amenities.len())].clone();
            ("delete facility", Some(Edit::DeleteFacility { id }))
        }
        4 => {
            let edit = Edit::AddGate {
                park: park.code.clone(),
                lon: centre.x + jitter(rng) / 10.0,
                lat: centre.y + jitter(rng) / 10.0,
            };
            ("add gate", Some(edit))
        }
        5 if !gates.is_empty() => {
            let (id, at) = gates[rng.below(gates.len())].clone();
            let edit = Edit::MoveGate {
                id,
                lon: at.x + jitter(rng) / 10.0,
                lat: at.y + jitter(rng) / 10.0,
            };
            ("move gate", Some(edit))
        }
        6 if !gates.is_empty() => {
            let id = gates[rng.below(gates.len())].0.clone();
            ("delete gate", Some(Edit::DeleteGate { id }))
        }
        7 => {
            let d = 0.001 + rng.unit() * 0.003;
            let ring = vec![
                [centre.x - d, centre.y - d],
                [centre.x + d, centre.y - d],
                [centre.x + d, centre.y + d],
                [centre.x - d, centre.y + d],
            ];
            let edit = Edit::SetOutline {
                park: park.code.clone(),
                ring,
            };
            ("set outline", Some(edit))
        }
        8 => ("undo", None),
        _ => ("redo", None),
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn bench(path: PathBuf, edits: usize) {
    let mut scenario = Scenario::default();
    scenario.region.pbf = Some(path.clone());
    scenario.bus.enabled = false;
    let start = Instant::now();
    let run = run_plan(&scenario, &Quiet).expect("the extract loads");
    let plan_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let mut s = Session::new(run, Lang::En).expect("a session");
    let session_s = start.elapsed().as_secs_f64();
    let parks = s.run().parks.as_ref().map_or(0, |p| p.zones.len());
    let amenities = s
        .run()
        .life_circle
        .as_ref()
        .map_or(0, |lc| lc.amenities.len());
    println!(
        "{}: {parks} parks, {amenities} facilities; plan {plan_s:.1} s, Session::new {session_s:.1} s",
        path.display()
    );
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut times: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for _ in 0..edits {
        let (kind, edit) = random_edit(&s, &mut rng);
        let t = Instant::now();
        let summary = match edit {
            Some(e) => match s.apply(e) {
                Ok(summary) => summary,
                Err(e) => {
                    println!("  refused ({kind}): {e}");
                    continue;
                }
            },
            None if kind == "undo" => s.undo(),
            None => s.redo(),
        };
        std::hint::black_box(&summary);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.entry(kind).or_default().push(ms);
        times.entry("all").or_default().push(ms);
    }
    println!(
        "  {:<16} {:>5} {:>9} {:>9} {:>9}",
        "edit", "n", "p50 ms", "p95 ms", "max ms"
    );
    for (kind, mut t) in times {
        t.sort_by(f64::total_cmp);
        println!(
            "  {kind:<16} {:>5} {:>9.1} {:>9.1} {:>9.1}",
            t.len(),
            percentile(&t, 0.5),
            percentile(&t, 0.95),
            t[t.len() - 1]
        );
    }
}

fn main() {
    let edits = std::env::var("WHATIF_EDITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let paths: Vec<PathBuf> = match std::env::var_os("LIFECIRCLE_WHATIF_PBF") {
        Some(p) => vec![PathBuf::from(p)],
        None => [
            "liechtenstein-2015.osm.pbf",
            "liechtenstein-2015-4x4.osm.pbf",
        ]
        .iter()
        .map(|n| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/data/osm")
                .join(n)
        })
        .collect(),
    };
    for path in paths {
        if !path.exists() {
            println!("skipped: {} is absent", path.display());
            continue;
        }
        bench(path, edits);
    }
}
