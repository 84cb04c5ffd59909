//! The command line as clap types: the shared option groups and one argument struct per
//! command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use geo::Coord;
use lifecircle::drt::lines::LineOptions;
use lifecircle::graph::Mode;
use lifecircle::graph::snap::DEFAULT_MAX_SNAP_M;
use lifecircle::places::crs::Crs;
use lifecircle::places::residents::ResidentOptions;
use lifecircle::scenario::rules;

/// Life circles, commute circles and demand-responsive buses for industrial parks, from
/// OpenStreetMap data.
#[derive(Parser)]
#[command(version, about)]
pub struct Cli {
    /// Language of the terminal, the report and the workbook: en or zh (default: the
    /// scenario's `[report] lang`, en).
    #[arg(long, global = true, value_parser = ["en", "zh"])]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every analysis shares.
#[derive(Args)]
pub struct Common {
    /// The .osm.pbf file (default: the embedded Liechtenstein demo region).
    pub pbf: Option<PathBuf>,
    /// Walking speed in km/h, or `elderly` (3.6 km/h).
    #[arg(long, default_value = "4.5", value_parser = parse_walk_speed)]
    pub walk_speed: f64,
}

/// Where residents come from.
#[derive(Args)]
pub struct PopulationArgs {
    /// Residents: CSV (lon,lat,count) or GeoJSON points/polygons with a count, instead of
    /// the estimate from buildings.
    #[arg(long, value_name = "FILE")]
    pub population: Option<PathBuf>,
    /// Residents per m² of residential floor area, for the estimate from buildings.
    #[arg(long, default_value_t = ResidentOptions::default().persons_per_m2)]
    pub persons_per_m2: f64,
    /// Levels of a residential building without `building:levels`.
    #[arg(long, default_value_t = ResidentOptions::default().default_levels)]
    pub levels: f64,
    /// Residents per hectare of a residential area without mapped homes.
    #[arg(long, default_value_t = ResidentOptions::default().area_density_per_ha)]
    pub area_density: f64,
    /// Scale the estimate to this known population (its distribution is kept).
    #[arg(long, value_name = "N")]
    pub residents_total: Option<f64>,
    /// Coordinate system of --population (default: WGS-84, checked against the map).
    #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
    pub population_crs: Option<Crs>,
}

/// Where the existing bus lines come from.
#[derive(Args)]
pub struct TransitArgs {
    /// A GTFS feed (.zip or folder) for the bus layer instead of OSM route relations.
    #[arg(long, value_name = "FILE.zip")]
    pub gtfs: Option<PathBuf>,
    /// Departure window for GTFS service.
    #[arg(long, default_value = "07:00-08:00")]
    pub depart: String,
}

/// The commands; each has its `cmd_*` function in `commands.rs`.
#[derive(Subcommand)]
pub enum Command {
    /// The whole analysis in one command: life circle, commute circle and bus lines, every
    /// stage's files and report.html, from a scenario file (examples/scenario.toml).
    Plan(PlanArgs),
    /// Summarise a region: OSM elements, areas, stops, and each mode's routing graph.
    Inspect(InspectArgs),
    /// The 15-minute life circle of every park: amenity coverage, gaps and new sites.
    Coverage(CoverageArgs),
    /// The 30-minute commute circle: who reaches each park within 15/30/45/60 minutes, by mode.
    Commute(CommuteArgs),
    /// Solve a Cordeau dial-a-ride benchmark instance with the bus-line optimiser and check it.
    /// Exit code 3 when the plan found leaves a request unserved.
    Darp(DarpArgs),
    /// Reservation-responsive bus lines from living areas to the parks: stops, routes,
    /// timetables, GTFS and KPIs beside today's best mode.
    Drt(DrtArgs),
    /// Nested isochrone polygons from a point or a park, as GeoJSON.
    Isochrone(IsochroneArgs),
    /// What-if planning in the browser: runs the plan, then serves a map page on 127.0.0.1
    /// where facilities, gates, outlines and stops are edited and the figures follow.
    Serve(ServeArgs),
}

/// Arguments of `serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// The .osm.pbf file (default: the scenario's, else the embedded demo region).
    pub pbf: Option<PathBuf>,
    /// Scenario file with every assumption (default: the built-in defaults).
    #[arg(long, value_name = "scenario.toml")]
    pub config: Option<PathBuf>,
    /// Folder for saved scenarios (`scenarios/NAME/`) and the exported report (`report/`)
    /// (default: the scenario's, `out`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Address to listen on; anything but 127.0.0.1 or ::1 lets other machines edit.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 picks a free one (printed with the address).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
}

/// Arguments of `plan`.
#[derive(Args)]
pub struct PlanArgs {
    /// The .osm.pbf file (default: the scenario's, else the embedded demo region).
    pub pbf: Option<PathBuf>,
    /// Scenario file with every assumption (default: the built-in defaults).
    #[arg(long, value_name = "scenario.toml")]
    pub config: Option<PathBuf>,
    /// Output folder (default: the scenario's, `out`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Park outlines (GeoJSON) instead of landuse=industrial areas.
    #[arg(long, value_name = "FILE.geojson")]
    pub parks: Option<PathBuf>,
    /// Coordinate system of --parks: wgs84, gcj02 (outlines drawn on Amap or Tencent) or
    /// bd09 (Baidu). Default: the scenario's, wgs84.
    #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
    pub parks_crs: Option<Crs>,
    /// Pick-up stops of the bus lines (CSV: code, name, lon, lat; a drt_stops.csv reads
    /// back) instead of letting the planner choose them. Default: the scenario's.
    #[arg(long, value_name = "FILE.csv")]
    pub stops: Option<PathBuf>,
    /// Print each stage's wall time, CPU time and peak memory (on stderr).
    #[arg(long)]
    pub verbose: bool,
}

/// Arguments of `inspect`.
#[derive(Args)]
pub struct InspectArgs {
    /// The .osm.pbf file (default: the embedded Liechtenstein demo region).
    pub pbf: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also snap this point (LON,LAT in WGS-84) for every mode and print where it lands.
    #[arg(long, value_name = "LON,LAT", value_parser = parse_lon_lat, allow_hyphen_values = true)]
    pub snap: Option<Coord>,
    /// Maximum snapping distance, metres.
    #[arg(long, default_value_t = DEFAULT_MAX_SNAP_M)]
    pub max_snap_m: f64,
}

/// Arguments of `coverage`.
#[derive(Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub common: Common,
    /// Park outlines (GeoJSON Polygon/MultiPolygon features with a `name`) instead of
    /// landuse=industrial areas.
    #[arg(long, value_name = "FILE.geojson")]
    pub parks: Option<PathBuf>,
    /// Coordinate system of --parks: wgs84, gcj02 (outlines drawn on Amap or Tencent) or
    /// bd09 (Baidu). Default: the scenario's, wgs84.
    #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
    pub parks_crs: Option<Crs>,
    /// Amenity profile: park, gb50180 (residential areas), or a .toml file.
    #[arg(long, default_value = "park", value_name = "NAME|FILE.toml")]
    pub profile: String,
    /// Extra amenities: CSV (lon,lat,category,name) or GeoJSON points; repeatable.
    #[arg(long, value_name = "FILE")]
    pub poi: Vec<PathBuf>,
    /// Coordinate system of --poi files (default: each file's own — GCJ-02 for an Amap
    /// export, BD-09 for a Baidu export, else WGS-84).
    #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
    pub poi_crs: Option<Crs>,
    /// Walking-time threshold of the life circle, minutes (replaces the profile's).
    #[arg(long)]
    pub minutes: Option<f64>,
    /// New sites to propose per park and missing category.
    #[arg(long, default_value_t = 3)]
    pub sites: usize,
    /// Propose a site only when it lifts its category's coverage of the park by at least
    /// this many percentage points.
    #[arg(long, default_value_t = 5.0, value_name = "POINTS")]
    pub min_site_gain: f64,
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
}

/// Arguments of `commute`.
#[derive(Args)]
pub struct CommuteArgs {
    #[command(flatten)]
    pub common: Common,
    /// Park outlines (GeoJSON) instead of landuse=industrial areas.
    #[arg(long, value_name = "FILE.geojson")]
    pub parks: Option<PathBuf>,
    /// Coordinate system of --parks: wgs84, gcj02 (outlines drawn on Amap or Tencent) or
    /// bd09 (Baidu). Default: the scenario's, wgs84.
    #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
    pub parks_crs: Option<Crs>,
    #[command(flatten)]
    pub population: PopulationArgs,
    #[command(flatten)]
    pub transit: TransitArgs,
    /// The commute target, minutes.
    #[arg(long, default_value_t = 30.0)]
    pub minutes: f64,
    /// Modes, comma-separated.
    #[arg(long, default_value = "walk,bike,ebike,bus,car", value_delimiter = ',', value_parser = |s: &str| s.parse::<Mode>().map_err(|e| e.to_string()))]
    pub modes: Vec<Mode>,
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
}

/// Arguments of `darp`.
#[derive(Args)]
pub struct DarpArgs {
    /// The instance file (format: ../shared/data/darp/README.md).
    pub file: PathBuf,
    /// Time limit, seconds.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Random seed (the same seed and iteration count give the same solution).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Arguments of `drt`.
#[derive(Args)]
pub struct DrtArgs {
    #[command(flatten)]
    pub common: Common,
    /// Park outlines (GeoJSON) instead of landuse=industrial areas.
    #[arg(long, value_name = "FILE.geojson")]
    pub parks: Option<PathBuf>,
    /// Coordinate system of --parks: wgs84, gcj02 (outlines drawn on Amap or Tencent) or
    /// bd09 (Baidu). Default: the scenario's, wgs84.
    #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
    pub parks_crs: Option<Crs>,
    /// Plan for these parks only (code such as P1, or name); repeatable. Default: all.
    #[arg(long = "park", value_name = "NAME_OR_ID")]
    pub only_parks: Vec<String>,
    /// Bookings or worker homes: CSV with lon, lat, park, arrive_by (HH:MM), optional count.
    #[arg(long, value_name = "FILE.csv")]
    pub demand: Option<PathBuf>,
    /// Coordinate system of --demand (default: WGS-84, checked against the map).
    #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
    pub demand_crs: Option<Crs>,
    /// Pick-up stops to use (CSV: code, name, lon, lat; a drt_stops.csv reads back) instead
    /// of letting the planner choose them.
    #[arg(long, value_name = "FILE.csv")]
    pub stops: Option<PathBuf>,
    /// Coordinate system of --stops (default: WGS-84, checked against the map).
    #[arg(long, value_parser = |s: &str| s.parse::<Crs>().map_err(|e| e.to_string()))]
    pub stops_crs: Option<Crs>,
    /// Without --demand: synthetic workers per park, drawn from residents outside the
    /// target by every existing mode but the car.
    #[arg(long, default_value_t = 200, conflicts_with = "demand")]
    pub workers: u32,
    /// Seed of the synthetic sample and of the search.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Seats per vehicle; several for a mixed fleet, e.g. 19,33,50.
    #[arg(long, default_value = "33", value_delimiter = ',')]
    pub capacity: Vec<u32>,
    /// Roads the vehicles may use: bus (roads open to buses, bus speed) or car (minibuses
    /// on every road open to cars, car speed).
    #[arg(long, default_value = "bus", value_parser = ["bus", "car"])]
    pub roads: String,
    /// Longest walk from home to a stop, metres (along footways and streets).
    #[arg(long, default_value_t = LineOptions::default().max_walk_m)]
    pub max_walk_m: f64,
    /// Shift start: buses reach the park gate by then (synthetic demand; a --demand file
    /// gives its own times).
    #[arg(long, default_value = "08:00")]
    pub arrive: String,
    /// Buses may arrive this many minutes early.
    #[arg(long, default_value_t = LineOptions::default().early_min)]
    pub early: f64,
    /// Door-to-door target, minutes.
    #[arg(long, default_value_t = LineOptions::default().target_min)]
    pub minutes: f64,
    /// Shift length, hours: the evening trip leaves the park this long after --arrive.
    #[arg(long, default_value_t = LineOptions::default().shift_h)]
    pub shift_hours: f64,
    /// Search time limit, seconds.
    #[arg(long, default_value_t = 30.0)]
    pub seconds: f64,
    /// Search iterations per worker (0: until --seconds). With a limit that is reached
    /// before --seconds, outputs are byte-identical for a seed whatever the machine.
    #[arg(long, default_value_t = 2_000)]
    pub iterations: u64,
    /// Time zone written to the GTFS feed.
    #[arg(long, default_value = "Asia/Shanghai")]
    pub timezone: String,
    #[command(flatten)]
    pub population: PopulationArgs,
    #[command(flatten)]
    pub transit: TransitArgs,
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
}

/// Arguments of `isochrone`.
#[derive(Args)]
pub struct IsochroneArgs {
    #[command(flatten)]
    pub common: Common,
    /// Start point, LON,LAT (WGS-84).
    #[arg(long, value_name = "LON,LAT", value_parser = parse_lon_lat, allow_hyphen_values = true, conflicts_with = "park", required_unless_present = "park")]
    pub from: Option<Coord>,
    /// Start from a park's access points: its code (P1, …) or name.
    #[arg(long, value_name = "NAME_OR_ID")]
    pub park: Option<String>,
    /// Travel mode.
    #[arg(long, default_value = "walk", value_parser = |s: &str| s.parse::<Mode>().map_err(|e| e.to_string()))]
    pub mode: Mode,
    /// Band limits, minutes, comma-separated.
    #[arg(long, default_value = "5,10,15", value_delimiter = ',')]
    pub minutes: Vec<f64>,
    /// Output file.
    #[arg(long, default_value = "out/isochrone.geojson")]
    pub out: PathBuf,
}

/// `LON,LAT` in WGS-84, longitude first.
pub fn parse_lon_lat(s: &str) -> Result<Coord, String> {
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

/// A walking speed in km/h within its range, or `elderly`.
pub fn parse_walk_speed(s: &str) -> Result<f64, String> {
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
