//! Reservation-responsive bus lines from living areas to the parks, built on the optimiser.
//!
//! 1. **Walk to a stop.** Every booking walks along the walk graph (plus the straight line
//!    from its home to the road) to the vertices of the bus graph within
//!    [`LineOptions::max_walk_m`]; those are its candidate stops. The gate of a park is the
//!    bus vertex nearest its inside among those within 50 m of it (else 300 m); bookings
//!    within that walk of their gate walk to the park and need no bus (they count within the
//!    target when their walk is). An OSM stop inside an edge is walked to, and driven from, at
//!    its own point on the edge, not at the edge's end (`stop_sites.rs`).
//! 2. **Stops.** Greedy set cover weighted by workers: first among vertices that carry an OSM
//!    bus stop (`highway=bus_stop`, `public_transport=*` within [`LineOptions::osm_stop_m`]),
//!    then among all bus vertices for the bookings no OSM stop serves. Each booking then uses
//!    the chosen stop it walks to quickest; stops nobody uses are dropped.
//! 3. **Requests.** Bookings with the same stop, park and arrival time form a group (split by
//!    whether a direct ride can meet the target, shortest walks first), cut into requests of
//!    at most the largest vehicle's seats. A request must reach the gate in
//!    `[arrive_by − early_min, arrive_by]`; its ride limit is what remains of the door-to-door
//!    target after the longest walk and the wait at the stop. When even a direct ride cannot
//!    meet it, the limit is 1.25 × the direct ride (+1 min) and its riders count as outside the
//!    target.
//! 4. **Optimise.** Travel times are quickest bus paths plus one dwell per stop call (the dwell
//!    is part of the travel to a stop, so a bus calls once wherever several requests board).
//!    One virtual garage at no distance from anywhere (route time runs from the first stop to
//!    the gate), every seat type available as often as there are requests, objective =
//!    10 000 per vehicle (+ 1 per seat, so a smaller bus wins a tie) + 1 per vehicle-minute +
//!    100 000 per unserved seat: fewest vehicles, then least vehicle time, and nobody left
//!    behind who can be carried. Each route is then delayed as a whole as far as its windows
//!    allow, so buses reach the gates as late as the arrival time permits.
//! 5. **Check.** The independent checker re-verifies the plan; a violation is an error.
//! 6. **Evening.** The same vehicles drive each morning route backwards after the shift
//!    ([`LineOptions::shift_h`] after the arrival): gates become pickups within `early_min`
//!    after the shift, stops become drop-offs, with the same door-to-door target. The mirror is
//!    checked; if one-way streets break it, the evening is optimised on its own (and checked),
//!    and each vehicle's evening run is listed with its morning run.
//! 7. **Riders' times** are the timetable's: they board when the bus leaves their stop and are
//!    off once it has dwelt at the gate.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use geo::Coord;

use super::check::{self, CheckReport};
use super::cost::{CostFigures, CostOptions};
use super::given_stops::GivenStop;
use super::instance::{
    LocationId, Matrix, Node, NodeId, Problem, Request, RequestId, RoutePlan, Schedule, Solution,
    TimeWindow, Vehicle as FleetVehicle,
};
use super::optimise::{self, Config};
pub use super::service::{Departure, Line, Period};
use super::stop_sites::StopSites;
use crate::commute::CommuteReport;
use crate::coverage::VertexIndex;
use crate::error::{Error, Result};
use crate::geom::haversine_m;
use crate::graph::{Mode, RoadGraph, VertexId};
use crate::lang::RiderReason;
use crate::osm::{BusStop, HighwayWay};
use crate::places::demand::{Booking, format_clock as clock};
use crate::places::{Source, ZoneId, Zones};
use crate::routing::{Direction, UNREACHED, bounded_search, par_map};

/// Farthest a park's gate (the bus vertex the buses serve it at) may lie from the park, metres.
const GATE_MAX_M: f64 = 300.0;

/// Assumptions of the bus-line planner.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LineOptions {
    /// Seats of each vehicle type offered (e.g. `[33]`, or `[19, 33, 50]` for a mixed fleet).
    pub fleet_seats: Vec<u32>,
    /// Longest walk from home to a stop along the walk graph, metres.
    pub max_walk_m: f64,
    /// Buses may reach the gate this many minutes before the arrival time.
    pub early_min: f64,
    /// Door-to-door target: walk + wait + boarding + ride, minutes.
    pub target_min: f64,
    /// Time at the stop before the bus leaves, minutes.
    pub wait_min: f64,
    /// Stop time per call (boarding or alighting group), minutes.
    pub dwell_min: f64,
    /// Length of the shift: the evening trip leaves the gate this long after the arrival time.
    pub shift_h: f64,
    /// Longest route of one vehicle (first stop to last), minutes.
    pub max_route_min: f64,
    /// An OSM bus stop within this distance of a bus road is a stop, metres: it marks the
    /// nearer end of its edge (first the stops within this distance of that end, then the
    /// others where the end is still free) and is timed at its own point on the edge.
    pub osm_stop_m: f64,
    /// What vehicles cost and emit.
    pub cost: CostOptions,
    /// The network the vehicles drive on, at its speeds: [`Mode::Bus`] (roads open to buses,
    /// bus speeds) or [`Mode::Car`] (minibuses that may use every road open to cars).
    pub roads: Mode,
    /// The optimiser's settings (seed, time limit, iterations, threads).
    #[serde(skip)]
    pub search: Config,
}

impl Default for LineOptions {
    fn default() -> Self {
        LineOptions {
            fleet_seats: vec![33],
            max_walk_m: 500.0,
            early_min: 15.0,
            target_min: 30.0,
            wait_min: 2.0,
            dwell_min: 0.5,
            shift_h: 9.0,
            max_route_min: 120.0,
            osm_stop_m: 30.0,
            cost: CostOptions::default(),
            roads: Mode::Bus,
            search: Config {
                time_limit_s: Some(30.0),
                max_iterations: Some(2_000),
                ..Config::default()
            },
        }
    }
}

impl LineOptions {
    /// Rejects settings no bus can meet.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &'static str, value: String, hint: &str| {
            Err(Error::InvalidValue {
                what,
                value,
                hint: hint.to_string(),
            })
        };
        if self.fleet_seats.is_empty() || self.fleet_seats.iter().any(|&s| s == 0 || s > 200) {
            return bad(
                "capacity",
                format!("{:?}", self.fleet_seats),
                "seats per vehicle between 1 and 200, e.g. 33 or 19,33,50",
            );
        }
        if !(self.max_walk_m > 0.0 && self.max_walk_m <= 3_000.0) {
            return bad(
                "max-walk-m",
                self.max_walk_m.to_string(),
                "a walk between 0 and 3000 m",
            );
        }
        if !(self.target_min > self.wait_min + self.dwell_min && self.target_min <= 180.0) {
            return bad(
                "target minutes",
                self.target_min.to_string(),
                "more than the wait and boarding time, at most 180",
            );
        }
        if !(self.early_min >= 0.0 && self.shift_h > 0.0 && self.max_route_min > 0.0) {
            return bad(
                "early/shift/route limits",
                format!(
                    "{} min, {} h, {} min",
                    self.early_min, self.shift_h, self.max_route_min
                ),
                "non-negative early window, positive shift and route length",
            );
        }
        if self
            .search
            .time_limit_s
            .is_some_and(|t| !(t > 0.0 && t <= crate::scenario::MAX_SECONDS))
        {
            return bad(
                "seconds",
                format!("{:?}", self.search.time_limit_s),
                "a search time limit above 0 and at most 86400 s",
            );
        }
        self.cost.validate()
    }
}

/// Most workers one plan takes (the fleet and the search grow with them).
pub const MAX_WORKERS: u64 = 200_000;

/// What the planner works from.
#[derive(Clone, Copy, Debug)]
pub struct LineInputs<'a> {
    /// The parks.
    pub parks: &'a Zones,
    /// Who rides, and where to.
    pub bookings: &'a [Booking],
    /// Whether the bookings are a synthetic sample.
    pub synthetic: bool,
    /// OSM bus stops (preferred stop locations).
    pub osm_stops: &'a [BusStop],
    /// OSM highways (stops without an OSM stop nearby are named after their street).
    pub streets: &'a [HighwayWay],
    /// The commute stage run on the bookings as population (one unit per booking): how the same
    /// workers travel today.
    pub existing: &'a CommuteReport,
    /// The planner's pick-up stops: when given, riders board only at these
    /// ([`super::given_stops`]); `None`: the planner chooses them.
    pub given_stops: Option<&'a [GivenStop]>,
}

/// Progress of [`plan_lines_with`], for a progress bar: `share` runs from 0 to 1 and never
/// goes back; `step` names the step (`stops`, `matrix`, `morning search`, `evening`,
/// `fleet alternative`, `check`, `done`).
pub trait LineProgress: Sync {
    /// The plan is `share` (0..1) done; `step` runs now.
    fn progress(&self, share: f64, step: &str);
}

/// No progress display.
impl LineProgress for () {
    fn progress(&self, _: f64, _: &str) {}
}

/// Index of a stop in [`LinePlan::stops`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct StopId(pub u32);

/// A stop of the plan: a pick-up point or a park gate.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PlanStop {
    /// Short code, `S1`, `S2`, … (gates `G1`, …).
    pub code: String,
    /// Name: the OSM stop's name, else the nearest named OSM stop's, else the street's, else
    /// the code.
    pub name: String,
    /// Where the name comes from: `osm stop`, `nearby osm stop`, `street`, `park` or `code`.
    pub name_from: String,
    /// Bus-graph vertex the bus stops at.
    #[serde(skip)]
    pub vertex: VertexId,
    /// Where it is (the OSM stop, else the vertex), WGS-84.
    #[serde(serialize_with = "crate::geom::serialize_coord")]
    pub location: Coord,
    /// The OSM stop it reuses.
    pub osm: Option<i64>,
    /// The park whose gate it is.
    pub gate_of: Option<ZoneId>,
    /// Workers boarding here in the morning.
    pub boardings: u32,
}

/// One stop call of a vehicle.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Call {
    /// The stop.
    pub stop: StopId,
    /// Arrival, seconds after midnight.
    pub arrival_s: u32,
    /// Departure, seconds after midnight.
    pub departure_s: u32,
    /// Workers boarding.
    pub board: u32,
    /// Workers alighting.
    pub alight: u32,
    /// Workers on board when it leaves.
    pub load: u32,
    /// Metres driven from the previous call to this one (0 for the first).
    pub leg_m: f64,
    /// Index in the run's path of the point where the bus reaches this call.
    #[serde(skip)]
    pub path_at: usize,
}

/// A vehicle's trip in one period (empty when the vehicle does not drive then).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Run {
    /// Stop calls in order.
    pub calls: Vec<Call>,
    /// The road path, WGS-84.
    #[serde(skip)]
    pub path: Vec<Coord>,
    /// Length of the path, metres.
    pub length_m: f64,
    /// Seat-kilometres filled (Σ load × leg length), for the load factor.
    pub passenger_km: f64,
}

/// One vehicle: its morning run and its evening mirror (each may hold several departures;
/// [`LinePlan::lines`] groups them into lines).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Vehicle {
    /// `V1`, `V2`, …
    pub code: String,
    /// Seats of the vehicle.
    pub seats: u32,
    /// Parks served.
    pub parks: Vec<ZoneId>,
    /// Morning: homes → parks.
    pub morning: Run,
    /// Evening: parks → homes.
    pub evening: Run,
}

/// Workers of one booking (or part of one) and how they travel.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Rider {
    /// Index of the booking.
    pub booking: usize,
    /// Workers.
    pub count: u32,
    /// Their park.
    pub park: ZoneId,
    /// Their stop, if any.
    pub stop: Option<StopId>,
    /// Walk from home to the stop (or, on foot, to the park gate), seconds.
    pub walk_s: Option<u32>,
    /// Lives within the walking limit of the park gate: needs no bus.
    pub on_foot: bool,
    /// Index of their vehicle in [`LinePlan::vehicles`].
    pub vehicle: Option<usize>,
    /// Index of their line in [`LinePlan::lines`].
    pub line: Option<usize>,
    /// Bus departure from their stop (morning), seconds after midnight.
    pub board_s: Option<u32>,
    /// Arrival at the gate (morning), seconds after midnight.
    pub arrive_s: Option<u32>,
    /// Quickest bus ride from their stop to the gate, seconds.
    pub direct_ride_s: Option<u32>,
    /// Morning in-vehicle time, seconds.
    pub in_vehicle_s: Option<u32>,
    /// Morning walk + wait + boarding + ride, seconds.
    pub door_to_door_s: Option<u32>,
    /// Evening in-vehicle time, seconds.
    pub evening_in_vehicle_s: Option<u32>,
    /// Quickest existing way to the park without a car (walk, bike, e-bike, bus), seconds;
    /// `None` beyond 60 minutes.
    pub existing_best_s: Option<u32>,
    /// Why they are not carried.
    pub unserved: Option<RiderReason>,
}

/// Mean, 95th percentile and maximum of a quantity over workers, minutes.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Spread {
    /// Mean.
    pub mean_min: f64,
    /// 95th percentile (nearest rank).
    pub p95_min: f64,
    /// Maximum.
    pub max_min: f64,
}

impl Spread {
    /// Over `(minutes, weight)` pairs.
    fn of(mut values: Vec<(f64, u32)>) -> Spread {
        let total: u64 = values.iter().map(|v| u64::from(v.1)).sum();
        if total == 0 {
            return Spread::default();
        }
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mean = values.iter().map(|v| v.0 * f64::from(v.1)).sum::<f64>() / total as f64;
        let rank = (0.95 * total as f64).ceil() as u64;
        let mut seen = 0;
        let mut p95 = values[values.len() - 1].0;
        for v in &values {
            seen += u64::from(v.1);
            if seen >= rank {
                p95 = v.0;
                break;
            }
        }
        Spread {
            mean_min: mean,
            p95_min: p95,
            max_min: values[values.len() - 1].0,
        }
    }
}

/// Key figures of the plan, beside the best existing mode for the same workers.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Kpis {
    /// Workers in the demand.
    pub workers: u32,
    /// Workers carried by the buses.
    pub served: u32,
    /// Carried / all.
    pub served_share: f64,
    /// Workers whose door-to-door time is within the target, / all workers.
    pub within_target_share: f64,
    /// Vehicles.
    pub vehicles: usize,
    /// Lines (named stop sequences).
    pub lines: usize,
    /// Seats offered.
    pub seats: u32,
    /// Vehicle-km, morning.
    pub vehicle_km_morning: f64,
    /// Vehicle-km, morning and evening.
    pub vehicle_km_day: f64,
    /// Vehicle-hours (first stop to last), morning.
    pub vehicle_h_morning: f64,
    /// Vehicle-hours, morning and evening.
    pub vehicle_h_day: f64,
    /// Morning in-vehicle time of carried workers.
    pub in_vehicle: Spread,
    /// Walk to the stop of carried workers.
    pub walk: Spread,
    /// Door-to-door time of carried workers.
    pub door_to_door: Spread,
    /// Morning passenger-km / seat-km.
    pub load_factor: f64,
    /// Workers whose walk, wait and a direct ride already exceed the target: no bus line can
    /// bring them within it.
    pub beyond_direct_bus: u32,
    /// Best existing mode without a car: share of all workers within the target.
    pub existing_within_target_share: f64,
    /// Best existing mode without a car: time of the workers the buses carry, over those who
    /// reach the park within 60 min today (so that it compares with [`Kpis::door_to_door`]).
    pub existing: Spread,
    /// Workers who live within the walking limit of their park's gate and need no bus
    /// (counted within the target when their walk is).
    pub on_foot: u32,
    /// Workers who cannot reach their park within 60 min by any existing mode but the car.
    pub existing_beyond_60: u32,
    /// Per existing mode but the car: share of all workers within the target.
    pub existing_by_mode: Vec<(String, f64)>,
}

/// What the checker said about one period's plan.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct CheckSummary {
    /// No violation.
    pub feasible: bool,
    /// Violations found (printed).
    pub violations: Vec<String>,
    /// Objective recomputed by the checker.
    pub objective: f64,
}

impl CheckSummary {
    fn of(report: &CheckReport) -> Self {
        CheckSummary {
            feasible: report.is_feasible(),
            violations: report.violations.iter().map(ToString::to_string).collect(),
            objective: report.objective,
        }
    }
}

/// How the search went.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct SearchSummary {
    /// Requests (groups of riders per stop, park and time).
    pub requests: usize,
    /// Iterations of all search workers together.
    pub iterations: u64,
    /// Seconds (not written to files: they must not depend on the machine).
    #[serde(skip)]
    pub elapsed_s: f64,
    /// Objective of the first solution.
    pub initial_objective: f64,
    /// Objective of the plan.
    pub objective: f64,
    /// The evening is the morning driven backwards (else optimised on its own).
    pub evening_mirrored: bool,
    /// The time limit stopped the search before its iteration budget: the plan may differ
    /// between machines.
    pub time_limited: bool,
}

/// The proposal.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LinePlan {
    /// Assumptions.
    pub options: LineOptions,
    /// Whether the demand is a synthetic sample.
    pub synthetic: bool,
    /// Stops and gates.
    pub stops: Vec<PlanStop>,
    /// Vehicles and their runs.
    pub vehicles: Vec<Vehicle>,
    /// Lines: named stop sequences and their departures.
    pub lines: Vec<Line>,
    /// Every booking (part), carried or not.
    pub riders: Vec<Rider>,
    /// Key figures.
    pub kpis: Kpis,
    /// What it costs, in total (each line's is in [`Line::cost`]).
    pub cost: PlanCost,
    /// The checker on the morning plan.
    pub morning_check: CheckSummary,
    /// The checker on the evening plan.
    pub evening_check: CheckSummary,
    /// The search.
    pub search: SearchSummary,
}

/// The plan's cost in total, the vehicle sizes used, and the other fleet tried.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PlanCost {
    /// The cost table.
    pub options: CostOptions,
    /// Annual cost, revenue, subsidy and CO₂ of all lines (each vehicle counted once).
    pub total: CostFigures,
    /// Seat sizes of the vehicles, ascending.
    pub sizes_used: Vec<u32>,
    /// A mixed fleet was offered and kept because it costs less per rider trip.
    pub mixed_fleet_chosen: bool,
    /// With a mixed fleet offered: the plan not kept (the largest size alone, or the mix).
    pub alternative: Option<FleetAlternative>,
}

/// The fleet plan that was not kept.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FleetAlternative {
    /// Seat sizes it used.
    pub sizes: Vec<u32>,
    /// Vehicles.
    pub vehicles: usize,
    /// Workers carried.
    pub served: u32,
    /// Its cost per rider trip (`None`: it carries nobody).
    pub cost_per_rider_trip: Option<f64>,
}

/// Riders of one request group: park, arrival time, stop, whether a direct ride can meet the
/// target, and the park's gate.
type GroupKey = (ZoneId, u32, StopId, bool, StopId);

/// One request: riders of a group, at most the largest vehicle's seats.
struct Chunk {
    park: ZoneId,
    gate: StopId,
    arrive_by_s: u32,
    stop: StopId,
    /// Indices into the riders.
    riders: Vec<usize>,
}

/// Where a booking can board: `(vertex, walk ms)`, or why it cannot.
pub(super) type Candidates = std::result::Result<Vec<(VertexId, u32)>, RiderReason>;

fn minutes_to_s(min: f64) -> u32 {
    (min * 60.0).round().max(0.0) as u32
}

/// Plans the lines. Errors: bad options, or a plan the checker rejects (a bug).
///
/// The steps: gates and walks → stops → riders → matrix → requests → solve (morning, then
/// evening) → check → vehicles → lines → costs and KPIs. With a mixed fleet the plan is also
/// made with the largest size alone, and the mixed one is kept only when it carries as many
/// workers at a lower cost per rider trip.
pub fn plan_lines(
    graph: &RoadGraph,
    inputs: &LineInputs<'_>,
    options: &LineOptions,
) -> Result<LinePlan> {
    plan_lines_with(graph, inputs, options, &())
}

/// [`plan_lines`], telling `progress` how far it is ([`LineProgress`]); the plan is the same.
///
/// # Errors
/// As [`plan_lines`], and a given stop ([`LineInputs::given_stops`]) off the bus network or
/// at the point of another ([`Error::InvalidValue`] naming its code).
pub fn plan_lines_with(
    graph: &RoadGraph,
    inputs: &LineInputs<'_>,
    options: &LineOptions,
    progress: &dyn LineProgress,
) -> Result<LinePlan> {
    options.validate()?;
    let workers: u64 = inputs.bookings.iter().map(|b| u64::from(b.count)).sum();
    if workers > MAX_WORKERS {
        return Err(Error::InvalidValue {
            what: "demand",
            value: format!("{workers} workers"),
            hint: format!("at most {MAX_WORKERS} per plan; plan fewer parks or times at once"),
        });
    }
    let prepared = prepare(graph, inputs, options, progress)?;
    let mut sizes = options.fleet_seats.clone();
    sizes.sort_unstable();
    sizes.dedup();
    let mixed = sizes.len() > 1;
    let first = Span {
        progress,
        from: PREPARED_SHARE,
        to: if mixed { MIXED_SHARE } else { SOLVED_SHARE },
    };
    let plan = solve_plan(graph, inputs, options, &prepared, &sizes, &first)?;
    let Some(&largest) = sizes.last().filter(|_| mixed) else {
        progress.progress(1.0, "done");
        return Ok(plan);
    };
    let second = Span {
        progress,
        from: MIXED_SHARE,
        to: SOLVED_SHARE,
    };
    second.at(0.0, "fleet alternative");
    let single = solve_plan(graph, inputs, options, &prepared, &[largest], &second)?;
    progress.progress(1.0, "done");
    Ok(choose_fleet(plan, single))
}

/// Share of [`plan_lines_with`] done when the stops, riders and matrix are ready.
const PREPARED_SHARE: f64 = 0.15;
/// With a mixed fleet: share done when the first fleet is planned.
const MIXED_SHARE: f64 = 0.55;
/// Share done when every plan is solved (the rest: choosing the fleet).
const SOLVED_SHARE: f64 = 0.98;

/// A part `[from, to]` of the whole plan's progress.
struct Span<'a> {
    progress: &'a dyn LineProgress,
    from: f64,
    to: f64,
}

impl Span<'_> {
    /// The part is `share` (0..1) done.
    fn at(&self, share: f64, step: &str) {
        let share = share.clamp(0.0, 1.0);
        self.progress
            .progress(self.from + (self.to - self.from) * share, step);
    }
}

/// The mixed-fleet plan if it carries at least as many workers at a lower cost per rider
/// trip, else the single-size one; either way the other's figure is recorded.
fn choose_fleet(mixed: LinePlan, single: LinePlan) -> LinePlan {
    // A plan carrying nobody has no cost per rider trip: never the cheaper one.
    let per_trip = |p: &LinePlan| p.cost.total.cost_per_rider_trip.unwrap_or(f64::INFINITY);
    let cheaper = mixed.kpis.served >= single.kpis.served && per_trip(&mixed) < per_trip(&single);
    let alternative = |p: &LinePlan| FleetAlternative {
        sizes: p.cost.sizes_used.clone(),
        vehicles: p.kpis.vehicles,
        served: p.kpis.served,
        cost_per_rider_trip: p.cost.total.cost_per_rider_trip,
    };
    let (mut kept, other) = if cheaper {
        (mixed, single)
    } else {
        (single, mixed)
    };
    kept.cost.mixed_fleet_chosen = cheaper;
    kept.cost.alternative = Some(alternative(&other));
    kept
}

/// Everything before the search: stops (named), riders with their stops, the requests and
/// the bus travel times between stops.
struct Prepared {
    stops: Vec<PlanStop>,
    riders: Vec<Rider>,
    chunks: Vec<Chunk>,
    /// Bus minutes between stops (`1e6` when unreachable).
    rows: Vec<Vec<f64>>,
    /// The OSM stops' own points, for the road paths.
    sites: StopSites,
}

/// Steps 1–3: gates, walks to candidate stops, the stop cover, riders, matrix, requests.
fn prepare(
    graph: &RoadGraph,
    inputs: &LineInputs<'_>,
    options: &LineOptions,
    progress: &dyn LineProgress,
) -> Result<Prepared> {
    progress.progress(0.0, "stops");
    let gates = find_gates(graph, inputs.parks, options.roads);
    let osm_at = osm_stop_vertices(graph, inputs.osm_stops, options);
    let given = match inputs.given_stops {
        Some(given) => Some((
            super::given_stops::given_stop_vertices(graph, given, inputs.parks, options)?,
            given
                .iter()
                .map(super::given_stops::as_bus_stop)
                .collect::<Vec<BusStop>>(),
        )),
        None => None,
    };
    // The stops riders may board at, by key vertex: timed at their own point on the edge.
    let keyed: BTreeMap<VertexId, &BusStop> = match &given {
        Some((at, as_stops)) => at.iter().map(|(&v, &i)| (v, &as_stops[i])).collect(),
        None => osm_at.clone(),
    };
    let sites = StopSites::new(graph, &keyed, options.roads, options.osm_stop_m);
    let access = walk_access(graph, inputs, &gates, &sites, options);
    let candidates: Vec<Candidates> = access.iter().map(|a| a.0.clone()).collect();
    let (boarding, (mut stops, stop_of)) = match (&given, inputs.given_stops) {
        (Some((given_at, _)), Some(given)) => {
            let boarding = super::given_stops::board_at_given(&candidates, given_at);
            let pickups = super::given_stops::given_pickup_stops(&boarding, given_at, given);
            (boarding, pickups)
        }
        _ => {
            let boarding = choose_stops(inputs, &candidates, &osm_at);
            let pickups = pickup_stops(graph, &boarding, &osm_at);
            (boarding, pickups)
        }
    };
    let gate_stop = add_gates(graph, inputs, &gates, &boarding, &mut stops, &stop_of);
    super::names::name_stops(graph, inputs, &mut stops);
    let mut riders = initial_riders(inputs, &access, &candidates, &boarding, &stop_of, options);
    progress.progress(0.1, "matrix");
    let rows = stop_matrix(graph, options.roads, &stops, &sites);
    let chunks = make_requests(&mut riders, inputs.bookings, &gate_stop, &rows, options);
    Ok(Prepared {
        stops,
        riders,
        chunks,
        rows,
        sites,
    })
}

/// The gate of each park: the bus vertex nearest its inside among those within 50 m of it
/// (else [`GATE_MAX_M`]).
fn find_gates(graph: &RoadGraph, parks: &Zones, roads: Mode) -> Vec<Option<VertexId>> {
    let bus = graph.profile(roads);
    let index = VertexIndex::new(graph, roads);
    parks
        .zones
        .iter()
        .map(|zone| {
            let inside = geo::InteriorPoint::interior_point(&zone.polygon).map(|p| p.0)?;
            let near = |radius_m: f64| {
                index
                    .access_points(graph, zone, radius_m)
                    .into_iter()
                    .filter(|&v| bus.contains(v))
                    .min_by(|&a, &b| {
                        let d = |v: VertexId| haversine_m(graph.vertices[v.index()].coord, inside);
                        d(a).total_cmp(&d(b)).then(a.cmp(&b))
                    })
            };
            near(50.0).or_else(|| near(GATE_MAX_M))
        })
        .collect()
}

/// Step 1: candidate stops of every booking, or its walk to the gate (ms) when that is short
/// enough. The walk starts at the home's point on the road and ends at an OSM stop's own
/// point ([`StopSites::walks`]), at any other bus vertex itself.
fn walk_access(
    graph: &RoadGraph,
    inputs: &LineInputs<'_>,
    gates: &[Option<VertexId>],
    sites: &StopSites,
    options: &LineOptions,
) -> Vec<(Candidates, Option<u32>)> {
    let bus = graph.profile(options.roads);
    let walk_mps = graph.options.walk_kmh / 3.6;
    let max_walk_ms = (options.max_walk_m / walk_mps * 1000.0) as u32;
    par_map(graph, inputs.bookings, |scratch, b| {
        let Some(gate) = gates[b.park.0 as usize] else {
            return (
                Err(RiderReason::ParkOffBusNetwork { max_m: GATE_MAX_M }),
                None,
            );
        };
        let Ok(snap) = graph.snap(Mode::Walk, b.location, options.max_walk_m) else {
            return (
                Err(RiderReason::NoWalkableRoad {
                    max_walk_m: options.max_walk_m,
                }),
                None,
            );
        };
        let offset_ms = (snap.distance_m / walk_mps * 1000.0) as u32;
        let seeds: Vec<(VertexId, u32)> = snap
            .seeds(graph, false)
            .into_iter()
            .map(|(v, t)| (v, t.saturating_add(offset_ms)))
            .collect();
        let reached = bounded_search(
            graph.profile(Mode::Walk),
            Direction::Forward,
            &seeds,
            max_walk_ms,
            scratch,
        );
        if let Some(&(_, t)) = reached.iter().find(|&&(v, _)| v == gate) {
            return (Err(RiderReason::WalksToPark), Some(t));
        }
        let mut found: Vec<(VertexId, u32)> = reached
            .iter()
            .copied()
            .filter(|&(v, _)| bus.contains(v) && !sites.walked_to_exactly(v))
            .collect();
        found.extend(sites.walks(graph, &snap, offset_ms, scratch, max_walk_ms));
        if found.is_empty() {
            return (
                Err(RiderReason::NoBusStopInReach {
                    max_walk_m: options.max_walk_m,
                }),
                None,
            );
        }
        found.sort_unstable();
        (Ok(found), None)
    })
}

/// Bus vertices that carry an OSM stop (the first stop snapped to each; a stop farther than
/// `osm_stop_m` from both ends of its edge only where no nearer stop has the vertex).
pub(super) fn osm_stop_vertices<'a>(
    graph: &RoadGraph,
    osm_stops: &'a [BusStop],
    options: &LineOptions,
) -> BTreeMap<VertexId, &'a BusStop> {
    let bus = graph.profile(options.roads);
    let mut osm_at: BTreeMap<VertexId, &BusStop> = BTreeMap::new();
    for s in osm_stops {
        if let Ok(snap) = graph.snap(options.roads, s.location, options.osm_stop_m) {
            let edge = &graph.edges[snap.edge.index()];
            let v = if snap.fraction < 0.5 {
                edge.from
            } else {
                edge.to
            };
            let close = haversine_m(graph.vertices[v.index()].coord, s.location)
                <= options.osm_stop_m.max(snap.distance_m);
            if close && bus.contains(v) {
                osm_at.entry(v).or_insert(s);
            }
        }
    }
    super::stop_sites::add_far_stops(graph, osm_stops, options, &mut osm_at);
    osm_at
}

/// Step 2: OSM stops first, then any bus vertex; each booking then boards at the chosen stop
/// it walks to quickest: `(vertex, walk ms)`.
fn choose_stops(
    inputs: &LineInputs<'_>,
    candidates: &[Candidates],
    osm_at: &BTreeMap<VertexId, &BusStop>,
) -> Vec<Option<(VertexId, u32)>> {
    let weights: Vec<u32> = inputs.bookings.iter().map(|b| b.count).collect();
    let mut chosen = greedy_cover(candidates, &weights, |v| osm_at.contains_key(&v));
    let osm_chosen: BTreeSet<VertexId> = chosen.iter().copied().collect();
    chosen.extend(greedy_cover(
        &candidates
            .iter()
            .map(|c| match c {
                Ok(list) if !list.iter().any(|(v, _)| osm_chosen.contains(v)) => Ok(list.clone()),
                _ => Err(RiderReason::NotCarried),
            })
            .collect::<Vec<_>>(),
        &weights,
        |_| true,
    ));
    let chosen: BTreeSet<VertexId> = chosen.into_iter().collect();
    candidates
        .iter()
        .map(|c| {
            c.as_ref().ok().and_then(|list| {
                list.iter()
                    .filter(|(v, _)| chosen.contains(v))
                    .min_by_key(|&&(v, t)| (t, v))
                    .copied()
            })
        })
        .collect()
}

/// The pick-up stops somebody boards at, in vertex order (stops nobody uses are dropped).
fn pickup_stops(
    graph: &RoadGraph,
    boarding: &[Option<(VertexId, u32)>],
    osm_at: &BTreeMap<VertexId, &BusStop>,
) -> (Vec<PlanStop>, BTreeMap<VertexId, StopId>) {
    let used: BTreeSet<VertexId> = boarding.iter().flatten().map(|&(v, _)| v).collect();
    let mut stops: Vec<PlanStop> = Vec::new();
    let mut stop_of: BTreeMap<VertexId, StopId> = BTreeMap::new();
    for &v in &used {
        let osm = osm_at.get(&v);
        let code = format!("S{}", stops.len() + 1);
        stop_of.insert(v, StopId(stops.len() as u32));
        let osm_name = osm.and_then(|s| s.tags.name()).map(str::to_string);
        stops.push(PlanStop {
            name_from: if osm_name.is_some() {
                "osm stop"
            } else {
                "code"
            }
            .into(),
            name: osm_name.unwrap_or_else(|| code.clone()),
            code,
            vertex: v,
            location: osm.map_or(graph.vertices[v.index()].coord, |s| s.location),
            osm: osm.map(|s| s.id.0),
            gate_of: None,
            boardings: 0,
        });
    }
    (stops, stop_of)
}

/// Adds the gates of the parks somebody rides to (in park order); the gate stop of each park.
fn add_gates(
    graph: &RoadGraph,
    inputs: &LineInputs<'_>,
    gates: &[Option<VertexId>],
    boarding: &[Option<(VertexId, u32)>],
    stops: &mut Vec<PlanStop>,
    stop_of: &BTreeMap<VertexId, StopId>,
) -> Vec<Option<StopId>> {
    let mut stop_of = stop_of.clone();
    let mut gate_stop: Vec<Option<StopId>> = vec![None; gates.len()];
    let used_parks: BTreeSet<ZoneId> = inputs
        .bookings
        .iter()
        .zip(boarding)
        .filter(|(_, b)| b.is_some())
        .map(|(b, _)| b.park)
        .collect();
    for park in used_parks {
        if let Some(v) = gates[park.0 as usize] {
            let zone = &inputs.parks.zones[park.0 as usize];
            let id = *stop_of.entry(v).or_insert_with(|| {
                stops.push(PlanStop {
                    code: super::given_stops::gate_code(&zone.code),
                    name: crate::lang::gate_name(&zone.name, crate::lang::Lang::En),
                    name_from: "park".into(),
                    vertex: v,
                    location: graph.vertices[v.index()].coord,
                    osm: None,
                    gate_of: Some(park),
                    boardings: 0,
                });
                StopId(stops.len() as u32 - 1)
            });
            gate_stop[park.0 as usize] = Some(id);
        }
    }
    gate_stop
}

/// Every booking as a rider: on foot, with a stop, or why not.
fn initial_riders(
    inputs: &LineInputs<'_>,
    access: &[(Candidates, Option<u32>)],
    candidates: &[Candidates],
    boarding: &[Option<(VertexId, u32)>],
    stop_of: &BTreeMap<VertexId, StopId>,
    options: &LineOptions,
) -> Vec<Rider> {
    let earliest_arrive_s = minutes_to_s(options.early_min + options.target_min);
    inputs
        .bookings
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let base = Rider {
                booking: i,
                count: b.count,
                park: b.park,
                stop: None,
                walk_s: None,
                on_foot: false,
                vehicle: None,
                line: None,
                board_s: None,
                arrive_s: None,
                direct_ride_s: None,
                in_vehicle_s: None,
                door_to_door_s: None,
                evening_in_vehicle_s: None,
                existing_best_s: existing_best_ms(inputs.existing, i, b.park).map(|t| t / 1000),
                unserved: None,
            };
            if let Some(t) = access[i].1 {
                return Rider {
                    walk_s: Some(t / 1000),
                    on_foot: true,
                    door_to_door_s: Some(t / 1000),
                    ..base
                };
            }
            if b.arrive_by_s < earliest_arrive_s {
                return Rider {
                    unserved: Some(RiderReason::ArriveTooEarly {
                        arrive_by: clock(b.arrive_by_s),
                    }),
                    ..base
                };
            }
            match (&candidates[i], boarding[i]) {
                (Ok(_), Some((v, t))) => Rider {
                    stop: Some(stop_of[&v]),
                    walk_s: Some(t / 1000),
                    ..base
                },
                (Ok(_), None) => Rider {
                    unserved: Some(RiderReason::NoStopChosen),
                    ..base
                },
                (Err(why), _) => Rider {
                    unserved: Some(why.clone()),
                    ..base
                },
            }
        })
        .collect()
}

/// Bus minutes between every pair of stops, from an OSM stop's own point on its edge (the
/// edge split there, [`StopSites::bus_seeds`]) and straight along an edge two stops share.
fn stop_matrix(
    graph: &RoadGraph,
    roads: Mode,
    stops: &[PlanStop],
    sites: &StopSites,
) -> Vec<Vec<f64>> {
    let bus = graph.profile(roads);
    let arrive: Vec<Vec<(VertexId, u32)>> = stops
        .iter()
        .map(|s| sites.bus_seeds(graph, s, true))
        .collect();
    par_map(graph, stops, |scratch, from| {
        let leave = sites.bus_seeds(graph, from, false);
        bounded_search(bus, Direction::Forward, &leave, u32::MAX - 1, scratch);
        stops
            .iter()
            .zip(&arrive)
            .map(|(to, seeds)| {
                let via_junction = seeds
                    .iter()
                    .filter_map(|&(w, t1)| Some(scratch.time_ms(w)?.saturating_add(t1)))
                    .min();
                let along = sites.along_edge_ms(graph, from, to);
                match via_junction.into_iter().chain(along).min() {
                    Some(t) => f64::from(t) / 60_000.0,
                    None => 1.0e6,
                }
            })
            .collect()
    })
}

/// Step 3: riders with a stop grouped by park, time and stop, and cut into requests of at
/// most the largest vehicle's seats (riders split across requests become several riders).
fn make_requests(
    riders: &mut Vec<Rider>,
    bookings: &[Booking],
    gate_stop: &[Option<StopId>],
    rows: &[Vec<f64>],
    options: &LineOptions,
) -> Vec<Chunk> {
    let max_seats = *options.fleet_seats.iter().max().unwrap_or(&1);
    // Riders who can make the target with a direct ride are grouped apart from those who
    // cannot, so that one long walk does not relax everyone's ride limit; within a group the
    // shortest walks come first, so each request's longest walk is as short as it can be.
    let mut groups: BTreeMap<GroupKey, Vec<(u32, usize)>> = BTreeMap::new();
    for (i, r) in riders.iter().enumerate() {
        if let Some(stop) = r.stop {
            let b = &bookings[r.booking];
            // A rider has a stop only if its park has a gate.
            let Some(gate) = gate_stop[b.park.0 as usize] else {
                continue;
            };
            let walk_s = r.walk_s.unwrap_or(0);
            let direct_min = rows[stop.0 as usize][gate.0 as usize];
            let possible =
                f64::from(walk_s) / 60.0 + options.wait_min + options.dwell_min + direct_min
                    <= options.target_min;
            groups
                .entry((b.park, b.arrive_by_s, stop, possible, gate))
                .or_default()
                .push((walk_s, i));
        }
    }
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut split: Vec<Rider> = Vec::new();
    for ((park, arrive, stop, _, gate), mut members) in groups {
        members.sort_unstable();
        let chunk = |riders: Vec<usize>| Chunk {
            park,
            gate,
            arrive_by_s: arrive,
            stop,
            riders,
        };
        let mut current: Vec<usize> = Vec::new();
        let mut load = 0;
        for (_, i) in members {
            let mut left = riders[i].count;
            while left > 0 {
                let take = left.min(max_seats - load);
                let mut part = riders[i].clone();
                part.count = take;
                current.push(riders.len() + split.len());
                split.push(part);
                load += take;
                left -= take;
                if load == max_seats {
                    chunks.push(chunk(std::mem::take(&mut current)));
                    load = 0;
                }
            }
            riders[i].count = 0;
        }
        if !current.is_empty() {
            chunks.push(chunk(current));
        }
    }
    riders.extend(split);
    chunks
}

/// The morning problem for a fleet of `sizes`: one virtual garage, a pickup and a delivery
/// per request, as many vehicles of each size as there are requests. Sets the riders' direct
/// ride times.
fn morning_problem(
    chunks: &[Chunk],
    riders: &mut [Rider],
    rows: &[Vec<f64>],
    options: &LineOptions,
    sizes: &[u32],
) -> Problem {
    let n = rows.len();
    // The dwell at a stop is part of the travel to it: a bus calls once at a stop however many
    // requests board or alight there, and a route's first call starts with a dwell.
    let depot = n;
    let dwell = options.dwell_min;
    let travel = Matrix::from_fn(n + 1, |a, b| {
        if b.0 == depot || a == b {
            0.0
        } else if a.0 == depot {
            dwell
        } else {
            rows[a.0][b.0] + dwell
        }
    });
    let mut nodes = vec![
        Node {
            location: LocationId(depot),
            time_window: TimeWindow::unbounded(),
            service_min: 0.0,
            load_delta: 0,
        };
        2
    ];
    let mut requests = Vec::new();
    let (mut first_min, mut last_min) = (f64::INFINITY, f64::NEG_INFINITY);
    for c in chunks {
        let load: u32 = c.riders.iter().map(|&i| riders[i].count).sum();
        let walk_min = c
            .riders
            .iter()
            .filter_map(|&i| riders[i].walk_s)
            .max()
            .unwrap_or(0) as f64
            / 60.0;
        let arrive_min = f64::from(c.arrive_by_s) / 60.0;
        // Ride: from leaving the stop to stepping off at the gate (its dwell included).
        let direct = rows[c.stop.0 as usize][c.gate.0 as usize] + dwell;
        for &i in &c.riders {
            riders[i].direct_ride_s = Some(minutes_to_s(direct));
        }
        let mut max_ride = options.target_min - walk_min - options.wait_min;
        if max_ride < direct {
            max_ride = direct * 1.25 + 1.0;
        }
        first_min = first_min.min(arrive_min - options.early_min - max_ride);
        last_min = last_min.max(arrive_min);
        nodes.push(Node {
            location: LocationId(c.stop.0 as usize),
            time_window: TimeWindow::new(
                arrive_min - options.early_min - max_ride,
                arrive_min - direct,
            ),
            service_min: 0.0,
            load_delta: load as i32,
        });
        nodes.push(Node {
            location: LocationId(c.gate.0 as usize),
            time_window: TimeWindow::new(arrive_min - options.early_min, arrive_min),
            service_min: 0.0,
            load_delta: -(load as i32),
        });
        requests.push(Request {
            pickup: NodeId(nodes.len() - 2),
            delivery: NodeId(nodes.len() - 1),
            max_ride_min: max_ride,
            unserved_penalty: 100_000.0 * f64::from(load),
        });
    }
    let vehicles = fleet(sizes, requests.len(), first_min, last_min, options);
    Problem {
        name: "morning".into(),
        nodes,
        vehicles,
        requests,
        cost: Matrix::from_fn(n + 1, |_, _| 0.0),
        travel_min: travel,
        one_call_per_location: true,
    }
}

/// Vehicles of every size, as many of each as there are requests. The objective weighs a
/// vehicle by its day cost in the cost table, scaled so that the largest size offered weighs
/// 10 000 (+ 1 per seat, so a smaller bus wins a tie): fewest vehicles (or cheapest mix),
/// then least vehicle time.
fn fleet(
    sizes: &[u32],
    requests: usize,
    first_min: f64,
    last_min: f64,
    options: &LineOptions,
) -> Vec<FleetVehicle> {
    let largest = sizes.iter().copied().max().unwrap_or(1);
    let largest_day = options.cost.vehicle_day(largest);
    let weight = |seats: u32| {
        if largest_day > 0.0 {
            10_000.0 * options.cost.vehicle_day(seats) / largest_day
        } else {
            10_000.0
        }
    };
    let mut vehicles = Vec::new();
    for &seats in sizes {
        for _ in 0..requests {
            vehicles.push(FleetVehicle {
                capacity: seats,
                start_depot: NodeId(0),
                end_depot: NodeId(1),
                time_window: TimeWindow::new(first_min - 60.0, last_min + 60.0),
                max_duration_min: options.max_route_min,
                fixed_cost: weight(seats) + f64::from(seats),
                cost_per_duration_min: 1.0,
            });
        }
    }
    vehicles
}

/// Steps 4–5: optimise the morning, deliver as late as the windows allow, check.
fn solve_morning(
    morning: &Problem,
    options: &LineOptions,
    span: &Span<'_>,
) -> Result<(Solution, SearchSummary, CheckReport)> {
    let (mut solution, search) = if morning.requests.is_empty() {
        let search = SearchSummary {
            evening_mirrored: true,
            ..SearchSummary::default()
        };
        (Solution::default(), search)
    } else {
        let on_epoch = |share: f64| span.at(SEARCH_SHARE * share, "morning search");
        let outcome = optimise::optimise_with(morning, &options.search, &on_epoch)
            .map_err(|e| Error::Plan(format!("bus lines: {e}")))?;
        let search = SearchSummary {
            requests: morning.requests.len(),
            iterations: outcome.iterations,
            elapsed_s: outcome.elapsed_s,
            initial_objective: outcome.initial_total,
            objective: outcome.objective.total,
            evening_mirrored: true,
            time_limited: options
                .search
                .max_iterations
                .is_none_or(|m| outcome.iterations < m * options.search.workers as u64),
        };
        (outcome.solution, search)
    };
    shift_late(morning, &mut solution);
    span.at(SEARCH_SHARE, "check");
    let report = checked(morning, &solution, "morning")?;
    Ok((solution, search, report))
}

/// Step 6: the morning driven backwards, checked; if one-way streets break it, the evening
/// optimised on its own (and checked). Whether the mirror held.
fn solve_evening(
    evening: &Problem,
    morning: &Solution,
    options: &LineOptions,
) -> Result<(Solution, CheckReport, bool)> {
    let mirrored = Solution {
        routes: morning
            .routes
            .iter()
            .map(|r| RoutePlan {
                vehicle: r.vehicle,
                visits: r.visits.iter().rev().copied().collect(),
                schedule: None,
            })
            .collect(),
        unserved: morning.unserved.clone(),
    };
    let report = check::check(evening, &mirrored).map_err(model_error)?;
    if report.is_feasible() {
        return Ok((mirrored, report, true));
    }
    let outcome = optimise::optimise(evening, &options.search)
        .map_err(|e| Error::Plan(format!("evening bus lines: {e}")))?;
    let report = checked(evening, &outcome.solution, "evening")?;
    Ok((outcome.solution, report, false))
}

/// Share of one fleet's plan when the morning search is done (within its [`Span`]).
const SEARCH_SHARE: f64 = 0.8;
/// Share of one fleet's plan when the evening starts.
const EVENING_SHARE: f64 = 0.85;
/// Share of one fleet's plan when both periods are checked (the rest: runs, lines, KPIs).
const LINES_SHARE: f64 = 0.95;

/// One period's problem, plan and the checker's schedule.
struct Solved<'a> {
    problem: &'a Problem,
    solution: &'a Solution,
    report: &'a CheckReport,
}

/// Steps 4–9 for one fleet: solve and check both periods, the vehicles' runs, the lines, the
/// costs and the KPIs.
fn solve_plan(
    graph: &RoadGraph,
    inputs: &LineInputs<'_>,
    options: &LineOptions,
    prepared: &Prepared,
    sizes: &[u32],
    span: &Span<'_>,
) -> Result<LinePlan> {
    span.at(0.0, "morning search");
    let mut riders = prepared.riders.clone();
    let mut stops = prepared.stops.clone();
    let morning = morning_problem(
        &prepared.chunks,
        &mut riders,
        &prepared.rows,
        options,
        sizes,
    );
    let (solution, mut search, morning_report) = solve_morning(&morning, options, span)?;
    span.at(EVENING_SHARE, "evening");
    let evening = mirror_problem(&morning, options);
    let (evening_solution, evening_report, mirrored) = solve_evening(&evening, &solution, options)?;
    span.at(LINES_SHARE, "check");
    search.evening_mirrored = mirrored;
    let am = Solved {
        problem: &morning,
        solution: &solution,
        report: &morning_report,
    };
    let pm = Solved {
        problem: &evening,
        solution: &evening_solution,
        report: &evening_report,
    };
    let vehicles = build_vehicles(graph, &am, &pm, prepared, &mut riders, &mut stops, options);
    for u in &solution.unserved {
        for &i in &prepared.chunks[u.request.0].riders {
            riders[i].unserved = Some(RiderReason::Unserved(u.reason));
        }
    }
    riders.retain(|r| r.count > 0);
    let lines = super::service::group_lines(
        &vehicles,
        &stops,
        &mut riders,
        inputs.bookings,
        &options.cost,
    );
    let cost = plan_cost(&vehicles, &lines, &riders, &stops, inputs.bookings, options);
    let kpis = kpis(
        &riders,
        &vehicles,
        lines.len(),
        Some(inputs.existing),
        options,
    );
    Ok(LinePlan {
        options: options.clone(),
        synthetic: inputs.synthetic,
        stops,
        vehicles,
        lines,
        riders,
        kpis,
        cost,
        morning_check: CheckSummary::of(&morning_report),
        evening_check: CheckSummary::of(&evening_report),
        search,
    })
}

/// The plan's cost in total and the sizes used.
fn plan_cost(
    vehicles: &[Vehicle],
    lines: &[Line],
    riders: &[Rider],
    stops: &[PlanStop],
    bookings: &[Booking],
    options: &LineOptions,
) -> PlanCost {
    let day = super::service::total_day(lines, riders, stops, bookings, &options.cost);
    let sizes: BTreeSet<u32> = vehicles.iter().map(|v| v.seats).collect();
    PlanCost {
        options: options.cost.clone(),
        total: super::cost::figures(&day, &options.cost),
        sizes_used: sizes.into_iter().collect(),
        mixed_fleet_chosen: false,
        alternative: None,
    }
}

/// Step 7: each morning route as a vehicle with its evening run; the riders' times and
/// vehicles; then the vehicles only the evening uses (when it was planned on its own).
fn build_vehicles(
    graph: &RoadGraph,
    am: &Solved<'_>,
    pm: &Solved<'_>,
    prepared: &Prepared,
    riders: &mut [Rider],
    stops: &mut [PlanStop],
    options: &LineOptions,
) -> Vec<Vehicle> {
    let run_of = |period: &Solved<'_>, visits: &[NodeId], schedule: &Schedule| {
        build_run(
            graph,
            period.problem,
            stops,
            visits,
            schedule,
            options.dwell_min,
            (options.roads, &prepared.sites),
        )
    };
    let mut vehicles = Vec::new();
    let mut boardings: Vec<(StopId, u32)> = Vec::new();
    for (route, report) in am.solution.routes.iter().zip(&am.report.routes) {
        let index = vehicles.len();
        let (run, call_of) = run_of(am, &route.visits, &report.schedule);
        let evening = pm
            .solution
            .routes
            .iter()
            .zip(&pm.report.routes)
            .find(|(r, _)| r.vehicle == route.vehicle)
            .map_or_else(Run::default, |(r, rep)| {
                run_of(pm, &r.visits, &rep.schedule).0
            });
        let parks = board_riders(
            am,
            pm,
            route,
            &run,
            &call_of,
            prepared,
            riders,
            index,
            options,
            &mut boardings,
        );
        vehicles.push(Vehicle {
            code: format!("V{}", index + 1),
            seats: am.problem.vehicles[route.vehicle.0].capacity,
            parks,
            morning: run,
            evening,
        });
    }
    for (route, report) in pm.solution.routes.iter().zip(&pm.report.routes) {
        if am
            .solution
            .routes
            .iter()
            .any(|m| m.vehicle == route.vehicle)
        {
            continue;
        }
        let mut parks: Vec<ZoneId> = route
            .visits
            .iter()
            .filter_map(|&node| {
                let k = pm.problem.requests.iter().position(|r| r.pickup == node)?;
                Some(prepared.chunks[k].park)
            })
            .collect();
        parks.sort_unstable();
        parks.dedup();
        vehicles.push(Vehicle {
            code: format!("V{}", vehicles.len() + 1),
            seats: pm.problem.vehicles[route.vehicle.0].capacity,
            parks,
            morning: Run::default(),
            evening: run_of(pm, &route.visits, &report.schedule).0,
        });
    }
    for (stop, n) in boardings {
        stops[stop.0 as usize].boardings += n;
    }
    vehicles
}

/// The riders of one morning route: their vehicle and the timetable's times (they board when
/// the bus leaves their stop and are off once it has dwelt at the gate). The parks served.
#[allow(clippy::too_many_arguments)]
fn board_riders(
    am: &Solved<'_>,
    pm: &Solved<'_>,
    route: &RoutePlan,
    run: &Run,
    call_of: &[usize],
    prepared: &Prepared,
    riders: &mut [Rider],
    vehicle: usize,
    options: &LineOptions,
    boardings: &mut Vec<(StopId, u32)>,
) -> Vec<ZoneId> {
    let mut parks: Vec<ZoneId> = Vec::new();
    for (pos, &node) in route.visits.iter().enumerate() {
        let Some(k) = request_of_pickup(am.problem, node) else {
            continue;
        };
        let chunk = &prepared.chunks[k.0];
        if !parks.contains(&chunk.park) {
            parks.push(chunk.park);
        }
        let delivery = am.problem.requests[k.0].delivery;
        let dpos = route
            .visits
            .iter()
            .position(|&x| x == delivery)
            .unwrap_or(pos);
        let board_s = run.calls[call_of[pos]].departure_s;
        let arrive_s = run.calls[call_of[dpos]].arrival_s + minutes_to_s(options.dwell_min);
        let evening_ride = pm
            .report
            .ride_min
            .iter()
            .find(|(r, _)| *r == k)
            .map(|(_, m)| minutes_to_s(*m));
        for &i in &chunk.riders {
            let r = &mut riders[i];
            let walk_min = f64::from(r.walk_s.unwrap_or(0)) / 60.0;
            r.vehicle = Some(vehicle);
            r.board_s = Some(board_s);
            r.arrive_s = Some(arrive_s);
            r.in_vehicle_s = Some(arrive_s.saturating_sub(board_s));
            r.door_to_door_s =
                Some(minutes_to_s(walk_min + options.wait_min) + arrive_s.saturating_sub(board_s));
            r.evening_in_vehicle_s = evening_ride;
            if let Some(stop) = r.stop {
                boardings.push((stop, r.count));
            }
        }
    }
    parks.sort_unstable();
    parks
}

fn model_error(e: super::instance::ModelError) -> Error {
    Error::Plan(format!("bus-line model: {e}"))
}

/// Runs the checker; a violation is an error naming the first ones.
fn checked(problem: &Problem, solution: &Solution, period: &str) -> Result<CheckReport> {
    let report = check::check(problem, solution).map_err(model_error)?;
    if !report.is_feasible() {
        let first: Vec<String> = report
            .violations
            .iter()
            .take(3)
            .map(ToString::to_string)
            .collect();
        return Err(Error::Plan(format!(
            "the checker rejects the {period} plan ({} violations: {})",
            report.violations.len(),
            first.join("; ")
        )));
    }
    Ok(report)
}

/// Delays every scheduled route as a whole as far as its windows allow, so that buses reach
/// the gates as late as the arrival times permit rather than as early: workers leave home
/// later, and no ride, wait or route time changes.
fn shift_late(problem: &Problem, solution: &mut Solution) {
    for route in &mut solution.routes {
        let Some(schedule) = route.schedule.as_mut() else {
            continue;
        };
        let slack = route
            .visits
            .iter()
            .zip(&schedule.service_start_min)
            .map(|(node, start)| problem.nodes[node.0].time_window.latest_min - start)
            .fold(
                problem.vehicles[route.vehicle.0].time_window.latest_min - schedule.arrival_min,
                f64::min,
            );
        if slack.is_finite() && slack > 0.0 {
            schedule.departure_min += slack;
            schedule.arrival_min += slack;
            schedule
                .service_start_min
                .iter_mut()
                .for_each(|t| *t += slack);
        }
    }
}

/// The request whose pickup is `node`.
fn request_of_pickup(problem: &Problem, node: NodeId) -> Option<RequestId> {
    // Pickups are nodes 2, 4, …: request k has pickup 2 + 2k.
    (node.0 >= 2 && node.0.is_multiple_of(2))
        .then(|| RequestId((node.0 - 2) / 2))
        .filter(|k| problem.requests.get(k.0).is_some_and(|r| r.pickup == node))
}

/// The evening problem on the same node ids: each request is picked up at its gate (within
/// `early_min` after the shift) and delivered to its stop. Door to door in the evening is the
/// ride plus the walk home (the wait at the gate, like the early arrival in the morning, is
/// not counted), so the ride limit is the morning's plus the wait at the stop.
fn mirror_problem(morning: &Problem, options: &LineOptions) -> Problem {
    let mut evening = morning.clone();
    evening.name = "evening".into();
    let shift_min = options.shift_h * 60.0;
    for r in &mut evening.requests {
        let (p, d) = (r.pickup, r.delivery);
        let arrive_min = morning.nodes[d.0].time_window.latest_min;
        let leave = arrive_min + shift_min;
        let load = morning.nodes[p.0].load_delta;
        evening.nodes[d.0] = Node {
            location: morning.nodes[d.0].location,
            time_window: TimeWindow::new(leave, leave + options.early_min),
            service_min: 0.0,
            load_delta: load,
        };
        evening.nodes[p.0] = Node {
            location: morning.nodes[p.0].location,
            time_window: TimeWindow::new(leave, leave + options.early_min + r.max_ride_min + 60.0),
            service_min: 0.0,
            load_delta: -load,
        };
        *r = Request {
            pickup: d,
            delivery: p,
            max_ride_min: r.max_ride_min + options.wait_min,
            ..r.clone()
        };
    }
    for v in &mut evening.vehicles {
        v.time_window = TimeWindow::new(
            v.time_window.earliest_min + shift_min,
            v.time_window.latest_min + shift_min + 120.0,
        );
    }
    evening
}

/// Stop calls (consecutive visits at one stop merged) and the road path of a route.
fn build_run(
    graph: &RoadGraph,
    problem: &Problem,
    stops: &[PlanStop],
    visits: &[NodeId],
    schedule: &Schedule,
    dwell_min: f64,
    (roads, sites): (Mode, &StopSites),
) -> (Run, Vec<usize>) {
    let mut calls: Vec<Call> = Vec::new();
    let mut call_of = Vec::with_capacity(visits.len());
    let mut load: i64 = 0;
    for (pos, &node) in visits.iter().enumerate() {
        let n = &problem.nodes[node.0];
        let stop = StopId(n.location.0 as u32);
        let start = schedule.service_start_min[pos];
        load += i64::from(n.load_delta);
        let (board, alight) = if n.load_delta > 0 {
            (n.load_delta as u32, 0)
        } else {
            (0, (-n.load_delta) as u32)
        };
        // A call opens with the dwell; every request served there is done when it ends.
        match calls.last_mut() {
            Some(c) if c.stop == stop => {
                c.board += board;
                c.alight += alight;
                c.departure_s = c.departure_s.max(minutes_to_s(start + n.service_min));
                c.load = load as u32;
            }
            _ => calls.push(Call {
                stop,
                arrival_s: minutes_to_s(start - dwell_min),
                departure_s: minutes_to_s(start + n.service_min),
                board,
                alight,
                load: load as u32,
                leg_m: 0.0,
                path_at: 0,
            }),
        }
        call_of.push(calls.len() - 1);
    }
    let bus = graph.profile(roads);
    let mut path = Vec::new();
    let mut length_m = 0.0;
    let mut passenger_km = 0.0;
    for k in 1..calls.len() {
        let (a, b) = (
            &stops[calls[k - 1].stop.0 as usize],
            &stops[calls[k].stop.0 as usize],
        );
        if let Some((coords, leg_m)) = sites.leg(graph, bus, a, b) {
            length_m += leg_m;
            passenger_km += f64::from(calls[k - 1].load) * leg_m / 1000.0;
            calls[k].leg_m = leg_m;
            let skip = usize::from(!path.is_empty());
            path.extend(coords.into_iter().skip(skip));
        }
        calls[k].path_at = path.len().saturating_sub(1);
    }
    (
        Run {
            calls,
            path,
            length_m,
            passenger_km,
        },
        call_of,
    )
}

/// Greedy maximum coverage: repeatedly the vertex (allowed by `allowed`) that serves the most
/// uncovered workers, ties to the shorter total walk, then the lower vertex id.
fn greedy_cover(
    candidates: &[Candidates],
    weights: &[u32],
    allowed: impl Fn(VertexId) -> bool,
) -> Vec<VertexId> {
    let mut serves: BTreeMap<VertexId, Vec<(usize, u32)>> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        if let Ok(list) = c {
            for &(v, t) in list {
                if allowed(v) {
                    serves.entry(v).or_default().push((i, t));
                }
            }
        }
    }
    // Lazy greedy: a vertex's key (workers still uncovered, then less walking, then lower id)
    // only falls as others are chosen, so a stale key is an upper bound, and a popped key that
    // is still current is the best. Same choices as rescanning every vertex each round.
    let mut covered = vec![false; candidates.len()];
    let key = |v: VertexId, covered: &[bool]| {
        let (gain, walk) = serves[&v].iter().filter(|(i, _)| !covered[*i]).fold(
            (0u64, 0u64),
            |(g, w), &(i, t)| {
                let weight = u64::from(weights[i]);
                (g + weight, w + u64::from(t) * weight)
            },
        );
        (gain, Reverse(walk), Reverse(v))
    };
    let mut heap: BinaryHeap<_> = serves.keys().map(|&v| key(v, &covered)).collect();
    let mut chosen = Vec::new();
    while let Some(top) = heap.pop() {
        let v = (top.2).0;
        let fresh = key(v, &covered);
        if fresh.0 == 0 {
            continue;
        }
        if fresh != top {
            heap.push(fresh);
            continue;
        }
        for &(i, _) in &serves[&v] {
            covered[i] = true;
        }
        chosen.push(v);
    }
    chosen
}

/// The quickest existing time of booking `unit` to `park` without a car, ms.
fn existing_best_ms(existing: &CommuteReport, unit: usize, park: ZoneId) -> Option<u32> {
    existing
        .parks
        .iter()
        .find(|p| p.zone == park)?
        .modes
        .iter()
        .filter(|m| m.mode != Mode::Car)
        .filter_map(|m| m.unit_ms.get(unit).copied())
        .filter(|&t| t != UNREACHED)
        .min()
}

/// Key figures over `riders` and `lines`; `existing` (the commute stage on the bookings) adds
/// the share within the target per existing mode.
fn kpis(
    riders: &[Rider],
    lines: &[Vehicle],
    line_count: usize,
    existing: Option<&CommuteReport>,
    options: &LineOptions,
) -> Kpis {
    let workers: u32 = riders.iter().map(|r| r.count).sum();
    let served: u32 = riders
        .iter()
        .filter(|r| r.vehicle.is_some())
        .map(|r| r.count)
        .sum();
    let share = |n: u32| {
        if workers == 0 {
            0.0
        } else {
            f64::from(n) / f64::from(workers)
        }
    };
    let target_s = minutes_to_s(options.target_min);
    let within: u32 = riders
        .iter()
        .filter(|r| r.door_to_door_s.is_some_and(|t| t <= target_s))
        .map(|r| r.count)
        .sum();
    let spread = |f: &dyn Fn(&Rider) -> Option<u32>| {
        Spread::of(
            riders
                .iter()
                .filter(|r| r.vehicle.is_some())
                .filter_map(|r| f(r).map(|s| (f64::from(s) / 60.0, r.count)))
                .collect(),
        )
    };
    let duration_h = |run: &Run| match (run.calls.first(), run.calls.last()) {
        (Some(a), Some(b)) => f64::from(b.arrival_s.saturating_sub(a.departure_s)) / 3600.0,
        _ => 0.0,
    };
    let seat_km: f64 = lines
        .iter()
        .map(|l| f64::from(l.seats) * l.morning.length_m / 1000.0)
        .sum();
    let passenger_km: f64 = lines.iter().map(|l| l.morning.passenger_km).sum();
    let existing_within: u32 = riders
        .iter()
        .filter(|r| r.existing_best_s.is_some_and(|t| t <= target_s))
        .map(|r| r.count)
        .sum();
    let existing_by_mode = existing.map_or_else(Vec::new, |existing| {
        existing
            .options
            .modes
            .iter()
            .enumerate()
            .filter(|(_, mode)| **mode != Mode::Car)
            .map(|(m, mode)| {
                let n: u32 = riders
                    .iter()
                    .filter(|r| {
                        existing
                            .parks
                            .iter()
                            .find(|p| p.zone == r.park)
                            .and_then(|p| p.modes.get(m))
                            .and_then(|x| x.unit_ms.get(r.booking))
                            .is_some_and(|&t| t != UNREACHED && t / 1000 <= target_s)
                    })
                    .map(|r| r.count)
                    .sum();
                (mode.name().to_string(), share(n))
            })
            .collect()
    });
    // `+ 0.0`: an empty sum of floats is −0.0, which would print as "-0.0".
    let total = |f: &dyn Fn(&Vehicle) -> f64| lines.iter().map(f).sum::<f64>() + 0.0;
    Kpis {
        workers,
        served,
        served_share: share(served),
        within_target_share: share(within),
        vehicles: lines.len(),
        lines: line_count,
        seats: lines.iter().map(|l| l.seats).sum(),
        vehicle_km_morning: total(&|l| l.morning.length_m) / 1000.0,
        vehicle_km_day: total(&|l| l.morning.length_m + l.evening.length_m) / 1000.0,
        vehicle_h_morning: total(&|l| duration_h(&l.morning)),
        vehicle_h_day: total(&|l| duration_h(&l.morning) + duration_h(&l.evening)),
        in_vehicle: spread(&|r| r.in_vehicle_s),
        walk: spread(&|r| r.walk_s),
        door_to_door: spread(&|r| r.door_to_door_s),
        load_factor: if seat_km > 0.0 {
            passenger_km / seat_km
        } else {
            0.0
        },
        beyond_direct_bus: riders
            .iter()
            .filter(|r| {
                r.direct_ride_s.zip(r.walk_s).is_some_and(|(d, w)| {
                    f64::from(d + w) / 60.0 + options.wait_min + options.dwell_min
                        > options.target_min
                })
            })
            .map(|r| r.count)
            .sum(),
        existing_within_target_share: share(existing_within),
        existing: Spread::of(
            riders
                .iter()
                .filter(|r| r.vehicle.is_some())
                .filter_map(|r| r.existing_best_s.map(|s| (f64::from(s) / 60.0, r.count)))
                .collect(),
        ),
        on_foot: riders.iter().filter(|r| r.on_foot).map(|r| r.count).sum(),
        existing_beyond_60: riders
            .iter()
            .filter(|r| r.existing_best_s.is_none())
            .map(|r| r.count)
            .sum(),
        existing_by_mode,
    }
}

impl LinePlan {
    /// Key figures of one park's riders and of the vehicles that serve it (a vehicle serving
    /// two parks counts for both; [`LinePlan::kpis`] counts it once).
    pub fn park_kpis(&self, park: ZoneId) -> Kpis {
        let riders: Vec<Rider> = self
            .riders
            .iter()
            .filter(|r| r.park == park)
            .cloned()
            .collect();
        let vehicles: Vec<Vehicle> = self
            .vehicles
            .iter()
            .filter(|l| l.parks.contains(&park))
            .cloned()
            .collect();
        let lines = self
            .lines
            .iter()
            .filter(|l| l.parks.contains(&park))
            .count();
        kpis(&riders, &vehicles, lines, None, &self.options)
    }
}

/// Where each booking came from, for tables of unserved workers.
pub fn booking_source(bookings: &[Booking], rider: &Rider) -> String {
    match &bookings[rider.booking].source {
        s @ Source::File { .. } => s.to_string(),
        s => format!("resident unit {s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_weighted() {
        let s = Spread::of(vec![(10.0, 1), (20.0, 3)]);
        assert!((s.mean_min - 17.5).abs() < 1e-9);
        assert_eq!(s.p95_min, 20.0);
        assert_eq!(s.max_min, 20.0);
        assert_eq!(Spread::of(Vec::new()), Spread::default());
    }

    #[test]
    fn greedy_cover_prefers_the_stop_serving_most() {
        let c: Vec<Candidates> = vec![
            Ok(vec![(VertexId(1), 10), (VertexId(2), 5)]),
            Ok(vec![(VertexId(2), 5)]),
            Ok(vec![(VertexId(3), 5)]),
            Err(RiderReason::NoStopChosen),
        ];
        assert_eq!(
            greedy_cover(&c, &[1, 1, 1, 1], |_| true),
            vec![VertexId(2), VertexId(3)]
        );
        assert_eq!(
            greedy_cover(&c, &[1, 1, 1, 1], |v| v == VertexId(1)),
            vec![VertexId(1)]
        );
    }
}
