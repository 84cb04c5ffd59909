//! Where the bus-line planner's OSM stops lie on the networks (issue 13, exact times on the
//! edge). An OSM stop is keyed by the bus vertex nearest it on its edge (the edge end within
//! [`super::lines::LineOptions::osm_stop_m`], as the stop cover and the stop names use it),
//! but it is *timed* at its own snapped point: the walk from a home ends at the stop's point
//! on the walk network (straight along the edge when the home is on the same edge), and the
//! bus legs between stops start and end at the stop's point on the bus network, the edge split
//! virtually by [`Snap::seeds`] — the way the commute stage times homes and bus stops.
//!
//! What still runs via the key vertex: the road path drawn for a line and its length (the
//! vehicle-km behind the cost), at most [`super::lines::LineOptions::osm_stop_m`] longer or
//! shorter per stop call; and a stop whose point has no walk road within that distance, which
//! is walked to at its key vertex as before. A park's gate whose vertex is the key of an OSM
//! stop somebody boards at is that stop (served at its point, within `osm_stop_m` of the gate
//! vertex), as it was before.

use std::collections::{BTreeMap, BTreeSet};

use super::lines::PlanStop;
use crate::geom::haversine_m;
use crate::graph::{EdgeId, Mode, RoadGraph, Snap, VertexId};
use crate::osm::BusStop;
use crate::routing::SearchScratch;
use geo::Coord;

/// A stop closer than this to its key vertex is at the vertex, metres (a planner's file
/// gives coordinates to 7 decimals, ~1 cm).
const AT_VERTEX_M: f64 = 0.5;

/// One OSM stop's points on the bus and walk networks.
struct StopSite {
    /// The stop's own point (an OSM stop's node, or a planner-given stop's point).
    at: Coord,
    /// Its point on the bus network (the mode the vehicles drive on).
    bus: Snap,
    /// Its point on the walk network, when a walk road is near enough.
    walk: Option<Snap>,
}

/// The OSM stops the planner may call at, by key vertex, with indexes to find the ones a
/// walking search reaches.
pub(super) struct StopSites {
    by_key: BTreeMap<VertexId, StopSite>,
    /// Walk vertex → the keys of the stops whose walk edge ends there.
    walk_ends: BTreeMap<VertexId, Vec<VertexId>>,
    /// Walk edge → the keys of the stops on it.
    walk_edges: BTreeMap<EdgeId, Vec<VertexId>>,
}

impl StopSites {
    /// Snaps every keyed OSM stop (`osm_at`, from `osm_stop_vertices`) onto the `roads`
    /// network and the walk network, each within `osm_stop_m`.
    pub fn new(
        graph: &RoadGraph,
        osm_at: &BTreeMap<VertexId, &BusStop>,
        roads: Mode,
        osm_stop_m: f64,
    ) -> Self {
        let mut sites = StopSites {
            by_key: BTreeMap::new(),
            walk_ends: BTreeMap::new(),
            walk_edges: BTreeMap::new(),
        };
        for (&key, stop) in osm_at {
            // A stop on its key vertex is timed at the vertex: a point snapped onto one of
            // the vertex's edges could only leave along that edge.
            if haversine_m(graph.vertices[key.index()].coord, stop.location) < AT_VERTEX_M {
                continue;
            }
            let Ok(bus) = graph.snap(roads, stop.location, osm_stop_m) else {
                continue;
            };
            let walk = graph.snap(Mode::Walk, stop.location, osm_stop_m).ok();
            if let Some(w) = &walk {
                let edge = &graph.edges[w.edge.index()];
                for end in [edge.from, edge.to] {
                    sites.walk_ends.entry(end).or_default().push(key);
                }
                sites.walk_edges.entry(w.edge).or_default().push(key);
            }
            let at = stop.location;
            sites.by_key.insert(key, StopSite { at, bus, walk });
        }
        sites
    }

    /// Whether the stop keyed `key` is walked to at its own point (not at the key vertex).
    pub fn walked_to_exactly(&self, key: VertexId) -> bool {
        self.by_key.get(&key).is_some_and(|s| s.walk.is_some())
    }

    /// After a forward walking search from `home` (its seeds including `offset_ms`, the walk
    /// from the home to the road): the walk to every stop within `max_walk_ms`, ending at the
    /// stop's own point, `(key, ms)` in key order. A stop on the home's own edge is reached
    /// straight along it when that is quicker than via a junction.
    pub fn walks(
        &self,
        graph: &RoadGraph,
        home: &Snap,
        offset_ms: u32,
        scratch: &SearchScratch,
        max_walk_ms: u32,
    ) -> Vec<(VertexId, u32)> {
        let mut keys: BTreeSet<VertexId> = scratch
            .settled()
            .iter()
            .filter_map(|(v, _)| self.walk_ends.get(v))
            .flatten()
            .copied()
            .collect();
        keys.extend(self.walk_edges.get(&home.edge).into_iter().flatten());
        keys.into_iter()
            .filter_map(|key| {
                let walk = self.by_key[&key].walk.as_ref()?;
                let via_junction = walk
                    .seeds(graph, true)
                    .into_iter()
                    .filter_map(|(u, t1)| Some(scratch.time_ms(u)?.saturating_add(t1)))
                    .min();
                let along = home
                    .along_edge_ms(graph, walk)
                    .map(|t| t.saturating_add(offset_ms));
                let t = via_junction.into_iter().chain(along).min()?;
                (t <= max_walk_ms).then_some((key, t))
            })
            .collect()
    }

    /// The site of `stop` when it is one of these stops (a gate at the same key vertex is not).
    fn of(&self, stop: &PlanStop) -> Option<&StopSite> {
        self.by_key
            .get(&stop.vertex)
            .filter(|s| stop.location == s.at)
    }

    /// Seeds to leave `stop` by bus (forward) or to arrive at it (`reverse`): its own point
    /// on the edge for an OSM stop, else its vertex.
    pub fn bus_seeds(
        &self,
        graph: &RoadGraph,
        stop: &PlanStop,
        reverse: bool,
    ) -> Vec<(VertexId, u32)> {
        match self.of(stop) {
            Some(site) => site.bus.seeds(graph, reverse),
            None => vec![(stop.vertex, 0)],
        }
    }

    /// The bus time straight along a shared edge from stop `a` to stop `b`, when both are
    /// OSM stops on the same edge and the bus may drive that way along it.
    pub fn along_edge_ms(&self, graph: &RoadGraph, a: &PlanStop, b: &PlanStop) -> Option<u32> {
        self.of(a)?.bus.along_edge_ms(graph, &self.of(b)?.bus)
    }
}
