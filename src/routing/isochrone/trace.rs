//! One band traced by marching squares on its own window of the time grid, with the rings,
//! coordinates and holes the `contour` crate gives for the whole grid, bit for bit.
//!
//! `ContourBuilder::contours` walks every cell of the grid for every band, though a 5-minute
//! band covers a ninth of a 15-minute one's box. Here the rings come from
//! `contour::contour_rings` (as [`super::rings`] repeats it) on the band's window (its cells
//! plus one cell outside the band around them: beyond the window every cell is outside the
//! band, so the whole grid gives the same rings, stitched in the same order); the window's
//! offset is added back in whole cells (exact), and the rest of `ContourBuilder::contour` —
//! linear smoothing, scaling to metres, the winding test and the hole assignment — is
//! repeated here step for step on the whole grid's coordinates, so that the output does not
//! move by a bit.

use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::TimeGrid;
use super::rings::{RingBuilder, contour_rings};

/// The bands of cells whose `value` is at least each of `thresholds`, as `contour` traces them
/// for the whole grid (cell centres at `origin + index · cell`); `None` if `contour` fails.
/// The values are computed once into `values` for all the bands.
pub(super) fn traced_bands(
    grid: &TimeGrid,
    value: impl Fn(f64) -> f64,
    thresholds: &[f64],
    values: &mut Vec<f64>,
    builder: &mut RingBuilder,
) -> Option<Vec<MultiPolygon>> {
    values.clear();
    values.extend(grid.time_s.iter().map(|&t| value(t)));
    thresholds
        .iter()
        .map(|&threshold| traced_band(grid, values, threshold, builder))
        .collect()
}

/// One band of [`traced_bands`], `values` being the whole grid's.
fn traced_band(
    grid: &TimeGrid,
    values: &[f64],
    threshold: f64,
    builder: &mut RingBuilder,
) -> Option<MultiPolygon> {
    let Some([i0, i1, j0, j1]) = band_window(values, grid, threshold) else {
        return Some(MultiPolygon(vec![]));
    };
    let (nx, ny) = (i1 - i0 + 1, j1 - j0 + 1);
    // The window, read in place through the grid's row stride.
    contour_rings(
        &values[j0 * grid.nx + i0..],
        grid.nx,
        threshold,
        nx,
        ny,
        builder,
    )?;
    let (x0, y0) = (
        grid.origin[0] - grid.cell_m / 2.0,
        grid.origin[1] - grid.cell_m / 2.0,
    );
    // Ring points sit on whole or half cells: in half cells, the window's offset is added
    // exactly.
    let (hx0, hy0) = (2 * i0 as i64, 2 * j0 as i64);
    let (mut polygons, mut holes) = (Vec::new(), Vec::new());
    for window_ring in builder.rings() {
        let ring: Vec<Coord> = window_ring
            .iter()
            .map(|&[hx, hy]| {
                let p = smooth_linear(
                    hx0 + i64::from(hx),
                    hy0 + i64::from(hy),
                    grid,
                    values,
                    threshold,
                );
                // contour places value (i, j) at (x_origin + i·step, y_origin + j·step) for
                // cell corners; a half-cell shift puts it at our cell centres.
                Coord {
                    x: p.x * grid.cell_m + x0,
                    y: p.y * grid.cell_m + y0,
                }
            })
            .collect();
        if area(&ring) > 0.0 {
            polygons.push(Polygon::new(LineString::new(ring), vec![]));
        } else {
            holes.push(LineString::new(ring));
        }
    }
    for hole in holes {
        if let Some(polygon) = polygons
            .iter_mut()
            .find(|p| contains(&p.exterior().0, &hole.0) != -1)
        {
            polygon.interiors_push(hole);
        }
    }
    Some(MultiPolygon(polygons))
}

/// The columns `[i0, i1]` and rows `[j0, j1]` of the cells whose value is at least
/// `threshold`, one cell wider on every side where the grid allows (`None`: no cell is).
fn band_window(values: &[f64], grid: &TimeGrid, threshold: f64) -> Option<[usize; 4]> {
    let (mut i0, mut i1, mut j0, mut j1) = (usize::MAX, 0, usize::MAX, 0);
    let inside = |v: &f64| *v >= threshold;
    for (j, row) in values.chunks_exact(grid.nx).enumerate() {
        let Some(first) = row.iter().position(inside) else {
            continue;
        };
        let last = row.iter().rposition(inside).unwrap_or(first);
        (i0, i1) = (i0.min(first), i1.max(last));
        (j0, j1) = (j0.min(j), j1.max(j));
    }
    (i0 != usize::MAX).then(|| {
        [
            i0.saturating_sub(1),
            (i1 + 1).min(grid.nx - 1),
            j0.saturating_sub(1),
            (j1 + 1).min(grid.ny - 1),
        ]
    })
}

/// `ContourBuilder::smoooth_linear` for the ring point `(hx / 2, hy / 2)` of the whole grid
/// (`hx, hy >= -1` half cells): a point on a cell side moves to where the values on either
/// side interpolate to the threshold. The crate's tests on the point's float coordinates, in
/// whole numbers: `x.trunc()` is `hx / 2` rounded toward zero (0 for -0.5), `x` is whole when
/// `hx` is even, and `0 < x < nx` is `0 < hx < 2 · nx`.
fn smooth_linear(hx: i64, hy: i64, grid: &TimeGrid, values: &[f64], value: f64) -> Coord {
    let (x, y) = (hx as f64 * 0.5, hy as f64 * 0.5);
    let mut p = Coord { x, y };
    let (xt, yt) = ((hx.max(0) / 2) as usize, (hy.max(0) / 2) as usize);
    let k = yt * grid.nx + xt;
    let Some(&v1) = values.get(k) else {
        return p;
    };
    if hx > 0 && hx < 2 * grid.nx as i64 && hx % 2 == 0 {
        let v0 = values[k - 1];
        p.x = x + (value - v0) / (v1 - v0) - 0.5;
    }
    if hy > 0 && hy < 2 * grid.ny as i64 && hy % 2 == 0 {
        let v0 = values[k - grid.nx];
        p.y = y + (value - v0) / (v1 - v0) - 0.5;
    }
    p
}

/// `contour`'s doubled signed area (positive: an outer ring).
fn area(ring: &[Coord]) -> f64 {
    let n = ring.len();
    let mut area = ring[n - 1].y * ring[0].x - ring[n - 1].x * ring[0].y;
    for i in 1..n {
        area += ring[i - 1].y * ring[i].x - ring[i - 1].x * ring[i].y;
    }
    area
}

/// `contour`'s test of a hole against a ring: 1 inside, -1 outside, 0 on it (the first
/// vertex of the hole not on the ring decides).
fn contains(ring: &[Coord], hole: &[Coord]) -> i32 {
    hole.iter()
        .map(|p| ring_contains(ring, p))
        .find(|&c| c != 0)
        .unwrap_or(0)
}

fn ring_contains(ring: &[Coord], point: &Coord) -> i32 {
    let (x, y) = (point.x, point.y);
    let mut contains = -1;
    let mut j = ring.len() - 1;
    for (i, pi) in ring.iter().enumerate() {
        let pj = &ring[j];
        if segment_contains(pi, pj, point) {
            return 0;
        }
        if ((pi.y > y) != (pj.y > y)) && (x < (pj.x - pi.x) * (y - pi.y) / (pj.y - pi.y) + pi.x) {
            contains = -contains;
        }
        j = i;
    }
    contains
}

fn segment_contains(a: &Coord, b: &Coord, c: &Coord) -> bool {
    let collinear = ((b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)).abs() < f64::EPSILON;
    let within = |p: f64, q: f64, r: f64| p <= q && q <= r || r <= q && q <= p;
    collinear
        && if (a.x - b.x).abs() < f64::EPSILON {
            within(a.y, c.y, b.y)
        } else {
            within(a.x, c.x, b.x)
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rings and holes at several scales: distance from two centres plus noise, with pockets.
    fn pocked_grid(nx: usize, ny: usize, cell_m: f64) -> TimeGrid {
        let mut seed = 11u64;
        let mut noise = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as f64 / f64::from(1u32 << 31)
        };
        let time_s = (0..nx * ny)
            .map(|k| {
                let (i, j) = ((k % nx) as f64, (k / nx) as f64);
                let r = ((i - 20.0).hypot(j - 15.0)).min((i - 45.0).hypot(j - 30.0)) * cell_m;
                let t = r + 300.0 * noise();
                let edge = i < 3.0 || j < 3.0 || i > nx as f64 - 4.0 || j > ny as f64 - 4.0;
                if edge || t > 1000.0 || noise() < 0.05 {
                    f64::INFINITY
                } else {
                    t
                }
            })
            .collect();
        TimeGrid {
            origin: [1234.5, -987.25],
            cell_m,
            nx,
            ny,
            time_s,
            cell_crossing_s: cell_m,
        }
    }

    #[test]
    fn a_band_on_its_window_is_the_whole_grids_band_bit_for_bit() {
        let grid = pocked_grid(70, 50, 50.0);
        let minutes = [3.0, 6.0, 10.0, 16.0];
        let far = -(16.0 + grid.cell_crossing_s / 60.0);
        let value = |t: f64| if t.is_finite() { -t / 60.0 } else { far };
        let values: Vec<f64> = grid.time_s.iter().map(|&t| value(t)).collect();
        let whole = contour::ContourBuilder::new(grid.nx, grid.ny, true)
            .x_origin(grid.origin[0] - grid.cell_m / 2.0)
            .y_origin(grid.origin[1] - grid.cell_m / 2.0)
            .x_step(grid.cell_m)
            .y_step(grid.cell_m);
        let mut scratch = Vec::new();
        let mut builder = RingBuilder::default();
        let mut holes = 0;
        let thresholds = minutes.map(|m| -m);
        let all = traced_bands(&grid, value, &thresholds, &mut scratch, &mut builder).unwrap();
        for (m, got) in minutes.into_iter().zip(all) {
            let expected = whole.contours(&values, &[-m]).unwrap().remove(0);
            let expected = expected.into_inner().0;
            holes += got.0.iter().map(|p| p.interiors().len()).sum::<usize>();
            assert!(!got.0.is_empty(), "{m} min: no polygon");
            // Bit for bit: every coordinate's bits, every ring in the same order.
            let bits = |mp: &MultiPolygon| -> Vec<u64> {
                mp.0.iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                    .flat_map(|r| r.0.iter().flat_map(|c| [c.x.to_bits(), c.y.to_bits()]))
                    .collect()
            };
            assert_eq!(got, expected, "{m} min");
            assert_eq!(bits(&got), bits(&expected), "{m} min");
        }
        assert!(holes > 0, "the grid has no holes to test");
    }
}
