//! `report.html`: one self-contained page (inline SVG and CSS, a few lines of script to
//! toggle map layers) for a planner to hand to a director. A summary table of every park;
//! then, for the largest parks, a map (roads, park outline, 5/10/15-minute walking bands,
//! amenities by category, gaps, suggested sites, the commute reach by mode, bus lines and
//! stops), the life-circle table with pass/fail, the commute curve by mode and the bus-line
//! figures beside today's best mode; then the assumptions and the OSM attribution. Labels in
//! English or Chinese. Stages that failed are named with their reason; a region without
//! parks says so and suggests `--parks`.

use std::fmt::Write;

use geo::{BoundingRect, Coord, LineString, Rect};

use super::actions::{self, ParkActions};
use super::basemap;
use super::drt_html::{line_name, stop_name};
use super::nodata::{no_data_td, no_line_short_td, no_line_td, reach_td};
use super::print::CSS as PRINT_CSS;
use super::svg::{LayerId, Shape, Style, SvgMap, escape as esc};
use super::{ATTRIBUTION, LICENSE, round};
use crate::commute::{BANDS_MIN, ParkCommute};
use crate::coverage::ZoneCoverage;
use crate::drt::lines::Line;
use crate::graph::{EdgeId, Mode};
use crate::places::{Zone, ZoneKind};
use crate::plan::{BusLines, LifeCircle, PlanRun};

pub use crate::lang::Lang;
use crate::lang::zone_name;

const MODE_COLOURS: [(Mode, &str, &str, &str); 5] = [
    (Mode::Walk, "#16a34a", "Walk", "步行"),
    (Mode::Bike, "#2563eb", "Bike", "自行车"),
    (Mode::Ebike, "#7c3aed", "E-bike", "电动自行车"),
    (Mode::Bus, "#ea580c", "Bus", "公交"),
    (Mode::Car, "#64748b", "Car", "小汽车"),
];

const CATEGORY_COLOURS: [&str; 12] = [
    "#dc2626", "#d97706", "#65a30d", "#0891b2", "#4f46e5", "#c026d3", "#e11d48", "#0d9488",
    "#ca8a04", "#7c2d12", "#1d4ed8", "#15803d",
];

fn mode_label(lang: Lang, mode: Mode) -> &'static str {
    MODE_COLOURS
        .iter()
        .find(|m| m.0 == mode)
        .map_or("?", |m| lang.t(m.2, m.3))
}

fn mode_colour(mode: Mode) -> &'static str {
    MODE_COLOURS
        .iter()
        .find(|m| m.0 == mode)
        .map_or("#000", |m| m.1)
}

fn pct(x: f64) -> String {
    format!("{:.0}%", round(100.0 * x, 0))
}

const CSS: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;margin:0;color:#1f2937;background:#f8fafc}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 20px}
header{padding-top:18px}h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;margin:28px 0 8px}h3{font-size:16px;margin:18px 0 6px}
.meta{color:#64748b}section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:4px 18px 16px;margin:16px 0}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal}th{background:#f1f5f9;font-weight:600}
.pass{color:#15803d;font-weight:600}.partly{color:#b45309;font-weight:600}.fail{color:#b91c1c;font-weight:600}
svg.map{width:100%;height:auto;max-height:85vh;background:#f8fafc;border:1px solid #cbd5e1;border-radius:4px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:6px 0;font-size:12.5px}.legend-item{cursor:pointer;user-select:none}.legend-item.off{opacity:.35}
.legend-item.sub{margin-left:-6px}.legend-item svg{vertical-align:middle;margin-right:4px}
.row{display:flex;gap:16px;flex-wrap:wrap}.row>div{flex:1 1 320px}.note{color:#64748b;font-size:12.5px}
.failed{border-color:#fca5a5;background:#fef2f2}nav a{margin-right:10px}
table.sortable th{cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:' ▲'}th[aria-sort=descending]::after{content:' ▼'}
footer{padding:10px 20px 30px;color:#64748b;font-size:12.5px}
";

/// A few lines so that clicking a legend entry hides or shows its layer, and clicking a
/// header of a `table.sortable` sorts its rows by that column (numbers as numbers, the first
/// column as text; a second click reverses; `—` sorts below every number).
const SCRIPT: &str = "
document.querySelectorAll('table.sortable th').forEach(function(th){
  th.addEventListener('click',function(){
    var i=th.cellIndex,tb=th.closest('table').tBodies[0],asc=th.getAttribute('aria-sort')!=='ascending';
    th.parentNode.querySelectorAll('th').forEach(function(o){o.removeAttribute('aria-sort');});
    th.setAttribute('aria-sort',asc?'ascending':'descending');
    var key=function(r){var t=r.cells[i].textContent,n=parseFloat(t);return i===0?t:(isNaN(n)?-Infinity:n);};
    var rows=Array.prototype.map.call(tb.rows,function(r){return [key(r),r];});
    rows.sort(function(a,b){var c=i===0?a[0].localeCompare(b[0],undefined,{numeric:true}):(a[0]===b[0]?0:(a[0]<b[0]?-1:1));return asc?c:-c;});
    rows.forEach(function(p){tb.appendChild(p[1]);});
  });
});
document.querySelectorAll('.legend-item').forEach(function(item){
  item.addEventListener('click',function(){
    var sec=item.closest('section');var sel=item.dataset.sublayer?
      'g.sublayer[data-sublayer=\"'+item.dataset.sublayer+'\"]':'g.layer[data-layer=\"'+item.dataset.layer+'\"]';
    var on=item.classList.toggle('off');
    sec.querySelectorAll('svg.map '+sel).forEach(function(g){g.style.display=on?'none':'';});
  });
});
";

/// The whole report.
pub fn report_html(run: &PlanRun, lang: Lang) -> String {
    let s = &run.scenario;
    let mut h = String::new();
    let html_lang = lang.t("en", "zh-CN");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}{PRINT_CSS}</style></head><body>\n<header><h1>{}</h1><p class=\"meta\">{} · {} · lifecircle {}</p></header>\n<main>\n",
        esc(&crate::lang::report_title(&s.title, lang)),
        esc(&crate::lang::report_title(&s.title, lang)),
        esc(&crate::lang::source_name(&run.extract.source, lang)),
        esc(&crate::lang::data_date(
            run.extract.data_date().as_deref(),
            lang
        )),
        env!("CARGO_PKG_VERSION"),
    );

    // Stages that failed or were not run.
    let failures: Vec<(&str, String)> = [
        (
            lang.t("15-minute life circle", "15分钟生活圈"),
            run.life_circle.as_ref().err(),
        ),
        (
            lang.t("30-minute commute circle", "30分钟通勤圈"),
            run.commute.as_ref().err(),
        ),
        (
            lang.t("Reservation bus lines", "预约响应式公交"),
            run.bus.as_ref().err(),
        ),
    ]
    .into_iter()
    .filter_map(|(name, e)| e.map(|e| (name, e.text(lang))))
    .collect();
    if !failures.is_empty() {
        h.push_str("<section class=\"failed stages\"><h2>");
        h.push_str(lang.t("Stages without results", "未完成的分析"));
        h.push_str("</h2><ul>");
        for (name, why) in &failures {
            let _ = write!(h, "<li><b>{}</b>: {}</li>", esc(name), esc(why));
        }
        h.push_str("</ul></section>\n");
    }

    match &run.parks {
        Err(why) => {
            let _ = writeln!(
                h,
                "<section class=\"no-parks\"><h2>{}</h2><p>{}</p><p>{}</p></section>",
                lang.t("No industrial parks found", "未找到产业园区"),
                esc(&why.text(lang)),
                lang.t(
                    "Give the parks' outlines with --parks FILE.geojson (Polygon features with a name), or [region] parks = \"parks.geojson\" in the scenario file.",
                    "请用 --parks FILE.geojson（带 name 的面要素）或在情景文件中设置 [region] parks = \"parks.geojson\" 指定园区边界。"
                )
            );
        }
        Ok(parks) => {
            summary_table(&mut h, run, lang);
            let mut order: Vec<&Zone> = parks.zones.iter().collect();
            order.sort_by(|a, b| b.area_ha.total_cmp(&a.area_ha).then(a.id.cmp(&b.id)));
            let shown = &order[..order.len().min(s.report.max_park_sections)];
            if shown.len() < order.len() {
                let _ = writeln!(
                    h,
                    "<p class=\"note\">{} {} {}</p>",
                    lang.t("Maps and tables follow for the", "以下为面积最大的"),
                    shown.len(),
                    lang.t(
                        "largest parks; every park is in the table above and in the GeoJSON/CSV files.",
                        "个园区的地图和表格；全部园区见上表及 GeoJSON/CSV 文件。"
                    )
                );
            }
            for zone in shown {
                park_section(&mut h, run, zone, lang);
            }
            super::print::bus_lines_appendix(&mut h, run, shown, lang);
        }
    }
    super::inputs::inputs_section(&mut h, run, lang);
    assumptions(&mut h, run, lang);
    let _ = writeln!(
        h,
        "</main>\n<footer class=\"attribution\">{} {} · {} {}</footer>\n<script>{SCRIPT}</script>\n</body></html>",
        lang.t("Map data", "地图数据"),
        esc(ATTRIBUTION),
        lang.t("licence", "许可"),
        esc(LICENSE),
    );
    h
}

fn coverage_of<'a>(run: &'a PlanRun, zone: &Zone) -> Option<(&'a LifeCircle, &'a ZoneCoverage)> {
    let lc = run.life_circle.as_ref().ok()?;
    if lc.zones.kind != ZoneKind::Parks {
        return None;
    }
    lc.report
        .zones
        .iter()
        .find(|z| z.zone == zone.id)
        .map(|z| (lc, z))
}

fn commute_of<'a>(run: &'a PlanRun, zone: &Zone) -> Option<&'a ParkCommute> {
    run.commute
        .as_ref()
        .ok()?
        .report
        .parks
        .iter()
        .find(|p| p.zone == zone.id)
}

fn bus_of<'a>(run: &'a PlanRun, zone: &Zone) -> Option<(&'a BusLines, Vec<&'a Line>)> {
    let bus = run.bus.as_ref().ok()?;
    if !bus.parks.contains(&zone.id) {
        return None;
    }
    let lines = bus
        .plan
        .lines
        .iter()
        .filter(|l| l.parks.contains(&zone.id))
        .collect();
    Some((bus, lines))
}

fn summary_table(h: &mut String, run: &PlanRun, lang: Lang) {
    let Ok(parks) = &run.parks else { return };
    let modes: Vec<Mode> = run
        .commute
        .as_ref()
        .map(|c| c.report.options.modes.clone())
        .unwrap_or_default();
    let target = run.scenario.commute.minutes;
    let _ = write!(
        h,
        "<section class=\"summary\"><h2>{}</h2><table class=\"summary sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th>",
        lang.t("All parks", "全部园区"),
        lang.t("Park", "园区"),
        lang.t("Area, ha", "面积（公顷）"),
        lang.t("Life circle", "生活圈覆盖率"),
    );
    for m in &modes {
        let _ = write!(h, "<th>{} ≤{target:.0}′</th>", mode_label(lang, *m));
    }
    let _ = write!(
        h,
        "<th>{}</th><th>{}</th></tr></thead><tbody>",
        lang.t("Reservation bus: workers", "预约公交：职工"),
        lang.t(
            "Workers ≤target: reservation bus / today",
            "职工达标：预约公交/现状"
        ),
    );
    for z in &parks.zones {
        let _ = write!(
            h,
            "<tr><td><a href=\"#{}\">{}</a> {}</td><td>{:.1}</td>{}",
            esc(&z.code),
            esc(&z.code),
            esc(&zone_name(z, lang)),
            z.area_ha,
            coverage_of(run, z).map_or("<td>—</td>".into(), |(lc, c)| reach_td(
                lc.report.life_circle_reach(c),
                lang
            )),
        );
        match (commute_of(run, z), run.commute.as_ref()) {
            (Some(pc), Ok(c)) => {
                for m in &pc.modes {
                    h.push_str(&reach_td(c.report.mode_reach(m), lang));
                }
            }
            _ => {
                for _ in &modes {
                    h.push_str("<td>—</td>");
                }
            }
        }
        match bus_of(run, z) {
            Some((bus, _)) if let Some(why) = bus.no_line(z.id) => {
                let workers = bus.plan.park_kpis(z.id).workers;
                let _ = write!(
                    h,
                    "{}</tr>",
                    if workers == 0 {
                        no_line_short_td(&why, lang, 2)
                    } else {
                        format!("<td>{workers}</td>{}", no_line_short_td(&why, lang, 1))
                    }
                );
            }
            Some((bus, _)) => {
                let k = bus.plan.park_kpis(z.id);
                let _ = write!(
                    h,
                    "<td>{}</td><td>{} / {}</td></tr>",
                    k.workers,
                    pct(k.within_target_share),
                    pct(k.existing_within_target_share)
                );
            }
            None => h.push_str("<td>—</td><td>—</td></tr>"),
        }
    }
    let _ = writeln!(
        h,
        "</tbody></table><p class=\"note\">{}</p></section>",
        lang.t(
            "Life circle: share of the park's evaluation points (100 m grid) that reach every required category within its threshold on foot. Modes: share of all residents of the region within the commute target of the park.",
            "生活圈覆盖率：园区评价点（100米网格）步行在阈值内可达全部必需设施类别的比例。各方式：研究范围内居民在通勤目标时间内可达该园区的比例。"
        )
    );
}

fn extend(rect: &mut Option<Rect>, other: Option<Rect>) {
    if let Some(o) = other {
        *rect = Some(match rect {
            None => o,
            Some(r) => Rect::new(
                Coord {
                    x: r.min().x.min(o.min().x),
                    y: r.min().y.min(o.min().y),
                },
                Coord {
                    x: r.max().x.max(o.max().x),
                    y: r.max().y.max(o.max().y),
                },
            ),
        });
    }
}

/// Which map of a park: the park and its walking bands in detail, or the overview of its bus
/// lines (no roads, amenities, gaps or sites; those layers stay, empty).
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Detail,
    Overview,
}

/// Width over height of the overview map at least (drawn across the page's full width).
const OVERVIEW_ASPECT: f64 = 1.6;

/// The map's frame: the park and its walking bands (the overview adds its bus lines), 5 %
/// wider, at least 2 km across.
fn map_frame(run: &PlanRun, zone: &Zone, view: View) -> Rect {
    let mut frame = zone.polygon.bounding_rect();
    if let Some((_, c)) = coverage_of(run, zone) {
        for iso in &c.isochrones {
            extend(&mut frame, iso.polygon.bounding_rect());
        }
    }
    if let (View::Overview, Some((_, lines))) = (view, bus_of(run, zone)) {
        for l in lines {
            extend(&mut frame, LineString::from(l.path()).bounding_rect());
        }
    }
    let frame = frame.unwrap_or(Rect::new(
        Coord { x: 0.0, y: 0.0 },
        Coord { x: 0.0, y: 0.0 },
    ));
    // Degrees of 1 km east-west and north-south at the park.
    let km_y = 1.0 / 111.2;
    let km_x = km_y / frame.center().y.to_radians().cos().max(0.1);
    let mut dx = (frame.width() * 0.05).max((2.0 * km_x - frame.width()) / 2.0);
    let dy = (frame.height() * 0.05).max((2.0 * km_y - frame.height()) / 2.0);
    if view == View::Overview {
        // The page's full width, not a tall strip: at least OVERVIEW_ASPECT times as wide
        // (on the ground) as high.
        let (w_km, h_km) = (
            (frame.width() + 2.0 * dx) / km_x,
            (frame.height() + 2.0 * dy) / km_y,
        );
        dx += ((OVERVIEW_ASPECT * h_km - w_km).max(0.0) / 2.0) * km_x;
    }
    Rect::new(
        Coord {
            x: frame.min().x - dx,
            y: frame.min().y - dy,
        },
        Coord {
            x: frame.max().x + dx,
            y: frame.max().y + dy,
        },
    )
}

/// A map of the park: the commute reach by mode (hidden until its legend entry is clicked),
/// water and railways, roads, walking bands, the park, bus lines and stops, amenities by
/// category (colour and shape), gaps, the numbered new sites of `actions`, and labels.
fn park_map(
    run: &PlanRun,
    zone: &Zone,
    lang: Lang,
    view: View,
    actions: Option<&ParkActions<'_>>,
) -> SvgMap {
    let frame = map_frame(run, zone, view);
    let width_px = 1000.0;
    let mut map = SvgMap::new(frame, width_px);
    draw_reach(&mut map, run, zone, lang);
    if view == View::Detail {
        basemap::water_and_rail(&mut map, &run.extract, frame, lang);
    }
    draw_roads(&mut map, run, frame, view, lang);
    draw_bands(&mut map, run, zone, lang);
    let park = map.layer(
        "park",
        lang.t("Park", "园区"),
        Style::area("#1e293b", 0.08).with_stroke("#0f172a", 2.0),
    );
    map.area(park, &zone.polygon, Some(&zone_name(zone, lang)));
    draw_bus(&mut map, run, zone, lang);
    let amenities = map.layer(
        "amenities",
        lang.t("Amenities", "设施"),
        Style::dot("#475569", 2.5),
    );
    let gaps = map.layer(
        "gaps",
        lang.t(
            "Gaps (a required category beyond reach)",
            "缺口（必需设施不可达）",
        ),
        Style::dot("#b91c1c", 2.0),
    );
    let sites = map.layer(
        "sites",
        lang.t(
            "New sites (numbers as in the list)",
            "建议新增设施（编号同列表）",
        ),
        Style::dot("#facc15", 8.0).with_stroke("#713f12", 1.5),
    );
    if let (View::Detail, Some((lc, c))) = (view, coverage_of(run, zone)) {
        draw_amenities(&mut map, amenities, lc, lang);
        draw_gaps(&mut map, gaps, lc, c, lang);
        let blocked = actions.map_or(Vec::new(), |a| draw_sites(&mut map, sites, lc, a, lang));
        let others: Vec<&Zone> = run.parks.as_ref().map_or(Vec::new(), |p| {
            p.zones
                .iter()
                .filter(|z| z.id != zone.id)
                .filter(|z| {
                    z.polygon
                        .bounding_rect()
                        .is_some_and(|r| basemap::rects_meet(&r, &frame))
                })
                .collect()
        });
        basemap::labels(&mut map, &run.extract, zone, &others, &blocked, lang);
    }
    map
}

/// The 30-minute reach of each mode, one sub-layer per mode, hidden by default.
fn draw_reach(map: &mut SvgMap, run: &PlanRun, zone: &Zone, lang: Lang) {
    let reach = map.layer(
        "commute-reach",
        &format!(
            "{} {:.0} {}",
            lang.t("Reach within", "通勤可达"),
            run.scenario.commute.minutes,
            lang.t("min", "分钟")
        ),
        Style::area("#94a3b8", 0.0),
    );
    if let Some(pc) = commute_of(run, zone) {
        for m in &pc.modes {
            let sub = map.sublayer(
                reach,
                m.mode.name(),
                mode_label(lang, m.mode),
                Style::area(mode_colour(m.mode), 0.06).dashed("6 3"),
            );
            map.area(sub, &m.reach, Some(mode_label(lang, m.mode)));
            map.hide(sub);
        }
    }
}

/// Roads open to cars with an end inside the frame (detail map only).
fn draw_roads(map: &mut SvgMap, run: &PlanRun, frame: Rect, view: View, lang: Lang) {
    let roads = map.layer(
        "roads",
        lang.t("Roads", "道路"),
        Style::line("#cbd5e1", 1.0),
    );
    map.background(roads);
    let graph = &run.graph;
    let (lo, hi) = (frame.min(), frame.max());
    let edges = if view == View::Detail {
        graph.edges.as_slice()
    } else {
        &[]
    };
    for (i, edge) in edges.iter().enumerate() {
        let e = EdgeId(i as u32);
        let a = graph.vertices[edge.from.index()].coord;
        let b = graph.vertices[edge.to.index()].coord;
        let inside = |c: Coord| c.x >= lo.x && c.x <= hi.x && c.y >= lo.y && c.y <= hi.y;
        if (inside(a) || inside(b)) && graph.usable(Mode::Car, e) {
            map.line(
                roads,
                &LineString::from(graph.edge_geometry(e).to_vec()),
                None,
            );
        }
    }
}

/// The nested walking bands from the park.
fn draw_bands(map: &mut SvgMap, run: &PlanRun, zone: &Zone, lang: Lang) {
    let bands = map.layer(
        "walk-bands",
        lang.t("Walking time from the park", "园区步行时间"),
        Style::area("#16a34a", 0.0),
    );
    if let Some((_, c)) = coverage_of(run, zone) {
        let greens = ["#86efac", "#22c55e", "#15803d"];
        for (k, iso) in c.isochrones.iter().enumerate().rev() {
            let label = format!("≤ {:.0} {}", iso.minutes, lang.t("min walk", "分钟步行"));
            let sub = map.sublayer(
                bands,
                &format!("walk-{:.0}", iso.minutes),
                &label,
                Style::area(greens[k.min(2)], 0.18),
            );
            map.area(sub, &iso.polygon, Some(&label));
        }
    }
}

/// The park's bus lines (morning paths) and their stops.
fn draw_bus(map: &mut SvgMap, run: &PlanRun, zone: &Zone, lang: Lang) {
    let bus_lines = map.layer(
        "bus-lines",
        lang.t("Proposed bus lines", "建议公交线路"),
        Style::line("#ea580c", 2.5),
    );
    let stops = map.layer(
        "bus-stops",
        lang.t("Bus stops", "公交站点"),
        Style::dot("#9a3412", 3.5).with_shape(Shape::Square),
    );
    let Some((bus, lines)) = bus_of(run, zone) else {
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    for l in lines {
        let title = format!(
            "{} {}: {} {}, {} {}",
            l.code,
            line_name(run.parks.as_ref().ok(), &bus.plan, l, lang),
            l.of(crate::drt::lines::Period::Morning).count(),
            lang.t("departures", "班次"),
            l.riders(),
            lang.t("riders", "人")
        );
        map.line(bus_lines, &LineString::from(l.path()), Some(&title));
        for stop in &l.stops {
            if seen.insert(*stop) {
                let st = &bus.plan.stops[stop.0 as usize];
                map.point(
                    stops,
                    st.location,
                    Some(&format!(
                        "{} {}: {} ↑",
                        st.code,
                        stop_name(run.parks.as_ref().ok(), st, lang),
                        st.boardings
                    )),
                );
            }
        }
    }
}

/// Amenities, one sub-layer per category told apart by colour and shape.
fn draw_amenities(map: &mut SvgMap, amenities: LayerId, lc: &LifeCircle, lang: Lang) {
    let mut subs: Vec<Option<LayerId>> = vec![None; lc.profile.categories.len()];
    for a in &lc.amenities {
        let cat = &lc.profile.categories[a.category];
        let sub = *subs[a.category].get_or_insert_with(|| {
            map.sublayer(
                amenities,
                &cat.id,
                lang.t(&cat.en, &cat.zh),
                Style::dot(CATEGORY_COLOURS[a.category % CATEGORY_COLOURS.len()], 3.2)
                    .with_shape(Shape::ALL[a.category % Shape::ALL.len()]),
            )
        });
        let title = a
            .name
            .clone()
            .unwrap_or_else(|| lang.t(&cat.en, &cat.zh).to_string());
        map.point(sub, a.location, Some(&title));
    }
}

/// Evaluation points missing a required category, titled with the missing ones. A category
/// the data has no feature of is "no data", not a gap: it marks no point.
fn draw_gaps(map: &mut SvgMap, gaps: LayerId, lc: &LifeCircle, c: &ZoneCoverage, lang: Lang) {
    let has_data = |k: usize| {
        lc.report
            .amenities_per_category
            .get(k)
            .is_some_and(|&n| n > 0)
    };
    for (p, point) in c.eval.iter().enumerate() {
        let missing: Vec<&str> = lc
            .profile
            .categories
            .iter()
            .enumerate()
            .filter(|(k, cat)| cat.required && has_data(*k) && !c.covered[p][*k])
            .map(|(_, cat)| lang.t(&cat.en, &cat.zh))
            .collect();
        if !missing.is_empty() {
            map.point(
                gaps,
                point.location,
                Some(&missing.join(lang.t(", ", "、"))),
            );
        }
    }
}

/// The numbered new sites, one marker per location (sites of several categories often share
/// the best vertex: "1–4"); returns their boxes (px) for the labels to keep clear of.
fn draw_sites(
    map: &mut SvgMap,
    sites: LayerId,
    lc: &LifeCircle,
    actions: &ParkActions<'_>,
    lang: Lang,
) -> Vec<[f64; 4]> {
    let mut at: std::collections::BTreeMap<crate::graph::VertexId, Vec<&actions::Action<'_>>> =
        std::collections::BTreeMap::new();
    for a in &actions.actions {
        at.entry(a.site.vertex).or_default().push(a);
    }
    let mut blocked = Vec::new();
    for group in at.values() {
        let titles: Vec<String> = group
            .iter()
            .map(|a| {
                let label = &lc.profile.categories[a.category];
                format!(
                    "{} {}: {} {} → {}",
                    actions::circled(a.number),
                    lang.t(&label.en, &label.zh),
                    lang.t("coverage", "覆盖"),
                    pct(a.share_before),
                    pct(a.site.share_after)
                )
            })
            .collect();
        let numbers: Vec<usize> = group.iter().map(|a| a.number).collect();
        let label = actions::number_range(&numbers);
        let location = group[0].site.location;
        map.marker(sites, location, &label, Some(&titles.join("\n")));
        if let Some((x, y)) = map.to_px(location) {
            let r = 10.0 + 3.5 * label.chars().count() as f64;
            blocked.push([x - r, y - r, x + r, y + r]);
        }
    }
    blocked
}

/// A park's section: heading and verdict, the map with its legend beside it, the action list,
/// the life-circle table, the commute circle and the bus lines.
fn park_section(h: &mut String, run: &PlanRun, zone: &Zone, lang: Lang) {
    let _ = writeln!(
        h,
        "<section class=\"park\" id=\"{}\" data-park=\"{}\"><h2>{} {}</h2><p class=\"meta\">{:.1} {} · {}</p>",
        esc(&zone.code),
        esc(&zone.code),
        esc(&zone.code),
        esc(&zone_name(zone, lang)),
        zone.area_ha,
        lang.t("ha", "公顷"),
        super::words::zone_source_html(&zone.source, lang),
    );
    let plan = coverage_of(run, zone).map(|(lc, c)| {
        let a = actions::park_actions(&run.extract, &lc.profile, zone, c, lang);
        (lc, c, a)
    });
    if let Some((lc, c, a)) = &plan {
        match lc.report.life_circle_reach(c).no_data() {
            // Without data there is no verdict, only what is missing.
            Some(why) => {
                let _ = writeln!(
                    h,
                    "<p class=\"verdict\"><span class=\"nodata\">{}</span> — {}</p>",
                    lang.t("No data", "无数据"),
                    esc(super::nodata::no_data_reason(why, lang))
                );
            }
            None => actions::verdict_html(h, &lc.profile, c, a, lang),
        }
    }
    let map = park_map(run, zone, lang, View::Detail, plan.as_ref().map(|p| &p.2));
    let _ = writeln!(
        h,
        "<div class=\"map-block\">{}\n{}</div>",
        map.to_svg(),
        map.legend_html()
    );
    if let Some((lc, _, a)) = &plan {
        actions::actions_html(h, &lc.profile, a, lang);
        actions::no_data_html(h, &lc.profile, &lc.report.amenities_per_category, lang);
    }
    if bus_of(run, zone).is_some_and(|(_, lines)| !lines.is_empty()) {
        let overview = park_map(run, zone, lang, View::Overview, None);
        let _ = writeln!(
            h,
            "<div class=\"overview-row\"><div class=\"overview\">{}</div><p class=\"note\">{}</p></div>",
            overview.to_svg(),
            lang.t(
                "Overview: the park, its proposed bus lines and stops. The map above shows the park's surroundings in detail; lines leaving it continue here.",
                "概览：园区、建议公交线路与站点。上图为园区周边详图，延伸出图外的线路见此图。"
            )
        );
    }
    life_circle_table(h, run, zone, plan.as_ref().map(|p| &p.2), lang);
    commute_section(h, run, zone, lang);
    bus_section(h, run, zone, lang);
    h.push_str("</section>\n");
}

/// Per category: threshold, facilities within reach, nearest, points covered today and with
/// the new sites, result; then the life-circle share today and with the new sites.
fn life_circle_table(
    h: &mut String,
    run: &PlanRun,
    zone: &Zone,
    actions: Option<&ParkActions<'_>>,
    lang: Lang,
) {
    let _ = write!(
        h,
        "<h3>{}</h3><table class=\"coverage\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"after\">{}</th><th>{}</th></tr></thead><tbody>",
        lang.t("15-minute life circle", "15分钟生活圈"),
        lang.t("Category", "类别"),
        lang.t("Threshold", "阈值"),
        lang.t("Within reach", "可达数量"),
        lang.t("Nearest", "最近距离"),
        lang.t("Points covered", "评价点覆盖"),
        lang.t("After the new sites", "新增设施后"),
        lang.t("Result", "结论"),
    );
    let (Some((lc, c)), Some(a)) = (coverage_of(run, zone), actions) else {
        let why = run.life_circle.as_ref().err().map_or(
            lang.t(
                "the life circle was evaluated for residential areas",
                "生活圈按居住区评价",
            )
            .to_string(),
            |e| e.text(lang),
        );
        let _ = writeln!(
            h,
            "<tr><td colspan=\"7\">{}</td></tr></tbody></table>",
            esc(&why)
        );
        return;
    };
    for cat in &c.categories {
        let k = &lc.profile.categories[cat.category];
        if let Some(why) = lc.report.category_reach(cat).no_data() {
            let _ = write!(
                h,
                "<tr><td>{}{}</td><td>{}</td>{}</tr>",
                esc(lang.t(&k.en, &k.zh)),
                if k.required { "" } else { " *" },
                esc(&crate::lang::threshold_label(k.minutes, k.metres, lang)),
                no_data_td(why, lang, 5),
            );
            continue;
        }
        let (class, word) = if cat.covered_share >= 1.0 - 1e-9 {
            ("pass", lang.t("pass", "达标"))
        } else if cat.covered_share > 0.0 {
            ("partly", lang.t("partly", "部分达标"))
        } else {
            ("fail", lang.t("fail", "不达标"))
        };
        let _ = write!(
            h,
            "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"after\">{}</td><td class=\"{class}\">{word}</td></tr>",
            esc(lang.t(&k.en, &k.zh)),
            if k.required { "" } else { " *" },
            esc(&crate::lang::threshold_label(k.minutes, k.metres, lang)),
            cat.count_within,
            cat.nearest_m.map_or("—".into(), |m| format!("{m:.0} m")),
            pct(cat.covered_share),
            pct(a.share_after[cat.category]),
        );
    }
    let (today, after) = match lc.report.life_circle_reach(c) {
        crate::reach::Reach::NoData(why) => (no_data_td(why, lang, 1), "<td></td>".to_string()),
        crate::reach::Reach::Share(x) => (
            format!("<td><b>{}</b></td>", pct(x)),
            format!(
                "<td class=\"after\"><b>{}</b></td>",
                pct(a.life_circle_after)
            ),
        ),
    };
    let _ = writeln!(
        h,
        "<tr><td><b>{}</b></td><td></td><td></td><td></td>{today}{after}<td></td></tr></tbody></table><p class=\"note\">{}</p>",
        lang.t("Every required category", "全部必需类别"),
        lang.t(
            "pass: reachable on foot within the threshold from every evaluation point of the park; partly: from some; * optional category. After the new sites: with every site of the action list built.",
            "达标：园区全部评价点步行阈值内可达；部分达标：部分评价点可达；* 为可选类别。新增设施后：按建议措施全部建成后的覆盖。"
        )
    );
}

/// The commute circle: residents reaching the park by mode and band, and the curve.
fn commute_section(h: &mut String, run: &PlanRun, zone: &Zone, lang: Lang) {
    // Commute.
    let _ = write!(
        h,
        "<h3>{}</h3><div class=\"row\"><div><table class=\"commute\"><thead><tr><th>{}</th>",
        lang.t("Commute circle", "通勤圈"),
        lang.t("Mode", "方式"),
    );
    for b in BANDS_MIN {
        let _ = write!(h, "<th>≤{b:.0}′</th>");
    }
    h.push_str("</tr></thead><tbody>");
    match (commute_of(run, zone), run.commute.as_ref()) {
        (Some(pc), Ok(c)) => {
            for m in &pc.modes {
                let _ = write!(h, "<tr><td>{}</td>", mode_label(lang, m.mode));
                if let Some(why) = c.report.mode_no_data(m.mode) {
                    let _ = write!(h, "{}</tr>", no_data_td(why, lang, BANDS_MIN.len()));
                    continue;
                }
                for (n, s) in m.residents_within.iter().zip(&m.share_within) {
                    let _ = write!(h, "<td>{:.0} ({})</td>", round(*n, 0), pct(*s));
                }
                h.push_str("</tr>");
            }
            let _ = writeln!(
                h,
                "</tbody></table><p class=\"note\">{} {}</p></div><div>{}</div></div>",
                lang.t(
                    "Residents reaching the park; all residents:",
                    "可达园区的居民数；研究范围内居民："
                ),
                residents_text(run, c, lang),
                commute_chart_with_data(pc, c, lang)
            );
            h.push_str(&district_reach_table(pc, c, lang));
        }
        _ => {
            let why = run
                .commute
                .as_ref()
                .err()
                .map_or_else(|| "—".into(), |e| e.text(lang));
            let _ = writeln!(
                h,
                "<tr><td colspan=\"5\">{}</td></tr></tbody></table></div></div>",
                esc(&why)
            );
        }
    }
}

/// The commute chart of the modes with data: a mode without data (the bus without lines) is
/// no curve, not walking's, and with no mode left there is no chart (empty axes read as 0 %).
fn commute_chart_with_data(pc: &ParkCommute, c: &crate::plan::Commute, lang: Lang) -> String {
    let modes: Vec<_> = pc
        .modes
        .iter()
        .filter(|m| c.report.mode_no_data(m.mode).is_none())
        .cloned()
        .collect();
    if modes.is_empty() {
        return String::new();
    }
    commute_chart(
        &ParkCommute {
            modes,
            ..pc.clone()
        },
        lang,
    )
}

/// The reservation-responsive bus lines of the park beside today's best mode.
fn bus_section(h: &mut String, run: &PlanRun, zone: &Zone, lang: Lang) {
    // Bus lines.
    let _ = write!(
        h,
        "<h3>{}</h3><table class=\"drt\"><thead><tr><th></th><th>{}</th><th>{}</th></tr></thead><tbody>",
        lang.t("Reservation-responsive bus lines", "预约响应式公交"),
        lang.t("Bus lines", "公交方案"),
        lang.t("Best mode today (no car)", "现状最优方式（不含小汽车）"),
    );
    match bus_of(run, zone) {
        Some((bus, _)) if let Some(why) = bus.no_line(zone.id) => {
            let _ = writeln!(h, "<tr>{}</tr></tbody></table>", no_line_td(&why, lang, 3));
        }
        Some((bus, lines)) => {
            let k = bus.plan.park_kpis(zone.id);
            for (a, b, c) in bus_kpi_rows(bus, &k, &lines, lang) {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&a),
                    esc(&b),
                    esc(&c)
                );
            }
            h.push_str("</tbody></table>\n");
            bus_notes(h, bus, &k, lang);
            let parks = run.parks.as_ref().ok();
            super::drt_html::lines_table(h, bus, (parks, &lines), zone, lang);
        }
        None => no_bus_row(h, run, lang),
    }
}

/// The park's bus-line figures beside today's best mode: (what, bus lines, today).
fn bus_kpi_rows(
    bus: &BusLines,
    k: &crate::drt::lines::Kpis,
    lines: &[&Line],
    lang: Lang,
) -> [(String, String, String); 7] {
    let target = bus.plan.options.target_min;
    [
        (
            lang.t("Workers", "职工").into(),
            format!(
                "{}{}{}{}",
                k.workers,
                super::words::punct(lang).open,
                if bus.plan.synthetic {
                    lang.t("synthetic", "模拟")
                } else {
                    lang.t("supplied", "实际")
                },
                super::words::punct(lang).close
            ),
            k.workers.to_string(),
        ),
        (
            lang.t("Carried by bus / walk to the park", "乘车比例 / 步行到园")
                .into(),
            format!(
                "{} / {}",
                pct(k.served_share),
                pct(if k.workers == 0 {
                    0.0
                } else {
                    f64::from(k.on_foot) / f64::from(k.workers)
                })
            ),
            "—".into(),
        ),
        (
            format!(
                "{} {target:.0} {}",
                lang.t("Door to door ≤", "门到门 ≤"),
                lang.t("min", "分钟")
            ),
            pct(k.within_target_share),
            pct(k.existing_within_target_share),
        ),
        (
            lang.t(
                "Door to door of carried workers, mean / 95th pct, min",
                "乘车职工门到门 平均 / 95分位（分钟）",
            )
            .into(),
            format!(
                "{:.1} / {:.1}",
                k.door_to_door.mean_min, k.door_to_door.p95_min
            ),
            format!("{:.1} / {:.1}", k.existing.mean_min, k.existing.p95_min),
        ),
        (
            lang.t(
                "Walk to stop, mean / max, min",
                "步行到站 平均/最大（分钟）",
            )
            .into(),
            format!("{:.1} / {:.1}", k.walk.mean_min, k.walk.max_min),
            "—".into(),
        ),
        (
            lang.t("Lines (vehicles)", "线路（车辆）").into(),
            format!(
                "{}{}{}{}{}{} {}{}",
                lines.len(),
                super::words::punct(lang).open,
                lines
                    .iter()
                    .map(|l| l.code.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                super::words::punct(lang).close,
                super::words::punct(lang).open,
                k.vehicles,
                lang.t("vehicles", "辆"),
                super::words::punct(lang).close
            ),
            "—".into(),
        ),
        (
            lang.t(
                "Vehicle-km (morning peak), load factor",
                "早高峰车公里，满载率",
            )
            .into(),
            format!("{:.1} km, {}", k.vehicle_km_morning, pct(k.load_factor)),
            "—".into(),
        ),
    ]
}

/// The notes under the park's bus table: workers no bus can bring within the target, and
/// why today's share is 0 for synthetic workers.
fn bus_notes(h: &mut String, bus: &BusLines, k: &crate::drt::lines::Kpis, lang: Lang) {
    if k.beyond_direct_bus > 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\">{} {}{}{}</p>",
            k.beyond_direct_bus,
            lang.t(
                "workers cannot be within the target even by a direct bus",
                "名职工即使直达公交也无法达标"
            ),
            super::words::punct(lang).colon,
            lang.t(
                "their walk, wait and the direct ride already exceed it.",
                "步行、候车与直达行程已超过目标时间。"
            )
        );
    }
    if bus.plan.synthetic {
        let _ = writeln!(
            h,
            "<p class=\"note\">{}</p>",
            lang.t(
                "The synthetic workers are residents who reach the park within the target only by car, so today's share without a car is 0 by construction; today's times are compared over the same carried workers.",
                "模拟职工取自仅小汽车可在目标时间内到达园区的居民，因此现状（不含小汽车）达标比例必然为0；现状时间按同一批乘车职工比较。"
            )
        );
    }
}

/// The bus table's one row when the park has no bus lines: why.
fn no_bus_row(h: &mut String, run: &PlanRun, lang: Lang) {
    let why = match run.bus.as_ref() {
        Err(e) => e.text(lang),
        Ok(_) => lang
            .t(
                "No bus lines planned for this park (see [bus] parks / max_parks in the scenario).",
                "本园区未规划公交（见情景文件 [bus] parks / max_parks）。",
            )
            .to_string(),
    };
    let _ = writeln!(
        h,
        "<tr><td colspan=\"3\">{}</td></tr></tbody></table>",
        esc(&why)
    );
}

/// The region's residents and how they were counted, or "no data" and why when there are
/// none (a region without buildings has no residents in the data, not 0 residents).
fn residents_text(run: &PlanRun, c: &crate::plan::Commute, lang: Lang) -> String {
    if c.report.residents_total > 0.0 {
        let p = super::words::punct(lang);
        format!(
            "{:.0}{}{}{}",
            round(c.report.residents_total, 0),
            p.open,
            residents_basis(run, lang),
            p.close
        )
    } else {
        format!(
            "{}{}{}{}",
            super::nodata::no_data_label(lang),
            lang.t(" (", "（"),
            super::nodata::no_data_reason(crate::reach::NoData::NoResidents, lang),
            lang.t(")", "）")
        )
    }
}

fn residents_basis(run: &PlanRun, lang: Lang) -> &'static str {
    match run.commute.as_ref() {
        Ok(c) if c.residents.supplied => lang.t("supplied", "提供的数据"),
        Ok(c) if c.residents.scaled_to_total.is_some() => lang.t(
            "estimated from buildings, scaled to the known total",
            "由建筑估算并按已知总人口缩放",
        ),
        _ => lang.t("estimated from buildings and areas", "由建筑与用地估算"),
    }
}

/// Share of residents within 15/30/45/60 minutes, one line per mode.
/// Districts listed per park in the report (most residents first); all are in
/// `commute_districts.csv`.
const MAX_DISTRICT_ROWS: usize = 30;

/// A park's reach per district of the population file: residents, and the share within the
/// target by each mode; empty without districts.
fn district_reach_table(pc: &ParkCommute, c: &crate::plan::Commute, lang: Lang) -> String {
    if pc.districts.is_empty() {
        return String::new();
    }
    let mut rows: Vec<&crate::commute::districts::DistrictReach> = pc.districts.iter().collect();
    rows.sort_by(|a, b| {
        b.residents
            .total_cmp(&a.residents)
            .then(a.district.cmp(&b.district))
    });
    let mut h = format!(
        "<table class=\"districts\"><thead><tr><th>{}</th><th>{}</th>",
        lang.t("District", "街道/社区"),
        lang.t("Residents", "居民"),
    );
    for m in &c.report.options.modes {
        let _ = write!(
            h,
            "<th>{} ≤{:.0}′</th>",
            mode_label(lang, *m),
            c.report.options.target_min
        );
    }
    h.push_str("</tr></thead><tbody>");
    for d in rows.iter().take(MAX_DISTRICT_ROWS) {
        let name = c.residents.district_name(Some(d.district)).unwrap_or("-");
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{:.0}</td>",
            esc(name),
            round(d.residents, 0)
        );
        for r in &d.reached {
            let share = if d.residents > 0.0 {
                r / d.residents
            } else {
                0.0
            };
            let _ = write!(h, "<td>{}</td>", pct(share));
        }
        h.push_str("</tr>");
    }
    let _ = write!(
        h,
        "</tbody></table><p class=\"note\">{}{}</p>",
        lang.t(
            "Share of each district's residents reaching the park within the target; every district and mode is in commute_districts.csv.",
            "各街道/社区居民在目标时间内到达园区的比例；全部街道与方式见 commute_districts.csv。"
        ),
        if rows.len() > MAX_DISTRICT_ROWS {
            format!(" ({} / {})", MAX_DISTRICT_ROWS, rows.len())
        } else {
            String::new()
        }
    );
    h
}

fn commute_chart(pc: &ParkCommute, lang: Lang) -> String {
    let (w, ht, left, bottom) = (360.0, 200.0, 40.0, 26.0);
    let x = |i: usize| left + (i as f64) * (w - left - 70.0) / 3.0;
    let y = |share: f64| 8.0 + (1.0 - share) * (ht - bottom - 8.0);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {ht}\" width=\"{w}\" height=\"{ht}\" role=\"img\" font-size=\"11\">"
    );
    for k in 0..=4 {
        let v = f64::from(k) * 0.25;
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#e2e8f0\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x(3),
            y(v),
            y(v),
            left - 4.0,
            y(v) + 4.0,
            pct(v)
        );
    }
    for (i, b) in BANDS_MIN.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{b:.0} {}</text>",
            x(i),
            ht - 8.0,
            lang.t("min", "分")
        );
    }
    for (k, m) in pc.modes.iter().enumerate() {
        let points: Vec<String> = m
            .share_within
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect();
        let _ = write!(
            s,
            "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"{c}\">{}</text>",
            points.join(" "),
            x(3) + 8.0,
            14.0 + 14.0 * k as f64,
            mode_label(lang, m.mode),
            c = mode_colour(m.mode),
        );
    }
    s.push_str("</svg>");
    s
}

/// The report's "Assumptions" section: the data and speeds, then each stage's parameters.
fn assumptions(h: &mut String, run: &PlanRun, lang: Lang) {
    let mut rows = region_assumptions(run, lang);
    if let Ok(lc) = &run.life_circle {
        rows.push(life_circle_assumptions(lc, lang));
    }
    if let Ok(c) = &run.commute {
        rows.extend(commute_assumptions(run, c, lang));
    }
    if let Ok(b) = &run.bus {
        rows.push((
            lang.t("Bus lines", "公交").into(),
            super::words::full_width(&bus_parameters(run, b, lang), lang),
        ));
        rows.push((lang.t("Checker", "校验").into(), checker_text(b, lang)));
    }
    let _ = write!(
        h,
        "<section class=\"assumptions\"><h2>{}</h2><table class=\"assumptions\"><tbody>",
        lang.t("Assumptions", "假设与参数")
    );
    for (k, v) in rows {
        let _ = write!(
            h,
            "<tr><td>{}</td><td style=\"text-align:left;white-space:normal\">{}</td></tr>",
            esc(&k),
            esc(&v)
        );
    }
    h.push_str("</tbody></table>");
    if let Ok(b) = &run.bus {
        // Once for the report, not in every park's section.
        super::drt_html::cost_sources_note(h, &b.plan, lang);
    }
    h.push_str("</section>\n");
}

/// The rows every run has: where the data comes from and the speeds of the modes.
fn region_assumptions(run: &PlanRun, lang: Lang) -> Vec<(String, String)> {
    let g = &run.graph.options;
    vec![
        (
            lang.t("Data", "数据").into(),
            format!(
                "{}{}{}{}",
                crate::lang::source_name(&run.extract.source, lang),
                super::words::punct(lang).open,
                crate::lang::data_date(run.extract.data_date().as_deref(), lang),
                super::words::punct(lang).close
            ),
        ),
        (
            lang.t("Speeds", "速度").into(),
            format!(
                "{} {} km/h · {} {} km/h · {} {} km/h · {} {} × {} · {} {} × {}",
                mode_label(lang, Mode::Walk),
                g.walk_kmh,
                mode_label(lang, Mode::Bike),
                g.bike_kmh,
                mode_label(lang, Mode::Ebike),
                g.ebike_kmh,
                mode_label(lang, Mode::Car),
                g.maxspeed_factor,
                lang.t("maxspeed", "道路限速"),
                mode_label(lang, Mode::Bus),
                g.bus_speed_factor,
                mode_label(lang, Mode::Car)
            ),
        ),
    ]
}

/// The amenity profile and each category's walking threshold.
fn life_circle_assumptions(lc: &LifeCircle, lang: Lang) -> (String, String) {
    let cats: Vec<String> = lc
        .profile
        .categories
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                lang.t(&c.en, &c.zh),
                crate::lang::threshold_label(c.minutes, c.metres, lang)
            )
        })
        .collect();
    (
        lang.t("Life circle", "生活圈").into(),
        format!(
            "{} — {}",
            crate::lang::profile_title(&lc.profile.name, lang),
            cats.join(lang.t(", ", "，"))
        ),
    )
}

/// The commute circle's target, residents and today's bus lines, and how residents were
/// estimated when no population file was given.
fn commute_assumptions(
    run: &PlanRun,
    c: &crate::plan::Commute,
    lang: Lang,
) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    rows.push((
        lang.t("Commute circle", "通勤圈").into(),
        format!(
            "{} {:.0} {}{}{} {}{}{}{}{}",
            lang.t("target", "目标"),
            c.report.options.target_min,
            lang.t("min", "分钟"),
            lang.t("; ", "；"),
            lang.t("residents", "居民"),
            residents_text(run, c, lang),
            lang.t("; ", "；"),
            lang.t("bus lines today", "现状公交"),
            super::words::punct(lang).colon,
            match c.report.mode_no_data(Mode::Bus) {
                Some(crate::reach::NoData::NoBusLines) => {
                    super::nodata::no_data_reason(crate::reach::NoData::NoBusLines, lang)
                        .to_string()
                }
                _ if c.report.transit_lines == 0 => {
                    super::nodata::no_data_reason(crate::reach::NoData::NoBusLines, lang)
                        .to_string()
                }
                _ => format!(
                    "{} {}{}",
                    c.report.transit_lines,
                    lang.t("× ", "条，来源："),
                    crate::lang::transit_source(&c.transit_source, lang)
                ),
            }
        ),
    ));
    if !c.residents.supplied {
        let o = &c.residents.options;
        rows.push((
            lang.t("Residents estimate", "居民估算").into(),
            format!(
                "{:.0} m² {} · {} {} · {} {}",
                1.0 / o.persons_per_m2,
                lang.t("floor area per person", "人均建筑面积"),
                o.default_levels,
                lang.t("levels when unknown", "层（未知层数时）"),
                o.area_density_per_ha,
                lang.t("residents/ha", "人/公顷")
            ),
        ));
    }
    rows
}

/// The bus-line search's demand, fleet, walking, timing and search parameters.
fn bus_parameters(run: &PlanRun, b: &BusLines, lang: Lang) -> String {
    let (s, o) = (&run.scenario, &b.plan.options);
    format!(
        "{}; {} {}{}; {} {:.0} m; {} {} ({} {:.0} {}); {} {:.0} {} ({} {:.0} {}, {} {:.1} {}); {} {:.0} h; {} {:.0} {}; {} {}, {} {}",
        if b.plan.synthetic {
            lang.t(
                "synthetic demand drawn from residents who reach the park within the target only by car",
                "模拟需求：从仅小汽车可在目标时间内到达园区的居民中抽样",
            )
        } else {
            lang.t("supplied demand", "提供的需求数据")
        },
        o.fleet_seats
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("/"),
        lang.t("seats", "座"),
        if o.roads == Mode::Car {
            lang.t(", on every road open to cars", "，可行驶所有机动车道路")
        } else {
            lang.t(", on roads open to buses", "，行驶公交可通行道路")
        },
        lang.t("walk to stop ≤", "步行到站 ≤"),
        o.max_walk_m,
        lang.t("arrive by", "到达"),
        s.bus.arrive,
        lang.t("up to", "最多提前"),
        o.early_min,
        lang.t("min early", "分钟"),
        lang.t("door-to-door target", "门到门目标"),
        o.target_min,
        lang.t("min", "分钟"),
        lang.t("wait at the stop", "站点候车"),
        o.wait_min,
        lang.t("min", "分钟"),
        lang.t("dwell per stop", "每站停靠"),
        o.dwell_min,
        lang.t("min", "分钟"),
        lang.t("shift length", "工作时长"),
        o.shift_h,
        lang.t("longest vehicle route", "每车次最长行程"),
        o.max_route_min,
        lang.t("min; vehicle-km and hours run from the first stop to the last (no driving to and from the depot)", "分钟；车公里与车时自首站至末站计（不含空驶往返车场）"),
        lang.t("seed", "随机种子"),
        o.search.seed,
        b.plan.search.iterations,
        lang.t("search iterations", "次搜索迭代")
    )
}

/// The independent checker's verdict on the morning and the evening plan; a plan without a
/// line has nothing to check and says so (an "ok" over zero workers reads as a pass).
fn checker_text(b: &BusLines, lang: Lang) -> String {
    if b.plan.lines.is_empty() {
        return lang
            .t("no line planned, nothing to check", "未规划线路，无需校验")
            .into();
    }
    format!(
        "{}{}{}{}{}",
        lang.t("morning ", "早班"),
        if b.plan.morning_check.feasible {
            lang.t("ok", "通过")
        } else {
            lang.t("FAILED", "未通过")
        },
        super::words::punct(lang).comma,
        lang.t("evening ", "晚班"),
        if b.plan.evening_check.feasible {
            lang.t("ok", "通过")
        } else {
            lang.t("FAILED", "未通过")
        },
    )
}

/// Every file of a plan run: each stage's files, `tables.xlsx` (their CSV tables), then `report.html` (last, so that it appears
/// only once everything it describes is in place).
pub fn plan_files(run: &PlanRun, lang: Lang) -> crate::error::Result<Vec<super::OutputFile>> {
    let source = run.extract.source.display().to_string();
    let mut files = Vec::new();
    if let Ok(lc) = &run.life_circle {
        let info = super::coverage::RunInfo {
            source: source.clone(),
            warnings: lc.warnings.clone(),
        };
        files.extend(super::coverage::coverage_files(
            &lc.zones,
            &lc.amenities,
            &lc.report,
            &info,
        )?);
    }
    if let (Ok(parks), Ok(c)) = (&run.parks, &run.commute) {
        files.extend(super::commute::commute_files(
            parks,
            &run.areas,
            &c.residents,
            &c.report,
            &source,
            &c.warnings,
        )?);
    }
    if let (Ok(parks), Ok(b)) = (&run.parks, &run.bus) {
        let demand = run
            .scenario
            .bus
            .demand
            .as_ref()
            .map(|p| p.display().to_string());
        let info = super::drt::DrtRunInfo {
            source: &source,
            demand: demand.as_deref(),
            seed: run.scenario.bus.seed,
            skipped_rows: &b.skipped,
            given: b.given.as_ref(),
            timezone: &run.scenario.bus.timezone,
            lang,
            no_line: &b.parks_without_line(),
            today_bus: Some(&b.today_bus),
        };
        files.extend(super::drt::drt_files(parks, &b.bookings, &b.plan, &info));
    }
    files.extend(super::xlsx::tables_file(&files, lang)?);
    files.push(super::OutputFile {
        name: "report.html".into(),
        bytes: report_html(run, lang).into_bytes(),
    });
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_languages() {
        assert_eq!(esc("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&#39;");
        assert_eq!(Lang::parse("ZH"), Lang::Zh);
        assert_eq!(Lang::parse("en"), Lang::En);
        assert_eq!(Lang::Zh.t("Park", "园区"), "园区");
    }
}
