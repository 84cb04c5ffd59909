//! A stable-toolchain fuzz harness for every reader of outside data.
//!
//! Shared by `examples/fuzz.rs` (the long runs, one child process per target under a memory
//! limit) and `tests/fuzz_regressions.rs` (the kept crashing inputs and a short smoke run).
//!
//! Each [`Target`] turns bytes into the file (or GTFS folder) its reader expects, writes it to a
//! work folder and calls the library reader on it, so a crash that aborts the process leaves the
//! input that caused it on disk. Inputs come from seeds (`tests/fuzz/seeds/`, the test fixtures,
//! the embedded profiles and examples) mutated by [`Mutator`], a deterministic seeded mutator:
//! bit flips, byte inserts and deletes, interesting values, number tokens replaced by huge,
//! negative or NaN values, line duplication and splices. A mutated input whose outcome (its
//! error message with the digits taken out, or `Ok`) was not seen before joins the corpus: a
//! cheap stand-in for coverage feedback.

#![allow(dead_code)]

pub mod mutate;
pub mod pbf_raw;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use lifecircle::commute::gtfs::{DepartureWindow, read_gtfs};
use lifecircle::drt::cordeau;
use lifecircle::graph::{GraphOptions, build_graph};
use lifecircle::osm::OsmExtract;
use lifecircle::places::crs::Crs;
use lifecircle::places::{
    self, AmenityProfile, ParkOptions, ZoneKind, Zones, demand, import, residents,
};
use lifecircle::scenario::Scenario;

pub use mutate::Mutator;

/// The package root (seeds and regression folders are found from it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where kept crashing inputs live: `tests/fuzz_regressions/<target>/<hash>`.
pub fn regressions_dir() -> PathBuf {
    root().join("tests/fuzz_regressions")
}

/// One reader of outside data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `.osm.pbf` → `OsmExtract` → road graph.
    Pbf,
    /// POI CSV (`import::read_pois`).
    PoiCsv,
    /// POI GeoJSON (`import::read_pois`).
    PoiGeojson,
    /// Population CSV (`residents::read_population`).
    PopulationCsv,
    /// Population GeoJSON (`residents::read_population`).
    PopulationGeojson,
    /// Demand CSV (`demand::read_demand`).
    DemandCsv,
    /// Park outlines GeoJSON (`import::read_zones_geojson`).
    ParkGeojson,
    /// Scenario TOML (`Scenario::load`).
    ScenarioToml,
    /// Amenity profile TOML (`AmenityProfile::load`).
    ProfileToml,
    /// A GTFS folder (`gtfs::read_gtfs`).
    Gtfs,
    /// A Cordeau dial-a-ride instance (`cordeau::parse_file`).
    Darp,
}

/// Every target, in the order they are run.
pub const TARGETS: [Target; 11] = [
    Target::Pbf,
    Target::PoiCsv,
    Target::PoiGeojson,
    Target::PopulationCsv,
    Target::PopulationGeojson,
    Target::DemandCsv,
    Target::ParkGeojson,
    Target::ScenarioToml,
    Target::ProfileToml,
    Target::Gtfs,
    Target::Darp,
];

impl Target {
    /// The target's name: its folder under `tests/fuzz_regressions/`.
    pub fn name(self) -> &'static str {
        match self {
            Target::Pbf => "pbf",
            Target::PoiCsv => "poi_csv",
            Target::PoiGeojson => "poi_geojson",
            Target::PopulationCsv => "population_csv",
            Target::PopulationGeojson => "population_geojson",
            Target::DemandCsv => "demand_csv",
            Target::ParkGeojson => "park_geojson",
            Target::ScenarioToml => "scenario_toml",
            Target::ProfileToml => "profile_toml",
            Target::Gtfs => "gtfs",
            Target::Darp => "darp",
        }
    }

    /// The target with this name.
    pub fn from_name(name: &str) -> Option<Target> {
        TARGETS.into_iter().find(|t| t.name() == name)
    }

    /// The file name the input is written to (the readers look at the extension).
    fn file_name(self) -> &'static str {
        match self {
            Target::Pbf => "input.osm.pbf",
            Target::PoiCsv | Target::PopulationCsv | Target::DemandCsv => "input.csv",
            Target::PoiGeojson | Target::PopulationGeojson | Target::ParkGeojson => "input.geojson",
            Target::ScenarioToml | Target::ProfileToml => "input.toml",
            Target::Gtfs => "input.gtfs",
            Target::Darp => "input.txt",
        }
    }

    /// Whether the mutator should treat inputs as binary (no text-aware mutations).
    pub fn is_binary(self) -> bool {
        self == Target::Pbf
    }

    /// The seed inputs: small valid (and some half-valid) files.
    pub fn seeds(self) -> Vec<Vec<u8>> {
        let root = root();
        let seeds = root.join("tests/fuzz/seeds");
        let mut out: Vec<Vec<u8>> = match self {
            Target::Pbf => {
                let mut v = files_in(&root.join("tests/fixtures"), ".osm.pbf");
                // Uncompressed copies: mutations then reach the protobuf blocks, not zlib.
                let raw: Vec<Vec<u8>> = v.iter().filter_map(|b| pbf_raw::to_raw(b)).collect();
                v.extend(raw);
                v
            }
            Target::ProfileToml => files_in(&root.join("src/places/profiles"), ".toml"),
            Target::ScenarioToml => {
                let mut v = files_in(&seeds.join("scenario_toml"), "");
                v.extend(std::fs::read(root.join("examples/scenario.toml")).ok());
                v
            }
            Target::Gtfs => vec![pack_folder(&seeds.join("gtfs/feed"))],
            Target::PoiCsv => files_in(&seeds.join("poi_csv"), ""),
            Target::PoiGeojson => files_in(&seeds.join("poi_geojson"), ""),
            Target::PopulationCsv => files_in(&seeds.join("population_csv"), ""),
            Target::PopulationGeojson => files_in(&seeds.join("population_geojson"), ""),
            Target::DemandCsv => files_in(&seeds.join("demand_csv"), ""),
            Target::ParkGeojson => files_in(&seeds.join("park_geojson"), ""),
            Target::Darp => files_in(&seeds.join("darp"), ""),
        };
        if out.is_empty() {
            out.push(Vec::new());
        }
        out
    }
}

/// The files of a folder whose names end with `suffix`, sorted by name.
fn files_in(dir: &Path, suffix: &str) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(suffix))
        .collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// Separates the files of a packed GTFS folder: `\n@@@ name.txt\n` before each file.
const PACK_MARK: &[u8] = b"@@@ ";

/// Packs a folder of text files into one input: `@@@ name` lines, each followed by the file.
pub fn pack_folder(dir: &Path) -> Vec<u8> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        out.extend_from_slice(PACK_MARK);
        out.extend_from_slice(name.as_bytes());
        out.push(b'\n');
        out.extend(std::fs::read(dir.join(&name)).unwrap_or_default());
    }
    out
}

/// Writes a packed folder out: each `@@@ name` line starts a file (names are reduced to
/// `[A-Za-z0-9_.]`, so a mutated name cannot leave the folder).
fn unpack_folder(bytes: &[u8], dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let mut current: Option<(String, Vec<u8>)> = None;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(PACK_MARK) {
            files.extend(current.take());
            let name: String = String::from_utf8_lossy(rest)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            let name = name.trim_start_matches('.').to_string();
            current = (!name.is_empty()).then(|| (name, Vec::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.extend_from_slice(line);
        }
    }
    files.extend(current);
    for (name, body) in files {
        std::fs::write(dir.join(name), body)?;
    }
    Ok(())
}

/// What the readers need besides the input: built once from the embedded demo region.
pub struct Context {
    bbox: [f64; 4],
    profile: AmenityProfile,
    residential: Zones,
    parks: Zones,
}

/// The shared context (the demo region is read on first use).
pub fn context() -> &'static Context {
    static CONTEXT: OnceLock<Context> = OnceLock::new();
    CONTEXT.get_or_init(|| {
        let extract = OsmExtract::demo();
        Context {
            bbox: extract.bbox,
            profile: AmenityProfile::load("park").expect("the embedded park profile parses"),
            residential: places::residential_zones(&extract),
            parks: places::find_parks(&extract, &ParkOptions::default()),
        }
    })
}

/// What one run of a reader gave: `Ok` with a short summary, or the error message.
pub type Outcome = Result<String, String>;

/// Writes `bytes` into `work` as the target's input and calls its reader.
pub fn run_reader(target: Target, bytes: &[u8], work: &Path) -> Outcome {
    let ctx = context();
    let path = work.join(target.file_name());
    if target == Target::Gtfs {
        unpack_folder(bytes, &path).map_err(|e| format!("unpack: {e}"))?;
    } else {
        std::fs::write(&path, bytes).map_err(|e| format!("write: {e}"))?;
    }
    let crs = Crs::Wgs84;
    let summary = match target {
        Target::Pbf => {
            let extract = OsmExtract::from_pbf(&path).map_err(|e| e.to_string())?;
            let graph = build_graph(&extract, &GraphOptions::default());
            let parks = places::find_parks(&extract, &ParkOptions::default());
            format!("graph {} parks {}", graph.is_ok(), parks.zones.len())
        }
        Target::PoiCsv | Target::PoiGeojson => {
            let (a, w) = import::read_pois(&path, None, &ctx.profile, ctx.bbox, 0)
                .map_err(|e| e.to_string())?;
            format!("{} {}", a.len(), warning_classes(&w))
        }
        Target::PopulationCsv | Target::PopulationGeojson => {
            let (r, w) = residents::read_population(&path, crs, &ctx.residential, ctx.bbox)
                .map_err(|e| e.to_string())?;
            format!("{} {}", r.total(), warning_classes(&w))
        }
        Target::DemandCsv => {
            let (b, w) =
                demand::read_demand(&path, crs, &ctx.parks, ctx.bbox).map_err(|e| e.to_string())?;
            format!("{} {}", b.len(), warning_classes(&w))
        }
        Target::ParkGeojson => {
            let z = import::read_zones_geojson(&path, ZoneKind::Parks, Crs::Wgs84, ctx.bbox)
                .map_err(|e| e.to_string())?;
            format!("{}", z.zones.len())
        }
        Target::ScenarioToml => scenario(&path)?,
        Target::ProfileToml => {
            let p = AmenityProfile::load(&path.display().to_string()).map_err(|e| e.to_string())?;
            format!("{}", p.categories.len())
        }
        Target::Gtfs => {
            let window = DepartureWindow::parse("07:00-09:00").map_err(|e| e.to_string())?;
            let lines = read_gtfs(&path, window).map_err(|e| e.to_string())?;
            format!("{}", lines.lines.len())
        }
        Target::Darp => {
            let p = cordeau::parse_file(&path).map_err(|e| e.to_string())?;
            p.name
        }
    };
    Ok(summary)
}

/// A scenario and the values the stages derive from it.
fn scenario(path: &Path) -> Outcome {
    let s = Scenario::load(path).map_err(|e| e.to_string())?;
    let modes = s.modes().map_err(|e| e.to_string())?;
    let arrive = s.arrive_s().map_err(|e| e.to_string())?;
    s.crs_of().map_err(|e| e.to_string())?;
    s.poi_crs().map_err(|e| e.to_string())?;
    s.bus_roads().map_err(|e| e.to_string())?;
    let _ = s.graph_options();
    let _ = s.resident_options();
    Ok(format!("{} {arrive}", modes.len()))
}

/// The distinct warning messages, digits taken out, sorted: part of an `Ok` outcome's class.
fn warning_classes(warnings: &[lifecircle::places::import::RowWarning]) -> String {
    let mut kinds: Vec<String> = warnings
        .iter()
        .map(|w| {
            w.message
                .en()
                .chars()
                .filter(|c| !c.is_ascii_digit())
                .take(40)
                .collect()
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds.join("; ")
}

/// The outcome reduced to a class: digits and the work folder taken out, at most 300 chars.
pub fn outcome_class(outcome: &Outcome, work: &Path) -> String {
    let text = match outcome {
        Ok(summary) => format!("ok {summary}"),
        Err(e) => e.replace(&work.display().to_string(), ""),
    };
    text.chars()
        .filter(|c| !c.is_ascii_digit())
        .take(300)
        .collect()
}

/// The last panic seen by the hook: `file:line` and message.
static LAST_PANIC: Mutex<Option<(String, String)>> = Mutex::new(None);

thread_local! {
    /// Whether this thread is inside [`run_caught`].
    static IN_RUN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs a panic hook that records where a reader panicked (once per process). Panics in
/// [`run_caught`] and on unnamed threads (rayon workers) are quiet; any other panic (a failed
/// assertion in a test) is printed as usual.
pub fn install_panic_hook() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let quiet = IN_RUN.with(|r| r.get()) || std::thread::current().name().is_none();
            if !quiet {
                return default(info);
            }
            let location = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = Some((location, message));
            }
        }));
    });
}

/// A reader run that panicked: where and why.
#[derive(Clone, Debug)]
pub struct Panic {
    /// `file:line` of the panic.
    pub location: String,
    /// The panic message.
    pub message: String,
}

/// Runs the reader under `catch_unwind`; `Err` is a panic (the hook must be installed).
pub fn run_caught(target: Target, bytes: &[u8], work: &Path) -> Result<Outcome, Panic> {
    IN_RUN.with(|r| r.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| run_reader(target, bytes, work)));
    IN_RUN.with(|r| r.set(false));
    match result {
        Ok(outcome) => Ok(outcome),
        Err(_) => {
            let (location, message) = LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut l| l.take())
                .unwrap_or_default();
            Err(Panic { location, message })
        }
    }
}

/// 64-bit FNV-1a, as 16 hex digits: the name a kept input is saved under.
pub fn hash_name(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Saves an input as `<dir>/<target>/<hash>` and returns the path.
pub fn save_finding(dir: &Path, target: Target, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let folder = dir.join(target.name());
    std::fs::create_dir_all(&folder)?;
    let path = folder.join(hash_name(bytes));
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// Shrinks a panicking input while it still panics at the same place (chunk deletion, halving
/// the chunk size), within `budget`.
/// `before_call` sees each candidate first, as in [`fuzz_target`].
pub fn minimise(
    target: Target,
    bytes: &[u8],
    location: &str,
    work: &Path,
    budget: Duration,
    before_call: &mut impl FnMut(&[u8]),
) -> Vec<u8> {
    let start = Instant::now();
    let mut best = bytes.to_vec();
    let mut chunk = best.len() / 2;
    while chunk >= 1 && start.elapsed() < budget {
        let mut at = 0;
        while at < best.len() && start.elapsed() < budget {
            let end = (at + chunk).min(best.len());
            let mut candidate = best[..at].to_vec();
            candidate.extend_from_slice(&best[end..]);
            before_call(&candidate);
            match run_caught(target, &candidate, work) {
                Err(p) if p.location == location => best = candidate,
                _ => at += chunk,
            }
        }
        chunk /= 2;
    }
    best
}

/// Totals of one fuzzing run of one target.
#[derive(Clone, Debug, Default)]
pub struct RunStats {
    /// Reader calls made.
    pub execs: u64,
    /// Calls that returned `Ok`.
    pub oks: u64,
    /// Distinct outcome classes seen (see [`outcome_class`]).
    pub classes: usize,
    /// Inputs in the corpus at the end.
    pub corpus: usize,
    /// Distinct panics found: location, message and the saved (minimised) input.
    pub panics: Vec<(Panic, Vec<u8>)>,
}

/// Limits of one fuzzing run.
#[derive(Clone, Copy, Debug)]
pub struct RunLimits {
    /// The mutator's seed.
    pub seed: u64,
    /// Stop after this many reader calls.
    pub max_execs: u64,
    /// Stop after this long.
    pub max_time: Duration,
    /// Time allowed to shrink each new panic.
    pub minimise_time: Duration,
}

/// Fuzzes one target in this process: mutates the corpus, calls the reader under
/// `catch_unwind`, keeps inputs with a new outcome class, records each distinct panic once.
/// `before_call` is called with each input before the reader sees it (the long runs use it to
/// tell the watchdog).
pub fn fuzz_target(
    target: Target,
    work: &Path,
    limits: RunLimits,
    mut before_call: impl FnMut(&[u8]),
) -> RunStats {
    install_panic_hook();
    let mut corpus = target.seeds();
    let mut mutator = Mutator::new(limits.seed, target.is_binary());
    let mut classes = std::collections::HashSet::new();
    let mut stats = RunStats::default();
    let start = Instant::now();
    while stats.execs < limits.max_execs && start.elapsed() < limits.max_time {
        let input = if (stats.execs as usize) < corpus.len() {
            corpus[stats.execs as usize].clone()
        } else {
            mutator.mutate(&corpus)
        };
        before_call(&input);
        stats.execs += 1;
        match run_caught(target, &input, work) {
            Ok(outcome) => {
                stats.oks += u64::from(outcome.is_ok());
                if classes.insert(outcome_class(&outcome, work)) && corpus.len() < 2000 {
                    corpus.push(input);
                }
            }
            Err(p) => {
                if stats.panics.iter().all(|(q, _)| q.location != p.location) {
                    let small = minimise(
                        target,
                        &input,
                        &p.location,
                        work,
                        limits.minimise_time,
                        &mut before_call,
                    );
                    stats.panics.push((p, small));
                }
            }
        }
    }
    stats.classes = classes.len();
    stats.corpus = corpus.len();
    stats
}
