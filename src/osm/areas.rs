//! Area assembly: closed ways and `type=multipolygon` relations → `geo::MultiPolygon`, with
//! holes kept. Member ways are joined end to end into rings by shared node ids; a ring that
//! cannot be closed (missing members in a clipped extract, mapping errors) is counted as
//! broken and left out, never fatal.

use std::collections::HashMap;

use geo::{Coord, LineString, MultiPolygon, Polygon};

/// One way's part of a ring: its node ids and coordinates (same length).
#[derive(Clone, Debug)]
pub struct RingPart {
    /// Node ids in way order.
    pub ids: Vec<i64>,
    /// Coordinates in way order.
    pub coords: Vec<Coord>,
}

/// Whether a node sequence forms a closed ring.
pub fn is_closed(ids: &[i64]) -> bool {
    ids.len() >= 4 && ids.first() == ids.last()
}

/// Joins parts into closed rings. Returns the rings and the number of broken ones.
pub fn join_rings(parts: &[RingPart]) -> (Vec<LineString>, usize) {
    let mut by_end: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, p) in parts.iter().enumerate() {
        if let (Some(&a), Some(&b)) = (p.ids.first(), p.ids.last()) {
            by_end.entry(a).or_default().push(i);
            by_end.entry(b).or_default().push(i);
        }
    }
    let mut used = vec![false; parts.len()];
    let (mut rings, mut broken) = (Vec::new(), 0);
    for start in 0..parts.len() {
        if used[start] || parts[start].ids.is_empty() {
            continue;
        }
        used[start] = true;
        let mut ids = parts[start].ids.clone();
        let mut coords = parts[start].coords.clone();
        loop {
            if is_closed(&ids) {
                rings.push(LineString::new(coords));
                break;
            }
            let end = *ids.last().expect("ring parts are non-empty");
            let next = by_end
                .get(&end)
                .and_then(|c| c.iter().copied().find(|&j| !used[j]));
            let Some(j) = next else {
                broken += 1;
                break;
            };
            used[j] = true;
            let part = &parts[j];
            if part.ids.first() == Some(&end) {
                ids.extend_from_slice(&part.ids[1..]);
                coords.extend_from_slice(&part.coords[1..]);
            } else {
                ids.extend(part.ids.iter().rev().skip(1));
                coords.extend(part.coords.iter().rev().skip(1));
            }
        }
    }
    (rings, broken)
}

/// Builds a multipolygon from outer and inner parts. Each inner ring becomes a hole of the
/// first outer ring that contains it. Returns `None` when no outer ring closes; the count is
/// the number of broken rings (unclosable, or inner rings outside every outer ring).
pub fn assemble(outer: &[RingPart], inner: &[RingPart]) -> (Option<MultiPolygon>, usize) {
    let (outers, mut broken) = join_rings(outer);
    let (inners, broken_inner) = join_rings(inner);
    broken += broken_inner;
    if outers.is_empty() {
        return (None, broken);
    }
    let mut polygons: Vec<Polygon> = outers
        .into_iter()
        .map(|r| Polygon::new(r, vec![]))
        .collect();
    for ring in inners {
        let probe = ring.0[0];
        let owner = polygons
            .iter_mut()
            .find(|p| crate::geom::ring_contains(&p.exterior().0, probe));
        match owner {
            Some(p) => p.interiors_push(ring),
            None => broken += 1,
        }
    }
    (Some(MultiPolygon(polygons)), broken)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(ids: &[i64]) -> RingPart {
        // Node i sits at (i % 10, i / 10) so geometry follows from ids.
        RingPart {
            ids: ids.to_vec(),
            coords: ids
                .iter()
                .map(|&i| Coord {
                    x: (i % 10) as f64,
                    y: (i / 10) as f64,
                })
                .collect(),
        }
    }

    #[test]
    fn joins_parts_in_any_direction() {
        // Square 0-9-99-90 split into three parts, one reversed.
        let parts = [part(&[0, 9]), part(&[90, 99, 9]), part(&[90, 0])];
        let (rings, broken) = join_rings(&parts);
        assert_eq!((rings.len(), broken), (1, 0));
        assert_eq!(rings[0].0.len(), 5);
    }

    #[test]
    fn an_open_ring_is_broken_not_fatal() {
        let (rings, broken) = join_rings(&[part(&[0, 9, 99])]);
        assert_eq!((rings.len(), broken), (0, 1));
    }

    #[test]
    fn holes_are_kept() {
        let (mp, broken) = assemble(&[part(&[0, 9, 99, 90, 0])], &[part(&[22, 24, 44, 42, 22])]);
        let mp = mp.unwrap();
        assert_eq!(broken, 0);
        assert_eq!(mp.0[0].interiors().len(), 1);
    }
}
