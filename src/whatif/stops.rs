//! The bus stops of a what-if session and the figures a stop edit changes at once.
//!
//! The session keeps the scenario's pick-up stops (at first the baseline plan's, the parks'
//! gate stops excluded: the planner adds those itself), ids `S<n>` as in the layer
//! `bus_stops`. A stop stands on the bus network: it is snapped with the rule the planner uses
//! for OSM and given stops (the bus vertex at the nearer end of the bus road within
//! `osm_stop_m`), so the vertex recorded here is the one a re-plan boards at.
//!
//! **Exact immediate figure.** Per park, the workers of the bus sample who can walk to a stop
//! within `max_walk_m`: each booking's walk search to the bus vertices (the planner's step 1,
//! the same snap and bounded search) is run once when the session starts and kept as an index
//! vertex → bookings, so an edit only marks the bookings of the stops' vertices (well under a
//! millisecond). The bus lines themselves are re-planned on request ([`super::Session::replan_lines`]);
//! until then the lines an edit may change are marked stale: those calling at the edited stop,
//! the line it was added to, and every line serving a park whose workers can walk to the old or
//! new place of the stop (only their riders can board differently).

use std::collections::{BTreeSet, HashMap};

use geo::Coord;

use crate::drt::given_stops::{GivenStop, check_given_stops};
use crate::drt::lines::{LineOptions, LinePlan};
use crate::graph::{Mode, RoadGraph, VertexId};
use crate::places::ZoneId;
use crate::places::demand::Booking;
use crate::routing::{Direction, bounded_search, par_map};

/// One pick-up stop of the edited scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct EditStop {
    /// `S<n>`.
    pub code: String,
    /// Its name (the code for an added stop).
    pub name: String,
    /// Where it stands, WGS-84.
    pub location: Coord,
    /// The bus vertex it is snapped to.
    pub vertex: VertexId,
    /// The line it was added to (display only: the planner assigns stops to lines).
    pub line: Option<String>,
}

/// The stop part of a session's state, swapped whole by undo and redo.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StopState {
    /// The pick-up stops.
    pub stops: Vec<EditStop>,
    /// Whether the stops were edited since the lines were planned from the planner's own
    /// choice: a re-plan and a saved scenario then use exactly these stops.
    pub given: bool,
    /// Codes of the lines a stop or park edit may have changed since they were planned.
    pub stale: BTreeSet<String>,
}

impl StopState {
    /// The pick-up stops of a plan (gate stops excluded); when the plan was made from given
    /// stops, all of those (a given stop nobody walks to is still the planner's).
    pub fn of_plan(graph: &RoadGraph, plan: &LinePlan, given: Option<&[GivenStop]>) -> StopState {
        let stops = match given {
            Some(given) => check_given_stops(graph, given, &plan.options)
                .into_iter()
                .zip(given)
                .filter_map(|(v, g)| {
                    Some(EditStop {
                        code: g.code.clone(),
                        name: g.name.clone(),
                        location: g.location,
                        vertex: v.ok()?,
                        line: None,
                    })
                })
                .collect(),
            None => plan
                .stops
                .iter()
                .filter(|s| s.gate_of.is_none())
                .map(|s| EditStop {
                    code: s.code.clone(),
                    name: s.name.clone(),
                    location: s.location,
                    vertex: s.vertex,
                    line: None,
                })
                .collect(),
        };
        StopState {
            stops,
            given: given.is_some(),
            stale: BTreeSet::new(),
        }
    }

    /// The stops as the planner takes them.
    pub fn given_stops(&self) -> Vec<GivenStop> {
        self.stops
            .iter()
            .map(|s| GivenStop {
                code: s.code.clone(),
                name: s.name.clone(),
                location: s.location,
            })
            .collect()
    }

    /// The stop with this id (case-insensitive), by index.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.stops
            .iter()
            .position(|s| s.code.eq_ignore_ascii_case(id.trim()))
    }

    /// The highest `S<n>` number in use.
    pub fn max_number(&self) -> u32 {
        self.stops
            .iter()
            .filter_map(|s| s.code.strip_prefix('S')?.parse().ok())
            .max()
            .unwrap_or(0)
    }
}

/// The bus vertex a stop at `at` boards at, by the rule the planner applies to given stops
/// ([`crate::drt::given_stops::check_given_stops`]: the nearer end of a bus road within
/// `osm_stop_m`); `None` off the bus network.
pub fn snap_stop(graph: &RoadGraph, at: Coord, options: &LineOptions) -> Option<VertexId> {
    let probe = GivenStop {
        code: String::new(),
        name: String::new(),
        location: at,
    };
    check_given_stops(graph, std::slice::from_ref(&probe), options)
        .into_iter()
        .next()?
        .ok()
}

/// Which bus vertices each booking of the bus sample can walk to within `max_walk_m`.
#[derive(Debug, Default)]
pub struct StopAccess {
    /// Per booking: its park and workers.
    bookings: Vec<(ZoneId, u32)>,
    /// Bus vertex → the bookings that can walk to it.
    by_vertex: HashMap<VertexId, Vec<u32>>,
    /// Parks (by index) in the sample.
    parks: usize,
}

impl StopAccess {
    /// Walks every booking to the bus vertices within `options.max_walk_m` (the planner's
    /// step 1: the walk snap within the limit, then a bounded walk search).
    pub fn new(graph: &RoadGraph, bookings: &[Booking], options: &LineOptions) -> StopAccess {
        let bus = graph.profile(options.roads);
        let walk_mps = graph.options.walk_kmh / 3.6;
        let max_walk_ms = (options.max_walk_m / walk_mps * 1000.0) as u32;
        let reached: Vec<Vec<VertexId>> = par_map(graph, bookings, |scratch, b| {
            let Ok(snap) = graph.snap(Mode::Walk, b.location, options.max_walk_m) else {
                return Vec::new();
            };
            let offset_ms = (snap.distance_m / walk_mps * 1000.0) as u32;
            let seeds: Vec<(VertexId, u32)> = snap
                .seeds(graph, false)
                .into_iter()
                .map(|(v, t)| (v, t.saturating_add(offset_ms)))
                .collect();
            bounded_search(
                graph.profile(Mode::Walk),
                Direction::Forward,
                &seeds,
                max_walk_ms,
                scratch,
            )
            .iter()
            .filter(|&&(v, _)| bus.contains(v))
            .map(|&(v, _)| v)
            .collect()
        });
        let mut by_vertex: HashMap<VertexId, Vec<u32>> = HashMap::new();
        for (i, vertices) in reached.iter().enumerate() {
            for &v in vertices {
                by_vertex.entry(v).or_default().push(i as u32);
            }
        }
        StopAccess {
            bookings: bookings.iter().map(|b| (b.park, b.count)).collect(),
            by_vertex,
            parks: bookings
                .iter()
                .map(|b| b.park.0 as usize + 1)
                .max()
                .unwrap_or(0),
        }
    }

    /// Per park (by index): workers of the sample, and those who can walk to one of `stops`.
    pub fn workers_per_park(&self, stops: &[EditStop]) -> Vec<(u32, u32)> {
        let mut out = vec![(0u32, 0u32); self.parks];
        for &(park, count) in &self.bookings {
            out[park.0 as usize].0 += count;
        }
        let mut reach = vec![false; self.bookings.len()];
        for s in stops {
            for &b in self.by_vertex.get(&s.vertex).map_or(&[][..], Vec::as_slice) {
                reach[b as usize] = true;
            }
        }
        for (&(park, count), _) in self.bookings.iter().zip(&reach).filter(|(_, r)| **r) {
            out[park.0 as usize].1 += count;
        }
        out
    }

    /// Parks with a worker who can walk to vertex `v`.
    pub fn parks_near(&self, v: VertexId) -> BTreeSet<ZoneId> {
        self.by_vertex
            .get(&v)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&b| self.bookings[b as usize].0)
            .collect()
    }
}

/// Codes of the lines of `plan` an edit of a stop at `vertices` (old and new places), with
/// code `code` and line `line`, may change.
pub fn lines_touched(
    plan: &LinePlan,
    access: &StopAccess,
    vertices: &[VertexId],
    code: &str,
    line: Option<&str>,
) -> BTreeSet<String> {
    let parks: BTreeSet<ZoneId> = vertices
        .iter()
        .flat_map(|&v| access.parks_near(v))
        .collect();
    plan.lines
        .iter()
        .filter(|l| {
            Some(l.code.as_str()) == line
                || l.parks.iter().any(|p| parks.contains(p))
                || l.stops
                    .iter()
                    .any(|s| plan.stops.get(s.0 as usize).is_some_and(|s| s.code == code))
        })
        .map(|l| l.code.clone())
        .collect()
}

/// Codes of the lines of `plan` serving one of `parks`.
pub fn lines_of_parks(plan: &LinePlan, parks: &[ZoneId]) -> BTreeSet<String> {
    plan.lines
        .iter()
        .filter(|l| l.parks.iter().any(|p| parks.contains(p)))
        .map(|l| l.code.clone())
        .collect()
}

/// The line a stop is shown on: the one it was added to, else the first line calling at it.
pub fn line_of(plan: &LinePlan, stop: &EditStop) -> Option<String> {
    if stop.line.is_some() {
        return stop.line.clone();
    }
    plan.lines
        .iter()
        .find(|l| {
            l.stops.iter().any(|s| {
                plan.stops
                    .get(s.0 as usize)
                    .is_some_and(|p| p.code == stop.code)
            })
        })
        .map(|l| l.code.clone())
}
