//! Isochrone polygons from a finished search: a travel-time grid, contoured by marching
//! squares (the `contour` crate). Polygons are for display only; every count comes from the
//! graph.
//!
//! The grid: every edge leaving a reached vertex is sampled every half cell or closer, each
//! sample getting the vertex time plus the share of the edge time up to it; each sample then
//! reaches the cells around it by walking off the network at [`IsochroneOptions::off_network_mps`]
//! up to [`IsochroneOptions::off_network_cap_m`] (a cell a road crosses is reached when the
//! road is; the spreading is a chamfer distance transform). A cell's time is the least over samples.
//! Bands are nested: the polygon for T minutes covers every cell reached within T.
//!
//! Marching squares puts a vertex on every cell side a band crosses; the bands are then
//! simplified to the grid's resolution (Visvalingam–Whyatt, topology-preserving, dropping
//! vertices whose triangle is under (cell/4)²) as long as they stay nested: every vertex of a
//! smaller band inside or on the next larger one, else they are kept as traced. Both steps
//! give geo's results (`SimplifyVwPreserve`, `Intersects<Coord>`) with bucketed segments and
//! edges instead of an R-tree and a scan of every edge per vertex (see `nested`).

mod edge_samples;
mod nested;
mod rings;
mod trace;

use std::cell::{Cell, RefCell};

use geo::{Coord, MapCoordsInPlace, MultiPolygon};

use super::{Direction, SearchScratch, bounded_search};
use crate::graph::{Mode, RoadGraph, VertexId};

/// Grid and off-network settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IsochroneOptions {
    /// Cell size, metres.
    pub cell_m: f64,
    /// Speed of the last stretch off the network, m/s.
    pub off_network_mps: f64,
    /// How far from the network a cell may be, metres.
    pub off_network_cap_m: f64,
}

impl IsochroneOptions {
    /// Defaults per mode: 50 m cells for walking, coarser for faster modes; 1 m/s off the
    /// network up to 100 m.
    pub fn for_mode(mode: Mode) -> Self {
        let cell_m = match mode {
            Mode::Walk => 50.0,
            Mode::Bike | Mode::Ebike => 100.0,
            Mode::Car | Mode::Bus => 200.0,
        };
        IsochroneOptions {
            cell_m,
            off_network_mps: 1.0,
            off_network_cap_m: 100.0_f64.max(cell_m),
        }
    }
}

/// One band: everything reachable within `minutes`.
#[derive(Clone, Debug, PartialEq)]
pub struct Isochrone {
    /// The limit, minutes.
    pub minutes: f64,
    /// Area reached, lon/lat, with holes.
    pub polygon: MultiPolygon,
}

/// A travel-time grid in local metres.
#[derive(Clone, Debug)]
pub struct TimeGrid {
    /// Projected position of cell (0, 0)'s centre.
    pub origin: [f64; 2],
    /// Cell size, metres.
    pub cell_m: f64,
    /// Columns.
    pub nx: usize,
    /// Rows.
    pub ny: usize,
    /// Seconds per cell, row-major; `f64::INFINITY` when unreached.
    pub time_s: Vec<f64>,
    /// Seconds to cross one cell off the network.
    pub cell_crossing_s: f64,
}

const UNREACHED_S: f64 = f64::INFINITY;

/// The memory of one isochrone kept for the next on the same thread (as a [`SearchScratch`]
/// is): samples, grid, chamfer metres, band values, ring tables. No allocation once warm but
/// for the polygons returned.
#[derive(Debug, Default)]
struct Buffers {
    /// Each reached edge's sample points, kept for the next isochrone on the same graph.
    edge_samples: edge_samples::EdgeSampleCache,
    /// [`time_grid`]'s least time per vertex ([`NOT_SETTLED`] but for the call's vertices).
    least_ms: Vec<u64>,
    samples: Vec<(f64, f64, f64)>,
    time_s: Vec<f64>,
    off_m: Vec<f64>,
    values: Vec<f64>,
    rings: rings::RingBuilder,
}

thread_local! {
    static BUFFERS: Cell<Buffers> = Cell::default();
}

/// Runs `f` with this thread's [`Buffers`], taken out for the call (a nested call gets empty
/// ones) and put back after.
fn with_buffers<R>(f: impl FnOnce(&mut Buffers) -> R) -> R {
    let mut buffers = BUFFERS.with(Cell::take);
    let result = f(&mut buffers);
    BUFFERS.with(|b| b.set(buffers));
    result
}

/// Builds the travel-time grid of a search (forward: times from the seeds; reverse: times to
/// them): `settled` are the vertices and times it settled, `extra` further `(point, time_ms)` samples (the snapped origins), `limit_ms` the
/// search limit.
pub fn time_grid(
    graph: &RoadGraph,
    mode: Mode,
    direction: Direction,
    settled: &[(VertexId, u32)],
    extra: &[(Coord, u32)],
    limit_ms: u32,
    options: &IsochroneOptions,
) -> TimeGrid {
    let search = Search {
        direction,
        settled,
        limit_ms,
    };
    with_buffers(|buffers| {
        // Each vertex's least time, to sample an edge with both ends settled once: a dense
        // table kept by the thread, only the entries set here reset after.
        let mut least_ms = std::mem::take(&mut buffers.least_ms);
        least_ms.resize(least_ms.len().max(graph.vertices.len()), NOT_SETTLED);
        for &(v, t) in settled {
            let slot = &mut least_ms[v.index()];
            *slot = (*slot).min(u64::from(t));
        }
        let time_of = |v: VertexId| {
            let t = least_ms[v.index()];
            (t != NOT_SETTLED).then_some(t as u32)
        };
        let grid = grid_of_search(graph, mode, &search, time_of, extra, options, buffers);
        for &(v, _) in settled {
            least_ms[v.index()] = NOT_SETTLED;
        }
        buffers.least_ms = least_ms;
        grid
    })
}

/// A vertex [`time_grid`] was not given (above every `u32` time).
const NOT_SETTLED: u64 = u64::MAX;

/// A finished search: its direction, the vertices it settled with their times, its limit.
struct Search<'a> {
    direction: Direction,
    settled: &'a [(VertexId, u32)],
    limit_ms: u32,
}

/// [`time_grid`] with each settled vertex's least time given by `time_of` (`None` for a vertex
/// the search did not settle); the grid's times are `buffers.time_s`, taken.
fn grid_of_search(
    graph: &RoadGraph,
    mode: Mode,
    search: &Search,
    time_of: impl Fn(VertexId) -> Option<u32>,
    extra: &[(Coord, u32)],
    options: &IsochroneOptions,
    buffers: &mut Buffers,
) -> TimeGrid {
    let proj = graph.projection();
    let profile = graph.profile(mode);
    let edges = buffers.edge_samples.table(graph, options.cell_m / 2.0);
    let arcs_of = |v: VertexId| match search.direction {
        Direction::Forward => profile.out_arcs(v),
        Direction::Reverse => profile.in_arcs(v),
    };
    let mut samples = Samples::new(f64::from(search.limit_ms) / 1000.0);
    samples.points = std::mem::take(&mut buffers.samples);
    samples.points.clear();
    for &(c, t) in extra {
        let [x, y] = proj.project(c);
        samples.push(x, y, f64::from(t) / 1000.0);
    }
    for &(v, t_ms) in search.settled {
        // A repeated entry with a larger time samples its edges alone, as every entry did.
        let least = time_of(v) == Some(t_ms);
        for arc in arcs_of(v) {
            let w = arc.vertex;
            // The same edge in the search's direction from its other end, if that end was
            // settled: the edge is sampled once, from the end settled first, each point taking
            // the earlier of the times through either end.
            let other = (least && w != v)
                .then(|| time_of(w))
                .flatten()
                .and_then(|t_w| {
                    arcs_of(w)
                        .iter()
                        .find(|b| b.edge == arc.edge && b.vertex == v)
                        .map(|b| (t_w, b.time_ms))
                });
            if let Some((t_w, _)) = other
                && (t_w, w.0) < (t_ms, v.0)
            {
                continue;
            }
            let reversed = graph.edges[arc.edge.index()].from != v;
            let span = edges.samples(graph, arc.edge, reversed);
            let ms_to_s = |ms: u32| f64::from(ms) / 1000.0;
            let near = (ms_to_s(t_ms), ms_to_s(arc.time_ms));
            samples.edge(span, near, other.map(|(t, a)| (ms_to_s(t), ms_to_s(a))));
        }
    }
    let time_s = std::mem::take(&mut buffers.time_s);
    let grid = splat(&samples, options, time_s, &mut buffers.off_m);
    buffers.samples = samples.points;
    grid
}

/// Points along the reached roads with their times, and their bounding box.
struct Samples {
    /// `(x, y, seconds)`.
    points: Vec<(f64, f64, f64)>,
    lo: [f64; 2],
    hi: [f64; 2],
    limit_s: f64,
}

impl Samples {
    fn new(limit_s: f64) -> Self {
        Samples {
            points: Vec::new(),
            lo: [f64::MAX; 2],
            hi: [f64::MIN; 2],
            limit_s,
        }
    }

    fn push(&mut self, x: f64, y: f64, t: f64) {
        self.lo = [least(self.lo[0], x), least(self.lo[1], y)];
        self.hi = [greatest(self.hi[0], x), greatest(self.hi[1], y)];
        self.points.push((x, y, t));
    }

    /// Samples an edge from its span (see `edge_samples`: the near end with the edge's
    /// length, then each point with its metres along, every half cell or closer): `near` is
    /// the near end's time and the edge's time from it (seconds); `far`, when the far end was
    /// settled too, the same from the far end. A point takes the earlier of the two (time
    /// linear along the edge) and is kept within the limit.
    fn edge(&mut self, span: &[[f64; 3]], near: (f64, f64), far: Option<(f64, f64)>) {
        let [x0, y0, total] = span[0];
        let rate = |arc_s: f64| if total > 0.0 { arc_s / total } else { 0.0 };
        let (t0, rate0) = (near.0, rate(near.1));
        let (t1, rate1) = far.map_or((f64::INFINITY, 0.0), |(t, arc_s)| (t, rate(arc_s)));
        self.push(x0, y0, least(t0, t1 + rate1 * total));
        for &[x, y, d] in &span[1..] {
            let t = least(t0 + rate0 * d, t1 + rate1 * (total - d));
            if t > self.limit_s {
                if far.is_none() {
                    // Times only grow from here.
                    return;
                }
                continue;
            }
            self.push(x, y, t);
        }
    }
}

/// `x.ceil().max(1.0) as usize` without a call to libm's `ceil` (one per segment otherwise),
/// before the `max`: `x.ceil() as usize` for every `x` (NaN and below zero give 0, over
/// `usize::MAX` saturate), exact for `0 <= x < 2^52` as `x - trunc(x)` is.
fn ceil_index(x: f64) -> usize {
    let i = x as usize;
    if (i as f64) < x {
        i.saturating_add(1)
    } else {
        i
    }
}

/// `x.round() as usize` (half away from zero, 0 below zero) without a call to libm's `round`
/// (one per sample otherwise): the fraction `x - trunc(x)` is exact for `0 <= x < 2^52`. The
/// reference of [`grid_index`].
#[cfg(test)]
fn nearest_index(x: f64) -> usize {
    let i = x as usize;
    if x - i as f64 >= 0.5 { i + 1 } else { i }
}

/// [`nearest_index`] for a position in the grid (every sample is, by the margin: `0 <= x <
/// 2^31`) without a conversion instruction (Rust's saturating `as` takes several): adding
/// 1.5 · 2^52 rounds `x` to an integer, ties to even, which the low bits then hold; a tie
/// rounded down is put up. Below zero (and NaN) it gives 0 too.
fn grid_index(x: f64) -> usize {
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let x = if x > 0.0 { x } else { 0.0 };
    let rounded = x + ROUND;
    // Exact: `x` and the integer it rounds to are within a half of each other.
    let tie_down = x - (rounded - ROUND) == 0.5;
    (rounded.to_bits() as u32 + u32::from(tie_down)) as usize
}

/// The lesser of two times or positions (never NaN): one instruction, where `f64::min`'s
/// NaN handling takes several.
fn least(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// The greater of two positions (never NaN), as [`least`].
fn greatest(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

/// The grid of `samples`, its times in `time_s` (any length on entry: resized), `off_m` the
/// chamfer's scratch.
fn splat(
    samples: &Samples,
    options: &IsochroneOptions,
    mut time_s: Vec<f64>,
    off_m: &mut Vec<f64>,
) -> TimeGrid {
    let cell = options.cell_m;
    let cap = options.off_network_cap_m;
    let (lo, hi) = (samples.lo, samples.hi);
    if samples.points.is_empty() {
        return TimeGrid {
            origin: [0.0, 0.0],
            cell_m: cell,
            nx: 0,
            ny: 0,
            time_s: {
                time_s.clear();
                time_s
            },
            cell_crossing_s: cell / options.off_network_mps,
        };
    }
    // Two empty cells of margin beyond the off-network reach, so every contour closes.
    let margin = cap + 2.0 * cell;
    let origin = [
        (lo[0] - margin).div_euclid(cell) * cell,
        (lo[1] - margin).div_euclid(cell) * cell,
    ];
    let nx = ((hi[0] + margin - origin[0]) / cell).ceil() as usize + 1;
    let ny = ((hi[1] + margin - origin[1]) / cell).ceil() as usize + 1;
    time_s.clear();
    time_s.resize(nx * ny, UNREACHED_S);
    let inv_cell = 1.0 / cell;
    for &(x, y, t) in &samples.points {
        let i = grid_index((x - origin[0]) * inv_cell);
        let j = grid_index((y - origin[1]) * inv_cell);
        let slot = &mut time_s[j * nx + i];
        // A cell counts as reached when the road through it is.
        if t < *slot {
            *slot = t;
        }
    }
    let speed = options.off_network_mps;
    chamfer(&mut time_s, nx, cell, speed, cap, samples.limit_s, off_m);
    TimeGrid {
        origin,
        cell_m: cell,
        nx,
        ny,
        time_s,
        cell_crossing_s: cell / speed,
    }
}

/// Spreads the times off the network: a two-pass chamfer distance transform (8 neighbours,
/// steps of one cell and one diagonal at `speed_mps`), each cell at most `cap_m` off the
/// network, then drops times over `limit_s`. The grid (`nx` columns) has a border of cells
/// the spreading never reaches, so only inner cells are visited, each with all 8 neighbours.
/// `off_m` is scratch (any length on entry).
fn chamfer(
    time_s: &mut [f64],
    nx: usize,
    cell_m: f64,
    speed_mps: f64,
    cap_m: f64,
    limit_s: f64,
    off_m: &mut Vec<f64>,
) {
    let ny = time_s.len() / nx.max(1);
    if nx < 3 || ny < 3 {
        return;
    }
    let diagonal_m = cell_m * std::f64::consts::SQRT_2;
    let (straight, diagonal) = (
        (cell_m, cell_m / speed_mps),
        (diagonal_m, diagonal_m / speed_mps),
    );
    // Off-network metres behind each cell's time.
    off_m.clear();
    off_m.resize(time_s.len(), 0.0);
    // One cell from its four neighbours already final in this pass's order, `near` first:
    // their times `t_from`, off-network metres `o_from`.
    let relax = |t: &mut f64, o: &mut f64, t_from: [f64; 4], o_from: [f64; 4]| {
        for (k, (t_from, o_from)) in t_from.into_iter().zip(o_from).enumerate() {
            let (step_m, step_s) = if k % 2 == 0 { straight } else { diagonal };
            let candidate = t_from + step_s;
            if candidate < *t && o_from + step_m <= cap_m {
                *t = candidate;
                *o = o_from + step_m;
            }
        }
    };
    // No step can beat `t` if the nearest neighbour's straight one does not (a sum rounds
    // monotonically, a diagonal step is the longer): most cells, unreached ones among them,
    // are left at that.
    let may_improve = |t_from: [f64; 4], t: f64| {
        least(least(t_from[0], t_from[1]), least(t_from[2], t_from[3])) + straight.1 < t
    };
    for j in 1..ny - 1 {
        let (before, rest) = time_s.split_at_mut(j * nx);
        let (prev_t, row_t) = (&before[(j - 1) * nx..], &mut rest[..nx]);
        let (before, rest) = off_m.split_at_mut(j * nx);
        let (prev_o, row_o) = (&before[(j - 1) * nx..], &mut rest[..nx]);
        for i in 1..nx - 1 {
            let t_from = [row_t[i - 1], prev_t[i - 1], prev_t[i], prev_t[i + 1]];
            if may_improve(t_from, row_t[i]) {
                let o_from = [row_o[i - 1], prev_o[i - 1], prev_o[i], prev_o[i + 1]];
                relax(&mut row_t[i], &mut row_o[i], t_from, o_from);
            }
        }
    }
    for j in (1..ny - 1).rev() {
        let (rest, after) = time_s.split_at_mut((j + 1) * nx);
        let (row_t, next_t) = (&mut rest[j * nx..], &after[..nx]);
        let (rest, after) = off_m.split_at_mut((j + 1) * nx);
        let (row_o, next_o) = (&mut rest[j * nx..], &after[..nx]);
        for i in (1..nx - 1).rev() {
            let t_from = [row_t[i + 1], next_t[i + 1], next_t[i], next_t[i - 1]];
            if may_improve(t_from, row_t[i]) {
                let o_from = [row_o[i + 1], next_o[i + 1], next_o[i], next_o[i - 1]];
                relax(&mut row_t[i], &mut row_o[i], t_from, o_from);
            }
            // Final now: a time over the limit could only give its neighbours later ones.
            if row_t[i] > limit_s {
                row_t[i] = UNREACHED_S;
            }
        }
    }
}

/// Nested isochrones of a forward search from `seeds` (plus `extra` point samples, such as
/// a snapped origin), one per limit in `minutes`.
pub fn isochrones(
    graph: &RoadGraph,
    mode: Mode,
    seeds: &[(VertexId, u32)],
    extra: &[(Coord, u32)],
    minutes: &[f64],
    scratch: &mut SearchScratch,
) -> Vec<Isochrone> {
    let limit_ms = (minutes.iter().fold(0.0f64, |a, &b| a.max(b)) * 60_000.0).round() as u32;
    bounded_search(
        graph.profile(mode),
        Direction::Forward,
        seeds,
        limit_ms,
        scratch,
    );
    let scratch = &*scratch;
    let search = Search {
        direction: Direction::Forward,
        settled: scratch.settled(),
        limit_ms,
    };
    with_buffers(|buffers| {
        let grid = grid_of_search(
            graph,
            mode,
            &search,
            |v| scratch.time_ms(v),
            extra,
            &IsochroneOptions::for_mode(mode),
            buffers,
        );
        let bands = bands_of_grid(graph, &grid, minutes, buffers);
        buffers.time_s = grid.time_s;
        bands
    })
}

/// Contours a grid into nested bands, one per limit (minutes), in lon/lat.
pub fn contour_bands(graph: &RoadGraph, grid: &TimeGrid, minutes: &[f64]) -> Vec<Isochrone> {
    with_buffers(|buffers| bands_of_grid(graph, grid, minutes, buffers))
}

/// [`contour_bands`] with this thread's buffers.
fn bands_of_grid(
    graph: &RoadGraph,
    grid: &TimeGrid,
    minutes: &[f64],
    buffers: &mut Buffers,
) -> Vec<Isochrone> {
    let proj = graph.projection();
    match traced_bands_m(grid, minutes, buffers) {
        Some(traced) => simplify_nested(traced, minutes, grid.cell_m)
            .into_iter()
            .zip(minutes)
            .map(|(mut polygon, &m)| {
                // In place: the same coordinates as `map_coords`, without a second copy.
                polygon.map_coords_in_place(|p| proj.unproject([p.x, p.y]));
                Isochrone {
                    minutes: m,
                    polygon,
                }
            })
            .collect(),
        None => minutes
            .iter()
            .map(|&m| Isochrone {
                minutes: m,
                polygon: MultiPolygon(vec![]),
            })
            .collect(),
    }
}

/// The bands as marching squares traces them, in grid metres (`None`: no grid to contour).
/// Each band is traced on its own window of the grid, with the whole grid's result (see
/// `trace`).
fn traced_bands_m(
    grid: &TimeGrid,
    minutes: &[f64],
    buffers: &mut Buffers,
) -> Option<Vec<MultiPolygon>> {
    if grid.nx < 2 || grid.ny < 2 {
        return None;
    }
    // `contour` draws polygons around values >= threshold: use negative minutes. Unreached
    // cells count as reached one cell-crossing after the largest limit, so the boundary next
    // to them falls between cells instead of collapsing onto the reached cells' centres.
    let far = -(minutes.iter().fold(0.0f64, |a, &b| a.max(b)) + grid.cell_crossing_s / 60.0);
    let value = |t: f64| if t.is_finite() { -t / 60.0 } else { far };
    let Buffers { values, rings, .. } = buffers;
    let thresholds: Vec<f64> = minutes.iter().map(|&m| -m).collect();
    trace::traced_bands(grid, value, &thresholds, values, rings)
}

/// Simplifies the bands (grid metres, one per limit in `minutes`) to the resolution of a grid
/// of `cell_m` cells, or returns them as traced if a simplified smaller band would leave the
/// next larger one.
fn simplify_nested(traced: Vec<MultiPolygon>, minutes: &[f64], cell_m: f64) -> Vec<MultiPolygon> {
    let area_m2 = (cell_m / 4.0).powi(2);
    thread_local! {
        /// Segment buckets kept between bands and isochrones: no allocation once warm.
        static SEGMENTS: RefCell<nested::SegmentGrid> = RefCell::default();
    }
    let simplified: Vec<MultiPolygon> = SEGMENTS.with_borrow_mut(|segments| {
        traced
            .iter()
            .map(|mp| nested::simplify_vw_preserve(mp, area_m2, 2.0 * cell_m, segments))
            .collect()
    });
    let mut order: Vec<usize> = (0..simplified.len()).collect();
    order.sort_by(|&a, &b| minutes[a].total_cmp(&minutes[b]));
    let nested = order
        .windows(2)
        .all(|w| bands_nested(&simplified[w[0]], &simplified[w[1]]));
    if nested { simplified } else { traced }
}

/// Whether every vertex of `inner` lies inside or on `outer`.
pub fn bands_nested(inner: &MultiPolygon, outer: &MultiPolygon) -> bool {
    nested::vertices_inside(inner, outer)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wavy, noisy time field around the grid's centre (seconds), so that its contours have
    /// many vertices on nearly straight runs and bands that come close to each other.
    fn wavy_grid(n: usize, cell_m: f64) -> TimeGrid {
        let mut seed = 7u64;
        let mut noise = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as f64 / f64::from(1u32 << 31) - 0.5
        };
        let c = n as f64 / 2.0;
        let time_s = (0..n * n)
            .map(|k| {
                let (i, j) = ((k % n) as f64 - c, (k / n) as f64 - c);
                let r = (i * i + j * j).sqrt() * cell_m;
                let wave = 1.0 + 0.3 * (5.0 * j.atan2(i)).sin();
                if r > 0.45 * n as f64 * cell_m {
                    UNREACHED_S
                } else {
                    r * wave + 6.0 * noise()
                }
            })
            .collect();
        TimeGrid {
            origin: [0.0, 0.0],
            cell_m,
            nx: n,
            ny: n,
            time_s,
            cell_crossing_s: cell_m,
        }
    }

    #[test]
    fn simplified_bands_stay_nested_with_fewer_vertices() {
        use geo::Area;
        let grid = wavy_grid(120, 50.0);
        let minutes = [15.0, 30.0, 45.0, 60.0];
        let traced = traced_bands_m(&grid, &minutes, &mut Buffers::default()).unwrap();
        let bands = simplify_nested(traced.clone(), &minutes, grid.cell_m);
        let vertices = |mp: &MultiPolygon| -> usize {
            mp.0.iter()
                .map(|p| {
                    p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
                })
                .sum()
        };
        for (k, band) in bands.iter().enumerate() {
            let (n, n0) = (vertices(band), vertices(&traced[k]));
            assert!(n > 0, "{} min band is empty", minutes[k]);
            assert!(n * 2 < n0, "{} min: {n} vertices, traced {n0}", minutes[k]);
            // The shape stays: the area moves by under 2 %.
            let (a, a0) = (band.unsigned_area(), traced[k].unsigned_area());
            assert!(
                (a - a0).abs() < 0.02 * a0,
                "{} min: area {a} vs {a0}",
                minutes[k]
            );
        }
        for k in 1..bands.len() {
            assert!(
                bands_nested(&bands[k - 1], &bands[k]),
                "{} min band leaves the {} min band",
                minutes[k - 1],
                minutes[k]
            );
        }
    }

    #[test]
    fn nearest_index_rounds_as_f64_round_does() {
        let mut values = vec![
            -1.5,
            -0.5,
            -0.0,
            0.0,
            0.49999999999999994,
            0.5,
            1.5,
            2.5,
            2.4999999999999996,
            1e6 + 0.5,
            f64::NAN,
        ];
        values.extend((0..20_000).map(|k| k as f64 * 0.0137));
        for x in values {
            assert_eq!(nearest_index(x), x.round() as usize, "{x}");
        }
    }

    #[test]
    fn grid_index_is_nearest_index_within_the_grid() {
        let mut values = vec![
            -1.5,
            -0.5,
            -0.0,
            0.0,
            0.49999999999999994,
            0.5,
            2.4999999999999996,
            2.5,
            1e6 + 0.5,
            2_147_483_646.5,
        ];
        values.extend((0..20_000).map(|k| k as f64 * 0.0137));
        for x in values {
            assert_eq!(grid_index(x), nearest_index(x), "{x}");
        }
    }

    #[test]
    fn ceil_index_is_ceil_as_usize() {
        let mut values = vec![
            -1.5,
            -0.5,
            -0.0,
            0.0,
            1e-300,
            0.9999999999999999,
            1.0,
            1.0000000000000002,
            4503599627370495.5,
            4503599627370497.0,
            1e30,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        values.extend((0..20_000).map(|k| k as f64 * 0.0137));
        values.extend((0..2_000).map(|k| 173.2 / (k as f64 * 0.25 + 0.5)));
        for x in values {
            assert_eq!(ceil_index(x), x.ceil() as usize, "{x}");
            assert_eq!(ceil_index(x).max(1), x.ceil().max(1.0) as usize, "{x}");
        }
    }

    #[test]
    fn one_sample_gives_a_disc_centred_on_it() {
        let options = IsochroneOptions {
            cell_m: 10.0,
            off_network_mps: 1.0,
            off_network_cap_m: 50.0,
        };
        let mut samples = Samples::new(60.0);
        samples.push(1000.0, 2000.0, 0.0);
        let grid = splat(&samples, &options, Vec::new(), &mut Vec::new());
        // The sample's own cell has time 0; cells 50 m away about 50 s; beyond the cap none.
        let at = |x: f64, y: f64| {
            let i = ((x - grid.origin[0]) / grid.cell_m).round() as usize;
            let j = ((y - grid.origin[1]) / grid.cell_m).round() as usize;
            grid.time_s[j * grid.nx + i]
        };
        assert_eq!(at(1000.0, 2000.0), 0.0);
        assert!((at(1050.0, 2000.0) - 50.0).abs() < 1e-9);
        assert!((at(1030.0, 2030.0) - 30.0 * std::f64::consts::SQRT_2).abs() < 1e-9);
        assert!(at(1060.0, 2000.0).is_infinite());
    }
}

#[cfg(test)]
mod grid_tests {
    use super::edge_samples::dist;
    use super::*;
    use crate::graph::{GraphOptions, build_graph};
    use crate::osm::OsmExtract;

    /// The grid as it was built before each edge was sampled once: every arc leaving a
    /// settled vertex sampled from that vertex alone, the samples kept, then splatted and
    /// spread by the chamfer with bounds-checked neighbours.
    fn two_ended_grid(
        graph: &RoadGraph,
        mode: Mode,
        direction: Direction,
        settled: &[(VertexId, u32)],
        limit_ms: u32,
        options: &IsochroneOptions,
    ) -> (Vec<f64>, [f64; 2], usize) {
        let proj = graph.projection();
        let profile = graph.profile(mode);
        let step = options.cell_m / 2.0;
        let limit_s = f64::from(limit_ms) / 1000.0;
        let mut samples: Vec<(f64, f64, f64)> = Vec::new();
        for &(v, t_ms) in settled {
            let t0 = f64::from(t_ms) / 1000.0;
            let arcs = match direction {
                Direction::Forward => profile.out_arcs(v),
                Direction::Reverse => profile.in_arcs(v),
            };
            for arc in arcs {
                let mut pts: Vec<[f64; 2]> = graph
                    .edge_geometry(arc.edge)
                    .iter()
                    .map(|&c| proj.project(c))
                    .collect();
                if graph.edges[arc.edge.index()].from != v {
                    pts.reverse();
                }
                let arc_s = f64::from(arc.time_ms) / 1000.0;
                let total: f64 = pts.windows(2).map(|w| dist(w[0], w[1])).sum();
                let mut along = 0.0;
                samples.push((pts[0][0], pts[0][1], t0));
                'edge: for w in pts.windows(2) {
                    let seg = dist(w[0], w[1]);
                    let n = (seg / step).ceil().max(1.0) as usize;
                    for k in 1..=n {
                        let f = k as f64 / n as f64;
                        let t = if total > 0.0 {
                            t0 + arc_s * (along + f * seg) / total
                        } else {
                            t0
                        };
                        if t > limit_s {
                            break 'edge;
                        }
                        samples.push((
                            w[0][0] + f * (w[1][0] - w[0][0]),
                            w[0][1] + f * (w[1][1] - w[0][1]),
                            t,
                        ));
                    }
                    along += seg;
                }
            }
        }
        let (cell, cap) = (options.cell_m, options.off_network_cap_m);
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        for &(x, y, _) in &samples {
            lo = [lo[0].min(x), lo[1].min(y)];
            hi = [hi[0].max(x), hi[1].max(y)];
        }
        let margin = cap + 2.0 * cell;
        let origin = [
            (lo[0] - margin).div_euclid(cell) * cell,
            (lo[1] - margin).div_euclid(cell) * cell,
        ];
        let nx = ((hi[0] + margin - origin[0]) / cell).ceil() as usize + 1;
        let ny = ((hi[1] + margin - origin[1]) / cell).ceil() as usize + 1;
        let mut time_s = vec![UNREACHED_S; nx * ny];
        let mut off_m = vec![0.0f64; nx * ny];
        for &(x, y, t) in &samples {
            let i = ((x - origin[0]) / cell).round() as usize;
            let j = ((y - origin[1]) / cell).round() as usize;
            time_s[j * nx + i] = time_s[j * nx + i].min(t);
        }
        let speed = options.off_network_mps;
        let d = cell * std::f64::consts::SQRT_2;
        let steps = [(cell, cell / speed), (d, d / speed)];
        let mut relax = |i: usize, j: usize, di: isize, dj: isize, diagonal: usize| {
            let (ni, nj) = (i as isize + di, j as isize + dj);
            if ni < 0 || nj < 0 || ni >= nx as isize || nj >= ny as isize {
                return;
            }
            let (from, to) = (nj as usize * nx + ni as usize, j * nx + i);
            let (step_m, step_s) = steps[diagonal];
            let t = time_s[from] + step_s;
            if t < time_s[to] && off_m[from] + step_m <= cap {
                time_s[to] = t;
                off_m[to] = off_m[from] + step_m;
            }
        };
        for j in 0..ny {
            for i in 0..nx {
                for (di, dj, d) in [(-1, 0, 0), (-1, -1, 1), (0, -1, 0), (1, -1, 1)] {
                    relax(i, j, di, dj, d);
                }
            }
        }
        for j in (0..ny).rev() {
            for i in (0..nx).rev() {
                for (di, dj, d) in [(1, 0, 0), (1, 1, 1), (0, 1, 0), (-1, 1, 1)] {
                    relax(i, j, di, dj, d);
                }
            }
        }
        for t in &mut time_s {
            if *t > limit_s {
                *t = UNREACHED_S;
            }
        }
        (time_s, origin, nx)
    }

    #[test]
    fn edges_sampled_once_give_the_grid_of_both_ends() {
        let graph = build_graph(&OsmExtract::demo(), &GraphOptions::default()).unwrap();
        let mut scratch = SearchScratch::new(&graph);
        for mode in [Mode::Walk, Mode::Bike, Mode::Car] {
            let options = IsochroneOptions::for_mode(mode);
            let profile = graph.profile(mode);
            let starts: Vec<VertexId> = (0..graph.vertices.len() as u32)
                .map(VertexId)
                .filter(|&v| profile.contains(v))
                .step_by(97)
                .collect();
            for &start in &starts {
                for direction in [Direction::Forward, Direction::Reverse] {
                    let limit_ms = 600_000;
                    let settled =
                        bounded_search(profile, direction, &[(start, 0)], limit_ms, &mut scratch)
                            .to_vec();
                    let old = two_ended_grid(&graph, mode, direction, &settled, limit_ms, &options);
                    let new = time_grid(&graph, mode, direction, &settled, &[], limit_ms, &options);
                    assert_eq!(
                        (new.origin, new.nx),
                        (old.1, old.2),
                        "{mode} from {start:?}"
                    );
                    for (k, (a, b)) in new.time_s.iter().zip(&old.0).enumerate() {
                        assert!(
                            a == b || (a - b).abs() < 1e-9,
                            "{mode} {direction:?} from {start:?}: cell {k}: {a} s, both ends {b} s"
                        );
                    }
                }
            }
        }
    }
}
