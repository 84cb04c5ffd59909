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
use crate::drt::demand::{
    NoLine, ParkSample, SyntheticDemand, bookings_as_residents, servable_units,
};
use crate::drt::given_stops::{GivenStop, check_given_stops, gate_code_clash};
use crate::drt::lines::{LineInputs, LineOptions, LinePlan, LineProgress, plan_lines_with};
use crate::drt::optimise::Config;
use crate::error::{Error, Result};
use crate::graph::{Mode, RoadGraph, build_graph};
use crate::lang::{RiderReason, RowProblem, StageFailure};
use crate::osm::OsmExtract;
use crate::places::crs::Crs;
use crate::places::datum::{self, DatumContext, PointKind};
use crate::places::demand::{Booking, GivenColumns, read_demand_file};
use crate::places::import::{self, FileRead, RowWarning};
use crate::places::residents::{self, ResidentOptions, Residents};
use crate::places::{
    Amenity, AmenityProfile, ParkOptions, Source, ZoneId, ZoneKind, Zones, osm_amenities,
    residential_zones, select_zones,
};
use crate::scenario::Scenario;

/// What a stage produced, or why it did not.
pub type StageResult<T> = std::result::Result<T, StageFailure>;

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
    /// The planner's POI files as read (encoding, rows, CRS).
    pub inputs: Vec<FileRead>,
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
    /// Skipped rows of the planner's population file, by line.
    pub population_warnings: Vec<RowWarning>,
    /// The planner's population table as read (rows read and kept); `None` for estimates and
    /// rasters.
    pub population_input: Option<FileRead>,
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
    /// The demand file as read (encoding, rows, CRS); empty for a synthetic sample.
    pub inputs: Vec<FileRead>,
    /// The demand file's columns as given, for `drt_riders.csv`.
    pub given: Option<GivenColumns>,
    /// The proposal.
    pub plan: LinePlan,
    /// Per park of a synthetic sample: how many residents it could be drawn from (empty for
    /// a demand file).
    pub samples: Vec<ParkSample>,
    /// Vertices of the road network buses may use (0: no line can be planned).
    pub bus_vertices: usize,
    /// Today's conventional bus lines serving the same parks, costed alike.
    pub today_bus: crate::drt::conventional::TodayBus,
    /// The planner's pick-up stops the plan used (`None`: the planner chose them): the
    /// usable rows of `[bus] stops`, or the stops given to [`replan_bus`].
    pub given_stops: Option<Vec<GivenStop>>,
    /// The stops file as read and its skipped rows, by line (`None` without one).
    pub stops_file: Option<StopsRead>,
}

/// A stops file (`[bus] stops`) as read.
#[derive(Clone, Debug)]
pub struct StopsRead {
    /// Encoding, rows, CRS.
    pub input: FileRead,
    /// Rows not used (bad values, off the bus network, a point taken by another stop) and
    /// the datum check's note, by line.
    pub warnings: Vec<RowWarning>,
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
    let (extract, graph, parks, areas) = load_region(scenario, parks_crs)?;

    progress.stage(1, STAGES.len(), STAGES[1]);
    let life_circle = if scenario.life_circle.enabled {
        life_circle(scenario, &extract, &graph, poi_crs, parks.as_ref().ok())
    } else {
        Err(StageFailure::NotAsked {
            section: "life_circle",
        })
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
    let region = Region {
        scenario,
        extract: &extract,
        graph: &graph,
        parks: &parks,
        areas: &areas,
        transit: &transit,
        bikeshare: bikeshare_points(&extract),
    };
    let commute_options = CommuteOptions {
        modes: scenario.modes()?,
        target_min: scenario.commute.minutes,
        ..CommuteOptions::default()
    };
    let sample = synthetic_sample(scenario, &parks, &commute_options);
    let (commute, synthetic) =
        commute_stage(&region, population_crs, &commute_options, sample.as_ref());

    progress.stage(3, STAGES.len(), STAGES[3]);
    let bus = bus_stage(
        &region,
        demand_crs,
        &commute_options,
        sample.as_ref(),
        &commute,
        synthetic,
    );
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

/// The region and what every stage after the life circle shares.
struct Region<'a> {
    scenario: &'a Scenario,
    extract: &'a OsmExtract,
    graph: &'a RoadGraph,
    parks: &'a StageResult<Zones>,
    areas: &'a Zones,
    transit: &'a Result<(TransitLines, TransitGraph, Vec<String>)>,
    bikeshare: Vec<Coord>,
}

/// Reads the region, builds its network and finds the parks and residential areas. A park
/// named in `[bus] parks` that does not exist is the planner's error: the run is refused
/// before any stage works, naming it and the parks there are.
fn load_region(
    scenario: &Scenario,
    parks_crs: Crs,
) -> Result<(OsmExtract, RoadGraph, StageResult<Zones>, Zones)> {
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
    .and_then(|z| {
        datum::checked_parks(
            &extract,
            &graph,
            scenario.region.parks.as_deref(),
            z,
            parks_crs,
            scenario.crs_given()[0],
        )
    })
    .map_err(|e| StageFailure::from_error(&e));
    if scenario.bus.enabled
        && let Ok(parks) = &parks
    {
        bus_parks(scenario, parks).map_err(|why| Error::InvalidValue {
            what: "bus.parks (--park)",
            value: scenario.bus.parks.join(", "),
            hint: why.en(),
        })?;
    }
    let areas = residential_zones(&extract);
    Ok((extract, graph, parks, areas))
}

/// How to draw the synthetic bus demand, when the bus stage has no demand file. It is drawn
/// per park inside the commute stage, as each park's searches finish, so that no parks ×
/// residents table is kept.
fn synthetic_sample(
    scenario: &Scenario,
    parks: &StageResult<Zones>,
    commute_options: &CommuteOptions,
) -> Option<StageResult<SyntheticDemand>> {
    (scenario.bus.enabled && scenario.bus.demand.is_none()).then(|| {
        let parks = parks.as_ref().map_err(|_| StageFailure::NoParks)?;
        Ok(SyntheticDemand {
            parks: bus_parks(scenario, parks)?,
            workers_per_park: scenario.bus.workers,
            arrive_by_s: scenario.arrive_s().map_err(|e| e.to_string())?,
            target_min: commute_options.target_min,
            seed: scenario.bus.seed,
        })
    })
}

/// The synthetic workers drawn in the commute stage, and per park how many could have been.
type Drawn = (Vec<Booking>, Vec<ParkSample>);

/// Stage 2: the commute circle, drawing the synthetic bus demand on the way.
fn commute_stage(
    region: &Region<'_>,
    population_crs: Crs,
    commute_options: &CommuteOptions,
    sample: Option<&StageResult<SyntheticDemand>>,
) -> (StageResult<Commute>, Drawn) {
    let scenario = region.scenario;
    let mut drawn: Drawn = (Vec::new(), Vec::new());
    let commute = (|| {
        if !scenario.commute.enabled {
            return Err(StageFailure::NotAsked { section: "commute" });
        }
        let parks = region.parks.as_ref().map_err(|_| StageFailure::NoParks)?;
        let (lines, transit_graph, transit_warnings) =
            region.transit.as_ref().map_err(|e| e.to_string())?;
        let (residents, w, population_warnings, population_input) = load_residents(
            region.extract,
            region.areas,
            region.graph,
            scenario.commute.population.as_deref(),
            (population_crs, scenario.crs_given()[2]),
            &scenario.resident_options(),
            scenario.commute.residents_total,
        )
        .map_err(|e| e.to_string())?;
        let warnings = transit_warnings.iter().cloned().chain(w).collect();
        let inputs = CommuteInputs {
            parks,
            areas: region.areas,
            residents: &residents,
            bikeshare: &region.bikeshare,
            transit: transit_graph,
            transit_source: &lines.source,
        };
        let report = match sample.and_then(|s| s.as_ref().ok()) {
            Some(sample) => {
                // Only residents who can walk to a possible stop are drawn.
                let options = line_options(scenario);
                let stops = &region.extract.bus_stops;
                let servable = servable_units(region.graph, &residents, stops, &options);
                let (report, per_park) =
                    compute_commute_with(region.graph, &inputs, commute_options, &|p, modes| {
                        sample.draw_park(p, parks.zones[p].id, modes, &residents, &servable)
                    });
                for (bookings, park) in per_park {
                    drawn.0.extend(bookings);
                    if sample.parks.contains(&park.park) {
                        drawn.1.push(park);
                    }
                }
                report
            }
            None => compute_commute(region.graph, &inputs, commute_options),
        };
        Ok(Commute {
            residents,
            warnings,
            population_warnings,
            population_input,
            transit_source: lines.source.clone(),
            report,
        })
    })();
    (commute, drawn)
}

/// Stage 3: the bus lines, for the demand file's bookings or the synthetic sample.
fn bus_stage(
    region: &Region<'_>,
    demand_crs: Crs,
    commute_options: &CommuteOptions,
    sample: Option<&StageResult<SyntheticDemand>>,
    commute: &StageResult<Commute>,
    synthetic: Drawn,
) -> StageResult<BusLines> {
    let scenario = region.scenario;
    if !scenario.bus.enabled {
        return Err(StageFailure::NotAsked { section: "bus" });
    }
    let parks = region.parks.as_ref().map_err(|_| StageFailure::NoParks)?;
    let (lines, transit_graph, _) = region.transit.as_ref().map_err(|e| e.to_string())?;
    scenario.arrive_s().map_err(|e| e.to_string())?;
    let mut file: Option<(FileRead, GivenColumns)> = None;
    let (selected, bookings, skipped, samples) = match &scenario.bus.demand {
        Some(path) => {
            let mut s = supplied_bookings(scenario, path, demand_crs, parks, region.extract.bbox)?;
            let context = DatumContext::new(region.extract, region.graph, PointKind::Places);
            let given = scenario.crs_given()[1];
            let note = datum::check_bookings(&context, path, &s.bookings, demand_crs, given);
            s.skipped.splice(0..0, note.map_err(|e| e.to_string())?);
            file = Some((s.input, s.given));
            (s.selected, s.bookings, s.skipped, Vec::new())
        }
        None => {
            let sample = sample
                .expect("a synthetic sample is set up whenever the bus stage has no demand file")
                .as_ref()
                .map_err(Clone::clone)?;
            if let Err(e) = commute {
                return Err(StageFailure::NeedsCommute(Box::new(e.clone())));
            }
            (sample.parks.clone(), synthetic.0, Vec::new(), synthetic.1)
        }
    };
    let stops = match &scenario.bus.stops {
        Some(path) => Some(given_stops_file(region, path)?),
        None => None,
    };
    let demand = Demand {
        selected,
        bookings,
        skipped,
        file,
        samples,
    };
    let given = stops.as_ref().map(|(s, _)| s.as_slice());
    let transit = (lines, transit_graph);
    let mut bus = plan_bus(region, transit, parks, commute_options, demand, given, &())?;
    bus.stops_file = stops.map(|(_, read)| read);
    Ok(bus)
}

/// The bookings the bus lines are planned for, and where they come from.
struct Demand {
    selected: Vec<ZoneId>,
    bookings: Vec<Booking>,
    skipped: Vec<RowWarning>,
    file: Option<(FileRead, GivenColumns)>,
    samples: Vec<ParkSample>,
}

/// The bus lines for `demand`: today's modes for the same workers, the plan (from the given
/// stops, if any), today's conventional buses. `region.transit` is not used: `transit` is.
fn plan_bus(
    region: &Region<'_>,
    (lines, transit_graph): (&TransitLines, &TransitGraph),
    parks: &Zones,
    commute_options: &CommuteOptions,
    demand: Demand,
    given_stops: Option<&[GivenStop]>,
    progress: &dyn LineProgress,
) -> StageResult<BusLines> {
    let scenario = region.scenario;
    let Demand {
        selected,
        bookings,
        skipped,
        file,
        samples,
    } = demand;
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
        region.graph,
        &CommuteInputs {
            parks: &planned,
            areas: region.areas,
            residents: &as_residents,
            bikeshare: &region.bikeshare,
            transit: transit_graph,
            transit_source: &lines.source,
        },
        &CommuteOptions {
            keep_unit_times: true,
            ..commute_options.clone()
        },
    );
    let options = line_options(scenario);
    let bus_vertices = region.graph.profile(options.roads).stats.vertices;
    let mut plan = plan_lines_with(
        region.graph,
        &LineInputs {
            parks,
            bookings: &bookings,
            synthetic: scenario.bus.demand.is_none(),
            osm_stops: &region.extract.bus_stops,
            streets: &region.extract.highways,
            existing: &existing,
            given_stops,
        },
        &options,
        progress,
    )
    .map_err(|e| e.to_string())?;
    crate::drt::names::name_by_whereabouts(&mut plan.stops, region.extract);
    let today_bus = today_bus(scenario, lines, &planned, &existing, &plan, &bookings);
    let (inputs, given) = match file {
        Some((input, given)) => (vec![input], Some(given)),
        None => (Vec::new(), None),
    };
    Ok(BusLines {
        parks: selected,
        bookings,
        skipped,
        inputs,
        given,
        plan,
        samples,
        bus_vertices,
        today_bus,
        given_stops: given_stops.map(<[GivenStop]>::to_vec),
        stops_file: None,
    })
}

/// The usable stops of a stops file: rows with bad values, off the bus network or at the
/// point of an earlier stop are skipped and reported by line; a datum that fits clearly
/// worse than another, or a file with no usable stop, fails the stage.
fn given_stops_file(
    region: &Region<'_>,
    path: &std::path::Path,
) -> StageResult<(Vec<GivenStop>, StopsRead)> {
    let scenario = region.scenario;
    let (crs, crs_given) = scenario.stops_crs().map_err(|e| e.to_string())?;
    let file = crate::places::stops::read_stops_file(path, crs, region.extract.bbox)
        .map_err(|e| e.to_string())?;
    let context = DatumContext::new(region.extract, region.graph, PointKind::Places);
    let note = crate::places::stops::check_stops_datum(&context, path, &file.stops, crs, crs_given)
        .map_err(|e| e.to_string())?;
    let options = line_options(scenario);
    let mut warnings = import::RowWarnings::default();
    let mut stops = Vec::with_capacity(file.stops.len());
    let checked = check_given_stops(region.graph, &file.stops, &options);
    for ((stop, line), result) in file.stops.into_iter().zip(file.lines).zip(checked) {
        let clash = region
            .parks
            .as_ref()
            .ok()
            .and_then(|p| gate_code_clash(&stop.code, p));
        match (clash, result) {
            (Some(clash), _) => warnings.push(RowWarning {
                path: path.display().to_string(),
                line,
                message: clash,
            }),
            (None, Ok(_)) => stops.push(stop),
            (None, Err(problem)) => warnings.push(RowWarning {
                path: path.display().to_string(),
                line,
                message: problem.row_problem(&stop.code),
            }),
        }
    }
    let mut all: Vec<RowWarning> = note.into_iter().chain(file.warnings).collect();
    all.extend(warnings.finish());
    all.sort_by_key(|w| w.line);
    if stops.is_empty() {
        return Err(StageFailure::from(format!(
            "{}: no usable bus stop ({} rows skipped{}); fix the rows or leave out [bus] stops / --stops to let the planner choose",
            path.display(),
            file.input.rows_read,
            all.first().map_or(String::new(), |w| format!(
                "; first: line {}: {}",
                w.line, w.message
            ))
        )));
    }
    let mut input = file.input;
    input.rows_skipped = input.rows_read.saturating_sub(stops.len());
    Ok((
        stops,
        StopsRead {
            input,
            warnings: all,
        },
    ))
}

/// The bus stage again on `run` (its parks and gates as they are now, e.g. edited in
/// `lifecircle serve`), for the same workers: pick-up stops from `given_stops`, or chosen by
/// the planner when `None`. Today's bus lines are rebuilt from the run's extract (GTFS or OSM
/// relations: 0.1 s on liechtenstein-2015, 1 s on its 4 × 4 tiling; a caller that keeps
/// them calls [`replan_bus_with_transit`]); `progress` hears the planner's steps
/// ([`LineProgress`]). The run's bus stage itself is left as it is.
///
/// # Errors
/// The run's bus stage failure if it had no result (there are no workers to plan for), no
/// parks, today's bus lines cannot be read, or a given stop off the bus network or at the
/// point of another (naming its code).
pub fn replan_bus(
    run: &PlanRun,
    given_stops: Option<&[GivenStop]>,
    progress: &dyn LineProgress,
) -> StageResult<BusLines> {
    let s = &run.scenario;
    let (lines, transit, _) =
        load_transit(&run.extract, &run.graph, &s.commute.gtfs, &s.commute.depart)
            .map_err(|e| e.to_string())?;
    replan_bus_with_transit(run, (&lines, &transit), given_stops, progress)
}

/// [`replan_bus`] with today's bus lines and their transit graph as [`load_transit`] gave them.
///
/// # Errors
/// As [`replan_bus`].
pub fn replan_bus_with_transit(
    run: &PlanRun,
    transit: (&TransitLines, &TransitGraph),
    given_stops: Option<&[GivenStop]>,
    progress: &dyn LineProgress,
) -> StageResult<BusLines> {
    let scenario = &run.scenario;
    if !scenario.bus.enabled {
        return Err(StageFailure::NotAsked { section: "bus" });
    }
    let parks = run.parks.as_ref().map_err(|_| StageFailure::NoParks)?;
    let before = run.bus.as_ref().map_err(Clone::clone)?;
    // `plan_bus` takes today's lines from `transit`, not from the region.
    let unused = Err(Error::Plan("given to plan_bus".into()));
    let region = Region {
        scenario,
        extract: &run.extract,
        graph: &run.graph,
        parks: &run.parks,
        areas: &run.areas,
        transit: &unused,
        bikeshare: bikeshare_points(&run.extract),
    };
    let commute_options = CommuteOptions {
        modes: scenario.modes().map_err(|e| e.to_string())?,
        target_min: scenario.commute.minutes,
        ..CommuteOptions::default()
    };
    let demand = Demand {
        selected: before.parks.clone(),
        bookings: before.bookings.clone(),
        skipped: before.skipped.clone(),
        file: before.inputs.first().cloned().zip(before.given.clone()),
        samples: before.samples.clone(),
    };
    let mut bus = plan_bus(
        &region,
        transit,
        parks,
        &commute_options,
        demand,
        given_stops,
        progress,
    )?;
    if given_stops.is_some() && bus.given_stops == before.given_stops {
        bus.stops_file.clone_from(&before.stops_file);
    }
    Ok(bus)
}

/// Today's conventional bus lines serving the parks planned for, costed with the plan's
/// `[cost]` table for the same workers.
fn today_bus(
    scenario: &Scenario,
    lines: &TransitLines,
    planned: &Zones,
    existing: &crate::commute::CommuteReport,
    plan: &LinePlan,
    bookings: &[Booking],
) -> crate::drt::conventional::TodayBus {
    let window_s = crate::commute::gtfs::DepartureWindow::parse(&scenario.commute.depart)
        .map_or(0, |w| w.len_s());
    let inputs = crate::drt::conventional::TodayBusInputs {
        lines,
        parks: planned,
        existing,
        riders: &plan.riders,
        bookings,
        window_s,
        stop_walk_m: TransitOptions::default().stop_walk_m,
    };
    crate::drt::conventional::today_bus(&inputs, &plan.cost.options)
}

/// A demand file's bookings for the parks planned for, and what was read.
struct Supplied {
    selected: Vec<ZoneId>,
    bookings: Vec<Booking>,
    /// The rows that could not be used, by line.
    skipped: Vec<RowWarning>,
    input: FileRead,
    given: GivenColumns,
}

/// The bookings of a demand file for the parks planned for (all of them, unless `[bus] parks`
/// narrows them), and the rows that could not be used, by line.
fn supplied_bookings(
    scenario: &Scenario,
    path: &std::path::Path,
    demand_crs: Crs,
    parks: &Zones,
    bbox: [f64; 4],
) -> StageResult<Supplied> {
    let selected = if scenario.bus.parks.is_empty() {
        parks.zones.iter().map(|z| z.id).collect()
    } else {
        bus_parks(scenario, parks)?
    };
    let file = read_demand_file(path, demand_crs, parks, bbox).map_err(|e| e.to_string())?;
    let (all, mut w) = (file.bookings, file.warnings);
    let mut b = Vec::with_capacity(all.len());
    let mut not_selected = import::RowWarnings::default();
    for booking in all {
        if selected.contains(&booking.park) {
            b.push(booking);
        } else if let Source::File { path, line } = &booking.source {
            not_selected.push(RowWarning {
                path: path.clone(),
                line: *line,
                message: RowProblem::NotAmongBusParks {
                    code: parks.zones[booking.park.0 as usize].code.clone(),
                },
            });
        }
    }
    w.extend(not_selected.finish());
    w.sort_by_key(|w| w.line);
    if b.is_empty() {
        return Err(StageFailure::NoUsableBooking {
            path: path.display().to_string(),
            skipped: w.len(),
            first: w.first().cloned().map(Box::new),
        });
    }
    Ok(Supplied {
        selected,
        bookings: b,
        skipped: w,
        input: file.input,
        given: file.given,
    })
}

impl BusLines {
    /// The parks planned for that no line serves, with the reason, in park order.
    pub fn parks_without_line(&self) -> Vec<(ZoneId, NoLine)> {
        self.parks
            .iter()
            .filter_map(|&p| self.no_line(p).map(|why| (p, why)))
            .collect()
    }

    /// Why no line serves `park`, or `None` when some worker of it is carried (or walks).
    pub fn no_line(&self, park: ZoneId) -> Option<NoLine> {
        let k = self.plan.park_kpis(park);
        if k.served + k.on_foot > 0 {
            return None;
        }
        if self.bus_vertices == 0 {
            return Some(NoLine::NoBusRoads);
        }
        if k.workers > 0 {
            // The most common reason, ties to the first met.
            let mut reasons: Vec<(&RiderReason, u32)> = Vec::new();
            for r in self.plan.riders.iter().filter(|r| r.park == park) {
                let why = r.unserved.as_ref().unwrap_or(&RiderReason::NotCarried);
                match reasons.iter_mut().find(|(w, _)| *w == why) {
                    Some((_, n)) => *n += r.count,
                    None => reasons.push((why, r.count)),
                }
            }
            let why = reasons
                .iter()
                .rev()
                .max_by_key(|(_, n)| *n)
                .map_or(RiderReason::NotCarried, |(w, _)| (*w).clone());
            return Some(NoLine::NoneCarried {
                workers: k.workers,
                why,
            });
        }
        match self.samples.iter().find(|s| s.park == park) {
            None => Some(NoLine::NoBookings),
            Some(s) if s.residents <= 0.0 => Some(NoLine::NoResidents),
            Some(s) if s.market_residents <= 0.0 => Some(NoLine::NoMarket {
                target_min: self.plan.options.target_min,
            }),
            Some(s) => Some(NoLine::NoneWithinWalk {
                market_residents: s.market_residents,
                max_walk_m: self.plan.options.max_walk_m,
            }),
        }
    }
}

impl PlanRun {
    /// The stages the scenario asked for that produced no result, with the reason.
    pub fn failed_stages(&self) -> Vec<(&'static str, &StageFailure)> {
        let s = &self.scenario;
        let mut failed = Vec::new();
        if s.life_circle.enabled
            && let Err(e) = &self.life_circle
        {
            failed.push(("life circle", e));
        }
        if s.commute.enabled
            && let Err(e) = &self.commute
        {
            failed.push(("commute circle", e));
        }
        if s.bus.enabled
            && let Err(e) = &self.bus
        {
            failed.push(("bus lines", e));
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
        ZoneKind::Parks => parks.cloned().ok_or(StageFailure::NoParks)?,
        ZoneKind::Residential => select_zones(
            extract,
            ZoneKind::Residential,
            None,
            &ParkOptions::default(),
        )
        .map_err(|e| e.to_string())?,
    };
    let mut amenities = if lc.osm_amenities {
        osm_amenities(extract, &profile)
    } else {
        Vec::new()
    };
    let mut warnings = Vec::new();
    let mut inputs = Vec::new();
    for path in &lc.poi {
        let mut file = import::read_pois_file(
            path,
            poi_crs,
            &profile,
            extract.bbox,
            amenities.len() as u32,
        )
        .map_err(|e| e.to_string())?;
        let context = DatumContext::new(extract, graph, PointKind::Places);
        datum::check_poi_file(&context, path, &mut file, poi_crs.is_some())
            .map_err(|e| e.to_string())?;
        amenities.extend(file.amenities);
        warnings.extend(file.warnings);
        inputs.push(file.input);
    }
    let options = coverage_options(scenario);
    let report = compute_coverage(graph, &zones, &amenities, &profile, &options);
    Ok(LifeCircle {
        profile,
        zones,
        amenities,
        warnings,
        inputs,
        report,
    })
}

/// The life circle's options from a scenario.
pub fn coverage_options(scenario: &Scenario) -> CoverageOptions {
    let lc = &scenario.life_circle;
    let minutes = lc.minutes.unwrap_or(15.0);
    CoverageOptions {
        sites: lc.sites,
        min_site_gain_points: lc.min_site_gain_points,
        band_minutes: vec![minutes / 3.0, 2.0 * minutes / 3.0, minutes],
        ..CoverageOptions::default()
    }
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
                    .ok_or_else(|| StageFailure::NoSuchBusPark {
                        name: name.clone(),
                        listing: parks.listing(),
                    })
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
        cost: scenario.cost.clone(),
        search: Config {
            seed: b.seed,
            time_limit_s: Some(b.seconds),
            max_iterations: (b.iterations > 0).then_some(b.iterations),
            ..LineOptions::default().search
        },
        ..LineOptions::default()
    }
}

/// Residents, the notes and rows skipped (text), the same rows by line, and the population
/// file as read (none for an estimate).
type LoadedResidents = (Residents, Vec<String>, Vec<RowWarning>, Option<FileRead>);

/// Residents from a planner's file, or estimated from buildings and areas (scaled to a known
/// total if given); the strings are notes and the rows skipped, the row warnings the same rows
/// by line.
fn load_residents(
    extract: &OsmExtract,
    areas: &Zones,
    graph: &RoadGraph,
    population: Option<&std::path::Path>,
    (crs, crs_given): (Crs, bool),
    options: &ResidentOptions,
    total: Option<f64>,
) -> Result<LoadedResidents> {
    if let Some(path) = population.filter(|p| crate::places::raster::is_raster(p)) {
        let estimate = residents::estimate_residents(extract, areas, options);
        let (r, summary) =
            crate::places::raster::read_population_raster(path, extract.bbox, &estimate)?;
        return Ok((
            r,
            vec![format!("{}: {summary}", path.display())],
            Vec::new(),
            None,
        ));
    }
    if let Some(path) = population {
        let (r, mut w, input) = residents::read_population_file(path, crs, areas, extract.bbox)?;
        let context = DatumContext::new(extract, graph, PointKind::Places);
        if let Some(note) = datum::check_population(&context, path, &r, crs, crs_given)? {
            w.insert(0, note);
        }
        let mut notes: Vec<String> = std::iter::once(input.to_string())
            .chain(w.iter().map(ToString::to_string))
            .collect();
        // Districts (polygons with a count) are spread over what lies inside them.
        let walk = || {
            let p = graph.profile(Mode::Walk);
            let on_foot = |i: usize| p.contains(crate::graph::VertexId(i as u32));
            let vertices = graph.vertices.iter().enumerate();
            vertices
                .filter(|(i, _)| on_foot(*i))
                .map(|(_, v)| v.coord)
                .collect()
        };
        let (r, n) = crate::places::districts::place_districts(r, extract, areas, options, &walk);
        notes.extend(n);
        return Ok((r, notes, w, Some(input)));
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
    Ok((r, Vec::new(), Vec::new(), None))
}

/// Today's bus lines (a GTFS feed, else OSM route relations), their transit graph, and notes
/// on what could not be used.
pub fn load_transit(
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
pub fn bikeshare_points(extract: &OsmExtract) -> Vec<Coord> {
    extract
        .pois
        .iter()
        .filter(|p| p.tags.is("amenity", "bicycle_rental"))
        .map(|p| p.location)
        .collect()
}
