//! Adaptive large neighbourhood search (ALNS) for the dial-a-ride problem.
//!
//! * **Construction**: regret-2 insertion of every request into an empty
//!   fleet. Requests no vehicle can serve even alone are set aside with an
//!   [`UnservedReason`].
//! * **Destroy** operators: random, worst (largest arc-cost saving), related
//!   (Shaw: close in space and time), route removal, string removal (SISR,
//!   Christiaens & Vanden Berghe 2020) and route split (move the tail of a
//!   route, cut where the vehicle is empty, to an unused vehicle, then remove
//!   related requests; this lets the search change the number of vehicles,
//!   which single insertions rarely pay for).
//! * **Repair** operators: greedy and regret-2/3 insertion, each with or
//!   without noise (Ropke & Pisinger 2006), and sequential greedy insertion
//!   with blinks in random / time / distance / window-width order (SISR).
//!   Operators are picked by adaptive roulette-wheel weights.
//! * **Local search** on every candidate within
//!   [`Config::local_search_window`] of the worker's best: relocate (move a
//!   request to its cheapest position anywhere), exchange (swap two related
//!   requests between routes) and 2-opt* (swap route tails at points where
//!   both vehicles are empty), first improvement until none applies.
//! * **Acceptance**: simulated annealing in cycles of
//!   [`Config::cycle_iterations`]; each cycle cools exponentially from a
//!   start temperature relative to the best cost, then restarts from the best
//!   solution. Workers run at different start temperatures.
//! * **Feasibility** follows the eight-step schedule of Cordeau & Laporte
//!   (2003): earliest times, departure from the depot delayed by its forward
//!   time slack, then every pickup delayed by its forward time slack (bounded
//!   by the downstream waiting) to cut ride times. Every route produced by an
//!   insertion or a move is evaluated that way. Insertion positions are first
//!   screened by O(1) necessary conditions each (capacity, earliest / latest
//!   service times on windows tightened by depot reachability and the
//!   pickup–delivery coupling, ride-time and route-duration lower bounds) and
//!   then examined cheapest first until the exact test accepts one. With
//!   metric travel times, a request that fits nowhere in a route is not
//!   re-examined after further insertions into that route.
//! * **Parallelism and determinism**: [`Config::workers`] independent
//!   searches, with seeds derived from the master seed, run in epochs of
//!   [`Config::epoch_iterations`] iterations on a rayon pool. Between epochs
//!   every worker adopts the best solution so far (smallest cost, then lowest
//!   worker index) as its restart point. A trajectory depends only on the
//!   seed and the iteration count, never on the thread count: with
//!   [`Config::max_iterations`] and no time limit the result is fully
//!   deterministic; with a time limit the only nondeterminism is where the
//!   search is cut off.
//!
//! Conventions: service time at depots is ignored (a route departs from the
//! start depot at its departure time); the objective is arc costs + fixed
//! costs of used vehicles + cost per route-duration minute + penalties of
//! unserved requests (see [`super::instance`]).

// Index loops over parallel arrays (positions, times, loads) read more
// clearly than iterator chains in the scheduling code.
#![allow(clippy::needless_range_loop)]

use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::instance::{
    ModelError, NodeId, Problem, RequestId, RoutePlan, Schedule, Solution, Unserved,
    UnservedReason, VehicleId,
};

/// Tolerance of the optimiser's own feasibility tests (stricter than the
/// checker's, so that its plans pass the checker).
const EPS: f64 = 1e-7;
const NONE: usize = usize::MAX;
/// Length of the per-request neighbour lists (string removal, exchange).
const NEIGHBOURS: usize = 100;
/// Largest matrix checked for the triangle inequality (cubic time).
const METRIC_CHECK_MAX: usize = 600;

/// Search parameters. [`Config::default`] is tuned for the Cordeau
/// benchmark with a 10 s budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Master seed; worker seeds are derived from it.
    pub seed: u64,
    /// Number of independent search trajectories (fixed, not tied to the
    /// number of threads, so the result does not depend on the machine).
    pub workers: usize,
    /// Size of the rayon pool; `None` uses the global pool.
    pub threads: Option<usize>,
    /// Wall-clock budget in seconds (`None`: no time limit).
    pub time_limit_s: Option<f64>,
    /// Iterations per worker (`None`: unlimited). Without a time limit the
    /// result is fully deterministic.
    pub max_iterations: Option<u64>,
    /// Iterations between synchronisations of the workers.
    pub epoch_iterations: u64,
    /// Length of one simulated-annealing cooling cycle (iterations).
    pub cycle_iterations: u64,
    /// Start temperature as a fraction of the best cost: a solution this much
    /// worse is accepted with probability 1/2 at the start of a cycle.
    pub start_temperature_ratio: f64,
    /// End temperature as a fraction of the start temperature.
    pub end_temperature_factor: f64,
    /// Candidates within this fraction of the worker's best cost are
    /// polished by local search (relocate, exchange, 2-opt*).
    pub local_search_window: f64,
    /// Fewest requests removed per iteration.
    pub min_removal: usize,
    /// Most requests removed per iteration, as a fraction of all requests.
    pub max_removal_fraction: f64,
    /// Absolute cap on the requests removed per iteration.
    pub max_removal: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            seed: 1,
            workers: 4,
            threads: None,
            time_limit_s: Some(10.0),
            max_iterations: None,
            epoch_iterations: 250,
            cycle_iterations: 2000,
            start_temperature_ratio: 0.004,
            end_temperature_factor: 0.02,
            local_search_window: 0.01,
            min_removal: 2,
            max_removal_fraction: 0.3,
            max_removal: 30,
        }
    }
}

/// Errors of [`optimise`].
#[derive(Debug, thiserror::Error)]
pub enum OptimiseError {
    /// The problem is structurally invalid.
    #[error("invalid problem: {0}")]
    Model(#[from] ModelError),
    /// Neither a time limit nor an iteration limit was given, or a limit is
    /// not positive.
    #[error("a positive time limit or iteration limit is required")]
    NoLimit,
    /// `workers` is zero.
    #[error("at least one worker is required")]
    NoWorkers,
    /// The thread pool could not be built.
    #[error("cannot build thread pool: {0}")]
    ThreadPool(String),
}

/// Objective of a solution, by component.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveBreakdown {
    /// Σ arc costs.
    pub arc_cost: f64,
    /// Number of vehicles with a non-empty route.
    pub vehicles_used: usize,
    /// Σ fixed costs of the used vehicles.
    pub fixed_cost: f64,
    /// Σ cost_per_duration_min × route duration.
    pub duration_cost: f64,
    /// Number of unserved requests.
    pub unserved: usize,
    /// Σ penalties of unserved requests.
    pub unserved_penalty: f64,
    /// Total objective.
    pub total: f64,
}

/// Result of [`optimise`].
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Best solution found, with schedules.
    pub solution: Solution,
    /// Its objective.
    pub objective: ObjectiveBreakdown,
    /// Objective of the constructed start solution.
    pub initial_total: f64,
    /// Iterations performed, summed over workers.
    pub iterations: u64,
    /// Wall-clock time (seconds).
    pub elapsed_s: f64,
}

/// Runs the ALNS on `problem` and returns the best solution found.
pub fn optimise(problem: &Problem, config: &Config) -> Result<Outcome, OptimiseError> {
    optimise_with(problem, config, &|_| {})
}

/// [`optimise`], calling `on_epoch` after each synchronisation of the workers with the share
/// of the budget used (0..1, never decreasing: the larger of the iterations' and the time
/// limit's share). The search is the same: a progress display does not change the result.
pub fn optimise_with(
    problem: &Problem,
    config: &Config,
    on_epoch: &(dyn Fn(f64) + Sync),
) -> Result<Outcome, OptimiseError> {
    problem.validate()?;
    if config.workers == 0 {
        return Err(OptimiseError::NoWorkers);
    }
    let time_ok = config.time_limit_s.is_some_and(|t| t > 0.0);
    let iter_ok = config.max_iterations.is_some_and(|i| i > 0);
    if !time_ok && !iter_ok {
        return Err(OptimiseError::NoLimit);
    }
    let run = || search(problem, config, on_epoch);
    match config.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
            .map_err(|e| OptimiseError::ThreadPool(e.to_string()))
            .map(|pool| pool.install(run)),
        None => Ok(run()),
    }
}

// ---------------------------------------------------------------------------
// Pseudo-random numbers.

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast and good enough here.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in lo..=hi.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

fn derive_seed(master: u64, worker: usize) -> u64 {
    let mut r = Rng::new(
        master
            ^ (worker as u64)
                .wrapping_add(1)
                .wrapping_mul(0xD1B5_4A32_D192_ED03),
    );
    r.next_u64()
}

// ---------------------------------------------------------------------------
// Preprocessed data.

#[derive(Debug, Clone)]
struct VehicleData {
    cap: i32,
    start: usize,
    end: usize,
    e_start: f64,
    l_start: f64,
    e_end: f64,
    l_end: f64,
    max_dur: f64,
    fixed: f64,
    per_min: f64,
    class: usize,
}

#[derive(Debug, Clone)]
struct RequestData {
    p: usize,
    d: usize,
    load: i32,
    max_ride: f64,
    penalty: f64,
}

#[derive(Debug)]
struct Data {
    n_loc: usize,
    travel: Vec<f64>,
    cost: Vec<f64>,
    loc: Vec<usize>,
    e: Vec<f64>,
    l: Vec<f64>,
    /// Tightened windows, valid for every feasible schedule (filters only).
    et: Vec<f64>,
    lt: Vec<f64>,
    s: Vec<f64>,
    q: Vec<i32>,
    /// Request of a pickup/delivery node (NONE for depots).
    req_of: Vec<usize>,
    is_pickup: Vec<bool>,
    requests: Vec<RequestData>,
    vehicles: Vec<VehicleData>,
    /// Representative vehicle of each class.
    classes: Vec<usize>,
    /// Reason why a request can never be served (None: servable).
    hopeless: Vec<Option<UnservedReason>>,
    /// Travel times obey the triangle inequality (checked for up to
    /// [`METRIC_CHECK_MAX`] locations; larger matrices are assumed not to).
    metric: bool,
    /// Other requests by increasing static relatedness (distance between
    /// pickups and between deliveries, time-window centres).
    neighbours: Vec<Vec<usize>>,
    /// Largest arc cost (noise scale).
    max_arc_cost: f64,
    /// Largest travel time and time-window span (relatedness scales).
    max_travel: f64,
    horizon: f64,
    /// [`Problem::one_call_per_location`]: a route may not return to a location it left.
    one_call: bool,
}

impl Data {
    #[inline]
    fn t(&self, a: usize, b: usize) -> f64 {
        self.travel[self.loc[a] * self.n_loc + self.loc[b]]
    }

    #[inline]
    fn c(&self, a: usize, b: usize) -> f64 {
        self.cost[self.loc[a] * self.n_loc + self.loc[b]]
    }

    /// Service time of the node at `pos` in a route (depot service ignored).
    #[inline]
    fn s_at(&self, nodes: &[usize], pos: usize) -> f64 {
        if pos == 0 { 0.0 } else { self.s[nodes[pos]] }
    }

    fn new(problem: &Problem) -> Data {
        let nn = problem.nodes.len();
        let n_loc = problem.travel_min.size();
        let mut d = Data {
            n_loc,
            travel: problem.travel_min.values().to_vec(),
            cost: problem.cost.values().to_vec(),
            loc: problem.nodes.iter().map(|n| n.location.0).collect(),
            e: problem
                .nodes
                .iter()
                .map(|n| n.time_window.earliest_min)
                .collect(),
            l: problem
                .nodes
                .iter()
                .map(|n| n.time_window.latest_min)
                .collect(),
            et: Vec::new(),
            lt: Vec::new(),
            s: problem.nodes.iter().map(|n| n.service_min).collect(),
            q: problem.nodes.iter().map(|n| n.load_delta).collect(),
            req_of: vec![NONE; nn],
            is_pickup: vec![false; nn],
            requests: Vec::new(),
            vehicles: Vec::new(),
            classes: Vec::new(),
            hopeless: Vec::new(),
            neighbours: Vec::new(),
            metric: false,
            max_arc_cost: problem.cost.values().iter().copied().fold(0.0, f64::max),
            max_travel: problem
                .travel_min
                .values()
                .iter()
                .copied()
                .filter(|x| x.is_finite())
                .fold(1e-9, f64::max),
            horizon: 1.0,
            one_call: problem.one_call_per_location,
        };
        for (i, r) in problem.requests.iter().enumerate() {
            d.req_of[r.pickup.0] = i;
            d.req_of[r.delivery.0] = i;
            d.is_pickup[r.pickup.0] = true;
            d.requests.push(RequestData {
                p: r.pickup.0,
                d: r.delivery.0,
                load: problem.nodes[r.pickup.0].load_delta,
                max_ride: r.max_ride_min,
                penalty: r.unserved_penalty,
            });
        }
        for v in &problem.vehicles {
            let ws = problem.nodes[v.start_depot.0]
                .time_window
                .intersect(&v.time_window);
            let we = problem.nodes[v.end_depot.0]
                .time_window
                .intersect(&v.time_window);
            let mut vd = VehicleData {
                cap: i32::try_from(v.capacity).unwrap_or(i32::MAX),
                start: v.start_depot.0,
                end: v.end_depot.0,
                e_start: ws.earliest_min,
                l_start: ws.latest_min,
                e_end: we.earliest_min,
                l_end: we.latest_min,
                max_dur: v.max_duration_min,
                fixed: v.fixed_cost,
                per_min: v.cost_per_duration_min,
                class: NONE,
            };
            let same = |a: &VehicleData, b: &VehicleData| {
                a.cap == b.cap
                    && a.start == b.start
                    && a.end == b.end
                    && a.e_start.to_bits() == b.e_start.to_bits()
                    && a.l_start.to_bits() == b.l_start.to_bits()
                    && a.e_end.to_bits() == b.e_end.to_bits()
                    && a.l_end.to_bits() == b.l_end.to_bits()
                    && a.max_dur.to_bits() == b.max_dur.to_bits()
                    && a.fixed.to_bits() == b.fixed.to_bits()
                    && a.per_min.to_bits() == b.per_min.to_bits()
            };
            vd.class = match d.classes.iter().position(|&c| same(&d.vehicles[c], &vd)) {
                Some(c) => c,
                None => {
                    d.classes.push(d.vehicles.len());
                    d.classes.len() - 1
                }
            };
            d.vehicles.push(vd);
        }
        d.tighten_windows();
        let finite = |x: f64| x.is_finite();
        let lo =
            d.et.iter()
                .copied()
                .filter(|x| finite(*x))
                .fold(f64::INFINITY, f64::min);
        let hi =
            d.lt.iter()
                .copied()
                .filter(|x| finite(*x))
                .fold(f64::NEG_INFINITY, f64::max);
        d.horizon = if hi > lo { hi - lo } else { 1.0 };
        let mut sc = Scratch::new(nn);
        d.hopeless = (0..d.requests.len())
            .map(|r| d.hopeless_reason(r, &mut sc))
            .collect();
        d.neighbours = (0..d.requests.len()).map(|r| d.neighbour_list(r)).collect();
        d.metric = d.is_metric();
        d
    }

    /// Whether t(a,c) <= t(a,b) + t(b,c) for all locations a, c and every
    /// location b of a pickup or delivery (with a small tolerance), the
    /// condition under which removing stops keeps a route feasible. Depots are
    /// never passed through, so a depot that is everywhere at no time (a bus
    /// line's virtual garage) does not break it.
    fn is_metric(&self) -> bool {
        let n = self.n_loc;
        if n > METRIC_CHECK_MAX {
            return false;
        }
        let mut via = vec![false; n];
        for r in &self.requests {
            via[self.loc[r.p]] = true;
            via[self.loc[r.d]] = true;
        }
        let t = |a: usize, b: usize| self.travel[a * n + b];
        (0..n)
            .filter(|&b| via[b])
            .all(|b| (0..n).all(|a| (0..n).all(|c| t(a, c) <= t(a, b) + t(b, c) + 1e-9)))
    }

    fn neighbour_list(&self, r: usize) -> Vec<usize> {
        let a = &self.requests[r];
        let centre = |n: usize| {
            let (e, l) = (self.et[n], self.lt[n]);
            if e.is_finite() && l.is_finite() {
                0.5 * (e + l)
            } else {
                0.0
            }
        };
        let mut v: Vec<(f64, usize)> = (0..self.requests.len())
            .filter(|&x| x != r)
            .map(|x| {
                let b = &self.requests[x];
                let dist = (self.t(a.p, b.p) + self.t(a.d, b.d)) / self.max_travel;
                let time = ((centre(a.p) - centre(b.p)).abs() + (centre(a.d) - centre(b.d)).abs())
                    / self.horizon;
                (dist + time, x)
            })
            .collect();
        v.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        v.into_iter().take(NEIGHBOURS).map(|(_, x)| x).collect()
    }

    /// Tightens time windows with conditions every feasible schedule meets
    /// (depot reachability, pickup/delivery coupling through travel time and
    /// maximum ride time).
    fn tighten_windows(&mut self) {
        self.et = self.e.clone();
        self.lt = self.l.clone();
        if self.vehicles.is_empty() {
            return;
        }
        for node in 0..self.e.len() {
            if self.req_of[node] == NONE {
                continue;
            }
            let first = self
                .vehicles
                .iter()
                .map(|v| v.e_start + self.t(v.start, node))
                .fold(f64::INFINITY, f64::min);
            let last = self
                .vehicles
                .iter()
                .map(|v| v.l_end - self.s[node] - self.t(node, v.end))
                .fold(f64::NEG_INFINITY, f64::max);
            self.et[node] = self.et[node].max(first);
            self.lt[node] = self.lt[node].min(last);
        }
        for _ in 0..2 {
            for r in &self.requests {
                let (p, d) = (r.p, r.d);
                let tpd = self.t(p, d);
                self.et[d] = self.et[d].max(self.et[p] + self.s[p] + tpd);
                self.lt[p] = self.lt[p].min(self.lt[d] - tpd - self.s[p]);
                self.et[p] = self.et[p].max(self.et[d] - r.max_ride - self.s[p]);
                self.lt[d] = self.lt[d].min(self.lt[p] + self.s[p] + r.max_ride);
            }
        }
    }

    fn hopeless_reason(&self, r: usize, sc: &mut Scratch) -> Option<UnservedReason> {
        let req = &self.requests[r];
        if self.vehicles.is_empty() {
            return Some(UnservedReason::InfeasibleAlone);
        }
        if self.vehicles.iter().all(|v| req.load > v.cap) {
            return Some(UnservedReason::ExceedsCapacity);
        }
        let ok = self.classes.iter().any(|&v| {
            let vd = &self.vehicles[v];
            evaluate(self, vd, &[vd.start, req.p, req.d, vd.end], sc).is_some()
        });
        if ok {
            None
        } else {
            Some(UnservedReason::InfeasibleAlone)
        }
    }
}

// ---------------------------------------------------------------------------
// Exact route evaluation: the eight-step schedule of Cordeau & Laporte (2003).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Candidate {
    i: usize,
    j: usize,
}

#[derive(Debug)]
struct Scratch {
    a: Vec<f64>,
    b: Vec<f64>,
    /// Position of each pickup node in the route being evaluated.
    pos: Vec<usize>,
    seq: Vec<usize>,
    cands: Vec<(f64, Candidate)>,
    /// Per location, the stamp of the last route that called there ([`returns_to_a_location`]).
    loc_stamp: Vec<u32>,
    stamp: u32,
}

impl Scratch {
    fn new(nodes: usize) -> Self {
        Scratch {
            a: Vec::new(),
            b: Vec::new(),
            pos: vec![0; nodes],
            seq: Vec::new(),
            cands: Vec::new(),
            loc_stamp: Vec::new(),
            stamp: 0,
        }
    }
}

/// Recomputes arrivals and service starts after position `from`, stopping as
/// soon as a start time is unchanged.
fn push_forward(data: &Data, v: &VehicleData, nodes: &[usize], sc: &mut Scratch, from: usize) {
    let last = nodes.len() - 1;
    for k in from + 1..nodes.len() {
        let leave = sc.b[k - 1] + data.s_at(nodes, k - 1);
        let a = leave + data.t(nodes[k - 1], nodes[k]);
        let e = if k == last { v.e_end } else { data.e[nodes[k]] };
        let b = a.max(e);
        sc.a[k] = a;
        if b == sc.b[k] {
            break;
        }
        sc.b[k] = b;
    }
}

/// A fresh stamp for [`returns_to_a_location`] (the marks are cleared when stamps run out).
fn next_stamp(data: &Data, sc: &mut Scratch) {
    if sc.loc_stamp.len() < data.n_loc || sc.stamp == u32::MAX {
        sc.loc_stamp.clear();
        sc.loc_stamp.resize(data.n_loc, 0);
        sc.stamp = 0;
    }
    sc.stamp += 1;
}

/// Whether the route `[start, ..., end]` comes back, within one departure (until the vehicle
/// is empty again), to a location it has left (depots not counted): with [`Data::one_call`] a
/// departure calls at a stop once, however many requests it serves there.
fn returns_to_a_location(data: &Data, nodes: &[usize], sc: &mut Scratch) -> bool {
    next_stamp(data, sc);
    let (mut prev, mut load) = (usize::MAX, 0);
    for &node in nodes
        .get(1..nodes.len().saturating_sub(1))
        .unwrap_or_default()
    {
        let loc = data.loc[node];
        if loc != prev {
            if sc.loc_stamp[loc] == sc.stamp {
                return true;
            }
            sc.loc_stamp[loc] = sc.stamp;
            prev = loc;
        }
        load += data.q[node];
        if load == 0 {
            // Empty again: the next call starts a new departure.
            next_stamp(data, sc);
            prev = usize::MAX;
        }
    }
    false
}

/// Evaluates a complete route `[start, ..., end]` for vehicle `v`. Returns
/// `(departure, end arrival)` if feasible; the schedule stays in `sc.b`.
fn evaluate(data: &Data, v: &VehicleData, nodes: &[usize], sc: &mut Scratch) -> Option<(f64, f64)> {
    if data.one_call && returns_to_a_location(data, nodes, sc) {
        return None;
    }
    let n = nodes.len();
    let last = n - 1;
    sc.a.clear();
    sc.a.resize(n, 0.0);
    sc.b.clear();
    sc.b.resize(n, 0.0);
    // Steps 1-2: earliest schedule, with capacity and window checks; the
    // forward time slack F0 of the depot is accumulated on the way.
    sc.a[0] = v.e_start;
    sc.b[0] = v.e_start;
    let mut load = 0;
    let mut wait = 0.0;
    let mut f0 = v.l_start - v.e_start;
    for k in 1..n {
        let node = nodes[k];
        let a = sc.b[k - 1] + data.s_at(nodes, k - 1) + data.t(nodes[k - 1], node);
        let (e, l) = if k == last {
            (v.e_end, v.l_end)
        } else {
            (data.e[node], data.l[node])
        };
        if a > l + EPS {
            return None;
        }
        let b = a.max(e);
        sc.a[k] = a;
        sc.b[k] = b;
        wait += b - a;
        f0 = f0.min(wait + (l - b).max(0.0));
        if k < last {
            load += data.q[node];
            if load > v.cap {
                return None;
            }
            if data.is_pickup[node] {
                sc.pos[node] = k;
            }
        }
    }
    // Steps 3-5: delay the departure as much as possible without pushing the
    // end of the route.
    let delay = f0.min(wait).max(0.0);
    if delay > 0.0 {
        sc.b[0] += delay;
        sc.a[0] = sc.b[0];
        push_forward(data, v, nodes, sc, 0);
    }
    let departure = sc.b[0];
    let end = sc.b[last];
    if end - departure > v.max_dur + EPS {
        return None;
    }
    // Step 6: ride times.
    let rides_ok = |sc: &Scratch| {
        (1..last).all(|k| {
            let node = nodes[k];
            if data.is_pickup[node] {
                return true;
            }
            let req = &data.requests[data.req_of[node]];
            let kp = sc.pos[req.p];
            sc.b[k] - sc.b[kp] - data.s[req.p] <= req.max_ride + EPS
        })
    };
    if rides_ok(sc) {
        return Some((departure, end));
    }
    // Step 7: delay each pickup by min(F_j, downstream waiting). `rest` is
    // the waiting after position j; a delay is absorbed by it exactly.
    let mut rest: f64 = (2..n).map(|m| sc.b[m] - sc.a[m]).sum();
    for j in 1..last {
        if j > 1 {
            rest -= sc.b[j] - sc.a[j];
        }
        if !data.is_pickup[nodes[j]] || rest <= 0.0 {
            continue;
        }
        let mut fj = f64::INFINITY;
        let mut waiting = 0.0;
        for m in j..n {
            if m > j {
                waiting += sc.b[m] - sc.a[m];
                if waiting >= fj {
                    break; // later terms are at least `waiting`
                }
            }
            let node = nodes[m];
            let mut slack = if m == last { v.l_end } else { data.l[node] } - sc.b[m];
            if m < last && !data.is_pickup[node] {
                let req = &data.requests[data.req_of[node]];
                let kp = sc.pos[req.p];
                if kp < j {
                    slack = slack.min(req.max_ride - (sc.b[m] - sc.b[kp] - data.s[req.p]));
                }
            }
            fj = fj.min(waiting + slack.max(0.0));
        }
        let delay = fj.min(rest);
        if delay > 0.0 {
            sc.b[j] += delay;
            push_forward(data, v, nodes, sc, j);
            rest -= delay;
        }
    }
    if rides_ok(sc) {
        Some((departure, end))
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// Routes.

#[derive(Debug, Clone)]
struct Route {
    vehicle: usize,
    /// `[start depot, visits..., end depot]`.
    nodes: Vec<usize>,
    arc_cost: f64,
    duration: f64,
    /// Earliest start of service on tightened windows.
    earliest: Vec<f64>,
    /// Latest start of service keeping every later tightened window.
    latest: Vec<f64>,
    /// Load after each position.
    load: Vec<i32>,
    /// Time from departure to arrival at each position without waiting.
    cum: Vec<f64>,
    /// Per arc (k, k+1): smallest ride-time slack (max ride − ride lower
    /// bound) of the passengers on board.
    ride_slack: Vec<f64>,
}

impl Route {
    fn empty(data: &Data, vehicle: usize, sc: &mut Scratch) -> Route {
        let v = &data.vehicles[vehicle];
        let mut r = Route {
            vehicle,
            nodes: vec![v.start, v.end],
            arc_cost: 0.0,
            duration: 0.0,
            earliest: Vec::new(),
            latest: Vec::new(),
            load: Vec::new(),
            cum: Vec::new(),
            ride_slack: Vec::new(),
        };
        r.refresh(data, sc);
        r
    }

    fn is_empty(&self) -> bool {
        self.nodes.len() <= 2
    }

    /// Objective contribution of the route.
    fn cost(&self, data: &Data) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        let v = &data.vehicles[self.vehicle];
        self.arc_cost + v.fixed + v.per_min * self.duration
    }

    /// Recomputes costs and insertion caches after a change of `nodes`.
    fn refresh(&mut self, data: &Data, sc: &mut Scratch) {
        let v = &data.vehicles[self.vehicle];
        let nodes = &self.nodes;
        let n = nodes.len();
        self.arc_cost = nodes.windows(2).map(|w| data.c(w[0], w[1])).sum();
        self.earliest.clear();
        self.latest.clear();
        self.load.clear();
        self.cum.clear();
        self.ride_slack.clear();
        self.earliest.push(v.e_start);
        self.load.push(0);
        self.cum.push(0.0);
        for k in 1..n {
            let step = data.s_at(nodes, k - 1) + data.t(nodes[k - 1], nodes[k]);
            let e = if k == n - 1 {
                v.e_end
            } else {
                data.et[nodes[k]]
            };
            self.earliest.push((self.earliest[k - 1] + step).max(e));
            self.cum.push(self.cum[k - 1] + step);
            let dq = if k == n - 1 { 0 } else { data.q[nodes[k]] };
            self.load.push(self.load[k - 1] + dq);
        }
        self.latest.resize(n, 0.0);
        self.latest[n - 1] = v.l_end;
        for k in (0..n - 1).rev() {
            let l = if k == 0 { v.l_start } else { data.lt[nodes[k]] };
            let step = data.s_at(nodes, k) + data.t(nodes[k], nodes[k + 1]);
            self.latest[k] = l.min(self.latest[k + 1] - step);
        }
        self.ride_slack.resize(n - 1, f64::INFINITY);
        for k in 1..n - 1 {
            let node = nodes[k];
            if data.is_pickup[node] {
                sc.pos[node] = k;
            } else {
                let req = &data.requests[data.req_of[node]];
                let kp = sc.pos[req.p];
                let slack = req.max_ride - (self.cum[k] - self.cum[kp] - data.s[req.p]);
                for a in kp..k {
                    self.ride_slack[a] = self.ride_slack[a].min(slack);
                }
            }
        }
        self.duration = if self.is_empty() {
            0.0
        } else if v.per_min > 0.0 {
            match evaluate(data, v, &self.nodes, sc) {
                Some((dep, end)) => end - dep,
                // Removing requests keeps a route feasible; if the heuristic
                // schedule misses it, the old duration remains an upper bound.
                None => self.duration,
            }
        } else {
            self.cum[n - 1]
        };
    }

    /// The route's schedule (departure, service starts, arrival), if the
    /// eight-step evaluation finds one.
    fn schedule(&self, data: &Data, sc: &mut Scratch) -> Option<Schedule> {
        let v = &data.vehicles[self.vehicle];
        let (dep, end) = evaluate(data, v, &self.nodes, sc)?;
        Some(Schedule {
            departure_min: dep,
            service_start_min: sc.b[1..self.nodes.len() - 1].to_vec(),
            arrival_min: end,
        })
    }
}

/// Best feasible insertion of a request into a route.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Insertion {
    /// Objective increase.
    delta: f64,
    /// Pickup goes after position `i`, delivery after position `j >= i`
    /// (positions of the route before insertion).
    i: usize,
    j: usize,
}

fn build_sequence(route: &Route, p: usize, d: usize, c: Candidate, out: &mut Vec<usize>) {
    out.clear();
    for (k, &node) in route.nodes.iter().enumerate() {
        out.push(node);
        if k == c.i {
            out.push(p);
        }
        if k == c.j {
            out.push(d);
        }
    }
}

/// Cheapest feasible insertion of request `r` into `route`; with `blink >
/// 0`, each position is skipped with that probability (SISR "blinks").
fn best_insertion(
    data: &Data,
    route: &Route,
    r: usize,
    sc: &mut Scratch,
    blink: f64,
    rng: &mut Rng,
) -> Option<Insertion> {
    let req = &data.requests[r];
    let v = &data.vehicles[route.vehicle];
    if req.load > v.cap {
        return None;
    }
    let (p, d, q, lmax) = (req.p, req.d, req.load, req.max_ride);
    let nodes = &route.nodes;
    let last = nodes.len() - 1;
    let dur0 = route.cum[last];
    let max_dur = v.max_dur + EPS;
    sc.cands.clear();
    for i in 0..last {
        let ni = nodes[i];
        let ni1 = nodes[i + 1];
        if route.earliest[i] > data.lt[p] + EPS {
            break;
        }
        if route.load[i] + q > v.cap {
            continue;
        }
        let bp = (route.earliest[i] + data.s_at(nodes, i) + data.t(ni, p)).max(data.et[p]);
        if bp > data.lt[p] + EPS {
            continue;
        }
        let t_i = data.t(ni, ni1);
        let c_i = data.c(ni, ni1);
        // Delivery right after the pickup.
        let bd = (bp + data.s[p] + data.t(p, d)).max(data.et[d]);
        if bd <= data.lt[d] + EPS && bd + data.s[d] + data.t(d, ni1) <= route.latest[i + 1] + EPS {
            let det = data.t(ni, p) + data.s[p] + data.t(p, d) + data.s[d] + data.t(d, ni1) - t_i;
            if det <= route.ride_slack[i] + EPS && dur0 + det <= max_dur {
                let dc = data.c(ni, p) + data.c(p, d) + data.c(d, ni1) - c_i;
                sc.cands.push((dc, Candidate { i, j: i }));
            }
        }
        let dp_time = data.t(ni, p) + data.s[p] + data.t(p, ni1) - t_i;
        if dp_time > route.ride_slack[i] + EPS || dur0 + dp_time > max_dur || i + 1 == last {
            continue;
        }
        let dp_cost = data.c(ni, p) + data.c(p, ni1) - c_i;
        let mut b = (bp + data.s[p] + data.t(p, ni1)).max(data.et[ni1]);
        let mut path = data.t(p, ni1);
        for j in i + 1..last {
            let nj = nodes[j];
            if j > i + 1 {
                let prev = nodes[j - 1];
                let step = data.s[prev] + data.t(prev, nj);
                b = (b + step).max(data.et[nj]);
                path += step;
            }
            if b > route.latest[j] + EPS
                || route.load[j] + q > v.cap
                || path > lmax + EPS
                || b > data.lt[d] + EPS
            {
                break;
            }
            let nj1 = nodes[j + 1];
            let to_d = data.s[nj] + data.t(nj, d);
            let bd = (b + to_d).max(data.et[d]);
            if bd > data.lt[d] + EPS
                || path + to_d > lmax + EPS
                || bd + data.s[d] + data.t(d, nj1) > route.latest[j + 1] + EPS
            {
                continue;
            }
            let t_j = data.t(nj, nj1);
            let dd_time = data.t(nj, d) + data.s[d] + data.t(d, nj1) - t_j;
            if dd_time > route.ride_slack[j] + EPS || dur0 + dp_time + dd_time > max_dur {
                continue;
            }
            let dc = dp_cost + data.c(nj, d) + data.c(d, nj1) - data.c(nj, nj1);
            sc.cands.push((dc, Candidate { i, j }));
        }
    }
    if sc.cands.is_empty() {
        return None;
    }
    sc.cands.sort_unstable_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(a.1.i.cmp(&b.1.i))
            .then(a.1.j.cmp(&b.1.j))
    });
    let fixed = if route.is_empty() { v.fixed } else { 0.0 };
    let old_dur = if route.is_empty() {
        0.0
    } else {
        route.duration
    };
    let mut best: Option<Insertion> = None;
    let mut feasible_seen = 0;
    let cands = std::mem::take(&mut sc.cands);
    let mut seq = std::mem::take(&mut sc.seq);
    for &(dc, c) in &cands {
        if let Some(b) = best {
            // Without duration costs the first feasible candidate is the
            // cheapest; with them, compare a few feasible ones.
            if v.per_min == 0.0 || feasible_seen >= 4 || dc + fixed >= b.delta {
                break;
            }
        }
        if blink > 0.0 && rng.unit() < blink {
            continue;
        }
        build_sequence(route, p, d, c, &mut seq);
        if let Some((dep, end)) = evaluate(data, v, &seq, sc) {
            feasible_seen += 1;
            let delta = dc + fixed + v.per_min * ((end - dep) - old_dur);
            if best.is_none_or(|b| delta < b.delta) {
                best = Some(Insertion {
                    delta,
                    i: c.i,
                    j: c.j,
                });
            }
        }
    }
    sc.cands = cands;
    sc.seq = seq;
    best
}

// ---------------------------------------------------------------------------
// Solutions under search.

#[derive(Debug, Clone)]
struct State {
    /// One route per vehicle (empty routes included).
    routes: Vec<Route>,
    /// Servable requests currently not in a route, sorted.
    unassigned: Vec<usize>,
    cost: f64,
}

impl State {
    fn empty(data: &Data, sc: &mut Scratch) -> State {
        let routes = (0..data.vehicles.len())
            .map(|v| Route::empty(data, v, sc))
            .collect();
        let unassigned = (0..data.requests.len())
            .filter(|&r| data.hopeless[r].is_none())
            .collect();
        let mut s = State {
            routes,
            unassigned,
            cost: 0.0,
        };
        s.recompute_cost(data);
        s
    }

    fn recompute_cost(&mut self, data: &Data) {
        let routes: f64 = self.routes.iter().map(|r| r.cost(data)).sum();
        let pen: f64 = self
            .unassigned
            .iter()
            .map(|&r| data.requests[r].penalty)
            .sum::<f64>()
            + data
                .hopeless
                .iter()
                .enumerate()
                .filter(|(_, h)| h.is_some())
                .map(|(r, _)| data.requests[r].penalty)
                .sum::<f64>();
        self.cost = routes + pen;
    }

    /// Routes considered for insertion: every non-empty route plus the
    /// first empty route of each vehicle class.
    fn candidate_routes(&self, data: &Data) -> Vec<usize> {
        let mut seen_class = vec![false; data.classes.len()];
        let mut out = Vec::new();
        for (k, r) in self.routes.iter().enumerate() {
            if r.is_empty() {
                let c = data.vehicles[r.vehicle].class;
                if seen_class[c] {
                    continue;
                }
                seen_class[c] = true;
            }
            out.push(k);
        }
        out
    }

    /// Removes the given requests from their routes.
    fn remove(&mut self, data: &Data, requests: &[usize], sc: &mut Scratch) {
        if requests.is_empty() {
            return;
        }
        let mut gone = vec![false; data.e.len()];
        for &r in requests {
            gone[data.requests[r].p] = true;
            gone[data.requests[r].d] = true;
        }
        for route in &mut self.routes {
            let before = route.nodes.len();
            route.nodes.retain(|&n| !gone[n]);
            if route.nodes.len() != before {
                route.refresh(data, sc);
            }
        }
        self.unassigned.extend_from_slice(requests);
        self.unassigned.sort_unstable();
        self.unassigned.dedup();
    }

    /// Inserts request `r` into route `k` at `ins` and refreshes the route.
    fn insert(&mut self, data: &Data, r: usize, k: usize, ins: Insertion, sc: &mut Scratch) {
        let req = &data.requests[r];
        let mut seq = std::mem::take(&mut sc.seq);
        build_sequence(
            &self.routes[k],
            req.p,
            req.d,
            Candidate { i: ins.i, j: ins.j },
            &mut seq,
        );
        std::mem::swap(&mut self.routes[k].nodes, &mut seq);
        sc.seq = seq;
        self.routes[k].refresh(data, sc);
    }

    /// (route, position) of every request's pickup and delivery.
    fn positions(&self, data: &Data) -> Vec<Option<(usize, usize, usize)>> {
        let mut out = vec![None; data.requests.len()];
        let mut pos_p = vec![0; data.requests.len()];
        for (k, route) in self.routes.iter().enumerate() {
            for (x, &n) in route.nodes.iter().enumerate() {
                let r = data.req_of[n];
                if r == NONE {
                    continue;
                }
                if data.is_pickup[n] {
                    pos_p[r] = x;
                } else {
                    out[r] = Some((k, pos_p[r], x));
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Repair: greedy / regret-k insertion with optional noise.

/// Selection key of a request in regret insertion.
#[derive(Debug, Clone, Copy)]
struct Pick {
    /// Index in the list of requests to insert.
    index: usize,
    /// Cheapest route.
    route: usize,
    /// How many of the k best routes are missing (no feasible insertion).
    missing: usize,
    /// Σ over the 2nd..k-th best routes of (cost − best cost).
    regret: f64,
    /// Cheapest insertion cost (with noise).
    cost: f64,
}

impl Pick {
    /// Whether `self` goes before `other`. Greedy: cheaper first. Regret:
    /// fewer feasible routes first, then larger regret, then cheaper.
    fn beats(&self, other: &Pick, greedy: bool) -> bool {
        if greedy {
            return self.cost < other.cost;
        }
        self.missing > other.missing
            || (self.missing == other.missing
                && (self.regret > other.regret
                    || (self.regret == other.regret && self.cost < other.cost)))
    }
}

/// Greedy (`regret_k` = 1) or regret-k insertion of all unassigned requests,
/// with optional noise on the insertion costs (relative to the largest arc
/// cost). Requests that fit nowhere stay unassigned.
fn repair(
    data: &Data,
    state: &mut State,
    regret_k: usize,
    noise: f64,
    rng: &mut Rng,
    sc: &mut Scratch,
    deadline: Option<Instant>,
) {
    let nroutes = state.routes.len();
    let mut todo = std::mem::take(&mut state.unassigned);
    let mut cands = state.candidate_routes(data);
    let mut table: Vec<Vec<Option<Insertion>>> = todo
        .iter()
        .map(|&r| {
            let mut row = vec![None; nroutes];
            for &k in &cands {
                row[k] = best_insertion(data, &state.routes[k], r, sc, 0.0, rng);
            }
            row
        })
        .collect();
    let noise_amp = noise * data.max_arc_cost;
    let mut options: Vec<(f64, usize)> = Vec::new();
    // Past the deadline (construction only) the requests left stay unassigned.
    while !todo.is_empty() && deadline.is_none_or(|d| Instant::now() < d) {
        // Pick the request with the largest regret (greedy: cheapest).
        let mut chosen: Option<Pick> = None;
        for (ui, row) in table.iter().enumerate() {
            options.clear();
            for &k in &cands {
                if let Some(ins) = row[k] {
                    let mut c = ins.delta;
                    if noise_amp > 0.0 {
                        c = (c + noise_amp * (2.0 * rng.unit() - 1.0)).max(0.0);
                    }
                    options.push((c, k));
                }
            }
            if options.is_empty() {
                continue;
            }
            options.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let (cost, route) = options[0];
            let pick = Pick {
                index: ui,
                route,
                missing: regret_k.saturating_sub(options.len()),
                regret: options
                    .iter()
                    .take(regret_k)
                    .skip(1)
                    .map(|o| o.0 - cost)
                    .sum(),
                cost,
            };
            if chosen.is_none_or(|c| pick.beats(&c, regret_k <= 1)) {
                chosen = Some(pick);
            }
        }
        let Some(Pick {
            index: ui,
            route: k,
            ..
        }) = chosen
        else {
            break;
        };
        let r = todo[ui];
        let Some(ins) = table[ui][k] else { break };
        let was_empty = state.routes[k].is_empty();
        state.insert(data, r, k, ins, sc);
        todo.swap_remove(ui);
        table.swap_remove(ui);
        let mut changed = vec![k];
        if was_empty {
            let new_cands = state.candidate_routes(data);
            changed.extend(new_cands.iter().filter(|c| !cands.contains(c)));
            cands = new_cands;
        }
        for (ui, row) in table.iter_mut().enumerate() {
            for (x, &c) in changed.iter().enumerate() {
                // With metric travel times a request that did not fit into
                // route k cannot fit after another insertion into k (removing
                // that request again would give a feasible insertion).
                if x == 0 && data.metric && row[c].is_none() {
                    continue;
                }
                row[c] = best_insertion(data, &state.routes[c], todo[ui], sc, 0.0, rng);
            }
        }
    }
    todo.sort_unstable();
    state.unassigned = todo;
    state.recompute_cost(data);
}

/// Sequential greedy insertion with blinks (Christiaens & Vanden Berghe
/// 2020): requests in a random one of four orders, each into its cheapest
/// route, positions skipped with probability `blink`.
fn repair_blinks(data: &Data, state: &mut State, blink: f64, rng: &mut Rng, sc: &mut Scratch) {
    let mut todo = std::mem::take(&mut state.unassigned);
    // Shuffle first so that ties in the sort keys are broken randomly.
    for k in (1..todo.len()).rev() {
        let x = rng.below(k + 1);
        todo.swap(k, x);
    }
    let key = |r: usize, order: usize| -> f64 {
        let req = &data.requests[r];
        match order {
            1 => data.et[req.p],
            2 => -(data.t(data.vehicles[0].start, req.p) + data.t(req.d, data.vehicles[0].end)),
            _ => (data.lt[req.p] - data.et[req.p]) + (data.lt[req.d] - data.et[req.d]),
        }
    };
    let order = rng.below(4);
    if order > 0 && !data.vehicles.is_empty() {
        todo.sort_by(|&a, &b| key(a, order).total_cmp(&key(b, order)));
    }
    let mut left = Vec::new();
    for r in todo {
        let mut best: Option<(Insertion, usize)> = None;
        for k in state.candidate_routes(data) {
            if let Some(ins) = best_insertion(data, &state.routes[k], r, sc, blink, rng)
                && best.is_none_or(|(b, _)| ins.delta < b.delta)
            {
                best = Some((ins, k));
            }
        }
        match best {
            Some((ins, k)) => state.insert(data, r, k, ins, sc),
            None => left.push(r),
        }
    }
    left.sort_unstable();
    state.unassigned = left;
    state.recompute_cost(data);
}

// ---------------------------------------------------------------------------
// Destroy operators.

const DESTROY_OPS: usize = 6;
const REPAIR_OPS: usize = 7;

fn destroy(data: &Data, state: &mut State, op: usize, q: usize, rng: &mut Rng, sc: &mut Scratch) {
    if op == 5 {
        // Split: move the tail of a route (after a point where the vehicle is
        // empty) to an unused vehicle, then remove related requests. Lets
        // the search open vehicles that single insertions would not pay for.
        split_route(data, state, rng, sc);
        return destroy(data, state, 2, q, rng, sc);
    }
    let pos = state.positions(data);
    let served: Vec<usize> = (0..data.requests.len())
        .filter(|&r| pos[r].is_some())
        .collect();
    if served.is_empty() {
        return;
    }
    let q = q.min(served.len());
    let chosen: Vec<usize> = match op {
        0 => {
            // Random removal.
            let mut pool = served.clone();
            (0..q)
                .map(|_| {
                    let x = rng.below(pool.len());
                    pool.swap_remove(x)
                })
                .collect()
        }
        1 => {
            // Worst removal: largest saving first, randomised (p = 3).
            let mut gains: Vec<(f64, usize)> = served
                .iter()
                .map(|&r| {
                    let (k, ip, id) = pos[r].unwrap_or((0, 0, 0));
                    (removal_gain(data, &state.routes[k].nodes, ip, id), r)
                })
                .collect();
            gains.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            (0..q)
                .map(|_| {
                    let x = (rng.unit().powi(3) * gains.len() as f64) as usize;
                    gains.remove(x.min(gains.len() - 1)).1
                })
                .collect()
        }
        2 => {
            // Related (Shaw) removal (p = 6).
            let time_of = |r: usize| {
                pos[r].map_or((0.0, 0.0), |(k, ip, id)| {
                    (state.routes[k].earliest[ip], state.routes[k].earliest[id])
                })
            };
            let mut pool = served.clone();
            let first = pool.swap_remove(rng.below(pool.len()));
            let mut out = vec![first];
            while out.len() < q && !pool.is_empty() {
                let seed = out[rng.below(out.len())];
                let (a, sa) = (&data.requests[seed], time_of(seed));
                let mut scored: Vec<(f64, usize)> = pool
                    .iter()
                    .map(|&r| {
                        let b = &data.requests[r];
                        let sb = time_of(r);
                        let dist = (data.t(a.p, b.p) + data.t(a.d, b.d)) / data.max_travel;
                        let time = ((sa.0 - sb.0).abs() + (sa.1 - sb.1).abs()) / data.horizon;
                        (9.0 * dist + 3.0 * time, r)
                    })
                    .collect();
                scored.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                let x = (rng.unit().powi(6) * scored.len() as f64) as usize;
                let r = scored[x.min(scored.len() - 1)].1;
                pool.retain(|&y| y != r);
                out.push(r);
            }
            out
        }
        4 => string_removal(data, state, &pos, q, rng),
        _ => {
            // Route removal: empty random routes (shorter ones more likely),
            // topped up with random requests.
            let mut out = Vec::new();
            let nonempty: Vec<usize> = (0..state.routes.len())
                .filter(|&k| !state.routes[k].is_empty())
                .collect();
            let k = nonempty[rng.below(nonempty.len())];
            let k2 = nonempty[rng.below(nonempty.len())];
            let k = if state.routes[k2].nodes.len() < state.routes[k].nodes.len() {
                k2
            } else {
                k
            };
            for &n in &state.routes[k].nodes {
                if data.is_pickup[n] {
                    out.push(data.req_of[n]);
                }
            }
            let mut pool: Vec<usize> = served
                .iter()
                .copied()
                .filter(|r| !out.contains(r))
                .collect();
            while out.len() < q && !pool.is_empty() {
                let x = rng.below(pool.len());
                out.push(pool.swap_remove(x));
            }
            out
        }
    };
    state.remove(data, &chosen, sc);
}

/// Moves the tail of a random route after a random empty-vehicle point to
/// the first unused vehicle of the same class, if any.
fn split_route(data: &Data, state: &mut State, rng: &mut Rng, sc: &mut Scratch) {
    let busy: Vec<usize> = (0..state.routes.len())
        .filter(|&k| state.routes[k].nodes.len() > 4)
        .collect();
    if busy.is_empty() {
        return;
    }
    let k = busy[rng.below(busy.len())];
    let class = data.vehicles[state.routes[k].vehicle].class;
    let Some(e) = (0..state.routes.len()).find(|&x| {
        state.routes[x].is_empty() && data.vehicles[state.routes[x].vehicle].class == class
    }) else {
        return;
    };
    let last = state.routes[k].nodes.len() - 1;
    let cuts: Vec<usize> = (1..last - 1)
        .filter(|&i| state.routes[k].load[i] == 0)
        .collect();
    if cuts.is_empty() {
        return;
    }
    let i = cuts[rng.below(cuts.len())];
    let tail: Vec<usize> = state.routes[k].nodes[i + 1..last].to_vec();
    state.routes[k].nodes.drain(i + 1..last);
    let end = state.routes[e].nodes[1];
    state.routes[e].nodes.truncate(1);
    state.routes[e].nodes.extend_from_slice(&tail);
    state.routes[e].nodes.push(end);
    state.routes[k].refresh(data, sc);
    state.routes[e].refresh(data, sc);
}

/// String removal adapted from SISR (Christiaens & Vanden Berghe 2020):
/// around a random seed request, cut a random-length string of consecutive
/// stops out of the routes of its nearest neighbours (one string per route)
/// and remove every request with a stop in a string.
fn string_removal(
    data: &Data,
    state: &State,
    pos: &[Option<(usize, usize, usize)>],
    q: usize,
    rng: &mut Rng,
) -> Vec<usize> {
    let served: Vec<usize> = (0..pos.len()).filter(|&r| pos[r].is_some()).collect();
    let seed = served[rng.below(served.len())];
    let mut out: Vec<usize> = Vec::new();
    let mut ruined = vec![false; state.routes.len()];
    let mut taken = vec![false; pos.len()];
    for &r in std::iter::once(&seed).chain(data.neighbours[seed].iter()) {
        if out.len() >= q {
            break;
        }
        let Some((k, ip, id)) = pos[r] else { continue };
        if ruined[k] {
            continue;
        }
        ruined[k] = true;
        let nodes = &state.routes[k].nodes;
        let stops = nodes.len() - 2;
        let max_len = stops.min(2 * (q - out.len())).max(1);
        let len = rng.range(1, max_len);
        let anchor = if rng.below(2) == 0 { ip } else { id };
        // String [from, from + len) of stop positions (1-based) containing the anchor.
        let lo = anchor.saturating_sub(len - 1).max(1);
        let hi = anchor.min(stops + 1 - len);
        let from = if hi > lo { rng.range(lo, hi) } else { lo };
        for &n in &nodes[from..(from + len).min(stops + 1)] {
            let x = data.req_of[n];
            if x != NONE && !taken[x] {
                taken[x] = true;
                out.push(x);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Local search: relocate, exchange and 2-opt*, first improvement.

/// Objective of a route visiting `nodes` with vehicle `vehicle`, if feasible.
fn route_cost_of(data: &Data, vehicle: usize, nodes: &[usize], sc: &mut Scratch) -> Option<f64> {
    if nodes.len() <= 2 {
        return Some(0.0);
    }
    let v = &data.vehicles[vehicle];
    let (dep, end) = evaluate(data, v, nodes, sc)?;
    let arc: f64 = nodes.windows(2).map(|w| data.c(w[0], w[1])).sum();
    Some(arc + v.fixed + v.per_min * (end - dep))
}

/// Route holding request `r` and the positions of its pickup and delivery.
fn locate(data: &Data, state: &State, r: usize) -> Option<(usize, usize, usize)> {
    let req = &data.requests[r];
    for (k, route) in state.routes.iter().enumerate() {
        if let Some(ip) = route.nodes.iter().position(|&n| n == req.p) {
            let id = route.nodes.iter().position(|&n| n == req.d)?;
            return Some((k, ip, id));
        }
    }
    None
}

/// Copy of `route` without request `r` (at positions `ip < id`).
fn without(data: &Data, route: &Route, ip: usize, id: usize, out: &mut Route, sc: &mut Scratch) {
    out.vehicle = route.vehicle;
    out.duration = route.duration;
    out.nodes.clear();
    out.nodes.extend(
        route
            .nodes
            .iter()
            .enumerate()
            .filter(|&(x, _)| x != ip && x != id)
            .map(|(_, &n)| n),
    );
    out.refresh(data, sc);
}

/// Bookkeeping that lets the local search skip moves whose routes have not
/// changed since they were last examined. Every route change stamps the
/// route with a fresh version.
struct LsMemo {
    clock: u64,
    version: Vec<u64>,
    /// Relocate: version of the request's own route when last examined.
    own: Vec<u64>,
    /// Relocate: best insertion of request r into route c, with the route
    /// version it was computed for (`r * routes + c`).
    ins: Vec<(u64, Option<Insertion>)>,
    /// Exchange: versions of both routes when the pair was last examined
    /// (`a * EXCHANGE_NEIGHBOURS + x`).
    pair: Vec<(u64, u64)>,
    /// 2-opt*: versions of both routes when last examined (`ka * routes + kb`).
    tails: Vec<(u64, u64)>,
}

/// Neighbours of a request considered by the exchange move.
const EXCHANGE_NEIGHBOURS: usize = 8;
const NEVER: u64 = u64::MAX;

impl LsMemo {
    fn new(requests: usize, routes: usize) -> Self {
        LsMemo {
            clock: 0,
            version: vec![0; routes],
            own: vec![NEVER; requests],
            ins: vec![(NEVER, None); requests * routes],
            pair: vec![(NEVER, NEVER); requests * EXCHANGE_NEIGHBOURS],
            tails: vec![(NEVER, NEVER); routes * routes],
        }
    }

    fn touch(&mut self, k: usize) {
        self.clock += 1;
        self.version[k] = self.clock;
    }
}

/// Moves single requests to their cheapest feasible position anywhere.
fn relocate(
    data: &Data,
    state: &mut State,
    memo: &mut LsMemo,
    reduced: &mut Route,
    sc: &mut Scratch,
    rng: &mut Rng,
) -> bool {
    let mut improved = false;
    let nroutes = state.routes.len();
    for r in 0..data.requests.len() {
        let Some((k, ip, id)) = locate(data, state, r) else {
            continue;
        };
        let cands = state.candidate_routes(data);
        let stale = memo.own[r] != memo.version[k]
            || cands
                .iter()
                .any(|&c| c != k && memo.ins[r * nroutes + c].0 != memo.version[c]);
        if !stale {
            continue; // nothing changed since r was last found unmovable
        }
        memo.own[r] = memo.version[k];
        without(data, &state.routes[k], ip, id, reduced, sc);
        let gain = state.routes[k].cost(data) - reduced.cost(data);
        let mut best: Option<(Insertion, usize)> =
            best_insertion(data, reduced, r, sc, 0.0, rng).map(|ins| (ins, k));
        for c in cands {
            if c == k {
                continue;
            }
            let slot = r * nroutes + c;
            if memo.ins[slot].0 != memo.version[c] {
                let ins = best_insertion(data, &state.routes[c], r, sc, 0.0, rng);
                memo.ins[slot] = (memo.version[c], ins);
            }
            if let Some(ins) = memo.ins[slot].1
                && best.is_none_or(|(b, _)| ins.delta < b.delta)
            {
                best = Some((ins, c));
            }
        }
        if let Some((ins, c)) = best
            && ins.delta < gain - 1e-6
        {
            std::mem::swap(&mut state.routes[k], reduced);
            state.insert(data, r, c, ins, sc);
            memo.touch(k);
            memo.touch(c);
            improved = true;
        }
    }
    improved
}

/// Swaps two related requests between their routes, each inserted at its
/// cheapest position in the other route.
fn exchange(
    data: &Data,
    state: &mut State,
    memo: &mut LsMemo,
    spare: &mut [Route; 2],
    sc: &mut Scratch,
    rng: &mut Rng,
) -> bool {
    let mut improved = false;
    for a in 0..data.requests.len() {
        for (x, &b) in data.neighbours[a]
            .iter()
            .take(EXCHANGE_NEIGHBOURS)
            .enumerate()
        {
            let (Some((ka, ia, ja)), Some((kb, ib, jb))) =
                (locate(data, state, a), locate(data, state, b))
            else {
                continue;
            };
            let stamp = (memo.version[ka], memo.version[kb]);
            let slot = a * EXCHANGE_NEIGHBOURS + x;
            if ka == kb || memo.pair[slot] == stamp {
                continue;
            }
            memo.pair[slot] = stamp;
            let [ra, rb] = spare;
            without(data, &state.routes[ka], ia, ja, ra, sc);
            without(data, &state.routes[kb], ib, jb, rb, sc);
            let old = state.routes[ka].cost(data) + state.routes[kb].cost(data);
            let base = ra.cost(data) + rb.cost(data);
            if base >= old - 1e-6 {
                // Removing both saves nothing: no exchange can improve.
                continue;
            }
            let Some(ins_b) = best_insertion(data, ra, b, sc, 0.0, rng) else {
                continue;
            };
            if base + ins_b.delta >= old - 1e-6 {
                continue;
            }
            let Some(ins_a) = best_insertion(data, rb, a, sc, 0.0, rng) else {
                continue;
            };
            if base + ins_b.delta + ins_a.delta < old - 1e-6 {
                std::mem::swap(&mut state.routes[ka], ra);
                std::mem::swap(&mut state.routes[kb], rb);
                state.insert(data, b, ka, ins_b, sc);
                state.insert(data, a, kb, ins_a, sc);
                memo.touch(ka);
                memo.touch(kb);
                improved = true;
            }
        }
    }
    improved
}

/// 2-opt*: exchanges the tails of two routes at points where both vehicles
/// are empty (so no request is split).
fn two_opt_star(data: &Data, state: &mut State, memo: &mut LsMemo, sc: &mut Scratch) -> bool {
    let mut improved = false;
    let nroutes = state.routes.len();
    let mut na = Vec::new();
    let mut nb = Vec::new();
    for ka in 0..nroutes {
        for kb in ka + 1..nroutes {
            let stamp = (memo.version[ka], memo.version[kb]);
            if (state.routes[ka].is_empty() && state.routes[kb].is_empty())
                || memo.tails[ka * nroutes + kb] == stamp
            {
                continue;
            }
            memo.tails[ka * nroutes + kb] = stamp;
            let old = state.routes[ka].cost(data) + state.routes[kb].cost(data);
            let (la, lb) = (
                state.routes[ka].nodes.len() - 1,
                state.routes[kb].nodes.len() - 1,
            );
            let (va, vb) = (state.routes[ka].vehicle, state.routes[kb].vehicle);
            let arc_only = data.vehicles[va].per_min == 0.0
                && data.vehicles[vb].per_min == 0.0
                && data.vehicles[va].fixed == data.vehicles[vb].fixed
                && data.vehicles[va].start == data.vehicles[vb].start
                && data.vehicles[va].end == data.vehicles[vb].end;
            'cuts: for i in 0..la {
                if state.routes[ka].load[i] != 0 {
                    continue;
                }
                for j in 0..lb {
                    if state.routes[kb].load[j] != 0 || (i == la - 1 && j == lb - 1) {
                        continue;
                    }
                    let (a, b) = (&state.routes[ka].nodes, &state.routes[kb].nodes);
                    if arc_only {
                        // Same depots and costs: only the two new arcs matter.
                        let delta = data.c(a[i], b[j + 1]) + data.c(b[j], a[i + 1])
                            - data.c(a[i], a[i + 1])
                            - data.c(b[j], b[j + 1]);
                        if delta >= -1e-6 {
                            continue;
                        }
                    }
                    na.clear();
                    na.extend_from_slice(&a[..=i]);
                    na.extend_from_slice(&b[j + 1..lb]);
                    na.push(a[la]);
                    nb.clear();
                    nb.extend_from_slice(&b[..=j]);
                    nb.extend_from_slice(&a[i + 1..la]);
                    nb.push(b[lb]);
                    let Some(ca) = route_cost_of(data, va, &na, sc) else {
                        continue;
                    };
                    let Some(cb) = route_cost_of(data, vb, &nb, sc) else {
                        continue;
                    };
                    if ca + cb < old - 1e-6 {
                        std::mem::swap(&mut state.routes[ka].nodes, &mut na);
                        std::mem::swap(&mut state.routes[kb].nodes, &mut nb);
                        state.routes[ka].refresh(data, sc);
                        state.routes[kb].refresh(data, sc);
                        memo.touch(ka);
                        memo.touch(kb);
                        improved = true;
                        break 'cuts;
                    }
                }
            }
        }
    }
    improved
}

/// Applies relocate, exchange and 2-opt* until none improves (at most a few
/// rounds, and no new round after the deadline).
fn local_search(
    data: &Data,
    state: &mut State,
    sc: &mut Scratch,
    rng: &mut Rng,
    deadline: Option<Instant>,
) {
    if data.vehicles.is_empty() {
        return;
    }
    let mut spare = [Route::empty(data, 0, sc), Route::empty(data, 0, sc)];
    let mut memo = LsMemo::new(data.requests.len(), state.routes.len());
    for _ in 0..8 {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let a = relocate(data, state, &mut memo, &mut spare[0], sc, rng);
        let b = exchange(data, state, &mut memo, &mut spare, sc, rng);
        let c = two_opt_star(data, state, &mut memo, sc);
        if !(a || b || c) {
            break;
        }
    }
    state.recompute_cost(data);
}

/// Arc-cost saving of removing the pickup at `ip` and delivery at `id`.
fn removal_gain(data: &Data, nodes: &[usize], ip: usize, id: usize) -> f64 {
    let c = |a: usize, b: usize| data.c(nodes[a], nodes[b]);
    if id == ip + 1 {
        c(ip - 1, ip) + c(ip, id) + c(id, id + 1) - c(ip - 1, id + 1)
    } else {
        c(ip - 1, ip) + c(ip, ip + 1) - c(ip - 1, ip + 1) + c(id - 1, id) + c(id, id + 1)
            - c(id - 1, id + 1)
    }
}

// ---------------------------------------------------------------------------
// One search trajectory.

/// Start-temperature multipliers of the workers (cycled).
const HEAT: [f64; 4] = [1.0, 0.5, 2.0, 4.0];

struct Worker {
    rng: Rng,
    current: State,
    best: State,
    sc: Scratch,
    iteration: u64,
    temperature: f64,
    /// Multiplier of the start temperature: workers run at different
    /// temperatures for diversity.
    heat: f64,
    cooling: f64,
    weights: [f64; DESTROY_OPS + REPAIR_OPS],
    scores: [f64; DESTROY_OPS + REPAIR_OPS],
    uses: [u32; DESTROY_OPS + REPAIR_OPS],
}

impl Worker {
    fn new(index: usize, start: &State, data: &Data, cfg: &Config) -> Worker {
        let seed = derive_seed(cfg.seed, index);
        let cooling = cfg
            .end_temperature_factor
            .max(1e-12)
            .powf(1.0 / cfg.cycle_iterations.max(1) as f64);
        let mut w = Worker {
            rng: Rng::new(seed),
            current: start.clone(),
            best: start.clone(),
            sc: Scratch::new(data.e.len()),
            iteration: 0,
            temperature: 0.0,
            heat: HEAT[index % HEAT.len()],
            cooling,
            weights: [1.0; DESTROY_OPS + REPAIR_OPS],
            scores: [0.0; DESTROY_OPS + REPAIR_OPS],
            uses: [0; DESTROY_OPS + REPAIR_OPS],
        };
        w.reheat(data, cfg);
        w
    }

    /// Start temperature: a solution `start_temperature_ratio` worse than the
    /// best (penalties excluded) is accepted with probability 1/2.
    fn reheat(&mut self, data: &Data, cfg: &Config) {
        let routes: f64 = self.best.routes.iter().map(|r| r.cost(data)).sum();
        self.temperature =
            (cfg.start_temperature_ratio * self.heat * routes / std::f64::consts::LN_2).max(1e-9);
    }

    fn roulette(&mut self, lo: usize, hi: usize) -> usize {
        let total: f64 = self.weights[lo..hi].iter().sum();
        let mut x = self.rng.unit() * total;
        for k in lo..hi {
            x -= self.weights[k];
            if x < 0.0 {
                return k;
            }
        }
        hi - 1
    }

    fn run(&mut self, data: &Data, cfg: &Config, iterations: u64, deadline: Option<Instant>) {
        let n = data.requests.len();
        let qmax = ((n as f64 * cfg.max_removal_fraction) as usize)
            .min(cfg.max_removal)
            .max(cfg.min_removal)
            .min(n);
        let qmin = cfg.min_removal.min(qmax).max(1);
        for _ in 0..iterations {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return;
            }
            if n == 0 {
                return;
            }
            self.iteration += 1;
            let d_op = self.roulette(0, DESTROY_OPS);
            let r_op = self.roulette(DESTROY_OPS, DESTROY_OPS + REPAIR_OPS);
            let q = self.rng.range(qmin, qmax);
            let mut cand = self.current.clone();
            destroy(data, &mut cand, d_op, q, &mut self.rng, &mut self.sc);
            let rk = r_op - DESTROY_OPS;
            if rk == 6 {
                repair_blinks(data, &mut cand, 0.01, &mut self.rng, &mut self.sc);
            } else {
                let regret_k = [1, 2, 3][rk % 3];
                let noise = if rk >= 3 { 0.025 } else { 0.0 };
                repair(
                    data,
                    &mut cand,
                    regret_k,
                    noise,
                    &mut self.rng,
                    &mut self.sc,
                    None,
                );
            }

            let score;
            // Intensify: polish candidates close to (or better than) the best,
            // unless the repair merely rebuilt the (already polished) current.
            if cand.cost < self.best.cost * (1.0 + cfg.local_search_window)
                && (cand.cost - self.current.cost).abs() > EPS
            {
                local_search(data, &mut cand, &mut self.sc, &mut self.rng, deadline);
            }
            if cand.cost < self.best.cost - EPS {
                self.best = cand.clone();
                self.current = cand;
                score = 33.0;
            } else if cand.cost < self.current.cost - EPS {
                self.current = cand;
                score = 9.0;
            } else if cand.cost > self.current.cost + EPS
                && self.rng.unit() < (-(cand.cost - self.current.cost) / self.temperature).exp()
            {
                self.current = cand;
                score = 13.0;
            } else {
                score = 0.0;
            }
            for op in [d_op, r_op] {
                self.scores[op] += score;
                self.uses[op] += 1;
            }
            if self.iteration.is_multiple_of(100) {
                for op in 0..DESTROY_OPS + REPAIR_OPS {
                    if self.uses[op] > 0 {
                        self.weights[op] = (0.9 * self.weights[op]
                            + 0.1 * self.scores[op] / f64::from(self.uses[op]))
                        .max(0.05);
                    }
                    self.scores[op] = 0.0;
                    self.uses[op] = 0;
                }
            }
            self.temperature *= self.cooling;
            if self.iteration.is_multiple_of(cfg.cycle_iterations.max(1)) {
                self.current = self.best.clone();
                self.reheat(data, cfg);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Driver.

fn search(problem: &Problem, cfg: &Config, on_epoch: &(dyn Fn(f64) + Sync)) -> Outcome {
    let started = Instant::now();
    let deadline = cfg
        .time_limit_s
        .filter(|t| *t > 0.0)
        .map(|t| started + Duration::from_secs_f64(t));
    let data = Data::new(problem);
    let mut sc = Scratch::new(data.e.len());
    let mut start = State::empty(&data, &mut sc);
    let mut rng = Rng::new(derive_seed(cfg.seed, usize::MAX));
    repair(&data, &mut start, 2, 0.0, &mut rng, &mut sc, deadline);
    let initial_total = start.cost;

    let mut workers: Vec<Worker> = (0..cfg.workers)
        .map(|w| Worker::new(w, &start, &data, cfg))
        .collect();
    let epoch = cfg.epoch_iterations.max(1);
    let mut done: u64 = 0;
    let servable = data.hopeless.iter().filter(|h| h.is_none()).count();
    let mut best = start;
    loop {
        let remaining = cfg
            .max_iterations
            .map_or(epoch, |m| m.saturating_sub(done).min(epoch));
        // Nothing to search when no request can be served at all.
        if servable == 0 || remaining == 0 || deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        workers
            .par_iter_mut()
            .for_each(|w| w.run(&data, cfg, remaining, deadline));
        done += remaining;
        on_epoch(budget_used(cfg, done, started.elapsed().as_secs_f64()));
        // Deterministic synchronisation: lowest cost, then lowest index.
        let (bi, _) = workers
            .iter()
            .enumerate()
            .fold((0, f64::INFINITY), |acc, (i, w)| {
                if w.best.cost < acc.1 - EPS {
                    (i, w.best.cost)
                } else {
                    acc
                }
            });
        if workers[bi].best.cost < best.cost - EPS {
            best = workers[bi].best.clone();
        }
        for w in &mut workers {
            if best.cost < w.best.cost - EPS {
                w.best = best.clone();
            }
        }
    }
    let iterations = workers.iter().map(|w| w.iteration).sum();
    let (solution, objective) = to_solution(&data, &best, &mut sc);
    Outcome {
        solution,
        objective,
        initial_total,
        iterations,
        elapsed_s: started.elapsed().as_secs_f64(),
    }
}

/// Share of the search budget used after `done` iterations per worker and `elapsed_s`.
fn budget_used(cfg: &Config, done: u64, elapsed_s: f64) -> f64 {
    let by_iterations = cfg
        .max_iterations
        .filter(|&m| m > 0)
        .map_or(0.0, |m| done as f64 / m as f64);
    let by_time = cfg
        .time_limit_s
        .filter(|&t| t > 0.0)
        .map_or(0.0, |t| elapsed_s / t);
    by_iterations.max(by_time).clamp(0.0, 1.0)
}

fn to_solution(data: &Data, state: &State, sc: &mut Scratch) -> (Solution, ObjectiveBreakdown) {
    let mut routes = Vec::new();
    let mut ob = ObjectiveBreakdown {
        arc_cost: 0.0,
        vehicles_used: 0,
        fixed_cost: 0.0,
        duration_cost: 0.0,
        unserved: 0,
        unserved_penalty: 0.0,
        total: 0.0,
    };
    for route in state.routes.iter().filter(|r| !r.is_empty()) {
        let v = &data.vehicles[route.vehicle];
        let schedule = route.schedule(data, sc);
        let duration = schedule
            .as_ref()
            .map_or(route.duration, |s| s.arrival_min - s.departure_min);
        ob.arc_cost += route.arc_cost;
        ob.vehicles_used += 1;
        ob.fixed_cost += v.fixed;
        ob.duration_cost += v.per_min * duration;
        routes.push(RoutePlan {
            vehicle: VehicleId(route.vehicle),
            visits: route.nodes[1..route.nodes.len() - 1]
                .iter()
                .map(|&n| NodeId(n))
                .collect(),
            schedule,
        });
    }
    let mut unserved = Vec::new();
    for r in 0..data.requests.len() {
        let reason = match data.hopeless[r] {
            Some(h) => h,
            None if state.unassigned.contains(&r) => UnservedReason::NoFeasibleInsertion,
            None => continue,
        };
        ob.unserved += 1;
        ob.unserved_penalty += data.requests[r].penalty;
        unserved.push(Unserved {
            request: RequestId(r),
            reason,
        });
    }
    ob.total = ob.arc_cost + ob.fixed_cost + ob.duration_cost + ob.unserved_penalty;
    (Solution { routes, unserved }, ob)
}

#[cfg(test)]
mod tests {
    use super::super::check::check;
    use super::super::instance::{LocationId, Matrix, Node, Request, TimeWindow, Vehicle};
    use super::*;

    /// Random instance on a 20×20 square; deterministic in `seed`.
    fn random_problem(seed: u64, requests: usize, vehicles: usize, capacity: u32) -> Problem {
        let mut rng = Rng::new(seed);
        let mut xy = vec![(0.0, 0.0)];
        let mut nodes = vec![Node {
            location: LocationId(0),
            time_window: TimeWindow::new(0.0, 600.0),
            service_min: 0.0,
            load_delta: 0,
        }];
        for k in 0..2 * requests {
            xy.push((rng.unit() * 20.0 - 10.0, rng.unit() * 20.0 - 10.0));
            let pickup = k < requests;
            let start = rng.unit() * 400.0;
            nodes.push(Node {
                location: LocationId(k + 1),
                time_window: if pickup == (k % 2 == 0) {
                    TimeWindow::new(start, start + 30.0)
                } else {
                    TimeWindow::new(0.0, 600.0)
                },
                service_min: 2.0,
                load_delta: if pickup { 1 } else { -1 },
            });
        }
        let m = Matrix::from_fn(xy.len(), |a, b| {
            let (p, q) = (xy[a.0], xy[b.0]);
            ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt()
        });
        Problem {
            name: "random".into(),
            nodes,
            vehicles: vec![
                Vehicle {
                    capacity,
                    start_depot: NodeId(0),
                    end_depot: NodeId(0),
                    time_window: TimeWindow::new(0.0, 600.0),
                    max_duration_min: 480.0,
                    fixed_cost: 0.0,
                    cost_per_duration_min: 0.0,
                };
                vehicles
            ],
            requests: (0..requests)
                .map(|i| Request {
                    pickup: NodeId(1 + i),
                    delivery: NodeId(1 + requests + i),
                    max_ride_min: 40.0,
                    unserved_penalty: 10_000.0,
                })
                .collect(),
            travel_min: m.clone(),
            cost: m,
            one_call_per_location: false,
        }
    }

    fn iter_config(seed: u64, iterations: u64) -> Config {
        Config {
            seed,
            workers: 3,
            threads: Some(2),
            time_limit_s: None,
            max_iterations: Some(iterations),
            epoch_iterations: 50,
            ..Config::default()
        }
    }

    #[test]
    fn rng_is_deterministic_and_in_range() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.below(10);
            assert_eq!(x, b.below(10));
            assert!(x < 10);
            let u = a.unit();
            assert_eq!(u, b.unit());
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn solutions_pass_the_independent_checker() {
        for seed in 0..3 {
            let p = random_problem(seed, 15, 4, 3);
            let out = optimise(&p, &iter_config(seed, 150)).expect("runs");
            let report = check(&p, &out.solution).expect("valid problem");
            assert!(report.is_feasible(), "{:?}", report.violations);
            // Without the optimiser's times the checker's own schedule agrees.
            let report2 = check(&p, &out.solution.without_schedules()).expect("valid");
            assert!(report2.is_feasible(), "{:?}", report2.violations);
            assert!((report.objective - out.objective.total).abs() < 1e-6);
            assert!(out.objective.total <= out.initial_total + 1e-9);
        }
    }

    #[test]
    fn iteration_mode_is_deterministic_across_thread_counts() {
        let p = random_problem(11, 20, 4, 3);
        let mut cfg = iter_config(42, 120);
        let a = optimise(&p, &cfg).expect("runs");
        cfg.threads = Some(1);
        let b = optimise(&p, &cfg).expect("runs");
        assert_eq!(a.solution, b.solution);
        assert_eq!(a.objective, b.objective);
        cfg.seed = 43;
        let c = optimise(&p, &cfg).expect("runs");
        let report = check(&p, &c.solution).expect("valid");
        assert!(report.is_feasible());
    }

    #[test]
    fn impossible_requests_are_reported_with_reason() {
        let mut p = random_problem(5, 6, 2, 3);
        // Request 0 needs 4 seats; request 1 has an unreachable window.
        p.nodes[1].load_delta = 4;
        p.nodes[1 + 6].load_delta = -4;
        p.nodes[2].time_window = TimeWindow::new(0.0, 0.5);
        let out = optimise(&p, &iter_config(1, 30)).expect("runs");
        let reason = |r: usize| {
            out.solution
                .unserved
                .iter()
                .find(|u| u.request.0 == r)
                .map(|u| u.reason)
        };
        assert_eq!(reason(0), Some(UnservedReason::ExceedsCapacity));
        assert_eq!(reason(1), Some(UnservedReason::InfeasibleAlone));
        let report = check(&p, &out.solution).expect("valid");
        assert!(report.is_feasible(), "{:?}", report.violations);
        assert_eq!(report.unserved, 2);
    }

    /// Stops A and B and a gate G: workers at A must board at 0–1 and at 10–11, at B at 5–6.
    /// One bus could take everyone only by calling at A, B, then A again.
    fn come_back_problem() -> Problem {
        let locs = [1, 2, 1, 3, 3, 3];
        let mut nodes = vec![Node {
            location: LocationId(0),
            time_window: TimeWindow::new(0.0, 200.0),
            service_min: 0.0,
            load_delta: 0,
        }];
        for (k, &loc) in locs.iter().enumerate() {
            let start = [0.0, 5.0, 10.0][k % 3];
            nodes.push(Node {
                location: LocationId(loc),
                time_window: if k < 3 {
                    TimeWindow::new(start, start + 1.0)
                } else {
                    TimeWindow::new(0.0, 100.0)
                },
                service_min: 0.0,
                load_delta: if k < 3 { 1 } else { -1 },
            });
        }
        // The garage (0) is nowhere: no time to or from it.
        let m = Matrix::from_fn(4, |a, b| match (a.0, b.0) {
            (0, _) | (_, 0) => 0.0,
            (x, y) if x == y => 0.0,
            (1, 2) | (2, 1) => 1.0,
            _ => 5.0,
        });
        Problem {
            name: "come back".into(),
            nodes,
            vehicles: vec![
                Vehicle {
                    capacity: 3,
                    start_depot: NodeId(0),
                    end_depot: NodeId(0),
                    time_window: TimeWindow::new(0.0, 200.0),
                    max_duration_min: 200.0,
                    fixed_cost: 1000.0,
                    cost_per_duration_min: 0.0,
                };
                3
            ],
            requests: (0..3)
                .map(|i| Request {
                    pickup: NodeId(1 + i),
                    delivery: NodeId(4 + i),
                    max_ride_min: 100.0,
                    unserved_penalty: 1e6,
                })
                .collect(),
            travel_min: m.clone(),
            cost: m,
            one_call_per_location: false,
        }
    }

    /// Issue 12: a bus line calls at each stop once per departure. Without the rule the
    /// optimiser saves a bus by coming back to A; with it, it runs two buses and the checker
    /// finds no return.
    #[test]
    fn one_call_per_location_is_kept() {
        let mut p = come_back_problem();
        let free = optimise(&p, &iter_config(1, 100)).expect("runs");
        assert_eq!(free.objective.vehicles_used, 1, "{:?}", free.solution);
        p.one_call_per_location = true;
        let out = optimise(&p, &iter_config(1, 100)).expect("runs");
        let report = check(&p, &out.solution).expect("valid");
        assert!(report.is_complete(), "{:?}", report.violations);
        assert_eq!(out.objective.vehicles_used, 2, "{:?}", out.solution);
    }

    /// The rule holds per departure: a bus that has emptied at the gate may call at A again
    /// for a later shift, so one bus serves both shifts.
    #[test]
    fn a_later_departure_may_call_at_a_stop_again() {
        let mut p = come_back_problem();
        p.one_call_per_location = true;
        // Worker 2 (at B) boards with worker 1 at A instead; worker 3 boards at A for a shift
        // 30 minutes later.
        p.nodes[2].location = LocationId(1);
        p.nodes[2].time_window = TimeWindow::new(0.0, 1.0);
        p.nodes[3].time_window = TimeWindow::new(30.0, 31.0);
        for d in 4..7 {
            p.nodes[d].time_window = TimeWindow::new(0.0, if d == 6 { 40.0 } else { 10.0 });
        }
        let out = optimise(&p, &iter_config(1, 100)).expect("runs");
        let report = check(&p, &out.solution).expect("valid");
        assert!(report.is_complete(), "{:?}", report.violations);
        assert_eq!(out.objective.vehicles_used, 1, "{:?}", out.solution);
    }

    #[test]
    fn fixed_costs_reduce_the_fleet() {
        let mut p = random_problem(3, 10, 5, 4);
        for v in &mut p.vehicles {
            v.fixed_cost = 1000.0;
            v.cost_per_duration_min = 1.0;
        }
        let out = optimise(&p, &iter_config(9, 200)).expect("runs");
        let report = check(&p, &out.solution).expect("valid");
        assert!(report.is_feasible(), "{:?}", report.violations);
        assert!((report.objective - out.objective.total).abs() < 1e-6);
        assert!(out.objective.vehicles_used <= 2, "{:?}", out.objective);
    }

    #[test]
    fn missing_limits_are_rejected() {
        let p = random_problem(1, 3, 1, 3);
        let cfg = Config {
            time_limit_s: None,
            max_iterations: None,
            ..Config::default()
        };
        assert!(matches!(optimise(&p, &cfg), Err(OptimiseError::NoLimit)));
        let cfg = Config {
            workers: 0,
            ..Config::default()
        };
        assert!(matches!(optimise(&p, &cfg), Err(OptimiseError::NoWorkers)));
    }

    #[test]
    fn time_limit_mode_returns_a_feasible_plan() {
        let p = random_problem(21, 12, 3, 3);
        let cfg = Config {
            time_limit_s: Some(0.3),
            max_iterations: None,
            workers: 2,
            ..Config::default()
        };
        let out = optimise(&p, &cfg).expect("runs");
        assert!(out.elapsed_s < 5.0);
        let report = check(&p, &out.solution).expect("valid");
        assert!(report.is_feasible(), "{:?}", report.violations);
    }

    #[test]
    fn mixed_fleet_with_two_depots_is_feasible() {
        let mut p = random_problem(8, 14, 1, 2);
        // Second depot at the far corner; group loads of 1..=3 seats.
        let depot2 = p.nodes.len();
        p.nodes.push(Node {
            location: LocationId(0),
            time_window: TimeWindow::new(0.0, 600.0),
            service_min: 0.0,
            load_delta: 0,
        });
        for (i, r) in p.requests.clone().iter().enumerate() {
            let q = 1 + (i % 3) as i32;
            p.nodes[r.pickup.0].load_delta = q;
            p.nodes[r.delivery.0].load_delta = -q;
        }
        let base = p.vehicles[0].clone();
        p.vehicles = vec![
            Vehicle {
                capacity: 2,
                ..base.clone()
            },
            Vehicle {
                capacity: 3,
                start_depot: NodeId(depot2),
                end_depot: NodeId(depot2),
                ..base.clone()
            },
            Vehicle {
                capacity: 5,
                fixed_cost: 50.0,
                ..base
            },
        ];
        let out = optimise(&p, &iter_config(5, 150)).expect("runs");
        let report = check(&p, &out.solution).expect("valid");
        assert!(report.is_feasible(), "{:?}", report.violations);
        assert!((report.objective - out.objective.total).abs() < 1e-6);
        for route in &out.solution.routes {
            let cap = p.vehicles[route.vehicle.0].capacity as i32;
            assert!(route.visits.iter().all(|n| p.nodes[n.0].load_delta <= cap));
        }
    }

    #[test]
    fn no_vehicles_leaves_everything_unserved() {
        let mut p = random_problem(4, 3, 1, 3);
        p.vehicles.clear();
        let out = optimise(&p, &iter_config(1, 10)).expect("runs");
        assert_eq!(out.solution.unserved.len(), 3);
        assert!(
            out.solution
                .unserved
                .iter()
                .all(|u| u.reason == UnservedReason::InfeasibleAlone)
        );
        let report = check(&p, &out.solution).expect("valid");
        assert!(report.is_feasible() && !report.is_complete());
    }

    #[test]
    fn empty_problem_stops_at_once() {
        let mut p = random_problem(2, 1, 1, 3);
        p.requests.clear();
        let cfg = Config {
            time_limit_s: Some(30.0),
            ..Config::default()
        };
        let out = optimise(&p, &cfg).expect("runs");
        assert!(out.elapsed_s < 5.0);
        assert!(out.solution.routes.is_empty());
        assert_eq!(out.objective.total, 0.0);
    }

    #[test]
    fn solves_smallest_cordeau_instance_to_the_reference() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/darp/a2-16.txt");
        let Ok(p) = super::super::cordeau::parse_file(&path) else {
            println!("skipped: {} is absent", path.display());
            return; // benchmark data not available
        };
        let out = optimise(&p, &iter_config(1, 300)).expect("runs");
        let report = check(&p, &out.solution.without_schedules()).expect("valid");
        assert!(report.is_complete(), "{:?}", report.violations);
        assert!(
            (report.objective - 294.25).abs() < 0.01,
            "{}",
            report.objective
        );
    }

    /// A random route over all requests of `p` with every pickup before its
    /// delivery, drawn from `seed`.
    fn random_route(p: &Problem, seed: u64) -> Vec<NodeId> {
        let mut rng = Rng::new(seed);
        let mut open: Vec<usize> = (0..p.requests.len()).collect();
        let mut onboard: Vec<usize> = Vec::new();
        let mut route = Vec::new();
        while !open.is_empty() || !onboard.is_empty() {
            let pick = !open.is_empty() && (onboard.is_empty() || rng.below(2) == 0);
            if pick {
                let r = open.swap_remove(rng.below(open.len()));
                route.push(p.requests[r].pickup);
                onboard.push(r);
            } else {
                let r = onboard.swap_remove(rng.below(onboard.len()));
                route.push(p.requests[r].delivery);
            }
        }
        route
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// The optimiser's route evaluation and the independent checker agree
        /// on the feasibility of arbitrary routes, and the optimiser's
        /// schedules pass the checker's verification of given times.
        #[test]
        fn evaluation_agrees_with_checker(seed in 0u64..1_000_000, n in 1usize..6, cap in 1u32..4) {
            let mut p = random_problem(seed, n, 1, cap);
            for r in &mut p.requests {
                r.max_ride_min = 15.0 + (seed % 40) as f64;
            }
            if seed % 2 == 0 {
                // Wider windows: more feasible routes, more pickup delays.
                for node in &mut p.nodes[1..] {
                    node.time_window.latest_min += 60.0;
                }
            }
            p.vehicles[0].max_duration_min = 150.0 + (seed % 300) as f64;
            let visits = random_route(&p, seed ^ 0xABCD);
            let data = Data::new(&p);
            let mut sc = Scratch::new(p.nodes.len());
            let v = &data.vehicles[0];
            let mut nodes = vec![v.start];
            nodes.extend(visits.iter().map(|n| n.0));
            nodes.push(v.end);
            let ours = evaluate(&data, v, &nodes, &mut sc);
            let plan = Solution {
                routes: vec![RoutePlan { vehicle: VehicleId(0), visits: visits.clone(), schedule: None }],
                unserved: vec![],
            };
            let theirs = check(&p, &plan).expect("valid");
            proptest::prop_assert_eq!(ours.is_some(), theirs.is_feasible(), "{:?}", theirs.violations);
            if let Some((dep, end)) = ours {
                let mut given = plan.clone();
                given.routes[0].schedule = Some(Schedule {
                    departure_min: dep,
                    service_start_min: sc.b[1..nodes.len() - 1].to_vec(),
                    arrival_min: end,
                });
                let verified = check(&p, &given).expect("valid");
                proptest::prop_assert!(verified.is_feasible(), "{:?}", verified.violations);
            }
        }
    }
}
