//! A small SVG map writer for the HTML report: lon/lat shapes in named layers, drawn with a
//! local equirectangular projection at the centre of the map, plus a scale bar, a north arrow
//! and an HTML legend.
//!
//! The output is deterministic (same calls → the same bytes) and compact: coordinates are
//! rounded to 0.1 px, points closer than 0.5 px to the previous one are dropped, and shapes
//! entirely outside the map are not written. Bad input is skipped, never a panic: non-finite
//! coordinates are left out, and a degenerate bounding box is widened to about 200 m.
//!
//! Layers are `<g class="layer" data-layer="…">` groups drawn in the order they were added; a
//! layer may have sub-layers (e.g. one per amenity category or travel mode) with their own
//! style and legend entry, drawn inside it as `<g class="sublayer" data-sublayer="…">`.

use std::fmt::Write;

use geo::{Coord, LineString, MultiPolygon, Rect};

use crate::geom::LocalProjection;

/// Blank space around the drawing, in px.
const PAD_PX: f64 = 4.0;
/// Shapes whose pixel bounding box is this far outside the view box are culled.
const CULL_MARGIN_PX: f64 = 10.0;
/// Consecutive points closer than this (px) are merged.
const MIN_STEP_PX: f64 = 0.5;

/// The symbol of a point layer, so that categories differ by shape as well as colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// A disc.
    #[default]
    Circle,
    /// A square.
    Square,
    /// A triangle pointing up.
    Triangle,
    /// A diamond.
    Diamond,
    /// A triangle pointing down.
    TriangleDown,
    /// A five-pointed star.
    Star,
    /// A plus sign (filled).
    Plus,
    /// A hexagon.
    Hexagon,
}

impl Shape {
    /// Every shape, in the order categories use them.
    pub const ALL: [Shape; 8] = [
        Shape::Circle,
        Shape::Square,
        Shape::Triangle,
        Shape::Diamond,
        Shape::TriangleDown,
        Shape::Star,
        Shape::Plus,
        Shape::Hexagon,
    ];

    /// The SVG element of this symbol centred on `(x, y)` with radius `r` (px), without its
    /// closing `/>`.
    fn element(self, x: f64, y: f64, r: f64) -> String {
        let pts: Vec<(f64, f64)> = match self {
            Shape::Circle => {
                let (x, y, r) = (num(x, 10.0), num(y, 10.0), num(r, 10.0));
                return format!(r#"<circle cx="{x}" cy="{y}" r="{r}""#);
            }
            Shape::Square => {
                let a = r * 0.85;
                vec![(-a, -a), (a, -a), (a, a), (-a, a)]
            }
            Shape::Triangle => vec![(0.0, -1.15 * r), (r, 0.75 * r), (-r, 0.75 * r)],
            Shape::TriangleDown => vec![(0.0, 1.15 * r), (r, -0.75 * r), (-r, -0.75 * r)],
            Shape::Diamond => vec![
                (0.0, -1.2 * r),
                (1.2 * r, 0.0),
                (0.0, 1.2 * r),
                (-1.2 * r, 0.0),
            ],
            Shape::Star => (0..10)
                .map(|k| {
                    let a = std::f64::consts::PI * (f64::from(k) / 5.0 - 0.5);
                    let rr = if k % 2 == 0 { 1.3 * r } else { 0.55 * r };
                    (rr * a.cos(), rr * a.sin())
                })
                .collect(),
            Shape::Plus => {
                let (a, b) = (r * 1.1, r * 0.4);
                vec![
                    (-b, -a),
                    (b, -a),
                    (b, -b),
                    (a, -b),
                    (a, b),
                    (b, b),
                    (b, a),
                    (-b, a),
                    (-b, b),
                    (-a, b),
                    (-a, -b),
                    (-b, -b),
                ]
            }
            Shape::Hexagon => (0..6)
                .map(|k| {
                    let a = std::f64::consts::PI * f64::from(k) / 3.0;
                    (r * a.cos(), r * a.sin())
                })
                .collect(),
        };
        let mut d = String::new();
        let abs: Vec<(f64, f64)> = pts.iter().map(|&(dx, dy)| (x + dx, y + dy)).collect();
        push_subpath(&mut d, &abs, true);
        format!(r#"<path d="{d}""#)
    }
}

/// How a layer's shapes are painted; becomes SVG presentation attributes on the layer group.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// Fill colour (any CSS colour); `None` for no fill.
    pub fill: Option<String>,
    /// Fill opacity, 0–1.
    pub fill_opacity: f64,
    /// Stroke colour; `None` for no outline.
    pub stroke: Option<String>,
    /// Stroke width in px.
    pub stroke_width_px: f64,
    /// `stroke-dasharray`, e.g. `"4 2"`.
    pub dash: Option<String>,
    /// Radius of points in px.
    pub radius_px: f64,
    /// Symbol of points.
    pub shape: Shape,
}

impl Style {
    /// Unfilled lines of `color`, `width_px` wide.
    pub fn line(color: &str, width_px: f64) -> Self {
        Style {
            fill: None,
            fill_opacity: 1.0,
            stroke: Some(color.to_string()),
            stroke_width_px: width_px,
            dash: None,
            radius_px: 0.0,
            shape: Shape::Circle,
        }
    }

    /// Areas filled with `color` at `fill_opacity`, outlined 1 px in the same colour.
    pub fn area(color: &str, fill_opacity: f64) -> Self {
        Style {
            fill: Some(color.to_string()),
            fill_opacity,
            ..Style::line(color, 1.0)
        }
    }

    /// Points: discs of `color` and `radius_px` with a thin white outline.
    pub fn dot(color: &str, radius_px: f64) -> Self {
        Style {
            radius_px,
            ..Style::area(color, 1.0).with_stroke("#fff", 0.75)
        }
    }

    /// The same style with another outline.
    pub fn with_stroke(self, color: &str, width_px: f64) -> Self {
        Style {
            stroke: Some(color.to_string()),
            stroke_width_px: width_px,
            ..self
        }
    }

    /// The same style with another point symbol.
    pub fn with_shape(self, shape: Shape) -> Self {
        Style { shape, ..self }
    }

    /// The same style with a dashed outline (`stroke-dasharray`, e.g. `"4 2"`).
    pub fn dashed(self, dash: &str) -> Self {
        Style {
            dash: Some(dash.to_string()),
            ..self
        }
    }

    /// The presentation attributes, each with a leading space. `nested` groups also reset the
    /// inherited dash pattern.
    fn attrs(&self, nested: bool) -> String {
        let mut s = String::new();
        match &self.fill {
            Some(c) => {
                let o = num(self.fill_opacity, 100.0);
                let _ = write!(s, r#" fill="{}" fill-opacity="{o}""#, escape(c));
            }
            None => s.push_str(r#" fill="none""#),
        }
        match &self.stroke {
            Some(c) => {
                let w = num(self.stroke_width_px, 100.0);
                let _ = write!(s, r#" stroke="{}" stroke-width="{w}""#, escape(c));
            }
            None => s.push_str(r#" stroke="none""#),
        }
        match &self.dash {
            Some(d) => {
                let _ = write!(s, r#" stroke-dasharray="{}""#, escape(d));
            }
            None if nested => s.push_str(r#" stroke-dasharray="none""#),
            None => {}
        }
        s
    }
}

/// A layer (or sub-layer) of one [`SvgMap`], returned by [`SvgMap::layer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerId(usize);

#[derive(Clone, Debug)]
struct Layer {
    key: String,
    label: String,
    style: Style,
    parent: Option<usize>,
    /// Hidden until its legend entry is clicked.
    hidden: bool,
    /// Left out of the legend (background such as water and labels).
    background: bool,
    /// The shapes' SVG elements.
    body: String,
}

/// A map of one bounding box, built up layer by layer and written with [`SvgMap::to_svg`].
#[derive(Clone, Debug)]
pub struct SvgMap {
    proj: LocalProjection,
    /// Half width and half height of the map in metres.
    half_m: [f64; 2],
    /// Pixels per metre.
    px_per_m: f64,
    width_px: f64,
    height_px: f64,
    layers: Vec<Layer>,
}

impl SvgMap {
    /// A map of `bbox` (lon/lat), `width_px` wide (at least 50). The height follows the aspect
    /// ratio of an equirectangular projection at the centre latitude (x = lon·cos lat₀,
    /// y = lat, y pointing down). A side shorter than 1 m is widened to 200 m; a non-finite
    /// bbox becomes 200 m around (0, 0).
    pub fn new(bbox: Rect<f64>, width_px: f64) -> Self {
        let (min, max) = (bbox.min(), bbox.max());
        let finite = [min.x, min.y, max.x, max.y].iter().all(|v| v.is_finite());
        let (min, max) = if finite {
            (min, max)
        } else {
            (Coord::zero(), Coord::zero())
        };
        let centre = Coord {
            x: (min.x + max.x) / 2.0,
            y: ((min.y + max.y) / 2.0).clamp(-85.0, 85.0),
        };
        let proj = LocalProjection::new(centre);
        let (a, b) = (proj.project(min), proj.project(max));
        let half = |d: f64| if d.abs() >= 1.0 { d.abs() / 2.0 } else { 100.0 };
        let half_m = [half(b[0] - a[0]), half(b[1] - a[1])];
        let width_px = if width_px.is_finite() {
            width_px.max(50.0)
        } else {
            800.0
        };
        let px_per_m = (width_px - 2.0 * PAD_PX) / (2.0 * half_m[0]);
        let height_px = 2.0 * PAD_PX + 2.0 * half_m[1] * px_per_m;
        SvgMap {
            proj,
            half_m,
            px_per_m,
            width_px,
            height_px,
            layers: Vec::new(),
        }
    }

    /// Width and height of the map in px.
    pub fn size_px(&self) -> (f64, f64) {
        (self.width_px, self.height_px)
    }

    /// Adds a layer drawn above the earlier ones: a group with `data-layer="{key}"`, painted
    /// with `style`, titled `label` (also its legend entry). It is written even when empty.
    pub fn layer(&mut self, key: &str, label: &str, style: Style) -> LayerId {
        self.add(key, label, style, None)
    }

    /// Adds a sub-layer inside `parent` (drawn after the parent's own shapes and earlier
    /// sub-layers) with its own style and legend entry — e.g. one colour per amenity category.
    pub fn sublayer(&mut self, parent: LayerId, key: &str, label: &str, style: Style) -> LayerId {
        let parent = (parent.0 < self.layers.len()).then_some(parent.0);
        self.add(key, label, style, parent)
    }

    fn add(&mut self, key: &str, label: &str, style: Style, parent: Option<usize>) -> LayerId {
        let (key, label, body) = (key.to_string(), label.to_string(), String::new());
        self.layers.push(Layer {
            key,
            label,
            style,
            parent,
            hidden: false,
            background: false,
            body,
        });
        LayerId(self.layers.len() - 1)
    }

    /// Boxes `[x0, y0, x1, y1]` (px) of the scale bar (bottom left) and the north arrow (top
    /// right), for labels to keep clear of.
    pub fn furniture_px(&self) -> [[f64; 4]; 2] {
        let (w, h) = (self.width_px, self.height_px);
        let (len_m, _) = scale_bar_m(2.0 * self.half_m[0] / 5.0);
        let bar = [
            0.0,
            h - PAD_PX - 26.0,
            PAD_PX + 16.0 + len_m * self.px_per_m,
            h,
        ];
        let arrow = [w - PAD_PX - 26.0, 0.0, w, PAD_PX + 34.0];
        [bar, arrow]
    }

    /// Hides a layer until its legend entry is clicked (its legend entry is shown as off).
    pub fn hide(&mut self, layer: LayerId) {
        if let Some(l) = self.layers.get_mut(layer.0) {
            l.hidden = true;
        }
    }

    /// Leaves a layer (and its sub-layers) out of the legend: background a reader needs no key
    /// for, such as water or labels.
    pub fn background(&mut self, layer: LayerId) {
        if let Some(l) = self.layers.get_mut(layer.0) {
            l.background = true;
        }
    }

    /// lon/lat → px in this map's view box; `None` for non-finite input.
    pub fn to_px(&self, at: Coord<f64>) -> Option<(f64, f64)> {
        self.project(at)
    }

    /// Writes `text` centred on `at_px`, rotated by `angle_deg` (clockwise) about it, with
    /// `font_px` and an SVG `class`; a white halo keeps it legible over the map.
    pub fn text(
        &mut self,
        layer: LayerId,
        at_px: (f64, f64),
        angle_deg: f64,
        font_px: f64,
        class: &str,
        text: &str,
    ) {
        let (x, y) = (num(at_px.0, 10.0), num(at_px.1, 10.0));
        let rotate = if angle_deg.abs() >= 0.5 {
            format!(r#" transform="rotate({} {x} {y})""#, num(angle_deg, 1.0))
        } else {
            String::new()
        };
        let Some(l) = self.layers.get_mut(layer.0) else {
            return;
        };
        let _ = write!(
            l.body,
            r#"<text class="{}" x="{x}" y="{y}"{rotate} font-size="{}" text-anchor="middle" dominant-baseline="central" paint-order="stroke">{}</text>"#,
            escape(class),
            num(font_px, 10.0),
            escape(text)
        );
    }

    /// A numbered marker at `at`: a disc in the layer's style with `label` (e.g. `1`) on it,
    /// widened for longer labels (`1–4`).
    pub fn marker(&mut self, layer: LayerId, at: Coord<f64>, label: &str, title: Option<&str>) {
        let Some(p) = self.project(at) else { return };
        let Some(l) = self.layers.get(layer.0) else {
            return;
        };
        let r = Some(l.style.radius_px).filter(|&r| r > 0.0).unwrap_or(7.0);
        // Wide enough for the label (digits are about 0.75 r wide at this font size).
        let r = r.max(r * (0.375 * label.chars().count() as f64 + 0.35));
        if !self.visible(&[p]) {
            return;
        }
        let (x, y) = (num(p.0, 10.0), num(p.1, 10.0));
        let open = format!(
            r##"<g class="marker"><circle cx="{x}" cy="{y}" r="{}"/><text x="{x}" y="{y}" font-size="{}" font-weight="700" text-anchor="middle" dominant-baseline="central" fill="#111" stroke="none">{}</text"##,
            num(r, 10.0),
            num(r * 1.3, 10.0),
            escape(label)
        );
        let Some(l) = self.layers.get_mut(layer.0) else {
            return;
        };
        l.body.push_str(&open);
        match title {
            Some(t) => {
                let _ = write!(l.body, "><title>{}</title></g>", escape(t));
            }
            None => l.body.push_str("></g>"),
        }
    }

    /// Draws a line (a `<path>`); non-finite points are skipped, fewer than 2 points draw nothing.
    pub fn line(&mut self, layer: LayerId, line: &LineString<f64>, title: Option<&str>) {
        let pts = thin(&self.project_all(&line.0), false);
        if pts.len() >= 2 && self.visible(&pts) {
            let mut d = String::new();
            push_subpath(&mut d, &pts, false);
            self.push(layer, &format!(r#"<path d="{d}""#), "path", title);
        }
    }

    /// Draws an area: one `<path fill-rule="evenodd">` per polygon, its holes as subpaths.
    pub fn area(&mut self, layer: LayerId, area: &MultiPolygon<f64>, title: Option<&str>) {
        for polygon in area {
            let exterior = thin(&self.project_all(&polygon.exterior().0), true);
            if exterior.len() < 3 || !self.visible(&exterior) {
                continue;
            }
            let mut d = String::new();
            push_subpath(&mut d, &exterior, true);
            for hole in polygon.interiors() {
                let ring = thin(&self.project_all(&hole.0), true);
                if ring.len() >= 3 {
                    push_subpath(&mut d, &ring, true);
                }
            }
            self.push(
                layer,
                &format!(r#"<path d="{d}" fill-rule="evenodd""#),
                "path",
                title,
            );
        }
    }

    /// Draws a point as a `<circle>` with the layer's radius (3 px if it has none).
    pub fn point(&mut self, layer: LayerId, at: Coord<f64>, title: Option<&str>) {
        let Some(p) = self.project(at) else { return };
        let Some(l) = self.layers.get(layer.0) else {
            return;
        };
        let r = Some(l.style.radius_px).filter(|&r| r > 0.0).unwrap_or(3.0);
        let shape = l.style.shape;
        if self.visible(&[p]) {
            let tag = if shape == Shape::Circle {
                "circle"
            } else {
                "path"
            };
            self.push(layer, &shape.element(p.0, p.1, r), tag, title);
        }
    }

    /// The whole map as an `<svg class="map">` element: the layers in order, a scale bar
    /// (bottom left) and a north arrow (top right).
    pub fn to_svg(&self) -> String {
        let (w, h) = (num(self.width_px, 10.0), num(self.height_px, 10.0));
        let mut s = format!(
            r#"<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" stroke-linecap="round" stroke-linejoin="round">"#
        );
        for i in (0..self.layers.len()).filter(|&i| self.layers[i].parent.is_none()) {
            self.write_group(&mut s, i);
        }
        let (len_m, label) = scale_bar_m(2.0 * self.half_m[0] / 5.0);
        let (x0, y0) = (PAD_PX + 8.0, self.height_px - PAD_PX - 8.0);
        let x1 = num(x0 + len_m * self.px_per_m, 10.0);
        let (yt, ylabel) = (num(y0 - 4.0, 10.0), num(y0 - 7.0, 10.0));
        let (x0, y0) = (num(x0, 10.0), num(y0, 10.0));
        let _ = write!(
            s,
            r##"<g class="scale-bar" fill="#222" stroke="#222" stroke-width="1.5"><path fill="none" d="M{x0} {yt}V{y0}H{x1}V{yt}"/><text x="{x0}" y="{ylabel}" stroke="#fff" stroke-width="3" paint-order="stroke" font-size="11" font-family="sans-serif">{label}</text></g>"##
        );
        let (nx, ny) = (self.width_px - PAD_PX - 12.0, PAD_PX + 4.0);
        let _ = write!(
            s,
            r##"<g class="north-arrow" fill="#222"><path d="M{} {}l6 14-6-4-6 4Z"/><text x="{}" y="{}" text-anchor="middle" font-size="10" font-family="sans-serif">N</text></g></svg>"##,
            num(nx, 10.0),
            num(ny, 10.0),
            num(nx, 10.0),
            num(ny + 24.0, 10.0),
        );
        s
    }

    /// `<div class="legend">` with one entry per layer and sub-layer (sub-layers after their
    /// parent, with class `sub`): a small inline SVG swatch and the label.
    pub fn legend_html(&self) -> String {
        let mut s = String::from(r#"<div class="legend">"#);
        let mut order = Vec::new();
        for i in (0..self.layers.len()).filter(|&i| self.layers[i].parent.is_none()) {
            self.depth_first(i, &mut order);
        }
        for i in order {
            let l = &self.layers[i];
            let mut top = i;
            while let Some(p) = self.layers[top].parent {
                top = p; // parents come before their sub-layers: no cycles
            }
            if self.layers[top].background || !self.drawn(i) {
                continue;
            }
            let mut data = format!(r#"data-layer="{}""#, escape(&self.layers[top].key));
            if l.parent.is_some() {
                let _ = write!(data, r#" data-sublayer="{}""#, escape(&l.key));
            }
            let class = match (l.parent.is_some(), l.hidden) {
                (true, false) => "legend-item sub",
                (true, true) => "legend-item sub off",
                (false, false) => "legend-item",
                (false, true) => "legend-item off",
            };
            let st = &l.style;
            let swatch = if st.radius_px > 0.0 {
                format!("{}/>", st.shape.element(8.0, 6.0, st.radius_px.min(4.5)))
            } else if st.fill.is_some() {
                r#"<rect x="1" y="1" width="14" height="10"/>"#.to_string()
            } else {
                r#"<path d="M1 6H15"/>"#.to_string()
            };
            let _ = write!(
                s,
                r#"<span class="{class}" {data}><svg width="16" height="12" viewBox="0 0 16 12" aria-hidden="true"{}>{swatch}</svg>{}</span>"#,
                st.attrs(false),
                escape(&l.label)
            );
        }
        s.push_str("</div>");
        s
    }

    /// Whether layer `i` or one of its sub-layers has a shape on the map: the legend lists
    /// only those (a layer made but left empty is still written, for the page's toggles).
    fn drawn(&self, i: usize) -> bool {
        !self.layers[i].body.is_empty()
            || (0..self.layers.len()).any(|c| self.layers[c].parent == Some(i) && self.drawn(c))
    }

    fn depth_first(&self, i: usize, out: &mut Vec<usize>) {
        out.push(i);
        for c in (0..self.layers.len()).filter(|&c| self.layers[c].parent == Some(i)) {
            self.depth_first(c, out);
        }
    }

    fn write_group(&self, s: &mut String, i: usize) {
        let l = &self.layers[i];
        let (class, attr) = if l.parent.is_none() {
            ("layer", "data-layer")
        } else {
            ("sublayer", "data-sublayer")
        };
        let hidden = if l.hidden {
            r#" style="display:none""#
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<g class="{class}" {attr}="{}"{}{hidden}>"#,
            escape(&l.key),
            l.style.attrs(l.parent.is_some())
        );
        let _ = write!(s, "<title>{}</title>{}", escape(&l.label), l.body);
        for c in (0..self.layers.len()).filter(|&c| self.layers[c].parent == Some(i)) {
            self.write_group(s, c);
        }
        s.push_str("</g>");
    }

    /// Appends `open` (an element's start without `>`) closed with a title or `/>`.
    fn push(&mut self, layer: LayerId, open: &str, tag: &str, title: Option<&str>) {
        let Some(l) = self.layers.get_mut(layer.0) else {
            return;
        };
        l.body.push_str(open);
        match title {
            Some(t) => {
                let _ = write!(l.body, "><title>{}</title></{tag}>", escape(t));
            }
            None => l.body.push_str("/>"),
        }
    }

    /// lon/lat → px; `None` for non-finite input.
    fn project(&self, c: Coord<f64>) -> Option<(f64, f64)> {
        if !(c.x.is_finite() && c.y.is_finite()) {
            return None;
        }
        let m = self.proj.project(c);
        let x = PAD_PX + (m[0] + self.half_m[0]) * self.px_per_m;
        let y = PAD_PX + (self.half_m[1] - m[1]) * self.px_per_m;
        Some((x, y))
    }

    fn project_all(&self, coords: &[Coord<f64>]) -> Vec<(f64, f64)> {
        coords.iter().filter_map(|&c| self.project(c)).collect()
    }

    /// Whether the pixel bounding box of `pts` meets the view box (plus a margin).
    fn visible(&self, pts: &[(f64, f64)]) -> bool {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in pts {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        let m = CULL_MARGIN_PX;
        x1 >= -m && y1 >= -m && x0 <= self.width_px + m && y0 <= self.height_px + m
    }
}

/// Drops points closer than [`MIN_STEP_PX`] to the previous kept one. Lines keep their first
/// and last points; rings lose their closing duplicate and keep at least 3 points when they
/// had 3.
fn thin(pts: &[(f64, f64)], ring: bool) -> Vec<(f64, f64)> {
    let mut pts = pts;
    if ring && pts.len() > 1 && pts.first() == pts.last() {
        pts = &pts[..pts.len() - 1];
    }
    let Some(&first) = pts.first() else {
        return Vec::new();
    };
    let near = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).hypot(a.1 - b.1) < MIN_STEP_PX;
    let mut out = vec![first];
    for &p in &pts[1..] {
        if !near(p, out[out.len() - 1]) {
            out.push(p);
        }
    }
    let last = pts[pts.len() - 1];
    if !ring && pts.len() > 1 && out[out.len() - 1] != last {
        if out.len() > 1 {
            let n = out.len();
            out[n - 1] = last;
        } else {
            out.push(last);
        }
    }
    if ring && out.len() < 3 && pts.len() >= 3 {
        let n = pts.len();
        out = vec![pts[0], pts[n / 3], pts[2 * n / 3]];
    }
    out
}

/// Appends `M x y L x y x y …` (and `Z` for rings) with 0.1 px coordinates.
fn push_subpath(d: &mut String, pts: &[(f64, f64)], ring: bool) {
    for (i, &(x, y)) in pts.iter().enumerate() {
        let sep = match i {
            0 => "M",
            1 => "L",
            _ => " ",
        };
        let _ = write!(d, "{sep}{} {}", num(x, 10.0), num(y, 10.0));
    }
    if ring {
        d.push('Z');
    }
}

/// `v` rounded to 1/`per` without a trailing `.0` and without `-0`.
fn num(v: f64, per: f64) -> String {
    let r = (v * per).round() / per;
    if r == 0.0 || !r.is_finite() {
        "0".to_string()
    } else {
        format!("{r}")
    }
}

/// The largest 1-2-5 length not above `target_m` (at least 0.1 m), with its label.
fn scale_bar_m(target_m: f64) -> (f64, String) {
    let mut len = 0.1;
    for exp in -1..8 {
        for step in [1.0, 2.0, 5.0] {
            let l = step * 10f64.powi(exp);
            if l <= target_m {
                len = l;
            }
        }
    }
    let label = if len >= 1000.0 {
        format!("{} km", num(len / 1000.0, 10.0))
    } else {
        format!("{} m", num(len, 10.0))
    };
    (len, label)
}

/// Escapes text for SVG/HTML content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use geo::{Polygon, coord, line_string, polygon};

    use super::*;

    /// About 1.9 km × 1.1 km around (120.0, 31.0).
    fn map() -> SvgMap {
        SvgMap::new(
            Rect::new(
                coord! { x: 119.99, y: 30.995 },
                coord! { x: 120.01, y: 31.005 },
            ),
            800.0,
        )
    }

    /// The layers of an SVG, without the scale bar and north arrow.
    fn layers(svg: &str) -> &str {
        svg.split(r#"<g class="scale-bar""#).next().unwrap()
    }

    /// The `d` of the first `<path>`.
    fn first_d(svg: &str) -> &str {
        svg.split("<path d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
    }

    #[test]
    fn corners_map_inside_the_view_box_with_y_flipped() {
        let m = map();
        let (w, h) = m.size_px();
        let aspect = 0.01 / (0.02 * 31f64.to_radians().cos());
        assert!(
            ((h - 2.0 * PAD_PX) / (w - 2.0 * PAD_PX) - aspect).abs() < 1e-9,
            "{w}×{h}"
        );
        let sw = m.project(coord! { x: 119.99, y: 30.995 }).unwrap();
        let ne = m.project(coord! { x: 120.01, y: 31.005 }).unwrap();
        for (x, y) in [sw, ne] {
            assert!(x >= 0.0 && x <= w && y >= 0.0 && y <= h, "({x}, {y})");
        }
        assert!((sw.0 - PAD_PX).abs() < 1e-6 && (ne.0 - (w - PAD_PX)).abs() < 1e-6);
        assert!(sw.1 > ne.1, "north is up");
        assert!(m.project(coord! { x: f64::NAN, y: 31.0 }).is_none());
    }

    #[test]
    fn a_polygon_with_a_hole_is_one_evenodd_path_with_two_subpaths() {
        let mut m = map();
        let l = m.layer("walk5", "5 min", Style::area("#3b82f6", 0.25));
        let p: Polygon = polygon!(
            exterior: [(x: 119.995, y: 30.998), (x: 120.005, y: 30.998), (x: 120.005, y: 31.002), (x: 119.995, y: 31.002)],
            interiors: [[(x: 119.999, y: 30.999), (x: 120.001, y: 30.999), (x: 120.001, y: 31.001), (x: 119.999, y: 31.001)]],
        );
        m.area(l, &MultiPolygon::new(vec![p]), Some("band"));
        let svg = m.to_svg();
        assert_eq!(layers(&svg).matches("<path d=\"M").count(), 1, "{svg}");
        let d = first_d(&svg);
        assert_eq!(
            (d.matches('M').count(), d.matches('Z').count()),
            (2, 2),
            "{d}"
        );
        assert!(svg.contains(r#"fill-rule="evenodd"><title>band</title></path>"#));
        assert!(svg.contains(r##"fill="#3b82f6" fill-opacity="0.25""##));
    }

    #[test]
    fn empty_layers_are_still_written_but_not_in_the_legend() {
        let mut m = map();
        let roads = m.layer("roads", "Roads", Style::line("#888", 1.0));
        let am = m.layer("amenities", "Amenities", Style::dot("#e11d48", 3.0));
        let shops = m.sublayer(am, "shop", "Shops", Style::dot("#16a34a", 3.0));
        m.point(shops, coord! { x: 120.0, y: 31.0 }, None);
        m.line(roads, &LineString::new(vec![]), None);
        m.area(roads, &MultiPolygon::new(vec![]), None);
        let svg = m.to_svg();
        assert!(svg.contains(r##"<g class="layer" data-layer="roads" fill="none" stroke="#888" stroke-width="1"><title>Roads</title></g>"##));
        let shop_at = svg.find(r#"data-sublayer="shop""#).unwrap();
        assert!(svg.find(r#"data-layer="amenities""#).unwrap() < shop_at);
        assert!(
            svg[shop_at..].contains(r##"fill-opacity="1" stroke="#fff""##),
            "reset"
        );
        assert!(svg[shop_at..].contains(r#"<circle cx="400" cy=""#));
        let legend = m.legend_html();
        // Amenities and its drawn sub-layer; not the empty roads.
        assert_eq!(
            legend.matches("<span class=\"legend-item").count(),
            2,
            "{legend}"
        );
        assert!(!legend.contains("data-layer=\"roads\""), "{legend}");
        assert!(
            legend
                .contains(r#"class="legend-item sub" data-layer="amenities" data-sublayer="shop""#)
        );
    }

    #[test]
    fn shapes_outside_are_culled_and_nan_skipped() {
        let mut m = map();
        let l = m.layer("roads", "Roads", Style::line("#888", 1.0));
        m.line(
            l,
            &line_string![(x: 121.0, y: 32.0), (x: 121.1, y: 32.1)],
            None,
        );
        m.point(l, coord! { x: 100.0, y: 31.0 }, None);
        m.point(l, coord! { x: f64::NAN, y: 31.0 }, None);
        let svg = m.to_svg();
        assert!(
            !layers(&svg).contains("<path") && !svg.contains("<circle"),
            "{svg}"
        );
        // Crossing the map: kept, NaN vertex dropped, sub-pixel steps merged, ends kept.
        let crossing = line_string![
            (x: 119.0, y: 31.0), (x: f64::NAN, y: 31.0), (x: 120.0, y: 31.0), (x: 120.000001, y: 31.0), (x: 121.0, y: 31.0)
        ];
        m.line(l, &crossing, Some("x"));
        let svg = m.to_svg();
        let d = first_d(&svg);
        assert_eq!(d, "M-39200 235L400 235 40000 235", "three points");
    }

    #[test]
    fn ten_thousand_roads_stay_small() {
        let mut m = map();
        let l = m.layer("roads", "Roads", Style::line("#888", 1.0));
        for i in 0..10_000 {
            // 20-vertex roads every ~1 m apart along them, half of them outside the map.
            let (x0, y0) = (
                119.98 + (i % 100) as f64 * 0.0004,
                30.99 + (i / 100) as f64 * 0.0002,
            );
            let road = (0..20)
                .map(|k| coord! { x: x0 + k as f64 * 1e-5, y: y0 })
                .collect();
            m.line(l, &LineString::new(road), None);
        }
        let svg = m.to_svg();
        assert!(svg.len() < 400_000, "{} bytes", svg.len());
    }

    #[test]
    fn text_is_escaped() {
        let mut m = map();
        let l = m.layer("a\"b", "Tom & Jerry's <shop>", Style::dot("#000", 2.0));
        m.point(l, coord! { x: 120.0, y: 31.0 }, Some("<\"&'>"));
        let (svg, legend) = (m.to_svg(), m.legend_html());
        assert!(svg.contains("<title>&lt;&quot;&amp;&#39;&gt;</title>"));
        assert!(svg.contains(r#"data-layer="a&quot;b""#));
        assert!(legend.contains("Tom &amp; Jerry&#39;s &lt;shop&gt;</span>"));
        assert!(!legend.contains("<shop>"));
    }

    #[test]
    fn output_is_deterministic() {
        let build = || {
            let mut m = map();
            let l = m.layer(
                "bus",
                "Bus lines",
                Style::line("#f59e0b", 2.0).dashed("4 2"),
            );
            m.line(
                l,
                &line_string![(x: 119.995, y: 30.999), (x: 120.003, y: 31.003)],
                Some("1"),
            );
            (m.to_svg(), m.legend_html())
        };
        assert_eq!(build(), build());
        assert!(build().0.contains(r#"stroke-dasharray="4 2""#));
    }

    #[test]
    fn degenerate_boxes_do_not_panic() {
        let c = coord! { x: 120.0, y: 31.0 };
        for bbox in [
            Rect::new(c, c),
            Rect::new(coord! { x: f64::NAN, y: 0.0 }, c),
        ] {
            let mut m = SvgMap::new(bbox, f64::NAN);
            let (w, h) = m.size_px();
            assert!(w > 0.0 && h > 0.0 && (h - w).abs() < 1.0, "{w}×{h}");
            let l = m.layer("x", "x", Style::dot("#000", 2.0));
            m.point(l, c, None);
            assert!(m.to_svg().contains(">20 m</text>"), "{}", m.to_svg());
        }
    }

    #[test]
    fn scale_bar_picks_a_round_length() {
        assert_eq!(scale_bar_m(430.0), (200.0, "200 m".to_string()));
        assert_eq!(scale_bar_m(999.0), (500.0, "500 m".to_string()));
        assert_eq!(scale_bar_m(1000.0), (1000.0, "1 km".to_string()));
        assert_eq!(scale_bar_m(4400.0), (2000.0, "2 km".to_string()));
        assert_eq!(scale_bar_m(0.0).0, 0.1);
        // The 1.9 km wide map: 1/5 is about 380 m → 200 m.
        assert!(map().to_svg().contains(">200 m</text>"));
    }
}
