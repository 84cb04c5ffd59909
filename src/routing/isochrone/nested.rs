//! The two geometric steps behind nested, simplified isochrone bands, with the same results
//! as geo's and without its per-step costs:
//!
//! - [`simplify_vw_preserve`]: geo's topology-preserving Visvalingam–Whyatt
//!   (`SimplifyVwPreserve` for a `MultiPolygon`), step for step — same heap, same order of
//!   removals, same "would the new segment cross another one of the polygon" test
//!   (`Line::intersects`) — but the polygon's live segments sit in a uniform grid of buckets
//!   instead of an R-tree, so a removal is two flag writes and one push instead of two R-tree
//!   removals and an insertion (geo's cost was mostly `RTree::remove`).
//! - [`vertices_inside`]: whether every vertex of one band lies inside or on another (geo's
//!   `MultiPolygon: Intersects<Coord>`, a winding number over every edge of every ring per
//!   vertex), with the larger band's edges bucketed by horizontal strips, so that a vertex
//!   visits only the edges whose height range holds it — the only edges that change a winding
//!   number or can hold the vertex — with the same robust orientation test and crossing rules.
//!
//! Complexity: simplification O(n log n + n·k) for n vertices and k segments per bucket
//! (geo: O(n log n) R-tree operations with large constants); nesting O(m + v·s) for m edges, v
//! vertices and s edges per strip (geo: O(v·m)).

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

use geo::{Area, Coord, GeoNum, Intersects, Kernel, Line, LineString, MultiPolygon, Orientation};
use geo::{Polygon, Triangle};

/// One candidate removal, as geo's `VScore` (same order: the heap pops the smallest area), in
/// 24 bytes instead of 40 (vertex indices as `u32`), so that the heap moves less.
#[derive(Debug)]
struct VScore {
    area: f64,
    left: u32,
    current: u32,
    right: u32,
    intersector: bool,
}

impl Ord for VScore {
    fn cmp(&self, other: &VScore) -> Ordering {
        other
            .area
            .partial_cmp(&self.area)
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for VScore {
    fn partial_cmp(&self, other: &VScore) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Eq for VScore {}

impl PartialEq for VScore {
    fn eq(&self, other: &VScore) -> bool {
        self.area == other.area
    }
}

/// The live segments of one polygon, in square buckets.
#[derive(Debug, Default)]
pub(super) struct SegmentGrid {
    origin: Coord,
    /// Buckets per metre (one division per grid, not four per segment).
    per_bucket_m: f64,
    nx: usize,
    ny: usize,
    buckets: Vec<Vec<u32>>,
    lines: Vec<Line>,
    alive: Vec<bool>,
    /// [`simplify_ring`]'s neighbours, segments and heap, kept between rings.
    ring: RingScratch,
}

/// Per-ring memory of [`simplify_ring`], reused.
#[derive(Debug, Default)]
struct RingScratch {
    adjacent: Vec<(i32, i32)>,
    segment: Vec<u32>,
    heap: Vec<VScore>,
}

impl SegmentGrid {
    /// Empties the grid and sizes it for `polygon`'s rings, buckets at least `bucket_m` wide.
    fn reset(&mut self, polygon: &Polygon, bucket_m: f64) {
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        let mut n = 0usize;
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for c in &ring.0 {
                // Plain comparisons: the coordinates are numbers, and f64::min's NaN rules
                // cost more.
                if c.x < lo[0] {
                    lo[0] = c.x;
                }
                if c.y < lo[1] {
                    lo[1] = c.y;
                }
                if c.x > hi[0] {
                    hi[0] = c.x;
                }
                if c.y > hi[1] {
                    hi[1] = c.y;
                }
            }
            n += ring.0.len();
        }
        let (w, h) = ((hi[0] - lo[0]).max(0.0), (hi[1] - lo[1]).max(0.0));
        // About one bucket per segment at most, whatever the polygon's extent.
        let bucket_m = bucket_m.max((w * h / n.max(1) as f64).sqrt()).max(1e-9);
        self.origin = Coord { x: lo[0], y: lo[1] };
        self.per_bucket_m = 1.0 / bucket_m;
        self.nx = (w / bucket_m) as usize + 1;
        self.ny = (h / bucket_m) as usize + 1;
        let count = self.nx * self.ny;
        for b in self.buckets.iter_mut().take(count) {
            b.clear();
        }
        if self.buckets.len() < count {
            self.buckets.resize_with(count, Vec::new);
        }
        self.lines.clear();
        self.alive.clear();
    }

    /// Bucket columns and rows covering the box of `a` and `b`. Any monotone map of metres to
    /// buckets finds the same segments, as insertions and queries share it: a multiplication
    /// and a 32-bit conversion (saturating, negative to 0) are cheaper than a division and a
    /// 64-bit one. The map being monotone, the bucket of the lower end is the lower bucket.
    fn span(&self, a: Coord, b: Coord) -> ([usize; 2], [usize; 2]) {
        let per_bucket_m = self.per_bucket_m;
        let cell = |v: f64, o: f64, n: usize| (((v - o) * per_bucket_m) as u32 as usize).min(n - 1);
        let (ia, ib) = (
            cell(a.x, self.origin.x, self.nx),
            cell(b.x, self.origin.x, self.nx),
        );
        let (ja, jb) = (
            cell(a.y, self.origin.y, self.ny),
            cell(b.y, self.origin.y, self.ny),
        );
        ([ia.min(ib), ia.max(ib)], [ja.min(jb), ja.max(jb)])
    }

    fn insert(&mut self, line: Line) -> u32 {
        let id = self.lines.len() as u32;
        let ([i0, i1], [j0, j1]) = self.span(line.start, line.end);
        for j in j0..=j1 {
            for i in i0..=i1 {
                self.buckets[j * self.nx + i].push(id);
            }
        }
        self.lines.push(line);
        self.alive.push(true);
        id
    }

    /// geo's `tree_intersect`: whether segment `a`-`b` meets a live segment that shares none
    /// of its end points.
    /// A segment whose box lies strictly apart from the new one's cannot meet it (geo's test
    /// is exact, so it says so too): that comparison comes before geo's orientation tests.
    fn crosses(&self, a: Coord, b: Coord) -> bool {
        let new_segment = Line::new(a, b);
        let ([i0, i1], [j0, j1]) = self.span(a, b);
        let ordered = |p: f64, q: f64| if p <= q { (p, q) } else { (q, p) };
        let ((x0, x1), (y0, y1)) = (ordered(a.x, b.x), ordered(a.y, b.y));
        (j0..=j1).any(|j| {
            (i0..=i1).any(|i| {
                self.buckets[j * self.nx + i].iter().any(|&id| {
                    if !self.alive[id as usize] {
                        return false;
                    }
                    let c = self.lines[id as usize];
                    let apart = (c.start.x < x0 && c.end.x < x0)
                        || (c.start.x > x1 && c.end.x > x1)
                        || (c.start.y < y0 && c.end.y < y0)
                        || (c.start.y > y1 && c.end.y > y1);
                    !apart
                        && c.start != a
                        && c.start != b
                        && c.end != a
                        && c.end != b
                        && new_segment.intersects(&c)
                })
            })
        })
    }
}

/// geo's `SimplifyVwPreserve::simplify_vw_preserve(epsilon)` for a multipolygon, with the
/// same output; `bucket_m` sizes the segment buckets (about two grid cells).
pub(super) fn simplify_vw_preserve(
    mp: &MultiPolygon,
    epsilon: f64,
    bucket_m: f64,
    grid: &mut SegmentGrid,
) -> MultiPolygon {
    MultiPolygon::new(
        mp.0.iter()
            .map(|p| simplify_polygon(p, epsilon, bucket_m, grid))
            .collect(),
    )
}

fn simplify_polygon(
    polygon: &Polygon,
    epsilon: f64,
    bucket_m: f64,
    grid: &mut SegmentGrid,
) -> Polygon {
    grid.reset(polygon, bucket_m);
    let rings: Vec<&LineString> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .collect();
    // Segment ids of each ring, in ring order: ring r's segment k is `first[r] + k`.
    let mut first = Vec::with_capacity(rings.len());
    for ring in &rings {
        first.push(grid.lines.len() as u32);
        for line in ring.lines() {
            grid.insert(line);
        }
    }
    let mut simplified: Vec<LineString> = rings
        .iter()
        .zip(&first)
        .map(|(ring, &first)| LineString::from(simplify_ring(ring, epsilon, grid, first)))
        .collect();
    let exterior = simplified.remove(0);
    Polygon::new(exterior, simplified)
}

/// geo's `visvalingam_preserve::<_, 4, 5>` on one ring whose segments are ids `first..` in
/// `grid`.
fn simplify_ring(
    orig: &LineString,
    epsilon: f64,
    grid: &mut SegmentGrid,
    first: u32,
) -> Vec<Coord> {
    const INITIAL_MIN: usize = 4;
    const MIN_POINTS: usize = 5;
    if orig.0.len() < 3 || epsilon <= 0.0 {
        return orig.0.to_vec();
    }
    let max = orig.0.len();
    let mut counter = orig.0.len();
    let RingScratch {
        mut adjacent,
        mut segment,
        heap,
    } = std::mem::take(&mut grid.ring);
    adjacent.clear();
    adjacent.extend((0..max).map(|i| {
        if i == 0 {
            (-1_i32, 1_i32)
        } else {
            ((i - 1) as i32, (i + 1) as i32)
        }
    }));
    // The segment leaving each vertex (a removal merges two into the left vertex's).
    segment.clear();
    segment.extend((0..max as u32).map(|k| first + k));
    // As `collect()` into a heap does it: the triangles in order, then heapified.
    let mut heap = heap;
    heap.clear();
    heap.extend(orig.triangles().enumerate().map(|(i, triangle)| VScore {
        area: triangle.unsigned_area(),
        current: i as u32 + 1,
        left: i as u32,
        right: i as u32 + 2,
        intersector: false,
    }));
    let mut pq = BinaryHeap::from(heap);
    while let Some(mut smallest) = pq.pop() {
        if smallest.area > epsilon || counter <= INITIAL_MIN {
            break;
        }
        let (left, right) = adjacent[smallest.current as usize];
        if left != smallest.left as i32 || right != smallest.right as i32 {
            continue;
        }
        smallest.intersector = grid.crosses(
            orig.0[smallest.left as usize],
            orig.0[smallest.right as usize],
        );
        if smallest.intersector && counter <= MIN_POINTS {
            break;
        }
        let (ll, _) = adjacent[left as usize];
        let (_, rr) = adjacent[right as usize];
        adjacent[left as usize] = (ll, right);
        adjacent[right as usize] = (left, rr);
        adjacent[smallest.current as usize] = (0, 0);
        counter -= 1;
        grid.alive[segment[left as usize] as usize] = false;
        grid.alive[segment[smallest.current as usize] as usize] = false;
        segment[left as usize] =
            grid.insert(Line::new(orig.0[left as usize], orig.0[right as usize]));
        recompute_triangles(&smallest, orig, &mut pq, [ll, left, right, rr], epsilon);
    }
    let kept = orig
        .0
        .iter()
        .zip(&adjacent)
        .filter_map(|(c, adj)| (*adj != (0, 0)).then_some(*c))
        .collect();
    grid.ring = RingScratch {
        adjacent,
        segment,
        heap: pq.into_vec(),
    };
    kept
}

/// geo's `recompute_triangles`: the two triangles around a removed vertex, the left one first
/// in line when the removal crossed another segment.
fn recompute_triangles(
    smallest: &VScore,
    orig: &LineString,
    pq: &mut BinaryHeap<VScore>,
    [ll, left, right, rr]: [i32; 4],
    epsilon: f64,
) {
    let max = orig.0.len();
    for (ai, current, bi) in [(ll, left, right), (left, right, rr)] {
        if ai as usize >= max || bi as usize >= max {
            continue;
        }
        let area = Triangle::new(
            orig.0[ai as usize],
            orig.0[current as usize],
            orig.0[bi as usize],
        )
        .unsigned_area();
        let area = if smallest.intersector && (current as u32) < smallest.current {
            -epsilon
        } else {
            area
        };
        pq.push(VScore {
            area,
            current: current as u32,
            left: ai as u32,
            right: bi as u32,
            intersector: false,
        });
    }
}

/// The edges of a multipolygon's rings bucketed by horizontal strips (compressed rows), its
/// memory kept from one build to the next.
#[derive(Debug, Default)]
struct StripIndex {
    /// Lowest and highest edge ends.
    y_range: [f64; 2],
    /// Strips per metre (a multiplication per lookup, not a division).
    per_strip_m: f64,
    /// `edges[start[s]..start[s + 1]]` are strip `s`'s edges: (start, end, ring).
    start: Vec<usize>,
    edges: Vec<(Coord, Coord, u32)>,
    /// Per polygon, its rings' ids: exterior first, then holes in order.
    polygons: Vec<std::ops::Range<u32>>,
    ring_count: usize,
    /// Every edge once, its first and last strip, and the next free slot per strip, while
    /// building.
    all: Vec<(Coord, Coord, u32)>,
    spans: Vec<(u32, u32)>,
    fill: Vec<usize>,
}

impl StripIndex {
    #[cfg(test)]
    fn new(mp: &MultiPolygon) -> Self {
        let mut index = StripIndex::default();
        index.build(mp);
        index
    }

    /// Indexes the edges of `mp`, reusing the memory of the last build.
    fn build(&mut self, mp: &MultiPolygon) {
        let all = &mut self.all;
        all.clear();
        self.polygons.clear();
        let mut ring = 0u32;
        for p in &mp.0 {
            let first = ring;
            for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                if r.0.len() == 1 {
                    // geo: a one-point ring holds only that point, as a zero-length edge does.
                    all.push((r.0[0], r.0[0], ring));
                }
                all.extend(r.lines().map(|l| (l.start, l.end, ring)));
                ring += 1;
            }
            self.polygons.push(first..ring);
        }
        let (mut lo, mut hi) = (f64::MAX, f64::MIN);
        for &(a, b, _) in all.iter() {
            for y in [a.y, b.y] {
                if y < lo {
                    lo = y;
                }
                if y > hi {
                    hi = y;
                }
            }
        }
        let strips = all.len().max(1);
        let per_strip_m = 1.0 / ((hi - lo) / strips as f64).max(1e-9);
        // The strips of each edge (the map is monotone: the lower end's is the lower strip).
        let spans = &mut self.spans;
        spans.clear();
        spans.extend(all.iter().map(|&(a, b, _)| {
            let (sa, sb) = (
                strip_of(a.y, lo, per_strip_m, strips),
                strip_of(b.y, lo, per_strip_m, strips),
            );
            (sa.min(sb) as u32, sa.max(sb) as u32)
        }));
        let start = &mut self.start;
        start.clear();
        start.resize(strips + 1, 0);
        for &(s0, s1) in spans.iter() {
            for s in s0 as usize..=s1 as usize {
                start[s + 1] += 1;
            }
        }
        for s in 0..strips {
            start[s + 1] += start[s];
        }
        self.fill.clear();
        self.fill.extend_from_slice(start);
        self.edges.clear();
        self.edges
            .resize(start[strips], (Coord::zero(), Coord::zero(), 0));
        for (&e, &(s0, s1)) in all.iter().zip(spans.iter()) {
            for s in s0 as usize..=s1 as usize {
                self.edges[self.fill[s]] = e;
                self.fill[s] += 1;
            }
        }
        self.y_range = [lo, hi];
        self.per_strip_m = per_strip_m;
        self.ring_count = ring as usize;
    }

    /// geo's `MultiPolygon::intersects(&coord)`: inside or on the boundary. `winding` and
    /// `boundary` are per-ring scratch, all zero / false on entry and on return.
    fn holds(&self, c: Coord, winding: &mut [i32], boundary: &mut [bool]) -> bool {
        // Only the edges whose height range holds the vertex change its winding numbers or
        // hold it; they all lie in its strip.
        if self.edges.is_empty() || c.y < self.y_range[0] || c.y > self.y_range[1] {
            return false;
        }
        let strips = self.start.len() - 1;
        let s = strip_of(c.y, self.y_range[0], self.per_strip_m, strips);
        let edges = &self.edges[self.start[s]..self.start[s + 1]];
        for &(a, b, ring) in edges {
            // geo's `coord_pos_relative_to_ring`, one edge at a time.
            let r = ring as usize;
            if a.y <= c.y {
                if b.y >= c.y {
                    let o = <f64 as GeoNum>::Ker::orient2d(a, b, c);
                    if o == Orientation::CounterClockwise && b.y != c.y {
                        winding[r] += 1;
                    } else if o == Orientation::Collinear && in_between(c.x, a.x, b.x) {
                        boundary[r] = true;
                    }
                }
            } else if b.y <= c.y {
                let o = <f64 as GeoNum>::Ker::orient2d(a, b, c);
                if o == Orientation::Clockwise {
                    winding[r] -= 1;
                } else if o == Orientation::Collinear && in_between(c.x, a.x, b.x) {
                    boundary[r] = true;
                }
            }
        }
        let inside = self.polygons.iter().any(|rings| {
            let ext = rings.start as usize;
            if boundary[ext] {
                return true;
            }
            if winding[ext] == 0 {
                return false;
            }
            for h in rings.start as usize + 1..rings.end as usize {
                if boundary[h] {
                    return true;
                }
                if winding[h] != 0 {
                    return false;
                }
            }
            true
        });
        for &(_, _, ring) in edges {
            winding[ring as usize] = 0;
            boundary[ring as usize] = false;
        }
        inside
    }
}

/// The strip of height `y` (clamped, monotone in `y`: any such map finds the same edges, as
/// building and lookups share it).
fn strip_of(y: f64, y0: f64, per_strip_m: f64, strips: usize) -> usize {
    (((y - y0) * per_strip_m).max(0.0) as usize).min(strips - 1)
}

fn in_between(v: f64, a: f64, b: f64) -> bool {
    if a < b {
        v >= a && v <= b
    } else {
        v >= b && v <= a
    }
}

/// Whether every vertex of `inner` lies inside or on `outer` (geo's
/// `outer.intersects(&vertex)` for each).
pub(super) fn vertices_inside(inner: &MultiPolygon, outer: &MultiPolygon) -> bool {
    thread_local! {
        /// The index and per-ring scratch kept between calls: no allocation once warm.
        static INDEX: RefCell<(StripIndex, Vec<i32>, Vec<bool>)> = RefCell::default();
    }
    INDEX.with_borrow_mut(|(index, winding, boundary)| {
        index.build(outer);
        // All zero / false between calls (`holds` resets what it sets).
        if winding.len() < index.ring_count {
            winding.resize(index.ring_count, 0);
            boundary.resize(index.ring_count, false);
        }
        inner.0.iter().all(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .flat_map(|ring| ring.0.iter())
                .all(|&c| index.holds(c, winding, boundary))
        })
    })
}

#[cfg(test)]
mod tests {
    use geo::{Intersects, SimplifyVw, SimplifyVwPreserve, coord, polygon};

    use super::*;
    use crate::routing::isochrone::{Buffers, TimeGrid, UNREACHED_S, traced_bands_m};

    /// A noisy ring-shaped time field with holes (unreached patches inside), so that the
    /// traced bands have holes close to their outlines and many removals are refused.
    fn noisy_grid(n: usize, seed: u64) -> TimeGrid {
        let mut seed = seed;
        let mut noise = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as f64 / f64::from(1u32 << 31) - 0.5
        };
        let c = n as f64 / 2.0;
        let time_s = (0..n * n)
            .map(|k| {
                let (i, j) = ((k % n) as f64 - c, (k / n) as f64 - c);
                let r = (i * i + j * j).sqrt();
                let wave = 1.0 + 0.4 * (7.0 * j.atan2(i)).sin();
                let hole = ((i - 0.2 * c).powi(2) + (j + 0.1 * c).powi(2)).sqrt() < 0.08 * c;
                if r > 0.45 * n as f64 || hole {
                    UNREACHED_S
                } else {
                    50.0 * r * wave + 40.0 * noise()
                }
            })
            .collect();
        TimeGrid {
            origin: [1000.0, -500.0],
            cell_m: 50.0,
            nx: n,
            ny: n,
            time_s,
            cell_crossing_s: 50.0,
        }
    }

    fn traced(seed: u64) -> Vec<MultiPolygon> {
        let minutes = [10.0, 20.0, 30.0, 40.0];
        traced_bands_m(&noisy_grid(90, seed), &minutes, &mut Buffers::default()).unwrap()
    }

    #[test]
    fn simplification_is_geos_topology_preserving_visvalingam() {
        let mut grid = SegmentGrid::default();
        for seed in 1..6 {
            for (k, band) in traced(seed).iter().enumerate() {
                for epsilon in [1.0, 156.25, 2000.0, 40_000.0] {
                    let ours = simplify_vw_preserve(band, epsilon, 100.0, &mut grid);
                    assert_eq!(
                        ours,
                        band.simplify_vw_preserve(epsilon),
                        "seed {seed}, band {k}, epsilon {epsilon}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_removal_crossing_a_hole_is_handled_as_geo_does() {
        // A square with a small spike on its top side and a hole straddling the side just
        // below the spike: removing the spike's tip would cut through the hole. Plain
        // Visvalingam removes it and the side's vertices; geo's preserving variant flags the
        // crossing and removes neighbours until the new side clears the hole.
        let p = polygon!(
            exterior: [
                (x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0),
                (x: 60.0, y: 100.0), (x: 50.0, y: 104.0), (x: 40.0, y: 100.0),
                (x: 0.0, y: 100.0), (x: 0.0, y: 0.0)
            ],
            interiors: [[
                (x: 49.0, y: 99.0), (x: 51.0, y: 99.0), (x: 51.0, y: 101.0), (x: 49.0, y: 101.0),
                (x: 49.0, y: 99.0)
            ]],
        );
        let mp = MultiPolygon(vec![p.clone()]);
        let geo_result = mp.simplify_vw_preserve(50.0);
        assert_ne!(geo_result.0[0].exterior(), &p.exterior().simplify_vw(50.0));
        let ours = simplify_vw_preserve(&mp, 50.0, 10.0, &mut SegmentGrid::default());
        assert_eq!(ours, geo_result);
    }

    #[test]
    fn vertex_tests_are_geos_point_in_multipolygon() {
        let mut winding = Vec::new();
        let mut boundary = Vec::new();
        for seed in 1..4 {
            let bands = traced(seed);
            for outer in &bands {
                let index = StripIndex::new(outer);
                winding.resize(index.ring_count, 0);
                boundary.resize(index.ring_count, false);
                // Every band's vertices (on, inside and outside `outer`) and a lattice of
                // points, some on cell sides and corners.
                let lattice = (0..60 * 60).map(|k| {
                    coord! {
                        x: 1000.0 + 80.0 * (k % 60) as f64,
                        y: -500.0 + 80.0 * (k / 60) as f64,
                    }
                });
                let vertices = bands.iter().flat_map(|b| {
                    b.0.iter().flat_map(|p| {
                        std::iter::once(p.exterior())
                            .chain(p.interiors())
                            .flat_map(|r| r.0.iter().copied())
                            .collect::<Vec<_>>()
                    })
                });
                let (mut inside, mut outside) = (0, 0);
                for c in vertices.chain(lattice) {
                    let expected = outer.intersects(&c);
                    assert_eq!(
                        index.holds(c, &mut winding, &mut boundary),
                        expected,
                        "{c:?}"
                    );
                    if expected { inside += 1 } else { outside += 1 }
                }
                assert!(inside > 100 && outside > 100, "{inside} in, {outside} out");
            }
            for k in 1..bands.len() {
                assert!(vertices_inside(&bands[k - 1], &bands[k]));
                assert!(!vertices_inside(&bands[k], &bands[k - 1]));
            }
        }
    }
}
