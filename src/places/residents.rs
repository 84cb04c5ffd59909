//! Where people live, and how many: the residents whose access a life circle is measured for.
//!
//! Residents are either **estimated from OSM** ([`estimate_residents`]) or **supplied** by the
//! planner ([`read_population`]: census blocks, community counts, a grid).
//!
//! ## Estimating from OSM
//!
//! OSM has no population, so it is estimated from housing floor area:
//!
//! > residents = footprint (m²) × levels × [`ResidentOptions::persons_per_m2`]
//!
//! for every building that counts as residential:
//!
//! - a building whose `building` value is one of [`RESIDENTIAL_BUILDINGS`] (`apartments`,
//!   `house`, `residential`, …), wherever it is;
//! - a plain `building=yes` whose interior point lies inside a residential area
//!   (`landuse=residential`, the `areas` passed in). Most residential buildings in OSM are
//!   mapped as plain `building=yes` (in Chinese cities nearly all of them), so counting only
//!   the explicit values would miss most homes; inside a residential area a generic building is
//!   far more likely a home than anything else. Sheds and garages tagged `building=yes` are
//!   counted too: their footprints are small, and `building=garage|shed|…` are not.
//!
//! Other values (`commercial`, `industrial`, `school`, `garage`, …) never count.
//!
//! The footprint is the polygon's geodesic area (holes removed,
//! [`geo::ChamberlainDuquetteArea`]). Levels come from `building:levels`, read leniently (the
//! first number: `"3"`, `"3.5"`, `"2;3"` → 2, `"4 floors"` → 4); a missing, zero or
//! unreadable value, or one above [`MAX_LEVELS`], is [`ResidentOptions::default_levels`].
//!
//! A residential area that contains none of the counted buildings (its buildings are not
//! mapped yet, common outside city centres) gets one unit at its interior point with
//! `area_ha × area_density_per_ha` residents.
//!
//! ### Defaults, and why (planning assumptions a planner should replace with local figures)
//!
//! - [`ResidentOptions::persons_per_m2`] = 1/40: 40 m² of housing floor area per person.
//!   China's urban per-capita housing construction (gross) area is about 40 m² (7th census,
//!   2020: ≈ 36.5 m² in cities, ≈ 42 m² in towns; the statistical yearbooks ≈ 40 m²), and the
//!   EU average floor area per person is of the same order. Footprint × levels is gross area
//!   too, so the two compare directly.
//! - [`ResidentOptions::default_levels`] = 3: low-rise housing, the most common case where
//!   `building:levels` is missing (high-rises tend to be tagged).
//! - [`ResidentOptions::area_density_per_ha`] = 100 residents per hectare of residential land:
//!   a middle value between detached suburban housing (a few tens per hectare) and high-rise
//!   compounds (several hundred per hectare). Only used where no home is mapped, so it should
//!   be set from local plans when those areas matter.
//!
//! ## Supplied population
//!
//! [`read_population`] reads a CSV (`lon`, `lat`, `count`) or GeoJSON (Point, Polygon or
//! MultiPolygon features with a `count`) file; counts are used unchanged. Bad rows are reported
//! with their line or feature number and skipped, as for `--poi` files (see
//! [`super::import`]). Polygon features are districts (街道, 社区, 乡镇, named by a property):
//! [`super::districts::place_districts`] spreads each one's count over the buildings inside it.
//! A CSV `district` (`街道`, `社区`) column names its rows' districts.
//!
//! Every unit is assigned to the residential area (from `areas`) that contains its location
//! (the lowest [`ZoneId`] when areas overlap), found through an R-tree of the areas' bounding
//! boxes.

use std::path::Path;

use crate::lang::RowProblem;

use geo::{BoundingRect, Coord, InteriorPoint, MultiPolygon, Polygon};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::crs::{Crs, to_wgs84};
use super::districts::{District, DistrictId};
use super::import::{
    CsvTable, FileRead, LAT_NAMES, LON_NAMES, RowWarning, check_point, first_position, invalid,
    number, parse_geojson, read_text_file, refuse_misplaced,
};
use super::{Source, ZoneId, Zones};
use crate::error::Result;
use crate::geom::ring_contains;
use crate::osm::{AreaKind, OsmExtract, Tags};

/// How residents are estimated. Every number a planner may change.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct ResidentOptions {
    /// Persons per m² of residential floor area (floor area = footprint × levels). Default
    /// 1/40, i.e. 40 m² of housing per person (China's urban average is about 40 m² per
    /// person, Europe's similar): a planning assumption, see the module docs.
    pub persons_per_m2: f64,
    /// Levels when `building:levels` is missing or unreadable. Default 3.
    pub default_levels: f64,
    /// Residents per hectare for residential areas that contain no counted residential
    /// building. Default 100.
    pub area_density_per_ha: f64,
}

impl Default for ResidentOptions {
    fn default() -> Self {
        ResidentOptions {
            persons_per_m2: 1.0 / 40.0,
            default_levels: 3.0,
            area_density_per_ha: 100.0,
        }
    }
}

/// What a count rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResidentBasis {
    /// A building's floor area × persons per m².
    Building,
    /// A residential area without mapped homes: its area × residents per hectare.
    Area,
    /// The planner's file.
    Supplied,
}

/// A place where people live, with a count.
#[derive(Clone, Debug)]
pub struct ResidentUnit {
    /// WGS-84: a building's or area's interior point; a supplied point, or a supplied
    /// polygon's interior point.
    pub location: Coord,
    /// Number of residents (persons; fractional when estimated).
    pub residents: f64,
    /// The residential area (a zone of the `areas` given) containing `location`, if any.
    pub area: Option<ZoneId>,
    /// What the count rests on.
    pub basis: ResidentBasis,
    /// The OSM building or area, or the file and line.
    pub source: Source,
    /// The district (街道, 社区, 乡镇 of a planner's file) this unit's people are counted in:
    /// an index into [`Residents::districts`].
    pub district: Option<DistrictId>,
}

/// Residents of a region.
#[derive(Clone, Debug)]
pub struct Residents {
    /// The units: buildings by OSM element then areas by zone id (estimated), or in file
    /// order (supplied).
    pub units: Vec<ResidentUnit>,
    /// Whether the counts come from a planner's file rather than an estimate.
    pub supplied: bool,
    /// The options used (unused for supplied counts, kept for the report).
    pub options: ResidentOptions,
    /// The known population the estimate was scaled to, if any ([`Residents::scale_to`]).
    pub scaled_to_total: Option<f64>,
    /// The districts of a planner's file (polygons with a count and a name, or the names of a
    /// CSV's district column), indexed by [`DistrictId`]`.0`; empty otherwise.
    pub districts: Vec<District>,
}

impl Residents {
    /// Scales every unit so that the total is `total` (a known population), keeping the
    /// distribution of the estimate. Does nothing when the current total is zero.
    pub fn scale_to(&mut self, total: f64) {
        let current = self.total();
        if current > 0.0 {
            let factor = total / current;
            for u in &mut self.units {
                u.residents *= factor;
            }
            self.scaled_to_total = Some(total);
        }
    }

    /// All residents.
    pub fn total(&self) -> f64 {
        self.units.iter().map(|u| u.residents).sum()
    }

    /// Residents per residential area, indexed by [`ZoneId`]`.0`; `n_areas` is the number of
    /// areas (units of areas beyond it are ignored).
    pub fn per_area(&self, n_areas: usize) -> Vec<f64> {
        let mut out = vec![0.0; n_areas];
        for u in &self.units {
            if let Some(slot) = u.area.and_then(|a| out.get_mut(a.0 as usize)) {
                *slot += u.residents;
            }
        }
        out
    }

    /// Residents outside every residential area.
    pub fn outside_areas(&self) -> f64 {
        self.units
            .iter()
            .filter(|u| u.area.is_none())
            .map(|u| u.residents)
            .sum()
    }

    /// Residents per district, indexed by [`DistrictId`]`.0`.
    pub fn per_district(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.districts.len()];
        for u in &self.units {
            if let Some(slot) = u.district.and_then(|d| out.get_mut(d.0 as usize)) {
                *slot += u.residents;
            }
        }
        out
    }

    /// The name of a district, or `None`.
    pub fn district_name(&self, district: Option<DistrictId>) -> Option<&str> {
        district
            .and_then(|d| self.districts.get(d.0 as usize))
            .map(|d| d.name.as_str())
    }

    /// Residents of units with the given basis.
    pub fn total_of(&self, basis: ResidentBasis) -> f64 {
        self.units
            .iter()
            .filter(|u| u.basis == basis)
            .map(|u| u.residents)
            .sum()
    }
}

/// `building=*` values that count as residential wherever they are. `building=yes` counts
/// only inside a residential area (see the module docs).
pub const RESIDENTIAL_BUILDINGS: &[&str] = &[
    "apartments",
    "residential",
    "house",
    "detached",
    "semidetached_house",
    "terrace",
    "dormitory",
    "bungalow",
    "farm",
    "cabin",
    "static_caravan",
    "houseboat",
];

/// `building:levels` above this are taken as mapping errors (the tallest buildings have
/// about 160 floors) and replaced by [`ResidentOptions::default_levels`].
pub const MAX_LEVELS: f64 = 200.0;

/// The first number in a `building:levels` value (`"3"`, `"3.5"`, `"2;3"` → 2, `"4 floors"` →
/// 4), when it is positive and at most [`MAX_LEVELS`].
pub fn parse_levels(value: &str) -> Option<f64> {
    let v = value.trim();
    let end = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let n: f64 = v[..end].parse().ok()?;
    (n > 0.0 && n <= MAX_LEVELS).then_some(n)
}

/// Residential areas, indexed by the bounding boxes of their polygons.
pub(super) struct AreaIndex<'a> {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    /// (zone, polygon) for each tree entry.
    polygons: Vec<(ZoneId, &'a Polygon)>,
}

impl<'a> AreaIndex<'a> {
    fn new(areas: &'a Zones) -> Self {
        Self::of_polygons(areas.zones.iter().map(|z| (z.id, &z.polygon)))
    }

    /// An index of any numbered polygons (districts use their index as the [`ZoneId`]).
    pub(super) fn of_polygons(items: impl Iterator<Item = (ZoneId, &'a MultiPolygon)>) -> Self {
        let mut polygons = Vec::new();
        let mut entries = Vec::new();
        for (id, mp) in items {
            for p in &mp.0 {
                if let Some(r) = p.bounding_rect() {
                    entries.push(GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        polygons.len(),
                    ));
                    polygons.push((id, p));
                }
            }
        }
        AreaIndex {
            tree: RTree::bulk_load(entries),
            polygons,
        }
    }

    /// Every zone containing `p`, ascending, without duplicates.
    pub(super) fn containing(&self, p: Coord) -> Vec<ZoneId> {
        let mut out: Vec<ZoneId> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([p.x, p.y]))
            .filter_map(|e| {
                let (zone, polygon) = self.polygons[e.data];
                let inside = ring_contains(&polygon.exterior().0, p)
                    && !polygon.interiors().iter().any(|h| ring_contains(&h.0, p));
                inside.then_some(zone)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The zone containing `p` (the lowest id when several do).
    pub(super) fn locate(&self, p: Coord) -> Option<ZoneId> {
        self.containing(p).first().copied()
    }
}

/// A point on the surface of a polygon, falling back to its first vertex.
fn surface_point(mp: &MultiPolygon) -> Option<Coord> {
    mp.interior_point()
        .map(|p| p.0)
        .or_else(|| mp.0.first().and_then(|p| p.exterior().0.first().copied()))
}

/// A point inside a building: the centroid of its outline when that lies inside (nearly all
/// buildings, and ~15× faster than the general algorithm), else [`surface_point`].
fn building_point(mp: &MultiPolygon) -> Option<Coord> {
    if let [p] = mp.0.as_slice()
        && let Some(&o) = p.exterior().0.first()
    {
        // Shoelace centroid, relative to the first vertex for precision.
        let (mut area2, mut cx, mut cy) = (0.0, 0.0, 0.0);
        for w in p.exterior().0.windows(2) {
            let (x0, y0, x1, y1) = (w[0].x - o.x, w[0].y - o.y, w[1].x - o.x, w[1].y - o.y);
            let cross = x0 * y1 - x1 * y0;
            area2 += cross;
            cx += (x0 + x1) * cross;
            cy += (y0 + y1) * cross;
        }
        if area2 != 0.0 {
            let c = Coord {
                x: o.x + cx / (3.0 * area2),
                y: o.y + cy / (3.0 * area2),
            };
            if c.x.is_finite()
                && c.y.is_finite()
                && ring_contains(&p.exterior().0, c)
                && !p.interiors().iter().any(|h| ring_contains(&h.0, c))
            {
                return Some(c);
            }
        }
    }
    surface_point(mp)
}

/// Whether a building counts as residential, given whether it lies in a residential area.
fn is_residential(tags: &Tags, in_area: bool) -> bool {
    match tags.get("building") {
        Some("yes") => in_area,
        Some(v) => RESIDENTIAL_BUILDINGS.contains(&v),
        None => false,
    }
}

/// Residents of one building: footprint × levels × persons per m².
fn building_residents(polygon: &MultiPolygon, tags: &Tags, options: &ResidentOptions) -> f64 {
    let footprint_m2 = crate::geom::area_m2(polygon);
    let levels = tags
        .get("building:levels")
        .and_then(parse_levels)
        .unwrap_or(options.default_levels);
    footprint_m2 * levels * options.persons_per_m2
}

/// Estimates residents from OSM (see the module docs): every building whose `building` value
/// is in [`RESIDENTIAL_BUILDINGS`], plus `building=yes` buildings whose interior point lies in
/// one of `areas` (residential areas), count footprint × levels × `persons_per_m2`; each area
/// containing none of these buildings counts `area_ha × area_density_per_ha` at its interior
/// point. Units are ordered by OSM element (buildings), then by zone id (areas).
pub fn estimate_residents(
    extract: &OsmExtract,
    areas: &Zones,
    options: &ResidentOptions,
) -> Residents {
    let index = AreaIndex::new(areas);
    let mut buildings: Vec<_> = extract.areas_of(AreaKind::Building).collect();
    buildings.sort_by_key(|b| b.osm);
    // (unit, every area containing it), in OSM order: rayon's collect keeps the order.
    let counted: Vec<(ResidentUnit, Vec<ZoneId>)> = buildings
        .par_iter()
        .filter_map(|b| {
            let location = building_point(&b.polygon)?;
            let inside = index.containing(location);
            if !is_residential(&b.tags, !inside.is_empty()) {
                return None;
            }
            let unit = ResidentUnit {
                location,
                residents: building_residents(&b.polygon, &b.tags, options),
                area: inside.first().copied(),
                basis: ResidentBasis::Building,
                source: Source::Osm(vec![b.osm]),
                district: None,
            };
            Some((unit, inside))
        })
        .collect();
    let mut has_homes = vec![false; areas.zones.len()];
    for (_, inside) in &counted {
        for z in inside {
            if let Some(h) = has_homes.get_mut(z.0 as usize) {
                *h = true;
            }
        }
    }
    let mut units: Vec<ResidentUnit> = counted.into_iter().map(|(u, _)| u).collect();
    let mut empty: Vec<_> = areas
        .zones
        .iter()
        .filter(|z| !has_homes.get(z.id.0 as usize).copied().unwrap_or(false))
        .collect();
    empty.sort_by_key(|z| z.id);
    // Spread each area's residents over a grid inside it, so that a large area is reached
    // from where its people are, not from one point.
    for z in empty {
        let points = area_points(&z.polygon, AREA_GRID_M);
        let each = z.area_ha * options.area_density_per_ha / points.len().max(1) as f64;
        units.extend(points.into_iter().map(|location| ResidentUnit {
            location,
            residents: each,
            area: Some(z.id),
            basis: ResidentBasis::Area,
            source: z.source.clone(),
            district: None,
        }));
    }
    Residents {
        units,
        supplied: false,
        options: *options,
        scaled_to_total: None,
        districts: Vec::new(),
    }
}

/// Gives each group's people to its units in proportion to their residents (for buildings,
/// their floor-area estimate): unit `i` of group `g = group_of[i]` gets
/// `people[g] × units[i].residents / Σ residents of group g`. The one rule by which a raster
/// cell's people ([`super::raster`]) and a district's count ([`super::districts`]) go to the
/// buildings in them. Returns, in `units` order, every unit with a positive share (a copy with
/// `residents` = the share) and its group, and each group's weight (0: nothing to spread over).
pub(super) fn spread_by_weight(
    people: &[f64],
    units: &[ResidentUnit],
    group_of: &[Option<usize>],
) -> (Vec<(usize, ResidentUnit)>, Vec<f64>) {
    let mut weight = vec![0.0; people.len()];
    for (u, g) in units.iter().zip(group_of) {
        if let Some(w) = g.and_then(|g| weight.get_mut(g)) {
            *w += u.residents;
        }
    }
    let mut out = Vec::new();
    for (u, g) in units.iter().zip(group_of) {
        let Some(g) = *g else { continue };
        let share = people[g] * u.residents / weight[g];
        if share > 0.0 {
            out.push((
                g,
                ResidentUnit {
                    residents: share,
                    ..u.clone()
                },
            ));
        }
    }
    (out, weight)
}

/// Spacing of the points an area's residents are spread over, metres.
pub const AREA_GRID_M: f64 = 200.0;

/// Grid points inside an area (lon/lat), or one point on its surface when it is too narrow.
fn area_points(polygon: &MultiPolygon, spacing_m: f64) -> Vec<Coord> {
    let Some(first) = polygon
        .0
        .first()
        .and_then(|p| p.exterior().0.first().copied())
    else {
        return Vec::new();
    };
    let proj = crate::geom::LocalProjection::new(first);
    let projected = geo::MapCoords::map_coords(polygon, |c| {
        let [x, y] = proj.project(c);
        Coord { x, y }
    });
    let grid: Vec<Coord> = crate::geom::grid_inside(&projected, spacing_m)
        .into_iter()
        .map(|p| proj.unproject([p.x, p.y]))
        .collect();
    if grid.is_empty() {
        surface_point(polygon).into_iter().collect()
    } else {
        grid
    }
}

// ---------------------------------------------------------------------------------------------
// Supplied population

/// Column names accepted for the count, lowercase.
const COUNT_NAMES: &[&str] = &[
    "count",
    "population",
    "residents",
    "人口",
    "常住人口",
    "户籍人口",
    "人口数",
    "数量",
    "人数",
];
/// Column names (CSV) and property names (GeoJSON points) that name a unit's district, lowercase.
const DISTRICT_COLUMN_NAMES: &[&str] = &["district", "街道", "社区", "乡镇", "subdistrict"];
/// Property names that name a district polygon, in order of preference.
const DISTRICT_NAME_PROPERTIES: &[&str] = &[
    "街道",
    "社区",
    "乡镇",
    "district",
    "subdistrict",
    "name",
    "名称",
    "name:zh",
];
/// Checks that a lon/lat pair is one (in range; NaN is not).
fn check_lon_lat(c: Coord) -> std::result::Result<(), String> {
    let valid = (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y);
    if valid {
        Ok(())
    } else {
        Err(format!(
            "coordinates {},{} are not a lon,lat pair",
            c.x, c.y
        ))
    }
}

/// Most residents one row or feature may count: more than the largest city district
/// (Shanghai Pudong, 5.8 million). A larger count is a wrong column or a unit slip, and would
/// overflow the totals (`inf` residents, `NaN%` shares).
pub const MAX_COUNT_PER_ROW: f64 = 10_000_000.0;

/// A count: a finite, non-negative number up to [`MAX_COUNT_PER_ROW`].
fn parse_count(text: &str) -> std::result::Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && (0.0..=MAX_COUNT_PER_ROW).contains(&n) => Ok(n),
        Ok(n) if n > MAX_COUNT_PER_ROW => Err(format!(
            "count '{}' is more than {MAX_COUNT_PER_ROW} residents in one row (wrong column?)",
            text.trim()
        )),
        Ok(_) => Err(format!("count '{text}' is negative or not finite")),
        Err(_) => Err(format!("count '{}' is not a number", text.trim())),
    }
}

/// One data row of a population file, before its location is assigned to an area.
struct Row {
    line: usize,
    /// What the row says, or why it is skipped.
    value: std::result::Result<Parsed, RowProblem>,
}

/// A readable row or feature.
struct Parsed {
    /// WGS-84 location (a polygon's interior point).
    location: Coord,
    count: f64,
    /// The WGS-84 polygon of a polygon feature: a district.
    polygon: Option<MultiPolygon>,
    /// The district named by the row, if any.
    district: Option<String>,
}

/// A non-empty text or number in a CSV field or GeoJSON property, trimmed.
fn name_text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The first of `keys` that a feature has as a non-empty string or number.
fn feature_text(f: &geojson::Feature, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match f.property(k)? {
        serde_json::Value::String(s) => name_text(Some(s)),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn csv_rows(path: &Path, text: &str, crs: Crs, bbox: [f64; 4]) -> Result<Vec<Row>> {
    let table = CsvTable::read(path, text)?;
    let district = table.column(DISTRICT_COLUMN_NAMES);
    let (Some(lon), Some(lat), Some(count)) = (
        table.column(LON_NAMES),
        table.column(LAT_NAMES),
        table.column(COUNT_NAMES),
    ) else {
        return Err(invalid(
            path,
            format!(
                "the CSV needs columns lon, lat and count (or population, residents, 人口); it has: {}",
                table.headers.join(", ")
            ),
        ));
    };
    let points = table.points(lon, lat);
    refuse_misplaced(path, &points, crs, bbox, POPULATION_CRS_OPTION)?;
    Ok(table
        .rows
        .into_iter()
        .map(|(line, record)| {
            let value = record.map_err(RowProblem::from).and_then(|r| {
                let (x, y) = (number(&r, lon, "lon")?, number(&r, lat, "lat")?);
                let n = parse_count(r.get(count).unwrap_or(""))?;
                Ok(Parsed {
                    location: check_point(x, y, crs, bbox)?,
                    count: n,
                    polygon: None,
                    district: name_text(district.and_then(|d| r.get(d))),
                })
            });
            Row { line, value }
        })
        .collect())
}

/// The count property of a feature.
fn feature_count(f: &geojson::Feature) -> std::result::Result<f64, String> {
    let value = COUNT_NAMES
        .iter()
        .find_map(|k| f.property(k).filter(|v| !v.is_null()))
        .ok_or_else(|| "no count (or population, residents, 人口) property".to_string())?;
    match value {
        serde_json::Value::Number(n) => parse_count(&n.to_string()),
        serde_json::Value::String(s) => parse_count(s),
        v => Err(format!("count {v} is not a number")),
    }
}

/// A feature's WGS-84 location: a Point, or the interior point of a (Multi)Polygon after
/// conversion, with that converted polygon.
fn feature_location(
    f: &geojson::Feature,
    n: usize,
    crs: Crs,
    bbox: [f64; 4],
) -> std::result::Result<(Coord, Option<MultiPolygon>), String> {
    let geometry = f
        .geometry
        .as_ref()
        .ok_or_else(|| format!("feature {n} has no geometry"))?;
    let wrong = || {
        format!(
            "feature {n} is a {}, not a Point, Polygon or MultiPolygon",
            geometry.value.type_name()
        )
    };
    let polygon = match super::import::to_geo(&geometry.value) {
        Some(geo::Geometry::Point(p)) => return Ok((check_point(p.0.x, p.0.y, crs, bbox)?, None)),
        Some(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
        Some(geo::Geometry::MultiPolygon(mp)) => mp,
        _ if !super::import::positions_complete(&geometry.value) => {
            return Err(format!(
                "feature {n} has a position with fewer than two numbers (lon, lat)"
            ));
        }
        Some(_) | None => return Err(wrong()),
    };
    for p in &polygon.0 {
        for c in p
            .exterior()
            .0
            .iter()
            .chain(p.interiors().iter().flat_map(|h| &h.0))
        {
            check_lon_lat(*c)?;
        }
    }
    let converted = {
        use geo::MapCoords;
        polygon.map_coords(|c| to_wgs84(crs, c))
    };
    let p = surface_point(&converted).ok_or_else(|| format!("feature {n} has an empty polygon"))?;
    // Already converted: check it as WGS-84.
    Ok((check_point(p.x, p.y, Crs::Wgs84, bbox)?, Some(converted)))
}

fn geojson_rows(path: &Path, text: &str, crs: Crs, bbox: [f64; 4]) -> Result<Vec<Row>> {
    let features = parse_geojson(path, text)?.features;
    let points: Vec<(f64, f64)> = features.iter().filter_map(first_position).collect();
    refuse_misplaced(path, &points, crs, bbox, POPULATION_CRS_OPTION)?;
    Ok(features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let n = i + 1;
            let value = feature_location(f, n, crs, bbox)
                .map_err(RowProblem::from)
                .and_then(|(location, polygon)| {
                    let count = feature_count(f)?;
                    // A polygon with a count is a district: named by its property, else by number.
                    let district = match polygon {
                        Some(_) => Some(
                            feature_text(f, DISTRICT_NAME_PROPERTIES)
                                .unwrap_or_else(|| format!("feature {n}")),
                        ),
                        None => feature_text(f, DISTRICT_COLUMN_NAMES),
                    };
                    Ok(Parsed {
                        location,
                        count,
                        polygon,
                        district,
                    })
                });
            Row { line: n, value }
        })
        .collect())
}

/// The `--population` option, for messages.
pub const POPULATION_CRS_OPTION: crate::places::misplaced::CrsOption =
    crate::places::misplaced::CrsOption {
        flag: "--population-crs",
        key: "[commute] population_crs",
    };

/// Reads a planner's population: a CSV with columns `lon`, `lat` and `count` (or
/// `population`, `residents`, `人口`), or a GeoJSON (`.geojson`/`.json`) of Point, Polygon or
/// MultiPolygon features with a `count` (or `population`, `residents`, `人口`) property.
/// Coordinates are converted from `crs` to WGS-84; a polygon counts at its interior point.
/// Counts are used unchanged.
///
/// Rows with unparseable numbers, negative counts, other geometries, or a location more than
/// 0.05° outside `bbox` (`[min_lon, min_lat, max_lon, max_lat]`, the OSM data) are returned as
/// warnings with their CSV line or GeoJSON feature number (1-based) and skipped. Each unit gets
/// the residential area of `areas` containing it.
///
/// # Errors
/// [`Error::Io`](crate::Error::Io) when the file cannot be read;
/// [`Error::InvalidValue`](crate::Error::InvalidValue) when it is not CSV with
/// the needed columns or not GeoJSON, or has no data rows at all.
pub fn read_population(
    path: &Path,
    crs: Crs,
    areas: &Zones,
    bbox: [f64; 4],
) -> Result<(Residents, Vec<RowWarning>)> {
    read_population_file(path, crs, areas, bbox).map(|(r, w, _)| (r, w))
}

/// [`read_population`], also saying what the file was found to be ([`FileRead`]: encoding,
/// line ends, rows, CRS). A file whose points mostly lie outside the region is one error
/// saying why ([`crate::places::misplaced`]).
pub fn read_population_file(
    path: &Path,
    crs: Crs,
    areas: &Zones,
    bbox: [f64; 4],
) -> Result<(Residents, Vec<RowWarning>, FileRead)> {
    let file = read_text_file(path)?;
    let text = &file.text;
    let is_geojson = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"));
    let rows = if is_geojson {
        geojson_rows(path, text, crs, bbox)?
    } else {
        csv_rows(path, text, crs, bbox)?
    };
    let rows_read = rows.len();
    if rows.is_empty() {
        return Err(invalid(path, "it has no rows or features"));
    }
    let index = AreaIndex::new(areas);
    let name = path.display().to_string();
    let mut units = Vec::new();
    let mut districts = super::districts::DistrictTable::default();
    let mut warnings = crate::places::import::RowWarnings::default();
    for row in rows {
        match row.value {
            Ok(p) => {
                let source = Source::File {
                    path: name.clone(),
                    line: row.line,
                };
                units.push(ResidentUnit {
                    location: p.location,
                    residents: p.count,
                    area: index.locate(p.location),
                    basis: ResidentBasis::Supplied,
                    district: districts.add(p.district, p.polygon, p.count, &source),
                    source,
                });
            }
            Err(message) => warnings.push(RowWarning {
                path: name.clone(),
                line: row.line,
                message,
            }),
        }
    }
    let input = FileRead::new(path, &file, rows_read, units.len(), crs);
    Ok((
        Residents {
            units,
            supplied: true,
            options: ResidentOptions::default(),
            scaled_to_total: None,
            districts: districts.finish(),
        },
        warnings.finish(),
        input,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::{Area, OsmRef};
    use crate::places::{Zone, ZoneKind, residential_zones};
    use geo::ChamberlainDuquetteArea;
    use geo::{Contains, Intersects, LineString, Point};
    use std::io::Write;
    use std::sync::OnceLock;

    fn demo() -> &'static (OsmExtract, Zones) {
        static DEMO: OnceLock<(OsmExtract, Zones)> = OnceLock::new();
        DEMO.get_or_init(|| {
            let extract = OsmExtract::demo();
            let zones = residential_zones(&extract);
            (extract, zones)
        })
    }

    fn rel_eq(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    fn square(x0: f64, y0: f64, side_deg: f64) -> MultiPolygon {
        let c = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
            .iter()
            .map(|&(dx, dy)| Coord {
                x: x0 + dx * side_deg,
                y: y0 + dy * side_deg,
            })
            .collect();
        MultiPolygon(vec![Polygon::new(LineString::new(c), vec![])])
    }

    #[test]
    fn levels_are_read_leniently() {
        assert_eq!(parse_levels("3"), Some(3.0));
        assert_eq!(parse_levels(" 3.5 "), Some(3.5));
        assert_eq!(parse_levels("2;3"), Some(2.0));
        assert_eq!(parse_levels("4 floors"), Some(4.0));
        assert_eq!(parse_levels("0"), None);
        assert_eq!(parse_levels("ground"), None);
        assert_eq!(parse_levels(""), None);
        assert_eq!(parse_levels("-2"), None);
        assert_eq!(parse_levels("1000"), None);
    }

    #[test]
    fn demo_total_matches_an_independent_recomputation() {
        let (extract, zones) = demo();
        let options = ResidentOptions::default();
        let r = estimate_residents(extract, zones, &options);
        assert!(!r.supplied);
        let sum: f64 = r.units.iter().map(|u| u.residents).sum();
        assert!(rel_eq(r.total(), sum));
        let per_area: f64 = r.per_area(zones.zones.len()).iter().sum();
        assert!(rel_eq(per_area + r.outside_areas(), r.total()));

        // Independent: plain loop, geo's Contains instead of the R-tree + ring test.
        let mut expected_buildings = 0.0;
        let mut n_buildings = 0;
        let mut zone_has_home = vec![false; zones.zones.len()];
        for a in extract
            .areas
            .iter()
            .filter(|a| a.kind == AreaKind::Building)
        {
            let Some(p) = building_point(&a.polygon).map(Point) else {
                continue;
            };
            assert!(a.polygon.contains(&p) || a.polygon.intersects(&p));
            let inside: Vec<usize> = zones
                .zones
                .iter()
                .enumerate()
                .filter(|(_, z)| z.polygon.contains(&p))
                .map(|(i, _)| i)
                .collect();
            let value = a.tags.get("building").unwrap_or("");
            let residential = if value == "yes" {
                !inside.is_empty()
            } else {
                RESIDENTIAL_BUILDINGS.contains(&value)
            };
            if !residential {
                continue;
            }
            let levels = a
                .tags
                .get("building:levels")
                .and_then(|s| s.split(';').next()?.trim().parse::<f64>().ok())
                .filter(|&l| l > 0.0 && l <= MAX_LEVELS)
                .unwrap_or(3.0);
            expected_buildings += a.polygon.chamberlain_duquette_unsigned_area() * levels / 40.0;
            n_buildings += 1;
            for i in inside {
                zone_has_home[i] = true;
            }
        }
        let expected_areas: f64 = zones
            .zones
            .iter()
            .zip(&zone_has_home)
            .filter(|(_, h)| !**h)
            .map(|(z, _)| z.area_ha * 100.0)
            .sum();
        let from_buildings = r.total_of(ResidentBasis::Building);
        let from_areas = r.total_of(ResidentBasis::Area);
        assert_eq!(
            r.units
                .iter()
                .filter(|u| u.basis == ResidentBasis::Building)
                .count(),
            n_buildings
        );
        assert!(
            (from_buildings - expected_buildings).abs() < 1e-6 * expected_buildings,
            "{from_buildings} vs {expected_buildings}"
        );
        assert!(
            (from_areas - expected_areas).abs() < 1e-6 * expected_areas.max(1.0),
            "{from_areas} vs {expected_areas}"
        );
        assert!(rel_eq(r.total(), from_buildings + from_areas));

        // Deterministic order: buildings by OSM element, then areas by zone id.
        let keys: Vec<(u8, Source)> = r
            .units
            .iter()
            .map(|u| (u8::from(u.basis == ResidentBasis::Area), u.source.clone()))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        let again = estimate_residents(extract, zones, &options);
        assert_eq!(again.total().to_bits(), r.total().to_bits());
    }

    #[test]
    fn demo_levels_and_empty_areas() {
        let (extract, zones) = demo();
        let options = ResidentOptions::default();
        let r = estimate_residents(extract, zones, &options);
        // A building with building:levels=4 counts 4 × footprint × density: tag the first
        // counted building of the demo so.
        let Some(Source::Osm(first)) = r
            .units
            .iter()
            .find(|u| u.basis == ResidentBasis::Building)
            .map(|u| u.source.clone())
        else {
            panic!("the demo has residential buildings")
        };
        let mut four = extract.clone();
        let Some(a) = four.areas.iter_mut().find(|a| a.osm == first[0]) else {
            panic!("{first:?} is in the extract")
        };
        let mut tags: Vec<(String, String)> = a
            .tags
            .iter()
            .filter(|(k, _)| *k != "building:levels")
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        tags.push(("building:levels".into(), "4".into()));
        a.tags = Tags::new(tags);
        let footprint_m2 = a.polygon.chamberlain_duquette_unsigned_area();
        let r4 = estimate_residents(&four, zones, &options);
        let Some(u) = r4
            .units
            .iter()
            .find(|u| u.source == Source::Osm(first.clone()))
        else {
            panic!("{first:?} still counts")
        };
        let want = footprint_m2 * 4.0 / 40.0;
        assert!(rel_eq(u.residents, want), "{} vs {want}", u.residents);
        // An area without residential buildings: area × density, spread over points inside it.
        let per_area = r.per_area(zones.zones.len());
        let area_units: Vec<_> = r
            .units
            .iter()
            .filter(|u| u.basis == ResidentBasis::Area)
            .collect();
        assert!(!area_units.is_empty());
        for u in area_units {
            let Some(id) = u.area else {
                panic!("area unit without area")
            };
            let z = &zones.zones[id.0 as usize];
            assert!(rel_eq(per_area[id.0 as usize], z.area_ha * 100.0));
            assert!(z.polygon.contains(&Point(u.location)));
            assert!(
                !r.units
                    .iter()
                    .any(|b| b.basis == ResidentBasis::Building && b.area == Some(id))
            );
        }
    }

    #[test]
    fn synthetic_buildings_and_areas() {
        // Area A (R1) with homes, area B (R2) without; 0.01° squares near 47°N.
        let mut extract = OsmExtract::demo();
        extract.areas.clear();
        let res = |id: i64, polygon: MultiPolygon| Area {
            osm: OsmRef::Way(id),
            kind: AreaKind::Residential,
            polygon,
            tags: Tags::new([("landuse", "residential")]),
        };
        let building = |id: i64, polygon: MultiPolygon, tags: &[(&str, &str)]| Area {
            osm: OsmRef::Way(id),
            kind: AreaKind::Building,
            polygon,
            tags: Tags::new(tags.iter().copied()),
        };
        let side = 0.0002;
        extract.areas = vec![
            res(1, square(9.50, 47.10, 0.01)),
            res(2, square(9.60, 47.10, 0.01)),
            // building=yes, 4 levels, inside A: counted.
            building(
                13,
                square(9.501, 47.101, side),
                &[("building", "yes"), ("building:levels", "4")],
            ),
            // house without levels, outside any area: counted with default levels.
            building(11, square(9.70, 47.10, side), &[("building", "house")]),
            // building=yes outside any area: not counted.
            building(12, square(9.71, 47.10, side), &[("building", "yes")]),
            // garage inside A: not counted.
            building(14, square(9.502, 47.102, side), &[("building", "garage")]),
            // building=yes inside B? no: B must stay empty; this one is just outside B.
            building(15, square(9.62, 47.10, side), &[("building", "yes")]),
        ];
        let zones = residential_zones(&extract);
        assert_eq!(zones.kind, ZoneKind::Residential);
        let options = ResidentOptions::default();
        let r = estimate_residents(&extract, &zones, &options);
        let sources: Vec<String> = r.units.iter().map(|u| u.source.to_string()).collect();
        // Area B's residents are spread over a 200 m grid inside it: all from way/2.
        assert_eq!(&sources[..2], ["way/11", "way/13"]);
        assert!(sources.len() > 3 && sources[2..].iter().all(|s| s == "way/2"));
        let fp = square(9.501, 47.101, side).chamberlain_duquette_unsigned_area();
        assert!(rel_eq(
            r.units[1].residents,
            fp * 4.0 * options.persons_per_m2
        ));
        assert_eq!(r.units[1].area, Some(ZoneId(0)));
        let fp11 = square(9.70, 47.10, side).chamberlain_duquette_unsigned_area();
        assert!(rel_eq(r.units[0].residents, fp11 * 3.0 / 40.0));
        assert_eq!(r.units[0].area, None);
        assert!(
            r.units[2..]
                .iter()
                .all(|u| u.basis == ResidentBasis::Area && u.area == Some(ZoneId(1)))
        );
        let per = r.per_area(2);
        assert!(rel_eq(per[1], zones.zones[1].area_ha * 100.0));
        assert!(rel_eq(per[0], r.units[1].residents));
        assert!(rel_eq(r.outside_areas(), r.units[0].residents));

        // Changing the options changes the counts proportionally.
        let doubled = ResidentOptions {
            persons_per_m2: 2.0 / 40.0,
            default_levels: 6.0,
            area_density_per_ha: 200.0,
        };
        let r2 = estimate_residents(&extract, &zones, &doubled);
        assert!(rel_eq(r2.units[0].residents, 4.0 * r.units[0].residents));
        assert!(rel_eq(r2.units[1].residents, 2.0 * r.units[1].residents));
        assert!(rel_eq(r2.units[2].residents, 2.0 * r.units[2].residents));
    }

    #[test]
    fn holes_are_not_inside() {
        let outer = square(9.5, 47.1, 0.01).0.remove(0).exterior().clone();
        let hole = square(9.504, 47.104, 0.002).0.remove(0).exterior().clone();
        let zones = Zones {
            kind: ZoneKind::Residential,
            zones: vec![Zone {
                id: ZoneId(0),
                code: "R1".into(),
                name: "ring".into(),
                polygon: MultiPolygon(vec![Polygon::new(outer, vec![hole])]),
                area_ha: 1.0,
                source: Source::Osm(vec![OsmRef::Way(1)]),
                gates: Vec::new(),
            }],
            too_small: 0,
            notes: Vec::new(),
        };
        let index = AreaIndex::new(&zones);
        assert_eq!(
            index.locate(Coord {
                x: 9.501,
                y: 47.101
            }),
            Some(ZoneId(0))
        );
        assert_eq!(
            index.locate(Coord {
                x: 9.505,
                y: 47.105
            }),
            None
        );
        assert_eq!(index.locate(Coord { x: 9.52, y: 47.105 }), None);
    }

    fn temp_file(suffix: &str, text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new()
            .suffix(suffix)
            .tempfile()
            .unwrap_or_else(|e| panic!("temp file: {e}"));
        f.write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("write: {e}"));
        f
    }

    #[test]
    fn supplied_csv_counts_are_used_unchanged_and_bad_rows_reported() {
        let (extract, zones) = demo();
        let z = &zones.zones[0];
        let Some(inside) = surface_point(&z.polygon) else {
            panic!("zone without a point")
        };
        let text = format!(
            "lon,lat,人口\n\
             {},{},1234.5\n\
             9.52,47.14,10\n\
             9.52,abc,10\n\
             9.52,47.14,-3\n\
             47.14,9.52,10\n\
             9.52,47.14,many\n\
             9.53,47.15,0\n\
             9.52,47.14,1.8e308\n\
             9.52,47.14,inf\n",
            inside.x, inside.y
        );
        let f = temp_file(".csv", &text);
        let (r, warnings) = read_population(f.path(), Crs::Wgs84, zones, extract.bbox)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(r.supplied);
        let counts: Vec<f64> = r.units.iter().map(|u| u.residents).collect();
        assert_eq!(counts, [1234.5, 10.0, 0.0]);
        assert_eq!(r.total(), 1244.5);
        assert!(r.units.iter().all(|u| u.basis == ResidentBasis::Supplied));
        assert_eq!(r.units[0].area, Some(z.id));
        let lines: Vec<usize> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [4, 5, 6, 7, 9, 10], "{warnings:?}");
        assert!(
            warnings[4].message.en().contains("1.8e308"),
            "{}",
            warnings[4]
        );
        assert!(
            warnings[0].message.en().contains("lat 'abc'"),
            "{}",
            warnings[0]
        );
        assert!(
            warnings[1].message.en().contains("negative"),
            "{}",
            warnings[1]
        );
        assert!(
            warnings[2].message.en().contains("outside"),
            "{}",
            warnings[2]
        );
        assert_eq!(
            r.units[1].source,
            Source::File {
                path: f.path().display().to_string(),
                line: 3
            }
        );

        // Missing columns and missing files are errors.
        let bad = temp_file(".csv", "x,y,name\n9.5,47.1,a\n");
        assert!(read_population(bad.path(), Crs::Wgs84, zones, extract.bbox).is_err());
        assert!(
            read_population(
                Path::new("/nonexistent/pop.csv"),
                Crs::Wgs84,
                zones,
                extract.bbox
            )
            .is_err()
        );
    }

    #[test]
    fn a_csv_district_column_names_the_district() {
        let (extract, zones) = demo();
        let text = "lon,lat,常住人口,街道\n9.52,47.14,10,新街口街道\n9.53,47.14,5,\n9.52,47.15,7,新街口街道\n";
        let f = temp_file(".csv", text);
        let (r, warnings) = read_population(f.path(), Crs::Wgs84, zones, extract.bbox)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(warnings.is_empty(), "{warnings:?}");
        let districts: Vec<Option<&str>> = r
            .units
            .iter()
            .map(|u| r.district_name(u.district))
            .collect();
        assert_eq!(districts, [Some("新街口街道"), None, Some("新街口街道")]);
        assert_eq!(r.districts.len(), 1);
        assert_eq!(r.per_district(), [17.0]);
        assert_eq!(r.total(), 22.0);
    }

    #[test]
    fn supplied_geojson_points_and_polygons() {
        let (extract, zones) = demo();
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"population":500},
           "geometry":{"type":"Polygon","coordinates":[[[9.50,47.10],[9.51,47.10],[9.51,47.11],[9.50,47.11],[9.50,47.10]]]}},
          {"type":"Feature","properties":{"count":"42"},
           "geometry":{"type":"Point","coordinates":[9.52,47.14]}},
          {"type":"Feature","properties":{"count":7},
           "geometry":{"type":"LineString","coordinates":[[9.52,47.14],[9.53,47.15]]}},
          {"type":"Feature","properties":{"name":"no count"},
           "geometry":{"type":"Point","coordinates":[9.52,47.14]}}
        ]}"#;
        let f = temp_file(".geojson", text);
        let (r, warnings) = read_population(f.path(), Crs::Wgs84, zones, extract.bbox)
            .unwrap_or_else(|e| panic!("{e}"));
        let counts: Vec<f64> = r.units.iter().map(|u| u.residents).collect();
        assert_eq!(counts, [500.0, 42.0]);
        let sq = square(9.50, 47.10, 0.01);
        assert!(sq.contains(&Point(r.units[0].location)));
        assert_eq!(r.units[1].location, Coord { x: 9.52, y: 47.14 });
        let lines: Vec<usize> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [3, 4], "{warnings:?}");
        assert!(warnings[0].message.en().contains("LineString"));
    }

    #[test]
    fn print_demo_totals() {
        let (extract, zones) = demo();
        let t = std::time::Instant::now();
        let r = estimate_residents(extract, zones, &ResidentOptions::default());
        let elapsed = t.elapsed();
        let n_buildings = r
            .units
            .iter()
            .filter(|u| u.basis == ResidentBasis::Building)
            .count();
        println!(
            "demo: {} buildings in OSM, {} residential areas, {} units ({} buildings, {} areas); residents from buildings {:.0}, from areas {:.0}, total {:.0}, outside residential areas {:.0}; {:?}",
            extract.areas_of(AreaKind::Building).count(),
            zones.zones.len(),
            r.units.len(),
            n_buildings,
            r.units.len() - n_buildings,
            r.total_of(ResidentBasis::Building),
            r.total_of(ResidentBasis::Area),
            r.total(),
            r.outside_areas(),
            elapsed
        );
    }

    /// 150,000 buildings × 300 areas: run with `--ignored --nocapture` to see the time.
    #[test]
    #[ignore = "timing probe"]
    fn scale_probe() {
        let mut extract = OsmExtract::demo();
        extract.areas.clear();
        for i in 0..300i64 {
            let (x, y) = (
                9.0 + (i % 20) as f64 * 0.012,
                47.0 + (i / 20) as f64 * 0.012,
            );
            extract.areas.push(Area {
                osm: OsmRef::Way(1_000_000 + i),
                kind: AreaKind::Residential,
                polygon: square(x, y, 0.01),
                tags: Tags::new([("landuse", "residential")]),
            });
        }
        for i in 0..150_000i64 {
            let (x, y) = (
                9.0 + (i % 500) as f64 * 0.00048,
                47.0 + (i / 500) as f64 * 0.0006,
            );
            extract.areas.push(Area {
                osm: OsmRef::Way(i),
                kind: AreaKind::Building,
                polygon: square(x, y, 0.0001),
                tags: Tags::new([("building", if i % 3 == 0 { "house" } else { "yes" })]),
            });
        }
        let zones = residential_zones(&extract);
        let t = std::time::Instant::now();
        let r = estimate_residents(&extract, &zones, &ResidentOptions::default());
        println!(
            "150k buildings × {} areas: {} units, {:?}",
            zones.zones.len(),
            r.units.len(),
            t.elapsed()
        );
    }
}

#[cfg(test)]
mod scale_tests {
    use super::*;

    #[test]
    fn scaling_keeps_the_distribution() {
        let extract = crate::osm::OsmExtract::demo();
        let areas = super::super::residential_zones(&extract);
        let mut r = estimate_residents(&extract, &areas, &ResidentOptions::default());
        let before: Vec<f64> = r.units.iter().map(|u| u.residents).collect();
        let total = r.total();
        r.scale_to(37_000.0);
        assert!((r.total() - 37_000.0).abs() < 1e-6);
        for (u, b) in r.units.iter().zip(before) {
            assert!((u.residents - b * 37_000.0 / total).abs() < 1e-9);
        }
    }
}
