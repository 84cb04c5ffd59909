//! Names a reader knows for a point: the nearest intersection of two named streets, else the
//! nearest named street, else the nearest named place (`place=*`), all from the same OSM
//! extract. Used to say where a proposed site is ("west of Hanzhong Rd × Guanjiaqiao").
//!
//! Footways, paths, tracks, steps and service roads are left out: their names (car parks,
//! campus paths) do not help a reader find a spot.

use std::collections::HashMap;

use geo::{Coord, Rect};
use rstar::primitives::{GeomWithData, Line};
use rstar::{PointDistance, RTree};

use crate::geom::LocalProjection;
use crate::osm::{OsmExtract, Tags};

/// Highway classes whose names are not used.
const UNNAMED_CLASSES: &[&str] = &[
    "footway",
    "path",
    "track",
    "steps",
    "service",
    "cycleway",
    "bridleway",
    "corridor",
];

/// An intersection this close counts as the reference point, metres.
pub const JUNCTION_RADIUS_M: f64 = 250.0;
/// A street this close counts, metres.
pub const STREET_RADIUS_M: f64 = 200.0;
/// A place this close counts, metres.
pub const PLACE_RADIUS_M: f64 = 2_000.0;

/// One of eight compass directions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compass {
    /// North.
    N,
    /// North-east.
    NE,
    /// East.
    E,
    /// South-east.
    SE,
    /// South.
    S,
    /// South-west.
    SW,
    /// West.
    W,
    /// North-west.
    NW,
}

impl Compass {
    /// The direction of `dx, dy` (metres east and north).
    pub fn of(dx_m: f64, dy_m: f64) -> Compass {
        let deg = dy_m.atan2(dx_m).to_degrees(); // 0 = east, 90 = north
        let sector = ((deg + 360.0 + 22.5) % 360.0 / 45.0).floor() as usize;
        [
            Compass::E,
            Compass::NE,
            Compass::N,
            Compass::NW,
            Compass::W,
            Compass::SW,
            Compass::S,
            Compass::SE,
        ][sector.min(7)]
    }
}

/// Where a point is, in names.
#[derive(Clone, Debug, PartialEq)]
pub enum Whereabouts {
    /// Near the crossing of streets `a` (the nearer to the point) and `b`; `side` is the
    /// point's direction from the crossing, `None` when within 30 m of it.
    Junction {
        /// The street nearer to the point.
        a: String,
        /// The crossing street.
        b: String,
        /// Direction from the crossing.
        side: Option<Compass>,
        /// Distance from the crossing, metres.
        distance_m: f64,
    },
    /// Beside a street.
    Street {
        /// Its name.
        name: String,
        /// Distance, metres.
        distance_m: f64,
    },
    /// Near a named place.
    Place {
        /// Its name.
        name: String,
        /// Distance, metres.
        distance_m: f64,
    },
}

/// Named streets, their crossings and named places of (part of) an extract, in local metres.
pub struct NameIndex {
    proj: LocalProjection,
    names: Vec<String>,
    streets: RTree<GeomWithData<Line<[f64; 2]>, u32>>,
    junctions: RTree<GeomWithData<[f64; 2], (u32, u32)>>,
    places: RTree<GeomWithData<[f64; 2], u32>>,
}

/// The name of an element in the preferred keys' order (e.g. `["name:en", "name"]`).
pub fn preferred_name<'a>(tags: &'a Tags, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| tags.get(k))
        .or_else(|| tags.name())
        .filter(|n| !n.trim().is_empty())
}

impl NameIndex {
    /// Indexes the named streets and places of `extract` within `within` (lon/lat; the whole
    /// extract when `None`), naming each by the first of `keys` it has (then `name`).
    pub fn new(extract: &OsmExtract, keys: &[&str], within: Option<Rect>) -> Self {
        let inside = |c: Coord| {
            within.is_none_or(|r| {
                c.x >= r.min().x && c.x <= r.max().x && c.y >= r.min().y && c.y <= r.max().y
            })
        };
        let origin = within.map_or(
            Coord {
                x: (extract.bbox[0] + extract.bbox[2]) / 2.0,
                y: (extract.bbox[1] + extract.bbox[3]) / 2.0,
            },
            |r| r.center(),
        );
        let proj = LocalProjection::new(origin);
        let mut names: Vec<String> = Vec::new();
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut intern = |n: &str| -> u32 {
            *ids.entry(n.to_string()).or_insert_with(|| {
                names.push(n.to_string());
                names.len() as u32 - 1
            })
        };
        let mut segments = Vec::new();
        // Node → the names of the streets through it.
        let mut at_node: HashMap<i64, (Coord, Vec<u32>)> = HashMap::new();
        for w in &extract.highways {
            let class = w.tags.get("highway").unwrap_or("");
            if UNNAMED_CLASSES.contains(&class) || !w.coords.iter().any(|&c| inside(c)) {
                continue;
            }
            let Some(name) = preferred_name(&w.tags, keys) else {
                continue;
            };
            let id = intern(name);
            for pair in w.coords.windows(2) {
                let line = Line::new(proj.project(pair[0]), proj.project(pair[1]));
                segments.push(GeomWithData::new(line, id));
            }
            for (n, &c) in w.nodes.iter().zip(&w.coords) {
                let entry = at_node.entry(n.0).or_insert((c, Vec::new()));
                if !entry.1.contains(&id) {
                    entry.1.push(id);
                }
            }
        }
        let mut junctions: Vec<_> = at_node
            .into_iter()
            .filter(|(_, (_, ids))| ids.len() >= 2)
            .map(|(node, (c, ids))| (node, GeomWithData::new(proj.project(c), (ids[0], ids[1]))))
            .collect();
        junctions.sort_unstable_by_key(|(node, _)| *node); // deterministic ties
        let mut places = Vec::new();
        for p in extract.map.places.iter().filter(|p| inside(p.location)) {
            if let Some(name) = preferred_name(&p.tags, keys) {
                places.push(GeomWithData::new(proj.project(p.location), intern(name)));
            }
        }
        NameIndex {
            proj,
            names,
            streets: RTree::bulk_load(segments),
            junctions: RTree::bulk_load(junctions.into_iter().map(|(_, j)| j).collect()),
            places: RTree::bulk_load(places),
        }
    }

    /// The nearest named street to `at` within `radius_m`, with its distance.
    pub fn nearest_street(&self, at: Coord, radius_m: f64) -> Option<(&str, f64)> {
        let p = self.proj.project(at);
        let s = self.streets.nearest_neighbor(&p)?;
        let d = s.distance_2(&p).sqrt();
        (d <= radius_m).then(|| (self.names[s.data as usize].as_str(), d))
    }

    /// Where `at` is: the nearest crossing of two named streets within
    /// [`JUNCTION_RADIUS_M`], else the nearest named street within [`STREET_RADIUS_M`], else
    /// the nearest named place within [`PLACE_RADIUS_M`]; `None` when none is that close.
    pub fn whereabouts(&self, at: Coord) -> Option<Whereabouts> {
        let p = self.proj.project(at);
        let street = self.nearest_street(at, STREET_RADIUS_M);
        if let Some(j) = self.junctions.nearest_neighbor(&p) {
            let (dx, dy) = (p[0] - j.geom()[0], p[1] - j.geom()[1]);
            let d = dx.hypot(dy);
            if d <= JUNCTION_RADIUS_M {
                let (mut a, mut b) = j.data;
                // The street the point is on (or nearest to) first.
                if street.is_some_and(|(s, _)| s == self.names[b as usize]) {
                    std::mem::swap(&mut a, &mut b);
                }
                return Some(Whereabouts::Junction {
                    a: self.names[a as usize].clone(),
                    b: self.names[b as usize].clone(),
                    side: (d > 30.0).then(|| Compass::of(dx, dy)),
                    distance_m: d,
                });
            }
        }
        if let Some((name, d)) = street {
            return Some(Whereabouts::Street {
                name: name.to_string(),
                distance_m: d,
            });
        }
        let place = self.places.nearest_neighbor(&p)?;
        let d = place.distance_2(&p).sqrt();
        (d <= PLACE_RADIUS_M).then(|| Whereabouts::Place {
            name: self.names[place.data as usize].clone(),
            distance_m: d,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::{HighwayWay, OsmNodeId, OsmWayId, ReadStats, mapdata::PlaceNode};

    /// Two crossing streets at (120.0, 31.0) and a place 1 km north.
    fn extract() -> OsmExtract {
        let c = |x: f64, y: f64| Coord { x, y };
        let way =
            |id: i64, nodes: [i64; 3], coords: [Coord; 3], name: &str, class: &str| HighwayWay {
                id: OsmWayId(id),
                nodes: nodes.iter().map(|&n| OsmNodeId(n)).collect(),
                coords: coords.to_vec(),
                tags: Tags::new([("highway", class), ("name", name), ("name:en", "x")]),
            };
        let mut map = crate::osm::MapData::default();
        map.places.push(PlaceNode {
            location: c(120.0, 31.01),
            kind: "suburb".into(),
            tags: Tags::new([("place", "suburb"), ("name", "新街口")]),
        });
        OsmExtract {
            source: "test".into(),
            bbox: [119.98, 30.98, 120.02, 31.02],
            highways: vec![
                way(
                    1,
                    [1, 2, 3],
                    [c(119.99, 31.0), c(120.0, 31.0), c(120.01, 31.0)],
                    "汉中路",
                    "primary",
                ),
                way(
                    2,
                    [4, 2, 5],
                    [c(120.0, 30.99), c(120.0, 31.0), c(120.0, 31.005)],
                    "管家桥",
                    "secondary",
                ),
                way(
                    3,
                    [6, 2, 7],
                    [c(119.999, 31.0), c(120.0, 31.0), c(120.0, 31.0)],
                    "停车场",
                    "service",
                ),
            ],
            areas: vec![],
            pois: vec![],
            bus_stops: vec![],
            bus_routes: vec![],
            map,
            stats: ReadStats::default(),
            data_time_s: None,
        }
    }

    #[test]
    fn a_point_west_of_a_crossing_names_both_streets_and_the_side() {
        let index = NameIndex::new(&extract(), &["name:zh", "name"], None);
        // ~95 m west of the crossing, on 汉中路.
        let w = index
            .whereabouts(Coord {
                x: 119.999,
                y: 31.0,
            })
            .unwrap();
        match w {
            Whereabouts::Junction {
                a,
                b,
                side,
                distance_m,
            } => {
                assert_eq!(
                    (a.as_str(), b.as_str(), side),
                    ("汉中路", "管家桥", Some(Compass::W))
                );
                assert!((distance_m - 95.0).abs() < 5.0, "{distance_m}");
            }
            other => panic!("{other:?}"),
        }
        // ~480 m south of the crossing, beside 管家桥 only.
        let w = index
            .whereabouts(Coord {
                x: 120.0003,
                y: 30.9957,
            })
            .unwrap();
        assert!(
            matches!(w, Whereabouts::Street { ref name, .. } if name == "管家桥"),
            "{w:?}"
        );
        // ~900 m north-east, nothing but the place.
        let w = index
            .whereabouts(Coord {
                x: 120.005,
                y: 31.009,
            })
            .unwrap();
        assert!(
            matches!(w, Whereabouts::Place { ref name, .. } if name == "新街口"),
            "{w:?}"
        );
        assert!(index.whereabouts(Coord { x: 121.0, y: 32.0 }).is_none());
    }

    #[test]
    fn preferred_keys_and_compass() {
        let index = NameIndex::new(&extract(), &["name:en", "name"], None);
        assert_eq!(
            index
                .nearest_street(
                    Coord {
                        x: 120.005,
                        y: 31.0
                    },
                    50.0
                )
                .unwrap()
                .0,
            "x"
        );
        assert_eq!(Compass::of(-1.0, 0.0), Compass::W);
        assert_eq!(Compass::of(1.0, 1.0), Compass::NE);
        assert_eq!(Compass::of(0.1, -1.0), Compass::S);
    }
}
