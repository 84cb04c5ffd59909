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
    /// The report.
    pub report: ReportConfig,
}

/// `[region]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegionConfig {
    /// The .osm.pbf file (none: the embedded demo region).
    pub pbf: Option<PathBuf>,
    /// Park outlines (GeoJSON) instead of landuse=industrial areas.
    pub parks: Option<PathBuf>,
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
    /// Extra amenity files (CSV or GeoJSON).
    pub poi: Vec<PathBuf>,
    /// Their coordinate system: auto (each file's own: GCJ-02 for an Amap export, BD-09 for a
    /// Baidu export, else WGS-84), wgs84, gcj02 or bd09.
    pub poi_crs: String,
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
    /// Its coordinate system.
    pub demand_crs: String,
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
            title: "Industrial parks: life circle, commute circle and bus lines".into(),
            region: RegionConfig::default(),
            life_circle: LifeCircleConfig::default(),
            commute: CommuteConfig::default(),
            bus: BusConfig::default(),
            report: ReportConfig::default(),
        }
    }
}

impl Default for RegionConfig {
    fn default() -> Self {
        let g = GraphOptions::default();
        RegionConfig {
            pbf: None,
            parks: None,
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
            poi: Vec::new(),
            poi_crs: "auto".into(),
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
            population_crs: "wgs84".into(),
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
            demand_crs: "wgs84".into(),
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

fn invalid(key: &'static str, value: impl ToString, hint: &str) -> Error {
    Error::InvalidValue {
        what: key,
        value: value.to_string(),
        hint: hint.to_string(),
    }
}

impl Scenario {
    /// Reads a scenario file; relative paths in it are resolved against its folder.
    pub fn load(path: &Path) -> Result<Scenario> {
        let text = std::fs::read_to_string(path).map_err(|cause| Error::Io {
            path: path.to_path_buf(),
            cause,
        })?;
        let mut scenario = Scenario::from_toml(&text, &path.display().to_string())?;
        let base = path.parent().unwrap_or(Path::new("."));
        scenario.resolve_paths(base);
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
        if self.life_circle.profile.ends_with(".toml") {
            let mut p = PathBuf::from(&self.life_circle.profile);
            fix(&mut p);
            self.life_circle.profile = p.display().to_string();
        }
    }

    /// Checks every value that the stages would otherwise reject late.
    pub fn validate(&self) -> Result<()> {
        let r = &self.region;
        for (key, v) in [
            ("region.walk_kmh", r.walk_kmh),
            ("region.bike_kmh", r.bike_kmh),
            ("region.ebike_kmh", r.ebike_kmh),
            ("region.maxspeed_factor", r.maxspeed_factor),
            ("region.bus_speed_factor", r.bus_speed_factor),
        ] {
            if !(v > 0.0 && v < 200.0) {
                return Err(invalid(key, v, "a positive speed or factor"));
            }
        }
        self.poi_crs()?;
        if self
            .life_circle
            .minutes
            .is_some_and(|m| !(m > 0.0 && m <= 120.0))
        {
            return Err(invalid(
                "life_circle.minutes",
                self.life_circle.minutes.unwrap_or_default(),
                "a walking time between 0 and 120 minutes",
            ));
        }
        let c = &self.commute;
        if !(c.minutes > 0.0 && c.minutes <= 60.0) {
            return Err(invalid(
                "commute.minutes",
                c.minutes,
                "a commute target between 0 and 60 minutes",
            ));
        }
        self.modes()?;
        self.crs(&c.population_crs, "commute.population_crs")?;
        crate::commute::gtfs::DepartureWindow::parse(&c.depart)?;
        if !(c.persons_per_m2 > 0.0 && c.levels > 0.0 && c.area_density_per_ha >= 0.0) {
            return Err(invalid(
                "commute.persons_per_m2/levels/area_density_per_ha",
                format!(
                    "{}/{}/{}",
                    c.persons_per_m2, c.levels, c.area_density_per_ha
                ),
                "positive persons per m² and levels, non-negative density",
            ));
        }
        if c.residents_total.is_some_and(|t| t <= 0.0) {
            return Err(invalid(
                "commute.residents_total",
                c.residents_total.unwrap_or_default(),
                "a positive population",
            ));
        }
        let b = &self.bus;
        self.crs(&b.demand_crs, "bus.demand_crs")?;
        self.arrive_s()?;
        self.bus_roads()?;
        if !(b.seconds > 0.0 && b.seconds <= MAX_SECONDS) {
            return Err(invalid(
                "bus.seconds",
                b.seconds,
                "a time limit above 0 and at most 86400 s (a day)",
            ));
        }
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
        if !["en", "zh"].contains(&self.report.lang.as_str()) {
            return Err(invalid("report.lang", &self.report.lang, "en or zh"));
        }
        Ok(())
    }

    /// Every input file the scenario names exists (a planner's file that is missing is an
    /// error, not a stage without results).
    pub fn check_inputs(&self) -> Result<()> {
        let files = [
            ("region.pbf", self.region.pbf.as_ref()),
            ("region.parks", self.region.parks.as_ref()),
            ("commute.population", self.commute.population.as_ref()),
            ("commute.gtfs", self.commute.gtfs.as_ref()),
            ("bus.demand", self.bus.demand.as_ref()),
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
        value
            .parse::<Crs>()
            .map_err(|_| invalid(key, value, "wgs84, gcj02 or bd09"))
    }

    /// The POI files' coordinate system; `None` for `auto` (each file's own).
    pub fn poi_crs(&self) -> Result<Option<Crs>> {
        let value = &self.life_circle.poi_crs;
        if value.trim().eq_ignore_ascii_case("auto") {
            return Ok(None);
        }
        value
            .parse::<Crs>()
            .map(Some)
            .map_err(|_| invalid("life_circle.poi_crs", value, "auto, wgs84, gcj02 or bd09"))
    }

    /// The commute modes.
    pub fn modes(&self) -> Result<Vec<Mode>> {
        self.commute
            .modes
            .iter()
            .map(|m| {
                m.parse::<Mode>()
                    .map_err(|_| invalid("commute.modes", m, "walk, bike, ebike, bus or car"))
            })
            .collect()
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

    /// Coordinate systems of the planner's files: POIs, population, demand.
    pub fn crs_of(&self) -> Result<[Crs; 2]> {
        Ok([
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
