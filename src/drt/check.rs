//! Independent solution checker.
//!
//! This module shares no evaluation code with the optimiser: it re-derives
//! every quantity from the [`Problem`] and the [`Solution`] alone and reports
//! every violated constraint:
//!
//! * structure: unknown vehicles or nodes, vehicles used twice, depots inside
//!   routes, nodes visited twice, requests split over two routes, delivery
//!   before pickup, requests neither served nor declared unserved;
//! * capacity after every stop;
//! * time windows of the stops and of the depots, maximum route duration and
//!   maximum ride time per request.
//!
//! If a route carries a [`Schedule`], the checker verifies those times (they
//! must be reachable: each service starts no earlier than the arrival from
//! the previous stop). Otherwise it computes the schedule itself with the
//! eight-step evaluation of Cordeau & Laporte (2003): earliest start times,
//! departure from the depot delayed by its forward time slack to minimise the
//! route duration, then every pickup delayed by its forward time slack
//! (bounded by the downstream waiting) to minimise ride times.
//!
//! The objective is recomputed as arc costs + fixed costs of the used
//! vehicles + duration costs + penalties of unserved requests.

// Position loops over parallel arrays (route, times) read more clearly
// than iterator chains here.
#![allow(clippy::needless_range_loop)]

use std::fmt;

use super::instance::{
    ModelError, NodeId, NodeRole, Problem, RequestId, RoutePlan, Schedule, Solution, VehicleId,
};

/// Numerical tolerance (minutes or seats) used by every comparison.
pub const TOLERANCE: f64 = 1e-6;

/// One violated constraint.
#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    /// A route names a vehicle that does not exist.
    UnknownVehicle {
        /// Index of the route in the solution.
        route: usize,
        /// The vehicle id given.
        vehicle: VehicleId,
    },
    /// Two routes use the same vehicle.
    VehicleUsedTwice {
        /// The vehicle.
        vehicle: VehicleId,
    },
    /// A visit is not a pickup or delivery node of any request.
    NotARequestNode {
        /// Index of the route in the solution.
        route: usize,
        /// The node.
        node: NodeId,
    },
    /// A node is visited more than once.
    VisitedTwice {
        /// The node.
        node: NodeId,
    },
    /// Pickup and delivery are not on the same route (or one is missing).
    Unpaired {
        /// The request.
        request: RequestId,
    },
    /// The delivery comes before the pickup.
    DeliveryBeforePickup {
        /// The request.
        request: RequestId,
    },
    /// A request is neither served nor declared unserved.
    Missing {
        /// The request.
        request: RequestId,
    },
    /// A request is declared unserved but appears in a route, or is declared
    /// unserved twice.
    WronglyDeclaredUnserved {
        /// The request.
        request: RequestId,
    },
    /// Load after serving a stop exceeds the capacity (or goes negative).
    Capacity {
        /// The vehicle.
        vehicle: VehicleId,
        /// The stop.
        node: NodeId,
        /// Load on board after the stop.
        load: i64,
        /// Vehicle capacity.
        capacity: u32,
    },
    /// Service starts after the window closes.
    LateService {
        /// The vehicle.
        vehicle: VehicleId,
        /// The stop.
        node: NodeId,
        /// Start of service.
        start_min: f64,
        /// Window end.
        latest_min: f64,
    },
    /// A given schedule starts service before the window opens.
    EarlyService {
        /// The vehicle.
        vehicle: VehicleId,
        /// The stop.
        node: NodeId,
        /// Start of service.
        start_min: f64,
        /// Window start.
        earliest_min: f64,
    },
    /// Departure from the start depot outside the depot/vehicle window.
    DepotDeparture {
        /// The vehicle.
        vehicle: VehicleId,
        /// Departure time.
        departure_min: f64,
    },
    /// Arrival at the end depot after the depot/vehicle window.
    DepotArrival {
        /// The vehicle.
        vehicle: VehicleId,
        /// Arrival time.
        arrival_min: f64,
        /// Latest admissible arrival.
        latest_min: f64,
    },
    /// Route duration exceeds the vehicle maximum.
    Duration {
        /// The vehicle.
        vehicle: VehicleId,
        /// Route duration.
        duration_min: f64,
        /// Maximum duration.
        max_min: f64,
    },
    /// Ride time exceeds the request maximum.
    RideTime {
        /// The request.
        request: RequestId,
        /// Ride time.
        ride_min: f64,
        /// Maximum ride time.
        max_min: f64,
    },
    /// The route comes back to a location it has already left, in a problem where each
    /// location is called at once per route ([`Problem::one_call_per_location`]).
    ReturnsToLocation {
        /// The vehicle.
        vehicle: VehicleId,
        /// The visit that returns.
        node: NodeId,
    },
    /// A given schedule is inconsistent: wrong length, or a service starting
    /// before the vehicle can arrive.
    Unreachable {
        /// The vehicle.
        vehicle: VehicleId,
        /// Position in the route (visit index; `visits.len()` = end depot).
        position: usize,
        /// Explanation.
        detail: String,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::UnknownVehicle { route, vehicle } => {
                write!(f, "route {route}: unknown vehicle {}", vehicle.0)
            }
            Violation::VehicleUsedTwice { vehicle } => {
                write!(f, "vehicle {} used by two routes", vehicle.0)
            }
            Violation::NotARequestNode { route, node } => {
                write!(f, "route {route}: node {} is not a request node", node.0)
            }
            Violation::VisitedTwice { node } => write!(f, "node {} visited twice", node.0),
            Violation::ReturnsToLocation { vehicle, node } => write!(
                f,
                "vehicle {}: node {} returns to a location the route has left",
                vehicle.0, node.0
            ),
            Violation::Unpaired { request } => {
                write!(
                    f,
                    "request {}: pickup and delivery not on one route",
                    request.0
                )
            }
            Violation::DeliveryBeforePickup { request } => {
                write!(f, "request {}: delivery before pickup", request.0)
            }
            Violation::Missing { request } => write!(f, "request {} missing", request.0),
            Violation::WronglyDeclaredUnserved { request } => {
                write!(f, "request {} wrongly declared unserved", request.0)
            }
            Violation::Capacity {
                vehicle,
                node,
                load,
                capacity,
            } => write!(
                f,
                "vehicle {}: load {load} > capacity {capacity} after node {}",
                vehicle.0, node.0
            ),
            Violation::LateService {
                vehicle,
                node,
                start_min,
                latest_min,
            } => write!(
                f,
                "vehicle {}: node {} served at {start_min:.3} after {latest_min:.3}",
                vehicle.0, node.0
            ),
            Violation::EarlyService {
                vehicle,
                node,
                start_min,
                earliest_min,
            } => write!(
                f,
                "vehicle {}: node {} served at {start_min:.3} before {earliest_min:.3}",
                vehicle.0, node.0
            ),
            Violation::DepotDeparture {
                vehicle,
                departure_min,
            } => write!(
                f,
                "vehicle {}: departure {departure_min:.3} outside depot window",
                vehicle.0
            ),
            Violation::DepotArrival {
                vehicle,
                arrival_min,
                latest_min,
            } => write!(
                f,
                "vehicle {}: arrival {arrival_min:.3} after {latest_min:.3}",
                vehicle.0
            ),
            Violation::Duration {
                vehicle,
                duration_min,
                max_min,
            } => write!(
                f,
                "vehicle {}: duration {duration_min:.3} > {max_min:.3}",
                vehicle.0
            ),
            Violation::RideTime {
                request,
                ride_min,
                max_min,
            } => write!(
                f,
                "request {}: ride {ride_min:.3} > {max_min:.3}",
                request.0
            ),
            Violation::Unreachable {
                vehicle,
                position,
                detail,
            } => write!(
                f,
                "vehicle {}: schedule position {position}: {detail}",
                vehicle.0
            ),
        }
    }
}

/// Recomputed facts about one route.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteReport {
    /// The vehicle.
    pub vehicle: VehicleId,
    /// The schedule checked (given or computed).
    pub schedule: Schedule,
    /// Sum of arc costs, depots included.
    pub arc_cost: f64,
    /// Arrival at end depot − departure from start depot.
    pub duration_min: f64,
    /// Largest load on board.
    pub max_load: i64,
}

/// Result of [`check`].
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// Every violated constraint (empty for a feasible solution).
    pub violations: Vec<Violation>,
    /// One entry per non-empty route with a known vehicle.
    pub routes: Vec<RouteReport>,
    /// Ride time of every served request (minutes).
    pub ride_min: Vec<(RequestId, f64)>,
    /// Σ arc costs.
    pub arc_cost: f64,
    /// Number of non-empty routes.
    pub vehicles_used: usize,
    /// Σ fixed costs of used vehicles.
    pub fixed_cost: f64,
    /// Σ cost_per_duration_min × duration.
    pub duration_cost: f64,
    /// Number of requests not served (declared unserved or missing).
    pub unserved: usize,
    /// Σ penalties of requests not served.
    pub unserved_penalty: f64,
    /// Total objective.
    pub objective: f64,
}

impl CheckReport {
    /// No constraint is violated.
    pub fn is_feasible(&self) -> bool {
        self.violations.is_empty()
    }

    /// Feasible and every request served.
    pub fn is_complete(&self) -> bool {
        self.is_feasible() && self.unserved == 0
    }
}

/// Times of a route as computed here: start of service per position
/// (position 0 = start depot departure, last = end depot arrival).
struct Times {
    arrival: Vec<f64>,
    start: Vec<f64>,
}

/// Checks a solution; fails only if the problem itself is malformed.
///
/// The steps: where each node is visited → pairing, precedence and unserved requests → per
/// route capacity, times, windows, duration and ride times → the objective.
pub fn check(problem: &Problem, solution: &Solution) -> Result<CheckReport, ModelError> {
    problem.validate()?;
    let roles = problem.roles();
    let mut violations = Vec::new();
    let mut ride_min = Vec::new();
    let seen = visit_positions(problem, solution, &roles, &mut violations);
    let (unserved, unserved_penalty) = check_requests(problem, solution, &seen, &mut violations);

    let mut routes = Vec::new();
    let (mut arc_cost, mut fixed_cost, mut duration_cost) = (0.0, 0.0, 0.0);
    for route in &solution.routes {
        let Some(report) = check_route(problem, route, &roles, &mut violations, &mut ride_min)
        else {
            continue;
        };
        let vehicle = &problem.vehicles[route.vehicle.0];
        arc_cost += report.arc_cost;
        fixed_cost += vehicle.fixed_cost;
        duration_cost += vehicle.cost_per_duration_min * report.duration_min;
        routes.push(report);
    }
    let vehicles_used = routes.len();
    Ok(CheckReport {
        violations,
        routes,
        ride_min,
        arc_cost,
        vehicles_used,
        fixed_cost,
        duration_cost,
        unserved,
        unserved_penalty,
        objective: arc_cost + fixed_cost + duration_cost + unserved_penalty,
    })
}

/// Where each node is visited: (route index, position in visits); flags unknown vehicles,
/// vehicles used twice, nodes that are no request's and nodes visited twice.
fn visit_positions(
    problem: &Problem,
    solution: &Solution,
    roles: &[NodeRole],
    violations: &mut Vec<Violation>,
) -> Vec<Option<(usize, usize)>> {
    let mut seen: Vec<Option<(usize, usize)>> = vec![None; problem.nodes.len()];
    let mut vehicle_used = vec![false; problem.vehicles.len()];
    for (ri, route) in solution.routes.iter().enumerate() {
        if route.vehicle.0 >= problem.vehicles.len() {
            violations.push(Violation::UnknownVehicle {
                route: ri,
                vehicle: route.vehicle,
            });
        } else if !route.visits.is_empty() {
            if vehicle_used[route.vehicle.0] {
                violations.push(Violation::VehicleUsedTwice {
                    vehicle: route.vehicle,
                });
            }
            vehicle_used[route.vehicle.0] = true;
        }
        for (pos, &node) in route.visits.iter().enumerate() {
            let is_request_node = matches!(
                roles.get(node.0),
                Some(NodeRole::Pickup(_)) | Some(NodeRole::Delivery(_))
            );
            if !is_request_node {
                violations.push(Violation::NotARequestNode { route: ri, node });
                continue;
            }
            if seen[node.0].is_some() {
                violations.push(Violation::VisitedTwice { node });
            } else {
                seen[node.0] = Some((ri, pos));
            }
        }
    }
    seen
}

/// Pairing, precedence, missing and declared-unserved requests; the number of requests not
/// served and their penalties.
fn check_requests(
    problem: &Problem,
    solution: &Solution,
    seen: &[Option<(usize, usize)>],
    violations: &mut Vec<Violation>,
) -> (usize, f64) {
    let nreq = problem.requests.len();
    let mut declared = vec![0usize; nreq];
    for u in &solution.unserved {
        if let Some(d) = declared.get_mut(u.request.0) {
            *d += 1;
        }
    }
    let mut unserved = 0;
    let mut unserved_penalty = 0.0;
    for (i, req) in problem.requests.iter().enumerate() {
        let request = RequestId(i);
        match (seen[req.pickup.0], seen[req.delivery.0]) {
            (None, None) => {
                unserved += 1;
                unserved_penalty += req.unserved_penalty;
                if declared[i] == 0 {
                    violations.push(Violation::Missing { request });
                } else if declared[i] > 1 {
                    violations.push(Violation::WronglyDeclaredUnserved { request });
                }
            }
            (Some((rp, pp)), Some((rd, pd))) => {
                if rp != rd {
                    violations.push(Violation::Unpaired { request });
                } else if pd < pp {
                    violations.push(Violation::DeliveryBeforePickup { request });
                }
                if declared[i] > 0 {
                    violations.push(Violation::WronglyDeclaredUnserved { request });
                }
            }
            _ => violations.push(Violation::Unpaired { request }),
        }
    }
    for u in &solution.unserved {
        if u.request.0 >= nreq {
            violations.push(Violation::WronglyDeclaredUnserved { request: u.request });
        }
    }
    (unserved, unserved_penalty)
}

/// One route: capacity, times (given or computed), windows, duration and ride times. `None`
/// for a route that is empty, has an unknown vehicle or a node that is no request's, or whose
/// schedule cannot be read.
/// Each location called at once per departure: a visit at a location the route left earlier,
/// with someone still on board since, is a violation.
fn check_one_call(problem: &Problem, route: &RoutePlan, violations: &mut Vec<Violation>) {
    let mut left = std::collections::HashSet::new();
    let mut here = None;
    let mut on_board: i64 = 0;
    for &node in &route.visits {
        let location = problem.nodes[node.0].location;
        if here != Some(location) {
            if let Some(previous) = here {
                left.insert(previous);
            }
            if left.contains(&location) {
                violations.push(Violation::ReturnsToLocation {
                    vehicle: route.vehicle,
                    node,
                });
            }
            here = Some(location);
        }
        on_board += i64::from(problem.nodes[node.0].load_delta);
        if on_board == 0 {
            // The vehicle is empty: its next call starts a new departure.
            left.clear();
            here = None;
        }
    }
}

fn check_route(
    problem: &Problem,
    route: &RoutePlan,
    roles: &[NodeRole],
    violations: &mut Vec<Violation>,
    ride_min: &mut Vec<(RequestId, f64)>,
) -> Option<RouteReport> {
    let vehicle = problem.vehicles.get(route.vehicle.0)?;
    if route.visits.is_empty()
        || route.visits.iter().any(|n| {
            !matches!(
                roles.get(n.0),
                Some(NodeRole::Pickup(_) | NodeRole::Delivery(_))
            )
        })
    {
        return None;
    }
    let mut seq = Vec::with_capacity(route.visits.len() + 2);
    seq.push(vehicle.start_depot);
    seq.extend_from_slice(&route.visits);
    seq.push(vehicle.end_depot);

    let max_load = check_capacity(problem, route, violations);
    if problem.one_call_per_location {
        check_one_call(problem, route, violations);
    }
    let times = match &route.schedule {
        Some(s) => given_times(problem, route, &seq, s, violations),
        None => eight_step(problem, route.vehicle, &seq, roles),
    }?;
    let last = seq.len() - 1;
    let (departure, arrival) = check_windows(problem, route, &seq, &times, violations);
    let duration_min = arrival - departure;
    if duration_min > vehicle.max_duration_min + TOLERANCE {
        violations.push(Violation::Duration {
            vehicle: route.vehicle,
            duration_min,
            max_min: vehicle.max_duration_min,
        });
    }
    check_rides(problem, &seq, &times, roles, violations, ride_min);
    Some(RouteReport {
        vehicle: route.vehicle,
        schedule: Schedule {
            departure_min: departure,
            service_start_min: times.start[1..last].to_vec(),
            arrival_min: arrival,
        },
        arc_cost: seq.windows(2).map(|w| problem.arc_cost(w[0], w[1])).sum(),
        duration_min,
        max_load,
    })
}

/// Load never above the vehicle's capacity nor below zero; the largest load.
fn check_capacity(problem: &Problem, route: &RoutePlan, violations: &mut Vec<Violation>) -> i64 {
    let vehicle = &problem.vehicles[route.vehicle.0];
    let mut load: i64 = 0;
    let mut max_load: i64 = 0;
    for &n in &route.visits {
        load += i64::from(problem.nodes[n.0].load_delta);
        max_load = max_load.max(load);
        if load > i64::from(vehicle.capacity) || load < 0 {
            violations.push(Violation::Capacity {
                vehicle: route.vehicle,
                node: n,
                load,
                capacity: vehicle.capacity,
            });
        }
    }
    max_load
}

/// Depot departure and arrival within the vehicle's window ∩ the depot node's, every service
/// within its node's window; the route's departure and arrival.
fn check_windows(
    problem: &Problem,
    route: &RoutePlan,
    seq: &[NodeId],
    times: &Times,
    violations: &mut Vec<Violation>,
) -> (f64, f64) {
    let vehicle = &problem.vehicles[route.vehicle.0];
    let last = seq.len() - 1;
    let start_w = problem.nodes[vehicle.start_depot.0]
        .time_window
        .intersect(&vehicle.time_window);
    let end_w = problem.nodes[vehicle.end_depot.0]
        .time_window
        .intersect(&vehicle.time_window);
    let departure = times.start[0];
    if departure < start_w.earliest_min - TOLERANCE || departure > start_w.latest_min + TOLERANCE {
        violations.push(Violation::DepotDeparture {
            vehicle: route.vehicle,
            departure_min: departure,
        });
    }
    let arrival = times.start[last];
    if arrival > end_w.latest_min + TOLERANCE {
        violations.push(Violation::DepotArrival {
            vehicle: route.vehicle,
            arrival_min: arrival,
            latest_min: end_w.latest_min,
        });
    }
    for k in 1..last {
        let node = seq[k];
        let w = problem.nodes[node.0].time_window;
        if times.start[k] > w.latest_min + TOLERANCE {
            violations.push(Violation::LateService {
                vehicle: route.vehicle,
                node,
                start_min: times.start[k],
                latest_min: w.latest_min,
            });
        }
        if times.start[k] < w.earliest_min - TOLERANCE {
            violations.push(Violation::EarlyService {
                vehicle: route.vehicle,
                node,
                start_min: times.start[k],
                earliest_min: w.earliest_min,
            });
        }
    }
    (departure, arrival)
}

/// Ride time of every request delivered on the route, within its limit.
fn check_rides(
    problem: &Problem,
    seq: &[NodeId],
    times: &Times,
    roles: &[NodeRole],
    violations: &mut Vec<Violation>,
    ride_min: &mut Vec<(RequestId, f64)>,
) {
    let last = seq.len() - 1;
    for k in 1..last {
        if let NodeRole::Delivery(r) = roles[seq[k].0] {
            let req = &problem.requests[r.0];
            let Some(kp) = (1..k).find(|&x| seq[x] == req.pickup) else {
                continue;
            };
            let ride = times.start[k] - (times.start[kp] + problem.nodes[req.pickup.0].service_min);
            ride_min.push((r, ride));
            if ride > req.max_ride_min + TOLERANCE {
                violations.push(Violation::RideTime {
                    request: r,
                    ride_min: ride,
                    max_min: req.max_ride_min,
                });
            }
        }
    }
}

/// Verifies that a given schedule is consistent with travel and service
/// times; returns it as `Times` (or `None` if its length is wrong).
fn given_times(
    problem: &Problem,
    route: &RoutePlan,
    seq: &[NodeId],
    s: &Schedule,
    violations: &mut Vec<Violation>,
) -> Option<Times> {
    if s.service_start_min.len() != route.visits.len() {
        violations.push(Violation::Unreachable {
            vehicle: route.vehicle,
            position: 0,
            detail: format!(
                "schedule has {} times for {} visits",
                s.service_start_min.len(),
                route.visits.len()
            ),
        });
        return None;
    }
    let mut start = Vec::with_capacity(seq.len());
    start.push(s.departure_min);
    start.extend_from_slice(&s.service_start_min);
    start.push(s.arrival_min);
    let mut arrival = vec![s.departure_min; seq.len()];
    for k in 1..seq.len() {
        let prev = seq[k - 1];
        // Service time at the start depot counts before departure.
        let leave = if k == 1 {
            start[0]
        } else {
            start[k - 1] + problem.nodes[prev.0].service_min
        };
        arrival[k] = leave + problem.travel_min(prev, seq[k]);
        if start[k] + TOLERANCE < arrival[k] || start[k].is_nan() {
            violations.push(Violation::Unreachable {
                vehicle: route.vehicle,
                position: k - 1,
                detail: format!(
                    "service starts at {:.3} but the vehicle arrives at {:.3}",
                    start[k], arrival[k]
                ),
            });
        }
    }
    Some(Times { arrival, start })
}

/// Forward time slack of position `i` (Cordeau & Laporte 2003): how far the
/// start of service at `i` can be delayed without violating a time window
/// downstream, nor the ride time of a passenger picked up before `i`.
fn forward_slack(
    problem: &Problem,
    seq: &[NodeId],
    roles: &[NodeRole],
    latest: &[f64],
    t: &Times,
    i: usize,
) -> f64 {
    let mut best = f64::INFINITY;
    let mut waiting = 0.0;
    for j in i..seq.len() {
        if j > i {
            waiting += t.start[j] - t.arrival[j];
        }
        let mut slack = latest[j] - t.start[j];
        if let NodeRole::Delivery(r) = roles[seq[j].0] {
            let req = &problem.requests[r.0];
            if let Some(kp) = (0..i).find(|&x| seq[x] == req.pickup) {
                let ride = t.start[j] - (t.start[kp] + problem.nodes[req.pickup.0].service_min);
                slack = slack.min(req.max_ride_min - ride);
            }
        }
        best = best.min(waiting + slack.max(0.0));
    }
    best
}

/// Recomputes arrival/start times from position `from` onwards, keeping the
/// start at `from` as it is.
fn propagate(problem: &Problem, seq: &[NodeId], earliest: &[f64], t: &mut Times, from: usize) {
    for k in from + 1..seq.len() {
        let prev = seq[k - 1];
        let leave = if k == 1 {
            t.start[0]
        } else {
            t.start[k - 1] + problem.nodes[prev.0].service_min
        };
        t.arrival[k] = leave + problem.travel_min(prev, seq[k]);
        t.start[k] = t.arrival[k].max(earliest[k]);
    }
}

/// The eight-step schedule of Cordeau & Laporte (2003). Departure from the
/// depot is the start of service at position 0 (depot service is ignored).
fn eight_step(
    problem: &Problem,
    vehicle_id: VehicleId,
    seq: &[NodeId],
    roles: &[NodeRole],
) -> Option<Times> {
    let vehicle = problem.vehicles.get(vehicle_id.0)?;
    let last = seq.len() - 1;
    let mut earliest = Vec::with_capacity(seq.len());
    let mut latest = Vec::with_capacity(seq.len());
    for (k, n) in seq.iter().enumerate() {
        let mut w = problem.nodes[n.0].time_window;
        if k == 0 || k == last {
            w = w.intersect(&vehicle.time_window);
        }
        earliest.push(w.earliest_min);
        latest.push(w.latest_min);
    }
    // Steps 1-2: earliest schedule.
    let mut t = Times {
        arrival: vec![earliest[0]; seq.len()],
        start: vec![earliest[0]; seq.len()],
    };
    propagate(problem, seq, &earliest, &mut t, 0);
    // Steps 3-5: delay the departure by min(F0, total waiting).
    let total_wait: f64 = (1..seq.len()).map(|k| t.start[k] - t.arrival[k]).sum();
    let f0 = forward_slack(problem, seq, roles, &latest, &t, 0);
    t.start[0] = earliest[0] + f0.min(total_wait).max(0.0);
    t.arrival[0] = t.start[0];
    propagate(problem, seq, &earliest, &mut t, 0);
    // Step 6: are ride times already fine?
    let ride_ok = |t: &Times| {
        (1..last).all(|k| match roles[seq[k].0] {
            NodeRole::Delivery(r) => {
                let req = &problem.requests[r.0];
                match (1..k).find(|&x| seq[x] == req.pickup) {
                    Some(kp) => {
                        t.start[k] - (t.start[kp] + problem.nodes[req.pickup.0].service_min)
                            <= req.max_ride_min + TOLERANCE
                    }
                    None => true,
                }
            }
            _ => true,
        })
    };
    if ride_ok(&t) {
        return Some(t);
    }
    // Step 7: delay every pickup by min(F_j, downstream waiting).
    for j in 1..last {
        if !matches!(roles[seq[j].0], NodeRole::Pickup(_)) {
            continue;
        }
        let fj = forward_slack(problem, seq, roles, &latest, &t, j);
        let downstream: f64 = (j + 1..seq.len()).map(|k| t.start[k] - t.arrival[k]).sum();
        let delay = fj.min(downstream).max(0.0);
        if delay > 0.0 {
            t.start[j] += delay;
            propagate(problem, seq, &earliest, &mut t, j);
        }
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::super::instance::{
        LocationId, Matrix, Node, Request, TimeWindow, Unserved, UnservedReason, Vehicle,
    };
    use super::*;

    /// Points on a line: depot 0 at x=0; pickups at x=1,2; deliveries at
    /// x=3,4; end depot at x=0. Capacity 1 unless changed.
    fn line_problem() -> Problem {
        let xs: [f64; 6] = [0.0, 1.0, 2.0, 3.0, 4.0, 0.0];
        let loads = [0, 1, 1, -1, -1, 0];
        let nodes = (0..6)
            .map(|i| Node {
                location: LocationId(i),
                time_window: TimeWindow::new(0.0, 100.0),
                service_min: if i == 0 || i == 5 { 0.0 } else { 1.0 },
                load_delta: loads[i],
            })
            .collect();
        let m = Matrix::from_fn(6, |a, b| (xs[a.0] - xs[b.0]).abs());
        Problem {
            name: "line".into(),
            nodes,
            vehicles: vec![
                Vehicle {
                    capacity: 1,
                    start_depot: NodeId(0),
                    end_depot: NodeId(5),
                    time_window: TimeWindow::new(0.0, 100.0),
                    max_duration_min: 100.0,
                    fixed_cost: 0.0,
                    cost_per_duration_min: 0.0,
                };
                2
            ],
            requests: vec![
                Request {
                    pickup: NodeId(1),
                    delivery: NodeId(3),
                    max_ride_min: 10.0,
                    unserved_penalty: 50.0,
                },
                Request {
                    pickup: NodeId(2),
                    delivery: NodeId(4),
                    max_ride_min: 10.0,
                    unserved_penalty: 50.0,
                },
            ],
            travel_min: m.clone(),
            cost: m,
            one_call_per_location: false,
        }
    }

    fn route(vehicle: usize, visits: &[usize]) -> RoutePlan {
        RoutePlan {
            vehicle: VehicleId(vehicle),
            visits: visits.iter().map(|&n| NodeId(n)).collect(),
            schedule: None,
        }
    }

    fn plan(routes: Vec<RoutePlan>) -> Solution {
        Solution {
            routes,
            unserved: vec![],
        }
    }

    #[test]
    fn feasible_plan_passes_with_correct_cost() {
        let p = line_problem();
        let s = plan(vec![route(0, &[1, 3]), route(1, &[2, 4])]);
        let r = check(&p, &s).expect("valid problem");
        assert!(r.is_complete(), "{:?}", r.violations);
        assert!((r.arc_cost - 14.0).abs() < 1e-9);
        assert_eq!(r.vehicles_used, 2);
    }

    #[test]
    fn over_capacity_is_rejected() {
        let p = line_problem();
        let s = plan(vec![route(0, &[1, 2, 3, 4])]);
        let r = check(&p, &s).expect("valid problem");
        assert!(
            r.violations
                .iter()
                .any(|v| matches!(v, Violation::Capacity { load: 2, .. }))
        );
    }

    #[test]
    fn late_arrival_is_rejected() {
        let mut p = line_problem();
        p.nodes[4].time_window = TimeWindow::new(0.0, 3.0);
        let s = plan(vec![route(0, &[1, 3]), route(1, &[2, 4])]);
        let r = check(&p, &s).expect("valid problem");
        assert!(r.violations.iter().any(|v| matches!(
            v,
            Violation::LateService {
                node: NodeId(4),
                ..
            }
        )));
    }

    /// Issue 12: a bus departure calls at each stop once; coming back to a stop it left is a
    /// violation where the problem asks for one call per location (a bus line), not elsewhere.
    #[test]
    fn returning_to_a_location_is_rejected_when_one_call_is_asked() {
        let mut p = line_problem();
        p.vehicles[0].capacity = 2;
        // The second delivery (node 4) is where the first pickup (node 1) was.
        p.nodes[4].location = LocationId(1);
        let back = plan(vec![route(0, &[1, 2, 3, 4])]);
        let returns = |p: &Problem| {
            check(p, &back)
                .expect("valid problem")
                .violations
                .iter()
                .any(|v| {
                    matches!(
                        v,
                        Violation::ReturnsToLocation {
                            node: NodeId(4),
                            ..
                        }
                    )
                })
        };
        assert!(!returns(&p));
        p.one_call_per_location = true;
        assert!(returns(&p));
        // Two calls in a row at one location are one call.
        let mut p = line_problem();
        p.vehicles[0].capacity = 2;
        p.one_call_per_location = true;
        p.nodes[3].location = LocationId(2);
        let r = check(&p, &back).expect("valid problem");
        assert!(
            !r.violations
                .iter()
                .any(|v| matches!(v, Violation::ReturnsToLocation { .. })),
            "{:?}",
            r.violations
        );
        // Once the bus is empty, its next departure may call there again.
        let mut p = line_problem();
        p.one_call_per_location = true;
        p.nodes[2].location = LocationId(1);
        let again = plan(vec![route(0, &[1, 3, 2, 4])]);
        let r = check(&p, &again).expect("valid problem");
        assert!(
            !r.violations
                .iter()
                .any(|v| matches!(v, Violation::ReturnsToLocation { .. })),
            "{:?}",
            r.violations
        );
    }

    #[test]
    fn ride_too_long_is_rejected() {
        let mut p = line_problem();
        p.vehicles[0].capacity = 2;
        p.requests[0].max_ride_min = 3.0;
        // 1 -> 2 -> 3: ride of request 0 = 1 + 1 (service at 2) + 1 = 3 is fine;
        // 1 -> 2 -> 4 -> 3: 1 + 1 + 2 + 1 + 1 = 6 > 3.
        let ok = plan(vec![route(0, &[1, 2, 3, 4])]);
        assert!(check(&p, &ok).expect("valid").is_complete());
        let bad = plan(vec![route(0, &[1, 2, 4, 3])]);
        let r = check(&p, &bad).expect("valid problem");
        assert!(r.violations.iter().any(|v| matches!(
            v,
            Violation::RideTime {
                request: RequestId(0),
                ..
            }
        )));
    }

    #[test]
    fn delivery_before_pickup_is_rejected() {
        let p = line_problem();
        let s = plan(vec![route(0, &[3, 1]), route(1, &[2, 4])]);
        let r = check(&p, &s).expect("valid problem");
        assert!(r.violations.iter().any(|v| matches!(
            v,
            Violation::DeliveryBeforePickup {
                request: RequestId(0)
            }
        )));
    }

    #[test]
    fn missing_duplicate_and_split_requests_are_rejected() {
        let p = line_problem();
        let s = plan(vec![route(0, &[1, 3, 1])]);
        let r = check(&p, &s).expect("valid problem");
        assert!(
            r.violations
                .contains(&Violation::VisitedTwice { node: NodeId(1) })
        );
        assert!(r.violations.contains(&Violation::Missing {
            request: RequestId(1)
        }));
        let s = plan(vec![route(0, &[1, 4]), route(1, &[2, 3])]);
        let r = check(&p, &s).expect("valid problem");
        assert!(r.violations.contains(&Violation::Unpaired {
            request: RequestId(0)
        }));
        let s = plan(vec![route(0, &[1, 3]), route(0, &[2, 4])]);
        let r = check(&p, &s).expect("valid problem");
        assert!(r.violations.contains(&Violation::VehicleUsedTwice {
            vehicle: VehicleId(0)
        }));
    }

    #[test]
    fn declared_unserved_is_feasible_but_incomplete() {
        let p = line_problem();
        let s = Solution {
            routes: vec![route(0, &[1, 3])],
            unserved: vec![Unserved {
                request: RequestId(1),
                reason: UnservedReason::NoFeasibleInsertion,
            }],
        };
        let r = check(&p, &s).expect("valid problem");
        assert!(r.is_feasible());
        assert!(!r.is_complete());
        assert!((r.objective - (6.0 + 50.0)).abs() < 1e-9);
    }

    #[test]
    fn duration_limit_is_enforced() {
        let mut p = line_problem();
        p.vehicles[0].max_duration_min = 7.0;
        let s = plan(vec![route(0, &[1, 3]), route(1, &[2, 4])]);
        let r = check(&p, &s).expect("valid problem");
        // Route 0: 1 + 1 + 2 + 1 + 3 = 8 minutes > 7.
        assert!(r.violations.iter().any(|v| matches!(
            v,
            Violation::Duration {
                vehicle: VehicleId(0),
                ..
            }
        )));
    }

    #[test]
    fn departure_is_delayed_to_cut_waiting() {
        let mut p = line_problem();
        p.nodes[1].time_window = TimeWindow::new(20.0, 30.0);
        p.vehicles[0].max_duration_min = 10.0;
        let s = plan(vec![route(0, &[1, 3]), route(1, &[2, 4])]);
        let r = check(&p, &s).expect("valid problem");
        assert!(r.is_complete(), "{:?}", r.violations);
        assert!((r.routes[0].schedule.departure_min - 19.0).abs() < 1e-9);
        assert!((r.routes[0].duration_min - 8.0).abs() < 1e-9);
    }

    #[test]
    fn pickup_is_delayed_to_cut_ride_time() {
        let mut p = line_problem();
        // Delivery 3 opens at 30; ride limit 5 forces the pickup to wait.
        p.nodes[3].time_window = TimeWindow::new(30.0, 40.0);
        p.requests[0].max_ride_min = 5.0;
        // Request 1 first so that the depot departure cannot absorb it all.
        p.nodes[2].time_window = TimeWindow::new(0.0, 3.0);
        p.nodes[4].time_window = TimeWindow::new(0.0, 10.0);
        p.vehicles[0].capacity = 2;
        let s = plan(vec![route(0, &[2, 4, 1, 3])]);
        let r = check(&p, &s).expect("valid problem");
        assert!(r.is_complete(), "{:?}", r.violations);
        let ride = r.ride_min.iter().find(|(q, _)| q.0 == 0).map(|x| x.1);
        assert!(ride.is_some_and(|x| x <= 5.0 + 1e-9), "{ride:?}");
    }

    #[test]
    fn given_schedule_is_verified() {
        let p = line_problem();
        let mut s = plan(vec![route(0, &[1, 3]), route(1, &[2, 4])]);
        s.routes[0].schedule = Some(Schedule {
            departure_min: 0.0,
            service_start_min: vec![1.0, 4.0],
            arrival_min: 8.0,
        });
        assert!(check(&p, &s).expect("valid").is_complete());
        // Teleporting: service at node 3 before the vehicle can get there.
        s.routes[0].schedule = Some(Schedule {
            departure_min: 0.0,
            service_start_min: vec![1.0, 2.0],
            arrival_min: 8.0,
        });
        let r = check(&p, &s).expect("valid");
        assert!(
            r.violations
                .iter()
                .any(|v| matches!(v, Violation::Unreachable { position: 1, .. }))
        );
    }
}
