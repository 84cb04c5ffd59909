//! The `lifecircle` command line: parse arguments, call the library, write, print.
//!
//! Exit codes: 0 success; 2 bad input or nothing could be done (one `error:` line on stderr;
//! clap's usage errors are 2 as well); 3 the run wrote what it could but did not do all that was
//! asked: `plan` with a requested stage without result (one `warning:` line; report.html says
//! why), or `darp` without a plan serving every request.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use geo::Coord;
use indicatif::{ProgressBar, ProgressStyle};
use lifecircle::coverage::{CoverageOptions, VertexIndex};
use lifecircle::drt::lines::{LineOptions, LinePlan};
use lifecircle::graph::snap::DEFAULT_MAX_SNAP_M;
use lifecircle::graph::{GraphOptions, Mode, RoadGraph, build_graph};
use lifecircle::inspect::Inspection;
use lifecircle::osm::OsmExtract;
use lifecircle::places::crs::Crs;
use lifecircle::places::residents::ResidentOptions;
use lifecircle::places::{ParkOptions, ZoneKind, select_zones};
use lifecircle::plan::{PlanRun, Progress, Quiet, STAGES, line_options, run_plan};
use lifecircle::report::html::Lang;
use lifecircle::report::outdir::{self, OutDir};
use lifecircle::report::{self, OutputFile, round};
use lifecircle::routing::SearchScratch;
use lifecircle::routing::isochrone::isochrones;
use lifecircle::scenario::{
    BusConfig, CommuteConfig, LifeCircleConfig, RegionConfig, Scenario, rules,
};

// Reading a large extract allocates millions of small vectors; mimalloc does that ~12 %
// faster than the system allocator (measured with callgrind on liechtenstein-2015).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Life circles, commute circles and demand-responsive buses for industrial parks, from
/// OpenStreetMap data.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options every analysis shares.
#[derive(Args)]
struct Common {
    /// The .osm.pbf file (default: the embedded Liechtenstein demo region).
    pbf: Option<PathBuf>,
    /// Walking speed in km/h, or `elderly` (3.6 km/h).
    #[arg(long, default_value = "4.5", value_parser = parse_walk_speed)]
    walk_speed: f64,
}

/// Where residents come from.
#[derive(Args)]
struct PopulationArgs {
    /// Residents: CSV (lon,lat,count) or GeoJSON points/polygons with a count, instead of
    /// the estimate from buildings.
    #[arg(long, value_name = "FILE")]
    population: Option<PathBuf>,
    /// Residents per m² of residential floor area, for the estimate from buildings.
    #[arg(long, default_value_t = ResidentOptions::default().persons_per_m2)]
    persons_per_m2: f64,
    /// Levels of a residential building without `building:levels`.
    #[arg(long, default_value_t = ResidentOptions::default().default_levels)]
    levels: f64,
    /// Residents per hectare of a residential area without mapped homes.
    #[arg(long, default_value_t = ResidentOptions::default().area_density_per_ha)]
    area_density: f64,
    /// Scale the estimate to this known population (its distribution is kept).
    #[arg(long, value_name = "N")]
    residents_total: Option<f64>,
    /// Coordinate system of --population.
    #[arg(long, default_value = "wgs84", value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
    population_crs: Crs,
}

/// Where the existing bus lines come from.
#[derive(Args)]
struct TransitArgs {
    /// A GTFS feed (.zip or folder) for the bus layer instead of OSM route relations.
    #[arg(long, value_name = "FILE.zip")]
    gtfs: Option<PathBuf>,
    /// Departure window for GTFS service.
    #[arg(long, default_value = "07:00-08:00")]
    depart: String,
}

#[derive(Subcommand)]
enum Command {
    /// The whole analysis in one command: life circle, commute circle and bus lines, every
    /// stage's files and report.html, from a scenario file (examples/scenario.toml).
    Plan {
        /// The .osm.pbf file (default: the scenario's, else the embedded demo region).
        pbf: Option<PathBuf>,
        /// Scenario file with every assumption (default: the built-in defaults).
        #[arg(long, value_name = "scenario.toml")]
        config: Option<PathBuf>,
        /// Output folder (default: the scenario's, `out`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Report language (default: the scenario's, en).
        #[arg(long, value_parser = ["en", "zh"])]
        lang: Option<String>,
        /// Park outlines (GeoJSON) instead of landuse=industrial areas.
        #[arg(long, value_name = "FILE.geojson")]
        parks: Option<PathBuf>,
        /// Coordinate system of --parks: wgs84, gcj02 (outlines drawn on Amap or Tencent) or
        /// bd09 (Baidu). Default: the scenario's, wgs84.
        #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
        parks_crs: Option<Crs>,
    },
    /// Summarise a region: OSM elements, areas, stops, and each mode's routing graph.
    Inspect {
        /// The .osm.pbf file (default: the embedded Liechtenstein demo region).
        pbf: Option<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Also snap this point (LON,LAT in WGS-84) for every mode and print where it lands.
        #[arg(long, value_name = "LON,LAT", value_parser = parse_lon_lat, allow_hyphen_values = true)]
        snap: Option<Coord>,
        /// Maximum snapping distance, metres.
        #[arg(long, default_value_t = DEFAULT_MAX_SNAP_M)]
        max_snap_m: f64,
    },
    /// The 15-minute life circle of every park: amenity coverage, gaps and new sites.
    Coverage {
        #[command(flatten)]
        common: Common,
        /// Park outlines (GeoJSON Polygon/MultiPolygon features with a `name`) instead of
        /// landuse=industrial areas.
        #[arg(long, value_name = "FILE.geojson")]
        parks: Option<PathBuf>,
        /// Coordinate system of --parks: wgs84, gcj02 (outlines drawn on Amap or Tencent) or
        /// bd09 (Baidu). Default: the scenario's, wgs84.
        #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
        parks_crs: Option<Crs>,
        /// Amenity profile: park, gb50180 (residential areas), or a .toml file.
        #[arg(long, default_value = "park", value_name = "NAME|FILE.toml")]
        profile: String,
        /// Extra amenities: CSV (lon,lat,category,name) or GeoJSON points; repeatable.
        #[arg(long, value_name = "FILE")]
        poi: Vec<PathBuf>,
        /// Coordinate system of --poi files (default: each file's own — GCJ-02 for an Amap
        /// export, BD-09 for a Baidu export, else WGS-84).
        #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
        poi_crs: Option<Crs>,
        /// Walking-time threshold of the life circle, minutes (replaces the profile's).
        #[arg(long)]
        minutes: Option<f64>,
        /// New sites to propose per park and missing category.
        #[arg(long, default_value_t = 3)]
        sites: usize,
        /// Propose a site only when it lifts its category's coverage of the park by at least
        /// this many percentage points.
        #[arg(long, default_value_t = 5.0, value_name = "POINTS")]
        min_site_gain: f64,
        /// Output folder.
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// The 30-minute commute circle: who reaches each park within 15/30/45/60 minutes, by mode.
    Commute {
        #[command(flatten)]
        common: Common,
        /// Park outlines (GeoJSON) instead of landuse=industrial areas.
        #[arg(long, value_name = "FILE.geojson")]
        parks: Option<PathBuf>,
        /// Coordinate system of --parks: wgs84, gcj02 (outlines drawn on Amap or Tencent) or
        /// bd09 (Baidu). Default: the scenario's, wgs84.
        #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
        parks_crs: Option<Crs>,
        #[command(flatten)]
        population: PopulationArgs,
        #[command(flatten)]
        transit: TransitArgs,
        /// The commute target, minutes.
        #[arg(long, default_value_t = 30.0)]
        minutes: f64,
        /// Modes, comma-separated.
        #[arg(long, default_value = "walk,bike,ebike,bus,car", value_delimiter = ',', value_parser = |s: &str| s.parse::<Mode>().map_err(|e| e.to_string()))]
        modes: Vec<Mode>,
        /// Output folder.
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// Solve a Cordeau dial-a-ride benchmark instance with the bus-line optimiser and check it.
    /// Exit code 3 when the plan found leaves a request unserved.
    Darp {
        /// The instance file (format: ../shared/data/darp/README.md).
        file: PathBuf,
        /// Time limit, seconds.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Random seed (the same seed and iteration count give the same solution).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Reservation-responsive bus lines from living areas to the parks: stops, routes,
    /// timetables, GTFS and KPIs beside today's best mode.
    Drt {
        #[command(flatten)]
        common: Common,
        /// Park outlines (GeoJSON) instead of landuse=industrial areas.
        #[arg(long, value_name = "FILE.geojson")]
        parks: Option<PathBuf>,
        /// Coordinate system of --parks: wgs84, gcj02 (outlines drawn on Amap or Tencent) or
        /// bd09 (Baidu). Default: the scenario's, wgs84.
        #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
        parks_crs: Option<Crs>,
        /// Plan for these parks only (code such as P1, or name); repeatable. Default: all.
        #[arg(long = "park", value_name = "NAME_OR_ID")]
        only_parks: Vec<String>,
        /// Bookings or worker homes: CSV with lon, lat, park, arrive_by (HH:MM), optional count.
        #[arg(long, value_name = "FILE.csv")]
        demand: Option<PathBuf>,
        /// Coordinate system of --demand.
        #[arg(long, default_value = "wgs84", value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
        demand_crs: Crs,
        /// Without --demand: synthetic workers per park, drawn from residents outside the
        /// target by every existing mode but the car.
        #[arg(long, default_value_t = 200, conflicts_with = "demand")]
        workers: u32,
        /// Seed of the synthetic sample and of the search.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Seats per vehicle; several for a mixed fleet, e.g. 19,33,50.
        #[arg(long, default_value = "33", value_delimiter = ',')]
        capacity: Vec<u32>,
        /// Roads the vehicles may use: bus (roads open to buses, bus speed) or car (minibuses
        /// on every road open to cars, car speed).
        #[arg(long, default_value = "bus", value_parser = ["bus", "car"])]
        roads: String,
        /// Longest walk from home to a stop, metres (along footways and streets).
        #[arg(long, default_value_t = LineOptions::default().max_walk_m)]
        max_walk_m: f64,
        /// Shift start: buses reach the park gate by then (synthetic demand; a --demand file
        /// gives its own times).
        #[arg(long, default_value = "08:00")]
        arrive: String,
        /// Buses may arrive this many minutes early.
        #[arg(long, default_value_t = LineOptions::default().early_min)]
        early: f64,
        /// Door-to-door target, minutes.
        #[arg(long, default_value_t = LineOptions::default().target_min)]
        minutes: f64,
        /// Shift length, hours: the evening trip leaves the park this long after --arrive.
        #[arg(long, default_value_t = LineOptions::default().shift_h)]
        shift_hours: f64,
        /// Search time limit, seconds.
        #[arg(long, default_value_t = 30.0)]
        seconds: f64,
        /// Search iterations per worker (0: until --seconds). With a limit that is reached
        /// before --seconds, outputs are byte-identical for a seed whatever the machine.
        #[arg(long, default_value_t = 2_000)]
        iterations: u64,
        /// Time zone written to the GTFS feed.
        #[arg(long, default_value = "Asia/Shanghai")]
        timezone: String,
        #[command(flatten)]
        population: PopulationArgs,
        #[command(flatten)]
        transit: TransitArgs,
        /// Output folder.
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// Nested isochrone polygons from a point or a park, as GeoJSON.
    Isochrone {
        #[command(flatten)]
        common: Common,
        /// Start point, LON,LAT (WGS-84).
        #[arg(long, value_name = "LON,LAT", value_parser = parse_lon_lat, allow_hyphen_values = true, conflicts_with = "park", required_unless_present = "park")]
        from: Option<Coord>,
        /// Start from a park's access points: its code (P1, …) or name.
        #[arg(long, value_name = "NAME_OR_ID")]
        park: Option<String>,
        /// Travel mode.
        #[arg(long, default_value = "walk", value_parser = |s: &str| s.parse::<Mode>().map_err(|e| e.to_string()))]
        mode: Mode,
        /// Band limits, minutes, comma-separated.
        #[arg(long, default_value = "5,10,15", value_delimiter = ',')]
        minutes: Vec<f64>,
        /// Output file.
        #[arg(long, default_value = "out/isochrone.geojson")]
        out: PathBuf,
    },
}

fn parse_lon_lat(s: &str) -> Result<Coord, String> {
    let (lon, lat) = s
        .split_once(',')
        .ok_or("expected LON,LAT, e.g. 9.5215,47.1410")?;
    let lon: f64 = lon
        .trim()
        .parse()
        .map_err(|_| format!("'{lon}' is not a longitude"))?;
    let lat: f64 = lat
        .trim()
        .parse()
        .map_err(|_| format!("'{lat}' is not a latitude"))?;
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(format!(
            "{lon},{lat} is not a WGS-84 lon,lat (longitude first)"
        ));
    }
    Ok(Coord { x: lon, y: lat })
}

fn parse_walk_speed(s: &str) -> Result<f64, String> {
    if s.eq_ignore_ascii_case("elderly") {
        return Ok(3.6);
    }
    let rule = rules::WALK_KMH;
    s.trim()
        .parse::<f64>()
        .ok()
        .and_then(|v| rule.check(v).ok())
        .ok_or_else(|| {
            format!(
                "'{s}' is not a walking speed: {}, or 'elderly'",
                rule.range()
            )
        })
}

fn load(pbf: Option<&PathBuf>) -> anyhow::Result<OsmExtract> {
    let extract = match pbf {
        Some(path) => OsmExtract::from_pbf(path)?,
        None => OsmExtract::demo(),
    };
    warn_read(&extract);
    Ok(extract)
}

/// Prints what reading the region found doubtful (once per run).
fn warn_read(extract: &OsmExtract) {
    if let Some(w) = &extract.stats.bbox_warning {
        eprintln!("warning: {}: {w}", extract.source.display());
    }
}

fn load_graph(common: &Common) -> anyhow::Result<(OsmExtract, RoadGraph)> {
    let extract = load(common.pbf.as_ref())?;
    let options = GraphOptions {
        walk_kmh: common.walk_speed,
        ..GraphOptions::default()
    };
    let graph = build_graph(&extract, &options)?;
    Ok((extract, graph))
}

/// `[region]` from the shared command-line options.
fn region(
    common: Common,
    parks: Option<PathBuf>,
    parks_crs: Option<Crs>,
    defaults: RegionConfig,
) -> RegionConfig {
    RegionConfig {
        pbf: common.pbf,
        parks,
        parks_crs: parks_crs.map_or(defaults.parks_crs.clone(), |c| c.name().to_string()),
        walk_kmh: common.walk_speed,
        ..defaults
    }
}

/// `[commute]` from the command-line options.
fn commute_config(
    minutes: f64,
    modes: &[Mode],
    population: PopulationArgs,
    transit: TransitArgs,
) -> CommuteConfig {
    CommuteConfig {
        enabled: true,
        minutes,
        modes: modes.iter().map(|m| m.name().to_string()).collect(),
        population: population.population,
        population_crs: population.population_crs.name().to_string(),
        persons_per_m2: population.persons_per_m2,
        levels: population.levels,
        area_density_per_ha: population.area_density,
        residents_total: population.residents_total,
        gtfs: transit.gtfs,
        depart: transit.depart,
    }
}

/// Checks the output folder before any work (see `report::outdir`): `names` are the files
/// the command may write, `remove_stale` removes its own earlier ones it does not make again.
fn prepare_out(
    out: &Path,
    names: &[&str],
    remove_stale: bool,
    scenario: &Scenario,
    config: Option<&PathBuf>,
) -> anyhow::Result<OutDir> {
    let mut inputs = scenario.input_paths();
    if let Some(config) = config {
        inputs.push(("--config", config.clone()));
    }
    Ok(outdir::prepare(out, names, remove_stale, &inputs)?)
}

fn defaults_modes() -> Vec<Mode> {
    Scenario::default()
        .modes()
        .expect("the default modes parse")
}

/// A stage's result, or its failure as an error: the region's own error when there are no
/// parks (it says what to do), else the stage's reason.
fn stage<'a, T>(run: &PlanRun, result: Result<&'a T, &String>) -> anyhow::Result<&'a T> {
    result.map_err(|why| match &run.parks {
        Err(parks) => anyhow::anyhow!("{parks}"),
        Ok(_) => anyhow::anyhow!("{why}"),
    })
}

/// What was repaired or dropped reading the planner's park outlines, as warnings.
fn print_park_notes(run: &PlanRun) {
    for note in run.parks.iter().flat_map(|p| &p.notes) {
        eprintln!("warning: {note}");
    }
}

/// The last line of a command: what was written where, and how long it all took.
fn print_written(written: &[PathBuf], out: &Path, start: Instant) {
    println!(
        "wrote {} files to {} in {:.2} s",
        written.len(),
        out.display(),
        start.elapsed().as_secs_f64()
    );
}

fn percent(x: f64) -> String {
    format!("{:.0}%", round(100.0 * x, 0))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Plan {
            pbf,
            config,
            out,
            lang,
            parks,
            parks_crs,
        } => {
            let start = Instant::now();
            let mut scenario = match &config {
                Some(path) => Scenario::load(path)?,
                None => Scenario::default(),
            };
            scenario.region.pbf = pbf.or(scenario.region.pbf);
            scenario.region.parks = parks.or(scenario.region.parks);
            if let Some(crs) = parks_crs {
                scenario.region.parks_crs = crs.name().to_string();
            }
            scenario.report.out = out.unwrap_or(scenario.report.out);
            scenario.report.lang = lang.unwrap_or(scenario.report.lang);
            scenario.validate()?;
            line_options(&scenario).validate()?;
            let out_dir = prepare_out(
                &scenario.report.out,
                report::PLAN_FILES,
                true,
                &scenario,
                config.as_ref(),
            )?;
            let bar = ProgressBar::new(STAGES.len() as u64).with_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:20} {pos}/{len} {msg}",
                )
                .expect("a valid template"),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            let progress = Bar(bar.clone());
            let run = run_plan(&scenario, &progress)?;
            warn_read(&run.extract);
            let lang = Lang::parse(&scenario.report.lang);
            let files = report::html::plan_files(&run, lang)?;
            let committed = out_dir.commit(&files)?;
            bar.finish_and_clear();
            for path in &committed.removed {
                eprintln!(
                    "removed {} (from an earlier run; not made this time)",
                    path.display()
                );
            }
            print_park_notes(&run);
            print_plan(&run);
            println!(
                "wrote {} files to {} (open {}) in {:.2} s",
                committed.written.len(),
                scenario.report.out.display(),
                scenario.report.out.join("report.html").display(),
                start.elapsed().as_secs_f64()
            );
            plan_outcome(&run)?;
        }
        Command::Inspect {
            pbf,
            json,
            snap,
            max_snap_m,
        } => {
            let start = Instant::now();
            rules::MAX_SNAP_M.check(max_snap_m)?;
            let extract = load(pbf.as_ref())?;
            let graph = build_graph(&extract, &GraphOptions::default())?;
            let inspection = Inspection::new(&extract, &graph, start.elapsed());
            let snaps = match snap {
                Some(point) => Mode::ALL
                    .iter()
                    .map(|&mode| graph.snap(mode, point, max_snap_m))
                    .collect::<Result<Vec<_>, _>>()?,
                None => Vec::new(),
            };
            if json {
                let value = serde_json::json!({ "inspection": inspection, "snaps": snaps });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&value).context("serialising the summary")?
                );
            } else {
                print!("{inspection}");
                for s in &snaps {
                    let way = graph.edges[s.edge.index()].way.0;
                    println!(
                        "  snap {:<6} {:.6},{:.6}  {:.1} m away, on way/{way}",
                        s.mode.name(),
                        s.point.x,
                        s.point.y,
                        s.distance_m
                    );
                }
            }
        }
        Command::Coverage {
            common,
            parks,
            parks_crs,
            profile,
            poi,
            poi_crs,
            minutes,
            sites,
            min_site_gain,
            out,
        } => {
            let start = Instant::now();
            let defaults = Scenario::default();
            let scenario = Scenario {
                region: region(common, parks, parks_crs, defaults.region),
                life_circle: LifeCircleConfig {
                    enabled: true,
                    profile,
                    minutes,
                    sites,
                    min_site_gain_points: min_site_gain,
                    poi,
                    poi_crs: poi_crs.map_or("auto", Crs::name).to_string(),
                },
                commute: CommuteConfig {
                    enabled: false,
                    ..defaults.commute
                },
                bus: BusConfig {
                    enabled: false,
                    ..defaults.bus
                },
                ..defaults
            };
            let out_dir = prepare_out(
                &out,
                report::coverage::COVERAGE_FILES,
                false,
                &scenario,
                None,
            )?;
            let run = run_plan(&scenario, &Quiet)?;
            warn_read(&run.extract);
            print_park_notes(&run);
            let lc = stage(&run, run.life_circle.as_ref())?;
            for w in &lc.warnings {
                eprintln!("warning: {w} (row skipped)");
            }
            let info = report::coverage::RunInfo {
                source: run.extract.source.display().to_string(),
                warnings: lc.warnings.clone(),
            };
            let mut files =
                report::coverage::coverage_files(&lc.zones, &lc.amenities, &lc.report, &info);
            files.extend(report::xlsx::tables_file(
                &files,
                Lang::parse(&scenario.report.lang),
            )?);
            let written = out_dir.commit(&files)?.written;
            print_coverage(&lc.zones, &lc.report, lc.amenities.len());
            print_written(&written, &out, start);
        }
        Command::Commute {
            common,
            parks,
            parks_crs,
            population,
            transit,
            minutes,
            modes,
            out,
        } => {
            let start = Instant::now();
            let defaults = Scenario::default();
            let scenario = Scenario {
                region: region(common, parks, parks_crs, defaults.region),
                life_circle: LifeCircleConfig {
                    enabled: false,
                    ..defaults.life_circle
                },
                commute: commute_config(minutes, &modes, population, transit),
                bus: BusConfig {
                    enabled: false,
                    ..defaults.bus
                },
                ..defaults
            };
            let out_dir =
                prepare_out(&out, report::commute::COMMUTE_FILES, false, &scenario, None)?;
            let run = run_plan(&scenario, &Quiet)?;
            warn_read(&run.extract);
            print_park_notes(&run);
            let c = stage(&run, run.commute.as_ref())?;
            let park_zones = run.parks.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
            for w in &c.warnings {
                eprintln!("warning: {w}");
            }
            let report = &c.report;
            let mut files = report::commute::commute_files(
                park_zones,
                &run.areas,
                &c.residents,
                report,
                &run.extract.source.display().to_string(),
                &c.warnings,
            );
            files.extend(report::xlsx::tables_file(
                &files,
                Lang::parse(&scenario.report.lang),
            )?);
            let written = out_dir.commit(&files)?.written;
            println!(
                "Commute circle — {} residents ({}), {} bus lines and {} stops from {}, {} bike-share points",
                round(report.residents_total, 0),
                match (c.residents.supplied, c.residents.scaled_to_total) {
                    (true, _) => "supplied",
                    (false, Some(_)) =>
                        "estimated from buildings and areas, scaled to --residents-total",
                    (false, None) => "estimated from buildings and areas",
                },
                report.transit_lines,
                report.transit_stops,
                report.transit_source,
                report.bikeshare_points
            );
            print!("{:<5} {:<28}", "id", "park");
            for m in &modes {
                print!(" {:>9}", format!("{}≤{}", m.name(), minutes));
            }
            println!();
            for pc in &report.parks {
                let z = &park_zones.zones[pc.zone.0 as usize];
                print!(
                    "{:<5} {:<28}",
                    z.code,
                    z.name.chars().take(28).collect::<String>()
                );
                for m in &pc.modes {
                    let within = m.residents_within_target;
                    print!(" {:>9}", percent(within / report.residents_total.max(1.0)));
                }
                println!();
            }
            print_written(&written, &out, start);
        }
        Command::Darp {
            file,
            seconds,
            seed,
        } => {
            rules::DARP_SECONDS.check(seconds)?;
            let problem = lifecircle::drt::cordeau::parse_file(&file)?;
            let config = lifecircle::drt::optimise::Config {
                seed,
                time_limit_s: Some(seconds),
                ..Default::default()
            };
            let outcome = lifecircle::drt::optimise::optimise(&problem, &config)?;
            let report =
                lifecircle::drt::check::check(&problem, &outcome.solution.without_schedules())?;
            println!(
                "{}: cost {:.2}, {} vehicles, {} requests unserved, feasible {}, {:.1} s, {} iterations",
                problem.name,
                report.objective,
                outcome.objective.vehicles_used,
                outcome.solution.unserved.len(),
                if report.is_complete() { "yes" } else { "NO" },
                outcome.elapsed_s,
                outcome.iterations
            );
            for v in &report.violations {
                println!("  violation: {v}");
            }
            anyhow::ensure!(report.is_feasible(), "the checker rejected the solution");
            if !report.is_complete() {
                return Err(NoCompletePlan(format!(
                    "{}: no plan serves every request ({} of {} unserved); give more --seconds, or check the time windows and the vehicle count",
                    file.display(),
                    outcome.solution.unserved.len(),
                    problem.requests.len()
                ))
                .into());
            }
        }
        Command::Drt {
            common,
            parks,
            parks_crs,
            only_parks,
            demand,
            demand_crs,
            workers,
            seed,
            capacity,
            roads,
            max_walk_m,
            arrive,
            early,
            minutes,
            shift_hours,
            seconds,
            iterations,
            timezone,
            population,
            transit,
            out,
        } => {
            let start = Instant::now();
            let defaults = Scenario::default();
            let scenario = Scenario {
                region: region(common, parks, parks_crs, defaults.region),
                life_circle: LifeCircleConfig {
                    enabled: false,
                    ..defaults.life_circle
                },
                commute: commute_config(minutes, &defaults_modes(), population, transit),
                bus: BusConfig {
                    enabled: true,
                    demand,
                    demand_crs: demand_crs.name().to_string(),
                    max_parks: if only_parks.is_empty() { usize::MAX } else { 0 },
                    parks: only_parks,
                    workers,
                    seed,
                    capacity,
                    roads,
                    max_walk_m,
                    arrive,
                    early_min: early,
                    target_min: minutes,
                    shift_hours,
                    seconds,
                    iterations,
                    timezone,
                },
                ..defaults
            };
            scenario.validate()?;
            line_options(&scenario).validate()?;
            let out_dir = prepare_out(&out, report::drt::DRT_FILES, false, &scenario, None)?;
            let run = run_plan(&scenario, &Quiet)?;
            warn_read(&run.extract);
            print_park_notes(&run);
            let bus = run
                .bus
                .as_ref()
                .map_err(|e| anyhow::anyhow!("bus lines: {e}"))?;
            if let Ok(c) = &run.commute {
                for w in &c.warnings {
                    eprintln!("warning: {w}");
                }
            }
            for w in &bus.skipped {
                eprintln!("warning: {w}");
            }
            let parks = run.parks.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
            let source = run.extract.source.display().to_string();
            let demand_name = scenario
                .bus
                .demand
                .as_ref()
                .map(|p| p.display().to_string());
            let info = report::drt::DrtRunInfo {
                source: &source,
                demand: demand_name.as_deref(),
                seed,
                skipped_rows: &bus.skipped,
                timezone: &scenario.bus.timezone,
            };
            let mut files = report::drt::drt_files(parks, &bus.bookings, &bus.plan, &info);
            files.extend(report::xlsx::tables_file(
                &files,
                Lang::parse(&scenario.report.lang),
            )?);
            let written = out_dir.commit(&files)?.written;
            print_drt(&bus.plan);
            print_written(&written, &out, start);
        }
        Command::Isochrone {
            common,
            from,
            park,
            mode,
            minutes,
            out,
        } => {
            anyhow::ensure!(!minutes.is_empty(), "--minutes needs limits, e.g. 5,10,15");
            for &m in &minutes {
                rules::ISOCHRONE_MINUTES.check(m)?;
            }
            let (dir, file_name) = outdir::file_target(&out, "isochrone.geojson");
            let inputs: Vec<(&str, PathBuf)> =
                common.pbf.iter().map(|p| ("pbf", p.clone())).collect();
            let out_dir = outdir::prepare(&dir, &[file_name.as_str()], false, &inputs)?;
            let (extract, graph) = load_graph(&common)?;
            let (label, seeds, extra) = match (from, park) {
                (Some(point), _) => {
                    let snap = graph.snap(mode, point, DEFAULT_MAX_SNAP_M)?;
                    (
                        format!("{:.6},{:.6}", point.x, point.y),
                        snap.seeds(&graph, false),
                        vec![(snap.point, 0)],
                    )
                }
                (None, Some(name)) => {
                    let zones =
                        select_zones(&extract, ZoneKind::Parks, None, &ParkOptions::default())?;
                    let zone = zones.find(&name).with_context(|| {
                        format!("no park '{name}'; parks are: {}", zones.listing())
                    })?;
                    let access = VertexIndex::new(&graph, mode).access_points(
                        &graph,
                        zone,
                        CoverageOptions::default().access_radius_m,
                    );
                    anyhow::ensure!(
                        !access.is_empty(),
                        "park {} has no {mode} road within 50 m",
                        zone.code
                    );
                    (
                        format!("{} {}", zone.code, zone.name),
                        access.iter().map(|&v| (v, 0)).collect(),
                        Vec::new(),
                    )
                }
                (None, None) => anyhow::bail!("give --from LON,LAT or --park NAME_OR_ID"),
            };
            let mut sorted = minutes.clone();
            sorted.sort_by(f64::total_cmp);
            let mut scratch = SearchScratch::new(&graph);
            let bands = isochrones(&graph, mode, &seeds, &extra, &sorted, &mut scratch);
            let features = bands
                .iter()
                .rev()
                .map(|b| report::feature(report::polygon_geometry(&b.polygon), serde_json::json!({ "origin": label, "mode": mode.name(), "minutes": b.minutes })))
                .collect();
            let name = Path::new(&file_name)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("isochrone")
                .trim_end_matches(".geojson")
                .to_string();
            let mut file: OutputFile = report::feature_collection(&name, features);
            file.name = file_name.clone();
            let written = out_dir.commit(&[file])?.written;
            for b in &bands {
                let km2 = lifecircle::geom::area_m2(&b.polygon) / 1e6;
                println!("{mode} {:>5} min from {label}: {km2:.2} km²", b.minutes);
            }
            for path in &written {
                println!("wrote {}", path.display());
            }
        }
    }
    Ok(())
}

fn print_coverage(
    zones: &lifecircle::places::Zones,
    report: &lifecircle::coverage::CoverageReport,
    n_amenities: usize,
) {
    let cats = &report.profile.categories;
    println!(
        "Life circle — profile {} — walking at {} km/h — {} zones, {} amenities ({} off the network)",
        report.profile.name,
        report.walk_kmh,
        report.zones.len(),
        n_amenities,
        report.unsnapped().count()
    );
    print!("{:<5} {:<28} {:>8} {:>6}", "id", "name", "ha", "life");
    for c in cats {
        print!(" {:>8}", c.id.chars().take(8).collect::<String>());
    }
    println!();
    for zc in &report.zones {
        let z = &zones.zones[zc.zone.0 as usize];
        let name: String = z.name.chars().take(28).collect();
        print!(
            "{:<5} {:<28} {:>8.1} {:>6}",
            z.code,
            name,
            z.area_ha,
            percent(zc.life_circle_share)
        );
        for cc in &zc.categories {
            print!(" {:>8}", percent(cc.covered_share));
        }
        println!();
    }
    if zones.too_small > 0 {
        println!("({} industrial areas under 1 ha ignored)", zones.too_small);
    }
    for z in &report.unreachable_zones {
        println!(
            "zone {} has no walkable road within 500 m: left out",
            zones.zones[z.0 as usize].code
        );
    }
}

fn print_drt(plan: &LinePlan) {
    if plan.search.time_limited {
        eprintln!(
            "warning: the bus-line search stopped at its time limit after {} iterations; the plan may differ between machines (raise --seconds or lower --iterations for a reproducible plan)",
            plan.search.iterations
        );
    }
    let k = &plan.kpis;
    println!(
        "Bus lines — {} workers ({}), {} stops, {} vehicles ({} seats)",
        k.workers,
        if plan.synthetic {
            "synthetic sample"
        } else {
            "supplied"
        },
        plan.stops.iter().filter(|s| s.gate_of.is_none()).count(),
        k.vehicles,
        k.seats
    );
    println!("{:<34} {:>10} {:>16}", "", "bus lines", "best mode today");
    println!(
        "{:<34} {:>10} {:>16}",
        "carried",
        percent(k.served_share),
        "—"
    );
    println!(
        "{:<34} {:>10} {:>16}",
        format!("within {} min door to door", plan.options.target_min),
        percent(k.within_target_share),
        percent(k.existing_within_target_share)
    );
    println!(
        "{:<34} {:>10.1} {:>16.1}",
        "mean door-to-door, min",
        round(k.door_to_door.mean_min, 1),
        round(k.existing.mean_min, 1)
    );
    println!(
        "{:<34} {:>10.1} {:>16.1}",
        "95th percentile, min",
        round(k.door_to_door.p95_min, 1),
        round(k.existing.p95_min, 1)
    );
    if plan.synthetic {
        println!(
            "(the synthetic workers are those who reach their park within {} min only by car, so today's share is 0 by construction)",
            plan.options.target_min
        );
    }
    if k.on_foot > 0 {
        println!(
            "{} workers live within walking distance of their park's gate",
            k.on_foot
        );
    }
    println!(
        "{} workers cannot be within {} min even by a direct bus (walk + wait + direct ride)",
        k.beyond_direct_bus, plan.options.target_min
    );
    println!(
        "vehicle-km {:.1} morning, {:.1} a day; vehicle-hours {:.1} morning; load factor {}",
        k.vehicle_km_morning,
        k.vehicle_km_day,
        k.vehicle_h_morning,
        percent(k.load_factor)
    );
    println!(
        "search: {} requests, {} iterations in {:.1} s; checker: morning {}, evening {} ({})",
        plan.search.requests,
        plan.search.iterations,
        plan.search.elapsed_s,
        if plan.morning_check.feasible {
            "ok"
        } else {
            "FAILED"
        },
        if plan.evening_check.feasible {
            "ok"
        } else {
            "FAILED"
        },
        if plan.search.evening_mirrored {
            "mirror of the morning"
        } else {
            "planned separately"
        }
    );
}

/// Exit code of a run that wrote its files but some requested stage has no result.
const EXIT_PARTIAL: u8 = 3;

/// A plan whose requested stages did not all produce a result (the report says why).
#[derive(Debug)]
struct Partial(String);

impl std::fmt::Display for Partial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Partial {}

/// Exit 0 when every requested stage has a result, 3 ([`Partial`]) when some have, 2 when
/// none has: a plan that did nothing it was asked must not look like success to a script.
fn plan_outcome(run: &PlanRun) -> anyhow::Result<()> {
    let failed = run.failed_stages();
    if failed.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = failed.iter().map(|(stage, _)| *stage).collect();
    if failed.len() == run.requested_stages() {
        let (stage, why) = failed[0];
        let why = match &run.parks {
            Err(parks) => parks.as_str(),
            Ok(_) => why,
        };
        anyhow::bail!(
            "no requested stage produced a result ({}); {stage}: {why}",
            names.join(", ")
        );
    }
    Err(Partial(format!(
        "{} of {} requested stages produced no result ({}); see the lines above and report.html",
        failed.len(),
        run.requested_stages(),
        names.join(", ")
    ))
    .into())
}

/// A stage progress bar (on stderr; hidden when stderr is not a terminal).
struct Bar(ProgressBar);

impl Progress for Bar {
    fn stage(&self, index: usize, _total: usize, name: &str) {
        self.0.set_position(index as u64);
        self.0.set_message(name.to_string());
    }
}

/// The end-of-run summary: one line per park and stage, and what failed.
fn print_plan(run: &PlanRun) {
    match &run.parks {
        Err(e) => println!("No parks: {e}"),
        Ok(parks) => {
            println!(
                "{:<5} {:<28} {:>8} {:>12} {:>12} {:>14}",
                "id", "park", "area ha", "life circle", "best ≤30 min", "bus ≤30 min"
            );
            for z in &parks.zones {
                let life = run.life_circle.as_ref().ok().and_then(|lc| {
                    (lc.zones.kind == ZoneKind::Parks)
                        .then(|| lc.report.zones.iter().find(|c| c.zone == z.id))
                        .flatten()
                        .map(|c| percent(c.life_circle_share))
                });
                let best = run.commute.as_ref().ok().and_then(|c| {
                    let pc = c.report.parks.iter().find(|p| p.zone == z.id)?;
                    let most = pc
                        .modes
                        .iter()
                        .filter(|m| m.mode != Mode::Car)
                        .map(|m| m.residents_within_target)
                        .fold(0.0, f64::max);
                    Some(percent(most / c.report.residents_total.max(1.0)))
                });
                let bus = run.bus.as_ref().ok().and_then(|b| {
                    let k = b.plan.park_kpis(z.id);
                    (k.workers > 0).then(|| {
                        format!(
                            "{} vs {}",
                            percent(k.within_target_share),
                            percent(k.existing_within_target_share)
                        )
                    })
                });
                println!(
                    "{:<5} {:<28} {:>8.1} {:>12} {:>12} {:>14}",
                    z.code,
                    z.name.chars().take(28).collect::<String>(),
                    z.area_ha,
                    life.unwrap_or_else(|| "—".into()),
                    best.unwrap_or_else(|| "—".into()),
                    bus.unwrap_or_else(|| "—".into())
                );
            }
        }
    }
    for (stage, result) in [
        ("life circle", run.life_circle.as_ref().err()),
        ("commute circle", run.commute.as_ref().err()),
        ("bus lines", run.bus.as_ref().err()),
    ] {
        if let Some(e) = result {
            println!("{stage}: no result — {e}");
        }
    }
    if let Ok(b) = &run.bus {
        print_drt(&b.plan);
    }
}

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, which turns a closed pipe (`lifecircle … | head`) into a panic
    // in `println!`; restore the default so the process ends quietly like other tools.
    #[cfg(unix)]
    // SAFETY: setting a signal disposition to its default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<Partial>().is_some() => {
            eprintln!("warning: {e:#}");
            ExitCode::from(EXIT_PARTIAL)
        }
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            if e.is::<NoCompletePlan>() {
                ExitCode::from(3)
            } else {
                ExitCode::from(2)
            }
        }
    }
}

/// `darp` ran but its plan leaves requests unserved: exit code 3, not 2 (bad input).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct NoCompletePlan(String);

/// The error and its causes on one line, each cause once: library errors often repeat their
/// source in their own message, and printing the chain as well would say it twice.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = e.to_string();
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    line
}
