//! Stage 2: [`OsmExtract`](crate::osm::OsmExtract) → [`RoadGraph`]: one topology shared by the
//! five modes, and per mode a routing graph restricted to its largest strongly connected
//! component.
//!
//! Vertices are OSM nodes at way ends and junctions (nodes shared by two routable ways, or
//! visited twice by one); the nodes in between are kept as edge geometry, used for lengths
//! (on the sphere), snapping and drawing. Every edge carries, per mode, a travel time in
//! milliseconds in each direction, or none when the mode may not use it that way
//! (rules in [`profile`]).

pub mod build;
pub mod profile;
pub mod snap;

use std::path::PathBuf;
use std::sync::OnceLock;

use geo::Coord;

pub use build::build_graph;
pub use profile::{GraphOptions, Mode, Profile};
pub use snap::{Snap, SnapIndex};

use crate::geom::LocalProjection;
use crate::osm::{OsmNodeId, OsmWayId};

/// A dense vertex index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct VertexId(pub u32);
/// A dense edge index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct EdgeId(pub u32);

impl VertexId {
    /// As an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl EdgeId {
    /// As an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Marks a direction a mode may not use.
pub const NO_ARC: u32 = u32::MAX;

/// A graph vertex.
#[derive(Clone, Copy, Debug)]
pub struct Vertex {
    /// The OSM node.
    pub osm: OsmNodeId,
    /// Its location.
    pub coord: Coord,
}

/// An undirected piece of road between two vertices.
#[derive(Clone, Debug)]
pub struct Edge {
    /// The way it belongs to.
    pub way: OsmWayId,
    /// First vertex (way direction).
    pub from: VertexId,
    /// Last vertex.
    pub to: VertexId,
    /// Length along the geometry, metres.
    pub length_m: f64,
    /// Per mode: `[forward, backward]` travel time in ms, [`NO_ARC`] when not allowed.
    pub time_ms: [[u32; 2]; 5],
    /// Range of the edge's points in the shared geometry buffer.
    geometry: (u32, u32),
}

impl Edge {
    /// Travel time in ms for `mode` in way direction (`forward`) or against it.
    pub fn time_ms(&self, mode: Mode, forward: bool) -> Option<u32> {
        let t = self.time_ms[mode.index()][usize::from(!forward)];
        (t != NO_ARC).then_some(t)
    }
}

/// A directed arc of a mode's routing graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arc {
    /// The other end (head for out-arcs, tail for in-arcs).
    pub vertex: VertexId,
    /// Travel time, ms.
    pub time_ms: u32,
    /// The edge it runs along.
    pub edge: EdgeId,
}

/// One mode's routing graph: out- and in-arcs in compressed sparse rows over the shared vertex
/// ids, restricted to the mode's largest strongly connected component.
#[derive(Clone, Debug)]
pub struct ProfileGraph {
    /// The mode.
    pub mode: Mode,
    first_out: Vec<u32>,
    out_arcs: Vec<Arc>,
    first_in: Vec<u32>,
    in_arcs: Vec<Arc>,
    in_component: Vec<bool>,
    /// Statistics.
    pub stats: ProfileStats,
}

/// Size of a mode's graph.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct ProfileStats {
    /// Vertices in the largest strongly connected component.
    pub vertices: usize,
    /// Directed arcs between them.
    pub directed_edges: usize,
    /// Length of the usable edges (each counted once), km.
    pub road_km: f64,
    /// Vertices with at least one arc for this mode, before the component was taken.
    pub vertices_before: usize,
    /// Arcs before the component was taken.
    pub directed_edges_before: usize,
}

impl ProfileStats {
    /// Share of the mode's vertices that are in the largest component.
    pub fn component_share(&self) -> f64 {
        if self.vertices_before == 0 {
            0.0
        } else {
            self.vertices as f64 / self.vertices_before as f64
        }
    }
}

impl ProfileGraph {
    /// Out-arcs of `v`.
    pub fn out_arcs(&self, v: VertexId) -> &[Arc] {
        let i = v.index();
        &self.out_arcs[self.first_out[i] as usize..self.first_out[i + 1] as usize]
    }

    /// In-arcs of `v` (`Arc::vertex` is the tail).
    pub fn in_arcs(&self, v: VertexId) -> &[Arc] {
        let i = v.index();
        &self.in_arcs[self.first_in[i] as usize..self.first_in[i + 1] as usize]
    }

    /// Whether `v` is in the component this mode routes on.
    pub fn contains(&self, v: VertexId) -> bool {
        self.in_component[v.index()]
    }

    /// Number of vertex slots (all modes share the numbering).
    pub fn vertex_slots(&self) -> usize {
        self.in_component.len()
    }
}

/// Compressed sparse rows: arcs grouped by the node `key` gives them (tail for out-arcs, head
/// for in-arcs), in input order within a node. Returns the first-arc index of every node (and
/// one past the last) and the arcs.
pub fn compress<A>(n: usize, items: &[A], key: impl Fn(&A) -> (u32, Arc)) -> (Vec<u32>, Vec<Arc>) {
    let mut first = vec![0u32; n + 1];
    for a in items {
        first[key(a).0 as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut fill = first.clone();
    let mut out = vec![
        Arc {
            vertex: VertexId(0),
            time_ms: 0,
            edge: EdgeId(0)
        };
        items.len()
    ];
    for a in items {
        let (row, arc) = key(a);
        out[fill[row as usize] as usize] = arc;
        fill[row as usize] += 1;
    }
    (first, out)
}

/// Counters of the graph build.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct BuildStats {
    /// `highway=*` ways used.
    pub ways_used: u64,
    /// `highway=*` ways whose class is not routable (`proposed`, `platform`, …) or that no
    /// mode may use.
    pub ways_skipped: u64,
    /// Ways whose `maxspeed` did not parse (class speed used instead).
    pub unparseable_maxspeed: u64,
}

/// The routing graph of a region.
#[derive(Debug)]
pub struct RoadGraph {
    /// The data it was built from.
    pub source: PathBuf,
    /// Vertices.
    pub vertices: Vec<Vertex>,
    /// Edges.
    pub edges: Vec<Edge>,
    geometry: Vec<Coord>,
    profiles: Vec<ProfileGraph>,
    /// The speeds used.
    pub options: GraphOptions,
    /// Build counters.
    pub stats: BuildStats,
    projection: LocalProjection,
    snap_index: [OnceLock<SnapIndex>; 5],
    /// A number no other graph of this process has (see [`RoadGraph::generation`]).
    generation: u64,
}

impl RoadGraph {
    /// The routing graph of `mode`.
    pub fn profile(&self, mode: Mode) -> &ProfileGraph {
        &self.profiles[mode.index()]
    }

    /// The points of an edge, from `from` to `to`.
    pub fn edge_geometry(&self, e: EdgeId) -> &[Coord] {
        let (a, b) = self.edges[e.index()].geometry;
        &self.geometry[a as usize..b as usize]
    }

    /// The local projection used for snapping and grids.
    pub fn projection(&self) -> &LocalProjection {
        &self.projection
    }

    /// A number no other graph built by this process has, never reused: the key of caches
    /// derived from the graph and kept elsewhere (a graph's address may be reused once it
    /// is dropped).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The snapping index of `mode` (its usable edges only), built on first use.
    pub fn snap_index(&self, mode: Mode) -> &SnapIndex {
        self.snap_index[mode.index()].get_or_init(|| SnapIndex::new(self, mode))
    }

    /// Whether `mode` can use edge `e` in some direction inside its component.
    pub fn usable(&self, mode: Mode, e: EdgeId) -> bool {
        let edge = &self.edges[e.index()];
        let p = self.profile(mode);
        edge.time_ms[mode.index()] != [NO_ARC, NO_ARC]
            && p.contains(edge.from)
            && p.contains(edge.to)
    }
}
