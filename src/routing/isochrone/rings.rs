//! Marching squares with the rings of `contour::contour_rings` (contour 0.13), bit for bit and
//! in the same order, without its per-call costs: the crate looks up each segment's ends in two
//! hash maps, reads the case table through three levels of `Vec`, prepends to a ring with
//! `Vec::insert(0, _)` and allocates everything anew per call. Here the ends are looked up in
//! two dense tables indexed by the crate's own point key (so that keys that coincide there
//! coincide here), computed in whole numbers of half cells (exact: the crate's float key is a
//! sum of small whole numbers), the cases are a constant array, open rings are linked lists in
//! one pool of points (growing at either end and joining in O(1), with no allocation per
//! ring), closed rings are copied once into one flat list, and everything is kept between
//! calls in a [`RingBuilder`]. The values are read through a row stride, so that a window of a
//! larger grid is traced in place.
//!
//! Complexity: O(nx · ny) per call plus the rings' lengths; memory O(nx · ny) kept.

/// The crate's `CASES` in half cells: per case of the four corners (bit 0 lower left, 1 lower
/// right, 2 upper right, 3 upper left), the segments `[start, end]` as offsets within the cell
/// times two (the crate's 0.5, 1.0, 1.5 are 1, 2, 3 here).
const CASES: [&[[[i64; 2]; 2]]; 16] = [
    &[],
    &[[[2, 3], [1, 2]]],
    &[[[3, 2], [2, 3]]],
    &[[[3, 2], [1, 2]]],
    &[[[2, 1], [3, 2]]],
    &[[[2, 3], [1, 2]], [[2, 1], [3, 2]]],
    &[[[2, 1], [2, 3]]],
    &[[[2, 1], [1, 2]]],
    &[[[1, 2], [2, 1]]],
    &[[[2, 3], [2, 1]]],
    &[[[1, 2], [2, 1]], [[3, 2], [2, 3]]],
    &[[[3, 2], [2, 1]]],
    &[[[1, 2], [3, 2]]],
    &[[[2, 3], [3, 2]]],
    &[[[1, 2], [2, 3]]],
    &[],
];

const NONE: u32 = u32::MAX;

/// An open ring: its two end keys and its points, a list from `head` to `tail` in the pool.
#[derive(Clone, Copy, Debug, Default)]
struct Fragment {
    start: usize,
    end: usize,
    head: u32,
    tail: u32,
    len: u32,
}

/// Tables, fragments and rings kept between calls of [`contour_rings`].
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
    /// The points of the open fragments, in half cells (see [`RingBuilder::rings`]): `next[i]`
    /// follows `points[i]` in its fragment.
    points: Vec<[i32; 2]>,
    next: Vec<u32>,
    /// The closed rings in the crate's order: ring `r` is `ring_points[ring_ends[r - 1]..
    /// ring_ends[r]]` (from 0 for the first).
    ring_points: Vec<[i32; 2]>,
    ring_ends: Vec<usize>,
    /// The corners as bits, row by row (see [`corner_bits`]).
    bits: Vec<u64>,
}

/// The rings of the cells whose value is at least `threshold` on a grid of `dx` columns and
/// `dy` rows (row `y` is `values[y · stride..y · stride + dx]`), as `contour::contour_rings(
/// values, threshold, dx, dy)` returns them for the rows laid end to end, left in `b` (see
/// [`RingBuilder::rings`]); `None` where the crate would return an error (it does not happen
/// on a grid).
pub(super) fn contour_rings(
    values: &[f64],
    stride: usize,
    threshold: f64,
    dx: usize,
    dy: usize,
    b: &mut RingBuilder,
) -> Option<()> {
    if dx == 0 || dy == 0 || stride < dx || values.len() < (dy - 1) * stride + dx {
        return None;
    }
    b.reset(dx, dy);
    let at = |k: usize| (values[k] >= threshold) as usize;
    let (dxi, dyi) = (dx as i64, dy as i64);
    // The first row (y = -1, t2 = t3 = 0).
    let mut t1 = at(0);
    b.case(t1 << 1, -1, -1)?;
    for x in 0..dxi - 1 {
        let t0 = t1;
        t1 = at((x + 1) as usize);
        b.case(t0 | t1 << 1, x, -1)?;
    }
    b.case(t1, dxi - 1, -1)?;
    // The rows in between, from each row's corners as bits: the cells whose four corners are
    // not all alike (the others have no segment) are found a word at a time, in order.
    let words = dx.div_ceil(64);
    let mut bits = std::mem::take(&mut b.bits);
    corner_bits(values, stride, threshold, dx, dy, &mut bits);
    for y in 0..dy - 1 {
        let row = &bits[y * words..(y + 1) * words];
        let up = &bits[(y + 1) * words..(y + 2) * words];
        let bit = |word: &[u64], x: usize| (word[x / 64] >> (x % 64)) as usize & 1;
        let yi = y as i64;
        b.case(bit(up, 0) << 1 | bit(row, 0) << 2, -1, yi)?;
        for w in 0..words {
            // Bit k of `r1` (`u1`) is the corner right of bit k of `r` (`u`).
            let (r, u) = (row[w], up[w]);
            let r1 = r >> 1 | row.get(w + 1).map_or(0, |n| n << 63);
            let u1 = u >> 1 | up.get(w + 1).map_or(0, |n| n << 63);
            // Cells x = 64·w + k < dx - 1 only.
            let cells = (dx - 1).saturating_sub(64 * w);
            let valid = if cells >= 64 {
                u64::MAX
            } else {
                (1u64 << cells) - 1
            };
            let mut mixed = ((r ^ r1) | (u ^ u1) | (r ^ u)) & valid;
            while mixed != 0 {
                let k = mixed.trailing_zeros();
                let corner = |word: u64| (word >> k) as usize & 1;
                let case = corner(u) | corner(u1) << 1 | corner(r1) << 2 | corner(r) << 3;
                b.case(case, (64 * w) as i64 + i64::from(k), yi)?;
                mixed &= mixed - 1;
            }
        }
        b.case(bit(up, dx - 1) | bit(row, dx - 1) << 3, dxi - 1, yi)?;
    }
    b.bits = bits;
    // The last row (y = dy - 1, t0 = t1 = 0).
    let (y, row) = (dyi - 1, (dyi - 1) as usize * stride);
    let mut t2 = at(row);
    b.case(t2 << 2, -1, y)?;
    for x in 0..dxi - 1 {
        let t3 = t2;
        t2 = at(row + x as usize + 1);
        b.case(t2 << 2 | t3 << 3, x, y)?;
    }
    b.case(t2 << 3, dxi - 1, y)?;
    Some(())
}

/// Row `y`'s corners of the grid as bits, `words` u64 per row: bit `x % 64` of
/// `bits[y · words + x / 64]` is set where `values[y · stride + x] >= threshold`.
fn corner_bits(
    values: &[f64],
    stride: usize,
    threshold: f64,
    dx: usize,
    dy: usize,
    bits: &mut Vec<u64>,
) {
    bits.clear();
    for y in 0..dy {
        for chunk in values[y * stride..y * stride + dx].chunks(64) {
            let mut word = 0u64;
            for (i, &v) in chunk.iter().enumerate() {
                word |= u64::from(v >= threshold) << i;
            }
            bits.push(word);
        }
    }
}

impl RingBuilder {
    /// The rings of the last [`contour_rings`] call, in the crate's order, each point `[hx,
    /// hy]` in half cells: the crate's point is `(hx / 2, hy / 2)`, exactly.
    pub(super) fn rings(&self) -> impl Iterator<Item = &[[i32; 2]]> {
        let starts = std::iter::once(0).chain(self.ring_ends.iter().copied());
        starts
            .zip(&self.ring_ends)
            .map(|(a, &b)| &self.ring_points[a..b])
    }

    /// Empties the tables and sizes them for a grid of `dx` × `dy`.
    fn reset(&mut self, dx: usize, dy: usize) {
        for &k in &self.touched {
            self.by_start[k] = NONE;
            self.by_end[k] = NONE;
        }
        self.touched.clear();
        self.fragments.clear();
        self.free.clear();
        self.points.clear();
        self.next.clear();
        self.ring_points.clear();
        self.ring_ends.clear();
        self.dx = dx;
        // Keys reach x·2 + y·(dx + 1)·4 for x ≤ dx + 0.5, y ≤ dy + 0.5.
        let size = (dx + 1) * 4 * (dy + 2) + 2 * dx + 4;
        if self.by_start.len() < size {
            self.by_start.resize(size, NONE);
            self.by_end.resize(size, NONE);
        }
    }

    /// The segments of one cell's case, stitched in the table's order. A point is kept in half
    /// cells `(hx, hy)`: its coordinates `hx / 2`, `hy / 2` are the crate's `offset + x`
    /// exactly, and the crate's key `x · 2 + y · (dx + 1) · 4` (negative sums saturating to 0)
    /// is `hx + hy · (dx + 1) · 2`.
    #[inline]
    fn case(&mut self, case: usize, x: i64, y: i64) -> Option<()> {
        let row_keys = (self.dx as i64 + 1) * 2;
        for [s, e] in CASES[case] {
            let (sx, sy) = (2 * x + s[0], 2 * y + s[1]);
            let (ex, ey) = (2 * x + e[0], 2 * y + e[1]);
            let start = [sx as i32, sy as i32];
            let end = [ex as i32, ey as i32];
            let start_key = (sx + sy * row_keys).max(0) as usize;
            let end_key = (ex + ey * row_keys).max(0) as usize;
            self.stitch(start, start_key, end, end_key)?;
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

    fn remove(&mut self, ix: usize) -> Option<Fragment> {
        self.free.push(ix as u32);
        self.fragments.get(ix).copied()
    }

    /// A new point in the pool, followed by nothing yet.
    fn node(&mut self, p: [i32; 2]) -> u32 {
        self.points.push(p);
        self.next.push(NONE);
        (self.points.len() - 1) as u32
    }

    /// `f` with `p` appended.
    fn push_back(&mut self, mut f: Fragment, p: [i32; 2]) -> Fragment {
        let n = self.node(p);
        self.next[f.tail as usize] = n;
        f.tail = n;
        f.len += 1;
        f
    }

    /// Copies the points of `f`, in order, as the next closed ring.
    fn close(&mut self, f: Fragment) {
        let mut at = f.head;
        for _ in 0..f.len {
            self.ring_points.push(self.points[at as usize]);
            at = self.next[at as usize];
        }
        self.ring_ends.push(self.ring_points.len());
    }

    /// The crate's `stitch`: joins segment `start`-`end` to the fragments ending at its start
    /// and starting at its end, closing a ring when both are the same fragment.
    fn stitch(
        &mut self,
        start: [i32; 2],
        start_key: usize,
        end: [i32; 2],
        end_key: usize,
    ) -> Option<()> {
        let ends_here = *self.by_end.get(start_key)? != NONE;
        let starts_there = *self.by_start.get(end_key)? != NONE;
        if ends_here && starts_there {
            let f_ix = Self::take(&mut self.by_end, start_key)?;
            let g_ix = Self::take(&mut self.by_start, end_key)?;
            if f_ix == g_ix {
                let f = self.remove(f_ix)?;
                let f = self.push_back(f, end);
                self.close(f);
            } else {
                let f = self.remove(f_ix)?;
                let g = self.remove(g_ix)?;
                self.next[f.tail as usize] = g.head;
                let ix = self.insert(Fragment {
                    start: f.start,
                    end: g.end,
                    head: f.head,
                    tail: g.tail,
                    len: f.len + g.len,
                });
                self.set(true, f.start, ix)?;
                self.set(false, g.end, ix)?;
            }
        } else if ends_here {
            let f_ix = Self::take(&mut self.by_end, start_key)?;
            let f = *self.fragments.get(f_ix)?;
            let mut f = self.push_back(f, end);
            f.end = end_key;
            self.fragments[f_ix] = f;
            self.set(false, end_key, f_ix)?;
        } else if starts_there {
            let f_ix = Self::take(&mut self.by_start, end_key)?;
            let mut f = *self.fragments.get(f_ix)?;
            let n = self.node(start);
            self.next[n as usize] = f.head;
            f.head = n;
            f.len += 1;
            f.start = start_key;
            self.fragments[f_ix] = f;
            self.set(true, start_key, f_ix)?;
        } else {
            let (a, b) = (self.node(start), self.node(end));
            self.next[a as usize] = b;
            let ix = self.insert(Fragment {
                start: start_key,
                end: end_key,
                head: a,
                tail: b,
                len: 2,
            });
            self.set(true, start_key, ix)?;
            self.set(false, end_key, ix)?;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use geo::Coord;

    use super::*;

    /// A ring of [`RingBuilder::rings`] as the crate's coordinates.
    fn half_cells(ring: &[[i32; 2]]) -> Vec<Coord> {
        ring.iter()
            .map(|&[hx, hy]| Coord {
                x: f64::from(hx) * 0.5,
                y: f64::from(hy) * 0.5,
            })
            .collect()
    }

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
        // Rows of one word, of one word and one bit, and of several words of corner bits.
        shapes.extend([(40, 25), (25, 40), (64, 64), (65, 9), (130, 12), (200, 5)]);
        let mut rings_seen = 0;
        for (k, &(dx, dy)) in shapes.iter().enumerate() {
            let values = field(dx, dy, k as u64);
            for threshold in [-6.0, -3.0, -1.5, 0.0, 0.5, 10.0] {
                let expected = contour::contour_rings(&values, threshold, dx, dy).unwrap();
                let bits = |rings: Vec<Vec<Coord>>| -> Vec<Vec<(u64, u64)>> {
                    rings
                        .iter()
                        .map(|r| r.iter().map(|c| (c.x.to_bits(), c.y.to_bits())).collect())
                        .collect()
                };
                let expected = bits(expected);
                contour_rings(&values, dx, threshold, dx, dy, &mut builder).unwrap();
                let got = bits(builder.rings().map(half_cells).collect());
                assert_eq!(got, expected, "{dx} × {dy} at {threshold}");
                rings_seen += got.len();
                // The same grid as a window of a wider one (other values around it): read
                // through the stride, the same rings.
                let stride = dx + 3;
                let mut wide = vec![threshold + 1.0; stride * (dy + 2)];
                for (j, row) in values.chunks_exact(dx).enumerate() {
                    let at = (j + 1) * stride + 2;
                    wide[at..at + dx].copy_from_slice(row);
                }
                contour_rings(&wide[stride + 2..], stride, threshold, dx, dy, &mut builder)
                    .unwrap();
                let windowed = bits(builder.rings().map(half_cells).collect());
                assert_eq!(windowed, expected, "{dx} × {dy} at {threshold}, windowed");
            }
        }
        assert!(rings_seen > 500, "only {rings_seen} rings compared");
    }
}
