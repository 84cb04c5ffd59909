//! The two languages of the report, the workbook and the terminal (`--lang en|zh`), and the
//! one table of texts the library shows people in either: generic zone names, thresholds and
//! the reasons a worker is not carried by the bus lines.
//!
//! Files meant for scripts (CSV, JSON, GeoJSON) keep the English text; the report, the
//! workbook, the GTFS names and the terminal use the run's language.

use std::borrow::Cow;
use std::fmt;

use crate::places::Zone;

// Why a row was skipped and why a stage has no result, in either language (issue 12).
mod reasons;
pub use reasons::{RowProblem, StageFailure, listing_zh};
// The crate's errors and the library's English messages in Chinese (issue 12).
mod catalog;
mod catalog_table;
mod errors;
mod profiles;
pub use catalog::zh_message;
pub use errors::io_reason_zh;
pub use profiles::{profile_name, profile_title};

/// Report language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// 简体中文.
    Zh,
}

impl Lang {
    /// `en` or `zh` (anything else is English).
    pub fn parse(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The English or the Chinese text.
    pub fn t<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// The English name of a park that has none in OSM: "Industrial area 3".
pub fn generic_park_name(n: usize) -> String {
    format!("Industrial area {n}")
}

/// The English name of a residential area that has none in OSM: "Residential area 3".
pub fn generic_residential_name(n: usize) -> String {
    format!("Residential area {n}")
}

/// A zone's name in `lang`: its own name, or the generic one ("工业区 3", "居住区 3") when it
/// has none. Zones keep the English generic name (files for scripts use it); the number is
/// the one of its code (`P3`, `R3`).
pub fn zone_name(zone: &Zone, lang: Lang) -> Cow<'_, str> {
    if lang == Lang::En {
        return Cow::Borrowed(&zone.name);
    }
    localise_name(&zone.name, &zone.code)
}

/// A zone name given with its code, in Chinese when it is the generic name of that code.
pub fn localise_name<'a>(name: &'a str, code: &str) -> Cow<'a, str> {
    let number = code.get(1..).and_then(|n| n.parse::<usize>().ok());
    match (generic_number(name), number) {
        (Some((zh, n)), Some(m)) if n == m => Cow::Owned(format!("{zh} {n}")),
        _ => Cow::Borrowed(name),
    }
}

/// The English generic names and their Chinese: OSM parks and residential areas without a
/// name, and a planner's park outline without one.
const GENERIC_NAMES: [(&str, &str); 3] = [
    ("Industrial area ", "工业区"),
    ("Residential area ", "居住区"),
    ("Park ", "园区"),
];

/// The Chinese word and the number of a generic name.
fn generic_number(name: &str) -> Option<(&'static str, usize)> {
    GENERIC_NAMES.iter().find_map(|&(en, zh)| {
        let n = name.strip_prefix(en)?.parse::<usize>().ok()?;
        (n > 0 && name == format!("{en}{n}")).then_some((zh, n))
    })
}

/// The name of a planner's park outline without one: "Park 3".
pub fn generic_file_park_name(n: usize) -> String {
    format!("Park {n}")
}

/// A generic zone name ("Industrial area 3", "Residential area 3") in Chinese; any other
/// text unchanged. For tables that carry names without their codes (the workbook).
pub fn localise_generic_name(name: &str) -> Cow<'_, str> {
    match generic_number(name) {
        Some((zh, n)) => Cow::Owned(format!("{zh} {n}")),
        None => Cow::Borrowed(name),
    }
}

/// A walking threshold for people: "15 min", "300 m", "15 min / 1000 m" or "15分钟",
/// "300米", "15分钟 / 1000米".
pub fn threshold_label(minutes: Option<f64>, metres: Option<f64>, lang: Lang) -> String {
    let min = |t: f64| match lang {
        Lang::En => format!("{t} min"),
        Lang::Zh => format!("{t}分钟"),
    };
    let m = |d: f64| match lang {
        Lang::En => format!("{d} m"),
        Lang::Zh => format!("{d}米"),
    };
    match (minutes, metres) {
        (Some(t), Some(d)) => format!("{} / {}", min(t), m(d)),
        (None, Some(d)) => m(d),
        (Some(t), None) => min(t),
        (None, None) => min(15.0),
    }
}

/// The default title of a scenario (`[report] title`), in English.
pub const DEFAULT_TITLE: &str = "Industrial parks: life circle, commute circle and bus lines";

/// The report's title: the scenario's own, or the default one in `lang`.
pub fn report_title(title: &str, lang: Lang) -> Cow<'_, str> {
    match lang {
        Lang::Zh if title == DEFAULT_TITLE => Cow::Borrowed("产业园区：生活圈、通勤圈与预约公交"),
        _ => Cow::Borrowed(title),
    }
}

/// The date of the OSM data: "OSM data of 2024-05-01", "OSM data date unknown",
/// "OSM 数据日期：2024-05-01", "OSM 数据日期：未知".
pub fn data_date(date: Option<&str>, lang: Lang) -> String {
    match (lang, date) {
        (Lang::En, Some(d)) => format!("OSM data of {d}"),
        (Lang::En, None) => "OSM data date unknown".into(),
        (Lang::Zh, d) => format!("OSM 数据日期：{}", d.unwrap_or("未知")),
    }
}

/// The region's file for people: its path, or the embedded demo ("内置示例数据：…").
pub fn source_label(source: &std::path::Path, lang: Lang) -> String {
    let text = source.display().to_string();
    match (lang, text.strip_prefix("embedded demo: ")) {
        (Lang::Zh, Some(file)) if text == crate::osm::DEMO_NAME => format!("内置示例数据：{file}"),
        _ => text,
    }
}

/// [`source_label`] with a file's name only (the report's header: the full path, which names
/// the planner's folders, is in the Inputs section).
pub fn source_name(source: &std::path::Path, lang: Lang) -> String {
    match source.file_name() {
        Some(name) if source.to_string_lossy() != crate::osm::DEMO_NAME => {
            name.to_string_lossy().into_owned()
        }
        _ => source_label(source, lang),
    }
}

/// Where today's bus lines come from, in `lang` (a GTFS file's name is kept).
pub fn transit_source(source: &str, lang: Lang) -> Cow<'_, str> {
    match (lang, source.strip_prefix("OSM route=bus relations")) {
        (Lang::Zh, Some(rest)) => Cow::Owned(format!("OSM 公交线路关系（route=bus）{rest}")),
        // "no bus lines in the OSM data …", "GTFS …": the catalog's words.
        (Lang::Zh, None) => Cow::Owned(zh_message(source)),
        _ => Cow::Borrowed(source),
    }
}

/// The name of a park's gate stop: "Hilti gate" / "Hilti 园区门"; a name that already ends
/// in 园区 takes just 门 ("新街口园区门", not "新街口园区 园区门").
pub fn gate_name(park_name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{park_name} gate"),
        Lang::Zh if park_name.ends_with("园区") => format!("{park_name}门"),
        Lang::Zh => format!("{park_name} 园区门"),
    }
}

/// Why a worker is not carried by the bus lines. `Display` is the English text (the CSV and
/// JSON files); [`RiderReason::text`] gives either language.
#[derive(Clone, Debug, PartialEq)]
pub enum RiderReason {
    /// No walkable road near the home.
    NoWalkableRoad {
        /// The walking limit, metres.
        max_walk_m: f64,
    },
    /// The park has no road the buses may use near it.
    ParkOffBusNetwork {
        /// How far from the park a gate was looked for, metres.
        max_m: f64,
    },
    /// Roads near the home, but none the buses may use within the walking limit.
    NoBusStopInReach {
        /// The walking limit, metres.
        max_walk_m: f64,
    },
    /// The home is within walking distance of the park's gate.
    WalksToPark,
    /// The booking's arrival time would need a departure before midnight.
    ArriveTooEarly {
        /// The arrival asked for, `HH:MM`.
        arrive_by: String,
    },
    /// Stops exist within reach but none of them was chosen.
    NoStopChosen,
    /// The bus-line search left the request unserved.
    Unserved(crate::drt::instance::UnservedReason),
    /// Not carried, for no reason recorded.
    NotCarried,
}

impl RiderReason {
    /// The English text.
    pub fn en(&self) -> String {
        match self {
            RiderReason::NoWalkableRoad { max_walk_m } => {
                format!("no walkable road within {max_walk_m:.0} m")
            }
            RiderReason::ParkOffBusNetwork { max_m } => {
                format!("the park has no bus-usable road within {max_m:.0} m")
            }
            RiderReason::NoBusStopInReach { max_walk_m } => format!(
                "no stop on the bus network within {max_walk_m:.0} m walk (roads here are closed to buses or cut off from the rest of the bus network)"
            ),
            RiderReason::WalksToPark => "walks to the park".into(),
            RiderReason::ArriveTooEarly { arrive_by } => {
                format!("arrive_by {arrive_by} is too early: the bus would leave before midnight")
            }
            RiderReason::NoStopChosen => "no stop chosen within walking distance".into(),
            RiderReason::Unserved(u) => u.to_string(),
            RiderReason::NotCarried => "not carried".into(),
        }
    }

    /// The Chinese text.
    pub fn zh(&self) -> String {
        use crate::drt::instance::UnservedReason as U;
        match self {
            RiderReason::NoWalkableRoad { max_walk_m } => {
                format!("{max_walk_m:.0}米内无可步行道路")
            }
            RiderReason::ParkOffBusNetwork { max_m } => {
                format!("园区{max_m:.0}米内无公交可通行道路")
            }
            RiderReason::NoBusStopInReach { max_walk_m } => format!(
                "步行{max_walk_m:.0}米内无公交可达站点（附近道路禁止公交通行或与公交路网不连通）"
            ),
            RiderReason::WalksToPark => "步行到园".into(),
            RiderReason::ArriveTooEarly { arrive_by } => {
                format!("到达时间 {arrive_by} 过早：班车需在午夜前发车")
            }
            RiderReason::NoStopChosen => "步行范围内未设站点".into(),
            RiderReason::Unserved(U::ExceedsCapacity) => "人数超过任何车辆的座位数".into(),
            RiderReason::Unserved(U::InfeasibleAlone) => "单独成行也无车辆可服务".into(),
            RiderReason::Unserved(U::NoFeasibleInsertion) => "无法与其他预约合并安排".into(),
            RiderReason::NotCarried => "未乘车".into(),
        }
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.en(),
            Lang::Zh => self.zh(),
        }
    }
}

impl fmt::Display for RiderReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

/// Serialised as its English text, as before it was an enum.
impl serde::Serialize for RiderReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.en())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drt::instance::UnservedReason;

    #[test]
    fn generic_names_are_translated_and_own_names_kept() {
        assert_eq!(localise_name("Industrial area 9", "P9"), "工业区 9");
        assert_eq!(localise_name("Residential area 1", "R1"), "居住区 1");
        assert_eq!(localise_name("Hilti Nendeln", "P4"), "Hilti Nendeln");
        // A park whose own name looks generic but is not its generic name.
        assert_eq!(
            localise_name("Industrial area 2", "P9"),
            "Industrial area 2"
        );
        assert_eq!(localise_generic_name("Industrial area 12"), "工业区 12");
        assert_eq!(localise_generic_name("Residential area 2"), "居住区 2");
        assert_eq!(
            localise_generic_name("Industrial area 012"),
            "Industrial area 012"
        );
        assert_eq!(localise_generic_name("Industrial area"), "Industrial area");
        assert_eq!(localise_name("Park 2", "P2"), "园区 2");
        assert_eq!(localise_generic_name("Parking 2"), "Parking 2");
    }

    #[test]
    fn data_date_says_unknown_once() {
        assert_eq!(data_date(None, Lang::Zh), "OSM 数据日期：未知");
        assert_eq!(
            data_date(Some("2013-08-03"), Lang::Zh),
            "OSM 数据日期：2013-08-03"
        );
        assert_eq!(data_date(None, Lang::En), "OSM data date unknown");
        assert_eq!(
            report_title(DEFAULT_TITLE, Lang::Zh),
            "产业园区：生活圈、通勤圈与预约公交"
        );
        assert_eq!(report_title("My plan", Lang::Zh), "My plan");
    }

    #[test]
    fn the_demo_is_named_in_chinese() {
        let demo = std::path::Path::new(crate::osm::DEMO_NAME);
        assert_eq!(
            source_label(demo, Lang::Zh),
            "内置示例数据：liechtenstein-2013.osm.pbf"
        );
        assert_eq!(source_label(demo, Lang::En), crate::osm::DEMO_NAME);
        assert_eq!(source_name(demo, Lang::En), crate::osm::DEMO_NAME);
        let file = std::path::Path::new("/home/zhang/数据/quzhou.osm.pbf");
        assert_eq!(source_name(file, Lang::Zh), "quzhou.osm.pbf");
    }

    #[test]
    fn thresholds_carry_units_in_both_languages() {
        assert_eq!(threshold_label(Some(15.0), None, Lang::Zh), "15分钟");
        assert_eq!(threshold_label(None, Some(300.0), Lang::Zh), "300米");
        assert_eq!(
            threshold_label(Some(5.0), Some(300.0), Lang::En),
            "5 min / 300 m"
        );
    }

    #[test]
    fn every_reason_has_chinese_text_without_english_words() {
        let all = [
            RiderReason::NoWalkableRoad { max_walk_m: 500.0 },
            RiderReason::ParkOffBusNetwork { max_m: 300.0 },
            RiderReason::NoBusStopInReach { max_walk_m: 500.0 },
            RiderReason::WalksToPark,
            RiderReason::ArriveTooEarly {
                arrive_by: "00:10".into(),
            },
            RiderReason::NoStopChosen,
            RiderReason::Unserved(UnservedReason::ExceedsCapacity),
            RiderReason::Unserved(UnservedReason::InfeasibleAlone),
            RiderReason::Unserved(UnservedReason::NoFeasibleInsertion),
            RiderReason::NotCarried,
        ];
        for r in &all {
            let zh = r.zh();
            assert!(
                !zh.chars().any(|c| c.is_ascii_lowercase()),
                "English in {zh:?}"
            );
            assert_eq!(r.to_string(), r.en());
        }
    }
}
