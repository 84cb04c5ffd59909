//! Small geometry helpers shared by the stages: distances on the sphere and a local metric
//! projection for snapping and gridding. Coordinates are WGS-84 `(lon, lat)` degrees.

use geo::Coord;

/// Mean Earth radius in metres (IUGG), as used by `geo`'s haversine.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres between two lon/lat points.
pub fn haversine_m(a: Coord, b: Coord) -> f64 {
    let (lat1, lat2) = (a.y.to_radians(), b.y.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.x - a.x).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Length in metres of a lon/lat polyline.
pub fn polyline_length_m(points: &[Coord]) -> f64 {
    points.windows(2).map(|w| haversine_m(w[0], w[1])).sum()
}

/// An equirectangular projection around a reference latitude: metres east/north of the
/// reference point. Accurate to well under 1 % over a city-sized region, which is what
/// snapping and gridding need; lengths that are reported use [`haversine_m`].
#[derive(Clone, Copy, Debug)]
pub struct LocalProjection {
    lon0: f64,
    lat0: f64,
    m_per_deg_lon: f64,
    m_per_deg_lat: f64,
}

impl LocalProjection {
    /// A projection centred on `origin`.
    pub fn new(origin: Coord) -> Self {
        let m_per_deg_lat = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        LocalProjection {
            lon0: origin.x,
            lat0: origin.y,
            m_per_deg_lon: m_per_deg_lat * origin.y.to_radians().cos(),
            m_per_deg_lat,
        }
    }

    /// lon/lat → metres east/north of the origin.
    pub fn project(&self, c: Coord) -> [f64; 2] {
        [
            (c.x - self.lon0) * self.m_per_deg_lon,
            (c.y - self.lat0) * self.m_per_deg_lat,
        ]
    }

    /// Metres east/north → lon/lat.
    pub fn unproject(&self, p: [f64; 2]) -> Coord {
        Coord {
            x: self.lon0 + p[0] / self.m_per_deg_lon,
            y: self.lat0 + p[1] / self.m_per_deg_lat,
        }
    }
}

/// Closest point to `p` on segment `a`-`b` (projected metres): returns the fraction along the
/// segment in `[0, 1]` and the squared distance.
pub fn closest_on_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> (f64, f64) {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a[0] + t * dx, a[1] + t * dy);
    (t, (p[0] - cx).powi(2) + (p[1] - cy).powi(2))
}

/// Whether `p` lies inside the closed ring `ring` (even-odd rule; points on the boundary may
/// go either way).
pub fn ring_contains(ring: &[Coord], p: Coord) -> bool {
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Whether a multipolygon contains a point (holes excluded; any planar coordinates).
pub fn multipolygon_contains(mp: &geo::MultiPolygon, p: Coord) -> bool {
    mp.0.iter().any(|poly| {
        ring_contains(&poly.exterior().0, p)
            && !poly.interiors().iter().any(|h| ring_contains(&h.0, p))
    })
}

/// The most cells [`grid_inside`] lays over a polygon: 4 million (a 100 km square at 50 m).
pub const MAX_GRID_CELLS: f64 = 4_000_000.0;

/// Centres of a square grid of `spacing` laid over a projected multipolygon (centred on its
/// bounding box), those inside it. May be empty for a polygon narrower than the spacing, and
/// is empty when the grid would have more than [`MAX_GRID_CELLS`] cells or the polygon has
/// non-finite coordinates (the cell count is computed from the bounding box first, so a
/// hostile polygon never allocates): zones are clipped to the region before this
/// ([`clip_to_bbox`]).
pub fn grid_inside(mp: &geo::MultiPolygon, spacing: f64) -> Vec<Coord> {
    let Some(rect) = geo::BoundingRect::bounding_rect(mp) else {
        return Vec::new();
    };
    let cells =
        (rect.width() / spacing).ceil().max(1.0) * (rect.height() / spacing).ceil().max(1.0);
    if !(cells.is_finite() && cells <= MAX_GRID_CELLS) {
        return Vec::new();
    }
    let nx = ((rect.width() / spacing).ceil() as usize).max(1);
    let ny = ((rect.height() / spacing).ceil() as usize).max(1);
    let ox = rect.min().x + (rect.width() - (nx - 1) as f64 * spacing) / 2.0;
    let oy = rect.min().y + (rect.height() - (ny - 1) as f64 * spacing) / 2.0;
    let mut out = Vec::new();
    for j in 0..ny {
        for i in 0..nx {
            let p = Coord {
                x: ox + i as f64 * spacing,
                y: oy + j as f64 * spacing,
            };
            if multipolygon_contains(mp, p) {
                out.push(p);
            }
        }
    }
    out
}

/// The first coordinate of a lon/lat multipolygon that is not a lon/lat pair (non-finite, or
/// outside ±180° / ±90°), if any.
pub fn invalid_lon_lat(mp: &geo::MultiPolygon) -> Option<Coord> {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.0.iter())
        .find(|c| !((-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y)))
        .copied()
}

/// Whether a lon/lat multipolygon reaches outside `bbox` (`[min_lon, min_lat, max_lon,
/// max_lat]`, the region's extent).
pub fn exceeds_bbox(mp: &geo::MultiPolygon, bbox: [f64; 4]) -> bool {
    geo::BoundingRect::bounding_rect(mp).is_some_and(|r| {
        r.min().x < bbox[0] || r.min().y < bbox[1] || r.max().x > bbox[2] || r.max().y > bbox[3]
    })
}

/// The part of a lon/lat multipolygon inside `bbox` (the region's extent): a park or living
/// area drawn larger than the region is cut to it, so that nothing sized by its area (grids,
/// resident points) grows beyond the data. Unchanged when it already lies inside.
pub fn clip_to_bbox(mp: &geo::MultiPolygon, bbox: [f64; 4]) -> geo::MultiPolygon {
    use geo::BooleanOps;
    if !exceeds_bbox(mp, bbox) {
        return mp.clone();
    }
    let rect = geo::Rect::new(
        Coord {
            x: bbox[0],
            y: bbox[1],
        },
        Coord {
            x: bbox[2],
            y: bbox[3],
        },
    );
    mp.intersection(&rect.to_polygon())
}

/// Area of a lon/lat multipolygon in m² (Chamberlain–Duquette on the sphere), holes
/// subtracted whatever the orientation of their rings.
pub fn area_m2(mp: &geo::MultiPolygon) -> f64 {
    use geo::ChamberlainDuquetteArea;
    let ring = |ls: &geo::LineString| {
        geo::Polygon::new(ls.clone(), vec![]).chamberlain_duquette_unsigned_area()
    };
    mp.0.iter()
        .map(|p| (ring(p.exterior()) - p.interiors().iter().map(ring).sum::<f64>()).max(0.0))
        .sum()
}

/// Serialises a coordinate as `[lon, lat]`, the GeoJSON order.
pub fn serialize_coord<S: serde::Serializer>(c: &Coord, s: S) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    [c.x, c.y].serialize(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_one_degree_of_latitude() {
        let d = haversine_m(Coord { x: 9.5, y: 47.0 }, Coord { x: 9.5, y: 48.0 });
        assert!((d - 111_195.0).abs() < 5.0, "{d}");
    }

    #[test]
    fn projection_round_trips_and_agrees_with_haversine() {
        let proj = LocalProjection::new(Coord { x: 9.52, y: 47.14 });
        let a = Coord { x: 9.53, y: 47.15 };
        let back = proj.unproject(proj.project(a));
        assert!((back.x - a.x).abs() < 1e-12 && (back.y - a.y).abs() < 1e-12);
        let b = Coord { x: 9.56, y: 47.12 };
        let (pa, pb) = (proj.project(a), proj.project(b));
        let planar = ((pa[0] - pb[0]).powi(2) + (pa[1] - pb[1]).powi(2)).sqrt();
        let sphere = haversine_m(a, b);
        assert!(
            (planar - sphere).abs() / sphere < 0.002,
            "{planar} vs {sphere}"
        );
    }

    #[test]
    fn holes_are_subtracted_whatever_their_orientation() {
        let ring = |pts: &[(f64, f64)]| geo::LineString::from(pts.to_vec());
        let outer = ring(&[
            (9.0, 47.0),
            (9.01, 47.0),
            (9.01, 47.01),
            (9.0, 47.01),
            (9.0, 47.0),
        ]);
        let hole = ring(&[
            (9.002, 47.002),
            (9.004, 47.002),
            (9.004, 47.004),
            (9.002, 47.004),
            (9.002, 47.002),
        ]);
        let mut reversed = hole.clone();
        reversed.0.reverse();
        let a = area_m2(&geo::MultiPolygon(vec![geo::Polygon::new(
            outer.clone(),
            vec![hole],
        )]));
        let b = area_m2(&geo::MultiPolygon(vec![geo::Polygon::new(
            outer.clone(),
            vec![reversed],
        )]));
        let full = area_m2(&geo::MultiPolygon(vec![geo::Polygon::new(outer, vec![])]));
        assert!(
            (a - b).abs() < 1e-6 && (full - a - full * 0.04).abs() < full * 0.001,
            "{a} {b} {full}"
        );
    }

    #[test]
    fn a_continent_sized_polygon_allocates_no_grid() {
        // Regression (issue 10): 1,500 km at 50 m aborted with a 4 GB allocation.
        let side_m = 1_500_000.0;
        let square = geo::MultiPolygon(vec![geo::Polygon::new(
            geo::LineString::from(vec![
                (0.0, 0.0),
                (side_m, 0.0),
                (side_m, side_m),
                (0.0, side_m),
            ]),
            vec![],
        )]);
        assert!(grid_inside(&square, 50.0).is_empty());
        let huge = geo::MultiPolygon(vec![geo::Polygon::new(
            geo::LineString::from(vec![(0.0, 0.0), (1e10, 0.0), (1e10, 1e10), (0.0, 1e10)]),
            vec![],
        )]);
        assert!(grid_inside(&huge, 50.0).is_empty());
        // Clipped to a 0.01° region, the same kind of polygon gives a small grid.
        let deg = geo::MultiPolygon(vec![geo::Polygon::new(
            geo::LineString::from(vec![(0.0, 0.0), (20.0, 0.0), (20.0, 20.0), (0.0, 20.0)]),
            vec![],
        )]);
        let clipped = clip_to_bbox(&deg, [1.0, 1.0, 1.01, 1.01]);
        let r = geo::BoundingRect::bounding_rect(&clipped).expect("not empty");
        assert!(
            (r.width() - 0.01).abs() < 1e-6 && (r.height() - 0.01).abs() < 1e-6,
            "{r:?}"
        );
        assert_eq!(invalid_lon_lat(&deg), None);
        assert_eq!(invalid_lon_lat(&huge), Some(Coord { x: 1e10, y: 0.0 }));
    }

    #[test]
    fn ring_containment() {
        let square: Vec<Coord> = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]
            .iter()
            .map(|&(x, y)| Coord { x, y })
            .collect();
        assert!(ring_contains(&square, Coord { x: 1.0, y: 3.0 }));
        assert!(!ring_contains(&square, Coord { x: 5.0, y: 3.0 }));
        assert!(!ring_contains(&square, Coord { x: -1.0, y: 2.0 }));
    }

    #[test]
    fn closest_point_is_clamped_to_the_segment() {
        let (t, d2) = closest_on_segment([5.0, 5.0], [0.0, 0.0], [10.0, 0.0]);
        assert_eq!((t, d2), (0.5, 25.0));
        let (t, d2) = closest_on_segment([-3.0, 4.0], [0.0, 0.0], [10.0, 0.0]);
        assert_eq!((t, d2), (0.0, 25.0));
    }
}
