//! What the commands print on the terminal, in the run's language: the summary tables
//! (aligned by display width, see [`super::table`]) and the commands' own messages.
//! Warnings from the library keep their text; only their prefix is printed here.

use std::path::{Path, PathBuf};
use std::time::Instant;

use lifecircle::commute::CommuteReport;
use lifecircle::coverage::CoverageReport;
use lifecircle::drt::lines::LinePlan;
use lifecircle::graph::Mode;
use lifecircle::lang::{Lang, zh_message, zone_name};
use lifecircle::osm::OsmExtract;
use lifecircle::places::residents::Residents;
use lifecircle::places::{ZoneKind, Zones};
use lifecircle::plan::PlanRun;
use lifecircle::report::round;

use super::args::{Cli, Command, PlanArgs};
use super::table::{Align, Table, truncate_cols};

/// Widest zone name printed, display columns.
const NAME_COLS: usize = 28;

/// A share as a whole percentage, never "-0%".
pub fn percent(x: f64) -> String {
    format!("{:.0}%", round(100.0 * x, 0))
}

/// A share, or "no data" / "无数据" when the data cannot give one.
pub fn reach_text(reach: lifecircle::reach::Reach, lang: Lang) -> String {
    reach
        .share()
        .map_or_else(|| lang.t("no data", "无数据").to_string(), percent)
}

/// The language of a run's terminal output: `--lang`, else the `[report] lang` of the scenario
/// `plan --config` names (read leniently: a scenario that does not load still gives its
/// language to the error saying why), else English.
pub fn run_lang(cli: &Cli) -> Lang {
    if let Some(code) = &cli.lang {
        return Lang::parse(code);
    }
    let Command::Plan(PlanArgs {
        config: Some(path), ..
    }) = &cli.command
    else {
        return Lang::En;
    };
    let value: Option<toml::Value> = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| toml::from_str(&text).ok());
    let code = value
        .as_ref()
        .and_then(|v| v.get("report")?.get("lang")?.as_str());
    code.map_or(Lang::En, Lang::parse)
}

/// A warning line: `warning: …` / `警告：…`, the library's English message in `lang`; a
/// skipped row as the library writes it (`pop.csv:3: reason`) reads `pop.csv 第3行：…`.
pub fn warning_line(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return format!("warning: {text}");
    }
    let row = text.split_once(": ").and_then(|(at, reason)| {
        let (path, line) = at.rsplit_once(':')?;
        let digits = !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| format!("{path} 第{line}行：{}", zh_message(reason)))
    });
    format!("警告：{}", row.unwrap_or_else(|| zh_message(text)))
}

/// Prints a warning (see [`warning_line`]).
pub fn warn(text: &str, lang: Lang) {
    eprintln!("{}", warning_line(text, lang));
}

/// The exit line of a failed command: `error: …` / `错误：…`, the error and its causes on one
/// line, each cause once (library errors often repeat their source in their own message, and
/// printing the chain as well would say it twice). Under `zh` the crate's errors are given
/// by [`lifecircle::Error::zh`], other causes through the message catalog.
pub fn error_line(e: &anyhow::Error, lang: Lang) -> String {
    let text = |cause: &(dyn std::error::Error + 'static)| match (lang, cause.downcast_ref()) {
        (Lang::En, _) => cause.to_string(),
        (Lang::Zh, Some(own)) => lifecircle::Error::zh(own),
        (Lang::Zh, None) => zh_message(&cause.to_string()),
    };
    let mut english = e.to_string();
    let mut line = text(e.as_ref());
    for cause in e.chain().skip(1) {
        let en = cause.to_string();
        if !english.contains(&en) {
            english.push_str(": ");
            english.push_str(&en);
            line.push_str(lang.t(": ", "："));
            line.push_str(&text(cause));
        }
    }
    match lang {
        Lang::En => format!("error: {line}"),
        Lang::Zh => format!("错误：{line}"),
    }
}

/// Prints what reading the region found doubtful (once per run).
pub fn warn_read(extract: &OsmExtract, lang: Lang) {
    if let Some(w) = &extract.stats.bbox_warning {
        warn(&format!("{}: {w}", extract.source.display()), lang);
    }
}

/// What was repaired or dropped reading the planner's park outlines, as warnings.
pub fn print_park_notes(run: &PlanRun, lang: Lang) {
    for note in run.parks.iter().flat_map(|p| &p.notes) {
        warn(note, lang);
    }
}

/// A planner's file as read: `read poi.csv (UTF-8, LF): 3 rows, 1 used, 2 skipped; …`.
pub fn print_file_read(read: &lifecircle::places::import::FileRead, lang: Lang) {
    match lang {
        Lang::En => eprintln!("{read}"),
        Lang::Zh => eprintln!("{}", zh_message(&read.to_string())),
    }
}

/// A skipped row of a single-stage command: `warning: poi.csv:3: … (row skipped)`.
pub fn warn_row(w: &lifecircle::places::import::RowWarning, lang: Lang) {
    match lang {
        Lang::En => eprintln!("warning: {w} (row skipped)"),
        Lang::Zh => eprintln!(
            "警告：{} 第{}行：{}（已跳过该行）",
            w.path,
            w.line,
            w.message.zh()
        ),
    }
}

/// The last line of a command: what was written where, and how long it all took.
pub fn print_written(written: &[PathBuf], out: &Path, start: Instant, lang: Lang) {
    let s = start.elapsed().as_secs_f64();
    match lang {
        Lang::En => println!(
            "wrote {} files to {} in {s:.2} s",
            written.len(),
            out.display()
        ),
        Lang::Zh => println!(
            "已写入 {} 个文件到 {}，用时 {s:.2} 秒",
            written.len(),
            out.display()
        ),
    }
}

/// The last line of `plan`: like [`print_written`], with the report to open.
pub fn print_plan_written(written: usize, out: &Path, start: Instant, lang: Lang) {
    let s = start.elapsed().as_secs_f64();
    let report = out.join("report.html");
    match lang {
        Lang::En => println!(
            "wrote {written} files to {} (open {}) in {s:.2} s",
            out.display(),
            report.display()
        ),
        Lang::Zh => println!(
            "已写入 {written} 个文件到 {}（请打开 {}），用时 {s:.2} 秒",
            out.display(),
            report.display()
        ),
    }
}

/// Files of an earlier run that this one did not make again and removed.
pub fn print_removed(removed: &[PathBuf], lang: Lang) {
    for path in removed {
        match lang {
            Lang::En => eprintln!(
                "removed {} (from an earlier run; not made this time)",
                path.display()
            ),
            Lang::Zh => eprintln!("已删除 {}（上次运行生成，本次未再生成）", path.display()),
        }
    }
}

/// The `coverage` summary: one row per zone, one column per category.
pub fn print_coverage(zones: &Zones, report: &CoverageReport, n_amenities: usize, lang: Lang) {
    let cats = &report.profile.categories;
    let off = report.unsnapped().count();
    match lang {
        Lang::En => println!(
            "Life circle — profile {} — walking at {} km/h — {} zones, {n_amenities} amenities ({off} off the network)",
            report.profile.name,
            report.walk_kmh,
            report.zones.len(),
        ),
        Lang::Zh => println!(
            "生活圈 — {} — 步行 {} km/h — {} 个区域，{n_amenities} 处设施（{off} 处不在路网上）",
            lifecircle::lang::profile_title(&report.profile.name, lang),
            report.walk_kmh,
            report.zones.len(),
        ),
    }
    let mut headers = vec![
        (lang.t("id", "编号"), Align::Left),
        (lang.t("name", "名称"), Align::Left),
        (lang.t("ha", "公顷"), Align::Right),
        (lang.t("life", "生活圈"), Align::Right),
    ];
    let names: Vec<String> = cats
        .iter()
        .map(|c| match lang {
            Lang::En => c.id.chars().take(8).collect(),
            Lang::Zh => c.zh.clone(),
        })
        .collect();
    headers.extend(names.iter().map(|n| (n.as_str(), Align::Right)));
    let mut table = Table::new(&headers);
    for zc in &report.zones {
        let z = &zones.zones[zc.zone.0 as usize];
        let mut row = vec![
            z.code.clone(),
            truncate_cols(&zone_name(z, lang), NAME_COLS),
            format!("{:.1}", z.area_ha),
            reach_text(report.life_circle_reach(zc), lang),
        ];
        row.extend(
            zc.categories
                .iter()
                .map(|cc| reach_text(report.category_reach(cc), lang)),
        );
        table.row(row);
    }
    print!("{}", table.render());
    if zones.too_small > 0 {
        match lang {
            Lang::En => println!("({} industrial areas under 1 ha ignored)", zones.too_small),
            Lang::Zh => println!("（{} 处不足1公顷的工业用地未计）", zones.too_small),
        }
    }
    for z in &report.unreachable_zones {
        let code = &zones.zones[z.0 as usize].code;
        match lang {
            Lang::En => println!("zone {code} has no walkable road within 500 m: left out"),
            Lang::Zh => println!("区域 {code} 500米内无可步行道路：未评价"),
        }
    }
}

/// The `commute` summary: where the residents come from, then one row per park.
pub fn print_commute(
    parks: &Zones,
    residents: &Residents,
    report: &CommuteReport,
    modes: &[Mode],
    lang: Lang,
) {
    let basis = match (residents.supplied, residents.scaled_to_total, lang) {
        (true, _, Lang::En) => "supplied",
        (false, Some(_), Lang::En) => {
            "estimated from buildings and areas, scaled to --residents-total"
        }
        (false, None, Lang::En) => "estimated from buildings and areas",
        (true, _, Lang::Zh) => "提供的数据",
        (false, Some(_), Lang::Zh) => "由建筑与用地估算，按 --residents-total 缩放",
        (false, None, Lang::Zh) => "由建筑与用地估算",
    };
    let total = round(report.residents_total, 0);
    match lang {
        Lang::En => println!(
            "Commute circle — {total} residents ({basis}), {} bus lines and {} stops from {}, {} bike-share points",
            report.transit_lines,
            report.transit_stops,
            report.transit_source,
            report.bikeshare_points
        ),
        Lang::Zh => println!(
            "通勤圈 — 居民 {total} 人（{basis}），公交线路 {} 条、站点 {} 个（来源：{}），共享单车点 {} 处",
            report.transit_lines,
            report.transit_stops,
            lifecircle::lang::transit_source(&report.transit_source, lang),
            report.bikeshare_points
        ),
    }
    let minutes = report.options.target_min;
    let labels: Vec<String> = modes
        .iter()
        .map(|m| match lang {
            Lang::En => format!("{}≤{minutes}", m.name()),
            Lang::Zh => format!("{}≤{minutes}分钟", mode_zh(*m)),
        })
        .collect();
    let mut headers = vec![
        (lang.t("id", "编号"), Align::Left),
        (lang.t("park", "园区"), Align::Left),
    ];
    headers.extend(labels.iter().map(|l| (l.as_str(), Align::Right)));
    let mut table = Table::new(&headers);
    for pc in &report.parks {
        let z = &parks.zones[pc.zone.0 as usize];
        let mut row = vec![
            z.code.clone(),
            truncate_cols(&zone_name(z, lang), NAME_COLS),
        ];
        row.extend(
            pc.modes
                .iter()
                .map(|m| reach_text(report.mode_reach(m), lang)),
        );
        table.row(row);
    }
    print!("{}", table.render());
}

/// A mode's Chinese name.
fn mode_zh(mode: Mode) -> &'static str {
    match mode {
        Mode::Walk => "步行",
        Mode::Bike => "自行车",
        Mode::Ebike => "电动自行车",
        Mode::Bus => "公交",
        Mode::Car => "小汽车",
    }
}

/// The end-of-run summary of `plan`: one line per park, what failed, then the bus lines.
pub fn print_plan(run: &PlanRun, lang: Lang) {
    match &run.parks {
        Err(e) => println!("{} {}", lang.t("No parks:", "无园区："), e.text(lang)),
        Ok(parks) => print_plan_parks(run, parks, lang),
    }
    for (stage, result) in [
        (
            lang.t("life circle", "生活圈"),
            run.life_circle.as_ref().err(),
        ),
        (
            lang.t("commute circle", "通勤圈"),
            run.commute.as_ref().err(),
        ),
        (lang.t("bus lines", "预约公交"), run.bus.as_ref().err()),
    ] {
        if let Some(e) = result {
            match lang {
                Lang::En => println!("{stage}: no result — {}", e.en()),
                Lang::Zh => println!("{stage}：无结果 — {}", e.zh()),
            }
        }
    }
    if let (Ok(b), Ok(parks)) = (&run.bus, &run.parks) {
        print_bus(b, parks, lang);
    }
}

/// The bus-line summary, or why no line can be planned (never a table of zeros).
pub fn print_bus(bus: &lifecircle::plan::BusLines, parks: &Zones, lang: Lang) {
    for (p, why) in &bus.parks_without_line() {
        let code = &parks.zones[p.0 as usize].code;
        match lang {
            Lang::En => println!("Bus lines for {code}: {}", why.en()),
            Lang::Zh => println!("{code} 的预约公交：{}", why.zh()),
        }
    }
    if bus.plan.kpis.served + bus.plan.kpis.on_foot == 0 {
        match lang {
            Lang::En => println!(
                "Bus lines — no plan: {} workers, none can be carried (see the reasons above)",
                bus.plan.kpis.workers
            ),
            Lang::Zh => println!(
                "预约公交 — 无方案：{} 名职工均无法乘车（原因见上）",
                bus.plan.kpis.workers
            ),
        }
        return;
    }
    print_drt(&bus.plan, lang);
}

/// Every input file with rows skipped: the first few by the line a spreadsheet shows, then
/// how many more (the report's Inputs section lists them too), in `lang`.
pub fn print_inputs(run: &PlanRun, lang: Lang) {
    use lifecircle::report::inputs::{SHOWN_WARNINGS, input_files, kind_label};
    for f in input_files(run) {
        if f.rows_skipped == 0 {
            continue;
        }
        let kind = kind_label(&f.kind, lang);
        match lang {
            Lang::En => eprintln!(
                "warning: {} ({kind}): {} rows read, {} kept, {} skipped",
                f.path, f.rows_read, f.rows_kept, f.rows_skipped
            ),
            Lang::Zh => eprintln!(
                "警告：{}（{kind}）：读取 {} 行，保留 {} 行，跳过 {} 行",
                f.path, f.rows_read, f.rows_kept, f.rows_skipped
            ),
        }
        for w in f.warnings.iter().take(SHOWN_WARNINGS) {
            match lang {
                Lang::En => eprintln!("  line {}: {}", w.line, w.message.en()),
                Lang::Zh => eprintln!("  第{}行：{}", w.line, w.message.zh()),
            }
        }
        let rest = lifecircle::report::inputs::rows_not_shown(&f);
        if rest > 0 {
            match lang {
                Lang::En => eprintln!("  … and {rest} more"),
                Lang::Zh => eprintln!("  ……另有 {rest} 行"),
            }
        }
    }
}

/// One row per park: area, life circle, best mode and bus lines within the target.
fn print_plan_parks(run: &PlanRun, parks: &Zones, lang: Lang) {
    let target = run.scenario.commute.minutes;
    let best = match lang {
        Lang::En => format!("best ≤{target} min"),
        Lang::Zh => format!("最优方式≤{target}分钟"),
    };
    let bus = match lang {
        Lang::En => format!("bus ≤{target} min"),
        Lang::Zh => format!("预约公交≤{target}分钟"),
    };
    let mut table = Table::new(&[
        (lang.t("id", "编号"), Align::Left),
        (lang.t("park", "园区"), Align::Left),
        (lang.t("area ha", "面积公顷"), Align::Right),
        (lang.t("life circle", "生活圈"), Align::Right),
        (&best, Align::Right),
        (&bus, Align::Right),
    ]);
    for z in &parks.zones {
        let life = run.life_circle.as_ref().ok().and_then(|lc| {
            (lc.zones.kind == ZoneKind::Parks)
                .then(|| lc.report.zones.iter().find(|c| c.zone == z.id))
                .flatten()
                .map(|c| reach_text(lc.report.life_circle_reach(c), lang))
        });
        let best = run.commute.as_ref().ok().and_then(|c| {
            let pc = c.report.parks.iter().find(|p| p.zone == z.id)?;
            if c.report.residents_total <= 0.0 {
                return Some(lang.t("no data", "无数据").to_string());
            }
            let most = pc
                .modes
                .iter()
                .filter(|m| m.mode != Mode::Car)
                .map(|m| m.residents_within_target)
                .fold(0.0, f64::max);
            Some(percent(most / c.report.residents_total.max(1.0)))
        });
        let bus = run.bus.as_ref().ok().and_then(|b| {
            if b.parks.contains(&z.id) && b.no_line(z.id).is_some() {
                return Some(lang.t("no line", "无线路").to_string());
            }
            let k = b.plan.park_kpis(z.id);
            (k.workers > 0).then(|| {
                format!(
                    "{} {} {}",
                    percent(k.within_target_share),
                    lang.t("vs", "对比"),
                    percent(k.existing_within_target_share)
                )
            })
        });
        table.row(vec![
            z.code.clone(),
            truncate_cols(&zone_name(z, lang), NAME_COLS),
            format!("{:.1}", z.area_ha),
            life.unwrap_or_else(|| "—".into()),
            best.unwrap_or_else(|| "—".into()),
            bus.unwrap_or_else(|| "—".into()),
        ]);
    }
    print!("{}", table.render());
}

/// The result line of `darp` and the checker's violations, in `lang`.
pub fn print_darp(
    name: &str,
    report: &lifecircle::drt::check::CheckReport,
    outcome: &lifecircle::drt::optimise::Outcome,
    lang: Lang,
) {
    let (vehicles, unserved) = (
        outcome.objective.vehicles_used,
        outcome.solution.unserved.len(),
    );
    let (cost, seconds, iterations) = (report.objective, outcome.elapsed_s, outcome.iterations);
    match lang {
        Lang::En => println!(
            "{name}: cost {cost:.2}, {vehicles} vehicles, {unserved} requests unserved, feasible {}, {seconds:.1} s, {iterations} iterations",
            if report.is_complete() { "yes" } else { "NO" },
        ),
        Lang::Zh => println!(
            "{name}：总行驶距离 {cost:.2}，车辆 {vehicles} 辆，未服务请求 {unserved} 个，可行：{}，用时 {seconds:.1} 秒，迭代 {iterations} 次",
            if report.is_complete() { "是" } else { "否" },
        ),
    }
    for v in &report.violations {
        match lang {
            Lang::En => println!("  violation: {v}"),
            Lang::Zh => println!("  违反约束：{}", zh_message(&v.to_string())),
        }
    }
}

/// The bus-line summary of `drt` and `plan`.
pub fn print_drt(plan: &LinePlan, lang: Lang) {
    if plan.search.time_limited {
        warn(
            &format!(
                "the bus-line search stopped at its time limit after {} iterations; the plan may differ between machines (raise --seconds or lower --iterations for a reproducible plan)",
                plan.search.iterations
            ),
            lang,
        );
    }
    let k = &plan.kpis;
    if k.workers == 0 {
        println!(
            "{}",
            lang.t(
                "Bus lines — no workers to carry, so no line was planned",
                "预约公交 — 没有需要乘车的职工，未规划线路"
            )
        );
        return;
    }
    let stops = plan.stops.iter().filter(|s| s.gate_of.is_none()).count();
    match lang {
        Lang::En => println!(
            "Bus lines — {} workers ({}), {stops} stops, {} vehicles ({} seats)",
            k.workers,
            if plan.synthetic {
                "synthetic sample"
            } else {
                "supplied"
            },
            k.vehicles,
            k.seats
        ),
        Lang::Zh => println!(
            "预约公交 — 职工 {} 人（{}），站点 {stops} 个，车辆 {} 辆（共 {} 座）",
            k.workers,
            if plan.synthetic {
                "模拟样本"
            } else {
                "实际预约"
            },
            k.vehicles,
            k.seats
        ),
    }
    let target = plan.options.target_min;
    let within = match lang {
        Lang::En => format!("within {target} min door to door"),
        Lang::Zh => format!("门到门 {target} 分钟内"),
    };
    let mut table = Table::new(&[
        ("", Align::Left),
        (lang.t("bus lines", "预约公交"), Align::Right),
        (lang.t("best mode today", "现状最优方式"), Align::Right),
    ]);
    let rows = [
        (
            lang.t("carried", "乘车比例"),
            percent(k.served_share),
            "—".to_string(),
        ),
        (
            &within,
            percent(k.within_target_share),
            percent(k.existing_within_target_share),
        ),
        (
            lang.t("mean door-to-door, min", "门到门平均（分钟）"),
            format!("{:.1}", round(k.door_to_door.mean_min, 1)),
            format!("{:.1}", round(k.existing.mean_min, 1)),
        ),
        (
            lang.t("95th percentile, min", "门到门95分位（分钟）"),
            format!("{:.1}", round(k.door_to_door.p95_min, 1)),
            format!("{:.1}", round(k.existing.p95_min, 1)),
        ),
    ];
    for (label, bus, today) in rows {
        table.row(vec![label.to_string(), bus, today]);
    }
    print!("{}", table.render());
    print_drt_notes(plan, lang);
}

/// The lines under the bus-line table: who walks, who cannot be served in time, the fleet's
/// work and the search.
fn print_drt_notes(plan: &LinePlan, lang: Lang) {
    let k = &plan.kpis;
    let target = plan.options.target_min;
    let zh = lang == Lang::Zh;
    if plan.synthetic {
        println!(
            "{}",
            if zh {
                format!(
                    "（模拟职工取自仅小汽车可在 {target} 分钟内到达园区的居民，因此现状达标比例必然为 0）"
                )
            } else {
                format!(
                    "(the synthetic workers are those who reach their park within {target} min only by car, so today's share is 0 by construction)"
                )
            }
        );
    }
    if k.on_foot > 0 {
        if zh {
            println!("{} 名职工步行即可到达园区门", k.on_foot);
        } else {
            println!(
                "{} workers live within walking distance of their park's gate",
                k.on_foot
            );
        }
    }
    if k.beyond_direct_bus > 0 {
        if zh {
            println!(
                "{} 名职工即使乘直达公交也无法在 {target} 分钟内到达（步行 + 候车 + 直达行程）",
                k.beyond_direct_bus
            );
        } else {
            println!(
                "{} workers cannot be within {target} min even by a direct bus (walk + wait + direct ride)",
                k.beyond_direct_bus
            );
        }
    }
    let (km_m, km_d, h_m, lf) = (
        k.vehicle_km_morning,
        k.vehicle_km_day,
        k.vehicle_h_morning,
        percent(k.load_factor),
    );
    if zh {
        println!("车公里：早高峰 {km_m:.1}，全天 {km_d:.1}；早高峰车时 {h_m:.1}；满载率 {lf}");
    } else {
        println!(
            "vehicle-km {km_m:.1} morning, {km_d:.1} a day; vehicle-hours {h_m:.1} morning; load factor {lf}"
        );
    }
    println!("{}", cost_line(plan, zh));
    let ok = |feasible: bool| match (feasible, zh) {
        (true, false) => "ok",
        (false, false) => "FAILED",
        (true, true) => "通过",
        (false, true) => "未通过",
    };
    let s = &plan.search;
    let (morning, evening) = (
        ok(plan.morning_check.feasible),
        ok(plan.evening_check.feasible),
    );
    let how = match (s.evening_mirrored, zh) {
        (true, false) => "mirror of the morning",
        (false, false) => "planned separately",
        (true, true) => "晚班为早班的镜像",
        (false, true) => "晚班单独规划",
    };
    if zh {
        println!(
            "搜索：{} 个请求，{} 次迭代，用时 {:.1} 秒；校验：早班{morning}，晚班{evening}（{how}）",
            s.requests, s.iterations, s.elapsed_s
        );
    } else {
        println!(
            "search: {} requests, {} iterations in {:.1} s; checker: morning {morning}, evening {evening} ({how})",
            s.requests, s.iterations, s.elapsed_s
        );
    }
}

/// One line: lines, vehicles, sizes, annual cost, cost and subsidy per rider trip, CO₂ against
/// driving, and the fleet choice, in the run's language.
fn cost_line(plan: &LinePlan, zh: bool) -> String {
    if plan.lines.is_empty() {
        return if zh {
            "未规划公交线路，无成本".into()
        } else {
            "no bus lines planned, so no costs".into()
        };
    }
    let c = &plan.cost;
    let t = &c.total;
    let sizes: Vec<String> = c.sizes_used.iter().map(u32::to_string).collect();
    let (lines, vehicles, seats) = (plan.lines.len(), plan.vehicles.len(), sizes.join("+"));
    let cur = &c.options.currency;
    // A figure per rider trip is "—" when nobody is carried.
    let of = |x: Option<f64>, digits: usize| {
        x.map_or_else(
            || "—".to_string(),
            |x| format!("{:.digits$}", round(x, digits as i32)),
        )
    };
    let (year, per_trip) = (round(t.annual_cost, 0), of(t.cost_per_rider_trip, 2));
    let (subsidy, fare) = (of(t.subsidy_per_rider_trip, 2), c.options.fare_yuan);
    let (co2, car) = (
        of(t.co2_g_per_rider_trip, 0),
        of(t.car_co2_g_per_rider_trip, 0),
    );
    let mut s = if zh {
        format!(
            "{lines} 条线路，{vehicles} 辆车（{seats} 座）；年运营成本 {year:.0} {cur}，每人次 {per_trip} {cur}（票价 {fare:.2} {cur} 后补贴 {subsidy} {cur}）；每人次 CO₂ {co2} 克（小汽车 {car} 克）"
        )
    } else {
        format!(
            "{lines} lines, {vehicles} vehicles ({seats} seats); {year:.0} {cur} a year, {per_trip} {cur} per rider trip ({subsidy} {cur} subsidy after a {fare:.2} {cur} fare); CO₂ {co2} g per rider trip (by car {car} g)"
        )
    };
    if let Some(a) = &c.alternative {
        let other: Vec<String> = a.sizes.iter().map(u32::to_string).collect();
        let (other, alt) = (other.join("+"), of(a.cost_per_rider_trip, 2));
        s += &match (zh, c.mixed_fleet_chosen) {
            (false, true) => format!(
                "; mixed fleet kept; the largest size alone, {other} seats: {alt} {cur} per rider trip"
            ),
            (false, false) => format!(
                "; mixed fleet not kept; the mix, {other} seats: {alt} {cur} per rider trip"
            ),
            (true, true) => {
                format!("；采用混合车型；仅用最大车型（{other} 座）每人次 {alt} {cur}")
            }
            (true, false) => {
                format!("；未采用混合车型；混合车型（{other} 座）每人次 {alt} {cur}")
            }
        };
    }
    s
}
