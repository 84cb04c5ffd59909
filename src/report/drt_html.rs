//! The bus-line tables of `report.html`: a park's lines (named stops in order, departures per
//! shift, vehicles and seats, riders per departure, km and hours, cost and subsidy per rider
//! trip, CO₂ against driving) and the plan's total, in which a line serving two parks counts
//! once.

use std::fmt::Write;

use super::html::Lang;
use super::round;
use super::svg::escape as esc;
use super::words;
use crate::drt::cost::CostFigures;
use crate::drt::lines::{Line, LinePlan, Period, PlanStop};
use crate::lang::RiderReason;
use crate::places::demand::format_clock as clock;
use crate::places::{Zone, Zones};
use crate::plan::BusLines;

/// The text in the report's language.
fn tr<'a>(lang: Lang, en: &'a str, zh: &'a str) -> &'a str {
    if lang == Lang::Zh { zh } else { en }
}

/// A stop's name for people: a gate after its park; street and place names get "站" in
/// Chinese, a crossing reads "A与B交叉口".
pub(super) fn stop_name(parks: Option<&Zones>, st: &PlanStop, lang: Lang) -> String {
    if let (Some(p), Some(parks)) = (st.gate_of, parks) {
        let park = crate::lang::zone_name(&parks.zones[p.0 as usize], lang);
        return crate::lang::gate_name(&park, lang);
    }
    match (lang, st.name_from.as_str()) {
        (Lang::Zh, "crossing") => match st.name.split_once(" / ") {
            Some((a, b)) => format!("{a}与{b}交叉口"),
            None => st.name.clone(),
        },
        (Lang::Zh, "street" | "place") if !st.name.ends_with('站') => format!("{}站", st.name),
        _ => st.name.clone(),
    }
}

/// A line's name for people: its first stop → its last stop.
pub(super) fn line_name(parks: Option<&Zones>, plan: &LinePlan, line: &Line, lang: Lang) -> String {
    let name = |s: Option<&crate::drt::lines::StopId>| {
        s.map_or_else(String::new, |s| {
            stop_name(parks, &plan.stops[s.0 as usize], lang)
        })
    };
    format!("{} → {}", name(line.stops.first()), name(line.stops.last()))
}

/// `07:20–07:45 ×3`, or `—`.
fn departures_cell(line: &Line, period: Period) -> String {
    let n = line.of(period).count();
    match line.span(period) {
        Some((first, last)) => format!("{}–{} ×{n}", &clock(first)[..5], &clock(last)[..5]),
        None => "—".into(),
    }
}

fn money(x: f64) -> String {
    format!("{:.1}", round(x, 1))
}

/// A per-rider-trip amount, "—" when unknown (nobody carried, or today's riders unknown).
fn money_per_trip(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), money)
}

/// Grams per rider trip, "—" when unknown.
fn grams_per_trip(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |g| format!("{:.0}", round(g, 0)))
}

/// The park's lines, a total row over them, the plan's total and why some workers are not
/// carried.
pub(super) fn lines_table(
    h: &mut String,
    bus: &BusLines,
    (parks, lines): (Option<&Zones>, &[&Line]),
    zone: &Zone,
    lang: Lang,
) {
    let plan = &bus.plan;
    let cur = &plan.cost.options.currency;
    let heads = [
        tr(lang, "Line", "线路").to_string(),
        tr(lang, "Stops in order", "站点（顺序）").to_string(),
        tr(lang, "Morning departures", "早班（首班–末班到达 ×班次）").to_string(),
        tr(lang, "Evening departures", "晚班").to_string(),
        tr(lang, "Vehicles (seats)", "车辆（座位）").to_string(),
        tr(lang, "Riders per departure", "每班乘客").to_string(),
        tr(lang, "km / hours a day", "日车公里 / 车小时").to_string(),
        format!(
            "{}{}{cur}{}",
            tr(lang, "Cost / subsidy per rider trip", "每人次成本 / 补贴"),
            words::punct(lang).open,
            words::punct(lang).close
        ),
        tr(
            lang,
            "CO₂ per rider trip, bus / car (g)",
            "每人次CO₂ 公交 / 小汽车（克）",
        )
        .to_string(),
    ];
    h.push_str("<table class=\"lines\"><thead><tr>");
    for head in &heads {
        let _ = write!(h, "<th>{}</th>", esc(head));
    }
    h.push_str("</tr></thead><tbody>");
    for l in lines {
        let names: Vec<String> = l
            .stops
            .iter()
            .map(|s| stop_name(parks, &plan.stops[s.0 as usize], lang))
            .collect();
        let vehicles = l.vehicles();
        let seats: Vec<String> = vehicles
            .iter()
            .map(|&v| plan.vehicles[v].seats.to_string())
            .collect();
        let per_departure = l.riders_per_departure();
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}{}{}</td><td>{:.1}</td><td>{:.1} / {:.1}</td><td>{} / {}</td><td>{} / {}</td></tr>",
            esc(&l.code),
            esc(&names.join(" → ")),
            departures_cell(l, Period::Morning),
            departures_cell(l, Period::Evening),
            vehicles.len(),
            words::punct(lang).open,
            esc(&seats.join("+")),
            words::punct(lang).close,
            round(per_departure, 1),
            round(l.km_day(), 1),
            round(l.hours_day(), 1),
            money_per_trip(l.cost.cost_per_rider_trip),
            money_per_trip(l.cost.subsidy_per_rider_trip),
            grams_per_trip(l.cost.co2_g_per_rider_trip),
            grams_per_trip(l.cost.car_co2_g_per_rider_trip),
        );
    }
    h.push_str("</tbody></table>\n");
    total_note(h, plan, lines, lang);
    today_bus_table(h, bus, zone, lang);
    unserved_note(h, plan, zone, lang);
}

/// The plan's total (each line once), the sizes used, the other fleet tried, and today's bus.
fn total_note(h: &mut String, plan: &LinePlan, lines: &[&Line], lang: Lang) {
    let c = &plan.cost;
    let cur = &c.options.currency;
    let t: &CostFigures = &c.total;
    let shared: Vec<&str> = lines
        .iter()
        .filter(|l| l.parks.len() > 1)
        .map(|l| l.code.as_str())
        .collect();
    let sizes: Vec<String> = c.sizes_used.iter().map(u32::to_string).collect();
    let p = words::punct(lang);
    let g = tr(lang, "g", "克");
    let _ = write!(
        h,
        "<p class=\"note\">{}{}{} {}{}{} {cur}/{}{}{} {} {cur}{}{} {} {cur}{}{} {} {cur}{}CO₂ {} {g}{}{} {} {g}{}{}{} {}{}",
        tr(
            lang,
            "All planned lines (every park, each line once)",
            "全部规划线路（各园区合计，每条线路只计一次）"
        ),
        p.colon,
        plan.lines.len(),
        tr(lang, "lines", "条线路"),
        p.comma,
        round(t.annual_cost, 0),
        tr(lang, "year", "年"),
        p.comma,
        tr(lang, "per rider trip", "每人次"),
        money_per_trip(t.cost_per_rider_trip),
        p.comma,
        tr(lang, "fares", "票价"),
        money(c.options.fare_yuan),
        p.comma,
        tr(lang, "subsidy", "补贴"),
        money_per_trip(t.subsidy_per_rider_trip),
        p.semicolon,
        grams_per_trip(t.co2_g_per_rider_trip),
        p.open,
        tr(lang, "by car", "小汽车"),
        grams_per_trip(t.car_co2_g_per_rider_trip),
        p.close,
        p.semicolon,
        tr(lang, "vehicle sizes used (seats):", "使用车型（座）："),
        sizes.join(p.comma),
        p.stop,
    );
    if let Some(a) = &c.alternative {
        let other: Vec<String> = a.sizes.iter().map(u32::to_string).collect();
        let _ = write!(
            h,
            " {} {} {}{}{} {cur} {}{}",
            if c.mixed_fleet_chosen {
                tr(
                    lang,
                    "Mixed fleet kept: the largest size alone",
                    "采用混合车型：仅用最大车型",
                )
            } else {
                tr(
                    lang,
                    "Mixed fleet not kept: the mix",
                    "未采用混合车型：混合车型",
                )
            },
            other.join("+"),
            tr(lang, "seats would cost", "座时每人次成本"),
            p.colon,
            money_per_trip(a.cost_per_rider_trip),
            tr(lang, "per rider trip", ""),
            p.stop
        );
    }
    if !shared.is_empty() {
        let _ = write!(
            h,
            "{}{}{}{}",
            tr(lang, " ", ""),
            shared.join(p.comma),
            tr(
                lang,
                " also serve another park and appear in its section too",
                "同时服务其他园区，亦列于该园区"
            ),
            p.stop
        );
    }
    h.push_str("</p>\n");
}

/// One row of the comparison: the proposal or today's bus, of the park or of all parks:
/// (cost figures, km a day, hours a day, workers carried, whether the per-trip figures are
/// known).
type CompareFigures<'a> = (&'a CostFigures, f64, f64, u32, bool);

/// One row of the comparison; per-trip figures "—" when not known.
fn compare_row(h: &mut String, label: &str, f: Option<CompareFigures<'_>>, lang: Lang) {
    let Some((c, km, hours, riders, per_trip)) = f else {
        let _ = write!(
            h,
            "<tr><td>{}</td><td colspan=\"5\" class=\"nodata\">{}</td></tr>",
            esc(label),
            tr(
                lang,
                "no bus line today (no data): no stop within walking distance of the park",
                "现状无公交线路（无数据）：园区步行范围内无站点"
            )
        );
        return;
    };
    let per = |x: Option<f64>| {
        if per_trip {
            money_per_trip(x)
        } else {
            "—".to_string()
        }
    };
    let _ = write!(
        h,
        "<tr><td>{}</td><td>{:.1} / {:.1}</td><td>{riders}</td><td>{}</td><td>{} / {}</td><td>{}</td></tr>",
        esc(label),
        round(km, 1),
        round(hours, 1),
        round(c.annual_cost, 0),
        per(c.cost_per_rider_trip),
        per(c.subsidy_per_rider_trip),
        if per_trip {
            grams_per_trip(c.co2_g_per_rider_trip)
        } else {
            "—".to_string()
        },
    );
}

/// Today's figures for [`compare_row`]: per rider trip only over the operator's boardings.
fn today_of(f: Option<&crate::drt::conventional::TodayFigures>) -> Option<CompareFigures<'_>> {
    f.map(|f| {
        (
            &f.cost,
            f.vehicle_km_day,
            f.vehicle_h_day,
            f.riders,
            f.boardings_per_day.is_some(),
        )
    })
}

/// The proposal beside today's conventional bus lines serving the park, costed alike, with
/// how today's figures are made.
pub(super) fn today_bus_table(h: &mut String, bus: &BusLines, zone: &Zone, lang: Lang) {
    let plan = &bus.plan;
    let today = &bus.today_bus;
    let cur = &plan.cost.options.currency;
    let (o, c) = (words::punct(lang).open, words::punct(lang).close);
    let _ = write!(
        h,
        "<table class=\"lines today-bus\"><thead><tr><th></th><th>{}</th><th>{}</th><th>{}{o}{cur}{c}</th><th>{}{o}{cur}{c}</th><th>{}</th></tr></thead><tbody>",
        tr(lang, "km / hours a day", "日车公里 / 车小时"),
        tr(lang, "Workers carried", "乘车职工"),
        tr(lang, "Cost a year", "年运营成本"),
        tr(lang, "Cost / subsidy per rider trip", "每人次成本 / 补贴"),
        tr(lang, "CO₂ per rider trip (g)", "每人次CO₂（克）"),
    );
    let t = &plan.cost.total;
    let k = &plan.kpis;
    compare_row(
        h,
        tr(lang, "Proposed lines (all parks)", "规划线路（全部园区）"),
        Some((t, k.vehicle_km_day, k.vehicle_h_day, k.served, k.served > 0)),
        lang,
    );
    let park = today.parks.iter().find(|p| p.park == zone.id);
    compare_row(
        h,
        tr(
            lang,
            "Today's bus lines serving this park",
            "现状服务本园区的常规公交",
        ),
        park.and_then(|p| today_of(p.figures.as_ref())),
        lang,
    );
    compare_row(
        h,
        tr(
            lang,
            "Today's bus lines serving any park planned for",
            "现状服务各规划园区的常规公交",
        ),
        today_of(today.total.as_ref()),
        lang,
    );
    let lines = park
        .and_then(|p| p.figures.as_ref())
        .map(|f| {
            f.lines
                .iter()
                .map(|(_, n)| today_line_name(n, lang))
                .collect::<Vec<_>>()
                .join(lang.t(", ", "，"))
        })
        .unwrap_or_default();
    h.push_str("</tbody></table>\n");
    today_per_trip_note(h, bus, lang);
    let _ = writeln!(
        h,
        "<p class=\"note\">{}{}{}{}</p>",
        esc(&crate::lang::transit_source(&today.source, lang)),
        tr(lang, " ", ""),
        tr(
            lang,
            "— today's lines with a stop within walking distance of the park, running in the commute window: departures = window ÷ headway (GTFS: the timetable's; OSM relations: their interval tag, else 15 min — an assumption) morning and evening, km = departures × stop-to-stop distance × the detour factor, vehicles = trip time ÷ headway, each a full-size bus at the same [cost] prices; workers carried = the same workers whom the bus gets there within 60 min and quicker than walking. These lines also carry other passengers. ",
            "——现状线路：园区步行范围内有站点且在通勤时段运行；早晚班次 = 时段 ÷ 发车间隔（GTFS取时刻表；OSM线路取interval标签，缺省15分钟，为假设），车公里 = 班次 × 站间直线距离 × 绕行系数，车辆 = 单程时间 ÷ 发车间隔，均按标准大巴及相同成本参数计；乘车职工 = 同一批职工中乘公交60分钟内到达且快于步行者。这些线路同时服务其他乘客。"
        ),
        if lines.is_empty() {
            String::new()
        } else {
            format!(
                "{}{}{}",
                tr(lang, "Lines", "线路"),
                words::punct(lang).colon,
                esc(&lines)
            )
        }
    );
}

/// Why today's per-trip figures read "—" (the lines' riders are unknown), or what they rest
/// on (the scenario's boardings a day).
fn today_per_trip_note(h: &mut String, bus: &BusLines, lang: Lang) {
    if bus.today_bus.total.is_none() {
        return;
    }
    let text = match bus.plan.cost.options.today_boardings_per_day {
        None => tr(
            lang,
            "Today's bus per rider trip: — (the lines' riders are unknown: they carry the general public, not only these workers). Give [cost] today_boardings_per_day, the operator's boardings a day on these lines, to compute it.",
            "现状公交每人次成本、补贴与CO₂：—（全线客流未知：这些线路服务全体乘客，不只是本次职工）。在情景文件 [cost] today_boardings_per_day 中填写运营方提供的这些线路日客流（人次/日）即可计算。",
        )
        .to_string(),
        Some(b) => match lang {
            Lang::En => format!(
                "Today's bus per rider trip: over the operator's {:.0} boardings a day on these lines ([cost] today_boardings_per_day); a park's share by its lines' vehicle-km.",
                round(b, 0)
            ),
            Lang::Zh => format!(
                "现状公交每人次成本、补贴与CO₂：按运营方提供的这些线路日客流 {:.0} 人次计（情景文件 [cost] today_boardings_per_day），各园区按其线路车公里分摊。",
                round(b, 0)
            ),
        },
    };
    let _ = writeln!(h, "<p class=\"note today-per-trip\">{}</p>", esc(&text));
}

/// Today's line name as the report shows it: the return direction, " (back)" in the files,
/// reads "（返程）" in Chinese.
fn today_line_name(name: &str, lang: Lang) -> String {
    match (lang, name.strip_suffix(" (back)")) {
        (Lang::Zh, Some(base)) => format!("{base}（返程）"),
        _ => name.to_string(),
    }
}

/// Where the cost figures come from: each default's source or check, which remain
/// assumptions, and which the scenario replaced (see `drt::cost`'s module docs).
pub(super) fn cost_sources_note(h: &mut String, plan: &LinePlan, lang: Lang) {
    use crate::drt::cost::{
        CostOptions, FARE_SOURCE, VEHICLE_DAY_SOURCE, VEHICLE_DAY_SOURCE_ZH, VEHICLE_HOUR_SOURCE,
        VEHICLE_HOUR_SOURCE_ZH, VEHICLE_KM_SOURCE, VEHICLE_KM_SOURCE_ZH,
    };
    let o = &plan.cost.options;
    let d = CostOptions::default();
    let cur = &o.currency;
    let join = |v: &[f64]| v.iter().map(|&y| money(y)).collect::<Vec<_>>().join("/");
    let seats = o
        .seats
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join("/");
    let zh = lang == Lang::Zh;
    // A figure the scenario set is the planner's own: no source is claimed for it.
    let basis = |default: bool, en: &str, zh_text: &str| match (default, zh) {
        (false, false) => "set in the scenario".to_string(),
        (false, true) => "情景文件设定".to_string(),
        (true, false) => en.to_string(),
        (true, true) => zh_text.to_string(),
    };
    let day = basis(
        o.seats == d.seats
            && o.vehicle_day_yuan == d.vehicle_day_yuan
            && o.operating_days == d.operating_days,
        &format!("largest size: {VEHICLE_DAY_SOURCE}; smaller sizes scaled from it, an assumption"),
        &format!("最大车型：{VEHICLE_DAY_SOURCE_ZH}；较小车型按比例折算，为假设"),
    );
    let hour = basis(
        o.per_vehicle_hour_yuan == d.per_vehicle_hour_yuan,
        &format!("an assumption checked against {VEHICLE_HOUR_SOURCE}"),
        &format!("假设值，核对依据：{VEHICLE_HOUR_SOURCE_ZH}"),
    );
    let km = basis(
        o.per_vehicle_km_yuan == d.per_vehicle_km_yuan,
        VEHICLE_KM_SOURCE,
        VEHICLE_KM_SOURCE_ZH,
    );
    let days = basis(
        o.operating_days == d.operating_days,
        "365 − 104 weekend days − 11 public holidays",
        "365 − 104 个周末日 − 11 个法定节假日",
    );
    let text = if zh {
        format!(
            "成本参数：票价每人次{}{cur}（常规公交通行票价；定制公交票价更高——北京首批定制公交每次8–32元，沈阳约每天10元，来源：中国客车网 2014-07-04，http://lx176.com/news/2014/0704/52175.shtml）；每车日成本 {}{cur}（按车型 {seats} 座；{day}）；每车小时 {}{cur}（{hour}）；每车公里 {}{cur}（{km}）；年运营 {} 天（{days}）。请在情景 [cost] 表中替换为运营方或本市成本规制数据。CO₂：小汽车取英国DEFRA 2007，公交取英国公交车队平均值（33座）。",
            money(o.fare_yuan),
            join(&o.vehicle_day_yuan),
            money(o.per_vehicle_hour_yuan),
            money(o.per_vehicle_km_yuan),
            o.operating_days,
        )
    } else {
        format!(
            "Cost figures: fare {} {cur} a trip (the usual city-bus fare; customised buses charge more — {FARE_SOURCE}); {} {cur} per vehicle-day by size ({seats} seats; {day}); {} {cur} per vehicle-hour ({hour}); {} {cur} per vehicle-km ({km}); {} operating days a year ({days}). Replace them with the operator's or the city's cost-regulation figures in the scenario's [cost] table. CO₂: UK DEFRA 2007 (car), UK bus fleet average (33 seats).",
            money(o.fare_yuan),
            join(&o.vehicle_day_yuan),
            money(o.per_vehicle_hour_yuan),
            money(o.per_vehicle_km_yuan),
            o.operating_days,
        )
    };
    let _ = writeln!(h, "<p class=\"note cost-sources\">{}</p>", esc(&text));
}

/// Why some of the park's workers are not carried.
fn unserved_note(h: &mut String, plan: &LinePlan, zone: &Zone, lang: Lang) {
    let mut reasons: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for r in plan
        .riders
        .iter()
        .filter(|r| r.park == zone.id && r.line.is_none() && !r.on_foot)
    {
        let why = r.unserved.as_ref().unwrap_or(&RiderReason::NotCarried);
        *reasons.entry(why.text(lang)).or_default() += r.count;
    }
    if !reasons.is_empty() {
        let list: Vec<String> = reasons
            .iter()
            .map(|(why, n)| format!("{n}{} — {}", tr(lang, "", " 人"), esc(why)))
            .collect();
        let p = words::punct(lang);
        let _ = writeln!(
            h,
            "<p class=\"note\">{}{}{}</p>",
            tr(lang, "Not carried", "未能乘车"),
            p.colon,
            list.join(p.semicolon)
        );
    }
}
