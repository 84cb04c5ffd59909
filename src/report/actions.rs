//! What to do, per park: the numbered new sites of the life circle (each with the street or
//! place a reader knows, and the coverage it brings the park to), the coverage each category
//! and the life circle would reach with them, and a one-line verdict with its reason.
//!
//! The sites are the coverage stage's maximal-covering picks (`coverage::Site`), which already
//! leave out sites that lift their category by less than
//! `CoverageOptions::min_site_gain_points`; this module numbers them, names where they are
//! (`places::names`) and recomputes the life-circle share with them.

use std::fmt::Write;

use geo::{BoundingRect, Coord, Rect};

use super::basemap::name_keys;
use super::html::Lang;
use super::svg::escape as esc;
use crate::coverage::{Site, ZoneCoverage};
use crate::places::names::{Compass, NameIndex, Whereabouts};
use crate::places::{AmenityProfile, Zone};

/// A park whose every required category reaches at least this share of it, but not all, is
/// 基本达标 (largely meets the standard).
pub const LARGELY_SHARE: f64 = 0.9;

/// One proposed new facility.
#[derive(Clone, Debug)]
pub struct Action<'a> {
    /// 1, 2, … across the park's categories (profile order, then rank).
    pub number: usize,
    /// Index into the profile's categories.
    pub category: usize,
    /// The coverage stage's site.
    pub site: &'a Site,
    /// The category's covered share before this site, 0–1.
    pub share_before: f64,
    /// Where it is, in names.
    pub whereabouts: Option<Whereabouts>,
}

/// How the park stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// 达标: every required category reaches the whole park.
    Meets,
    /// 基本达标: every required category reaches at least [`LARGELY_SHARE`] of it.
    Largely,
    /// 不达标: some required category reaches less.
    Fails,
}

/// The park's action list and what it would achieve.
#[derive(Clone, Debug)]
pub struct ParkActions<'a> {
    /// The numbered sites.
    pub actions: Vec<Action<'a>>,
    /// Per category (profile order): covered share with the new sites, 0–1.
    pub share_after: Vec<f64>,
    /// Life-circle share (every required category) with the new sites, 0–1.
    pub life_circle_after: f64,
    /// The verdict today.
    pub verdict: Verdict,
    /// The weakest required category today (the verdict's reason), if any falls short.
    pub weakest: Option<usize>,
}

/// A box (lon/lat) around the park's sites and outline, 500 m wider on each side, for the
/// name index.
fn names_frame(zone: &Zone, c: &ZoneCoverage) -> Option<Rect> {
    let mut r = zone.polygon.bounding_rect()?;
    for s in c.categories.iter().flat_map(|k| &k.sites) {
        let (lo, hi) = (r.min(), r.max());
        r = Rect::new(
            Coord {
                x: lo.x.min(s.location.x),
                y: lo.y.min(s.location.y),
            },
            Coord {
                x: hi.x.max(s.location.x),
                y: hi.y.max(s.location.y),
            },
        );
    }
    let dy = 0.5 / 111.2;
    let dx = dy / r.center().y.to_radians().cos().max(0.1);
    Some(Rect::new(
        Coord {
            x: r.min().x - dx,
            y: r.min().y - dy,
        },
        Coord {
            x: r.max().x + dx,
            y: r.max().y + dy,
        },
    ))
}

/// The park's actions: its sites numbered, named from `extract`, and the coverage with them.
pub fn park_actions<'a>(
    extract: &crate::osm::OsmExtract,
    profile: &AmenityProfile,
    zone: &Zone,
    c: &'a ZoneCoverage,
    lang: Lang,
) -> ParkActions<'a> {
    let any_site = c.categories.iter().any(|k| !k.sites.is_empty());
    let names = any_site.then(|| NameIndex::new(extract, &name_keys(lang), names_frame(zone, c)));
    let mut actions = Vec::new();
    for k in &c.categories {
        let mut before = k.covered_share;
        for site in &k.sites {
            actions.push(Action {
                number: actions.len() + 1,
                category: k.category,
                site,
                share_before: before,
                whereabouts: names.as_ref().and_then(|n| n.whereabouts(site.location)),
            });
            before = site.share_after;
        }
    }
    let share_after = c
        .categories
        .iter()
        .map(|k| k.sites.last().map_or(k.covered_share, |s| s.share_after))
        .collect();
    let required: Vec<usize> = (0..profile.categories.len())
        .filter(|&k| profile.categories[k].required)
        .collect();
    let weakest = required
        .iter()
        .copied()
        .filter(|&k| c.categories[k].covered_share < 1.0 - 1e-9)
        .min_by(|&a, &b| {
            c.categories[a]
                .covered_share
                .total_cmp(&c.categories[b].covered_share)
        });
    let verdict = match weakest {
        None => Verdict::Meets,
        Some(k) if c.categories[k].covered_share >= LARGELY_SHARE - 1e-9 => Verdict::Largely,
        Some(_) => Verdict::Fails,
    };
    ParkActions {
        life_circle_after: life_circle_after(c, &required),
        actions,
        share_after,
        verdict,
        weakest,
    }
}

/// The share of evaluation points where every required category is covered, counting the
/// points each new site newly covers.
pub fn life_circle_after(c: &ZoneCoverage, required: &[usize]) -> f64 {
    if c.eval.is_empty() {
        return 0.0;
    }
    let mut covered = c.covered.clone();
    for k in required {
        for p in c.categories[*k].sites.iter().flat_map(|s| &s.covers) {
            if let Some(row) = covered.get_mut(*p) {
                row[*k] = true;
            }
        }
    }
    let all = covered
        .iter()
        .filter(|row| required.iter().all(|&k| row[k]))
        .count();
    all as f64 / c.eval.len() as f64
}

/// ①–⑳, then (21), (22), …
pub fn circled(n: usize) -> String {
    match n {
        1..=20 => char::from_u32(0x2460 + n as u32 - 1).map_or(format!("({n})"), String::from),
        _ => format!("({n})"),
    }
}

/// Site numbers as a marker shows them: `3`, `1–4` for a run, `1,3` otherwise.
pub fn number_range(numbers: &[usize]) -> String {
    let run = numbers.windows(2).all(|w| w[1] == w[0] + 1);
    match (numbers.first(), numbers.last()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) if run && numbers.len() > 2 => format!("{a}–{b}"),
        _ => numbers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(","),
    }
}

fn side(lang: Lang, s: Compass) -> &'static str {
    let i = s as usize;
    match lang {
        Lang::En => [
            "north",
            "north-east",
            "east",
            "south-east",
            "south",
            "south-west",
            "west",
            "north-west",
        ][i],
        Lang::Zh => ["北", "东北", "东", "东南", "南", "西南", "西", "西北"][i],
    }
}

/// Where a site is, as a reader says it: "west of A × B" / "A与B交叉口西侧", "on A" / "A旁",
/// "near X" / "X附近", else its coordinates.
pub fn whereabouts_text(w: Option<&Whereabouts>, at: Coord, lang: Lang) -> String {
    match (w, lang) {
        (
            Some(Whereabouts::Junction {
                a,
                b,
                side: Some(s),
                ..
            }),
            Lang::En,
        ) => {
            format!("{} of {a} × {b}", side(lang, *s))
        }
        (
            Some(Whereabouts::Junction {
                a,
                b,
                side: Some(s),
                ..
            }),
            Lang::Zh,
        ) => {
            format!("{a}与{b}交叉口{}侧", side(lang, *s))
        }
        (
            Some(Whereabouts::Junction {
                a, b, side: None, ..
            }),
            Lang::En,
        ) => format!("at {a} × {b}"),
        (
            Some(Whereabouts::Junction {
                a, b, side: None, ..
            }),
            Lang::Zh,
        ) => format!("{a}与{b}交叉口"),
        (Some(Whereabouts::Street { name, .. }), Lang::En) => format!("on {name}"),
        (Some(Whereabouts::Street { name, .. }), Lang::Zh) => format!("{name}旁"),
        (Some(Whereabouts::Place { name, .. }), Lang::En) => format!("near {name}"),
        (Some(Whereabouts::Place { name, .. }), Lang::Zh) => format!("{name}附近"),
        (None, Lang::En) => format!("at {:.5}, {:.5}", at.y, at.x),
        (None, Lang::Zh) => format!("坐标 {:.5}, {:.5}", at.x, at.y),
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", super::round(100.0 * x, 0))
}

fn category_label(profile: &AmenityProfile, k: usize, lang: Lang) -> String {
    let c = &profile.categories[k];
    lang.t(&c.en, &c.zh).to_string()
}

/// The verdict line (`<p class="verdict">`): 达标 / 基本达标 / 不达标 and its one reason.
pub fn verdict_html(
    h: &mut String,
    profile: &AmenityProfile,
    c: &ZoneCoverage,
    a: &ParkActions<'_>,
    lang: Lang,
) {
    let cat = |k: usize| category_label(profile, k, lang);
    let (class, word) = match a.verdict {
        Verdict::Meets => ("pass", lang.t("Meets the standard", "达标")),
        Verdict::Largely => ("partly", lang.t("Largely meets the standard", "基本达标")),
        Verdict::Fails => ("fail", lang.t("Does not meet the standard", "不达标")),
    };
    let reason = match a.weakest {
        None => lang
            .t(
                "every required category is within walking reach of the whole park",
                "全部必需类别步行可达覆盖整个园区",
            )
            .to_string(),
        Some(k) if c.categories[k].covered_share <= 0.0 => match lang {
            Lang::En => format!(
                "no {} within {} of any point of the park",
                cat(k).to_lowercase(),
                profile.categories[k].threshold_label()
            ),
            Lang::Zh => format!(
                "园区内任何位置{}内均无{}",
                profile.categories[k]
                    .threshold_label()
                    .replace(" min", "分钟")
                    .replace(" m", "米"),
                cat(k)
            ),
        },
        Some(k) => match lang {
            Lang::En => format!(
                "{} reaches only {} of the park",
                cat(k),
                pct(c.categories[k].covered_share)
            ),
            Lang::Zh => format!("{}仅覆盖园区{}", cat(k), pct(c.categories[k].covered_share)),
        },
    };
    let _ = writeln!(
        h,
        "<p class=\"verdict\"><span class=\"{class}\">{}</span> — {}</p>",
        esc(word),
        esc(&reason)
    );
}

/// The numbered action list (`<ol class="actions">`), nothing when there is no site.
pub fn actions_html(h: &mut String, profile: &AmenityProfile, a: &ParkActions<'_>, lang: Lang) {
    let cat = |k: usize| category_label(profile, k, lang);
    if a.actions.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<h3>{}</h3><ol class=\"actions\">",
        lang.t("What to do", "建议措施")
    );
    for x in &a.actions {
        let what = match lang {
            Lang::En => format!("New {} site", cat(x.category).to_lowercase()),
            Lang::Zh => format!("新增{}设施", cat(x.category)),
        };
        let place = whereabouts_text(x.whereabouts.as_ref(), x.site.location, lang);
        let gain = format!("{} → {}", pct(x.share_before), pct(x.site.share_after));
        let line = match lang {
            Lang::En => format!(
                "{} {what} — {place}, park coverage {gain}",
                circled(x.number)
            ),
            Lang::Zh => format!("{} {what} — {place}，园区覆盖 {gain}", circled(x.number)),
        };
        let _ = write!(
            h,
            "<li data-site=\"{}\" data-category=\"{}\">{}</li>",
            x.number,
            esc(&profile.categories[x.category].id),
            esc(&line)
        );
    }
    let _ = writeln!(
        h,
        "</ol><p class=\"note\">{}</p>",
        lang.t(
            "Numbers as on the map. Coverage: share of the park's evaluation points within the category's walking threshold; sites that would add less than the scenario's min_site_gain_points are not proposed.",
            "编号与地图一致。覆盖：园区评价点在该类别步行阈值内可达的比例；增益低于情景参数 min_site_gain_points 的选址不予建议。"
        )
    );
}

/// The required categories without data (no amenity of the category in the whole region):
/// no site is proposed for them, and the report says what to supply instead. Nothing when
/// every required category has data.
pub fn no_data_html(
    h: &mut String,
    profile: &AmenityProfile,
    amenities_per_category: &[usize],
    lang: Lang,
) {
    let missing: Vec<String> = (0..profile.categories.len())
        .filter(|&k| profile.categories[k].required && amenities_per_category.get(k) == Some(&0))
        .map(|k| category_label(profile, k, lang))
        .collect();
    if missing.is_empty() {
        return;
    }
    let text = match lang {
        Lang::En => format!(
            "No data — {}: the region has no such feature at all, so no new site is proposed (it is missing data, not a gap to close by building). Supply a POI file of these categories ([life_circle] poi in the scenario, or --poi) to judge them.",
            missing.join(", ")
        ),
        Lang::Zh => format!(
            "无数据——{}：研究范围内完全没有此类设施数据，因此不建议新增选址（这是数据缺失，而非需新建补齐的缺口）。请提供这些类别的POI文件（情景参数 [life_circle] poi 或 --poi）后再作评价。",
            missing.join("、")
        ),
    };
    let _ = writeln!(h, "<p class=\"note nodata-actions\">{}</p>", esc(&text));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circled_numbers() {
        assert_eq!(circled(1), "①");
        assert_eq!(circled(20), "⑳");
        assert_eq!(circled(21), "(21)");
        assert_eq!(number_range(&[1, 2, 3, 4]), "1–4");
        assert_eq!(number_range(&[1, 3]), "1,3");
        assert_eq!(number_range(&[2]), "2");
    }

    #[test]
    fn whereabouts_in_both_languages() {
        let w = Whereabouts::Junction {
            a: "汉中路".into(),
            b: "管家桥".into(),
            side: Some(Compass::W),
            distance_m: 80.0,
        };
        let at = Coord {
            x: 118.77,
            y: 32.04,
        };
        assert_eq!(
            whereabouts_text(Some(&w), at, Lang::Zh),
            "汉中路与管家桥交叉口西侧"
        );
        assert_eq!(
            whereabouts_text(Some(&w), at, Lang::En),
            "west of 汉中路 × 管家桥"
        );
        assert_eq!(
            whereabouts_text(None, at, Lang::En),
            "at 32.04000, 118.77000"
        );
    }
}
