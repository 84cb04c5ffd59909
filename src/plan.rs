//! The whole analysis for a [`Scenario`]: load the region once, then the life circle, the
//! commute circle and the bus lines, each stage on the previous stages' results. A stage that
//! fails (or cannot run, e.g. without parks) is recorded with its reason and the later stages
//! go on where they can, so the report can say what is missing and why. Loading the region
//! itself is the only failure that ends the run.

use geo::Coord;

use crate::commute::lines::TransitLines;
use crate::commute::transit::{TransitGraph, TransitOptions, osm_lines};
use crate::commute::{
    CommuteInputs, CommuteOptions, CommuteReport, compute_commute, compute_commute_with,
};
use crate::coverage::{CoverageOptions, CoverageReport, compute_coverage};
use crate::drt::demand::{SyntheticDemand, bookings_as_residents};
use crate::drt::lines::{LineInputs, LineOptions, LinePlan, plan_lines};
use crate::drt::optimise::Config;
use crate::error::{Error, Result};
use crate::graph::{Mode, RoadGraph, build_graph};
use crate::osm::OsmExtract;
use crate::places::crs::Crs;
use crate::places::demand::{Booking, read_demand};
use crate::places::import::{self, RowWarning};
use crate::places::residents::{self, ResidentOptions, Residents};
use crate::places::{
    Amenity, AmenityProfile, ParkOptions, Source, ZoneId, ZoneKind, Zones, osm_amenities,
    residential_zones, select_zones,
};
use crate::scenario::Scenario;

/// What a stage produced, or why it did not.
pub type StageResult<T> = std::result::Result<T, String>;

/// Progress of a run, for a progress bar.
pub trait Progress {
    /// Stage `index` of `total` starts.
    fn stage(&self, index: usize, total: usize, name: &str);
}

/// No progress display.
pub struct Quiet;

impl Progress for Quiet {
    fn stage(&self, _: usize, _: usize, _: &str) {}
}

/// The life circle's inputs and result.
#[derive(Debug)]
pub struct LifeCircle {
    /// The amenity profile.
    pub profile: AmenityProfile,
    /// The zones evaluated (parks, or residential areas for a residential profile).
    pub zones: Zones,
    /// Amenities (OSM and the planner's files).
    pub amenities: Vec<Amenity>,
    /// Skipped rows of the planner's files.
    pub warnings: Vec<RowWarning>,
    /// The result.
    pub report: CoverageReport,
}

/// The commute circle's inputs and result.
#[derive(Debug)]
pub struct Commute {
    /// Where people live.
    pub residents: Residents,
    /// Skipped rows and notes on the bus lines.
    pub warnings: Vec<String>,
    /// Where today's bus lines come from.
    pub transit_source: String,
    /// The result.
    pub report: CommuteReport,
}

/// The bus lines' inputs and result.
#[derive(Debug)]
pub struct BusLines {
    /// The parks planned for.
    pub parks: Vec<ZoneId>,
    /// Who rides.
    pub bookings: Vec<Booking>,
    /// Demand rows that could not be used.
    pub skipped: Vec<RowWarning>,
    /// The proposal.
    pub plan: LinePlan,
}

/// Everything a run produced.
#[derive(Debug)]
pub struct PlanRun {
    /// The scenario.
    pub scenario: Scenario,
    /// The region.
    pub extract: OsmExtract,
    /// Its network.
    pub graph: RoadGraph,
    /// The parks, or why there are none.
    pub parks: StageResult<Zones>,
    /// Residential areas.
    pub areas: Zones,
    /// Stage 1.
    pub life_circle: StageResult<LifeCircle>,
    /// Stage 2.
    pub commute: StageResult<Commute>,
    /// Stage 3.
    pub bus: StageResult<BusLines>,
}

/// Names of the stages, in order, for progress displays.
pub const STAGES: [&str; 5] = [
    "reading the region",
    "life circle",
    "commute circle",
    "bus lines",
    "report",
];

/// Runs every stage. Fails only if the region cannot be read.
pub fn run_plan(scenario: &Scenario, progress: &dyn Progress) -> Result<PlanRun> {
    scenario.validate()?;
    scenario.check_inputs()?;
    let [parks_crs, population_crs, demand_crs] = scenario.crs_of()?;
    let poi_crs = scenario.poi_crs()?;
    progress.stage(0, STAGES.len(), STAGES[0]);
    let extract = match &scenario.region.pbf {
        Some(path) => OsmExtract::from_pbf(path)?,
        None => OsmExtract::demo(),
    };
    let graph = build_graph(&extract, &scenario.graph_options())?;
    let parks = select_zones(
        &extract,
        ZoneKind::Parks,
        scenario.region.parks.as_deref().map(|p| (p, parks_crs)),
        &ParkOptions::default(),
    )
    .map_err(|e| e.to_string());
    if scenario.bus.enabled
        && let Ok(parks) = &parks
    {
        // A park named in [bus] parks that does not exist is the planner's error: refuse the
        // run before any stage works, naming it and the parks there are.
        bus_parks(scenario, parks).map_err(|why| Error::InvalidValue {
            what: "bus.parks (--park)",
            value: scenario.bus.parks.join(", "),
            hint: why,
        })?;
    }
    let areas = residential_zones(&extract);

    progress.stage(1, STAGES.len(), STAGES[1]);
    let life_circle = if scenario.life_circle.enabled {
        life_circle(scenario, &extract, &graph, poi_crs, parks.as_ref().ok())
    } else {
        Err("not asked for ([life_circle] enabled = false)".to_string())
    };

    progress.stage(2, STAGES.len(), STAGES[2]);
    let transit = if scenario.commute.enabled || scenario.bus.enabled {
        load_transit(
            &extract,
            &graph,
            &scenario.commute.gtfs,
            &scenario.commute.depart,
        )
    } else {
        Err(Error::Plan("not needed".into()))
    };
    let bikeshare = bikeshare_points(&extract);
    let commute_options = CommuteOptions {
        modes: scenario.modes()?,
        target_min: scenario.commute.minutes,
        ..CommuteOptions::default()
    };
    // A synthetic bus demand is drawn per park inside the commute stage, as each park's
    // searches finish, so that no parks × residents table is kept.
    let sample: Option<StageResult<SyntheticDemand>> =
        (scenario.bus.enabled && scenario.bus.demand.is_none()).then(|| {
            let parks = parks.as_ref().map_err(|_| "no parks".to_string())?;
            Ok(SyntheticDemand {
                parks: bus_parks(scenario, parks)?,
                workers_per_park: scenario.bus.workers,
                arrive_by_s: scenario.arrive_s().map_err(|e| e.to_string())?,
                target_min: commute_options.target_min,
                seed: scenario.bus.seed,
            })
        });
    let mut synthetic: Vec<Booking> = Vec::new();
    let commute: StageResult<Commute> = (|| {
        if !scenario.commute.enabled {
            return Err("not asked for ([commute] enabled = false)".to_string());
        }
        let parks = parks.as_ref().map_err(|_| "no parks".to_string())?;
        let (lines, transit_graph, transit_warnings) =
            transit.as_ref().map_err(|e| e.to_string())?;
        let (residents, w) = load_residents(
            &extract,
            &areas,
            scenario.commute.population.as_deref(),
            population_crs,
            &scenario.resident_options(),
            scenario.commute.residents_total,
        )
        .map_err(|e| e.to_string())?;
        let warnings = transit_warnings.iter().cloned().chain(w).collect();
        let inputs = CommuteInputs {
            parks,
            areas: &areas,
            residents: &residents,
            bikeshare: &bikeshare,
            transit: transit_graph,
            transit_source: &lines.source,
        };
        let report = match sample.as_ref().and_then(|s| s.as_ref().ok()) {
            Some(sample) => {
                let (report, drawn) =
                    compute_commute_with(&graph, &inputs, &commute_options, &|p, modes| {
                        sample.draw_park(p, parks.zones[p].id, modes, &residents)
                    });
                synthetic = drawn.into_iter().flatten().collect();
                report
            }
            None => compute_commute(&graph, &inputs, &commute_options),
        };
        Ok(Commute {
            residents,
            warnings,
            transit_source: lines.source.clone(),
            report,
        })
    })();

    progress.stage(3, STAGES.len(), STAGES[3]);
    let bus: StageResult<BusLines> = (|| {
        if !scenario.bus.enabled {
            return Err("not asked for ([bus] enabled = false)".to_string());
        }
        let parks = parks.as_ref().map_err(|_| "no parks".to_string())?;
        let (lines, transit_graph, _) = transit.as_ref().map_err(|e| e.to_string())?;
        scenario.arrive_s().map_err(|e| e.to_string())?;
        let (selected, bookings, skipped) = match &scenario.bus.demand {
            Some(path) => {
                // A demand file names its parks: all of them, unless [bus] parks narrows them.
                let selected = if scenario.bus.parks.is_empty() {
                    parks.zones.iter().map(|z| z.id).collect()
                } else {
                    bus_parks(scenario, parks)?
                };
                let (all, mut w) = read_demand(path, demand_crs, parks, extract.bbox)
                    .map_err(|e| e.to_string())?;
                let mut b = Vec::with_capacity(all.len());
                let mut not_selected = import::RowWarnings::default();
                for booking in all {
                    if selected.contains(&booking.park) {
                        b.push(booking);
                    } else if let Source::File { path, line } = &booking.source {
                        not_selected.push(RowWarning {
                            path: path.clone(),
                            line: *line,
                            message: format!(
                                "park {} is not among [bus] parks",
                                parks.zones[booking.park.0 as usize].code
                            ),
                        });
                    }
                }
                w.extend(not_selected.finish());
                w.sort_by_key(|w| w.line);
                if b.is_empty() {
                    return Err(format!(
                        "no usable booking in {}: {} rows skipped{}",
                        path.display(),
                        w.len(),
                        w.first()
                            .map(|w| format!(", the first: {w}"))
                            .unwrap_or_default()
                    ));
                }
                (selected, b, w)
            }
            None => {
                let sample = sample
                    .as_ref()
                    .expect(
                        "a synthetic sample is set up whenever the bus stage has no demand file",
                    )
                    .as_ref()
                    .map_err(Clone::clone)?;
                if let Err(e) = &commute {
                    return Err(format!("needs the commute circle, which failed: {e}"));
                }
                (
                    sample.parks.clone(),
                    std::mem::take(&mut synthetic),
                    Vec::new(),
                )
            }
        };
        let as_residents = bookings_as_residents(&bookings);
        // Today's modes for the same workers: only the parks planned for, with every
        // booking's times (bookings are few).
        let planned = Zones {
            zones: parks
                .zones
                .iter()
                .filter(|z| selected.contains(&z.id))
                .cloned()
                .collect(),
            kind: parks.kind,
            too_small: parks.too_small,
            notes: Vec::new(),
        };
        let existing = compute_commute(
            &graph,
            &CommuteInputs {
                parks: &planned,
                areas: &areas,
                residents: &as_residents,
                bikeshare: &bikeshare,
                transit: transit_graph,
                transit_source: &lines.source,
            },
            &CommuteOptions {
                keep_unit_times: true,
                ..commute_options.clone()
            },
        );
        let options = line_options(scenario);
        let plan = plan_lines(
            &graph,
            &LineInputs {
                parks,
                bookings: &bookings,
                synthetic: scenario.bus.demand.is_none(),
                osm_stops: &extract.bus_stops,
                existing: &existing,
            },
            &options,
        )
        .map_err(|e| e.to_string())?;
        Ok(BusLines {
            parks: selected,
            bookings,
            skipped,
            plan,
        })
    })();
    progress.stage(4, STAGES.len(), STAGES[4]);
    Ok(PlanRun {
        scenario: scenario.clone(),
        extract,
        graph,
        parks,
        areas,
        life_circle,
        commute,
        bus,
    })
}

impl PlanRun {
    /// The stages the scenario asked for that produced no result, with the reason.
    pub fn failed_stages(&self) -> Vec<(&'static str, &str)> {
        let s = &self.scenario;
        let mut failed = Vec::new();
        if s.life_circle.enabled
            && let Err(e) = &self.life_circle
        {
            failed.push(("life circle", e.as_str()));
        }
        if s.commute.enabled
            && let Err(e) = &self.commute
        {
            failed.push(("commute circle", e.as_str()));
        }
        if s.bus.enabled
            && let Err(e) = &self.bus
        {
            failed.push(("bus lines", e.as_str()));
        }
        failed
    }

    /// How many stages the scenario asked for.
    pub fn requested_stages(&self) -> usize {
        let s = &self.scenario;
        [s.life_circle.enabled, s.commute.enabled, s.bus.enabled]
            .iter()
            .filter(|&&on| on)
            .count()
    }
}

fn life_circle(
    scenario: &Scenario,
    extract: &OsmExtract,
    graph: &RoadGraph,
    poi_crs: Option<Crs>,
    parks: Option<&Zones>,
) -> StageResult<LifeCircle> {
    let lc = &scenario.life_circle;
    let mut profile = AmenityProfile::load(&lc.profile).map_err(|e| e.to_string())?;
    if let Some(m) = lc.minutes {
        profile = profile.with_minutes(m);
    }
    let zones = match profile.zones {
        ZoneKind::Parks => parks.cloned().ok_or("no parks")?,
        ZoneKind::Residential => select_zones(
            extract,
            ZoneKind::Residential,
            None,
            &ParkOptions::default(),
        )
        .map_err(|e| e.to_string())?,
    };
    let mut amenities = osm_amenities(extract, &profile);
    let mut warnings = Vec::new();
    for path in &lc.poi {
        let (more, w) = import::read_pois(
            path,
            poi_crs,
            &profile,
            extract.bbox,
            amenities.len() as u32,
        )
        .map_err(|e| e.to_string())?;
        amenities.extend(more);
        warnings.extend(w);
    }
    let minutes = lc.minutes.unwrap_or(15.0);
    let options = CoverageOptions {
        sites: lc.sites,
        min_site_gain_points: lc.min_site_gain_points,
        band_minutes: vec![minutes / 3.0, 2.0 * minutes / 3.0, minutes],
        ..CoverageOptions::default()
    };
    let report = compute_coverage(graph, &zones, &amenities, &profile, &options);
    Ok(LifeCircle {
        profile,
        zones,
        amenities,
        warnings,
        report,
    })
}

/// The parks to plan bus lines for: those named, else the largest.
fn bus_parks(scenario: &Scenario, parks: &Zones) -> StageResult<Vec<ZoneId>> {
    if !scenario.bus.parks.is_empty() {
        return scenario
            .bus
            .parks
            .iter()
            .map(|name| {
                parks
                    .find(name)
                    .map(|z| z.id)
                    .ok_or_else(|| format!("no park '{name}'; parks are: {}", parks.listing()))
            })
            .collect();
    }
    let mut by_size: Vec<&crate::places::Zone> = parks.zones.iter().collect();
    by_size.sort_by(|a, b| b.area_ha.total_cmp(&a.area_ha).then(a.id.cmp(&b.id)));
    let mut ids: Vec<ZoneId> = by_size
        .iter()
        .take(scenario.bus.max_parks)
        .map(|z| z.id)
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// The bus-line planner's options from a scenario.
pub fn line_options(scenario: &Scenario) -> LineOptions {
    let b = &scenario.bus;
    LineOptions {
        fleet_seats: b.capacity.clone(),
        roads: scenario.bus_roads().unwrap_or(Mode::Bus),
        max_walk_m: b.max_walk_m,
        early_min: b.early_min,
        target_min: b.target_min,
        shift_h: b.shift_hours,
        search: Config {
            seed: b.seed,
            time_limit_s: Some(b.seconds),
            max_iterations: (b.iterations > 0).then_some(b.iterations),
            ..LineOptions::default().search
        },
        ..LineOptions::default()
    }
}

/// Residents from a planner's file, or estimated from buildings and areas (scaled to a known
/// total if given); the strings are the rows skipped.
fn load_residents(
    extract: &OsmExtract,
    areas: &Zones,
    population: Option<&std::path::Path>,
    crs: Crs,
    options: &ResidentOptions,
    total: Option<f64>,
) -> Result<(Residents, Vec<String>)> {
    if let Some(path) = population.filter(|p| crate::places::raster::is_raster(p)) {
        let estimate = residents::estimate_residents(extract, areas, options);
        let (r, summary) =
            crate::places::raster::read_population_raster(path, extract.bbox, &estimate)?;
        return Ok((r, vec![format!("{}: {summary}", path.display())]));
    }
    if let Some(path) = population {
        let (r, w) = residents::read_population(path, crs, areas, extract.bbox)?;
        return Ok((r, w.iter().map(ToString::to_string).collect()));
    }
    let mut r = residents::estimate_residents(extract, areas, options);
    if let Some(total) = total {
        if total <= 0.0 {
            return Err(Error::InvalidValue {
                what: "residents total",
                value: total.to_string(),
                hint: "a positive population".into(),
            });
        }
        r.scale_to(total);
    }
    Ok((r, Vec::new()))
}

/// Today's bus lines (a GTFS feed, else OSM route relations), their transit graph, and notes
/// on what could not be used.
fn load_transit(
    extract: &OsmExtract,
    graph: &RoadGraph,
    gtfs: &Option<std::path::PathBuf>,
    depart: &str,
) -> Result<(TransitLines, TransitGraph, Vec<String>)> {
    let window = crate::commute::gtfs::DepartureWindow::parse(depart)?;
    let options = TransitOptions::default();
    let lines = match gtfs {
        Some(path) => {
            let mut lines = crate::commute::gtfs::read_gtfs(path, window)?;
            let [a, b, c, d] = extract.bbox;
            let inside = lines
                .lines
                .iter()
                .flat_map(|l| &l.stops)
                .filter(|s| {
                    s.location.x >= a && s.location.x <= c && s.location.y >= b && s.location.y <= d
                })
                .count();
            let total = lines.lines.iter().map(|l| l.stops.len()).sum::<usize>();
            if inside > 0 && inside < total {
                // Reported, not dropped: a line that leaves the region still serves the
                // part inside it.
                lines.warnings.push(format!(
                    "{} of {total} stops on the GTFS lines in the window lie outside the region of {}; only the parts of those lines inside it can be reached",
                    total - inside,
                    extract.source.display()
                ));
            }
            if !lines.lines.is_empty() && inside == 0 {
                return Err(Error::InvalidValue {
                    what: "GTFS feed",
                    value: path.display().to_string(),
                    hint: format!(
                        "no stop of the GTFS feed lies in the region of {} ({a:.4},{b:.4} – {c:.4},{d:.4}); is it the feed for this city?",
                        extract.source.display()
                    ),
                });
            }
            lines
        }
        None => osm_lines(extract, graph, &options).0,
    };
    let transit = TransitGraph::build(graph, &lines, &options);
    let warnings = lines.warnings.clone();
    Ok((lines, transit, warnings))
}

/// Bike-share points (`amenity=bicycle_rental`).
fn bikeshare_points(extract: &OsmExtract) -> Vec<Coord> {
    extract
        .pois
        .iter()
        .filter(|p| p.tags.is("amenity", "bicycle_rental"))
        .map(|p| p.location)
        .collect()
}
