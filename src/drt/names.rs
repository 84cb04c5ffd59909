//! Names a passenger can find for the stops of a plan: the OSM stop the bus calls at, else the
//! nearest named OSM stop within [`NEAR_STOP_M`], else the named street through the stop's
//! vertex (the longest such way there), else the nearest named street within [`NEAR_STREET_M`],
//! else the stop's code.

use std::collections::{BTreeMap, HashMap};

use super::lines::{LineInputs, PlanStop};
use crate::geom::haversine_m;
use crate::graph::{RoadGraph, VertexId};
use crate::osm::OsmWayId;

/// A named OSM stop this close to a stop lends it its name, metres.
pub const NEAR_STOP_M: f64 = 150.0;
/// A named street this close to a stop (at one of its vertices) lends it its name, metres.
pub const NEAR_STREET_M: f64 = 250.0;

/// Names the pick-up stops that have no OSM stop of their own (`name_from == "code"`).
pub fn name_stops(graph: &RoadGraph, inputs: &LineInputs<'_>, stops: &mut [PlanStop]) {
    let unnamed: Vec<usize> = (0..stops.len())
        .filter(|&i| stops[i].name_from == "code")
        .collect();
    if unnamed.is_empty() {
        return;
    }
    let way_names: HashMap<OsmWayId, &str> = inputs
        .streets
        .iter()
        .filter_map(|w| Some((w.id, w.tags.name()?)))
        .collect();
    // Named ways at each vertex, with their length there.
    let mut at: BTreeMap<VertexId, BTreeMap<&str, f64>> = BTreeMap::new();
    for e in &graph.edges {
        if let Some(&name) = way_names.get(&e.way) {
            for v in [e.from, e.to] {
                *at.entry(v).or_default().entry(name).or_default() += e.length_m;
            }
        }
    }
    for i in unnamed {
        let s = &stops[i];
        if let Some(name) = near_stop(inputs, s) {
            stops[i].name = name;
            stops[i].name_from = "nearby osm stop".into();
        } else if let Some(name) = street_at(&at, s.vertex) {
            stops[i].name = name;
            stops[i].name_from = "street".into();
        } else if let Some(name) = street_near(graph, &at, s) {
            stops[i].name = name;
            stops[i].name_from = "street".into();
        }
    }
}

/// The nearest named OSM stop within [`NEAR_STOP_M`].
fn near_stop(inputs: &LineInputs<'_>, stop: &PlanStop) -> Option<String> {
    inputs
        .osm_stops
        .iter()
        .filter_map(|o| Some((haversine_m(o.location, stop.location), o.tags.name()?)))
        .filter(|(d, _)| *d <= NEAR_STOP_M)
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, n)| n.to_string())
}

/// The longest named way through `v` (ties to the name that sorts first).
fn street_at(at: &BTreeMap<VertexId, BTreeMap<&str, f64>>, v: VertexId) -> Option<String> {
    at.get(&v)?
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(n, _)| n.to_string())
}

/// The named way at the nearest vertex within [`NEAR_STREET_M`].
fn street_near(
    graph: &RoadGraph,
    at: &BTreeMap<VertexId, BTreeMap<&str, f64>>,
    stop: &PlanStop,
) -> Option<String> {
    let from = graph.vertices[stop.vertex.index()].coord;
    let v = at
        .keys()
        .map(|&v| (haversine_m(graph.vertices[v.index()].coord, from), v))
        .filter(|(d, _)| *d <= NEAR_STREET_M)
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))?
        .1;
    street_at(at, v)
}
