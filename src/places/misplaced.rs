//! A whole file in the wrong place, told apart from a few bad rows: when most of a planner's
//! points (at least [`MISPLACED_SHARE`] of them and at least [`MISPLACED_MIN_ROWS`]) lie outside
//! the region of the OSM data, the file is not a file with some bad rows but the wrong file or
//! the right file read the wrong way. [`diagnose`] says which, by trying what would put the
//! points inside: longitude and latitude swapped, another datum (GCJ-02, BD-09 or WGS-84), or
//! none of those (projected metres; another region, with both bounding boxes).

use geo::Coord;

use super::crs::{Crs, to_wgs84};
use super::import::thousands;

/// Share of a file's points outside the region from which the whole file is refused.
pub const MISPLACED_SHARE: f64 = 0.8;
/// Fewest points outside the region for the whole file to be refused (fewer stay row warnings).
pub const MISPLACED_MIN_ROWS: usize = 5;
/// How far outside the data's bounding box a point may lie, in degrees (as the readers allow).
pub const MARGIN_DEG: f64 = 0.05;

/// Which option sets the CRS of a kind of file: the flag and the scenario key.
#[derive(Clone, Copy, Debug)]
pub struct CrsOption {
    /// Command-line flag, e.g. `--poi-crs`.
    pub flag: &'static str,
    /// Scenario key, e.g. `[life_circle] poi_crs`.
    pub key: &'static str,
}

/// Whether a WGS-84 point lies within [`MARGIN_DEG`] of the bounding box
/// `[min_lon, min_lat, max_lon, max_lat]` (NaN does not).
pub fn in_region(p: Coord, bbox: [f64; 4]) -> bool {
    p.x >= bbox[0] - MARGIN_DEG
        && p.x <= bbox[2] + MARGIN_DEG
        && p.y >= bbox[1] - MARGIN_DEG
        && p.y <= bbox[3] + MARGIN_DEG
}

/// A lon/lat pair in degrees, converted from `crs` and inside the region.
fn lands_inside(x: f64, y: f64, crs: Crs, bbox: [f64; 4]) -> bool {
    (-180.0..=180.0).contains(&x)
        && (-90.0..=90.0).contains(&y)
        && in_region(to_wgs84(crs, Coord { x, y }), bbox)
}

/// Share of `points` for which `inside` holds.
fn share(points: &[(f64, f64)], inside: impl Fn(f64, f64) -> bool) -> f64 {
    let n = points.iter().filter(|&&(x, y)| inside(x, y)).count();
    n as f64 / points.len().max(1) as f64
}

/// `Some(what the file likely is and what to do)` when at least [`MISPLACED_SHARE`] of the
/// file's points (and at least [`MISPLACED_MIN_ROWS`]) lie outside the region once converted
/// from `crs`; `None` when only a few do (those stay row warnings). `points` are the file's
/// coordinate pairs as given (x = the longitude column, y = the latitude column), only the
/// rows whose two fields are numbers.
pub fn diagnose(
    points: &[(f64, f64)],
    crs: Crs,
    bbox: [f64; 4],
    option: CrsOption,
) -> Option<String> {
    let outside = points
        .iter()
        .filter(|&&(x, y)| !lands_inside(x, y, crs, bbox))
        .count();
    if outside < MISPLACED_MIN_ROWS || (outside as f64) < MISPLACED_SHARE * points.len() as f64 {
        return None;
    }
    let head = format!(
        "{} of its {} points lie outside the region of the OSM data: the whole file, not a few rows",
        thousands(outside),
        thousands(points.len())
    );
    let all = [Crs::Wgs84, Crs::Gcj02, Crs::Bd09];
    let best = |swap: bool| {
        all.into_iter()
            .map(|c| {
                let s = share(points, |x, y| {
                    let (x, y) = if swap { (y, x) } else { (x, y) };
                    lands_inside(x, y, c, bbox)
                });
                (c, s)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then((a.0 == crs).cmp(&(b.0 == crs))))
            .expect("three datums")
    };
    let (c, s) = best(false);
    if c != crs && s >= MISPLACED_SHARE {
        return Some(format!(
            "{head}; they look like {} coordinates read as {}: pass {} {} (scenario: {} = \"{}\")",
            label(c),
            label(crs),
            option.flag,
            c.name(),
            option.key,
            c.name()
        ));
    }
    let (c, s) = best(true);
    if s >= MISPLACED_SHARE {
        let datum = if c == crs {
            String::new()
        } else {
            format!(", and pass {} {}", option.flag, c.name())
        };
        return Some(format!(
            "{head}; read as latitude,longitude they lie inside it: the longitude and latitude \
             columns look swapped — swap them (longitude, 经度, is the east–west coordinate){datum}"
        ));
    }
    let not_degrees = share(points, |x, y| x.abs() > 180.0 || y.abs() > 90.0);
    if not_degrees >= MISPLACED_SHARE {
        let (x, y) = points
            .iter()
            .find(|(x, y)| x.abs() > 180.0 || y.abs() > 90.0)
            .copied()
            .unwrap_or_default();
        return Some(format!(
            "{head}; values such as {x},{y} are not degrees but projected metres (Web Mercator \
             EPSG:3857, a CGCS2000 Gauss–Krüger zone or Baidu's bd09mc): convert them to \
             longitude/latitude (e.g. QGIS: Export → Save Features As…, CRS EPSG:4326)"
        ));
    }
    let b = bounds(points);
    Some(format!(
        "{head}; the file's points span {:.4},{:.4} – {:.4},{:.4} but the region is \
         {:.4},{:.4} – {:.4},{:.4}: is it a file for another city, or the OSM extract of another \
         region?",
        b[0], b[1], b[2], b[3], bbox[0], bbox[1], bbox[2], bbox[3]
    ))
}

/// The datum's name as a planner knows it.
fn label(crs: Crs) -> &'static str {
    match crs {
        Crs::Wgs84 => "WGS-84",
        Crs::Gcj02 => "GCJ-02 (Amap, Tencent)",
        Crs::Bd09 => "BD-09 (Baidu)",
    }
}

/// Bounding box of finite points, `[min_x, min_y, max_x, max_y]`.
fn bounds(points: &[(f64, f64)]) -> [f64; 4] {
    points
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .fold(
            [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ],
            |b, &(x, y)| [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)],
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::places::crs::from_wgs84;

    const OPTION: CrsOption = CrsOption {
        flag: "--poi-crs",
        key: "[life_circle] poi_crs",
    };
    /// A region around Xinjiekou, Nanjing.
    const NANJING: [f64; 4] = [118.70, 31.95, 118.80, 32.05];

    /// Ten WGS-84 points inside the region (away from its edge).
    fn inside() -> Vec<(f64, f64)> {
        (0..10)
            .map(|i| (118.72 + 0.006 * f64::from(i), 31.97 + 0.005 * f64::from(i)))
            .collect()
    }

    #[test]
    fn a_few_bad_rows_are_not_the_whole_file() {
        let mut points = inside();
        points.extend([(32.0, 118.7); 2]);
        assert_eq!(diagnose(&points, Crs::Wgs84, NANJING, OPTION), None);
        // Most of the file, but fewer than five points: still rows.
        let few = vec![(0.0, 0.0); 4];
        assert_eq!(diagnose(&few, Crs::Wgs84, NANJING, OPTION), None);
    }

    #[test]
    fn swapped_columns_are_named() {
        let swapped: Vec<(f64, f64)> = inside().iter().map(|&(x, y)| (y, x)).collect();
        let m = diagnose(&swapped, Crs::Wgs84, NANJING, OPTION).unwrap();
        assert!(
            m.contains("10 of its 10 points") && m.contains("swapped"),
            "{m}"
        );
    }

    #[test]
    fn another_datum_is_named_with_the_flag() {
        // Points just beyond the region's margin in the east, given in BD-09 (about 700 m
        // further east) and read as WGS-84: converted from BD-09, they lie inside.
        let east = NANJING[2] + MARGIN_DEG - 0.002;
        let wgs: Vec<(f64, f64)> = (0..6)
            .map(|i| (east, 31.97 + 0.01 * f64::from(i)))
            .collect();
        let bd: Vec<(f64, f64)> = wgs
            .iter()
            .map(|&(x, y)| {
                let c = from_wgs84(Crs::Bd09, Coord { x, y });
                (c.x, c.y)
            })
            .collect();
        assert!(
            bd.iter()
                .all(|&(x, y)| !lands_inside(x, y, Crs::Wgs84, NANJING))
        );
        let m = diagnose(&bd, Crs::Wgs84, NANJING, OPTION).unwrap();
        assert!(
            m.contains("BD-09 (Baidu) coordinates read as WGS-84") && m.contains("--poi-crs bd09"),
            "{m}"
        );
        // And the other way: WGS-84 points read as BD-09 (a Baidu export's default).
        let west = NANJING[0] - MARGIN_DEG + 0.002;
        let wgs: Vec<(f64, f64)> = (0..6)
            .map(|i| (west, 31.97 + 0.01 * f64::from(i)))
            .collect();
        let m = diagnose(&wgs, Crs::Bd09, NANJING, OPTION).unwrap();
        assert!(m.contains("WGS-84 coordinates read as BD-09"), "{m}");
    }

    #[test]
    fn projected_metres_and_other_regions_are_named() {
        let metres: Vec<(f64, f64)> = (0..8)
            .map(|i| (13_220_000.0 + 100.0 * f64::from(i), 3_760_000.0))
            .collect();
        let m = diagnose(&metres, Crs::Wgs84, NANJING, OPTION).unwrap();
        assert!(
            m.contains("projected metres") && m.contains("13220000"),
            "{m}"
        );
        // Shanghai points for a Nanjing extract.
        let shanghai: Vec<(f64, f64)> = (0..8)
            .map(|i| (121.47 + 0.001 * f64::from(i), 31.23))
            .collect();
        let m = diagnose(&shanghai, Crs::Wgs84, NANJING, OPTION).unwrap();
        assert!(
            m.contains("121.4700,31.2300 – 121.4770,31.2300") && m.contains("another city"),
            "{m}"
        );
    }
}
