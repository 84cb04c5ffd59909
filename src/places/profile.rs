//! Amenity profiles as data: which OSM features count as a facility of which category, whether
//! the category is required for the life circle, and its walking threshold. Two profiles are
//! embedded (`profiles/park.toml`, `profiles/gb50180.toml`); a planner's own file is read the
//! same way. Unknown keys are errors that name the key and the line.

use std::path::Path;

use crate::error::{Error, Result};
use crate::osm::Tags;

/// The embedded profiles: `(name, TOML text)`.
pub const EMBEDDED: [(&str, &str); 2] = [
    ("park", include_str!("profiles/park.toml")),
    ("gb50180", include_str!("profiles/gb50180.toml")),
];

/// Which zones a profile evaluates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ZoneKind {
    /// Industrial parks.
    Parks,
    /// Residential areas.
    Residential,
}

/// One condition: `key` has one of `values` (any value when empty).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Condition {
    key: String,
    values: Vec<String>,
}

/// A tag filter: all conditions must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagFilter(Vec<Condition>);

impl TagFilter {
    /// Parses `key=value`, `key=v1|v2`, `key=*`, `key`, joined by ` & `.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |hint: &str| Error::InvalidValue {
            what: "tag filter",
            value: text.to_string(),
            hint: hint.to_string(),
        };
        let mut conditions = Vec::new();
        for part in text.split('&') {
            let part = part.trim();
            let (key, values) = part.split_once('=').unwrap_or((part, "*"));
            let key = key.trim();
            if key.is_empty() {
                return Err(bad(
                    "write key=value, key=v1|v2, key=* or several joined by ' & '",
                ));
            }
            let values: Vec<String> = if values.trim() == "*" {
                Vec::new()
            } else {
                values.split('|').map(|v| v.trim().to_string()).collect()
            };
            if values.iter().any(String::is_empty) {
                return Err(bad("a value is empty"));
            }
            conditions.push(Condition {
                key: key.to_string(),
                values,
            });
        }
        Ok(TagFilter(conditions))
    }

    /// Whether `tags` pass the filter.
    pub fn matches(&self, tags: &Tags) -> bool {
        self.0.iter().all(|c| match tags.get(&c.key) {
            Some(v) => c.values.is_empty() || c.values.iter().any(|w| w == v),
            None => false,
        })
    }
}

/// A facility category.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    /// Short id (`food`, `parcel`, …).
    pub id: String,
    /// English label.
    pub en: String,
    /// Chinese label.
    pub zh: String,
    /// Whether the category counts towards the life-circle share.
    pub required: bool,
    /// Walking-time threshold, minutes.
    pub minutes: Option<f64>,
    /// Network-distance threshold, metres.
    pub metres: Option<f64>,
    /// Tag filters (any).
    pub filters: Vec<TagFilter>,
    /// Amap type-code prefixes (`05`, `0601`, `141204`) of an Amap export's rows.
    pub amap: Vec<String>,
    /// Baidu industry tags (`美食`, `购物;超市`) of a Baidu export's rows.
    pub baidu: Vec<String>,
}

impl Category {
    /// The threshold as walking time in ms at `walk_kmh` (the stricter of minutes and metres).
    pub fn threshold_ms(&self, walk_kmh: f64) -> u32 {
        let by_time = self.minutes.map(|m| m * 60_000.0);
        let by_distance = self.metres.map(|m| m / (walk_kmh / 3.6) * 1000.0);
        let ms = match (by_time, by_distance) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => 15.0 * 60_000.0,
        };
        ms.round() as u32
    }

    /// Whether a feature's tags make it a facility of this category.
    pub fn matches(&self, tags: &Tags) -> bool {
        self.filters.iter().any(|f| f.matches(tags))
    }

    /// The threshold for people: "15 min", "300 m", or "15 min / 1000 m".
    pub fn threshold_label(&self) -> String {
        match (self.minutes, self.metres) {
            (Some(t), Some(d)) => format!("{t} min / {d} m"),
            (None, Some(d)) => format!("{d} m"),
            (Some(t), None) => format!("{t} min"),
            (None, None) => "15 min".into(),
        }
    }
}

/// An amenity profile.
#[derive(Clone, Debug, PartialEq)]
pub struct AmenityProfile {
    /// Name.
    pub name: String,
    /// One line for people.
    pub description: String,
    /// Which zones it evaluates.
    pub zones: ZoneKind,
    /// Categories, in file order.
    pub categories: Vec<Category>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: String,
    #[serde(default)]
    description: String,
    zones: ZoneKind,
    category: Vec<CategoryFile>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryFile {
    id: String,
    en: String,
    zh: String,
    required: bool,
    minutes: Option<f64>,
    metres: Option<f64>,
    tags: Vec<String>,
    #[serde(default)]
    amap: Vec<String>,
    #[serde(default)]
    baidu: Vec<String>,
}

impl AmenityProfile {
    /// An embedded profile by name, or a TOML file by path.
    pub fn load(name_or_path: &str) -> Result<Self> {
        if let Some((_, text)) = EMBEDDED.iter().find(|(n, _)| *n == name_or_path) {
            return Self::from_toml(text, name_or_path);
        }
        if name_or_path.ends_with(".toml") {
            let path = Path::new(name_or_path);
            let text = std::fs::read_to_string(path).map_err(|cause| Error::Io {
                path: path.to_path_buf(),
                action: crate::error::IoAction::Read,
                cause,
            })?;
            return Self::from_toml(&text, name_or_path);
        }
        let known: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
        Err(Error::InvalidValue {
            what: "profile",
            value: name_or_path.to_string(),
            hint: format!(
                "no such built-in profile; the built-in profiles are {}, or give the path of a .toml profile file",
                known.join(", ")
            ),
        })
    }

    /// Parses a profile; `source` names it in errors.
    pub fn from_toml(text: &str, source: &str) -> Result<Self> {
        let file: ProfileFile = toml::from_str(text).map_err(|e| Error::InvalidValue {
            what: "profile file",
            value: source.to_string(),
            hint: e.to_string().replace('\n', " ").trim().to_string(),
        })?;
        let mut categories = Vec::with_capacity(file.category.len());
        for c in file.category {
            if categories.iter().any(|k: &Category| k.id == c.id) {
                return Err(Error::InvalidValue {
                    what: "profile file",
                    value: source.to_string(),
                    hint: format!("category '{}' appears twice", c.id),
                });
            }
            let bad_minutes = c.minutes.is_some_and(|m| !(m > 0.0 && m <= 120.0));
            let bad_metres = c.metres.is_some_and(|m| !(m > 0.0 && m <= 10_000.0));
            if bad_minutes || bad_metres {
                return Err(Error::InvalidValue {
                    what: "profile file",
                    value: source.to_string(),
                    hint: format!(
                        "category '{}' has minutes = {:?} / metres = {:?}; give minutes above 0 to 120 and metres above 0 to 10000",
                        c.id, c.minutes, c.metres
                    ),
                });
            }
            let filters = c
                .tags
                .iter()
                .map(|t| TagFilter::parse(t))
                .collect::<Result<Vec<_>>>()?;
            categories.push(Category {
                id: c.id,
                en: c.en,
                zh: c.zh,
                required: c.required,
                minutes: c.minutes,
                metres: c.metres,
                filters,
                amap: c.amap,
                baidu: c.baidu,
            });
        }
        if categories.is_empty() {
            return Err(Error::InvalidValue {
                what: "profile file",
                value: source.to_string(),
                hint: "it has no [[category]]".into(),
            });
        }
        Ok(AmenityProfile {
            name: file.name,
            description: file.description,
            zones: file.zones,
            categories,
        })
    }

    /// The category of an Amap export's row: the longest `amap` prefix of any of its type
    /// codes (`050100`, or several joined by `|`).
    pub fn category_of_amap(&self, typecode: &str) -> Option<usize> {
        // Excel drops the leading zero of `050301`: six-digit codes are restored.
        let codes: Vec<String> = typecode
            .split('|')
            .map(|c| format!("{:0>6}", c.trim()))
            .collect();
        self.longest_match(
            |c| &c.amap,
            |p| codes.iter().any(|code| code.starts_with(p)),
        )
    }

    /// The category of a Baidu export's row: the longest `baidu` tag that is its first-level
    /// tag or its `first;second` pair (`美食;中餐厅` → `美食`).
    pub fn category_of_baidu(&self, tag: &str) -> Option<usize> {
        let parts: Vec<&str> = tag.split([';', '；']).map(str::trim).collect();
        self.longest_match(
            |c| &c.baidu,
            |p| {
                let wanted: Vec<&str> = p.split(';').collect();
                parts.len() >= wanted.len() && parts[..wanted.len()] == wanted[..]
            },
        )
    }

    /// The category with the longest pattern that `matches` (ties: file order).
    fn longest_match(
        &self,
        patterns: impl Fn(&Category) -> &Vec<String>,
        matches: impl Fn(&str) -> bool,
    ) -> Option<usize> {
        self.categories
            .iter()
            .enumerate()
            .flat_map(|(i, c)| patterns(c).iter().map(move |p| (i, p)))
            .filter(|(_, p)| matches(p))
            .max_by_key(|&(i, p)| (p.chars().count(), std::cmp::Reverse(i)))
            .map(|(i, _)| i)
    }

    /// The index of a category by id, English or Chinese label (case-insensitive).
    pub fn category_index(&self, name: &str) -> Option<usize> {
        let n = name.trim();
        self.categories
            .iter()
            .position(|c| c.id.eq_ignore_ascii_case(n) || c.en.eq_ignore_ascii_case(n) || c.zh == n)
    }

    /// Replaces every minutes threshold by `minutes` (the `--minutes` option).
    pub fn with_minutes(mut self, minutes: f64) -> Self {
        for c in &mut self.categories {
            if c.minutes.is_some() {
                c.minutes = Some(minutes);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_profiles_parse() {
        let park = AmenityProfile::load("park").unwrap();
        assert_eq!(park.zones, ZoneKind::Parks);
        let required: Vec<&str> = park
            .categories
            .iter()
            .filter(|c| c.required)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(
            required,
            ["food", "lodging", "shopping", "culture_sports", "parcel"]
        );
        let gb = AmenityProfile::load("gb50180").unwrap();
        assert_eq!(gb.zones, ZoneKind::Residential);
        assert!(gb.categories.iter().all(|c| c.metres.is_some()));
    }

    #[test]
    fn filters_match() {
        let f = TagFilter::parse("amenity=vending & vending=parcel_pickup|parcel_mail_in").unwrap();
        assert!(f.matches(&Tags::new([
            ("amenity", "vending"),
            ("vending", "parcel_pickup")
        ])));
        assert!(!f.matches(&Tags::new([("amenity", "vending"), ("vending", "drinks")])));
        let any = TagFilter::parse("healthcare=*").unwrap();
        assert!(any.matches(&Tags::new([("healthcare", "clinic")])));
        assert!(TagFilter::parse("=x").is_err());
    }

    #[test]
    fn thresholds_in_time_and_distance() {
        let gb = AmenityProfile::load("gb50180").unwrap();
        let k = &gb.categories[gb.category_index("kindergarten").unwrap()];
        // 300 m at 3.6 km/h (1 m/s) is 300 s.
        assert_eq!(k.threshold_ms(3.6), 300_000);
        let park = AmenityProfile::load("park").unwrap().with_minutes(10.0);
        assert_eq!(park.categories[0].threshold_ms(4.5), 600_000);
    }

    #[test]
    fn unknown_keys_and_profiles_are_errors() {
        let err = AmenityProfile::from_toml("name = \"x\"\nzones = \"parks\"\ncolour = 1\n[[category]]\nid=\"a\"\nen=\"a\"\nzh=\"a\"\nrequired=true\ntags=[]\n", "mine.toml").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("mine.toml") && msg.contains("colour") && msg.contains("line 3"),
            "{msg}"
        );
        assert!(
            AmenityProfile::load("nope")
                .unwrap_err()
                .to_string()
                .contains("park, gb50180")
        );
        assert_eq!(
            AmenityProfile::load("park").unwrap().category_index("餐饮"),
            Some(0)
        );
    }

    #[test]
    fn thresholds_that_are_not_numbers_are_errors() {
        for threshold in [
            "minutes = nan",
            "minutes = inf",
            "metres = nan",
            "minutes = -1",
        ] {
            let text = format!(
                "name = \"x\"\nzones = \"parks\"\n[[category]]\nid=\"shop\"\nen=\"a\"\nzh=\"a\"\nrequired=true\n{threshold}\ntags=[]\n"
            );
            let msg = AmenityProfile::from_toml(&text, "mine.toml")
                .unwrap_err()
                .to_string();
            assert!(msg.contains("mine.toml") && msg.contains("'shop'"), "{msg}");
        }
    }
}
