//! OSM tags as read, and which of them the pipeline keeps. What a tag *means* (access, speed,
//! amenity category) is decided downstream, in `graph::profile` and the `places` profiles;
//! this file only lists the keys worth keeping and the small predicates used while reading.

/// The tags of one element, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags(Vec<(Box<str>, Box<str>)>);

impl Tags {
    /// Tags from key/value pairs.
    pub fn new<K: Into<Box<str>>, V: Into<Box<str>>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Tags(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| &**k == key).map(|(_, v)| &**v)
    }

    /// Whether `key` has exactly `value`.
    pub fn is(&self, key: &str, value: &str) -> bool {
        self.get(key) == Some(value)
    }

    /// Whether `key` is present with any value.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// All pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }

    /// Whether there are no tags.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The best display name: `name`, else `name:zh`, else `name:en`.
    pub fn name(&self) -> Option<&str> {
        ["name", "name:zh", "name:en"]
            .iter()
            .find_map(|k| self.get(k))
    }
}

/// Keys kept on every element. Everything else (addresses, sources, notes, history) is dropped
/// while reading, which keeps memory low on large extracts.
#[rustfmt::skip]
const KEPT_KEYS: &[&str] = &[
    // routing
    "highway", "junction", "oneway", "access", "foot", "vehicle", "bicycle", "motor_vehicle",
    "motorcar", "psv", "bus", "maxspeed", "area", "cycleway", "busway",
    // areas
    "landuse", "building", "building:levels", "type", "industrial", "residential",
    // points of interest
    "amenity", "shop", "tourism", "leisure", "healthcare", "office", "craft", "sport",
    "social_facility", "social_facility:for", "vending", "opening_hours", "operator", "brand",
    "capacity", "isced:level", "religion", "cuisine",
    // public transport
    "public_transport", "route", "ref", "network", "from", "to", "interval", "duration",
    // names
    "name",
];

/// Key prefixes kept on every element (`name:zh`, `oneway:bicycle`, `cycleway:left`, …).
#[rustfmt::skip]
const KEPT_PREFIXES: &[&str] = &[
    "name:", "oneway:", "cycleway:", "access:", "maxspeed:", "bus:", "psv:", "healthcare:",
];

/// Whether a key is worth keeping (see `KEPT_KEYS` and `KEPT_PREFIXES`).
pub fn keep_key(key: &str) -> bool {
    KEPT_KEYS.contains(&key) || KEPT_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// Keys that make an element a point of interest; the `places` profiles map their values to
/// categories.
#[rustfmt::skip]
pub const POI_KEYS: &[&str] = &[
    "amenity", "shop", "tourism", "leisure", "healthcare", "office", "craft", "sport",
    "social_facility",
];

/// Whether the element is a point of interest.
pub fn is_poi(tags: &Tags) -> bool {
    POI_KEYS.iter().any(|k| tags.has(k))
}

/// Whether a node is a bus stop: `highway=bus_stop`, or `public_transport=platform` /
/// `stop_position` with `bus=yes`.
pub fn is_bus_stop(tags: &Tags) -> bool {
    tags.is("highway", "bus_stop")
        || (matches!(
            tags.get("public_transport"),
            Some("platform" | "stop_position")
        ) && tags.is("bus", "yes"))
}

/// Whether a relation is a bus route (`type=route` + `route=bus`).
pub fn is_bus_route(tags: &Tags) -> bool {
    tags.is("type", "route") && tags.is("route", "bus")
}

/// Whether a relation is a multipolygon area (`type=multipolygon`).
pub fn is_multipolygon(tags: &Tags) -> bool {
    tags.is("type", "multipolygon")
}

/// The kind of area an element describes, if any: `landuse=industrial`, `landuse=residential`
/// or `building=*` (any value but `no`).
pub fn area_kind(tags: &Tags) -> Option<super::AreaKind> {
    use super::AreaKind;
    match tags.get("landuse") {
        Some("industrial") => return Some(AreaKind::Industrial),
        Some("residential") => return Some(AreaKind::Residential),
        _ => {}
    }
    match tags.get("building") {
        Some("no") | None => None,
        Some(_) => Some(AreaKind::Building),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bus_stop_rules() {
        assert!(is_bus_stop(&Tags::new([("highway", "bus_stop")])));
        assert!(is_bus_stop(&Tags::new([
            ("public_transport", "platform"),
            ("bus", "yes")
        ])));
        assert!(!is_bus_stop(&Tags::new([
            ("public_transport", "platform"),
            ("tram", "yes")
        ])));
        assert!(!is_bus_stop(&Tags::new([(
            "public_transport",
            "stop_position"
        )])));
    }

    #[test]
    fn keeps_names_and_routing_keys_only() {
        assert!(keep_key("name:zh") && keep_key("oneway:bicycle") && keep_key("highway"));
        assert!(!keep_key("addr:street") && !keep_key("source") && !keep_key("created_by"));
    }
}
