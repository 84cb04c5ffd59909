//! Where the bus-line planner's OSM stops lie on the networks (issue 13, exact times on the
//! edge). An OSM stop is keyed by the bus vertex nearest it on its edge (the nearer end of
//! the edge it snaps onto within [`super::lines::LineOptions::osm_stop_m`]; a stop farther
//! than that from both ends takes its nearer end when no closer stop has it, [`add_far_stops`]),
//! as the stop cover and the stop names use it, but it is *timed* at its own snapped point: the
//! walk from a home ends at the stop's point on the walk network (straight along the edge when
//! the home is on the same edge), and the bus legs between stops start and end at the stop's
//! point on the bus network, the edge split virtually by [`Snap::seeds`] (one-way rules kept) —
//! the way the commute stage times homes and bus stops. The road path drawn for a line and its
//! length run from and to the stops' own points too ([`StopSites::leg`]). A stop at its key
//! vertex (within [`crate::graph::snap::AT_VERTEX_M`]) is timed at the vertex, all its edges
//! open, by [`Snap::seeds`] itself.
//!
//! What still runs via the key vertex: a stop whose point has no walk road within
//! `osm_stop_m`, which is walked to at its key vertex as before. A park's gate whose vertex is
//! the key of an OSM stop somebody boards at is that stop (served at its point), as it was
//! before.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use super::lines::{LineOptions, PlanStop};
use crate::graph::{EdgeId, Mode, ProfileGraph, RoadGraph, Snap, VertexId};
use crate::osm::BusStop;
use crate::routing::{SearchScratch, UNREACHED, path_coords};
use geo::Coord;

/// The bus vertex an OSM stop is keyed by (the nearer end of the edge it snaps onto within
/// `options.osm_stop_m` on `options.roads`) and how far the stop is from it, metres; `None`
/// off the bus network.
pub(super) fn key_vertex(
    graph: &RoadGraph,
    stop: &BusStop,
    options: &LineOptions,
) -> Option<(VertexId, f64)> {
    let snap = graph
        .snap(options.roads, stop.location, options.osm_stop_m)
        .ok()?;
    let edge = &graph.edges[snap.edge.index()];
    let v = if snap.fraction < 0.5 {
        edge.from
    } else {
        edge.to
    };
    let bus = graph.profile(options.roads);
    let away_m = crate::geom::haversine_m(graph.vertices[v.index()].coord, stop.location);
    bus.contains(v).then_some((v, away_m.max(snap.distance_m)))
}

/// Issue 13: the OSM stops more than `osm_stop_m` from both ends of their edge (the ones
/// `lines::osm_stop_vertices` leaves out) keyed by their nearer end when no closer stop has
/// it, first in file order. They are walked to and served at their own point like the others.
pub(super) fn add_far_stops<'a>(
    graph: &RoadGraph,
    osm_stops: &'a [BusStop],
    options: &LineOptions,
    osm_at: &mut BTreeMap<VertexId, &'a BusStop>,
) {
    for s in osm_stops {
        if let Some((v, _)) = key_vertex(graph, s, options) {
            osm_at.entry(v).or_insert(s);
        }
    }
}

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

    /// The points on the walk network of the stops on walk edge `edge`.
    pub fn walk_on_edge(&self, edge: EdgeId) -> impl Iterator<Item = &Snap> {
        self.walk_edges
            .get(&edge)
            .into_iter()
            .flatten()
            .filter_map(|key| self.by_key[key].walk.as_ref())
    }

    /// The stops' points on the walk network (those near a walk road), in key order.
    pub fn walk_snaps(&self) -> impl Iterator<Item = &Snap> {
        self.by_key.values().filter_map(|s| s.walk.as_ref())
    }

    /// The road path of the bus leg from stop `a` to stop `b` and its length, metres: from
    /// `a`'s own point on its edge (an OSM stop's, else its vertex) to `b`'s, the way the stop
    /// matrix times it (the quicker of the quickest path between the edges' ends and straight
    /// along a shared edge). `None` when `b` cannot be reached from `a`.
    pub fn leg(
        &self,
        graph: &RoadGraph,
        bus: &ProfileGraph,
        a: &PlanStop,
        b: &PlanStop,
    ) -> Option<(Vec<Coord>, f64)> {
        let leave = self.bus_seeds(graph, a, false);
        let arrive = self.bus_seeds(graph, b, true);
        let (time_ms, start, edges, end) = quickest_between(bus, &leave, &arrive)?;
        if let (Some(sa), Some(sb)) = (self.of(a), self.of(b))
            && sa
                .bus
                .along_edge_ms(graph, &sb.bus)
                .is_some_and(|t| t <= time_ms)
        {
            let (fa, fb) = (sa.bus.fraction_at(graph), sb.bus.fraction_at(graph));
            let length_m = graph.edges[sa.bus.edge.index()].length_m * (fb - fa).abs();
            return Some((graph.edge_part(sa.bus.edge, fa, fb), length_m));
        }
        let (mut points, mut length_m) = self.part(graph, a, start);
        points.extend(path_coords(graph, start, &edges).into_iter().skip(1));
        length_m += edges
            .iter()
            .map(|e| graph.edges[e.index()].length_m)
            .sum::<f64>();
        let (mut last, last_m) = self.part(graph, b, end);
        last.reverse();
        points.extend(last.into_iter().skip(1));
        Some((points, length_m + last_m))
    }

    /// From `stop`'s own point to `end` (an end of its edge): points and metres; just the
    /// vertex for a stop at a vertex.
    fn part(&self, graph: &RoadGraph, stop: &PlanStop, end: VertexId) -> (Vec<Coord>, f64) {
        self.of(stop)
            .and_then(|site| site.bus.part_to(graph, end))
            .unwrap_or_else(|| (vec![graph.vertices[end.index()].coord], 0.0))
    }
}

/// The quickest path from any of `leave` (vertex, ms already spent) to any of `arrive`
/// (vertex, ms still to go): its whole time, the first vertex, the edges in travel order and
/// the last vertex. Of equal times the one settled first wins (the heap orders by time, then
/// vertex), so it is deterministic.
///
/// # Complexity
/// One Dijkstra, stopped once every `arrive` vertex is settled or cannot improve the best.
fn quickest_between(
    bus: &ProfileGraph,
    leave: &[(VertexId, u32)],
    arrive: &[(VertexId, u32)],
) -> Option<(u32, VertexId, Vec<EdgeId>, VertexId)> {
    let n = bus.vertex_slots();
    let mut time_ms = vec![UNREACHED; n];
    let mut parent: Vec<Option<(VertexId, EdgeId)>> = vec![None; n];
    let mut heap = BinaryHeap::new();
    for &(v, t) in leave.iter().filter(|(v, _)| bus.contains(*v)) {
        if t < time_ms[v.index()] {
            time_ms[v.index()] = t;
            heap.push(Reverse((t, v.0)));
        }
    }
    let mut best: Option<(u32, VertexId)> = None;
    while let Some(Reverse((t, v))) = heap.pop() {
        if best.is_some_and(|(b, _)| t > b) {
            break;
        }
        if t > time_ms[v as usize] {
            continue;
        }
        for &(w, t1) in arrive.iter().filter(|(w, _)| w.0 == v) {
            let total = t.saturating_add(t1);
            if best.is_none_or(|(b, _)| total < b) {
                best = Some((total, w));
            }
        }
        for arc in bus.out_arcs(VertexId(v)) {
            let nt = t.saturating_add(arc.time_ms);
            let w = arc.vertex.index();
            if nt < time_ms[w] {
                time_ms[w] = nt;
                parent[w] = Some((VertexId(v), arc.edge));
                heap.push(Reverse((nt, arc.vertex.0)));
            }
        }
    }
    let (total, end) = best?;
    let mut edges = Vec::new();
    let mut at = end;
    while let Some((prev, edge)) = parent[at.index()] {
        edges.push(edge);
        at = prev;
    }
    edges.reverse();
    Some((total, at, edges, end))
}
