//! Why a row of a planner's file was skipped ([`RowProblem`]) and why a stage of `plan` has no
//! result ([`StageFailure`]): message keys with their facts, made where the problem is found
//! and rendered in the run's language at the edge (the report, the terminal).
//!
//! `Display` and `Serialize` give the English text, so the files meant for scripts (CSV,
//! JSON) read as before; [`RowProblem::text`] and [`StageFailure::text`] give either language.
//! Problems not yet given a key of their own carry their English text (`Other`), shown in
//! Chinese through the message catalog ([`super::zh_message`]) when it has their template.

use std::fmt;

use super::Lang;
use crate::places::import::RowWarning;

/// Why one row of a planner's file (POI, bookings, population, parks) was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowProblem {
    /// A number field that does not parse (`lon 'abc' is not a number`).
    NotANumber {
        /// The column (`lon`, `lat`, …).
        what: String,
        /// The text in the file.
        field: String,
    },
    /// Numbers that cannot be a longitude and a latitude.
    NotLonLat {
        /// The pair as written, `lon,lat`.
        pair: String,
    },
    /// A point outside the region of the OSM data (often swapped columns or a wrong CRS).
    OutsideRegion {
        /// The point in WGS-84, `lon,lat` with 6 decimals.
        point: String,
    },
    /// A category the amenity profile does not know.
    UnknownCategory {
        /// The category in the file.
        category: String,
        /// The profile's name.
        profile: String,
        /// The profile's categories, comma-separated.
        known: String,
    },
    /// Rows of an Amap or Baidu export whose types map to no category (one warning for all).
    UnmappedTypes {
        /// Rows skipped.
        rows: usize,
        /// The profile's name.
        profile: String,
        /// The commonest types with their counts, `"餐饮服务 (12), …"`.
        shown: String,
        /// Types not shown.
        more_types: usize,
    },
    /// A booking for a park the region does not have.
    NoPark {
        /// The park as written.
        name: String,
    },
    /// A booking time that is not `HH:MM`.
    NotATime {
        /// The time as written.
        field: String,
    },
    /// A booking's worker count that is not a whole number in range.
    BadCount {
        /// The count as written.
        field: String,
        /// The largest count accepted.
        max: u32,
    },
    /// A booking for a park left out of `[bus] parks`.
    NotAmongBusParks {
        /// The park's code.
        code: String,
    },
    /// Not a problem but a note on line 1: how an Amap or Baidu export was recognised.
    ReadAsExport {
        /// A Baidu export (else Amap).
        baidu: bool,
        /// The coordinate system its points were read in.
        crs: String,
        /// The amenity profile mapping its types.
        profile: String,
    },
    /// The closing line of a capped list: this many more rows like the ones listed.
    MoreLikeThis {
        /// Rows not listed.
        rows: usize,
    },
    /// A given bus stop with no bus road within the snapping distance.
    StopOffBusNetwork {
        /// The stop's code.
        code: String,
        /// The snapping distance, metres.
        max_m: u32,
    },
    /// A given bus stop at the same point of the bus network as an earlier one.
    StopSamePoint {
        /// The stop's code.
        code: String,
        /// The earlier stop's code.
        other: String,
    },
    /// A given bus stop whose code is the code of a park's gate stop.
    StopCodeIsGate {
        /// The stop's code (`G1`).
        code: String,
        /// The park's code (`P1`).
        park: String,
        /// The park's name as the zones keep it (English generic name when it has none).
        name: String,
    },
    /// A note on the whole file that skips no row (e.g. the datum check's evidence for a
    /// coordinate system the planner gave): its English text.
    FileNote(String),
    /// A problem without a key of its own yet: its English text.
    Other(String),
}

impl RowProblem {
    /// The English text.
    pub fn en(&self) -> String {
        match self {
            RowProblem::NotANumber { what, field } => format!("{what} '{field}' is not a number"),
            RowProblem::NotLonLat { pair } => format!("coordinates {pair} are not a lon,lat pair"),
            RowProblem::OutsideRegion { point } => format!(
                "point {point} lies outside the region of the OSM data (swapped lon/lat, or wrong --poi-crs?)"
            ),
            RowProblem::UnknownCategory {
                category,
                profile,
                known,
            } => format!("unknown category '{category}' (profile {profile} has: {known})"),
            RowProblem::UnmappedTypes {
                rows,
                profile,
                shown,
                more_types,
            } => format!(
                "{rows} rows of types without a category in profile {profile} were skipped: {shown}{}",
                if *more_types > 0 {
                    format!(" and {more_types} more types")
                } else {
                    String::new()
                }
            ),
            RowProblem::NoPark { name } => {
                format!("no park '{name}' (use a code such as P1 or a park's name)")
            }
            RowProblem::NotATime { field } => {
                format!("arrive_by '{field}' is not a time of day HH:MM")
            }
            RowProblem::BadCount { field, max } => {
                format!("count '{field}' is not a whole number from 1 to {max}")
            }
            RowProblem::NotAmongBusParks { code } => {
                format!("park {code} is not among [bus] parks")
            }
            RowProblem::ReadAsExport {
                baidu,
                crs,
                profile,
            } => format!(
                "read as {} (by its columns): coordinates in {crs}, types mapped by profile {profile}",
                if *baidu {
                    "a Baidu (百度) POI export"
                } else {
                    "an Amap (高德) POI export"
                }
            ),
            RowProblem::MoreLikeThis { rows } => format!(
                "… and {} more rows like this (from this line on)",
                thousands(*rows)
            ),
            RowProblem::StopOffBusNetwork { code, max_m } => format!(
                "stop {code} lies more than {max_m} m from any road buses can use: move it onto a bus road (or use --roads car)"
            ),
            RowProblem::StopSamePoint { code, other } => format!(
                "stop {code} is at the same point of the bus roads as stop {other}: move it, or delete one of them"
            ),
            RowProblem::StopCodeIsGate { code, park, name } => format!(
                "stop code {code} is the code of the gate stop of park {park} ({name}) in drt_timetable.csv and the GTFS feed: give the stop another code"
            ),
            RowProblem::FileNote(text) | RowProblem::Other(text) => text.clone(),
        }
    }

    /// The Chinese text (an `Other` problem or a note through the message catalog).
    pub fn zh(&self) -> String {
        match self {
            RowProblem::NotANumber { what, field } => format!("{what}“{field}”不是数字"),
            RowProblem::NotLonLat { pair } => format!("坐标 {pair} 不是有效的经度、纬度"),
            RowProblem::OutsideRegion { point } => format!(
                "点 {point} 位于 OSM 数据范围之外（经纬度是否颠倒，或坐标系 --poi-crs 是否有误？）"
            ),
            RowProblem::UnknownCategory {
                category,
                profile,
                known,
            } => format!(
                "未知类别“{category}”（设施配置“{}”的类别：{known}）",
                super::profile_name(profile, Lang::Zh)
            ),
            RowProblem::UnmappedTypes {
                rows,
                profile,
                shown,
                more_types,
            } => format!(
                "{rows} 行的类型在设施配置“{}”中没有对应类别，已跳过：{shown}{}",
                super::profile_name(profile, Lang::Zh),
                if *more_types > 0 {
                    format!(" 等，另有 {more_types} 种类型")
                } else {
                    String::new()
                }
            ),
            RowProblem::NoPark { name } => {
                format!("无园区“{name}”（请填写 P1 这样的编号或园区名称）")
            }
            RowProblem::NotATime { field } => {
                format!("到岗时间“{field}”不是 HH:MM 格式的时刻")
            }
            RowProblem::BadCount { field, max } => {
                format!("人数“{field}”不是 1 至 {max} 的整数")
            }
            RowProblem::NotAmongBusParks { code } => {
                format!("园区 {code} 不在情景文件 [bus] parks 之列")
            }
            RowProblem::ReadAsExport {
                baidu,
                crs,
                profile,
            } => format!(
                "按列识别为{} POI 导出文件：坐标系 {crs}，类型按设施配置“{}”对应类别",
                if *baidu { "百度" } else { "高德" },
                super::profile_name(profile, Lang::Zh)
            ),
            RowProblem::MoreLikeThis { rows } => {
                format!("……自此行起另有 {} 行同类问题", thousands(*rows))
            }
            RowProblem::StopOffBusNetwork { code, max_m } => format!(
                "站点 {code} 距公交可行驶道路超过 {max_m} 米：请移到公交道路上（或使用 --roads car）"
            ),
            RowProblem::StopSamePoint { code, other } => {
                format!("站点 {code} 与站点 {other} 落在公交道路的同一点：请移动其一或删除其一")
            }
            RowProblem::StopCodeIsGate { code, park, name } => format!(
                "站点编号 {code} 是园区 {park}（{}）园区门站点在 drt_timetable.csv 与 GTFS 中的编号：请给该站点另取编号",
                super::localise_name(name, park)
            ),
            RowProblem::FileNote(text) | RowProblem::Other(text) => super::zh_message(text),
        }
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.en(),
            Lang::Zh => self.zh(),
        }
    }

    /// Rows this warning stands for: those of a closing "… and N more" or of a count of
    /// unmapped types, none for a note that skips nothing, else one.
    pub fn rows(&self) -> usize {
        match self {
            RowProblem::MoreLikeThis { rows } | RowProblem::UnmappedTypes { rows, .. } => *rows,
            RowProblem::ReadAsExport { .. } | RowProblem::FileNote(_) => 0,
            _ => 1,
        }
    }
}

/// A list of parks as [`crate::places::Zones::listing`] writes it (`P1 (Industrial area 1),
/// P4 (Hilti)`) with the generic names in Chinese (`P1（工业区 1）、P4（Hilti）`).
pub fn listing_zh(listing: &str) -> String {
    let items: Vec<String> = listing
        .split(", ")
        .map(|item| match item.split_once(" (") {
            Some((code, name)) => {
                let name = name.strip_suffix(')').unwrap_or(name);
                format!("{code}（{}）", super::localise_generic_name(name))
            }
            None => item.to_string(),
        })
        .collect();
    items.join("、")
}

/// `499990` → `499,990`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

/// Serialised as its English text, as before it was an enum.
impl serde::Serialize for RowProblem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.en())
    }
}

/// A problem found by code that has no key for it yet: its English text.
impl From<String> for RowProblem {
    fn from(text: String) -> Self {
        RowProblem::Other(text)
    }
}

/// For readers whose rows still fail with an English `String`.
impl From<RowProblem> for String {
    fn from(p: RowProblem) -> Self {
        p.en()
    }
}

/// Why a stage of `plan` has no result.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum StageFailure {
    /// The scenario turned the stage off.
    NotAsked {
        /// The scenario's table (`life_circle`, `commute`, `bus`).
        section: &'static str,
    },
    /// The region has no parks (the parks stage failed).
    NoParks,
    /// The region has no parks in OSM and none were given.
    NoZones {
        /// The OSM file.
        path: String,
        /// The English message (the crate's error).
        en: String,
    },
    /// The bus stage needs the commute circle, which has no result.
    NeedsCommute(Box<StageFailure>),
    /// No row of the booking file can be used.
    NoUsableBooking {
        /// The booking file.
        path: String,
        /// Rows skipped.
        skipped: usize,
        /// The first of them.
        first: Option<Box<RowWarning>>,
    },
    /// A park of `[bus] parks` the region does not have.
    NoSuchBusPark {
        /// The park as written.
        name: String,
        /// The parks there are.
        listing: String,
    },
    /// A failure without a key of its own yet: its English text.
    Other(String),
}

impl StageFailure {
    /// The failure of a stage that stopped on one of the crate's errors.
    pub fn from_error(e: &crate::Error) -> StageFailure {
        match e {
            crate::Error::NoZones { path, .. } => StageFailure::NoZones {
                path: path.display().to_string(),
                en: e.to_string(),
            },
            _ => StageFailure::Other(e.to_string()),
        }
    }

    /// The English text.
    pub fn en(&self) -> String {
        match self {
            StageFailure::NotAsked { section } => {
                format!("not asked for ([{section}] enabled = false)")
            }
            StageFailure::NoParks => "no parks".into(),
            StageFailure::NoZones { en, .. } => en.clone(),
            StageFailure::NeedsCommute(e) => {
                format!("needs the commute circle, which failed: {}", e.en())
            }
            StageFailure::NoUsableBooking {
                path,
                skipped,
                first,
            } => format!(
                "no usable booking in {path}: {skipped} rows skipped{}",
                first
                    .as_ref()
                    .map(|w| format!(", the first: {w}"))
                    .unwrap_or_default()
            ),
            StageFailure::NoSuchBusPark { name, listing } => {
                format!("no park '{name}'; parks are: {listing}")
            }
            StageFailure::Other(text) => text.clone(),
        }
    }

    /// The Chinese text (an `Other` failure through the message catalog).
    pub fn zh(&self) -> String {
        match self {
            StageFailure::NotAsked { section } => {
                format!("未要求（情景文件 [{section}] enabled = false）")
            }
            StageFailure::NoParks => "无园区".into(),
            StageFailure::NoZones { path, .. } => format!(
                "{path} 中没有工业园区；请用 --parks 文件.geojson 给出园区边界（带名称的 Polygon 要素）"
            ),
            StageFailure::NeedsCommute(e) => format!("需要通勤圈结果，但通勤圈失败：{}", e.zh()),
            StageFailure::NoUsableBooking {
                path,
                skipped,
                first,
            } => format!(
                "{path} 中没有可用的预约：跳过 {skipped} 行{}",
                first
                    .as_ref()
                    .map(|w| format!("，第一行：第{}行：{}", w.line, w.message.zh()))
                    .unwrap_or_default()
            ),
            StageFailure::NoSuchBusPark { name, listing } => {
                format!("无园区“{name}”；现有园区：{}", listing_zh(listing))
            }
            StageFailure::Other(text) => super::zh_message(text),
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

impl fmt::Display for StageFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

/// A failure found by code that has no key for it yet: its English text.
impl From<String> for StageFailure {
    fn from(text: String) -> Self {
        StageFailure::Other(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_rows() -> Vec<RowProblem> {
        vec![
            RowProblem::NotANumber {
                what: "lon".into(),
                field: "abc".into(),
            },
            RowProblem::NotLonLat {
                pair: "200,95".into(),
            },
            RowProblem::OutsideRegion {
                point: "47.150000,9.507000".into(),
            },
            RowProblem::UnknownCategory {
                category: "karaoke".into(),
                profile: "park".into(),
                known: "food, parcel".into(),
            },
            RowProblem::UnmappedTypes {
                rows: 3,
                profile: "park".into(),
                shown: "x (3)".into(),
                more_types: 2,
            },
            RowProblem::NoPark { name: "P99".into() },
            RowProblem::NotATime {
                field: "8点".into(),
            },
            RowProblem::BadCount {
                field: "0".into(),
                max: 1000,
            },
            RowProblem::NotAmongBusParks { code: "P2".into() },
            RowProblem::ReadAsExport {
                baidu: true,
                crs: "bd09".into(),
                profile: "park".into(),
            },
            RowProblem::MoreLikeThis { rows: 12345 },
        ]
    }

    /// The English words a Chinese text may keep: the facts and the scenario's keys.
    fn english_words(zh: &str, kept: &[&str]) -> Vec<String> {
        zh.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 1 && !kept.contains(w))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_row_problem_has_chinese_text_and_english_display() {
        let kept = [
            "lon", "abc", "karaoke", "park", "food", "parcel", "poi", "crs", "OSM", "HH", "MM",
            "POI", "bd", "bus", "parks",
        ];
        for p in all_rows() {
            let zh = p.zh();
            assert!(
                english_words(&zh, &kept).is_empty(),
                "English in {zh:?}: {:?}",
                english_words(&zh, &kept)
            );
            assert_eq!(p.to_string(), p.en());
            assert_ne!(p.zh(), p.en());
        }
        assert_eq!(RowProblem::MoreLikeThis { rows: 12345 }.rows(), 12345);
        assert_eq!(
            RowProblem::NotATime {
                field: "8点".into()
            }
            .en(),
            "arrive_by '8点' is not a time of day HH:MM"
        );
    }

    #[test]
    fn stage_failures_read_in_chinese_down_to_the_first_bad_row() {
        let first = RowWarning {
            path: "d.csv".into(),
            line: 4,
            message: RowProblem::NotATime {
                field: "8点".into(),
            },
        };
        let f = StageFailure::NeedsCommute(Box::new(StageFailure::NoUsableBooking {
            path: "d.csv".into(),
            skipped: 2,
            first: Some(Box::new(first)),
        }));
        assert_eq!(
            f.zh(),
            "需要通勤圈结果，但通勤圈失败：d.csv 中没有可用的预约：跳过 2 行，第一行：第4行：到岗时间“8点”不是 HH:MM 格式的时刻"
        );
        assert_eq!(
            f.to_string(),
            "needs the commute circle, which failed: no usable booking in d.csv: 2 rows skipped, the first: d.csv:4: arrive_by '8点' is not a time of day HH:MM"
        );
        let off = StageFailure::NotAsked { section: "bus" };
        assert_eq!(
            off.text(Lang::Zh),
            "未要求（情景文件 [bus] enabled = false）"
        );
        assert_eq!(off.text(Lang::En), "not asked for ([bus] enabled = false)");
        assert_eq!(StageFailure::NoParks.text(Lang::Zh), "无园区");
    }
}
