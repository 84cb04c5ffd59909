//! Stage 4: [`OsmExtract`] → the places the analysis is about: zones (industrial parks or
//! residential areas) and amenities (facilities sorted into the categories of an
//! [`AmenityProfile`]).
//!
//! Parks are `landuse=industrial` areas merged when they touch or lie within
//! [`ParkOptions::merge_distance_m`] of each other; merged parks smaller than
//! [`ParkOptions::min_area_ha`] are ignored and counted. A planner may give parks as GeoJSON
//! instead (`import::read_zones_geojson`). Amenities come from OSM points of interest,
//! buildings and bus stops whose tags match a category, plus any planner's file
//! (`import::read_pois`).

pub mod crs;
pub mod datum;
pub mod demand;
pub mod districts;
pub mod import;
pub mod misplaced;
pub mod names;
pub mod profile;
pub mod raster;
pub mod residents;
pub mod stops;
pub mod text;

use geo::{BooleanOps, Coord, Distance, Euclidean, InteriorPoint, MultiPolygon};

pub use profile::{AmenityProfile, Category, ZoneKind};

use crate::geom::{LocalProjection, clip_to_bbox, ring_contains};
use crate::osm::{AreaKind, OsmExtract, OsmRef, Tags};

/// A dense zone index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ZoneId(pub u32);

/// A dense amenity index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct AmenityId(pub u32);

/// Where a zone or amenity comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// OSM elements.
    Osm(Vec<OsmRef>),
    /// A planner's file, at a (1-based) line or feature number.
    File {
        /// The file.
        path: String,
        /// Line (CSV) or feature number (GeoJSON), 1-based.
        line: usize,
    },
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Osm(refs) => {
                let names: Vec<String> = refs.iter().map(ToString::to_string).collect();
                f.write_str(&names.join(" "))
            }
            Source::File { path, line } => write!(f, "{path}:{line}"),
        }
    }
}

/// An area the analysis reports on: an industrial park or a residential area.
#[derive(Clone, Debug)]
pub struct Zone {
    /// Dense id.
    pub id: ZoneId,
    /// Short code for tables: `P1`, `P2`, … for parks, `R1`, … for residential areas.
    pub code: String,
    /// Name (from OSM or the planner's file, else "Industrial area N").
    pub name: String,
    /// Outline, lon/lat.
    pub polygon: MultiPolygon,
    /// Area, hectares.
    pub area_ha: f64,
    /// Where it comes from.
    pub source: Source,
    /// Its gates (park entrances), lon/lat: when there are any, the park is entered only
    /// there, and they are its access points instead of the roads in or near its outline.
    pub gates: Vec<Coord>,
}

/// Options for finding parks in OSM.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParkOptions {
    /// Industrial areas closer than this are one park, metres.
    pub merge_distance_m: f64,
    /// Parks smaller than this are ignored, hectares.
    pub min_area_ha: f64,
}

impl Default for ParkOptions {
    fn default() -> Self {
        ParkOptions {
            merge_distance_m: 100.0,
            min_area_ha: 1.0,
        }
    }
}

/// Zones and what was left out finding them.
#[derive(Clone, Debug)]
pub struct Zones {
    /// What kind of zones.
    pub kind: ZoneKind,
    /// The zones.
    pub zones: Vec<Zone>,
    /// Areas (after merging) below the minimum size, ignored.
    pub too_small: usize,
    /// What was repaired or dropped reading them from a planner's file, one line each.
    pub notes: Vec<String>,
}

impl Zones {
    /// The zone with this code (`P1`) or name, ignoring ASCII case.
    pub fn find(&self, code_or_name: &str) -> Option<&Zone> {
        let key = code_or_name.trim();
        self.zones
            .iter()
            .find(|z| z.code.eq_ignore_ascii_case(key) || z.name.eq_ignore_ascii_case(key))
    }

    /// `P1 (name), P2 (name), …` for error messages.
    pub fn listing(&self) -> String {
        let known: Vec<String> = self
            .zones
            .iter()
            .map(|z| format!("{} ({})", z.code, z.name))
            .collect();
        known.join(", ")
    }
}

fn area_ha(mp: &MultiPolygon) -> f64 {
    crate::geom::area_m2(mp) / 10_000.0
}

fn project(proj: &LocalProjection, mp: &MultiPolygon) -> MultiPolygon {
    use geo::MapCoords;
    mp.map_coords(|c| {
        let [x, y] = proj.project(c);
        Coord { x, y }
    })
}

/// Distance between two projected multipolygons, 0 when they overlap.
fn gap_m(a: &MultiPolygon, b: &MultiPolygon) -> f64 {
    let mut best = f64::INFINITY;
    for pa in &a.0 {
        for pb in &b.0 {
            if ring_contains(&pa.exterior().0, pb.exterior().0[0])
                || ring_contains(&pb.exterior().0, pa.exterior().0[0])
            {
                return 0.0;
            }
            best = best.min(Euclidean.distance(pa, pb));
        }
    }
    best
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    let mut i = i;
    while parent[i] != r {
        let next = parent[i];
        parent[i] = r;
        i = next;
    }
    r
}

/// Industrial parks from `landuse=industrial` areas.
pub fn find_parks(extract: &OsmExtract, options: &ParkOptions) -> Zones {
    // An area drawn beyond the region (one hostile way can span a continent) is cut to it.
    let (areas, polygons): (Vec<_>, Vec<MultiPolygon>) = extract
        .areas_of(AreaKind::Industrial)
        .map(|a| (a, clip_to_bbox(&a.polygon, extract.bbox)))
        .filter(|(_, p)| !p.0.is_empty())
        .unzip();
    let proj = LocalProjection::new(extract_centre(extract));
    let projected: Vec<MultiPolygon> = polygons.iter().map(|p| project(&proj, p)).collect();
    let boxes: Vec<geo::Rect> = projected
        .iter()
        .filter_map(geo::BoundingRect::bounding_rect)
        .collect();
    let mut parent: Vec<usize> = (0..areas.len()).collect();
    let d = options.merge_distance_m;
    for i in 0..areas.len() {
        for j in i + 1..areas.len() {
            let (a, b) = (boxes[i], boxes[j]);
            let apart = a.max().x + d < b.min().x
                || b.max().x + d < a.min().x
                || a.max().y + d < b.min().y
                || b.max().y + d < a.min().y;
            if !apart && gap_m(&projected[i], &projected[j]) <= d {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                parent[ri.max(rj)] = ri.min(rj);
            }
        }
    }
    let mut clusters: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..areas.len() {
        let r = find(&mut parent, i);
        clusters.entry(r).or_default().push(i);
    }
    // Order parks by their first OSM element, so numbering is stable.
    let mut groups: Vec<Vec<usize>> = clusters.into_values().collect();
    for g in &mut groups {
        g.sort_by_key(|&i| areas[i].osm);
    }
    groups.sort_by_key(|g| areas[g[0]].osm);
    let mut zones = Vec::new();
    let mut too_small = 0;
    for g in groups {
        let polygon = if g.len() == 1 {
            polygons[g[0]].clone()
        } else {
            g.iter()
                .skip(1)
                .fold(polygons[g[0]].clone(), |acc, &i| acc.union(&polygons[i]))
        };
        let ha = area_ha(&polygon);
        if ha < options.min_area_ha {
            too_small += 1;
            continue;
        }
        // Name: the park's own name, else that of its largest named member.
        let name = g
            .iter()
            .filter_map(|&i| areas[i].tags.name().map(|n| (area_ha(&polygons[i]), n)))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| n.to_string());
        let n = zones.len() + 1;
        zones.push(Zone {
            id: ZoneId(zones.len() as u32),
            code: format!("P{n}"),
            name: name.unwrap_or_else(|| crate::lang::generic_park_name(n)),
            polygon,
            area_ha: ha,
            source: Source::Osm(g.iter().map(|&i| areas[i].osm).collect()),
            gates: Vec::new(),
        });
    }
    Zones {
        kind: ZoneKind::Parks,
        zones,
        too_small,
        notes: Vec::new(),
    }
}

/// Residential areas (`landuse=residential`), one zone each.
pub fn residential_zones(extract: &OsmExtract) -> Zones {
    let mut areas: Vec<_> = extract
        .areas_of(AreaKind::Residential)
        .map(|a| (a, clip_to_bbox(&a.polygon, extract.bbox)))
        .filter(|(_, p)| !p.0.is_empty())
        .collect();
    areas.sort_by_key(|(a, _)| a.osm);
    let zones = areas
        .iter()
        .enumerate()
        .map(|(i, (a, polygon))| Zone {
            id: ZoneId(i as u32),
            code: format!("R{}", i + 1),
            name: a.tags.name().map_or_else(
                || crate::lang::generic_residential_name(i + 1),
                str::to_string,
            ),
            area_ha: area_ha(polygon),
            polygon: polygon.clone(),
            source: Source::Osm(vec![a.osm]),
            gates: Vec::new(),
        })
        .collect();
    Zones {
        kind: ZoneKind::Residential,
        zones,
        too_small: 0,
        notes: Vec::new(),
    }
}

fn extract_centre(extract: &OsmExtract) -> Coord {
    let [a, b, c, d] = extract.bbox;
    Coord {
        x: (a + c) / 2.0,
        y: (b + d) / 2.0,
    }
}

/// A facility of one category.
#[derive(Clone, Debug)]
pub struct Amenity {
    /// Dense id.
    pub id: AmenityId,
    /// Index into the profile's categories.
    pub category: usize,
    /// Name, when known.
    pub name: Option<String>,
    /// Location, WGS-84.
    pub location: Coord,
    /// Where it comes from.
    pub source: Source,
}

/// Amenities of a profile from the OSM extract: every point of interest, building and bus
/// stop whose tags match a category (one amenity per matching category). Ordered by OSM
/// element, then category.
pub fn osm_amenities(extract: &OsmExtract, profile: &AmenityProfile) -> Vec<Amenity> {
    let mut features: Vec<(OsmRef, Coord, &Tags)> = Vec::new();
    features.extend(extract.pois.iter().map(|p| (p.osm, p.location, &p.tags)));
    features.extend(
        extract
            .areas_of(AreaKind::Building)
            .filter_map(|a| a.polygon.interior_point().map(|p| (a.osm, p.0, &a.tags))),
    );
    features.extend(
        extract
            .bus_stops
            .iter()
            .map(|s| (OsmRef::Node(s.id.0), s.location, &s.tags)),
    );
    features.sort_by_key(|f| f.0);
    features.dedup_by_key(|f| f.0);
    let mut out = Vec::new();
    for (osm, location, tags) in features {
        for (category, c) in profile.categories.iter().enumerate() {
            if c.matches(tags) {
                out.push(Amenity {
                    id: AmenityId(out.len() as u32),
                    category,
                    name: tags.name().map(str::to_string),
                    location,
                    source: Source::Osm(vec![osm]),
                });
            }
        }
    }
    out
}

/// The zones a profile evaluates: the parks in `parks_file` (outlines in the given CRS) when
/// given, else the profile's kind of zone from OSM.
///
/// # Errors
/// [`crate::Error::NoZones`] when there is none; file errors from [`import::read_zones_geojson`].
pub fn select_zones(
    extract: &OsmExtract,
    kind: ZoneKind,
    parks_file: Option<(&std::path::Path, crs::Crs)>,
    options: &ParkOptions,
) -> crate::Result<Zones> {
    let zones = match (parks_file, kind) {
        (Some((path, crs)), kind) => import::read_zones_geojson(path, kind, crs, extract.bbox)?,
        (None, ZoneKind::Parks) => find_parks(extract, options),
        (None, ZoneKind::Residential) => residential_zones(extract),
    };
    if zones.zones.is_empty() {
        let what = match kind {
            ZoneKind::Parks => format!(
                "industrial areas (landuse=industrial) of at least {} ha{}",
                options.min_area_ha,
                if zones.too_small > 0 {
                    format!(" ({} smaller ones ignored)", zones.too_small)
                } else {
                    String::new()
                }
            ),
            ZoneKind::Residential => "residential areas (landuse=residential)".into(),
        };
        return Err(crate::Error::NoZones {
            path: extract.source.clone(),
            what,
        });
    }
    Ok(zones)
}
