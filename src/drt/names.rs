//! Names a passenger can find for the stops of a plan: the OSM stop the bus calls at, else the
//! nearest named OSM stop within [`NEAR_STOP_M`] that is not itself a stop of the plan (two
//! stops of one line must not share a name), else the named street through the stop's
//! vertex (the longest such way there), else the nearest named street within [`NEAR_STREET_M`],
//! else the stop's code. Stops that still share a name get the cross street at their vertex
//! ("Steg / Kohlmahd"), else a number ("Steg 2"), so no two stops read alike.

use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    let served: BTreeSet<i64> = stops.iter().filter_map(|s| s.osm).collect();
    for i in unnamed {
        let s = &stops[i];
        if let Some(name) = near_stop(inputs, s, &served) {
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
    let cross = |i: usize| {
        let base = stops[i].name.as_str();
        at.get(&stops[i].vertex)?
            .iter()
            .filter(|(n, _)| **n != base)
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(n, _)| n.to_string())
    };
    let crosses: Vec<Option<String>> = (0..stops.len()).map(cross).collect();
    distinguish(stops, |i| crosses[i].clone());
}

/// Gives every stop but the first of each shared name (gates keep theirs) the cross street
/// `cross(i)` ("Steg / Kohlmahd"), else, or if that is taken too, a number ("Steg 2").
fn distinguish(stops: &mut [PlanStop], cross: impl Fn(usize) -> Option<String>) {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, stop) in stops.iter_mut().enumerate() {
        if stop.gate_of.is_some() {
            taken.insert(stop.name.clone());
            continue;
        }
        let base = stop.name.clone();
        let n = seen.entry(base.clone()).or_default();
        *n += 1;
        if *n > 1 || taken.contains(&base) {
            let with_cross = cross(i).map(|c| format!("{base} / {c}"));
            let mut name = with_cross.filter(|c| !taken.contains(c));
            let mut k = *n - 1;
            while name.is_none() {
                k += 1;
                name = Some(format!("{base} {k}")).filter(|c| !taken.contains(c));
            }
            stop.name = name.unwrap_or(base);
        }
        taken.insert(stop.name.clone());
    }
}

/// Names the stops still called by their code (no OSM stop or street near enough for
/// [`name_stops`]) by where they are in the extract: the nearest crossing of named streets
/// ("A / B", `name_from = "crossing"`), else a named street, else the nearest named place
/// (`place=*` within [`crate::places::names::PLACE_RADIUS_M`], `name_from = "place"`), so
/// that a code ("S38") is kept only when nothing named is near. Names stay unique.
pub fn name_by_whereabouts(stops: &mut [PlanStop], extract: &crate::osm::OsmExtract) {
    use crate::places::names::{NameIndex, Whereabouts};
    let coded: Vec<usize> = (0..stops.len())
        .filter(|&i| stops[i].name_from == "code")
        .collect();
    if coded.is_empty() {
        return;
    }
    // Only the neighbourhood of those stops: a province's extract is large.
    let pad_deg = 0.03; // > PLACE_RADIUS_M (2 km) at any latitude up to 60°
    let (mut lo, mut hi) = (stops[coded[0]].location, stops[coded[0]].location);
    for &i in &coded {
        let c = stops[i].location;
        (lo.x, lo.y, hi.x, hi.y) = (lo.x.min(c.x), lo.y.min(c.y), hi.x.max(c.x), hi.y.max(c.y));
    }
    let within = geo::Rect::new(
        geo::Coord {
            x: lo.x - 2.0 * pad_deg,
            y: lo.y - pad_deg,
        },
        geo::Coord {
            x: hi.x + 2.0 * pad_deg,
            y: hi.y + pad_deg,
        },
    );
    let index = NameIndex::new(extract, &["name"], Some(within));
    for i in coded {
        let (name, from) = match index.whereabouts(stops[i].location) {
            Some(Whereabouts::Junction { a, b, .. }) => (format!("{a} / {b}"), "crossing"),
            Some(Whereabouts::Street { name, .. }) => (name, "street"),
            Some(Whereabouts::Place { name, .. }) => (name, "place"),
            None => continue,
        };
        stops[i].name = name;
        stops[i].name_from = from.into();
    }
    distinguish(stops, |_| None);
}

/// The nearest named OSM stop within [`NEAR_STOP_M`] that the plan does not call at itself.
fn near_stop(inputs: &LineInputs<'_>, stop: &PlanStop, served: &BTreeSet<i64>) -> Option<String> {
    inputs
        .osm_stops
        .iter()
        .filter(|o| !served.contains(&o.id.0))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn stop(name: &str) -> PlanStop {
        PlanStop {
            code: String::new(),
            name: name.into(),
            name_from: "street".into(),
            vertex: VertexId(0),
            location: geo::Coord { x: 9.5, y: 47.1 },
            osm: None,
            gate_of: None,
            boardings: 0,
        }
    }

    /// Issue 12: two stops of the demo's line along Steg were both "Steg", which reads as
    /// one stop called twice; each stop gets a name of its own.
    #[test]
    fn stops_sharing_a_name_are_told_apart() {
        let mut stops: Vec<PlanStop> = ["Steg", "Steg", "Steg", "Kohlmahd", "Steg 2"]
            .iter()
            .map(|n| stop(n))
            .collect();
        distinguish(&mut stops, |i| (i == 1).then(|| "Kohlmahd".to_string()));
        let names: Vec<&str> = stops.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["Steg", "Steg / Kohlmahd", "Steg 3", "Kohlmahd", "Steg 2"]
        );
        let distinct: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(distinct.len(), names.len());
    }
}
