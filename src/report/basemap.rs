//! The background of the report's park maps, read from the same OSM extract so that a reader
//! can place the map: water, railways, and labels — park names, place names (`place=*`),
//! street names along the main roads and river names — placed greedily so that no two
//! collide.
//!
//! Label placement: candidates are taken in priority order (the park itself, other parks,
//! places by rank, streets by road class then length, rivers); each is tried at a few
//! positions (along its road for streets, rotated to the road's direction) and kept at the
//! first whose box (the axis-aligned box of the rotated text, from a per-character width
//! estimate) lies inside the map and meets no earlier label, numbered site or the scale bar
//! and north arrow.

use std::collections::BTreeMap;

use geo::{BoundingRect, Coord, InteriorPoint, Rect};

use super::html::Lang;
use super::svg::{LayerId, SvgMap};
use crate::osm::OsmExtract;
use crate::places::Zone;
use crate::places::names::preferred_name;

/// Road classes whose names are drawn, most important first.
const NAMED_CLASSES: &[&str] = &[
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "living_street",
    "pedestrian",
];
/// `place=*` values, most important first; others come after them.
const PLACE_RANKS: &[&str] = &[
    "city",
    "town",
    "district",
    "suburb",
    "borough",
    "quarter",
    "village",
    "neighbourhood",
    "hamlet",
    "locality",
];
/// Space kept free around every label, px.
const LABEL_GAP_PX: f64 = 2.0;

/// The OSM name keys to prefer in a language.
pub(super) fn name_keys(lang: Lang) -> [&'static str; 2] {
    match lang {
        Lang::En => ["name:en", "name"],
        Lang::Zh => ["name:zh", "name"],
    }
}

/// A map label's name: the first of `keys` an element has; an English map falls back to
/// any name, a Chinese one never to `name:en` alone (a place tagged only
/// `name:en=walking street` gets no label in Chinese rather than an English one).
fn label_name<'a>(tags: &'a crate::osm::Tags, keys: &[&str]) -> Option<&'a str> {
    if keys.first() == Some(&"name:zh") {
        keys.iter()
            .find_map(|k| tags.get(k))
            .filter(|n| !n.trim().is_empty())
    } else {
        preferred_name(tags, keys)
    }
}

/// The width of `text` at `font_px`, estimated per character: CJK and other wide characters
/// 1 em, capitals 0.7 em, spaces 0.3 em, others 0.58 em.
pub fn text_width_px(text: &str, font_px: f64) -> f64 {
    text.chars()
        .map(|c| {
            if c as u32 >= 0x2E80 {
                1.0
            } else if c == ' ' {
                0.3
            } else if c.is_uppercase() {
                0.7
            } else {
                0.58
            }
        })
        .sum::<f64>()
        * font_px
}

/// The axis-aligned box `[x0, y0, x1, y1]` of a `w × h` rectangle centred on `c` and rotated
/// by `angle_deg`.
pub fn rotated_box(c: (f64, f64), w: f64, h: f64, angle_deg: f64) -> [f64; 4] {
    let (sin, cos) = angle_deg.to_radians().sin_cos();
    let hx = (w / 2.0 * cos).abs() + (h / 2.0 * sin).abs();
    let hy = (w / 2.0 * sin).abs() + (h / 2.0 * cos).abs();
    [c.0 - hx, c.1 - hy, c.0 + hx, c.1 + hy]
}

/// Whether two boxes overlap.
pub fn boxes_meet(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// Greedy label placement: keeps the boxes taken so far.
pub struct LabelPlacer {
    size_px: (f64, f64),
    taken: Vec<[f64; 4]>,
}

impl LabelPlacer {
    /// A placer for `map`, with its scale bar and north arrow already taken.
    pub fn new(map: &SvgMap) -> Self {
        LabelPlacer {
            size_px: map.size_px(),
            taken: map.furniture_px().to_vec(),
        }
    }

    /// Marks a box as taken (a numbered site, a marker).
    pub fn block(&mut self, b: [f64; 4]) {
        self.taken.push(b);
    }

    /// Takes the box of a `w × h` label centred on `c` rotated by `angle_deg` if it lies inside
    /// the map and meets no taken box (with `LABEL_GAP_PX` around it).
    pub fn try_place(&mut self, c: (f64, f64), w: f64, h: f64, angle_deg: f64) -> bool {
        let g = LABEL_GAP_PX;
        let b = rotated_box(c, w + 2.0 * g, h + 2.0 * g, angle_deg);
        let (mw, mh) = self.size_px;
        if b[0] < 0.0 || b[1] < 0.0 || b[2] > mw || b[3] > mh {
            return false;
        }
        if self.taken.iter().any(|t| boxes_meet(t, &b)) {
            return false;
        }
        self.taken.push(b);
        true
    }
}

/// Layers of the background, created in drawing order (water and railways under the roads,
/// labels above everything).
pub(super) fn water_and_rail(map: &mut SvgMap, extract: &OsmExtract, frame: Rect, lang: Lang) {
    use super::svg::Style;
    let water = map.layer(
        "water",
        lang.t("Water", "水系"),
        Style::area("#93c5fd", 0.55),
    );
    map.background(water);
    let rivers = map.layer(
        "rivers",
        lang.t("Rivers", "河流"),
        Style::line("#60a5fa", 2.0),
    );
    map.background(rivers);
    let rail = map.layer(
        "railways",
        lang.t("Railways", "铁路"),
        Style::line("#6b7280", 2.0).dashed("7 3"),
    );
    map.background(rail);
    let meets = |r: Option<Rect>| r.is_some_and(|r| rects_meet(&r, &frame));
    for a in &extract.map.water_areas {
        if meets(a.bounding_rect()) {
            map.area(water, a, None);
        }
    }
    for w in &extract.map.waterways {
        if meets(w.line.bounding_rect()) {
            map.line(rivers, &w.line, w.name.as_deref());
        }
    }
    for r in &extract.map.railways {
        if meets(r.line.bounding_rect()) {
            map.line(rail, &r.line, r.name.as_deref());
        }
    }
}

/// Whether two lon/lat boxes overlap.
pub(super) fn rects_meet(a: &Rect, b: &Rect) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

/// One label to place: its text, font, class and candidate positions (px, angle) in order.
struct Candidate {
    text: String,
    font_px: f64,
    class: &'static str,
    at: Vec<((f64, f64), f64)>,
}

/// Draws the labels of a park map into a new top layer `labels`: the park, other parks in the
/// frame, places, streets and rivers, none overlapping another or the boxes in `blocked`.
pub(super) fn labels(
    map: &mut SvgMap,
    extract: &OsmExtract,
    park: &Zone,
    others: &[&Zone],
    blocked: &[[f64; 4]],
    lang: Lang,
) {
    use super::svg::Style;
    let layer = map.layer(
        "labels",
        lang.t("Names", "名称"),
        Style {
            fill: Some("#1f2937".into()),
            ..Style::line("#fff", 3.0)
        },
    );
    map.background(layer);
    let keys = name_keys(lang);
    let mut candidates = Vec::new();
    for (k, z) in std::iter::once(park)
        .chain(others.iter().copied())
        .enumerate()
    {
        let at = z.polygon.interior_point().and_then(|p| map.to_px(p.0));
        let text = if z.name.is_empty() {
            z.code.clone()
        } else {
            crate::lang::zone_name(z, lang).into_owned()
        };
        candidates.push(Candidate {
            text,
            font_px: if k == 0 { 15.0 } else { 12.0 },
            class: "label label-park",
            at: at.map(|c| around(c, 18.0)).unwrap_or_default(),
        });
    }
    candidates.extend(place_candidates(map, extract, &keys));
    candidates.extend(line_candidates(map, extract, &keys));
    place_all(map, layer, candidates, blocked);
}

/// Tries each candidate in order at each of its positions; draws the ones that fit.
fn place_all(map: &mut SvgMap, layer: LayerId, candidates: Vec<Candidate>, blocked: &[[f64; 4]]) {
    let mut placer = LabelPlacer::new(map);
    for b in blocked {
        placer.block(*b);
    }
    for c in candidates {
        let (w, h) = (text_width_px(&c.text, c.font_px), c.font_px * 1.2);
        if let Some(&(at, angle)) =
            c.at.iter()
                .find(|&&(at, angle)| placer.try_place(at, w, h, angle))
        {
            map.text(layer, at, angle, c.font_px, c.class, &c.text);
        }
    }
}

/// `c` itself, then 8 positions `r` px around it, unrotated.
fn around(c: (f64, f64), r: f64) -> Vec<((f64, f64), f64)> {
    let mut out = vec![(c, 0.0)];
    for (dx, dy) in [
        (0.0, -1.0),
        (0.0, 1.0),
        (1.0, 0.0),
        (-1.0, 0.0),
        (1.0, -1.0),
        (-1.0, -1.0),
        (1.0, 1.0),
        (-1.0, 1.0),
    ] {
        out.push(((c.0 + dx * r * 2.5, c.1 + dy * r), 0.0));
    }
    out
}

fn place_candidates(map: &SvgMap, extract: &OsmExtract, keys: &[&str]) -> Vec<Candidate> {
    let mut places: Vec<(usize, Candidate)> = Vec::new();
    for p in &extract.map.places {
        let (Some(at), Some(name)) = (map.to_px(p.location), label_name(&p.tags, keys)) else {
            continue;
        };
        let rank = PLACE_RANKS
            .iter()
            .position(|r| **r == *p.kind)
            .unwrap_or(PLACE_RANKS.len());
        places.push((
            rank,
            Candidate {
                text: name.to_string(),
                font_px: if rank <= 3 { 13.0 } else { 11.5 },
                class: "label label-place",
                at: around(at, 12.0),
            },
        ));
    }
    places.sort_by_key(|p| p.0); // stable: file order within a rank
    places.into_iter().map(|p| p.1).collect()
}

/// A line in px.
type Polyline = Vec<(f64, f64)>;

/// Streets along the main roads (by class, then drawn length) and named rivers: each name once,
/// or twice when it runs long across the map; along its longest pieces, rotated to them.
fn line_candidates(map: &SvgMap, extract: &OsmExtract, keys: &[&str]) -> Vec<Candidate> {
    // name → (best class rank, pieces in px, is a river)
    let mut by_name: BTreeMap<(String, bool), (usize, Vec<Polyline>)> = BTreeMap::new();
    let (w, h) = map.size_px();
    let inside = |p: &(f64, f64)| p.0 >= 0.0 && p.1 >= 0.0 && p.0 <= w && p.1 <= h;
    let mut add = |name: &str, rank: usize, river: bool, coords: &[Coord]| {
        let px: Vec<(f64, f64)> = coords.iter().filter_map(|&c| map.to_px(c)).collect();
        if px.len() < 2 || !px.iter().any(inside) {
            return;
        }
        let e = by_name
            .entry((name.to_string(), river))
            .or_insert((usize::MAX, Vec::new()));
        e.0 = e.0.min(rank);
        e.1.push(px);
    };
    for way in &extract.highways {
        let class = way.tags.get("highway").unwrap_or("");
        let Some(rank) = NAMED_CLASSES.iter().position(|c| *c == class) else {
            continue;
        };
        if let Some(name) = label_name(&way.tags, keys) {
            add(name, rank, false, &way.coords);
        }
    }
    for r in &extract.map.waterways {
        if let Some(name) = r.name.as_deref() {
            add(name, NAMED_CLASSES.len(), true, &r.line.0);
        }
    }
    let mut out: Vec<(usize, f64, Candidate)> = Vec::new();
    for ((name, river), (rank, pieces)) in by_name {
        let font_px = if rank <= 2 { 12.0 } else { 11.0 };
        let width = text_width_px(&name, font_px);
        let total: f64 = pieces.iter().map(|p| px_length(p)).sum();
        let mut at = Vec::new();
        let mut sorted = pieces;
        sorted.sort_by(|a, b| px_length(b).total_cmp(&px_length(a)));
        for p in sorted.iter().filter(|p| px_length(p) >= width * 1.2) {
            for f in [0.5, 0.3, 0.7, 0.15, 0.85] {
                at.extend(along(p, f).filter(|(c, _)| inside(c)));
            }
        }
        let class = if river {
            "label label-water"
        } else {
            "label label-street"
        };
        let copies = if total > 900.0 { 2 } else { 1 };
        for _ in 0..copies {
            out.push((
                rank,
                -total,
                Candidate {
                    text: name.clone(),
                    font_px,
                    class,
                    at: at.clone(),
                },
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    out.into_iter().map(|c| c.2).collect()
}

fn px_length(p: &[(f64, f64)]) -> f64 {
    p.windows(2)
        .map(|s| (s[1].0 - s[0].0).hypot(s[1].1 - s[0].1))
        .sum()
}

/// The point at fraction `f` of a polyline's length and the angle of its segment there, kept
/// within ±90° so that text reads left to right.
fn along(p: &[(f64, f64)], f: f64) -> Option<((f64, f64), f64)> {
    let target = px_length(p) * f;
    let mut run = 0.0;
    for s in p.windows(2) {
        let len = (s[1].0 - s[0].0).hypot(s[1].1 - s[0].1);
        if run + len >= target && len > 0.0 {
            let t = (target - run) / len;
            let at = (
                s[0].0 + t * (s[1].0 - s[0].0),
                s[0].1 + t * (s[1].1 - s[0].1),
            );
            let mut angle = (s[1].1 - s[0].1).atan2(s[1].0 - s[0].0).to_degrees();
            if angle > 90.0 {
                angle -= 180.0;
            } else if angle < -90.0 {
                angle += 180.0;
            }
            return Some((at, angle));
        }
        run += len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_map_labels_no_place_by_its_english_name_alone() {
        let en_only =
            crate::osm::Tags::new([("place", "city_block"), ("name:en", "walking street")]);
        assert_eq!(label_name(&en_only, &name_keys(Lang::Zh)), None);
        assert_eq!(
            label_name(&en_only, &name_keys(Lang::En)),
            Some("walking street")
        );
        let both = crate::osm::Tags::new([("name", "新街口"), ("name:en", "Xinjiekou")]);
        assert_eq!(label_name(&both, &name_keys(Lang::Zh)), Some("新街口"));
    }

    #[test]
    fn widths_and_boxes() {
        assert!((text_width_px("汉中路", 10.0) - 30.0).abs() < 1e-9);
        assert!(text_width_px("Main St", 10.0) < text_width_px("汉中路汉中路", 10.0));
        let b = rotated_box((50.0, 50.0), 20.0, 10.0, 90.0);
        assert!(
            (b[0] - 45.0).abs() < 1e-9 && (b[1] - 40.0).abs() < 1e-9,
            "{b:?}"
        );
        assert!(boxes_meet(&[0.0, 0.0, 10.0, 10.0], &[5.0, 5.0, 15.0, 15.0]));
        assert!(!boxes_meet(
            &[0.0, 0.0, 10.0, 10.0],
            &[10.0, 0.0, 15.0, 15.0]
        ));
    }

    #[test]
    fn along_keeps_text_upright() {
        let p = [(100.0, 0.0), (0.0, 0.0)];
        let ((x, y), angle) = along(&p, 0.5).unwrap();
        assert_eq!((x, y), (50.0, 0.0));
        assert!(angle.abs() < 1e-9, "{angle}");
    }
}
