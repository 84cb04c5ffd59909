//! Stage 1: `.osm.pbf` → [`OsmExtract`]. Decodes the file once (in parallel over blocks, see
//! `reader`) and keeps what the later stages need, with geometry resolved:
//!
//! - routable ways (`highway=*`) with the tags that decide access, direction and speed;
//! - areas: `landuse=industrial`, `landuse=residential` and `building=*`, from closed ways and
//!   `type=multipolygon` relations, holes kept (see `areas`);
//! - points of interest (nodes, ways and multipolygons with an `amenity`, `shop`, `tourism`, …
//!   key; ways and relations become a point on their surface), tags kept;
//! - bus stops (nodes only: `highway=bus_stop`, or `public_transport=platform|stop_position`
//!   with `bus=yes`) and `route=bus` relations with their ordered stops and ways.
//!
//! Unsupported: old-style multipolygons (tags on the outer way of an untagged relation are
//! read as a closed-way area only), nested relations, turn restrictions, history files.
//! Missing nodes or members (clipped extracts) are skipped and counted in [`ReadStats`].

mod areas;
pub mod mapdata;
mod reader;
pub mod tags;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use geo::{Coord, InteriorPoint, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;

pub use areas::{RingPart, assemble, join_rings};
pub use mapdata::MapData;
use reader::{MemberKind, RawData, RawNode, RawRelation, RawWay};
pub use tags::Tags;

use crate::error::{Error, Result};

/// The demo region embedded in the binary: Liechtenstein, 3 August 2013
/// (© OpenStreetMap contributors, ODbL 1.0; see `data/README.md`).
pub const DEMO_PBF: &[u8] = include_bytes!("../../data/liechtenstein-2013.osm.pbf");
/// The name under which the embedded demo region appears in outputs.
pub const DEMO_NAME: &str = "embedded demo: liechtenstein-2013.osm.pbf";

/// An OSM node id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OsmNodeId(pub i64);
/// An OSM way id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OsmWayId(pub i64);

/// A reference to any OSM element, printed as `node/1`, `way/2`, `relation/3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OsmRef {
    /// A node.
    Node(i64),
    /// A way.
    Way(i64),
    /// A relation.
    Relation(i64),
}

impl fmt::Display for OsmRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OsmRef::Node(id) => write!(f, "node/{id}"),
            OsmRef::Way(id) => write!(f, "way/{id}"),
            OsmRef::Relation(id) => write!(f, "relation/{id}"),
        }
    }
}

/// A `highway=*` way with its geometry resolved.
#[derive(Clone, Debug)]
pub struct HighwayWay {
    /// OSM id.
    pub id: OsmWayId,
    /// Node ids, in way order (missing nodes dropped).
    pub nodes: Vec<OsmNodeId>,
    /// Coordinates of `nodes`.
    pub coords: Vec<Coord>,
    /// Kept tags.
    pub tags: Tags,
}

/// What kind of area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AreaKind {
    /// `landuse=industrial`: a (future) industrial park.
    Industrial,
    /// `landuse=residential`: a living area.
    Residential,
    /// `building=*`.
    Building,
}

/// A polygonal feature.
#[derive(Clone, Debug)]
pub struct Area {
    /// Where it comes from.
    pub osm: OsmRef,
    /// Its kind.
    pub kind: AreaKind,
    /// Its polygons, holes kept.
    pub polygon: MultiPolygon,
    /// Kept tags.
    pub tags: Tags,
}

/// A point of interest.
#[derive(Clone, Debug)]
pub struct Poi {
    /// Where it comes from.
    pub osm: OsmRef,
    /// The node, or a point on the surface of the way or relation.
    pub location: Coord,
    /// Kept tags.
    pub tags: Tags,
}

/// A bus stop node.
#[derive(Clone, Debug)]
pub struct BusStop {
    /// OSM id.
    pub id: OsmNodeId,
    /// Location.
    pub location: Coord,
    /// Kept tags.
    pub tags: Tags,
}

/// A `route=bus` relation.
#[derive(Clone, Debug)]
pub struct BusRoute {
    /// OSM relation id.
    pub id: i64,
    /// Kept tags (`name`, `ref`, `interval`, …).
    pub tags: Tags,
    /// Stop and platform nodes in relation order (roles `stop*` and `platform*`).
    pub stops: Vec<RouteStop>,
    /// Member ways in relation order.
    pub ways: Vec<OsmWayId>,
    /// Members that are not in the file (clipped extract).
    pub missing_members: usize,
}

/// A stop or platform member of a bus route.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RouteStop {
    /// The node.
    pub node: OsmNodeId,
    /// Its location.
    pub location: Coord,
    /// `true` for a stop position on the road (role `stop*`), `false` for a platform.
    pub on_road: bool,
}

/// Counters of what was read and what was skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReadStats {
    /// Nodes in the file.
    pub nodes: u64,
    /// Ways in the file.
    pub ways: u64,
    /// Relations in the file.
    pub relations: u64,
    /// Way node references to nodes that are not in the file (dropped).
    pub missing_node_refs: u64,
    /// Area rings that could not be closed, or holes outside any outer ring.
    pub broken_rings: u64,
    /// Relation members that are not in the file.
    pub missing_members: u64,
    /// Why the header's bounding box was not used (inverted, or far from the nodes), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox_warning: Option<String>,
}

/// Everything the pipeline needs from one `.osm.pbf`.
#[derive(Clone, Debug)]
pub struct OsmExtract {
    /// The file read (or [`DEMO_NAME`]).
    pub source: PathBuf,
    /// `[min_lon, min_lat, max_lon, max_lat]`: the header's box, else the nodes' extent.
    pub bbox: [f64; 4],
    /// Routable ways.
    pub highways: Vec<HighwayWay>,
    /// Industrial, residential and building areas.
    pub areas: Vec<Area>,
    /// Points of interest.
    pub pois: Vec<Poi>,
    /// Bus stop nodes.
    pub bus_stops: Vec<BusStop>,
    /// Bus route relations.
    pub bus_routes: Vec<BusRoute>,
    /// Water, railways and named places, for the report's maps.
    pub map: MapData,
    /// When the data was current, seconds since 1970: the header's replication timestamp or
    /// the newest way edit, whichever is later (`None` for files without metadata).
    pub data_time_s: Option<i64>,
    /// Counters.
    pub stats: ReadStats,
}

impl OsmExtract {
    /// The data's date as `YYYY-MM-DD`, if known.
    pub fn data_date(&self) -> Option<String> {
        let days = self.data_time_s?.div_euclid(86_400);
        // Days since 1970-01-01 to a civil date (Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Some(format!("{year:04}-{month:02}-{day:02}"))
    }

    /// Reads a `.osm.pbf` file.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be opened, [`Error::Pbf`] when it is not a complete
    /// PBF file.
    pub fn from_pbf(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|cause| Error::Io {
            path: path.to_path_buf(),
            action: crate::error::IoAction::Read,
            cause,
        })?;
        Self::from_reader(std::io::BufReader::with_capacity(1 << 20, file), path)
    }

    /// Reads the embedded demo region.
    pub fn demo() -> Self {
        Self::from_reader(DEMO_PBF, Path::new(DEMO_NAME))
            .expect("the embedded demo region is a valid PBF")
    }

    /// Reads a PBF stream; `path` names it in errors and outputs.
    pub fn from_reader<R: Read + Send>(reader: R, path: &Path) -> Result<Self> {
        let raw = reader::read_raw(reader, path)?;
        Ok(interpret(raw, path))
    }

    /// Areas of one kind.
    pub fn areas_of(&self, kind: AreaKind) -> impl Iterator<Item = &Area> {
        self.areas.iter().filter(move |a| a.kind == kind)
    }
}

/// Node coordinates sorted by id, looked up through a bucket table (ids >> shift → first
/// index) and a binary search inside the bucket: a few cache lines per lookup instead of ~20.
struct NodeIndex<'a> {
    nodes: &'a [(i64, i32, i32)],
    min_id: i64,
    shift: u32,
    bucket_start: Vec<u32>,
}

impl<'a> NodeIndex<'a> {
    fn new(nodes: &'a [(i64, i32, i32)]) -> Self {
        let (Some(first), Some(last)) = (nodes.first(), nodes.last()) else {
            return NodeIndex {
                nodes,
                min_id: 0,
                shift: 0,
                bucket_start: vec![0, 0],
            };
        };
        let span = (last.0 - first.0) as u64;
        // About two nodes per bucket where ids are dense; at most 4 M buckets where sparse.
        let target = (nodes.len() as u64 / 2).clamp(1, 1 << 22);
        let shift = (span / target).checked_ilog2().map_or(0, |s| s + 1);
        let n_buckets = (span >> shift) as usize + 1;
        let mut bucket_start = vec![0u32; n_buckets + 1];
        for &(id, _, _) in nodes {
            bucket_start[((id - first.0) as u64 >> shift) as usize + 1] += 1;
        }
        for i in 0..n_buckets {
            bucket_start[i + 1] += bucket_start[i];
        }
        NodeIndex {
            nodes,
            min_id: first.0,
            shift,
            bucket_start,
        }
    }

    fn get(&self, id: i64) -> Option<Coord> {
        let offset = u64::try_from(id - self.min_id).ok()?;
        let b = usize::try_from(offset >> self.shift).ok()?;
        if b + 1 >= self.bucket_start.len() {
            return None;
        }
        let bucket = &self.nodes[self.bucket_start[b] as usize..self.bucket_start[b + 1] as usize];
        let i = bucket.binary_search_by_key(&id, |n| n.0).ok()?;
        let (_, lon, lat) = bucket[i];
        Some(Coord {
            x: f64::from(lon) * 1e-7,
            y: f64::from(lat) * 1e-7,
        })
    }

    /// Resolves node refs; missing nodes are dropped and counted.
    fn resolve(&self, refs: &[i64]) -> (RingPart, u64) {
        let mut part = RingPart {
            ids: Vec::with_capacity(refs.len()),
            coords: Vec::with_capacity(refs.len()),
        };
        let mut missing = 0;
        for &id in refs {
            match self.get(id) {
                Some(c) => {
                    part.ids.push(id);
                    part.coords.push(c);
                }
                None => missing += 1,
            }
        }
        (part, missing)
    }
}

fn find_way(ways: &[RawWay], id: i64) -> Option<&RawWay> {
    ways.binary_search_by_key(&id, |w| w.id)
        .ok()
        .map(|i| &ways[i])
}

/// A point on the surface of a polygon, falling back to its first vertex.
fn surface_point(mp: &MultiPolygon) -> Option<Coord> {
    mp.interior_point()
        .map(|p| p.0)
        .or_else(|| mp.0.first().map(|p| p.exterior().0[0]))
}

/// Per-element interpretation result, merged in file order.
#[derive(Default)]
struct Parts {
    highways: Vec<HighwayWay>,
    areas: Vec<Area>,
    pois: Vec<Poi>,
    map: MapData,
    missing_node_refs: u64,
    broken_rings: u64,
}

/// The region's box: the header's when it is sane, else the nodes' extent with a warning (an
/// inverted header box, or one that misses the nodes or is far larger than they are).
fn region_bbox(header: Option<[f64; 4]>, nodes: &[(i64, i32, i32)]) -> ([f64; 4], Option<String>) {
    let extent = nodes.iter().fold(
        [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
        |b, &(_, lon, lat)| {
            let (x, y) = (f64::from(lon) * 1e-7, f64::from(lat) * 1e-7);
            [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
        },
    );
    let Some(h) = header else {
        return (extent, None);
    };
    let show = |b: [f64; 4]| format!("{:.4},{:.4} – {:.4},{:.4}", b[0], b[1], b[2], b[3]);
    if !(h[0] <= h[2] && h[1] <= h[3]) {
        let w = format!(
            "the file header's bounding box {} is inverted; using the nodes' extent",
            show(h)
        );
        return (if nodes.is_empty() { h } else { extent }, Some(w));
    }
    if nodes.is_empty() {
        return (h, None);
    }
    // Extracts keep complete ways, so nodes often reach well beyond the header's box (0.26°
    // in Liechtenstein): only a box that misses the nodes altogether, or is 100× wider and
    // taller than they are, is wrong.
    let span = |b: [f64; 4]| ((b[2] - b[0]).max(1e-3), (b[3] - b[1]).max(1e-3));
    let ((hw, hh), (ew, eh)) = (span(h), span(extent));
    let misses = extent[2] < h[0] || extent[0] > h[2] || extent[3] < h[1] || extent[1] > h[3];
    if misses || (hw > 100.0 * ew && hh > 100.0 * eh) {
        let w = format!(
            "the file header's bounding box {} disagrees with the nodes' extent {}; using the nodes' extent",
            show(h),
            show(extent)
        );
        return (extent, Some(w));
    }
    (h, None)
}

/// Interprets the decoded elements in named steps: ways and multipolygons (in parallel,
/// merged in file order), tagged nodes, bus routes, then the region's box.
fn interpret(raw: RawData, path: &Path) -> OsmExtract {
    let nodes = NodeIndex::new(&raw.node_coords);
    let way_parts: Vec<Parts> = raw
        .ways
        .par_iter()
        .map(|w| interpret_way(w, &nodes))
        .collect();
    let relation_parts: Vec<Parts> = raw
        .relations
        .par_iter()
        .filter(|r| tags::is_multipolygon(&r.tags))
        .map(|r| interpret_multipolygon(r, &raw.ways, &nodes))
        .collect();

    let mut stats = ReadStats {
        nodes: raw.counts[0],
        ways: raw.counts[1],
        relations: raw.counts[2],
        ..ReadStats::default()
    };
    let (mut highways, mut areas, mut pois) = (Vec::new(), Vec::new(), Vec::new());
    let mut map = MapData::default();
    for p in way_parts.into_iter().chain(relation_parts) {
        map.extend(p.map);
        highways.extend(p.highways);
        areas.extend(p.areas);
        pois.extend(p.pois);
        stats.missing_node_refs += p.missing_node_refs;
        stats.broken_rings += p.broken_rings;
    }
    let bus_stops = interpret_tagged_nodes(&raw.tagged_nodes, &mut pois, &mut map);
    let bus_routes = interpret_bus_routes(&raw, &nodes, &mut stats);
    stats.missing_members += missing_multipolygon_members(&raw);

    let (bbox, bbox_warning) = region_bbox(raw.header_bbox, &raw.node_coords);
    stats.bbox_warning = bbox_warning;
    OsmExtract {
        source: path.to_path_buf(),
        bbox,
        highways,
        areas,
        pois,
        bus_stops,
        bus_routes,
        map,
        stats,
        data_time_s: raw.data_time_s,
    }
}

/// One multipolygon relation: its polygon as water, an area and a POI, as its tags say.
fn interpret_multipolygon(r: &RawRelation, ways: &[RawWay], nodes: &NodeIndex<'_>) -> Parts {
    let mut out = Parts::default();
    let (mut outer, mut inner) = (Vec::new(), Vec::new());
    for m in r.members.iter().filter(|m| m.kind == MemberKind::Way) {
        // Missing members are counted with the other relation members below.
        let Some(way) = find_way(ways, m.id) else {
            continue;
        };
        let (part, missing) = nodes.resolve(&way.refs);
        out.missing_node_refs += missing;
        if &*m.role == "inner" {
            inner.push(part)
        } else {
            outer.push(part)
        }
    }
    let (polygon, broken) = assemble(&outer, &inner);
    out.broken_rings += broken as u64;
    if let Some(polygon) = polygon {
        let osm = OsmRef::Relation(r.id);
        if mapdata::is_water_area(&r.tags) {
            out.map.water_areas.push(polygon.clone());
        }
        if let Some(kind) = tags::area_kind(&r.tags) {
            out.areas.push(Area {
                osm,
                kind,
                polygon: polygon.clone(),
                tags: r.tags.clone(),
            });
        }
        if tags::is_poi(&r.tags)
            && let Some(location) = surface_point(&polygon)
        {
            out.pois.push(Poi {
                osm,
                location,
                tags: r.tags.clone(),
            });
        }
    }
    out
}

/// Tagged nodes: POIs and place names are added to `pois` and `map`; the bus stops returned.
fn interpret_tagged_nodes(
    tagged_nodes: &[RawNode],
    pois: &mut Vec<Poi>,
    map: &mut MapData,
) -> Vec<BusStop> {
    let mut bus_stops = Vec::new();
    for n in tagged_nodes {
        let location = Coord { x: n.lon, y: n.lat };
        if tags::is_poi(&n.tags) {
            pois.push(Poi {
                osm: OsmRef::Node(n.id),
                location,
                tags: n.tags.clone(),
            });
        }
        map.places.extend(mapdata::place_node(&n.tags, location));
        if tags::is_bus_stop(&n.tags) {
            bus_stops.push(BusStop {
                id: OsmNodeId(n.id),
                location,
                tags: n.tags.clone(),
            });
        }
    }
    bus_stops
}

/// `route=bus` relations with their stops and ways; members missing from the extract are
/// counted in `stats`.
fn interpret_bus_routes(
    raw: &RawData,
    nodes: &NodeIndex<'_>,
    stats: &mut ReadStats,
) -> Vec<BusRoute> {
    let mut bus_routes = Vec::new();
    for r in raw.relations.iter().filter(|r| tags::is_bus_route(&r.tags)) {
        let mut route = BusRoute {
            id: r.id,
            tags: r.tags.clone(),
            stops: Vec::new(),
            ways: Vec::new(),
            missing_members: 0,
        };
        for m in &r.members {
            match m.kind {
                MemberKind::Node
                    if m.role.starts_with("stop") || m.role.starts_with("platform") =>
                {
                    match nodes.get(m.id) {
                        Some(location) => route.stops.push(RouteStop {
                            node: OsmNodeId(m.id),
                            location,
                            on_road: m.role.starts_with("stop"),
                        }),
                        None => route.missing_members += 1,
                    }
                }
                MemberKind::Way if find_way(&raw.ways, m.id).is_some() => {
                    route.ways.push(OsmWayId(m.id))
                }
                MemberKind::Way => route.missing_members += 1,
                _ => {}
            }
        }
        stats.missing_members += route.missing_members as u64;
        bus_routes.push(route);
    }
    bus_routes
}

/// Way members of multipolygon relations that are missing from the extract.
fn missing_multipolygon_members(raw: &RawData) -> u64 {
    raw.relations
        .iter()
        .filter(|r| tags::is_multipolygon(&r.tags))
        .map(|r| {
            r.members
                .iter()
                .filter(|m| m.kind == MemberKind::Way && find_way(&raw.ways, m.id).is_none())
                .count() as u64
        })
        .sum()
}

fn interpret_way(w: &RawWay, nodes: &NodeIndex<'_>) -> Parts {
    let mut out = Parts::default();
    if w.tags.is_empty() {
        return out;
    }
    let is_highway = w.tags.has("highway");
    let kind = tags::area_kind(&w.tags);
    let poi = tags::is_poi(&w.tags);
    let on_map = mapdata::is_map_way(&w.tags);
    if !is_highway && kind.is_none() && !poi && !on_map {
        return out;
    }
    let (part, missing) = nodes.resolve(&w.refs);
    out.missing_node_refs = missing;
    let closed = areas::is_closed(&part.ids);
    let polygon = closed.then(|| {
        MultiPolygon(vec![Polygon::new(
            LineString::new(part.coords.clone()),
            vec![],
        )])
    });
    if let Some(kind) = kind {
        match &polygon {
            Some(polygon) => out.areas.push(Area {
                osm: OsmRef::Way(w.id),
                kind,
                polygon: polygon.clone(),
                tags: w.tags.clone(),
            }),
            None => out.broken_rings += 1,
        }
    }
    if on_map {
        out.map = mapdata::from_way(&w.tags, &part.coords, polygon.as_ref());
    }
    if poi {
        let location = match &polygon {
            Some(p) => surface_point(p),
            None => part.coords.get(part.coords.len() / 2).copied(),
        };
        if let Some(location) = location {
            out.pois.push(Poi {
                osm: OsmRef::Way(w.id),
                location,
                tags: w.tags.clone(),
            });
        }
    }
    if is_highway && part.ids.len() >= 2 {
        out.highways.push(HighwayWay {
            id: OsmWayId(w.id),
            nodes: part.ids.into_iter().map(OsmNodeId).collect(),
            coords: part.coords,
            tags: w.tags.clone(),
        });
    }
    out
}
