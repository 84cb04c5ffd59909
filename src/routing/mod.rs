//! Stage 3: the search core. Bounded one-to-all and multi-source Dijkstra over a mode's
//! [`ProfileGraph`], forward (from the seeds) or reverse (towards the seeds), stopping at a
//! time limit. Scratch memory ([`SearchScratch`]) is reused across searches, so thousands of
//! searches cost only the vertices they reach; [`par_map`] runs independent searches on all
//! cores with one scratch per rayon worker.
//!
//! Times are integer milliseconds: exact, ordered, and identical whatever the thread count.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub mod isochrone;

use rayon::prelude::*;

use crate::graph::{Arc, EdgeId, ProfileGraph, RoadGraph, VertexId};

/// What a search runs on: arcs in compressed rows over dense node ids. A mode's road graph is
/// one; the commute stage's transit graph (roads plus stops and lines) is another.
pub trait SearchGraph {
    /// Number of node slots.
    fn node_count(&self) -> usize;
    /// Whether searches may start at `v`.
    fn contains(&self, v: VertexId) -> bool;
    /// Arcs leaving `v`.
    fn out_arcs(&self, v: VertexId) -> &[Arc];
    /// Arcs entering `v` (`Arc::vertex` is the tail).
    fn in_arcs(&self, v: VertexId) -> &[Arc];
}

impl SearchGraph for ProfileGraph {
    fn node_count(&self) -> usize {
        self.vertex_slots()
    }
    fn contains(&self, v: VertexId) -> bool {
        ProfileGraph::contains(self, v)
    }
    fn out_arcs(&self, v: VertexId) -> &[Arc] {
        ProfileGraph::out_arcs(self, v)
    }
    fn in_arcs(&self, v: VertexId) -> &[Arc] {
        ProfileGraph::in_arcs(self, v)
    }
}

/// Unreached.
pub const UNREACHED: u32 = u32::MAX;

/// Which way a search runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the seeds outwards: time to travel from a seed to each vertex.
    Forward,
    /// Towards the seeds: time to travel from each vertex to a seed.
    Reverse,
}

/// Reusable memory for searches on one graph. Create one per thread.
#[derive(Clone, Debug)]
pub struct SearchScratch {
    time_ms: Vec<u32>,
    touched: Vec<u32>,
    settled: Vec<(VertexId, u32)>,
    /// `(time << 32) | vertex`: ordered as the pair `(time, vertex)` is, one comparison.
    heap: BinaryHeap<Reverse<u64>>,
}

/// A heap entry: `(time_ms, vertex)` packed so that integer order is the pair's order.
fn packed(time_ms: u32, vertex: u32) -> u64 {
    (u64::from(time_ms) << 32) | u64::from(vertex)
}

impl SearchScratch {
    /// Scratch for searches on `graph` (any mode).
    pub fn new(graph: &RoadGraph) -> Self {
        Self::with_nodes(graph.vertices.len())
    }

    /// Scratch for a graph of `n` nodes (it grows when a larger graph is searched).
    pub fn with_nodes(n: usize) -> Self {
        SearchScratch {
            time_ms: vec![UNREACHED; n],
            touched: Vec::new(),
            settled: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Time of `v` in the last search, if it was reached within the limit.
    pub fn time_ms(&self, v: VertexId) -> Option<u32> {
        let t = self.time_ms[v.index()];
        (t != UNREACHED).then_some(t)
    }

    /// The vertices the last search settled, with their times, in order of time.
    pub fn settled(&self) -> &[(VertexId, u32)] {
        &self.settled
    }
}

/// Bounded Dijkstra from several seeds at once.
///
/// # Arguments
/// - `seeds`: `(vertex, initial time)`; a vertex may appear more than once (the least counts).
/// - `limit_ms`: vertices farther than this are not settled.
///
/// # Returns
/// The settled vertices with their times, in order of time (ties by vertex id order of
/// settlement, deterministic). For a reverse search the time is from the vertex to the
/// nearest seed.
///
/// # Complexity
/// O((V' + E') log V') for the V' vertices and E' arcs within the limit; memory is reused.
pub fn bounded_search<'s, G: SearchGraph>(
    graph: &G,
    direction: Direction,
    seeds: &[(VertexId, u32)],
    limit_ms: u32,
    scratch: &'s mut SearchScratch,
) -> &'s [(VertexId, u32)] {
    bounded_search_where(graph, direction, seeds, limit_ms, scratch, |_| true)
}

/// [`bounded_search`] using only the arcs `allow` accepts (for instance, a bus line's own ways).
pub fn bounded_search_where<'s, G: SearchGraph>(
    graph: &G,
    direction: Direction,
    seeds: &[(VertexId, u32)],
    limit_ms: u32,
    scratch: &'s mut SearchScratch,
    allow: impl Fn(&Arc) -> bool,
) -> &'s [(VertexId, u32)] {
    if scratch.time_ms.len() < graph.node_count() {
        scratch.time_ms.resize(graph.node_count(), UNREACHED);
    }
    for &v in &scratch.touched {
        scratch.time_ms[v as usize] = UNREACHED;
    }
    scratch.touched.clear();
    scratch.settled.clear();
    scratch.heap.clear();
    for &(v, t) in seeds {
        if t <= limit_ms && graph.contains(v) && t < scratch.time_ms[v.index()] {
            if scratch.time_ms[v.index()] == UNREACHED {
                scratch.touched.push(v.0);
            }
            scratch.time_ms[v.index()] = t;
            scratch.heap.push(Reverse(packed(t, v.0)));
        }
    }
    while let Some(Reverse(entry)) = scratch.heap.pop() {
        let (t, v) = ((entry >> 32) as u32, entry as u32);
        if t > scratch.time_ms[v as usize] {
            continue;
        }
        scratch.settled.push((VertexId(v), t));
        let arcs = match direction {
            Direction::Forward => graph.out_arcs(VertexId(v)),
            Direction::Reverse => graph.in_arcs(VertexId(v)),
        };
        for arc in arcs.iter().filter(|a| allow(a)) {
            let nt = t.saturating_add(arc.time_ms);
            let w = arc.vertex.index();
            if nt <= limit_ms && nt < scratch.time_ms[w] {
                if scratch.time_ms[w] == UNREACHED {
                    scratch.touched.push(arc.vertex.0);
                }
                scratch.time_ms[w] = nt;
                scratch.heap.push(Reverse(packed(nt, arc.vertex.0)));
            }
        }
    }
    &scratch.settled
}

/// Travel times of every vertex from (or to) a set of seeds, as a dense table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TravelTimes {
    time_ms: Vec<u32>,
}

impl TravelTimes {
    /// Runs a bounded multi-source search and keeps the result.
    pub fn compute<G: SearchGraph>(
        graph: &G,
        direction: Direction,
        seeds: &[(VertexId, u32)],
        limit_ms: u32,
    ) -> Self {
        let mut scratch = SearchScratch::with_nodes(graph.node_count());
        bounded_search(graph, direction, seeds, limit_ms, &mut scratch);
        TravelTimes {
            time_ms: scratch.time_ms,
        }
    }

    /// Times from a table ([`UNREACHED`] where not reached).
    pub fn from_vec(time_ms: Vec<u32>) -> Self {
        TravelTimes { time_ms }
    }

    /// Time of `v`, if reached within the limit.
    pub fn get(&self, v: VertexId) -> Option<u32> {
        let t = self.time_ms[v.index()];
        (t != UNREACHED).then_some(t)
    }

    /// The raw table ([`UNREACHED`] for vertices not reached).
    pub fn as_slice(&self) -> &[u32] {
        &self.time_ms
    }
}

/// The quickest path from `from` to `to` on a mode's graph: its time and the edges in
/// travel order, or `None` when `to` cannot be reached.
pub fn shortest_path(
    graph: &ProfileGraph,
    from: VertexId,
    to: VertexId,
) -> Option<(u32, Vec<EdgeId>)> {
    let n = graph.vertex_slots();
    if !graph.contains(from) || !graph.contains(to) {
        return None;
    }
    let mut time_ms = vec![UNREACHED; n];
    let mut parent: Vec<(u32, EdgeId)> = vec![(u32::MAX, EdgeId(u32::MAX)); n];
    let mut heap = BinaryHeap::new();
    time_ms[from.index()] = 0;
    heap.push(Reverse((0u32, from.0)));
    while let Some(Reverse((t, v))) = heap.pop() {
        if v == to.0 {
            let mut edges = Vec::new();
            let mut at = v;
            while at != from.0 {
                let (prev, edge) = parent[at as usize];
                edges.push(edge);
                at = prev;
            }
            edges.reverse();
            return Some((t, edges));
        }
        if t > time_ms[v as usize] {
            continue;
        }
        for arc in graph.out_arcs(VertexId(v)) {
            let nt = t.saturating_add(arc.time_ms);
            let w = arc.vertex.index();
            if nt < time_ms[w] {
                time_ms[w] = nt;
                parent[w] = (v, arc.edge);
                heap.push(Reverse((nt, arc.vertex.0)));
            }
        }
    }
    None
}

/// The road geometry of a path of edges starting at `from`, each edge in travel direction.
pub fn path_coords(graph: &RoadGraph, from: VertexId, edges: &[EdgeId]) -> Vec<geo::Coord> {
    let mut coords = vec![graph.vertices[from.index()].coord];
    let mut at = from;
    for &e in edges {
        let edge = &graph.edges[e.index()];
        let geometry = graph.edge_geometry(e);
        if edge.from == at {
            coords.extend(geometry.iter().skip(1));
            at = edge.to;
        } else {
            coords.extend(geometry.iter().rev().skip(1));
            at = edge.from;
        }
    }
    coords
}

/// Maps `items` in parallel, giving `f` a [`SearchScratch`] per rayon worker. The output is in
/// item order, whatever the thread count.
pub fn par_map<T: Sync, R: Send>(
    graph: &RoadGraph,
    items: &[T],
    f: impl Fn(&mut SearchScratch, &T) -> R + Sync,
) -> Vec<R> {
    items
        .par_iter()
        .map_init(
            || SearchScratch::new(graph),
            |scratch, item| f(scratch, item),
        )
        .collect()
}
