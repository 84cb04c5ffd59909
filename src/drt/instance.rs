//! Generic dial-a-ride problem model, independent of any benchmark format.
//!
//! A [`Problem`] is a set of [`Node`]s (depots, pickups, deliveries) placed at
//! locations, a heterogeneous fleet of [`Vehicle`]s with their own depots, time
//! windows, capacities and costs, and a list of [`Request`]s pairing a pickup
//! node with a delivery node under a maximum ride time. Travel times and arc
//! costs are dense matrices indexed by [`LocationId`], so many nodes may share a
//! location (for instance every delivery at one industrial-park gate).
//!
//! Times are minutes (`_min`), loads are seats. The objective minimised by the
//! optimiser and recomputed by the checker is
//!
//! ```text
//!   Σ arc costs of the routes
//! + Σ fixed_cost of every used vehicle
//! + Σ cost_per_duration_min × route duration (end arrival − start departure)
//! + Σ unserved_penalty of the requests left unserved
//! ```
//!
//! A [`Solution`] lists one [`RoutePlan`] per used vehicle (visits exclude the
//! depots) and the unserved requests with an [`UnservedReason`].

use std::fmt;

/// Index of a node in [`Problem::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub usize);

/// Index of a request in [`Problem::requests`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub usize);

/// Index of a vehicle in [`Problem::vehicles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VehicleId(pub usize);

/// Index of a row/column of the travel-time and cost matrices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocationId(pub usize);

/// A closed interval of admissible times, in minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeWindow {
    /// Earliest admissible time (minutes).
    pub earliest_min: f64,
    /// Latest admissible time (minutes).
    pub latest_min: f64,
}

impl TimeWindow {
    /// A window `[earliest_min, latest_min]`.
    pub fn new(earliest_min: f64, latest_min: f64) -> Self {
        Self {
            earliest_min,
            latest_min,
        }
    }

    /// A window that never binds.
    pub fn unbounded() -> Self {
        Self::new(f64::NEG_INFINITY, f64::INFINITY)
    }

    /// Intersection of two windows (may be empty, i.e. `earliest > latest`).
    pub fn intersect(&self, other: &TimeWindow) -> TimeWindow {
        TimeWindow::new(
            self.earliest_min.max(other.earliest_min),
            self.latest_min.min(other.latest_min),
        )
    }
}

/// A dense square matrix indexed by [`LocationId`] (row = from, column = to).
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    size: usize,
    values: Vec<f64>,
}

impl Matrix {
    /// Builds a matrix from row-major values; `values.len()` must be `size²`.
    pub fn new(size: usize, values: Vec<f64>) -> Result<Self, ModelError> {
        if values.len() != size * size {
            return Err(ModelError::MatrixShape {
                size,
                len: values.len(),
            });
        }
        Ok(Self { size, values })
    }

    /// Builds a `size × size` matrix from a function `(from, to) -> value`.
    pub fn from_fn(size: usize, mut f: impl FnMut(LocationId, LocationId) -> f64) -> Self {
        let mut values = Vec::with_capacity(size * size);
        for from in 0..size {
            for to in 0..size {
                values.push(f(LocationId(from), LocationId(to)));
            }
        }
        Self { size, values }
    }

    /// Number of locations (rows = columns).
    pub fn size(&self) -> usize {
        self.size
    }

    /// Value of the arc `from → to`. Panics only if an id is out of range,
    /// which [`Problem::validate`] rules out for every id it references.
    pub fn get(&self, from: LocationId, to: LocationId) -> f64 {
        self.values[from.0 * self.size + to.0]
    }

    /// Row-major values.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

/// A stop: a depot, a pickup or a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the stop is (row of the matrices).
    pub location: LocationId,
    /// Window for the start of service (minutes).
    pub time_window: TimeWindow,
    /// Service duration (minutes).
    pub service_min: f64,
    /// Change of the vehicle load when serving the node (seats; +q at a
    /// pickup, −q at its delivery, 0 at a depot).
    pub load_delta: i32,
}

/// A vehicle of the (heterogeneous) fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct Vehicle {
    /// Seats.
    pub capacity: u32,
    /// Node where the route starts (load 0, usually service 0).
    pub start_depot: NodeId,
    /// Node where the route ends.
    pub end_depot: NodeId,
    /// Departure from the start depot and arrival at the end depot must lie
    /// within this window (intersected with the depot nodes' own windows).
    pub time_window: TimeWindow,
    /// Maximum route duration, arrival at end depot − departure from start
    /// depot (minutes).
    pub max_duration_min: f64,
    /// Cost charged once if the vehicle serves at least one request.
    pub fixed_cost: f64,
    /// Cost per minute of route duration (vehicle-minutes objective).
    pub cost_per_duration_min: f64,
}

/// A transport request: a pickup and a delivery served by the same vehicle.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Pickup node (positive load delta).
    pub pickup: NodeId,
    /// Delivery node (the opposite load delta).
    pub delivery: NodeId,
    /// Maximum ride time: start of service at the delivery minus departure
    /// from the pickup (start of service + service time), minutes.
    pub max_ride_min: f64,
    /// Cost added to the objective when the request is left unserved.
    pub unserved_penalty: f64,
}

/// What a node is used for, derived from the requests and vehicles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRole {
    /// Start or end depot of at least one vehicle.
    Depot,
    /// Pickup node of a request.
    Pickup(RequestId),
    /// Delivery node of a request.
    Delivery(RequestId),
    /// Referenced by nothing.
    Unused,
}

/// A complete dial-a-ride instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Human-readable name (file stem for benchmark instances).
    pub name: String,
    /// All nodes; ids are indices into this vector.
    pub nodes: Vec<Node>,
    /// The fleet; every vehicle may be used at most once.
    pub vehicles: Vec<Vehicle>,
    /// The requests.
    pub requests: Vec<Request>,
    /// Travel time between locations (minutes).
    pub travel_min: Matrix,
    /// Arc cost between locations (objective units).
    pub cost: Matrix,
    /// A route may not come back to a location it has left (a bus line calls at each stop
    /// once per departure: several requests at one stop are served in one call). Off for
    /// the benchmark instances.
    pub one_call_per_location: bool,
}

/// Structural errors of a [`Problem`] detected by [`Problem::validate`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// A matrix was built with the wrong number of values.
    #[error("matrix of size {size} needs {} values, got {len}", size * size)]
    MatrixShape {
        /// Declared size.
        size: usize,
        /// Number of values given.
        len: usize,
    },
    /// Travel and cost matrices differ in size.
    #[error("travel matrix has {travel} locations but cost matrix has {cost}")]
    MatrixMismatch {
        /// Size of the travel matrix.
        travel: usize,
        /// Size of the cost matrix.
        cost: usize,
    },
    /// A node refers to a location outside the matrices.
    #[error("node {node} has location {location} outside the {size}-location matrices")]
    LocationOutOfRange {
        /// Node index.
        node: usize,
        /// Offending location.
        location: usize,
        /// Matrix size.
        size: usize,
    },
    /// A request or vehicle refers to a node that does not exist.
    #[error("{what} refers to node {node}, but there are only {count} nodes")]
    NodeOutOfRange {
        /// Description of the referencing item.
        what: String,
        /// Offending node index.
        node: usize,
        /// Number of nodes.
        count: usize,
    },
    /// A node is used twice (e.g. as the pickup of two requests).
    #[error("node {node} is used by more than one request or as both depot and request node")]
    NodeReused {
        /// Offending node index.
        node: usize,
    },
    /// Pickup load is not positive or delivery load is not its opposite.
    #[error(
        "request {request}: pickup load {pickup_load} and delivery load {delivery_load} must be +q and −q with q > 0"
    )]
    BadLoad {
        /// Request index.
        request: usize,
        /// Load delta at the pickup.
        pickup_load: i32,
        /// Load delta at the delivery.
        delivery_load: i32,
    },
    /// A depot node has a non-zero load delta.
    #[error("depot node {node} has non-zero load delta")]
    DepotLoad {
        /// Offending node index.
        node: usize,
    },
    /// A numeric field is NaN or negative where it must not be.
    #[error("{what} is invalid: {value}")]
    BadNumber {
        /// Description of the field.
        what: String,
        /// Offending value.
        value: f64,
    },
}

impl Problem {
    /// Number of requests.
    pub fn request_count(&self) -> usize {
        self.requests.len()
    }

    /// Location of a node.
    pub fn location(&self, node: NodeId) -> LocationId {
        self.nodes[node.0].location
    }

    /// Travel time between two nodes (minutes).
    pub fn travel_min(&self, from: NodeId, to: NodeId) -> f64 {
        self.travel_min.get(self.location(from), self.location(to))
    }

    /// Arc cost between two nodes.
    pub fn arc_cost(&self, from: NodeId, to: NodeId) -> f64 {
        self.cost.get(self.location(from), self.location(to))
    }

    /// Role of every node (depot / pickup / delivery / unused), indexed by node.
    pub fn roles(&self) -> Vec<NodeRole> {
        let mut roles = vec![NodeRole::Unused; self.nodes.len()];
        for v in &self.vehicles {
            for n in [v.start_depot, v.end_depot] {
                if let Some(r) = roles.get_mut(n.0) {
                    *r = NodeRole::Depot;
                }
            }
        }
        for (i, r) in self.requests.iter().enumerate() {
            if let Some(x) = roles.get_mut(r.pickup.0) {
                *x = NodeRole::Pickup(RequestId(i));
            }
            if let Some(x) = roles.get_mut(r.delivery.0) {
                *x = NodeRole::Delivery(RequestId(i));
            }
        }
        roles
    }

    /// Checks the structural consistency of the model (indices in range,
    /// loads paired, no node shared between requests, numbers not NaN).
    /// The optimiser and the checker call this first.
    pub fn validate(&self) -> Result<(), ModelError> {
        let size = self.travel_min.size();
        if self.cost.size() != size {
            return Err(ModelError::MatrixMismatch {
                travel: size,
                cost: self.cost.size(),
            });
        }
        for (what, m) in [
            ("travel matrix", &self.travel_min),
            ("cost matrix", &self.cost),
        ] {
            if let Some(v) = m.values().iter().find(|v| v.is_nan() || **v < 0.0) {
                return Err(ModelError::BadNumber {
                    what: what.to_string(),
                    value: *v,
                });
            }
        }
        let count = self.nodes.len();
        for (i, n) in self.nodes.iter().enumerate() {
            if n.location.0 >= size {
                return Err(ModelError::LocationOutOfRange {
                    node: i,
                    location: n.location.0,
                    size,
                });
            }
            for (what, v) in [
                ("service time", n.service_min),
                ("time window start", n.time_window.earliest_min),
                ("time window end", n.time_window.latest_min),
            ] {
                if v.is_nan() || (what == "service time" && v < 0.0) {
                    return Err(ModelError::BadNumber {
                        what: format!("node {i} {what}"),
                        value: v,
                    });
                }
            }
        }
        let mut used = vec![false; count];
        let check = |what: String, n: NodeId| {
            if n.0 >= count {
                Err(ModelError::NodeOutOfRange {
                    what,
                    node: n.0,
                    count,
                })
            } else {
                Ok(())
            }
        };
        for (i, v) in self.vehicles.iter().enumerate() {
            check(format!("vehicle {i} start depot"), v.start_depot)?;
            check(format!("vehicle {i} end depot"), v.end_depot)?;
            for n in [v.start_depot, v.end_depot] {
                if self.nodes[n.0].load_delta != 0 {
                    return Err(ModelError::DepotLoad { node: n.0 });
                }
                used[n.0] = true;
            }
            for (what, x) in [
                ("max duration", v.max_duration_min),
                ("fixed cost", v.fixed_cost),
                ("cost per duration", v.cost_per_duration_min),
            ] {
                if x.is_nan() || x < 0.0 {
                    return Err(ModelError::BadNumber {
                        what: format!("vehicle {i} {what}"),
                        value: x,
                    });
                }
            }
        }
        for (i, r) in self.requests.iter().enumerate() {
            check(format!("request {i} pickup"), r.pickup)?;
            check(format!("request {i} delivery"), r.delivery)?;
            for n in [r.pickup, r.delivery] {
                if used[n.0] || r.pickup == r.delivery {
                    return Err(ModelError::NodeReused { node: n.0 });
                }
                used[n.0] = true;
            }
            let (lp, ld) = (
                self.nodes[r.pickup.0].load_delta,
                self.nodes[r.delivery.0].load_delta,
            );
            if lp <= 0 || ld != -lp {
                return Err(ModelError::BadLoad {
                    request: i,
                    pickup_load: lp,
                    delivery_load: ld,
                });
            }
            for (what, x) in [
                ("max ride time", r.max_ride_min),
                ("unserved penalty", r.unserved_penalty),
            ] {
                if x.is_nan() || x < 0.0 {
                    return Err(ModelError::BadNumber {
                        what: format!("request {i} {what}"),
                        value: x,
                    });
                }
            }
        }
        Ok(())
    }
}

/// Times of one route, as planned by the optimiser (or given to the checker).
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Departure from the start depot (minutes).
    pub departure_min: f64,
    /// Start of service at each visit, parallel to [`RoutePlan::visits`].
    pub service_start_min: Vec<f64>,
    /// Arrival at the end depot (minutes).
    pub arrival_min: f64,
}

/// The route of one vehicle.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutePlan {
    /// Vehicle driving the route.
    pub vehicle: VehicleId,
    /// Pickup and delivery nodes in visiting order, depots excluded.
    pub visits: Vec<NodeId>,
    /// Optional times; the checker verifies them if present and computes its
    /// own schedule otherwise.
    pub schedule: Option<Schedule>,
}

/// Why a request is left unserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnservedReason {
    /// Its load exceeds the capacity of every vehicle.
    ExceedsCapacity,
    /// No vehicle can serve it even alone (time windows, ride time, route
    /// duration or depot windows cannot be met).
    InfeasibleAlone,
    /// It fits alone but the search found no feasible insertion alongside the
    /// other requests (or dropping it was cheaper than its penalty).
    NoFeasibleInsertion,
}

impl fmt::Display for UnservedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnservedReason::ExceedsCapacity => "load exceeds every vehicle's capacity",
            UnservedReason::InfeasibleAlone => "no vehicle can serve it even alone",
            UnservedReason::NoFeasibleInsertion => {
                "no feasible insertion found next to other requests"
            }
        })
    }
}

/// A request left unserved, with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Unserved {
    /// The request.
    pub request: RequestId,
    /// Why.
    pub reason: UnservedReason,
}

/// A solution: routes of the used vehicles plus the unserved requests.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Solution {
    /// One route per used vehicle.
    pub routes: Vec<RoutePlan>,
    /// Requests left unserved.
    pub unserved: Vec<Unserved>,
}

impl Solution {
    /// The same routes with every schedule removed (so that a checker
    /// recomputes the times itself).
    pub fn without_schedules(&self) -> Solution {
        Solution {
            routes: self
                .routes
                .iter()
                .map(|r| RoutePlan {
                    vehicle: r.vehicle,
                    visits: r.visits.clone(),
                    schedule: None,
                })
                .collect(),
            unserved: self.unserved.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Problem {
        let nodes = vec![
            Node {
                location: LocationId(0),
                time_window: TimeWindow::new(0.0, 100.0),
                service_min: 0.0,
                load_delta: 0,
            },
            Node {
                location: LocationId(1),
                time_window: TimeWindow::new(0.0, 100.0),
                service_min: 1.0,
                load_delta: 1,
            },
            Node {
                location: LocationId(2),
                time_window: TimeWindow::new(0.0, 100.0),
                service_min: 1.0,
                load_delta: -1,
            },
        ];
        let m = Matrix::from_fn(3, |a, b| (a.0 as f64 - b.0 as f64).abs());
        Problem {
            name: "tiny".into(),
            nodes,
            vehicles: vec![Vehicle {
                capacity: 1,
                start_depot: NodeId(0),
                end_depot: NodeId(0),
                time_window: TimeWindow::new(0.0, 100.0),
                max_duration_min: 100.0,
                fixed_cost: 0.0,
                cost_per_duration_min: 0.0,
            }],
            requests: vec![Request {
                pickup: NodeId(1),
                delivery: NodeId(2),
                max_ride_min: 10.0,
                unserved_penalty: 1000.0,
            }],
            travel_min: m.clone(),
            cost: m,
            one_call_per_location: false,
        }
    }

    #[test]
    fn valid_problem_passes() {
        let p = tiny();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.travel_min(NodeId(0), NodeId(2)), 2.0);
        assert_eq!(
            p.roles(),
            vec![
                NodeRole::Depot,
                NodeRole::Pickup(RequestId(0)),
                NodeRole::Delivery(RequestId(0))
            ]
        );
    }

    #[test]
    fn bad_matrix_shape_is_rejected() {
        assert!(matches!(
            Matrix::new(2, vec![0.0; 3]),
            Err(ModelError::MatrixShape { size: 2, len: 3 })
        ));
    }

    #[test]
    fn unpaired_loads_are_rejected() {
        let mut p = tiny();
        p.nodes[2].load_delta = -2;
        assert!(matches!(p.validate(), Err(ModelError::BadLoad { .. })));
    }

    #[test]
    fn out_of_range_node_is_rejected() {
        let mut p = tiny();
        p.requests[0].delivery = NodeId(7);
        assert!(matches!(
            p.validate(),
            Err(ModelError::NodeOutOfRange { node: 7, .. })
        ));
    }

    #[test]
    fn time_window_intersection() {
        let w = TimeWindow::new(0.0, 10.0).intersect(&TimeWindow::new(5.0, 20.0));
        assert_eq!(w, TimeWindow::new(5.0, 10.0));
        assert!(TimeWindow::unbounded().latest_min.is_infinite());
    }
}
