//! Conversion between WGS-84 and the Chinese map datums GCJ-02 and BD-09.
//!
//! OpenStreetMap, GPS receivers and the rest of this pipeline use **WGS-84** longitude/latitude.
//! Maps published in mainland China must not: by regulation they use **GCJ-02** (国测局坐标, the
//! "Mars coordinates"), WGS-84 moved by a deliberately obscured, non-linear offset of roughly
//! 100–700 m. Amap (Gaode), Tencent Maps and Google's China tiles are in GCJ-02. **BD-09**
//! (百度坐标) is Baidu's own further offset of GCJ-02 (about another 1 km). A POI or address file
//! exported from one of these services must therefore be converted to WGS-84 before it is
//! matched against OSM roads, or every point lands a few hundred metres off.
//!
//! # Formulas
//! - WGS-84 → GCJ-02: the well-known public reconstruction of the GCJ-02 offset (a polynomial
//!   and trigonometric series in lon − 105°, lat − 35°, scaled to degrees on the Krasovsky
//!   ellipsoid, a = 6 378 245 m, e² = 0.006 693 421 622 965 943 23).
//! - GCJ-02 → BD-09: Baidu's public formula, a small rotation and scaling about the origin with
//!   x_pi = π·3000/180, then a shift of (+0.0065°, +0.006°).
//! - The inverses (GCJ-02 → WGS-84, BD-09 → WGS-84) have no closed form. They are computed by
//!   fixed-point iteration on the forward transform until the step is below 1e-9° (about
//!   0.1 mm), not by the common one-step approximation, which is off by 1–2 m.
//!
//! # Accuracy
//! The conversions are exact inverses of each other to well under a millimetre. Against the
//! conversions of the map vendors themselves, the public formulas agree to within a few metres
//! (the tests check published coordinate pairs to ≤ 5 m), which is far below the accuracy of a
//! geocoded address or a hand-placed POI.
//!
//! # Region
//! The offsets apply only inside [`in_china`], a bounding box around mainland China
//! (lon 72.004°–137.8347°, lat 0.8293°–55.8271°), the same box the common open-source converters
//! use. Outside it GCJ-02 and BD-09 are taken to be WGS-84 and every conversion is the identity.
//! The box is coarse: it also covers parts of neighbouring countries (Mongolia, the Korean
//! peninsula, western Japan, northern South-East Asia), where a point declared GCJ-02 or BD-09
//! is shifted as if it were in China.

use geo::Coord;

use crate::error::Error;

/// The coordinate reference system of imported points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Crs {
    /// WGS-84 longitude/latitude: GPS, OpenStreetMap, and maps outside mainland China.
    #[default]
    Wgs84,
    /// GCJ-02 ("Mars coordinates"): Amap (Gaode), Tencent Maps, Google Maps in China.
    Gcj02,
    /// BD-09: Baidu Maps longitude/latitude (`bd09ll`, not the metric `bd09mc`).
    Bd09,
}

impl Crs {
    /// The lowercase name used on the command line and in files: `wgs84`, `gcj02` or `bd09`.
    pub fn name(self) -> &'static str {
        match self {
            Crs::Wgs84 => "wgs84",
            Crs::Gcj02 => "gcj02",
            Crs::Bd09 => "bd09",
        }
    }
}

impl std::str::FromStr for Crs {
    type Err = Error;

    /// Parses `wgs84`, `gcj02` or `bd09`, ignoring case and surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Crs::Wgs84, Crs::Gcj02, Crs::Bd09]
            .into_iter()
            .find(|crs| s.trim().eq_ignore_ascii_case(crs.name()))
            .ok_or_else(|| Error::InvalidValue {
                what: "coordinate reference system",
                value: s.to_string(),
                hint: "expected one of wgs84 (GPS, OpenStreetMap), gcj02 (Amap/Gaode, Tencent) \
                       or bd09 (Baidu)"
                    .to_string(),
            })
    }
}

/// Converts a point in `crs` to WGS-84 (iterative inverse for GCJ-02, accurate to < 0.5 m).
///
/// `p` is `Coord { x: lon, y: lat }` in degrees. Points outside [`in_china`] and non-finite
/// points are returned unchanged. The result `w` satisfies `from_wgs84(crs, w) ≈ p` to 1e-9°;
/// its accuracy against the vendors' own conversions is that of the public formulas (a few
/// metres, see the module docs).
pub fn to_wgs84(crs: Crs, p: Coord) -> Coord {
    match crs {
        Crs::Wgs84 => p,
        Crs::Gcj02 => invert(wgs84_to_gcj02, p),
        Crs::Bd09 => invert(wgs84_to_bd09, p),
    }
}

/// Converts a WGS-84 point to `crs`.
///
/// `p` is `Coord { x: lon, y: lat }` in degrees. Points outside [`in_china`] and non-finite
/// points are returned unchanged.
pub fn from_wgs84(crs: Crs, p: Coord) -> Coord {
    match crs {
        Crs::Wgs84 => p,
        Crs::Gcj02 => wgs84_to_gcj02(p),
        Crs::Bd09 => wgs84_to_bd09(p),
    }
}

/// Whether the point is inside mainland China's GCJ-02 offset region (outside it, GCJ-02 == WGS-84).
///
/// The region is the bounding box lon 72.004°–137.8347°, lat 0.8293°–55.8271° used by the common
/// open-source converters; see the module docs for its limits. `p` is `Coord { x: lon, y: lat }`
/// in degrees; NaN is outside.
pub fn in_china(p: Coord) -> bool {
    (72.004..=137.8347).contains(&p.x) && (0.8293..=55.8271).contains(&p.y)
}

/// Semi-major axis of the Krasovsky 1940 ellipsoid, in metres.
const KRASOVSKY_A: f64 = 6_378_245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid (published as
/// 0.00669342162296594323; the last two digits are beyond `f64` precision).
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
/// Baidu's angular constant, π·3000/180.
const X_PI: f64 = std::f64::consts::PI * 3000.0 / 180.0;
/// The inverse iteration stops when a step is below this, in degrees (about 0.1 mm).
const INVERSE_TOLERANCE_DEG: f64 = 1e-9;
/// Safety cap on inverse iterations; convergence normally takes 3–6.
const INVERSE_MAX_ITERATIONS: usize = 50;

/// The GCJ-02 latitude offset series, in "metres-like" units before scaling (x = lon − 105,
/// y = lat − 35).
fn gcj_offset_lat(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * x.abs().sqrt()
        + (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0
        + (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0
        + (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y / 30.0 * PI).sin()) * 2.0 / 3.0
}

/// The GCJ-02 longitude offset series, in "metres-like" units before scaling (x = lon − 105,
/// y = lat − 35).
fn gcj_offset_lon(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * x.abs().sqrt()
        + (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0
        + (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0
        + (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0
}

/// WGS-84 → GCJ-02 (identity outside [`in_china`]).
fn wgs84_to_gcj02(p: Coord) -> Coord {
    if !in_china(p) {
        return p;
    }
    let (x, y) = (p.x - 105.0, p.y - 35.0);
    let lat_rad = p.y.to_radians();
    let sin_lat = lat_rad.sin();
    let w = 1.0 - KRASOVSKY_EE * sin_lat * sin_lat;
    let sqrt_w = w.sqrt();
    // Metres per degree of latitude (meridian radius) and of longitude (parallel radius).
    let m_per_deg_lat =
        (KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (w * sqrt_w) * std::f64::consts::PI / 180.0;
    let m_per_deg_lon = KRASOVSKY_A / sqrt_w * lat_rad.cos() * std::f64::consts::PI / 180.0;
    Coord {
        x: p.x + gcj_offset_lon(x, y) / m_per_deg_lon,
        y: p.y + gcj_offset_lat(x, y) / m_per_deg_lat,
    }
}

/// GCJ-02 → BD-09 (Baidu's formula; applied to any point it is given).
fn gcj02_to_bd09(p: Coord) -> Coord {
    let (x, y) = (p.x, p.y);
    let z = (x * x + y * y).sqrt() + 0.000_02 * (y * X_PI).sin();
    let theta = y.atan2(x) + 0.000_003 * (x * X_PI).cos();
    Coord {
        x: z * theta.cos() + 0.0065,
        y: z * theta.sin() + 0.006,
    }
}

/// WGS-84 → BD-09 (identity outside [`in_china`]).
fn wgs84_to_bd09(p: Coord) -> Coord {
    if !in_china(p) {
        return p;
    }
    gcj02_to_bd09(wgs84_to_gcj02(p))
}

/// Solves `forward(w) = target` for `w` by fixed-point iteration `w ← w + (target − forward(w))`.
///
/// The offsets change by well under 1 % per degree, so each step gains two to three digits.
/// Non-finite targets are returned unchanged. Near the edge of [`in_china`], where a target may
/// have no preimage, the iteration stops at the cap and returns its last estimate.
fn invert(forward: fn(Coord) -> Coord, target: Coord) -> Coord {
    if !(target.x.is_finite() && target.y.is_finite()) {
        return target;
    }
    let mut w = target;
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let f = forward(w);
        let (dx, dy) = (target.x - f.x, target.y - f.y);
        w.x += dx;
        w.y += dy;
        if dx.abs() < INVERSE_TOLERANCE_DEG && dy.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A published point, `[lon, lat]` in degrees.
    type LonLat = [f64; 2];

    /// Agreement required with published coordinate pairs.
    const PUBLISHED_LIMIT_M: f64 = 5.0;
    /// Agreement required for round trips.
    const ROUND_TRIP_LIMIT_M: f64 = 1.0;

    /// Great-circle distance in metres (haversine, mean Earth radius).
    fn haversine_m(a: Coord, b: Coord) -> f64 {
        const R: f64 = 6_371_008.8;
        let (lat_a, lat_b) = (a.y.to_radians(), b.y.to_radians());
        let dlat = lat_b - lat_a;
        let dlon = (b.x - a.x).to_radians();
        let h = (dlat / 2.0).sin().powi(2) + lat_a.cos() * lat_b.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * R * h.sqrt().min(1.0).asin()
    }

    fn c(lon: f64, lat: f64) -> Coord {
        Coord { x: lon, y: lat }
    }

    #[track_caller]
    fn assert_within(got: Coord, want: Coord, limit_m: f64, what: &str) {
        let d = haversine_m(got, want);
        assert!(
            d <= limit_m,
            "{what}: got {:.9},{:.9}, want {:.9},{:.9}: {d:.3} m apart (limit {limit_m} m)",
            got.x,
            got.y,
            want.x,
            want.y
        );
    }

    /// Published WGS-84 → GCJ-02 pairs: (source and place, WGS-84, GCJ-02), each `[lon, lat]`.
    const WGS84_GCJ02: &[(&str, LonLat, LonLat)] = &[
        // googollee/eviltransform go/transform_test.go (same pairs in python/test.py,
        // php/EvilTransformTest.php): `tests`, Shanghai, Shenzhen, Beijing.
        (
            "eviltransform Shanghai",
            [121.5272106, 31.1774276],
            [121.531541859215, 31.17530398364597],
        ),
        (
            "eviltransform Shenzhen",
            [113.912316, 22.543847],
            [113.9171764808363, 22.540796131694766],
        ),
        (
            "eviltransform Beijing",
            [116.377817, 39.911954],
            [116.38404722455657, 39.91334545536069],
        ),
        // wandergis/coordtransform test/app.js: "wgs84togcj02: [ 116.41024449916938, 39.91640428150164 ]"
        // for wgs84togcj02(116.404, 39.915).
        (
            "coordtransform Beijing",
            [116.404, 39.915],
            [116.41024449916938, 39.91640428150164],
        ),
        // Amap Web Service "coordinate/convert" API documentation, example locations=116.481499,39.990475
        // with coordsys=gps, response "116.487585177952,39.991754014757" (as mirrored at
        // https://apifox.com/apidoc/project-759159/api-14671355; original
        // https://lbs.amap.com/api/webservice/guide/api/convert).
        (
            "Amap convert API doc",
            [116.481499, 39.990475],
            [116.487585177952, 39.991754014757],
        ),
        // Alibaba Cloud address purification "TransferCoord" documentation, example response
        // (https://help.aliyun.com/zh/address-purification/addrpapi/developer-reference/coordinate-system-conversion):
        // GCJ02 120.026268,30.279164 ↔ WGS84 120.021519,30.281543.
        (
            "Aliyun TransferCoord doc Hangzhou",
            [120.021519, 30.281543],
            [120.026268, 30.279164],
        ),
    ];

    /// Published WGS-84 / GCJ-02 / BD-09 triples: (place, WGS-84, GCJ-02, BD-09), each
    /// `[lon, lat]`.
    /// Source: hujiulong/gcoord test/fixtures/china-cities.json (`coords.WGS84`, `.GCJ02`,
    /// `.BD09`), chosen to span the country from Naqu (Tibet) to Shenyang and Qinzhou.
    const WGS84_GCJ02_BD09: &[(&str, LonLat, LonLat, LonLat)] = &[
        (
            "gcoord 驻马店 Zhumadian",
            [114.0164322, 33.0133556],
            [114.022306, 33.0115324],
            [114.0287781, 33.0176697],
        ),
        (
            "gcoord 那曲 Naqu",
            [92.0499619, 31.4784436],
            [92.0512438, 31.4762063],
            [92.0576832, 31.4824421],
        ),
        (
            "gcoord 凉山 Xichang",
            [102.2658401, 27.8850446],
            [102.2673386, 27.8816151],
            [102.2738428, 27.8876621],
        ),
        (
            "gcoord 沈阳 Shenyang",
            [123.4253306, 41.8032629],
            [123.4314787, 41.8057023],
            [123.438095, 41.8114013],
        ),
        (
            "gcoord 锡林郭勒 Xilinhot",
            [116.0414035, 43.9312805],
            [116.0482308, 43.9334573],
            [116.0546232, 43.9397782],
        ),
        (
            "gcoord 酒泉 Jiuquan",
            [98.4937175, 39.7319946],
            [98.4943595, 39.7328234],
            [98.5008441, 39.7388949],
        ),
        (
            "gcoord 钦州 Qinzhou",
            [108.6503952, 21.9828281],
            [108.6541485, 21.9799392],
            [108.6607283, 21.9856319],
        ),
        (
            "gcoord 金华 Jinhua",
            [119.6427465, 29.0820414],
            [119.6474509, 29.0790641],
            [119.6538875, 29.0854003],
        ),
        // Alibaba Cloud address purification "TransferCoord" documentation, example response
        // (https://help.aliyun.com/zh/address-purification/addrpapi/developer-reference/coordinate-system-conversion):
        // WGS84 120.021519,30.281543, GCJ02 120.026268,30.279164, BD09 120.032768,30.285238.
        (
            "Aliyun TransferCoord doc Hangzhou",
            [120.021519, 30.281543],
            [120.026268, 30.279164],
            [120.032768, 30.285238],
        ),
    ];

    /// Published GCJ-02 → BD-09 pairs: (source, GCJ-02, BD-09), each `[lon, lat]`.
    ///
    /// Not used: the `TESTS_bd` pairs in googollee/eviltransform python/test.py. They were made
    /// by an old version of that library whose BD-09 formula used π where Baidu's uses
    /// x_pi = π·3000/180, and they are 10–40 m away from Baidu's formula.
    const GCJ02_BD09: &[(&str, LonLat, LonLat)] = &[
        // wandergis/coordtransform test/app.js: gcj02tobd09(116.404, 39.915) gives
        // "[ 116.41036949371029, 39.92133699351021 ]".
        (
            "coordtransform gcj02tobd09",
            [116.404, 39.915],
            [116.41036949371029, 39.92133699351021],
        ),
        // wandergis/coordtransform test/app.js: bd09togcj02(116.404, 39.915) gives
        // "[ 116.39762729119315, 39.90865673957631 ]".
        (
            "coordtransform bd09togcj02",
            [116.39762729119315, 39.90865673957631],
            [116.404, 39.915],
        ),
    ];

    #[test]
    fn agrees_with_published_wgs84_gcj02_pairs() {
        let triples = WGS84_GCJ02_BD09.iter().map(|&(what, w, g, _)| (what, w, g));
        for (what, wgs, gcj) in WGS84_GCJ02.iter().copied().chain(triples) {
            let (wgs, gcj) = (c(wgs[0], wgs[1]), c(gcj[0], gcj[1]));
            assert_within(from_wgs84(Crs::Gcj02, wgs), gcj, PUBLISHED_LIMIT_M, what);
            assert_within(to_wgs84(Crs::Gcj02, gcj), wgs, PUBLISHED_LIMIT_M, what);
        }
    }

    #[test]
    fn agrees_with_published_wgs84_bd09_pairs() {
        for &(what, wgs, _, bd) in WGS84_GCJ02_BD09 {
            let (wgs, bd) = (c(wgs[0], wgs[1]), c(bd[0], bd[1]));
            assert_within(from_wgs84(Crs::Bd09, wgs), bd, PUBLISHED_LIMIT_M, what);
            assert_within(to_wgs84(Crs::Bd09, bd), wgs, PUBLISHED_LIMIT_M, what);
        }
    }

    #[test]
    fn agrees_with_published_gcj02_bd09_pairs() {
        let triples = WGS84_GCJ02_BD09.iter().map(|&(what, _, g, b)| (what, g, b));
        for (what, gcj, bd) in GCJ02_BD09.iter().copied().chain(triples) {
            let (gcj, bd) = (c(gcj[0], gcj[1]), c(bd[0], bd[1]));
            // Through the public API: both must name the same WGS-84 point.
            let via_gcj = to_wgs84(Crs::Gcj02, gcj);
            assert_within(to_wgs84(Crs::Bd09, bd), via_gcj, PUBLISHED_LIMIT_M, what);
            assert_within(from_wgs84(Crs::Bd09, via_gcj), bd, PUBLISHED_LIMIT_M, what);
            // And the GCJ-02 → BD-09 step alone.
            assert_within(gcj02_to_bd09(gcj), bd, PUBLISHED_LIMIT_M, what);
        }
    }

    /// WGS-84 points every 3° of longitude and 2.5° of latitude over lon 75–134, lat 18–53,
    /// plus Quzhou.
    fn china_grid() -> Vec<Coord> {
        let mut points: Vec<Coord> = (0..=19)
            .flat_map(|i| {
                (0..=14).map(move |j| c(75.0 + 3.0 * f64::from(i), 18.0 + 2.5 * f64::from(j)))
            })
            .collect();
        points.push(c(118.87, 28.94));
        points
    }

    #[test]
    fn round_trips_over_china() {
        let grid = china_grid();
        assert_eq!(grid.len(), 20 * 15 + 1);
        for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09] {
            for &p in &grid {
                assert!(in_china(p), "{p:?}");
                let what = format!("{} round trip at {:.2},{:.2}", crs.name(), p.x, p.y);
                // WGS-84 → crs → WGS-84, and crs → WGS-84 → crs.
                assert_within(
                    to_wgs84(crs, from_wgs84(crs, p)),
                    p,
                    ROUND_TRIP_LIMIT_M,
                    &what,
                );
                assert_within(
                    from_wgs84(crs, to_wgs84(crs, p)),
                    p,
                    ROUND_TRIP_LIMIT_M,
                    &what,
                );
            }
        }
    }

    #[test]
    fn inverse_is_exact_to_a_millimetre() {
        // The fixed-point inverse stops at 1e-9°; the one-step approximation would be off by
        // metres.
        for crs in [Crs::Gcj02, Crs::Bd09] {
            let worst = china_grid()
                .into_iter()
                .map(|p| haversine_m(to_wgs84(crs, from_wgs84(crs, p)), p))
                .fold(0.0, f64::max);
            assert!(worst < 0.001, "{}: worst round trip {worst} m", crs.name());
        }
    }

    #[test]
    fn quzhou_is_offset_and_round_trips() {
        let quzhou = c(118.87, 28.94);
        let gcj = from_wgs84(Crs::Gcj02, quzhou);
        let bd = from_wgs84(Crs::Bd09, quzhou);
        // GCJ-02 moves points by a few hundred metres, BD-09 by about another kilometre.
        let gcj_offset = haversine_m(gcj, quzhou);
        let bd_offset = haversine_m(bd, quzhou);
        assert!(
            (100.0..1000.0).contains(&gcj_offset),
            "GCJ-02 offset {gcj_offset} m"
        );
        assert!(
            (500.0..2000.0).contains(&bd_offset),
            "BD-09 offset {bd_offset} m"
        );
        assert_within(
            to_wgs84(Crs::Gcj02, gcj),
            quzhou,
            ROUND_TRIP_LIMIT_M,
            "Quzhou GCJ-02",
        );
        assert_within(
            to_wgs84(Crs::Bd09, bd),
            quzhou,
            ROUND_TRIP_LIMIT_M,
            "Quzhou BD-09",
        );
    }

    #[test]
    fn identity_outside_china() {
        let outside = [
            c(9.52, 47.14),        // Vaduz, Liechtenstein
            c(-0.1276, 51.5072),   // London
            c(139.6917, 35.6895),  // Tokyo (east of the box)
            c(151.2093, -33.8688), // Sydney
            c(100.0, 60.0),        // Siberia (north of the box)
            c(f64::NAN, 30.0),
            c(f64::INFINITY, f64::NEG_INFINITY),
        ];
        for p in outside {
            assert!(!in_china(p), "{p:?}");
            for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09] {
                for q in [from_wgs84(crs, p), to_wgs84(crs, p)] {
                    // Bitwise, so that NaN compares equal to itself.
                    assert_eq!(
                        (q.x.to_bits(), q.y.to_bits()),
                        (p.x.to_bits(), p.y.to_bits()),
                        "{crs:?} {p:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn in_china_region() {
        for p in [
            c(118.87, 28.94),
            c(116.404, 39.915),
            c(87.6, 43.8),
            c(126.6, 45.8),
            c(110.3, 20.0),
        ] {
            assert!(in_china(p), "{p:?}");
        }
        for p in [
            c(9.52, 47.14),
            c(72.0, 30.0),
            c(140.0, 35.0),
            c(110.0, 0.5),
            c(110.0, 56.0),
        ] {
            assert!(!in_china(p), "{p:?}");
        }
    }

    #[test]
    fn wgs84_is_identity() {
        let p = c(118.87, 28.94);
        assert_eq!(from_wgs84(Crs::Wgs84, p), p);
        assert_eq!(to_wgs84(Crs::Wgs84, p), p);
    }

    #[test]
    fn parses_names_case_insensitively() {
        for (s, want) in [
            ("wgs84", Crs::Wgs84),
            ("WGS84", Crs::Wgs84),
            ("gcj02", Crs::Gcj02),
            ("GCJ02", Crs::Gcj02),
            ("Gcj02", Crs::Gcj02),
            ("bd09", Crs::Bd09),
            ("BD09", Crs::Bd09),
            (" bd09 ", Crs::Bd09),
        ] {
            assert_eq!(s.parse::<Crs>().unwrap(), want, "{s:?}");
        }
        for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09] {
            assert_eq!(crs.name().parse::<Crs>().unwrap(), crs);
        }
        assert_eq!(Crs::default(), Crs::Wgs84);
    }

    #[test]
    fn rejects_other_names_with_a_hint() {
        for s in [
            "",
            "wgs",
            "wgs-84",
            "gcj-02",
            "gcj2",
            "bd09mc",
            "bd09ll",
            "epsg:4326",
            "mars",
        ] {
            match s.parse::<Crs>() {
                Err(Error::InvalidValue { what, value, hint }) => {
                    assert!(!what.is_empty());
                    assert_eq!(value, s);
                    for name in ["wgs84", "gcj02", "bd09"] {
                        assert!(hint.contains(name), "hint {hint:?} lacks {name}");
                    }
                }
                other => panic!("{s:?} parsed as {other:?}"),
            }
        }
    }

    #[test]
    fn serde_uses_the_lowercase_names() {
        for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09] {
            let json = serde_json::to_string(&crs).unwrap();
            assert_eq!(json, format!("\"{}\"", crs.name()));
            assert_eq!(serde_json::from_str::<Crs>(&json).unwrap(), crs);
        }
        assert!(serde_json::from_str::<Crs>("\"GCJ02\"").is_err());
    }
}
