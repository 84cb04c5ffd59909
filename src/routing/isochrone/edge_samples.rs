//! The sample points of each edge, kept from one isochrone to the next on a thread: an edge's
//! points projected to metres, cut every half cell or closer, each with its distance along
//! the edge. They depend only on the graph, the direction the edge is walked in and the step,
//! so one isochrone only turns distances into times. Each edge is sampled the first time a
//! search reaches it, with exactly the arithmetic `Samples` used before the cache (same
//! operations in the same order), so every bit of the grid is as it was.
//!
//! A table is keyed by the graph's [`RoadGraph::generation`] (never reused, unlike an
//! address) and the step; a thread keeps a few tables (one per mode's cell size) and drops
//! those of other graphs when it meets a new one. Memory stays bounded whatever the graphs
//! and searches: a table stops adding edges at [`MAX_POINTS`] (later edges are sampled afresh
//! each time, as before the cache; emptying it instead made province-size runs refill it
//! over and over), and a graph of more than [`MAX_CACHED_EDGES`] edges is not cached at all
//! (its per-edge spans alone would cost 16 bytes an edge per table and thread: on the 8 × 8
//! tiling the cache cost 0.56 GB and 10 s).

use crate::graph::{EdgeId, RoadGraph};

/// Points a table may hold (×24 bytes: 24 MB); edges reached after that are not kept.
const MAX_POINTS: usize = 1 << 20;

/// Edges a graph may have to be cached (spans ×16 bytes: 16 MB a table).
const MAX_CACHED_EDGES: usize = 1 << 20;

/// Tables a thread keeps (walking, cycling and driving cell sizes, plus one).
const MAX_TABLES: usize = 4;

/// A span not built yet.
const UNBUILT: (u32, u32) = (u32::MAX, u32::MAX);

/// This thread's tables, most recently created last.
#[derive(Debug, Default)]
pub(super) struct EdgeSampleCache {
    tables: Vec<EdgeSamples>,
}

impl EdgeSampleCache {
    /// The table of `graph` sampled every `step_m` metres or closer (created empty if new).
    pub(super) fn table(&mut self, graph: &RoadGraph, step_m: f64) -> &mut EdgeSamples {
        let key = (graph.generation(), step_m.to_bits());
        let found = self.tables.iter().position(|t| t.key == key);
        let k = match found {
            Some(k) => k,
            None => {
                // A thread works on one graph at a time: the tables of others go.
                self.tables.retain(|t| t.key.0 == key.0);
                if self.tables.len() >= MAX_TABLES {
                    self.tables.remove(0);
                }
                let cached_edges = if graph.edges.len() <= MAX_CACHED_EDGES {
                    graph.edges.len()
                } else {
                    0
                };
                self.tables
                    .push(EdgeSamples::new(key, cached_edges, MAX_POINTS));
                self.tables.len() - 1
            }
        };
        &mut self.tables[k]
    }
}

/// The samples of one graph at one step: per edge and direction, a span of `points`.
#[derive(Debug)]
pub(super) struct EdgeSamples {
    /// `(graph generation, step bits)`.
    key: (u64, u64),
    step_m: f64,
    /// Per edge, `[from → to, to → from]` spans of `points`, [`UNBUILT`] until sampled.
    spans: Vec<[(u32, u32); 2]>,
    /// Each span: first `[x, y, total length m]` (the edge's start), then `[x, y, m along]`
    /// for every sample after it.
    points: Vec<[f64; 3]>,
    /// Points `points` may hold; edges after that go to `fresh`.
    max_points: usize,
    /// The span of an edge not kept (a graph too large, or the table full).
    fresh: Vec<[f64; 3]>,
    /// Projected geometry of the edge being sampled.
    pts: Vec<[f64; 2]>,
}

impl EdgeSamples {
    /// A table keeping the first `max_points` points of edges `0..cached_edges` (0: none).
    fn new(key: (u64, u64), cached_edges: usize, max_points: usize) -> Self {
        EdgeSamples {
            key,
            step_m: f64::from_bits(key.1),
            spans: vec![[UNBUILT; 2]; cached_edges],
            points: Vec::new(),
            max_points,
            fresh: Vec::new(),
            pts: Vec::new(),
        }
    }

    /// The span of `edge` walked from its `to` end if `reversed`, else from `from`:
    /// `[x, y, total length]` of its start, then `[x, y, metres along]` of each sample.
    pub(super) fn samples(
        &mut self,
        graph: &RoadGraph,
        edge: EdgeId,
        reversed: bool,
    ) -> &[[f64; 3]] {
        let (start, end) = self
            .spans
            .get(edge.index())
            .map_or(UNBUILT, |s| s[usize::from(reversed)]);
        if start != u32::MAX {
            return &self.points[start as usize..end as usize];
        }
        let proj = graph.projection();
        self.pts.clear();
        self.pts
            .extend(graph.edge_geometry(edge).iter().map(|&c| proj.project(c)));
        if reversed {
            self.pts.reverse();
        }
        if edge.index() >= self.spans.len() || self.points.len() >= self.max_points {
            self.fresh.clear();
            sample_edge(&self.pts, self.step_m, &mut self.fresh);
            return &self.fresh;
        }
        let start = self.points.len();
        sample_edge(&self.pts, self.step_m, &mut self.points);
        // Below max_points (≤ MAX_POINTS) plus one edge's samples: fits in u32.
        let span = (start as u32, self.points.len() as u32);
        self.spans[edge.index()][usize::from(reversed)] = span;
        &self.points[start..]
    }
}

/// Appends the span of the polyline `pts` (metres) at `step_m`: its start with the total
/// length, then each segment cut into `ceil(length / step)` (at least one) equal parts, each
/// cut with its distance along the polyline.
fn sample_edge(pts: &[[f64; 2]], step_m: f64, out: &mut Vec<[f64; 3]>) {
    let total: f64 = pts.windows(2).map(|w| dist(w[0], w[1])).sum();
    out.push([pts[0][0], pts[0][1], total]);
    let mut along = 0.0;
    for w in pts.windows(2) {
        let seg = dist(w[0], w[1]);
        let n = super::ceil_index(seg / step_m).max(1);
        let inv_n = 1.0 / n as f64;
        let (dx, dy) = (w[1][0] - w[0][0], w[1][1] - w[0][1]);
        for k in 1..=n {
            let f = k as f64 * inv_n;
            let d = along + f * seg;
            out.push([w[0][0] + f * dx, w[0][1] + f * dy, d]);
        }
        along += seg;
    }
}

/// Euclidean distance, metres.
pub(super) fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{GraphOptions, build_graph};
    use crate::osm::OsmExtract;

    /// The span of an edge computed afresh.
    fn fresh(graph: &RoadGraph, edge: EdgeId, reversed: bool, step_m: f64) -> Vec<[f64; 3]> {
        let proj = graph.projection();
        let mut pts: Vec<[f64; 2]> = graph
            .edge_geometry(edge)
            .iter()
            .map(|&c| proj.project(c))
            .collect();
        if reversed {
            pts.reverse();
        }
        let mut out = Vec::new();
        sample_edge(&pts, step_m, &mut out);
        out
    }

    #[test]
    fn two_graphs_in_one_thread_get_their_own_samples() {
        let extract = OsmExtract::demo();
        let a = build_graph(&extract, &GraphOptions::default()).unwrap();
        // The same roads through another projection centre: other metres for the same edge.
        let mut shifted = extract.clone();
        shifted.bbox = [
            shifted.bbox[0] - 0.05,
            shifted.bbox[1] - 0.05,
            shifted.bbox[2],
            shifted.bbox[3],
        ];
        let b = build_graph(&shifted, &GraphOptions::default()).unwrap();
        assert_ne!(a.generation(), b.generation());
        let e = EdgeId(0);
        assert_ne!(fresh(&a, e, false, 25.0), fresh(&b, e, false, 25.0));
        let mut cache = EdgeSampleCache::default();
        for _ in 0..2 {
            for (graph, step_m) in [(&a, 25.0), (&b, 25.0), (&a, 50.0), (&a, 25.0)] {
                for k in 0..graph.edges.len().min(50) {
                    let e = EdgeId(k as u32);
                    for reversed in [false, true] {
                        let cached = cache.table(graph, step_m).samples(graph, e, reversed);
                        assert_eq!(cached, fresh(graph, e, reversed, step_m).as_slice());
                    }
                }
            }
        }
        // Meeting another graph dropped the first one's tables: at most one graph's kept.
        assert!(cache.tables.iter().all(|t| t.key.0 == a.generation()));
        assert!(cache.tables.len() <= MAX_TABLES);
    }

    #[test]
    fn a_full_table_or_a_graph_too_large_samples_afresh_and_keeps_nothing_more() {
        let graph = build_graph(&OsmExtract::demo(), &GraphOptions::default()).unwrap();
        let key = (graph.generation(), 25.0_f64.to_bits());
        let edges = graph.edges.len().min(50);
        // Not cached at all (a graph above MAX_CACHED_EDGES), then a table full after 10 points.
        for (cached_edges, max_points) in [(0, MAX_POINTS), (graph.edges.len(), 10)] {
            let mut table = EdgeSamples::new(key, cached_edges, max_points);
            for _ in 0..2 {
                for k in 0..edges {
                    let e = EdgeId(k as u32);
                    for reversed in [false, true] {
                        let got = table.samples(&graph, e, reversed).to_vec();
                        assert_eq!(got, fresh(&graph, e, reversed, 25.0));
                    }
                }
            }
            // Filling stops at the limit (plus the one edge that crossed it).
            let longest = (0..edges)
                .map(|k| fresh(&graph, EdgeId(k as u32), false, 25.0).len())
                .max()
                .unwrap();
            assert!(table.points.len() < max_points.min(cached_edges * 2 * longest) + longest);
            assert_eq!(cached_edges == 0, table.points.is_empty());
        }
    }
}
