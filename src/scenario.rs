//! A scenario: every assumption of every stage in one TOML file a planner copies and edits
//! (`examples/scenario.toml` documents each key). Missing keys take the defaults below, which
//! are the command line's defaults; unknown keys are errors that name the key and the line.
//! Relative paths are taken from the scenario file's folder.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::graph::{GraphOptions, Mode};
use crate::places::crs::Crs;
use crate::places::demand::parse_clock;
use crate::places::residents::ResidentOptions;

/// The whole scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// Title of the report.
    pub title: String,
    /// The region and the network.
    pub region: RegionConfig,
    /// The 15-minute life circle.
    pub life_circle: LifeCircleConfig,
    /// The 30-minute commute circle.
    pub commute: CommuteConfig,
    /// Reservation-responsive bus lines.
    pub bus: BusConfig,
    /// What the bus lines cost (`[cost]`).
    pub cost: crate::drt::cost::CostOptions,
    /// The report.
    pub report: ReportConfig,
    /// The file it was read from ([`Scenario::load`]); none when made from flags.
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

/// `[region]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegionConfig {
    /// The .osm.pbf file (none: the embedded demo region).
    pub pbf: Option<PathBuf>,
    /// Park outlines (GeoJSON) instead of landuse=industrial areas.
    pub parks: Option<PathBuf>,
    /// Their coordinate system: wgs84, gcj02 (drawn on Amap or Tencent) or bd09 (Baidu);
    /// `auto` (the default): WGS-84, checked against the map (`places::datum`).
    pub parks_crs: String,
    /// Walking speed, km/h.
    pub walk_kmh: f64,
    /// Cycling speed (own or shared bike), km/h.
    pub bike_kmh: f64,
    /// E-bike speed, km/h.
    pub ebike_kmh: f64,
    /// Car speed as a share of `maxspeed`.
    pub maxspeed_factor: f64,
    /// Bus speed as a share of car speed.
    pub bus_speed_factor: f64,
}

/// `[life_circle]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LifeCircleConfig {
    /// Run this stage.
    pub enabled: bool,
    /// Amenity profile: `park`, `gb50180` or a .toml file.
    pub profile: String,
    /// Walking-time threshold replacing the profile's, minutes.
    pub minutes: Option<f64>,
    /// New sites proposed per park and missing category.
    pub sites: usize,
    /// A site is proposed only when it lifts its category's coverage of the park by at least
    /// this many percentage points.
    pub min_site_gain_points: f64,
    /// Extra amenity files (CSV or GeoJSON).
    pub poi: Vec<PathBuf>,
    /// Their coordinate system: auto (each file's own: GCJ-02 for an Amap export, BD-09 for a
    /// Baidu export, else WGS-84), wgs84, gcj02 or bd09.
    pub poi_crs: String,
    /// Use the facilities found in OSM (false: only the `poi` files, e.g. a scenario saved by
    /// `lifecircle serve`, whose facilities file lists every facility).
    pub osm_amenities: bool,
}

/// `[commute]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CommuteConfig {
    /// Run this stage (synthetic bus demand needs it).
    pub enabled: bool,
    /// The commute target, minutes.
    pub minutes: f64,
    /// Modes: walk, bike, ebike, bus, car.
    pub modes: Vec<String>,
    /// Residents file (CSV or GeoJSON) instead of the estimate from buildings.
    pub population: Option<PathBuf>,
    /// Its coordinate system.
    pub population_crs: String,
    /// Residents per m² of residential floor area.
    pub persons_per_m2: f64,
    /// Levels of a residential building without `building:levels`.
    pub levels: f64,
    /// Residents per hectare of a residential area without mapped homes.
    pub area_density_per_ha: f64,
    /// Scale the estimate to this known population.
    pub residents_total: Option<f64>,
    /// A GTFS feed (.zip or folder) instead of OSM bus relations.
    pub gtfs: Option<PathBuf>,
    /// Departure window for GTFS service, `HH:MM-HH:MM`.
    pub depart: String,
}

/// `[bus]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BusConfig {
    /// Plan bus lines at all.
    pub enabled: bool,
    /// Bookings or worker homes (CSV: lon, lat, park, arrive_by, count).
    pub demand: Option<PathBuf>,
    /// Its coordinate system; `auto` (the default): WGS-84, checked against the map
    /// (`places::datum`).
    pub demand_crs: String,
    /// The planner's pick-up stops (CSV: code, name, lon, lat; `drt_stops.csv` reads back):
    /// riders board only at these. None: the planner chooses them.
    pub stops: Option<PathBuf>,
    /// Its coordinate system; `auto` (the default): WGS-84, checked against the map.
    pub stops_crs: String,
    /// Parks to plan for (codes or names); empty: the `max_parks` largest.
    pub parks: Vec<String>,
    /// Without `parks`: this many parks, largest first.
    pub max_parks: usize,
    /// Synthetic workers per park (without `demand`).
    pub workers: u32,
    /// Seed of the sample and of the search.
    pub seed: u64,
    /// Seats per vehicle; several for a mixed fleet.
    pub capacity: Vec<u32>,
    /// Roads the vehicles may use: `bus` (roads open to buses, bus speeds) or `car` (minibuses
    /// on every road open to cars, car speeds).
    pub roads: String,
    /// Longest walk to a stop, metres.
    pub max_walk_m: f64,
    /// Shift start, `HH:MM`.
    pub arrive: String,
    /// Buses may arrive this many minutes early.
    pub early_min: f64,
    /// Door-to-door target, minutes.
    pub target_min: f64,
    /// Shift length, hours (the evening trip leaves then).
    pub shift_hours: f64,
    /// Search time limit, seconds.
    pub seconds: f64,
    /// Search iterations per worker (0: until `seconds`).
    pub iterations: u64,
    /// Time zone of the GTFS feed.
    pub timezone: String,
}

/// `[report]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// Language of the report: `en` or `zh`.
    pub lang: String,
    /// Output folder.
    pub out: PathBuf,
    /// Parks with a map and tables of their own (largest first); the rest are in the
    /// summary table and the files.
    pub max_park_sections: usize,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            title: crate::lang::DEFAULT_TITLE.into(),
            region: RegionConfig::default(),
            life_circle: LifeCircleConfig::default(),
            commute: CommuteConfig::default(),
            bus: BusConfig::default(),
            cost: crate::drt::cost::CostOptions::default(),
            report: ReportConfig::default(),
            file: None,
        }
    }
}

impl Default for RegionConfig {
    fn default() -> Self {
        let g = GraphOptions::default();
        RegionConfig {
            pbf: None,
            parks: None,
            parks_crs: "auto".into(),
            walk_kmh: g.walk_kmh,
            bike_kmh: g.bike_kmh,
            ebike_kmh: g.ebike_kmh,
            maxspeed_factor: g.maxspeed_factor,
            bus_speed_factor: g.bus_speed_factor,
        }
    }
}

impl Default for LifeCircleConfig {
    fn default() -> Self {
        LifeCircleConfig {
            enabled: true,
            profile: "park".into(),
            minutes: None,
            sites: 3,
            min_site_gain_points: 5.0,
            poi: Vec::new(),
            poi_crs: "auto".into(),
            osm_amenities: true,
        }
    }
}

impl Default for CommuteConfig {
    fn default() -> Self {
        let r = ResidentOptions::default();
        CommuteConfig {
            enabled: true,
            minutes: 30.0,
            modes: ["walk", "bike", "ebike", "bus", "car"]
                .map(String::from)
                .to_vec(),
            population: None,
            population_crs: "auto".into(),
            persons_per_m2: r.persons_per_m2,
            levels: r.default_levels,
            area_density_per_ha: r.area_density_per_ha,
            residents_total: None,
            gtfs: None,
            depart: "07:00-08:00".into(),
        }
    }
}

impl Default for BusConfig {
    fn default() -> Self {
        BusConfig {
            enabled: true,
            demand: None,
            demand_crs: "auto".into(),
            stops: None,
            stops_crs: "auto".into(),
            parks: Vec::new(),
            max_parks: 3,
            workers: 200,
            seed: 1,
            capacity: vec![33],
            roads: "bus".into(),
            max_walk_m: 500.0,
            arrive: "08:00".into(),
            early_min: 15.0,
            target_min: 30.0,
            shift_hours: 9.0,
            seconds: 30.0,
            iterations: 2_000,
            timezone: "Asia/Shanghai".into(),
        }
    }
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            lang: "en".into(),
            out: PathBuf::from("out"),
            max_park_sections: 12,
        }
    }
}

/// Longest search time limit accepted, seconds.
pub const MAX_SECONDS: f64 = 86_400.0;

/// The accepted range of one numeric setting, shared by the scenario key and the command-line
/// flag that sets it, so both accept exactly the same values. A value must be finite and
/// within `min..=max` (above `min` when `min_exclusive`).
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The scenario key, `section.key`.
    pub key: &'static str,
    /// The command-line flag, if there is one.
    pub flag: &'static str,
    /// Lowest accepted value.
    pub min: f64,
    /// Whether `min` itself is refused.
    pub min_exclusive: bool,
    /// Highest accepted value.
    pub max: f64,
    /// The unit, for the message.
    pub unit: &'static str,
}

const fn rule(
    key: &'static str,
    flag: &'static str,
    min: f64,
    max: f64,
    unit: &'static str,
) -> Rule {
    Rule {
        key,
        flag,
        min,
        min_exclusive: false,
        max,
        unit,
    }
}

const fn above(
    key: &'static str,
    flag: &'static str,
    min: f64,
    max: f64,
    unit: &'static str,
) -> Rule {
    Rule {
        min_exclusive: true,
        ..rule(key, flag, min, max, unit)
    }
}

/// Every numeric setting's range (one table for the scenario and the command line).
pub mod rules {
    use super::{Rule, above, rule};
    /// Walking speed (the CLI's `elderly` is 3.6).
    pub const WALK_KMH: Rule = rule("region.walk_kmh", "--walk-speed", 1.0, 10.0, "km/h");
    /// Cycling speed.
    pub const BIKE_KMH: Rule = rule("region.bike_kmh", "", 3.0, 40.0, "km/h");
    /// E-bike speed.
    pub const EBIKE_KMH: Rule = rule("region.ebike_kmh", "", 5.0, 50.0, "km/h");
    /// Car speed as a share of `maxspeed`.
    pub const MAXSPEED_FACTOR: Rule = rule("region.maxspeed_factor", "", 0.1, 1.5, "× maxspeed");
    /// Bus speed as a share of car speed.
    pub const BUS_SPEED_FACTOR: Rule = rule("region.bus_speed_factor", "", 0.1, 1.5, "× car speed");
    /// Life-circle walking time.
    pub const LIFE_MINUTES: Rule = above("life_circle.minutes", "--minutes", 0.0, 120.0, "minutes");
    /// New sites per park and category.
    pub const SITES: Rule = rule("life_circle.sites", "--sites", 0.0, 50.0, "sites");
    /// Least gain of a proposed site.
    pub const MIN_SITE_GAIN: Rule = rule(
        "life_circle.min_site_gain_points",
        "--min-site-gain",
        0.0,
        100.0,
        "percentage points",
    );
    /// Commute target.
    pub const COMMUTE_MINUTES: Rule = above("commute.minutes", "--minutes", 0.0, 60.0, "minutes");
    /// Residents per m² of floor area.
    pub const PERSONS_PER_M2: Rule = above(
        "commute.persons_per_m2",
        "--persons-per-m2",
        0.0,
        1.0,
        "persons per m²",
    );
    /// Default building levels.
    pub const LEVELS: Rule = rule("commute.levels", "--levels", 1.0, 200.0, "levels");
    /// Residents per hectare of an area without mapped homes.
    pub const AREA_DENSITY_PER_HA: Rule = rule(
        "commute.area_density_per_ha",
        "--area-density",
        0.0,
        2_000.0,
        "residents per ha",
    );
    /// A known population to scale to.
    pub const RESIDENTS_TOTAL: Rule = above(
        "commute.residents_total",
        "--residents-total",
        0.0,
        1e9,
        "residents",
    );
    /// Parks planned without `parks`.
    pub const MAX_PARKS: Rule = rule("bus.max_parks", "", 1.0, f64::MAX, "parks");
    /// Longest walk to a stop.
    pub const MAX_WALK_M: Rule = above("bus.max_walk_m", "--max-walk-m", 0.0, 3_000.0, "m");
    /// Early arrival window.
    pub const EARLY_MIN: Rule = rule("bus.early_min", "--early", 0.0, 120.0, "minutes");
    /// Door-to-door target.
    pub const TARGET_MIN: Rule = above("bus.target_min", "--minutes", 0.0, 180.0, "minutes");
    /// Shift length.
    pub const SHIFT_HOURS: Rule = above("bus.shift_hours", "--shift-hours", 0.0, 16.0, "hours");
    /// Search time limit.
    pub const SECONDS: Rule = above("bus.seconds", "--seconds", 0.0, super::MAX_SECONDS, "s");
    /// Snapping distance of `inspect --snap`.
    pub const MAX_SNAP_M: Rule = above("", "--max-snap-m", 0.0, 100_000.0, "m");
    /// Time limit of `darp`.
    pub const DARP_SECONDS: Rule = above("", "--seconds", 0.0, super::MAX_SECONDS, "s");
    /// Isochrone band limits.
    pub const ISOCHRONE_MINUTES: Rule = above("", "--minutes", 0.0, 240.0, "minutes");
}

impl Rule {
    /// `value` if it is finite and in range, else an error naming the key (and flag) and the
    /// accepted range.
    pub fn check(&self, value: f64) -> Result<f64> {
        let low_ok = if self.min_exclusive {
            value > self.min
        } else {
            value >= self.min
        };
        if value.is_finite() && low_ok && value <= self.max {
            return Ok(value);
        }
        Err(Error::OutOfRange {
            setting: self.name(),
            value: format!("{value:?}"),
            range: self.range(),
        })
    }

    /// The key and flag, as a message names them.
    pub fn name(&self) -> String {
        match (self.key.is_empty(), self.flag.is_empty()) {
            (true, _) => self.flag.to_string(),
            (false, true) => self.key.to_string(),
            (false, false) => format!("{} ({})", self.key, self.flag),
        }
    }

    /// The accepted range in words.
    pub fn range(&self) -> String {
        let low = if self.min_exclusive { "above" } else { "from" };
        if self.max == f64::MAX {
            format!("give a number {low} {} {}", self.min, self.unit)
        } else {
            format!(
                "give a finite number {low} {} to {} {}",
                self.min, self.max, self.unit
            )
        }
    }
}

fn invalid(key: &'static str, value: impl ToString, hint: &str) -> Error {
    Error::InvalidValue {
        what: key,
        value: value.to_string(),
        hint: hint.to_string(),
    }
}

/// IANA time zone names (tzdata 2025b zones and links, public domain), one per line.
const TZ_NAMES: &str = include_str!("tz_names.txt");

/// A time zone for the GTFS feed: an IANA name such as `Asia/Shanghai`. The names are
/// embedded (9 kB) rather than read from /usr/share/zoneinfo, which Windows lacks.
pub fn check_timezone(name: &str) -> Result<()> {
    if TZ_NAMES.lines().any(|n| n == name) {
        return Ok(());
    }
    Err(invalid(
        "bus.timezone (--timezone)",
        name.escape_debug(),
        "an IANA time zone name such as Asia/Shanghai or Europe/Vaduz",
    ))
}

/// Commute modes: at least one, none twice.
pub fn check_modes(modes: &[Mode]) -> Result<()> {
    if modes.is_empty() {
        return Err(invalid(
            "commute.modes (--modes)",
            "[]",
            "name at least one of walk, bike, ebike, bus, car",
        ));
    }
    for (i, m) in modes.iter().enumerate() {
        if modes[..i].contains(m) {
            return Err(invalid(
                "commute.modes (--modes)",
                m.name(),
                "appears twice; list each mode once",
            ));
        }
    }
    Ok(())
}

impl Scenario {
    /// Reads a scenario file; relative paths in it are resolved against its folder.
    pub fn load(path: &Path) -> Result<Scenario> {
        let text = std::fs::read_to_string(path).map_err(|cause| Error::Io {
            path: path.to_path_buf(),
            action: crate::error::IoAction::Read,
            cause,
        })?;
        let mut scenario = Scenario::from_toml(&text, &path.display().to_string())?;
        let base = path.parent().unwrap_or(Path::new("."));
        scenario.resolve_paths(base);
        scenario.file = Some(path.to_path_buf());
        Ok(scenario)
    }

    /// Parses and validates a scenario; `source` names it in errors.
    pub fn from_toml(text: &str, source: &str) -> Result<Scenario> {
        let scenario: Scenario = toml::from_str(text).map_err(|e| Error::InvalidValue {
            what: "scenario file",
            value: source.to_string(),
            hint: e.to_string().replace('\n', " ").trim().to_string(),
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    fn resolve_paths(&mut self, base: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        let fix_opt = |p: &mut Option<PathBuf>| {
            if let Some(p) = p.as_mut()
                && p.is_relative()
            {
                *p = base.join(&*p);
            }
        };
        fix_opt(&mut self.region.pbf);
        fix_opt(&mut self.region.parks);
        self.life_circle.poi.iter_mut().for_each(fix);
        fix_opt(&mut self.commute.population);
        fix_opt(&mut self.commute.gtfs);
        fix_opt(&mut self.bus.demand);
        fix_opt(&mut self.bus.stops);
        if self.life_circle.profile.ends_with(".toml") {
            let mut p = PathBuf::from(&self.life_circle.profile);
            fix(&mut p);
            self.life_circle.profile = p.display().to_string();
        }
    }

    /// Checks every value that the stages would otherwise reject late: every number against
    /// its [`Rule`] (finite, in range), every name against its list.
    pub fn validate(&self) -> Result<()> {
        use rules::*;
        let r = &self.region;
        WALK_KMH.check(r.walk_kmh)?;
        BIKE_KMH.check(r.bike_kmh)?;
        EBIKE_KMH.check(r.ebike_kmh)?;
        MAXSPEED_FACTOR.check(r.maxspeed_factor)?;
        BUS_SPEED_FACTOR.check(r.bus_speed_factor)?;
        self.crs(&r.parks_crs, "region.parks_crs")?;
        let lc = &self.life_circle;
        self.poi_crs()?;
        if let Some(m) = lc.minutes {
            LIFE_MINUTES.check(m)?;
        }
        SITES.check(lc.sites as f64)?;
        MIN_SITE_GAIN.check(lc.min_site_gain_points)?;
        let c = &self.commute;
        COMMUTE_MINUTES.check(c.minutes)?;
        self.modes()?;
        self.crs(&c.population_crs, "commute.population_crs")?;
        crate::commute::gtfs::DepartureWindow::parse(&c.depart)?;
        PERSONS_PER_M2.check(c.persons_per_m2)?;
        LEVELS.check(c.levels)?;
        AREA_DENSITY_PER_HA.check(c.area_density_per_ha)?;
        if let Some(t) = c.residents_total {
            RESIDENTS_TOTAL.check(t)?;
        }
        let b = &self.bus;
        self.crs(&b.demand_crs, "bus.demand_crs")?;
        self.stops_crs()?;
        if b.parks.is_empty() {
            MAX_PARKS.check(b.max_parks as f64)?;
        }
        MAX_WALK_M.check(b.max_walk_m)?;
        EARLY_MIN.check(b.early_min)?;
        TARGET_MIN.check(b.target_min)?;
        SHIFT_HOURS.check(b.shift_hours)?;
        SECONDS.check(b.seconds)?;
        self.arrive_s()?;
        self.bus_roads()?;
        if u64::from(b.workers) > crate::drt::lines::MAX_WORKERS {
            return Err(invalid(
                "bus.workers",
                b.workers,
                &format!(
                    "at most {} synthetic workers per park (the cap of one plan)",
                    crate::drt::lines::MAX_WORKERS
                ),
            ));
        }
        check_timezone(&b.timezone)?;
        self.cost.validate()?;
        if !["en", "zh"].contains(&self.report.lang.as_str()) {
            return Err(invalid("report.lang", &self.report.lang, "en or zh"));
        }
        if self.report.out.as_os_str().is_empty() {
            return Err(invalid(
                "report.out",
                "",
                "name an output folder, e.g. out = \"out\"",
            ));
        }
        Ok(())
    }

    /// Every input file the scenario names exists and the amenity profile loads (a planner's
    /// file that is missing, or a profile that does not exist, is an error, not a stage
    /// without results).
    pub fn check_inputs(&self) -> Result<()> {
        if self.life_circle.enabled {
            crate::places::AmenityProfile::load(&self.life_circle.profile)?;
        }
        let files = [
            ("region.pbf", self.region.pbf.as_ref()),
            ("region.parks", self.region.parks.as_ref()),
            ("commute.population", self.commute.population.as_ref()),
            ("commute.gtfs", self.commute.gtfs.as_ref()),
            ("bus.demand", self.bus.demand.as_ref()),
            ("bus.stops", self.bus.stops.as_ref()),
        ];
        let poi = self
            .life_circle
            .poi
            .iter()
            .map(|p| ("life_circle.poi", Some(p)));
        for (key, path) in files.into_iter().chain(poi) {
            if let Some(path) = path
                && let Err(cause) = std::fs::metadata(path)
            {
                return Err(Error::Io {
                    path: path.clone(),
                    action: crate::error::IoAction::Read,
                    cause: std::io::Error::new(cause.kind(), format!("{key}: {cause}")),
                });
            }
        }
        Ok(())
    }

    /// Every input file or folder the scenario names, with its key (the scenario file itself
    /// is the caller's): a run must never write over them.
    pub fn input_paths(&self) -> Vec<(&'static str, PathBuf)> {
        let optional = [
            ("region.pbf", &self.region.pbf),
            ("region.parks", &self.region.parks),
            ("commute.population", &self.commute.population),
            ("commute.gtfs", &self.commute.gtfs),
            ("bus.demand", &self.bus.demand),
            ("bus.stops", &self.bus.stops),
        ];
        let mut paths: Vec<(&'static str, PathBuf)> = optional
            .into_iter()
            .filter_map(|(key, p)| p.clone().map(|p| (key, p)))
            .collect();
        paths.extend(
            self.life_circle
                .poi
                .iter()
                .map(|p| ("life_circle.poi", p.clone())),
        );
        if self.life_circle.profile.ends_with(".toml") {
            paths.push((
                "life_circle.profile",
                PathBuf::from(&self.life_circle.profile),
            ));
        }
        paths
    }

    fn crs(&self, value: &str, key: &'static str) -> Result<Crs> {
        if is_auto(value) {
            return Ok(Crs::Wgs84);
        }
        value
            .parse::<Crs>()
            .map_err(|_| invalid(key, value, "auto, wgs84, gcj02 or bd09"))
    }

    /// Whether the parks', the demand file's and the population file's CRS were given (not `auto`): a file whose
    /// datum was assumed is refused when another fits clearly better (`places::datum`).
    pub fn crs_given(&self) -> [bool; 3] {
        [
            !is_auto(&self.region.parks_crs),
            !is_auto(&self.bus.demand_crs),
            !is_auto(&self.commute.population_crs),
        ]
    }

    /// The POI files' coordinate system; `None` for `auto` (each file's own).
    pub fn poi_crs(&self) -> Result<Option<Crs>> {
        let value = &self.life_circle.poi_crs;
        if is_auto(value) {
            return Ok(None);
        }
        value
            .parse::<Crs>()
            .map(Some)
            .map_err(|_| invalid("life_circle.poi_crs", value, "auto, wgs84, gcj02 or bd09"))
    }

    /// The commute modes: at least one, each once.
    pub fn modes(&self) -> Result<Vec<Mode>> {
        let modes = self
            .commute
            .modes
            .iter()
            .map(|m| {
                m.parse::<Mode>()
                    .map_err(|_| invalid("commute.modes", m, "walk, bike, ebike, bus or car"))
            })
            .collect::<Result<Vec<Mode>>>()?;
        check_modes(&modes)?;
        Ok(modes)
    }

    /// The network the bus-line vehicles drive on.
    pub fn bus_roads(&self) -> Result<Mode> {
        match self.bus.roads.as_str() {
            "bus" => Ok(Mode::Bus),
            "car" => Ok(Mode::Car),
            other => Err(invalid("bus.roads", other, "bus or car")),
        }
    }

    /// Shift start, seconds after midnight.
    pub fn arrive_s(&self) -> Result<u32> {
        let b = &self.bus;
        let s = parse_clock(&b.arrive)
            .filter(|&s| s < 24 * 3600)
            .ok_or_else(|| invalid("bus.arrive", &b.arrive, "a time of day HH:MM"))?;
        if f64::from(s) / 60.0 < b.early_min + b.target_min {
            return Err(invalid(
                "bus.arrive",
                &b.arrive,
                "too early: buses would have to leave before midnight",
            ));
        }
        Ok(s)
    }

    /// The stops file's coordinate system, and whether it was given (not `auto`).
    pub fn stops_crs(&self) -> Result<(Crs, bool)> {
        let value = &self.bus.stops_crs;
        Ok((self.crs(value, "bus.stops_crs")?, !is_auto(value)))
    }

    /// Coordinate systems of the planner's files: POIs, population, demand.
    pub fn crs_of(&self) -> Result<[Crs; 3]> {
        Ok([
            self.crs(&self.region.parks_crs, "region.parks_crs")?,
            self.crs(&self.commute.population_crs, "commute.population_crs")?,
            self.crs(&self.bus.demand_crs, "bus.demand_crs")?,
        ])
    }

    /// The network options.
    pub fn graph_options(&self) -> GraphOptions {
        GraphOptions {
            walk_kmh: self.region.walk_kmh,
            bike_kmh: self.region.bike_kmh,
            ebike_kmh: self.region.ebike_kmh,
            maxspeed_factor: self.region.maxspeed_factor,
            bus_speed_factor: self.region.bus_speed_factor,
        }
    }

    /// The resident estimate's options.
    pub fn resident_options(&self) -> ResidentOptions {
        ResidentOptions {
            persons_per_m2: self.commute.persons_per_m2,
            default_levels: self.commute.levels,
            area_density_per_ha: self.commute.area_density_per_ha,
        }
    }
}

/// `auto`: the CRS is assumed, not given.
fn is_auto(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("auto")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_scenario_parses_and_equals_the_defaults() {
        let text = include_str!("../examples/scenario.toml");
        let s = Scenario::from_toml(text, "examples/scenario.toml").unwrap();
        assert_eq!(s, Scenario::default());
    }

    #[test]
    fn a_billion_workers_are_refused_with_the_cap() {
        // Regression (issue 10): ran 60 s, reading the region, before it was refused.
        let e = Scenario::from_toml("[bus]\nworkers = 1000000000\n", "s.toml")
            .and_then(|s| s.validate())
            .expect_err("a billion workers");
        assert!(e.to_string().contains("at most 200000"), "{e}");
    }

    #[test]
    fn unknown_keys_name_the_key_and_the_line() {
        let e = Scenario::from_toml("[bus]\nworkers = 10\ncapacty = 33\n", "s.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("s.toml") && e.contains("capacty") && e.contains("line 3"),
            "{e}"
        );
        let e = Scenario::from_toml("[buses]\n", "s.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("buses") && e.contains("line 1"), "{e}");
    }

    #[test]
    fn bad_values_name_the_key() {
        for (text, key) in [
            ("[commute]\nmodes = [\"walk\", \"boat\"]\n", "commute.modes"),
            ("[bus]\narrive = \"25:00\"\n", "bus.arrive"),
            ("[bus]\ndemand_crs = \"utm\"\n", "bus.demand_crs"),
            ("[report]\nlang = \"fr\"\n", "report.lang"),
            ("[region]\nwalk_kmh = 0\n", "region.walk_kmh"),
        ] {
            let e = Scenario::from_toml(text, "s.toml").unwrap_err().to_string();
            assert!(e.contains(key), "{text}: {e}");
        }
    }

    #[test]
    fn absurd_numbers_and_names_are_refused_naming_the_key() {
        // Each of these was accepted before (issue 10, "Every bad value named").
        for (text, key) in [
            (
                "[region]\nwalk_kmh = 199\n",
                "region.walk_kmh (--walk-speed)",
            ),
            ("[commute]\nlevels = inf\n", "commute.levels"),
            (
                "[commute]\npersons_per_m2 = 1e300\n",
                "commute.persons_per_m2",
            ),
            (
                "[commute]\narea_density_per_ha = inf\n",
                "commute.area_density_per_ha",
            ),
            (
                "[commute]\nresidents_total = 1e308\n",
                "commute.residents_total",
            ),
            ("[commute]\nmodes = []\n", "commute.modes"),
            ("[commute]\nmodes = [\"walk\", \"walk\"]\n", "commute.modes"),
            ("[bus]\nshift_hours = 1e300\n", "bus.shift_hours"),
            ("[bus]\nearly_min = inf\n", "bus.early_min"),
            ("[bus]\nmax_walk_m = nan\n", "bus.max_walk_m"),
            ("[bus]\ntimezone = \"Asia/Nowhere\"\n", "bus.timezone"),
            ("[bus]\ntimezone = \"Asia/Shanghai\\n\"\n", "bus.timezone"),
            ("[bus]\nmax_parks = 0\n", "bus.max_parks"),
            ("[life_circle]\nsites = 100000\n", "life_circle.sites"),
            ("[report]\nout = \"\"\n", "report.out"),
        ] {
            let e = Scenario::from_toml(text, "s.toml").unwrap_err().to_string();
            assert!(e.contains(key), "{text}: {e}");
            assert!(!e.contains('\n'), "{text}: one line expected: {e}");
        }
        for tz in ["Asia/Shanghai", "Europe/Vaduz", "America/Sao_Paulo", "UTC"] {
            check_timezone(tz).unwrap();
        }
    }

    #[test]
    fn a_rule_names_its_range() {
        let e = rules::LEVELS.check(f64::INFINITY).unwrap_err().to_string();
        assert_eq!(
            e,
            "commute.levels (--levels) = inf is not accepted: give a finite number from 1 to 200 levels"
        );
        assert!(rules::WALK_KMH.check(f64::NAN).is_err());
        assert_eq!(rules::WALK_KMH.check(10.0).unwrap(), 10.0);
    }

    #[test]
    fn relative_paths_follow_the_scenario_file() {
        let mut s = Scenario::from_toml(
            "[region]\npbf = \"city.osm.pbf\"\n[bus]\ndemand = \"/abs/d.csv\"\n",
            "s.toml",
        )
        .unwrap();
        s.resolve_paths(Path::new("/work/scen"));
        assert_eq!(s.region.pbf, Some(PathBuf::from("/work/scen/city.osm.pbf")));
        assert_eq!(s.bus.demand, Some(PathBuf::from("/abs/d.csv")));
    }
}
