//! The `serve` page's basemap, drawn from the same OSM extract as the plan so that the page
//! needs nothing from another host: roads by class with their names, water areas and
//! waterways, surface railways, buildings and named places, answered as one GeoJSON
//! FeatureCollection per view (`GET /api/basemap?bbox=w,s,e,n&zoom=z`).
//!
//! Built once per region: every feature gets the zoom from which it is drawn (a road by its
//! class, water by its size, buildings from zoom 15, places by their `place=*` rank) and goes
//! into the R-tree of that zoom, so a query at a low zoom never visits minor roads or
//! buildings, and a query for a small box visits only what touches it. Lines are cut to the
//! view (plus a margin), polygons larger than the view are clipped to it, and both are
//! simplified to half a screen pixel at the requested zoom; vertices are rounded to 6 decimals
//! (~0.1 m). Each feature's properties: `layer` (`water`, `waterway`, `building`, `road`,
//! `rail`, `place`), `class`, and `name` with `name_en` / `name_zh` when the OSM data has a
//! different name in that language. Features come in drawing order: water, waterways,
//! buildings, roads from minor to major, railways, places.

use std::collections::BTreeMap;

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect, Simplify};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use serde_json::{Value, json};

use crate::osm::{AreaKind, OsmExtract, Tags};
use crate::report::round;

/// Road classes drawn and the zoom from which each is drawn, minor first (drawing order).
#[rustfmt::skip]
const ROAD_CLASSES: &[(&str, u8)] = &[
    ("steps", 16), ("footway", 15), ("path", 15), ("cycleway", 15), ("bridleway", 15),
    ("track", 14), ("service", 14), ("pedestrian", 14), ("living_street", 13),
    ("residential", 13), ("unclassified", 13), ("road", 13), ("tertiary_link", 13),
    ("tertiary", 12), ("secondary_link", 12), ("secondary", 11), ("primary_link", 11),
    ("primary", 9), ("trunk_link", 10), ("trunk", 0), ("motorway_link", 10), ("motorway", 0),
];
/// `place=*` values and the zoom from which each is drawn; other values from zoom 15.
#[rustfmt::skip]
const PLACE_ZOOMS: &[(&str, u8)] = &[
    ("city", 0), ("town", 9), ("district", 11), ("borough", 11), ("suburb", 11),
    ("village", 11), ("quarter", 12), ("neighbourhood", 13), ("hamlet", 13), ("locality", 14),
];
/// Railways are drawn from this zoom.
const RAIL_ZOOM: u8 = 10;
/// Buildings are drawn from this zoom.
const BUILDING_ZOOM: u8 = 15;
/// Water (areas and waterways) is drawn once it is this many pixels across.
const WATER_MIN_PX: f64 = 8.0;
/// The largest zoom a size-based feature waits for.
const MAX_SIZE_ZOOM: u8 = 16;
/// The largest zoom a query is answered at (higher zooms are treated as this one).
pub const MAX_ZOOM: u8 = 22;
/// Lines and polygons are cut to the view enlarged by this share of its size on every side,
/// so that a line leaving the view is drawn to the edge.
const VIEW_MARGIN: f64 = 0.1;
/// Simplification tolerance in screen pixels.
const TOLERANCE_PX: f64 = 0.5;

/// Which basemap layer a feature belongs to, in drawing order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Water,
    Waterway,
    Building,
    Road,
    Rail,
    Place,
}

impl Layer {
    fn key(self) -> &'static str {
        match self {
            Layer::Water => "water",
            Layer::Waterway => "waterway",
            Layer::Building => "building",
            Layer::Road => "road",
            Layer::Rail => "rail",
            Layer::Place => "place",
        }
    }
}

/// A feature's geometry.
#[derive(Clone, Debug)]
enum Shape {
    Line(LineString),
    Area(MultiPolygon),
    Point(Coord),
}

/// One basemap feature.
#[derive(Clone, Debug)]
struct Feature {
    layer: Layer,
    class: Box<str>,
    /// `name`, `name:en`, `name:zh`.
    names: [Option<Box<str>>; 3],
    shape: Shape,
    min_zoom: u8,
}

/// A feature's box in the index, with the feature's id.
type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// One R-tree per zoom from which its features are drawn.
#[derive(Debug)]
struct Tier {
    min_zoom: u8,
    tree: RTree<Entry>,
}

/// The basemap of a region, indexed for view queries (see the module docs).
#[derive(Debug)]
pub struct Basemap {
    features: Vec<Feature>,
    tiers: Vec<Tier>,
}

/// What a query asks for: the box (lon/lat), the box lines are cut to, and the tolerance.
struct View {
    envelope: AABB<[f64; 2]>,
    clip: Rect,
    tolerance_deg: f64,
}

impl View {
    fn new(bbox: [f64; 4], zoom: u8) -> Option<View> {
        let [w, s, e, n] = bbox;
        if !bbox.iter().all(|v| v.is_finite()) || w > e || s > n {
            return None;
        }
        let (mx, my) = ((e - w) * VIEW_MARGIN, (n - s) * VIEW_MARGIN);
        Some(View {
            envelope: AABB::from_corners([w, s], [e, n]),
            clip: Rect::new(
                Coord {
                    x: w - mx,
                    y: s - my,
                },
                Coord {
                    x: e + mx,
                    y: n + my,
                },
            ),
            tolerance_deg: TOLERANCE_PX * degrees_per_px(zoom.min(MAX_ZOOM)),
        })
    }
}

/// Degrees of longitude per screen pixel at `zoom` (256-pixel Web Mercator tiles).
fn degrees_per_px(zoom: u8) -> f64 {
    360.0 / (256.0 * 2f64.powi(i32::from(zoom)))
}

/// The smallest zoom at which something `size_deg` across is `min_px` pixels, capped.
fn zoom_for_size(size_deg: f64, min_px: f64) -> u8 {
    if size_deg.is_nan() || size_deg <= 0.0 {
        return MAX_SIZE_ZOOM;
    }
    let z = (min_px * degrees_per_px(0) / size_deg).log2().ceil();
    z.clamp(0.0, f64::from(MAX_SIZE_ZOOM)) as u8
}

/// The larger side of a box, degrees.
fn size_deg(r: Rect) -> f64 {
    r.width().max(r.height())
}

/// `name`, `name:en`, `name:zh` of an element.
fn names_of(tags: &Tags) -> [Option<Box<str>>; 3] {
    ["name", "name:en", "name:zh"]
        .map(|k| tags.get(k).filter(|n| !n.trim().is_empty()).map(Box::from))
}

impl Basemap {
    /// Collects and indexes the basemap of `extract` (see the module docs for what is drawn
    /// from which zoom). Linear in the extract's size; the roads' geometry is copied.
    pub fn new(extract: &OsmExtract) -> Basemap {
        let mut features = Vec::new();
        let map = &extract.map;
        for area in &map.water_areas {
            let Some(r) = area.bounding_rect() else {
                continue;
            };
            features.push(Feature {
                layer: Layer::Water,
                class: "water".into(),
                names: [None, None, None],
                shape: Shape::Area(area.clone()),
                min_zoom: zoom_for_size(size_deg(r), WATER_MIN_PX),
            });
        }
        for w in &map.waterways {
            let Some(r) = w.line.bounding_rect() else {
                continue;
            };
            features.push(Feature {
                layer: Layer::Waterway,
                class: "river".into(),
                names: [w.name.clone(), None, None],
                shape: Shape::Line(w.line.clone()),
                min_zoom: zoom_for_size(size_deg(r), WATER_MIN_PX * 4.0),
            });
        }
        for b in extract.areas_of(AreaKind::Building) {
            features.push(Feature {
                layer: Layer::Building,
                class: "building".into(),
                names: [None, None, None],
                shape: Shape::Area(b.polygon.clone()),
                min_zoom: BUILDING_ZOOM,
            });
        }
        features.extend(roads(extract));
        for r in &map.railways {
            features.push(Feature {
                layer: Layer::Rail,
                class: "rail".into(),
                names: [r.name.clone(), None, None],
                shape: Shape::Line(r.line.clone()),
                min_zoom: RAIL_ZOOM,
            });
        }
        for p in &map.places {
            let zoom = PLACE_ZOOMS
                .iter()
                .find(|(k, _)| **k == *p.kind)
                .map_or(15, |&(_, z)| z);
            features.push(Feature {
                layer: Layer::Place,
                class: p.kind.clone(),
                names: names_of(&p.tags),
                shape: Shape::Point(p.location),
                min_zoom: zoom,
            });
        }
        let tiers = index(&features);
        Basemap { features, tiers }
    }

    /// How many features the basemap holds.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Whether the basemap has no feature at all.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// The features drawn at `zoom` (0–22; more is read as 22) that touch `bbox`
    /// (`[west, south, east, north]`, degrees), as a GeoJSON FeatureCollection in drawing
    /// order, lines cut and polygons clipped to the box plus a margin, simplified to half a
    /// pixel. A non-finite or inverted box gives an empty collection.
    pub fn features(&self, bbox: [f64; 4], zoom: u8) -> Value {
        let Some(view) = View::new(bbox, zoom) else {
            return json!({ "type": "FeatureCollection", "features": [] });
        };
        let ids = self.ids_in(&view, zoom);
        let features: Vec<Value> = ids
            .iter()
            .filter_map(|&i| self.features[i as usize].to_geojson(&view))
            .collect();
        json!({ "type": "FeatureCollection", "features": features })
    }
}

impl Basemap {
    /// The ids of the features drawn at `zoom` whose boxes touch the view, in drawing order.
    fn ids_in(&self, view: &View, zoom: u8) -> Vec<u32> {
        let mut ids: Vec<u32> = Vec::new();
        for tier in self.tiers.iter().filter(|t| t.min_zoom <= zoom) {
            ids.extend(
                tier.tree
                    .locate_in_envelope_intersecting(&view.envelope)
                    .map(|e| e.data),
            );
        }
        ids.sort_unstable();
        ids
    }
}

/// The drawable roads, minor classes first, file order within a class.
fn roads(extract: &OsmExtract) -> Vec<Feature> {
    let mut roads: Vec<(usize, Feature)> = extract
        .highways
        .iter()
        .filter(|w| w.coords.len() >= 2)
        .filter_map(|w| {
            let class = w.tags.get("highway")?;
            let rank = ROAD_CLASSES.iter().position(|(k, _)| *k == class)?;
            let feature = Feature {
                layer: Layer::Road,
                class: class.into(),
                names: names_of(&w.tags),
                shape: Shape::Line(LineString::new(w.coords.clone())),
                min_zoom: ROAD_CLASSES[rank].1,
            };
            Some((rank, feature))
        })
        .collect();
    roads.sort_by_key(|(rank, _)| *rank);
    roads.into_iter().map(|(_, f)| f).collect()
}

/// One R-tree of feature boxes per `min_zoom`, in zoom order.
fn index(features: &[Feature]) -> Vec<Tier> {
    let mut by_zoom: BTreeMap<u8, Vec<Entry>> = BTreeMap::new();
    for (i, f) in features.iter().enumerate() {
        let rect = match &f.shape {
            Shape::Line(l) => l.bounding_rect(),
            Shape::Area(a) => a.bounding_rect(),
            Shape::Point(c) => Some(Rect::new(*c, *c)),
        };
        let Some(r) = rect else { continue };
        let id = u32::try_from(i).expect("fewer than 2^32 basemap features");
        let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        by_zoom
            .entry(f.min_zoom)
            .or_default()
            .push(GeomWithData::new(rect, id));
    }
    by_zoom
        .into_iter()
        .map(|(min_zoom, entries)| Tier {
            min_zoom,
            tree: RTree::bulk_load(entries),
        })
        .collect()
}

impl Feature {
    /// The feature as GeoJSON for `view`, or `None` when nothing of it is left in the view.
    fn to_geojson(&self, view: &View) -> Option<Value> {
        let geometry = match &self.shape {
            Shape::Point(c) => json!({ "type": "Point", "coordinates": coord6(*c) }),
            Shape::Line(l) => line_geometry(l, view)?,
            Shape::Area(a) => area_geometry(a, view)?,
        };
        let mut props = serde_json::Map::new();
        props.insert("layer".into(), self.layer.key().into());
        props.insert("class".into(), Value::from(&*self.class));
        let [name, en, zh] = &self.names;
        if let Some(first) = name.as_ref().or(en.as_ref()).or(zh.as_ref()) {
            props.insert("name".into(), Value::from(&**first));
            for (key, other) in [("name_en", en), ("name_zh", zh)] {
                if let Some(o) = other.as_ref().filter(|o| *o != first) {
                    props.insert(key.into(), Value::from(&**o));
                }
            }
        }
        Some(json!({ "type": "Feature", "properties": props, "geometry": geometry }))
    }
}

/// A vertex rounded to 6 decimals.
fn coord6(c: Coord) -> [f64; 2] {
    [round(c.x, 6), round(c.y, 6)]
}

/// Rounded vertices with repeats (after rounding) dropped.
fn rounded(coords: &[Coord]) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(coords.len());
    for &c in coords {
        let p = coord6(c);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

/// A line cut to the runs of segments whose boxes touch the view's clip box, each simplified:
/// a `LineString`, a `MultiLineString`, or `None` when no segment touches it.
fn line_geometry(line: &LineString, view: &View) -> Option<Value> {
    let clip = view.clip;
    let touches = |a: Coord, b: Coord| {
        a.x.max(b.x) >= clip.min().x
            && a.x.min(b.x) <= clip.max().x
            && a.y.max(b.y) >= clip.min().y
            && a.y.min(b.y) <= clip.max().y
    };
    let mut parts: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut run: Vec<Coord> = Vec::new();
    let mut flush = |run: &mut Vec<Coord>| {
        if run.len() >= 2 {
            let simple = LineString::new(std::mem::take(run)).simplify(view.tolerance_deg);
            let pts = rounded(&simple.0);
            if pts.len() >= 2 {
                parts.push(pts);
            }
        }
        run.clear();
    };
    for seg in line.0.windows(2) {
        if touches(seg[0], seg[1]) {
            if run.is_empty() {
                run.push(seg[0]);
            }
            run.push(seg[1]);
        } else {
            flush(&mut run);
        }
    }
    flush(&mut run);
    match parts.len() {
        0 => None,
        1 => Some(json!({ "type": "LineString", "coordinates": parts[0] })),
        _ => Some(json!({ "type": "MultiLineString", "coordinates": parts })),
    }
}

/// An area clipped to the view's clip box when it reaches outside it, rings simplified: a
/// `Polygon`, a `MultiPolygon`, or `None` when nothing is left.
fn area_geometry(area: &MultiPolygon, view: &View) -> Option<Value> {
    let polygons: Vec<Vec<Vec<[f64; 2]>>> = area
        .0
        .iter()
        .filter_map(|p| {
            let exterior = ring_in_view(p.exterior(), view)?;
            let holes = p.interiors().iter().filter_map(|h| ring_in_view(h, view));
            Some(std::iter::once(exterior).chain(holes).collect())
        })
        .collect();
    match polygons.len() {
        0 => None,
        1 => Some(json!({ "type": "Polygon", "coordinates": polygons[0] })),
        _ => Some(json!({ "type": "MultiPolygon", "coordinates": polygons })),
    }
}

/// One ring clipped (when it reaches outside the clip box) and simplified; `None` when fewer
/// than 3 distinct vertices are left.
fn ring_in_view(ring: &LineString, view: &View) -> Option<Vec<[f64; 2]>> {
    let r = ring.bounding_rect()?;
    let clip = view.clip;
    let inside = r.min().x >= clip.min().x
        && r.max().x <= clip.max().x
        && r.min().y >= clip.min().y
        && r.max().y <= clip.max().y;
    let ring = if inside {
        ring.clone()
    } else {
        LineString::new(clip_ring(&ring.0, clip))
    };
    // Simplifying a small ring could collapse it; small rings are cheap anyway.
    let ring = if ring.0.len() > 8 {
        let simple = Polygon::new(ring.clone(), vec![]).simplify(view.tolerance_deg);
        if simple.exterior().0.len() >= 4 {
            simple.exterior().clone()
        } else {
            ring
        }
    } else {
        ring
    };
    let mut pts = rounded(&ring.0);
    if pts.len() < 3 {
        return None;
    }
    if pts.first() != pts.last() {
        pts.push(pts[0]);
    }
    (pts.len() >= 4).then_some(pts)
}

/// Sutherland–Hodgman: the ring clipped to `clip`, one side at a time (an area that leaves
/// the box and comes back keeps a zero-width edge along the box's side, outside the view).
fn clip_ring(ring: &[Coord], clip: Rect) -> Vec<Coord> {
    let (x0, y0, x1, y1) = (clip.min().x, clip.min().y, clip.max().x, clip.max().y);
    // Each side: whether a point is inside, and where a segment crosses it.
    type Side = (fn(Coord, f64) -> bool, fn(Coord, Coord, f64) -> Coord, f64);
    let cross_x = |a: Coord, b: Coord, x: f64| Coord {
        x,
        y: a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x),
    };
    let cross_y = |a: Coord, b: Coord, y: f64| Coord {
        x: a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y),
        y,
    };
    let sides: [Side; 4] = [
        (|c, v| c.x >= v, cross_x, x0),
        (|c, v| c.x <= v, cross_x, x1),
        (|c, v| c.y >= v, cross_y, y0),
        (|c, v| c.y <= v, cross_y, y1),
    ];
    let mut pts: Vec<Coord> = ring.to_vec();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    for (inside, cross, v) in sides {
        if pts.is_empty() {
            break;
        }
        let mut out = Vec::with_capacity(pts.len() + 4);
        for i in 0..pts.len() {
            let (a, b) = (pts[(i + pts.len() - 1) % pts.len()], pts[i]);
            match (inside(a, v), inside(b, v)) {
                (true, true) => out.push(b),
                (true, false) => out.push(cross(a, b, v)),
                (false, true) => {
                    out.push(cross(a, b, v));
                    out.push(b);
                }
                (false, false) => {}
            }
        }
        pts = out;
    }
    if let Some(&first) = pts.first() {
        pts.push(first);
    }
    pts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::mapdata::PlaceNode;
    use crate::osm::{Area, HighwayWay, MapData, OsmNodeId, OsmRef, OsmWayId};

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    fn road(id: i64, class: &str, coords: Vec<Coord>, names: &[(&str, &str)]) -> HighwayWay {
        let mut tags = vec![("highway", class)];
        tags.extend_from_slice(names);
        HighwayWay {
            id: OsmWayId(id),
            nodes: (0..coords.len() as i64).map(OsmNodeId).collect(),
            coords,
            tags: Tags::new(tags),
        }
    }

    fn square(x: f64, y: f64, side: f64) -> MultiPolygon {
        let ring = vec![
            c(x, y),
            c(x + side, y),
            c(x + side, y + side),
            c(x, y + side),
            c(x, y),
        ];
        MultiPolygon(vec![Polygon::new(LineString::new(ring), vec![])])
    }

    /// A motorway, a residential street with names in two languages, a footway, a long road
    /// with a vertex every 0.001°, a building, a pond (~20 m), a lake (1°), a city and a hamlet.
    fn extract() -> OsmExtract {
        let long = (0..=1000)
            .map(|i| c(10.0 + i as f64 * 0.001, 50.5))
            .collect();
        let map = MapData {
            water_areas: vec![square(10.0, 51.0, 0.0002), square(11.0, 50.0, 1.0)],
            places: vec![
                PlaceNode {
                    location: c(10.5, 50.5),
                    kind: "city".into(),
                    tags: Tags::new([("place", "city"), ("name", "Vaduz")]),
                },
                PlaceNode {
                    location: c(10.5, 50.51),
                    kind: "hamlet".into(),
                    tags: Tags::new([("place", "hamlet"), ("name", "Eck")]),
                },
            ],
            ..MapData::default()
        };
        OsmExtract {
            source: "test.osm.pbf".into(),
            bbox: [10.0, 50.0, 12.0, 51.0],
            highways: vec![
                road(
                    1,
                    "residential",
                    vec![c(10.1, 50.1), c(10.101, 50.1)],
                    &[("name", "Hauptstrasse"), ("name:zh", "主街")],
                ),
                road(2, "motorway", vec![c(10.0, 50.2), c(10.9, 50.2)], &[]),
                road(3, "footway", vec![c(10.1, 50.11), c(10.1001, 50.11)], &[]),
                road(4, "proposed", vec![c(10.1, 50.12), c(10.2, 50.12)], &[]),
                road(5, "tertiary", long, &[("name", "Lange Gasse")]),
            ],
            areas: vec![Area {
                osm: OsmRef::Way(9),
                kind: AreaKind::Building,
                polygon: square(10.1, 50.1001, 0.0001),
                tags: Tags::new([("building", "yes")]),
            }],
            pois: vec![],
            bus_stops: vec![],
            bus_routes: vec![],
            map,
            data_time_s: None,
            stats: Default::default(),
        }
    }

    /// `(layer, class)` of every feature of a collection.
    fn kinds(fc: &Value) -> Vec<(String, String)> {
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    p["layer"].as_str().unwrap().into(),
                    p["class"].as_str().unwrap().into(),
                )
            })
            .collect()
    }

    fn has(fc: &Value, layer: &str, class: &str) -> bool {
        kinds(fc).contains(&(layer.to_string(), class.to_string()))
    }

    /// Every vertex of a geometry, whatever its type.
    fn vertices(g: &Value) -> Vec<[f64; 2]> {
        match g.as_array() {
            Some(a) if a.first().is_some_and(Value::is_number) => {
                vec![[a[0].as_f64().unwrap(), a[1].as_f64().unwrap()]]
            }
            Some(a) => a.iter().flat_map(vertices).collect(),
            None => vertices(&g["coordinates"]),
        }
    }

    #[test]
    fn low_zooms_draw_only_major_roads_big_water_and_cities() {
        let map = Basemap::new(&extract());
        let whole = [9.0, 49.0, 13.0, 52.0];
        let low = map.features(whole, 7);
        assert!(has(&low, "road", "motorway") && has(&low, "water", "water"));
        assert!(has(&low, "place", "city"));
        for (layer, class) in [
            ("road", "residential"),
            ("road", "footway"),
            ("road", "tertiary"),
            ("building", "building"),
            ("place", "hamlet"),
        ] {
            assert!(!has(&low, layer, class), "{layer} {class} drawn at zoom 7");
        }
        assert_eq!(kinds(&low).iter().filter(|k| k.0 == "water").count(), 1);
        let high = map.features(whole, 17);
        for (layer, class) in [
            ("road", "residential"),
            ("road", "footway"),
            ("road", "tertiary"),
            ("building", "building"),
            ("place", "hamlet"),
        ] {
            assert!(
                has(&high, layer, class),
                "{layer} {class} missing at zoom 17"
            );
        }
        assert_eq!(kinds(&high).iter().filter(|k| k.0 == "water").count(), 2);
        assert!(!has(&high, "road", "proposed"), "not a road yet");
        // Drawing order: water, buildings, roads minor to major, places.
        let order: Vec<String> = kinds(&high).into_iter().map(|k| k.1).collect();
        let at = |class: &str| order.iter().position(|k| k == class).unwrap();
        assert!(at("water") < at("building") && at("building") < at("footway"));
        assert!(at("footway") < at("residential") && at("residential") < at("motorway"));
        assert!(at("motorway") < at("city"));
    }

    #[test]
    fn names_in_both_languages_and_vertices_to_six_decimals() {
        let map = Basemap::new(&extract());
        let fc = map.features([10.09, 50.09, 10.11, 50.11], 18);
        let street = fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["class"] == "residential")
            .unwrap();
        assert_eq!(street["properties"]["name"], "Hauptstrasse");
        assert_eq!(street["properties"]["name_zh"], "主街");
        assert!(street["properties"].get("name_en").is_none());
        for f in fc["features"].as_array().unwrap() {
            for v in vertices(&f["geometry"]) {
                for x in v {
                    assert_eq!(x, round(x, 6), "{x} has more than 6 decimals");
                }
            }
        }
    }

    #[test]
    fn long_lines_are_cut_and_large_areas_clipped_to_the_view() {
        let map = Basemap::new(&extract());
        // 0.01° wide: the clip box is 0.012° wide, and one vertex each side reaches out.
        let fc = map.features([10.5, 50.49, 10.51, 50.51], 17);
        let lane = fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["class"] == "tertiary")
            .unwrap();
        let xs: Vec<f64> = vertices(&lane["geometry"]).iter().map(|v| v[0]).collect();
        let (lo, hi) = (
            xs.iter().cloned().fold(f64::MAX, f64::min),
            xs.iter().cloned().fold(f64::MIN, f64::max),
        );
        assert!(
            lo >= 10.5 - 0.001 - 0.001 - 1e-9 && hi <= 10.51 + 0.001 + 0.001 + 1e-9,
            "{lo}..{hi}"
        );
        assert!(
            lo < 10.5 && hi > 10.51,
            "the road reaches the view's edges: {lo}..{hi}"
        );
        // Inside the 1° lake: clipped to the view plus its margin.
        let fc = map.features([11.5, 50.5, 11.51, 50.51], 17);
        let lake = &fc["features"].as_array().unwrap()[0];
        assert_eq!(lake["properties"]["layer"], "water");
        for [x, y] in vertices(&lake["geometry"]) {
            assert!((11.499 - 1e-9..=11.511 + 1e-9).contains(&x), "{x}");
            assert!((50.499 - 1e-9..=50.511 + 1e-9).contains(&y), "{y}");
        }
        assert!(vertices(&lake["geometry"]).len() <= 6);
    }

    #[test]
    fn an_inverted_or_non_finite_box_gives_an_empty_collection() {
        let map = Basemap::new(&extract());
        for bbox in [
            [11.0, 50.0, 10.0, 51.0],
            [10.0, 51.0, 11.0, 50.0],
            [f64::NAN, 50.0, 11.0, 51.0],
            [10.0, 50.0, f64::INFINITY, 51.0],
        ] {
            let fc = map.features(bbox, 17);
            assert_eq!(fc["type"], "FeatureCollection");
            assert!(fc["features"].as_array().unwrap().is_empty(), "{bbox:?}");
        }
        assert!(
            !map.features([9.0, 49.0, 13.0, 52.0], 200)["features"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn the_index_finds_exactly_what_a_scan_of_every_feature_finds() {
        let extract = OsmExtract::demo();
        let map = Basemap::new(&extract);
        assert!(map.len() > 5_000, "{} features", map.len());
        let [w, s, e, n] = extract.bbox;
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..40 {
            let (x, y) = (w + next() * (e - w), s + next() * (n - s));
            let size = 0.002 + next() * 0.1;
            let bbox = [x, y, x + size, y + size * 0.7];
            let zoom = (8.0 + next() * 10.0) as u8;
            let view = View::new(bbox, zoom).unwrap();
            let scan: Vec<u32> = (0..map.features.len() as u32)
                .filter(|&i| {
                    let f = &map.features[i as usize];
                    let r = match &f.shape {
                        Shape::Line(l) => l.bounding_rect().unwrap(),
                        Shape::Area(a) => a.bounding_rect().unwrap(),
                        Shape::Point(c) => Rect::new(*c, *c),
                    };
                    f.min_zoom <= zoom
                        && r.max().x >= bbox[0]
                        && r.min().x <= bbox[2]
                        && r.max().y >= bbox[1]
                        && r.min().y <= bbox[3]
                })
                .collect();
            assert_eq!(map.ids_in(&view, zoom), scan, "{bbox:?} at zoom {zoom}");
        }
    }
}
