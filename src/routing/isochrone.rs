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

mod nested;

use geo::{Coord, MapCoords, MultiPolygon};

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
    let proj = graph.projection();
    let profile = graph.profile(mode);
    let step = options.cell_m / 2.0;
    let limit_s = f64::from(limit_ms) / 1000.0;
    // Samples: (x, y, seconds).
    let mut samples: Vec<(f64, f64, f64)> = extra
        .iter()
        .map(|&(c, t)| {
            let [x, y] = proj.project(c);
            (x, y, f64::from(t) / 1000.0)
        })
        .collect();
    let mut pts: Vec<[f64; 2]> = Vec::new();
    for &(v, t_ms) in settled {
        let t0 = f64::from(t_ms) / 1000.0;
        let arcs = match direction {
            Direction::Forward => profile.out_arcs(v),
            Direction::Reverse => profile.in_arcs(v),
        };
        for arc in arcs {
            let edge = &graph.edges[arc.edge.index()];
            pts.clear();
            pts.extend(
                graph
                    .edge_geometry(arc.edge)
                    .iter()
                    .map(|&c| proj.project(c)),
            );
            if edge.from != v {
                pts.reverse();
            }
            let arc_s = f64::from(arc.time_ms) / 1000.0;
            let total: f64 = pts.windows(2).map(|w| dist(w[0], w[1])).sum();
            let mut along = 0.0;
            samples.push((pts[0][0], pts[0][1], t0));
            for w in pts.windows(2) {
                let seg = dist(w[0], w[1]);
                let n = (seg / step).ceil().max(1.0) as usize;
                for k in 1..=n {
                    let f = k as f64 / n as f64;
                    let d = along + f * seg;
                    let t = if total > 0.0 {
                        t0 + arc_s * d / total
                    } else {
                        t0
                    };
                    if t > limit_s {
                        break;
                    }
                    samples.push((
                        w[0][0] + f * (w[1][0] - w[0][0]),
                        w[0][1] + f * (w[1][1] - w[0][1]),
                        t,
                    ));
                }
                along += seg;
                if t0 + arc_s * along / total.max(f64::MIN_POSITIVE) > limit_s {
                    break;
                }
            }
        }
    }
    splat(&samples, limit_s, options)
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// `x.round() as usize` (half away from zero, 0 below zero) without a call to libm's `round`
/// (one per sample otherwise): the fraction `x - trunc(x)` is exact for `0 <= x < 2^52`.
fn nearest_index(x: f64) -> usize {
    let i = x as usize;
    if x - i as f64 >= 0.5 { i + 1 } else { i }
}

fn splat(samples: &[(f64, f64, f64)], limit_s: f64, options: &IsochroneOptions) -> TimeGrid {
    let cell = options.cell_m;
    let cap = options.off_network_cap_m;
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for &(x, y, _) in samples {
        lo = [lo[0].min(x), lo[1].min(y)];
        hi = [hi[0].max(x), hi[1].max(y)];
    }
    if samples.is_empty() {
        return TimeGrid {
            origin: [0.0, 0.0],
            cell_m: cell,
            nx: 0,
            ny: 0,
            time_s: Vec::new(),
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
    let mut time_s = vec![UNREACHED_S; nx * ny];
    // Off-network metres behind each cell's time.
    let mut off_m = vec![0.0f64; nx * ny];
    for &(x, y, t) in samples {
        let i = nearest_index((x - origin[0]) / cell);
        let j = nearest_index((y - origin[1]) / cell);
        let slot = &mut time_s[j * nx + i];
        // A cell counts as reached when the road through it is.
        if t < *slot {
            *slot = t;
        }
    }
    // Spread off the network: a two-pass chamfer distance transform (8 neighbours, steps of
    // one cell and one diagonal), stopping at the off-network cap.
    let speed = options.off_network_mps;
    let steps = [
        (cell, cell / speed),
        (
            cell * std::f64::consts::SQRT_2,
            cell * std::f64::consts::SQRT_2 / speed,
        ),
    ];
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
    TimeGrid {
        origin,
        cell_m: cell,
        nx,
        ny,
        time_s,
        cell_crossing_s: cell / speed,
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
    let settled = bounded_search(
        graph.profile(mode),
        Direction::Forward,
        seeds,
        limit_ms,
        scratch,
    );
    let grid = time_grid(
        graph,
        mode,
        Direction::Forward,
        settled,
        extra,
        limit_ms,
        &IsochroneOptions::for_mode(mode),
    );
    contour_bands(graph, &grid, minutes)
}

/// Contours a grid into nested bands, one per limit (minutes), in lon/lat.
pub fn contour_bands(graph: &RoadGraph, grid: &TimeGrid, minutes: &[f64]) -> Vec<Isochrone> {
    let proj = graph.projection();
    match traced_bands_m(grid, minutes) {
        Some(traced) => simplify_nested(traced, minutes, grid.cell_m)
            .into_iter()
            .zip(minutes)
            .map(|(polygon_m, &m)| Isochrone {
                minutes: m,
                polygon: polygon_m.map_coords(|p| proj.unproject([p.x, p.y])),
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
fn traced_bands_m(grid: &TimeGrid, minutes: &[f64]) -> Option<Vec<MultiPolygon>> {
    if grid.nx < 2 || grid.ny < 2 {
        return None;
    }
    // `contour` draws polygons around values >= threshold: use negative minutes. Unreached
    // cells count as reached one cell-crossing after the largest limit, so the boundary next
    // to them falls between cells instead of collapsing onto the reached cells' centres.
    let far = -(minutes.iter().fold(0.0f64, |a, &b| a.max(b)) + grid.cell_crossing_s / 60.0);
    let values: Vec<f64> = grid
        .time_s
        .iter()
        .map(|&t| if t.is_finite() { -t / 60.0 } else { far })
        .collect();
    let thresholds: Vec<f64> = minutes.iter().map(|m| -m).collect();
    // contour places value (i, j) at (x_origin + i·step, y_origin + j·step) for cell corners;
    // a half-cell shift puts it at our cell centres.
    let builder = contour::ContourBuilder::new(grid.nx, grid.ny, true)
        .x_origin(grid.origin[0] - grid.cell_m / 2.0)
        .y_origin(grid.origin[1] - grid.cell_m / 2.0)
        .x_step(grid.cell_m)
        .y_step(grid.cell_m);
    let contours = builder.contours(&values, &thresholds).ok()?;
    Some(contours.into_iter().map(|c| c.into_inner().0).collect())
}

/// Simplifies the bands (grid metres, one per limit in `minutes`) to the resolution of a grid
/// of `cell_m` cells, or returns them as traced if a simplified smaller band would leave the
/// next larger one.
fn simplify_nested(traced: Vec<MultiPolygon>, minutes: &[f64], cell_m: f64) -> Vec<MultiPolygon> {
    let area_m2 = (cell_m / 4.0).powi(2);
    let mut segments = nested::SegmentGrid::default();
    let simplified: Vec<MultiPolygon> = traced
        .iter()
        .map(|mp| nested::simplify_vw_preserve(mp, area_m2, 2.0 * cell_m, &mut segments))
        .collect();
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
        let traced = traced_bands_m(&grid, &minutes).unwrap();
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
    fn one_sample_gives_a_disc_centred_on_it() {
        let options = IsochroneOptions {
            cell_m: 10.0,
            off_network_mps: 1.0,
            off_network_cap_m: 50.0,
        };
        let grid = splat(&[(1000.0, 2000.0, 0.0)], 60.0, &options);
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
