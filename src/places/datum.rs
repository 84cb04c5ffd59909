//! A whole file in another datum whose points still fall inside the region: the usual mistake
//! with a plain table (`lon`/`lat` or 经度/纬度, no Amap/Baidu column signature, so WGS-84 is
//! assumed) that holds GCJ-02 (Amap, Tencent) or BD-09 (Baidu) coordinates. Such points are
//! ~500 m (BD-09: ~1 km) off, still inside the region, so [`super::misplaced`] cannot see them.
//!
//! The signal: real places sit on or near the street network, and many of them carry the name
//! of an OSM feature nearby. [`check_datum`] reads the file's points under each hypothesis
//! (as given, and converted from each other datum to WGS-84) and measures
//! - the median distance to the nearest walkable edge (the graph's snap index), each distance
//!   capped at [`ROAD_CAP_M`], on at most [`MAX_SAMPLE`] points spread over the file;
//! - the named points that lie within [`NAME_MATCH_M`] of an OSM feature of the same name
//!   (points of interest, bus stops, named buildings).
//!
//! The hypothesis taken as given is only called wrong when another one fits *clearly* better
//! ([`clearly_better`]): at least [`MIN_POINTS`] points, and either
//! - its median road distance is at most [`ROAD_RATIO`] of the one as given and at least
//!   [`ROAD_GAP_M`] shorter, while it matches no fewer names; or
//! - it matches at least [`MIN_NAME_MATCHES`] names and [`NAME_RATIO`] times as many as the
//!   one as given (plus one), while the roads do not say the opposite clearly (its median is
//!   less than 1 / [`ROAD_RATIO`] times the one as given).
//!
//! The thresholds come from shifting OSM's own features of Nanjing (Xinjiekou) and Shanghai
//! by the public GCJ-02 and BD-09 formulas (`examples/datum_experiment.rs`; the figures are in
//! the session note). On Nanjing the roads alone separate BD-09 but not GCJ-02 (its ~500 m
//! shift runs along the main streets: medians 26 vs 25 m); the names (all vs none) and the
//! share inside buildings (about 60 % vs 17 %) do. No WGS-84 sample was ever called wrong.

use std::collections::HashMap;
use std::path::Path;

use geo::{BoundingRect, Coord, InteriorPoint, MultiPolygon};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

use super::crs::{Crs, from_wgs84, to_wgs84};
use super::demand::{Booking, DEMAND_CRS_OPTION};
use super::import::{PARKS_CRS_OPTION, POI_CRS_OPTION, PoiFile, RowWarning, invalid, thousands};
use super::misplaced::CrsOption;
use super::residents::{POPULATION_CRS_OPTION, ResidentUnit, Residents};
use super::{Amenity, Zones};
use crate::error::Result;
use crate::geom::{haversine_m, multipolygon_contains};
use crate::graph::{Mode, RoadGraph};
use crate::osm::{AreaKind, OsmExtract};

/// Each point's road distance counts at most this much, metres (a point in a park or on a
/// lake does not outweigh the others).
pub const ROAD_CAP_M: f64 = 300.0;
/// Most points measured; a larger file is sampled evenly (a median needs no more).
pub const MAX_SAMPLE: usize = 1_000;
/// Fewest points for any verdict (fewer say nothing).
pub const MIN_POINTS: usize = 20;
/// A hypothesis fits the roads clearly better when its median is at most this share of the
/// other's ...
pub const ROAD_RATIO: f64 = 0.6;
/// ... and at least this much shorter, metres.
pub const ROAD_GAP_M: f64 = 15.0;
/// A named point matches an OSM feature of the same name within this distance, metres.
pub const NAME_MATCH_M: f64 = 30.0;
/// Fewest name matches for the names alone to decide.
pub const MIN_NAME_MATCHES: usize = 5;
/// How many times as many names (plus one) the better hypothesis must match.
pub const NAME_RATIO: usize = 3;
/// How many times as many sampled points the better hypothesis must put inside buildings ...
pub const BUILDING_RATIO: usize = 2;
/// ... and at least this share of the sample more.
pub const BUILDING_GAP_SHARE: f64 = 0.15;

/// One point of a planner's file as given: the longitude and latitude columns, and its name.
#[derive(Clone, Copy, Debug)]
pub struct GivenPoint<'a> {
    /// The longitude column's value (x), in the file's own datum.
    pub lon: f64,
    /// The latitude column's value (y).
    pub lat: f64,
    /// Its name, if the file has one.
    pub name: Option<&'a str>,
}

/// What a file's datum is checked against: the walk network and OSM's named features.
#[derive(Debug)]
pub struct DatumContext<'a> {
    graph: &'a RoadGraph,
    names: HashMap<&'a str, Vec<Coord>>,
    buildings: RTree<GeomWithData<Rectangle<[f64; 2]>, &'a MultiPolygon>>,
}

impl<'a> DatumContext<'a> {
    /// Indexes the named points of interest, bus stops and buildings of `extract` by name,
    /// and (for [`PointKind::Places`]) the buildings' outlines.
    pub fn new(extract: &'a OsmExtract, graph: &'a RoadGraph, kind: PointKind) -> Self {
        let mut names: HashMap<&'a str, Vec<Coord>> = HashMap::new();
        let mut add = |name: Option<&'a str>, at: Coord| {
            if let Some(n) = name.map(str::trim).filter(|n| !n.is_empty()) {
                names.entry(n).or_default().push(at);
            }
        };
        for p in &extract.pois {
            add(p.tags.name(), p.location);
        }
        for s in &extract.bus_stops {
            add(s.tags.name(), s.location);
        }
        let mut boxes = Vec::new();
        for a in extract.areas_of(AreaKind::Building) {
            if let (Some(n), Some(p)) = (a.tags.name(), a.polygon.interior_point()) {
                add(Some(n), p.0);
            }
            if kind == PointKind::Outlines {
                continue;
            }
            if let Some(r) = a.polygon.bounding_rect() {
                let (lo, hi) = (r.min(), r.max());
                boxes.push(GeomWithData::new(
                    Rectangle::from_corners([lo.x, lo.y], [hi.x, hi.y]),
                    &a.polygon,
                ));
            }
        }
        DatumContext {
            graph,
            names,
            buildings: RTree::bulk_load(boxes),
        }
    }

    /// Median capped road distance and name matches of `points` read in `crs`.
    pub fn evidence(&self, points: &[GivenPoint<'_>], crs: Crs) -> Evidence {
        let step = points.len().div_ceil(MAX_SAMPLE).max(1);
        let mut road_m: Vec<f64> = points
            .iter()
            .step_by(step)
            .map(|p| self.road_distance_m(to_wgs84(crs, Coord { x: p.lon, y: p.lat })))
            .collect();
        let in_buildings = points
            .iter()
            .step_by(step)
            .filter(|p| self.in_building(to_wgs84(crs, Coord { x: p.lon, y: p.lat })))
            .count();
        road_m.sort_by(f64::total_cmp);
        let median_road_m = road_m.get(road_m.len() / 2).copied().unwrap_or(ROAD_CAP_M);
        let name_matches = points.iter().filter(|p| self.matches_name(p, crs)).count();
        Evidence {
            crs,
            points: points.len(),
            sampled: road_m.len(),
            median_road_m,
            name_matches,
            in_buildings,
        }
    }

    fn in_building(&self, p: Coord) -> bool {
        self.buildings
            .locate_all_at_point(&[p.x, p.y])
            .any(|b| multipolygon_contains(b.data, p))
    }

    fn road_distance_m(&self, p: Coord) -> f64 {
        if !(p.x.is_finite() && p.y.is_finite()) {
            return ROAD_CAP_M;
        }
        self.graph
            .snap(Mode::Walk, p, ROAD_CAP_M)
            .map_or(ROAD_CAP_M, |s| s.distance_m.min(ROAD_CAP_M))
    }

    fn matches_name(&self, p: &GivenPoint<'_>, crs: Crs) -> bool {
        let Some(places) = p.name.and_then(|n| self.names.get(n.trim())) else {
            return false;
        };
        let at = to_wgs84(crs, Coord { x: p.lon, y: p.lat });
        places.iter().any(|&q| haversine_m(at, q) <= NAME_MATCH_M)
    }
}

/// How well a file's points fit the region when read in one datum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evidence {
    /// The datum the points were read in.
    pub crs: Crs,
    /// Points in the file.
    pub points: usize,
    /// Points measured (at most [`MAX_SAMPLE`], spread over the file).
    pub sampled: usize,
    /// Median distance to the nearest walkable edge, each capped at [`ROAD_CAP_M`], metres.
    pub median_road_m: f64,
    /// Named points within [`NAME_MATCH_M`] of an OSM feature of the same name.
    pub name_matches: usize,
    /// Sampled points inside an OSM building.
    pub in_buildings: usize,
}

/// Whether `better` fits clearly better than `given` (see the module docs).
pub fn clearly_better(better: &Evidence, given: &Evidence) -> bool {
    if given.points < MIN_POINTS {
        return false;
    }
    let roads = better.median_road_m <= ROAD_RATIO * given.median_road_m
        && given.median_road_m - better.median_road_m >= ROAD_GAP_M
        && better.name_matches >= given.name_matches;
    // The roads do not say the opposite clearly.
    let roads_agree = better.median_road_m * ROAD_RATIO <= given.median_road_m;
    let names = better.name_matches >= MIN_NAME_MATCHES
        && better.name_matches >= NAME_RATIO * (given.name_matches + 1)
        && roads_agree;
    let gap = (BUILDING_GAP_SHARE * better.sampled as f64).max(MIN_NAME_MATCHES as f64);
    let buildings = better.in_buildings >= BUILDING_RATIO * given.in_buildings
        && (better.in_buildings - given.in_buildings.min(better.in_buildings)) as f64 >= gap
        && better.name_matches >= given.name_matches
        && roads_agree;
    roads || names || buildings
}

/// A file that fits another datum clearly better than the one it was read in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DatumMismatch {
    /// The points read as given.
    pub given: Evidence,
    /// The points read in the datum that fits.
    pub better: Evidence,
}

impl DatumMismatch {
    /// "these coordinates look like GCJ-02 (Amap/Tencent) read as WGS-84: …": the evidence,
    /// without the file or what to do.
    pub fn describe(&self) -> String {
        let (g, b) = (&self.given, &self.better);
        let mut s = format!(
            "these coordinates look like {} read as {}: converted from {} they sit {:.0} m \
             from the nearest road instead of {:.0} m (median of {} points)",
            label(b.crs),
            label(g.crs),
            label(b.crs),
            b.median_road_m,
            g.median_road_m,
            thousands(g.points)
        );
        if b.in_buildings > 0 || g.in_buildings > 0 {
            s.push_str(&format!(
                ", {} of {} inside an OSM building instead of {}",
                thousands(b.in_buildings),
                thousands(b.sampled),
                thousands(g.in_buildings)
            ));
        }
        if b.name_matches > 0 || g.name_matches > 0 {
            s.push_str(&format!(
                ", and {} named points match OSM features within {NAME_MATCH_M:.0} m instead of {}",
                thousands(b.name_matches),
                thousands(g.name_matches)
            ));
        }
        s
    }

    /// [`Self::describe`] and what to do when the datum was assumed: pass the flag.
    pub fn refusal(&self, option: CrsOption) -> String {
        format!(
            "{}. Pass {} {} (scenario: {} = \"{}\"), or {} {} if they really are {}",
            self.describe(),
            option.flag,
            self.better.crs.name(),
            option.key,
            self.better.crs.name(),
            option.flag,
            self.given.crs.name(),
            label(self.given.crs)
        )
    }

    /// [`Self::describe`] as a note when the datum was given explicitly (the planner decided).
    pub fn note(&self, option: CrsOption) -> String {
        format!(
            "{}; kept as {} because {} says so",
            self.describe(),
            label(self.given.crs),
            option.flag
        )
    }
}

/// Checks the datum of a file's `points` read in `crs`: `Some` when another datum fits
/// clearly better ([`clearly_better`]); `None` with too few points, outside China (where the
/// datums coincide) or without a clear winner.
///
/// Complexity: three hypotheses × (at most [`MAX_SAMPLE`] snaps + one name look-up per point).
pub fn check_datum(
    context: &DatumContext<'_>,
    points: &[GivenPoint<'_>],
    crs: Crs,
) -> Option<DatumMismatch> {
    if points.len() < MIN_POINTS {
        return None;
    }
    let given = context.evidence(points, crs);
    [Crs::Wgs84, Crs::Gcj02, Crs::Bd09]
        .into_iter()
        .filter(|&c| c != crs)
        .map(|c| context.evidence(points, c))
        .filter(|e| clearly_better(e, &given))
        .min_by(|a, b| a.median_road_m.total_cmp(&b.median_road_m))
        .map(|better| DatumMismatch { given, better })
}

/// The datum's name as a planner knows it.
fn label(crs: Crs) -> &'static str {
    match crs {
        Crs::Wgs84 => "WGS-84",
        Crs::Gcj02 => "GCJ-02 (Amap/Tencent)",
        Crs::Bd09 => "BD-09 (Baidu)",
    }
}

/// What a file's points are: places (shops, homes: on streets, often in buildings) or the
/// vertices of outlines (parks: along streets, not inside buildings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointKind {
    /// Facilities, homes, bookings.
    Places,
    /// Outline vertices: the building evidence does not apply.
    Outlines,
}

/// The datum check of one file: an error when its datum was assumed (`given` false) and
/// another fits clearly better; a note when it was given (the planner decided); `None` else.
///
/// # Errors
/// [`crate::Error::InvalidValue`] naming the file, the evidence and the flag to pass.
pub fn check_file(
    context: &DatumContext<'_>,
    path: &Path,
    points: &[GivenPoint<'_>],
    crs: Crs,
    given: bool,
    option: CrsOption,
) -> Result<Option<String>> {
    match check_datum(context, points, crs) {
        None => Ok(None),
        Some(m) if given => Ok(Some(m.note(option))),
        Some(m) => Err(invalid(path, m.refusal(option))),
    }
}

/// WGS-84 locations back to the file's own coordinates, with their names.
fn given_points<'a>(
    located: impl Iterator<Item = (Coord, Option<&'a str>)>,
    crs: Crs,
) -> Vec<GivenPoint<'a>> {
    located
        .map(|(c, name)| {
            let raw = from_wgs84(crs, c);
            GivenPoint {
                lon: raw.x,
                lat: raw.y,
                name,
            }
        })
        .collect()
}

/// Checks a POI file's datum ([`check_file`]); a note goes to its warnings (line 1).
/// `given`: the CRS came from `--poi-crs` / `[life_circle] poi_crs`, not the file's kind.
///
/// # Errors
/// As [`check_file`].
pub fn check_poi_file(
    context: &DatumContext<'_>,
    path: &Path,
    file: &mut PoiFile,
    given: bool,
) -> Result<()> {
    let points = given_points(
        file.amenities
            .iter()
            .map(|a: &Amenity| (a.location, a.name.as_deref())),
        file.input.crs,
    );
    if let Some(note) = check_file(
        context,
        path,
        &points,
        file.input.crs,
        given,
        POI_CRS_OPTION,
    )? {
        file.warnings.insert(0, file_note(path, note));
    }
    Ok(())
}

/// Checks the datum of parks read from a file, by their outline vertices ([`check_file`]);
/// a note goes to the parks' notes. `context` is made for [`PointKind::Outlines`].
///
/// # Errors
/// As [`check_file`].
pub fn check_parks(
    context: &DatumContext<'_>,
    path: &Path,
    parks: &mut Zones,
    crs: Crs,
    given: bool,
) -> Result<()> {
    let vertices = parks.zones.iter().flat_map(|z| {
        z.polygon
            .0
            .iter()
            .flat_map(|p| p.exterior().0.iter().map(|&c| (c, None)))
    });
    let points = given_points(vertices, crs);
    if let Some(note) = check_file(context, path, &points, crs, given, PARKS_CRS_OPTION)? {
        parks.notes.push(format!("{}: {note}", path.display()));
    }
    Ok(())
}

/// [`check_parks`] for parks read from `path` (none: OSM's own parks, nothing to check),
/// with a context of its own ([`PointKind::Outlines`]).
///
/// # Errors
/// As [`check_file`].
pub fn checked_parks(
    extract: &OsmExtract,
    graph: &RoadGraph,
    path: Option<&Path>,
    mut parks: Zones,
    crs: Crs,
    given: bool,
) -> Result<Zones> {
    if let Some(path) = path {
        let context = DatumContext::new(extract, graph, PointKind::Outlines);
        check_parks(&context, path, &mut parks, crs, given)?;
    }
    Ok(parks)
}

/// Checks a booking file's datum by its homes ([`check_file`]); a note is returned as a
/// warning (line 1).
///
/// # Errors
/// As [`check_file`].
pub fn check_bookings(
    context: &DatumContext<'_>,
    path: &Path,
    bookings: &[Booking],
    crs: Crs,
    given: bool,
) -> Result<Option<RowWarning>> {
    let points = given_points(bookings.iter().map(|b| (b.location, None)), crs);
    let note = check_file(context, path, &points, crs, given, DEMAND_CRS_OPTION)?;
    Ok(note.map(|n| file_note(path, n)))
}

/// Checks a population file's datum by its points ([`check_file`]): rows with a point, not the
/// districts drawn as polygons (their interior points say nothing about roads). A note is
/// returned as a warning (line 1).
///
/// # Errors
/// As [`check_file`].
pub fn check_population(
    context: &DatumContext<'_>,
    path: &Path,
    residents: &Residents,
    crs: Crs,
    given: bool,
) -> Result<Option<RowWarning>> {
    let drawn = |u: &ResidentUnit| {
        u.district
            .and_then(|d| residents.districts.get(d.0 as usize))
            .is_some_and(|d| d.polygon.is_some())
    };
    let located = residents
        .units
        .iter()
        .filter(|u| !drawn(u))
        .map(|u| (u.location, None));
    let points = given_points(located, crs);
    let note = check_file(context, path, &points, crs, given, POPULATION_CRS_OPTION)?;
    Ok(note.map(|n| file_note(path, n)))
}

fn file_note(path: &Path, message: String) -> RowWarning {
    RowWarning {
        path: path.display().to_string(),
        line: 1,
        message: crate::lang::RowProblem::FileNote(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(median_road_m: f64, name_matches: usize, in_buildings: usize) -> Evidence {
        Evidence {
            crs: Crs::Wgs84,
            points: 100,
            sampled: 100,
            median_road_m,
            name_matches,
            in_buildings,
        }
    }

    #[test]
    fn roads_decide_only_with_a_clear_ratio_and_gap() {
        let given = evidence(40.0, 0, 10);
        assert!(clearly_better(&evidence(20.0, 0, 10), &given));
        // 0.75 of the given median: not clear.
        assert!(!clearly_better(&evidence(30.0, 0, 10), &given));
        // Half, but only 10 m shorter: not clear.
        assert!(!clearly_better(
            &evidence(10.0, 0, 10),
            &evidence(20.0, 0, 10)
        ));
        // Fewer names than as given: the roads alone do not overrule them.
        assert!(!clearly_better(
            &evidence(20.0, 0, 10),
            &evidence(40.0, 3, 10)
        ));
    }

    #[test]
    fn names_and_buildings_decide_unless_the_roads_say_the_opposite() {
        let given = evidence(30.0, 1, 10);
        assert!(clearly_better(&evidence(30.0, 6, 10), &given));
        assert!(
            !clearly_better(&evidence(30.0, 5, 10), &given),
            "5 < 3 × (1 + 1)"
        );
        assert!(
            !clearly_better(&evidence(60.0, 6, 10), &given),
            "roads twice as far"
        );
        assert!(clearly_better(&evidence(30.0, 1, 30), &given));
        assert!(
            !clearly_better(&evidence(30.0, 1, 19), &given),
            "less than twice"
        );
        assert!(
            !clearly_better(&evidence(60.0, 1, 30), &given),
            "roads twice as far"
        );
    }

    #[test]
    fn too_few_points_say_nothing() {
        let mut given = evidence(100.0, 0, 0);
        given.points = MIN_POINTS - 1;
        assert!(!clearly_better(&evidence(5.0, 19, 19), &given));
    }
}
