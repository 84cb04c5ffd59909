//! What the report's maps draw besides roads, so that a reader can place them: water (areas
//! and rivers), railways and named places (`place=*` nodes). Kept lean for large extracts:
//! geometry and the name tags only, and only the tag values listed here (see
//! [`keep_map_tag`]); tunnels are not drawn because the `tunnel` key is not kept, so
//! underground railways (`railway=subway`) are left out altogether.

use geo::{Coord, LineString, MultiPolygon};

use super::Tags;

/// `railway=*` values drawn on the maps.
const RAILWAYS: &[&str] = &["rail", "light_rail", "narrow_gauge", "monorail"];
/// `waterway=*` values drawn as lines.
const WATERWAY_LINES: &[&str] = &["river", "canal", "stream"];
/// `natural=*` values drawn as water areas.
const NATURAL_WATER: &[&str] = &["water", "wetland"];

/// Whether a tag that `tags::keep_key` would drop is kept for the maps: every `place`, and
/// `railway`, `waterway` and `natural` with a value drawn here.
pub fn keep_map_tag(key: &str, value: &str) -> bool {
    match key {
        "place" => true,
        "railway" => RAILWAYS.contains(&value),
        "waterway" => WATERWAY_LINES.contains(&value) || value == "riverbank",
        "natural" => NATURAL_WATER.contains(&value),
        _ => false,
    }
}

/// A `place=*` node with a name.
#[derive(Clone, Debug)]
pub struct PlaceNode {
    /// Where it is.
    pub location: Coord,
    /// The `place` value: `city`, `town`, `suburb`, `quarter`, `neighbourhood`, `village`, …
    pub kind: Box<str>,
    /// Its tags (names in every language kept).
    pub tags: Tags,
}

/// A named line (a river or a railway).
#[derive(Clone, Debug)]
pub struct NamedLine {
    /// Its geometry.
    pub line: LineString,
    /// Its name (`name`), if any.
    pub name: Option<Box<str>>,
}

/// The map layers read from the extract.
#[derive(Clone, Debug, Default)]
pub struct MapData {
    /// Water areas: `natural=water|wetland`, `waterway=riverbank`, `landuse=reservoir|basin`.
    pub water_areas: Vec<MultiPolygon>,
    /// Rivers, canals and streams.
    pub waterways: Vec<NamedLine>,
    /// Railways on the surface.
    pub railways: Vec<NamedLine>,
    /// Named places.
    pub places: Vec<PlaceNode>,
}

impl MapData {
    /// Appends another part's features (file order kept by the caller).
    pub(super) fn extend(&mut self, other: MapData) {
        self.water_areas.extend(other.water_areas);
        self.waterways.extend(other.waterways);
        self.railways.extend(other.railways);
        self.places.extend(other.places);
    }
}

/// Whether an area's tags make it water.
pub(super) fn is_water_area(tags: &Tags) -> bool {
    tags.get("natural")
        .is_some_and(|v| NATURAL_WATER.contains(&v))
        || tags.is("waterway", "riverbank")
        || matches!(tags.get("landuse"), Some("reservoir" | "basin"))
}

/// What a way adds to the maps: a water area when it is closed and water, a river or a
/// railway line. `polygon` is the way as an area when it is closed.
pub(super) fn from_way(tags: &Tags, coords: &[Coord], polygon: Option<&MultiPolygon>) -> MapData {
    let mut out = MapData::default();
    let name = || tags.get("name").map(Box::from);
    if let (true, Some(p)) = (is_water_area(tags), polygon) {
        out.water_areas.push(p.clone());
    }
    if coords.len() >= 2 {
        if tags
            .get("waterway")
            .is_some_and(|v| WATERWAY_LINES.contains(&v))
        {
            out.waterways.push(NamedLine {
                line: LineString::new(coords.to_vec()),
                name: name(),
            });
        }
        if tags.get("railway").is_some_and(|v| RAILWAYS.contains(&v)) {
            out.railways.push(NamedLine {
                line: LineString::new(coords.to_vec()),
                name: name(),
            });
        }
    }
    out
}

/// Whether a way's tags matter to the maps at all.
pub(super) fn is_map_way(tags: &Tags) -> bool {
    is_water_area(tags)
        || tags
            .get("waterway")
            .is_some_and(|v| WATERWAY_LINES.contains(&v))
        || tags.get("railway").is_some_and(|v| RAILWAYS.contains(&v))
}

/// A named `place=*` node, if the tags make one.
pub(super) fn place_node(tags: &Tags, location: Coord) -> Option<PlaceNode> {
    let kind = tags.get("place")?;
    tags.name()?;
    Some(PlaceNode {
        location,
        kind: kind.into(),
        tags: tags.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_values_the_maps_draw() {
        assert!(keep_map_tag("place", "suburb") && keep_map_tag("railway", "rail"));
        assert!(keep_map_tag("natural", "water") && keep_map_tag("waterway", "river"));
        assert!(!keep_map_tag("natural", "tree") && !keep_map_tag("railway", "level_crossing"));
        assert!(!keep_map_tag("railway", "subway") && !keep_map_tag("tunnel", "yes"));
    }

    #[test]
    fn ways_become_water_rivers_and_railways() {
        let c = |x: f64, y: f64| Coord { x, y };
        let line = [c(0.0, 0.0), c(1.0, 0.0)];
        let river = from_way(
            &Tags::new([("waterway", "river"), ("name", "秦淮河")]),
            &line,
            None,
        );
        assert_eq!(river.waterways.len(), 1);
        assert_eq!(river.waterways[0].name.as_deref(), Some("秦淮河"));
        let rail = from_way(&Tags::new([("railway", "rail")]), &line, None);
        assert_eq!(rail.railways.len(), 1);
        let ring = [c(0.0, 0.0), c(1.0, 0.0), c(1.0, 1.0), c(0.0, 0.0)];
        let p = MultiPolygon(vec![geo::Polygon::new(
            LineString::new(ring.to_vec()),
            vec![],
        )]);
        let lake = from_way(&Tags::new([("natural", "water")]), &ring, Some(&p));
        assert_eq!(lake.water_areas.len(), 1);
        assert!(
            from_way(&Tags::new([("highway", "primary")]), &line, None)
                .railways
                .is_empty()
        );
        assert!(place_node(&Tags::new([("place", "suburb")]), c(0.0, 0.0)).is_none());
        assert!(
            place_node(
                &Tags::new([("place", "suburb"), ("name", "新街口")]),
                c(0.0, 0.0)
            )
            .is_some()
        );
    }
}
