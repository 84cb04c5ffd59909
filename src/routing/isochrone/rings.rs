//! Marching squares with the rings of `contour::contour_rings` (contour 0.13), bit for bit and
//! in the same order, without its per-call costs: the crate looks up each segment's ends in two
//! hash maps, reads the case table through three levels of `Vec`, prepends to a ring with
//! `Vec::insert(0, _)` and allocates everything anew per call. Here the ends are looked up in
//! two dense tables indexed by the crate's own point key (so that keys that coincide there
//! coincide here), the cases are a constant array, rings grow at both ends in a `VecDeque`,
//! and the tables are kept between calls in a [`RingBuilder`].
//!
//! Complexity: O(nx · ny) per call plus the rings' lengths; memory O(nx · ny) kept.

use std::collections::VecDeque;

use geo::Coord;

/// The crate's `CASES`: per case of the four corners (bit 0 lower left, 1 lower right, 2
/// upper right, 3 upper left), the segments `[start, end]` as offsets within the cell.
const CASES: [&[[[f64; 2]; 2]]; 16] = [
    &[],
    &[[[1.0, 1.5], [0.5, 1.0]]],
    &[[[1.5, 1.0], [1.0, 1.5]]],
    &[[[1.5, 1.0], [0.5, 1.0]]],
    &[[[1.0, 0.5], [1.5, 1.0]]],
    &[[[1.0, 1.5], [0.5, 1.0]], [[1.0, 0.5], [1.5, 1.0]]],
    &[[[1.0, 0.5], [1.0, 1.5]]],
    &[[[1.0, 0.5], [0.5, 1.0]]],
    &[[[0.5, 1.0], [1.0, 0.5]]],
    &[[[1.0, 1.5], [1.0, 0.5]]],
    &[[[0.5, 1.0], [1.0, 0.5]], [[1.5, 1.0], [1.0, 1.5]]],
    &[[[1.5, 1.0], [1.0, 0.5]]],
    &[[[0.5, 1.0], [1.5, 1.0]]],
    &[[[1.0, 1.5], [1.5, 1.0]]],
    &[[[0.5, 1.0], [1.0, 1.5]]],
    &[],
];

const NONE: u32 = u32::MAX;

/// An open ring: its two end keys and its points.
#[derive(Debug, Default)]
struct Fragment {
    start: usize,
    end: usize,
    ring: VecDeque<Coord>,
}

/// Tables and fragments kept between calls of [`contour_rings`].
#[derive(Debug, Default)]
pub(super) struct RingBuilder {
    /// Fragment starting (ending) at each point key, [`NONE`] if none.
    by_start: Vec<u32>,
    by_end: Vec<u32>,
    /// Keys set in either table since the last call, to reset them.
    touched: Vec<usize>,
    fragments: Vec<Fragment>,
    free: Vec<u32>,
    /// Columns of the grid, for the key.
    dx: usize,
}

/// The rings of the cells whose value is at least `threshold` on a grid of `dx` columns and
/// `dy` rows (row-major `values`), as `contour::contour_rings(values, threshold, dx, dy)`
/// returns them; `None` where the crate would return an error (it does not happen on a grid).
pub(super) fn contour_rings(
    values: &[f64],
    threshold: f64,
    dx: usize,
    dy: usize,
    b: &mut RingBuilder,
) -> Option<Vec<Vec<Coord>>> {
    if dx == 0 || dy == 0 || values.len() < dx * dy {
        return None;
    }
    b.reset(dx, dy);
    let mut result = Vec::new();
    let at = |k: usize| (values[k] >= threshold) as usize;
    let (dxi, dyi) = (dx as i64, dy as i64);
    // The first row (y = -1, t2 = t3 = 0).
    let mut t1 = at(0);
    b.case(t1 << 1, -1, -1, &mut result)?;
    for x in 0..dxi - 1 {
        let t0 = t1;
        t1 = at((x + 1) as usize);
        b.case(t0 | t1 << 1, x, -1, &mut result)?;
    }
    b.case(t1, dxi - 1, -1, &mut result)?;
    // The rows in between.
    for y in 0..dyi - 1 {
        let row = (y * dxi) as usize;
        t1 = at(row + dx);
        let mut t2 = at(row);
        b.case(t1 << 1 | t2 << 2, -1, y, &mut result)?;
        for x in 0..dxi - 1 {
            let t0 = t1;
            t1 = at(row + dx + x as usize + 1);
            let t3 = t2;
            t2 = at(row + x as usize + 1);
            b.case(t0 | t1 << 1 | t2 << 2 | t3 << 3, x, y, &mut result)?;
        }
        b.case(t1 | t2 << 3, dxi - 1, y, &mut result)?;
    }
    // The last row (y = dy - 1, t0 = t1 = 0).
    let (y, row) = (dyi - 1, (dyi - 1) as usize * dx);
    let mut t2 = at(row);
    b.case(t2 << 2, -1, y, &mut result)?;
    for x in 0..dxi - 1 {
        let t3 = t2;
        t2 = at(row + x as usize + 1);
        b.case(t2 << 2 | t3 << 3, x, y, &mut result)?;
    }
    b.case(t2 << 3, dxi - 1, y, &mut result)?;
    Some(result)
}

impl RingBuilder {
    /// Empties the tables and sizes them for a grid of `dx` × `dy`.
    fn reset(&mut self, dx: usize, dy: usize) {
        for &k in &self.touched {
            self.by_start[k] = NONE;
            self.by_end[k] = NONE;
        }
        self.touched.clear();
        self.fragments.clear();
        self.free.clear();
        self.dx = dx;
        // Keys reach x·2 + y·(dx + 1)·4 for x ≤ dx + 0.5, y ≤ dy + 0.5.
        let size = (dx + 1) * 4 * (dy + 2) + 2 * dx + 4;
        if self.by_start.len() < size {
            self.by_start.resize(size, NONE);
            self.by_end.resize(size, NONE);
        }
    }

    /// The crate's `index`: the key of a point (negative sums saturate to 0, as there).
    fn key(&self, p: Coord) -> usize {
        (p.x * 2.0 + p.y * ((self.dx + 1) * 4) as f64) as usize
    }

    /// The segments of one cell's case, stitched in the table's order.
    #[inline]
    fn case(&mut self, case: usize, x: i64, y: i64, result: &mut Vec<Vec<Coord>>) -> Option<()> {
        if case == 0 || case == 15 {
            // No segment: the cell is all outside or all inside.
            return Some(());
        }
        for [s, e] in CASES[case] {
            let start = Coord {
                x: s[0] + x as f64,
                y: s[1] + y as f64,
            };
            let end = Coord {
                x: e[0] + x as f64,
                y: e[1] + y as f64,
            };
            self.stitch(start, end, result)?;
        }
        Some(())
    }

    fn take(table: &mut [u32], key: usize) -> Option<usize> {
        let slot = table.get_mut(key)?;
        let ix = std::mem::replace(slot, NONE);
        (ix != NONE).then_some(ix as usize)
    }

    fn set(&mut self, start: bool, key: usize, ix: usize) -> Option<()> {
        let table = if start {
            &mut self.by_start
        } else {
            &mut self.by_end
        };
        *table.get_mut(key)? = ix as u32;
        self.touched.push(key);
        Some(())
    }

    fn insert(&mut self, fragment: Fragment) -> usize {
        match self.free.pop() {
            Some(ix) => {
                self.fragments[ix as usize] = fragment;
                ix as usize
            }
            None => {
                self.fragments.push(fragment);
                self.fragments.len() - 1
            }
        }
    }

    fn remove(&mut self, ix: usize) -> Fragment {
        self.free.push(ix as u32);
        std::mem::take(&mut self.fragments[ix])
    }

    /// The crate's `stitch`: joins segment `start`-`end` to the fragments ending at its start
    /// and starting at its end, closing a ring when both are the same fragment.
    fn stitch(&mut self, start: Coord, end: Coord, result: &mut Vec<Vec<Coord>>) -> Option<()> {
        let (start_key, end_key) = (self.key(start), self.key(end));
        let ends_here = *self.by_end.get(start_key)? != NONE;
        let starts_there = *self.by_start.get(end_key)? != NONE;
        if ends_here && starts_there {
            let f_ix = Self::take(&mut self.by_end, start_key)?;
            let g_ix = Self::take(&mut self.by_start, end_key)?;
            if f_ix == g_ix {
                let mut f = self.remove(f_ix);
                f.ring.push_back(end);
                result.push(Vec::from(f.ring));
            } else {
                let mut f = self.remove(f_ix);
                let g = self.remove(g_ix);
                f.ring.extend(g.ring);
                let (f_start, g_end) = (f.start, g.end);
                let ix = self.insert(Fragment {
                    start: f_start,
                    end: g_end,
                    ring: f.ring,
                });
                self.set(true, f_start, ix)?;
                self.set(false, g_end, ix)?;
            }
        } else if ends_here {
            let f_ix = Self::take(&mut self.by_end, start_key)?;
            let f = self.fragments.get_mut(f_ix)?;
            f.ring.push_back(end);
            f.end = end_key;
            self.set(false, end_key, f_ix)?;
        } else if starts_there {
            let f_ix = Self::take(&mut self.by_start, end_key)?;
            let f = self.fragments.get_mut(f_ix)?;
            f.ring.push_front(start);
            f.start = start_key;
            self.set(true, start_key, f_ix)?;
        } else {
            let ix = self.insert(Fragment {
                start: start_key,
                end: end_key,
                ring: VecDeque::from([start, end]),
            });
            self.set(true, start_key, ix)?;
            self.set(false, end_key, ix)?;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values from a noisy field with pockets, islands and saddles, on every grid shape up to
    /// 9 × 9 and a few larger ones.
    fn field(dx: usize, dy: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..dx * dy)
            .map(|k| {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1442695040888963407);
                let noise = (s >> 33) as f64 / f64::from(1u32 << 31);
                let (i, j) = ((k % dx) as f64, (k / dx) as f64);
                -((i - dx as f64 / 3.0).hypot(j - dy as f64 / 2.0)) + 3.0 * noise
            })
            .collect()
    }

    #[test]
    fn rings_are_the_contour_crates_bit_for_bit() {
        let mut builder = RingBuilder::default();
        let mut shapes: Vec<(usize, usize)> = (1..=9)
            .flat_map(|dx| (1..=9).map(move |dy| (dx, dy)))
            .collect();
        shapes.extend([(40, 25), (25, 40), (64, 64)]);
        let mut rings_seen = 0;
        for (k, &(dx, dy)) in shapes.iter().enumerate() {
            let values = field(dx, dy, k as u64);
            for threshold in [-6.0, -3.0, -1.5, 0.0, 0.5, 10.0] {
                let expected = contour::contour_rings(&values, threshold, dx, dy).unwrap();
                let got = contour_rings(&values, threshold, dx, dy, &mut builder).unwrap();
                let bits = |rings: &[Vec<Coord>]| -> Vec<Vec<(u64, u64)>> {
                    rings
                        .iter()
                        .map(|r| r.iter().map(|c| (c.x.to_bits(), c.y.to_bits())).collect())
                        .collect()
                };
                assert_eq!(bits(&got), bits(&expected), "{dx} × {dy} at {threshold}");
                rings_seen += got.len();
            }
        }
        assert!(rings_seen > 500, "only {rings_seen} rings compared");
    }
}
