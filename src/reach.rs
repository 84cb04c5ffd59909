//! "No data" apart from "not reached". A share of 0 % means the region has the thing but the
//! park does not reach it; [`Reach::NoData`] means the region's data has nothing to measure
//! (no feature of a category, no bus line, no residents), so no share can be given. The
//! coverage and commute results say which ([`crate::coverage::CoverageReport::category_reach`],
//! [`crate::commute::CommuteReport::mode_reach`]) so that every file, the report and the
//! terminal agree.
//!
//! [`Reach::NoData`]: crate::reach::Reach::NoData

/// What is missing from the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoData {
    /// No feature of the category in the region (OSM or the planner's POI files).
    NoFeature,
    /// A required category has no feature, so no point can have every required category.
    RequiredCategoryMissing,
    /// No bus line (no OSM `route=bus` relation, no GTFS feed): the bus mode would be walking.
    NoBusLines,
    /// No residents in the region (no buildings, residential areas or population file).
    NoResidents,
}

impl NoData {
    /// A stable code for files (`status` columns, JSON `reason_code`).
    pub fn code(self) -> &'static str {
        match self {
            NoData::NoFeature => "no_feature_in_region",
            NoData::RequiredCategoryMissing => "required_category_without_data",
            NoData::NoBusLines => "no_bus_lines",
            NoData::NoResidents => "no_residents",
        }
    }

    /// What is missing and what to do, in English.
    pub fn en(self) -> &'static str {
        match self {
            NoData::NoFeature => {
                "no feature of this category in the region's OSM data and no planner POI file for it; give one with [life_circle] poi"
            }
            NoData::RequiredCategoryMissing => {
                "a required category has no feature in the data, so the life circle cannot be judged"
            }
            NoData::NoBusLines => {
                "no bus lines in the data (no OSM route=bus relations, no GTFS feed): bus reach not computed; give a feed with [commute] gtfs"
            }
            NoData::NoResidents => {
                "no residents in the data (no buildings or residential areas); give a population file with [commute] population"
            }
        }
    }

    /// The same in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            NoData::NoFeature => {
                "区域 OSM 数据中无此类设施，且未提供该类 POI 文件；可用 [life_circle] poi 提供"
            }
            NoData::RequiredCategoryMissing => "有必需类别无数据，无法判断生活圈是否达标",
            NoData::NoBusLines => {
                "数据中无公交线路（无 OSM route=bus 关系，无 GTFS）：未计算公交可达；可用 [commute] gtfs 提供"
            }
            NoData::NoResidents => {
                "数据中无居民（无建筑或居住用地）；可用 [commute] population 提供人口文件"
            }
        }
    }
}

/// A share that may have no data behind it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reach {
    /// Nothing to measure, and why.
    NoData(NoData),
    /// The share reached, 0–1.
    Share(f64),
}

impl Reach {
    /// The share, or `None` without data.
    pub fn share(self) -> Option<f64> {
        match self {
            Reach::Share(s) => Some(s),
            Reach::NoData(_) => None,
        }
    }

    /// Why there is no share, if there is none.
    pub fn no_data(self) -> Option<NoData> {
        match self {
            Reach::NoData(why) => Some(why),
            Reach::Share(_) => None,
        }
    }
}
