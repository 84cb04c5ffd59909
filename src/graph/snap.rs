//! Snapping: a lon/lat → the nearest point on an edge the mode may use, and the partial edge
//! costs to start (or end) a search there. Per mode, an R-tree (`rstar`) holds one bounding box
//! per usable edge in local metres; candidates come out nearest box first and the exact distance to the edge's
//! polyline decides.

use geo::Coord;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

use super::{EdgeId, Mode, RoadGraph, VertexId};
use crate::error::{Error, Result};
use crate::geom::{closest_on_segment, haversine_m};

/// Default maximum snapping distance, metres.
pub const DEFAULT_MAX_SNAP_M: f64 = 500.0;

/// A snapped point closer than this along its edge to an end vertex is *at* that vertex,
/// metres: it is searched from (and to) the vertex itself, every edge of the vertex open, not
/// only along the edge it snapped onto (a planner's file gives coordinates to 7 decimals,
/// ~1 cm).
pub const AT_VERTEX_M: f64 = 0.5;

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// R-tree of edge bounding boxes.
#[derive(Debug)]
pub struct SnapIndex {
    tree: RTree<Entry>,
}

/// A point snapped onto an edge.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Snap {
    /// The mode it was snapped for.
    pub mode: Mode,
    /// The edge.
    pub edge: EdgeId,
    /// Position along the edge from `from` (0) to `to` (1), by length.
    pub fraction: f64,
    /// The snapped point.
    #[serde(serialize_with = "crate::geom::serialize_coord")]
    pub point: Coord,
    /// Distance from the query point to the snapped point, metres.
    pub distance_m: f64,
}

impl SnapIndex {
    /// Indexes the edges `mode` may use in its component.
    pub fn new(graph: &RoadGraph, mode: Mode) -> Self {
        let proj = graph.projection();
        let entries: Vec<Entry> = (0..graph.edges.len())
            .filter(|&i| graph.usable(mode, EdgeId(i as u32)))
            .map(|i| {
                let pts = graph.edge_geometry(EdgeId(i as u32));
                let mut lo = [f64::MAX; 2];
                let mut hi = [f64::MIN; 2];
                for &c in pts {
                    let p = proj.project(c);
                    lo = [lo[0].min(p[0]), lo[1].min(p[1])];
                    hi = [hi[0].max(p[0]), hi[1].max(p[1])];
                }
                GeomWithData::new(Rectangle::from_corners(lo, hi), i as u32)
            })
            .collect();
        SnapIndex {
            tree: RTree::bulk_load(entries),
        }
    }
}

impl RoadGraph {
    /// Snaps `point` (lon/lat) to the nearest edge usable by `mode`.
    ///
    /// # Errors
    /// [`Error::PointFarFromRoad`] when the nearest usable edge is farther than
    /// `max_distance_m` (or the mode has no edge at all).
    pub fn snap(&self, mode: Mode, point: Coord, max_distance_m: f64) -> Result<Snap> {
        let proj = self.projection();
        let p = proj.project(point);
        let mut best: Option<(f64, EdgeId, f64)> = None; // (distance², edge, fraction)
        // Projected distances are within a fraction of a percent of the sphere's; the margin
        // keeps the candidate search from stopping early at the limit.
        let limit2 = (max_distance_m * 1.01 + 1.0).powi(2);
        for (entry, box_d2) in self
            .snap_index(mode)
            .tree
            .nearest_neighbor_iter_with_distance_2(&p)
        {
            if box_d2 > limit2 || best.is_some_and(|b| box_d2 > b.0) {
                break;
            }
            let e = EdgeId(entry.data);
            let (d2, fraction) = self.closest_on_edge(e, p);
            if best.is_none_or(|b| (d2, e) < (b.0, b.1)) {
                best = Some((d2, e, fraction));
            }
        }
        let far = |distance_m| Error::PointFarFromRoad {
            lon: point.x,
            lat: point.y,
            distance_m,
            max_distance_m,
            mode: mode.name(),
        };
        let Some((_, edge, fraction)) = best else {
            return Err(far(self.nearest_usable_distance_m(mode, p)));
        };
        let snapped = self.point_along(edge, fraction);
        let distance_m = haversine_m(point, snapped);
        if distance_m > max_distance_m {
            return Err(far(distance_m));
        }
        Ok(Snap {
            mode,
            edge,
            fraction,
            point: snapped,
            distance_m,
        })
    }

    /// Distance to the nearest usable edge without a limit, for error messages.
    fn nearest_usable_distance_m(&self, mode: Mode, p: [f64; 2]) -> f64 {
        self.snap_index(mode)
            .tree
            .nearest_neighbor(&p)
            .map(|entry| EdgeId(entry.data))
            .map_or(f64::INFINITY, |e| self.closest_on_edge(e, p).0.sqrt())
    }

    /// An edge's points in local metres, and the length of each segment.
    fn projected_edge(&self, e: EdgeId) -> (Vec<[f64; 2]>, Vec<f64>) {
        let proj = self.projection();
        let pts: Vec<[f64; 2]> = self
            .edge_geometry(e)
            .iter()
            .map(|&c| proj.project(c))
            .collect();
        let lens = pts
            .windows(2)
            .map(|w| ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt())
            .collect();
        (pts, lens)
    }

    /// Squared projected distance from `p` to the edge, and the fraction along it by length.
    fn closest_on_edge(&self, e: EdgeId, p: [f64; 2]) -> (f64, f64) {
        let (pts, seg_len) = self.projected_edge(e);
        let total: f64 = seg_len.iter().sum();
        let (mut best_d2, mut best_along, mut along) = (f64::MAX, 0.0, 0.0);
        for (i, w) in pts.windows(2).enumerate() {
            let (t, d2) = closest_on_segment(p, w[0], w[1]);
            if d2 < best_d2 {
                best_d2 = d2;
                best_along = along + t * seg_len[i];
            }
            along += seg_len[i];
        }
        if pts.len() == 1 {
            best_d2 = (p[0] - pts[0][0]).powi(2) + (p[1] - pts[0][1]).powi(2);
        }
        (best_d2, if total > 0.0 { best_along / total } else { 0.0 })
    }

    /// The point at `fraction` of an edge's length (in local metres).
    pub fn point_along(&self, e: EdgeId, fraction: f64) -> Coord {
        let proj = self.projection();
        let (pts, lens) = self.projected_edge(e);
        let mut remaining = fraction.clamp(0.0, 1.0) * lens.iter().sum::<f64>();
        for (i, &len) in lens.iter().enumerate() {
            if remaining <= len && len > 0.0 {
                let t = remaining / len;
                let (a, b) = (pts[i], pts[i + 1]);
                return proj.unproject([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
            }
            remaining -= len;
        }
        *self
            .edge_geometry(e)
            .last()
            .expect("edges have at least two points")
    }

    /// The points of edge `e` from `from_fraction` to `to_fraction` of its length (either
    /// way), the cut ends included: the edge's own points in between, in travel order.
    pub fn edge_part(&self, e: EdgeId, from_fraction: f64, to_fraction: f64) -> Vec<Coord> {
        let (lo, hi) = if from_fraction <= to_fraction {
            (from_fraction, to_fraction)
        } else {
            (to_fraction, from_fraction)
        };
        let (_, lens) = self.projected_edge(e);
        let total: f64 = lens.iter().sum();
        let geometry = self.edge_geometry(e);
        let mut points = vec![self.point_along(e, lo)];
        let mut along = 0.0;
        for (i, &len) in lens.iter().enumerate() {
            along += len;
            let f = if total > 0.0 { along / total } else { 1.0 };
            if f > lo && f < hi && i + 1 < geometry.len() {
                points.push(geometry[i + 1]);
            }
        }
        points.push(self.point_along(e, hi));
        if from_fraction > to_fraction {
            points.reverse();
        }
        points
    }
}

impl Snap {
    /// Time from this snapped point straight along the edge to `other`, when both lie on the
    /// same edge (snapped for the same mode) and the mode may travel that way along it (one-way
    /// streets for bikes and cars); `None` otherwise. A search from [`Snap::seeds`] reaches a
    /// point on its own edge only via a junction and back; the true time is the smaller of the
    /// two.
    pub fn along_edge_ms(&self, graph: &RoadGraph, other: &Snap) -> Option<u32> {
        if self.edge != other.edge || self.mode != other.mode {
            return None;
        }
        let gap = other.fraction_at(graph) - self.fraction_at(graph);
        if gap == 0.0 {
            return Some(0);
        }
        let t = graph.edges[self.edge.index()].time_ms(self.mode, gap > 0.0)?;
        Some((f64::from(t) * gap.abs()).round() as u32)
    }

    /// The end vertex of the edge this point is at (within [`AT_VERTEX_M`] of it along the
    /// edge), if any; the nearer end when the edge is that short.
    pub fn at_vertex(&self, graph: &RoadGraph) -> Option<VertexId> {
        let edge = &graph.edges[self.edge.index()];
        let from_m = self.fraction * edge.length_m;
        let to_m = (1.0 - self.fraction) * edge.length_m;
        if from_m <= to_m && from_m < AT_VERTEX_M {
            Some(edge.from)
        } else if to_m < AT_VERTEX_M {
            Some(edge.to)
        } else {
            None
        }
    }

    /// The position along the edge used for times: exactly 0 or 1 [at a
    /// vertex](Snap::at_vertex), else [`Snap::fraction`].
    pub fn fraction_at(&self, graph: &RoadGraph) -> f64 {
        match self.at_vertex(graph) {
            Some(v) if v == graph.edges[self.edge.index()].from => 0.0,
            Some(_) => 1.0,
            None => self.fraction,
        }
    }

    /// The way from this point to `end`, one of its edge's end vertices: the points in travel
    /// order (this point first, the vertex last) and the length, metres (the edge's length
    /// times the share of it covered, as its times are split). `None` when `end` is not an end
    /// of the edge.
    pub fn part_to(&self, graph: &RoadGraph, end: VertexId) -> Option<(Vec<Coord>, f64)> {
        let edge = &graph.edges[self.edge.index()];
        let f = self.fraction_at(graph);
        let to_fraction = if end == edge.from {
            0.0
        } else if end == edge.to {
            1.0
        } else {
            return None;
        };
        let points = if f == to_fraction {
            vec![graph.vertices[end.index()].coord]
        } else {
            graph.edge_part(self.edge, f, to_fraction)
        };
        Some((points, edge.length_m * (to_fraction - f).abs()))
    }

    /// Search seeds for leaving the snapped point (forward) or arriving at it (`reverse`):
    /// the edge's end vertices with the partial travel time between them and the point.
    /// A point [at a vertex](Snap::at_vertex) is that vertex at 0 ms, whatever the edge's
    /// one-way rules (all the vertex's edges are open from there).
    pub fn seeds(&self, graph: &RoadGraph, reverse: bool) -> Vec<(VertexId, u32)> {
        if let Some(v) = self.at_vertex(graph) {
            return vec![(v, 0)];
        }
        let edge = &graph.edges[self.edge.index()];
        let part = |t: u32, f: f64| (f64::from(t) * f).round() as u32;
        let (f, rest) = (self.fraction, 1.0 - self.fraction);
        let mut seeds = Vec::with_capacity(2);
        // Forward search: point → to along the way (forward arc), point → from against it.
        // Reverse search: from → point along the way, to → point against it.
        if let Some(t) = edge.time_ms(self.mode, true) {
            seeds.push(if reverse {
                (edge.from, part(t, f))
            } else {
                (edge.to, part(t, rest))
            });
        }
        if let Some(t) = edge.time_ms(self.mode, false) {
            seeds.push(if reverse {
                (edge.to, part(t, rest))
            } else {
                (edge.from, part(t, f))
            });
        }
        seeds
    }
}
