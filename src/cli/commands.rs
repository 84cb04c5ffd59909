//! One function per command (`cmd_plan`, `cmd_coverage`, …): each turns its arguments into a
//! scenario, checks the output folder, runs the library, writes through `report::outdir` and
//! prints the summary (`term`). Errors go back to `main` as `anyhow` errors.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use lifecircle::coverage::{CoverageOptions, VertexIndex};
use lifecircle::graph::snap::DEFAULT_MAX_SNAP_M;
use lifecircle::graph::{GraphOptions, Mode, RoadGraph, build_graph};
use lifecircle::inspect::Inspection;
use lifecircle::lang::{Lang, zone_name};
use lifecircle::osm::OsmExtract;
use lifecircle::places::crs::Crs;
use lifecircle::places::{ParkOptions, ZoneKind, select_zones};
use lifecircle::plan::{PlanRun, Progress, Quiet, STAGES, line_options, run_plan};
use lifecircle::report::outdir::{self, OutDir};
use lifecircle::report::{self, OutputFile};
use lifecircle::routing::SearchScratch;
use lifecircle::routing::isochrone::isochrones;
use lifecircle::scenario::{
    BusConfig, CommuteConfig, LifeCircleConfig, RegionConfig, Scenario, rules,
};

use super::args::{
    Common, CommuteArgs, CoverageArgs, DarpArgs, DrtArgs, InspectArgs, IsochroneArgs, PlanArgs,
    PopulationArgs, TransitArgs,
};
use lifecircle::timing::{StageClock, stage_table};

use super::term::{self, print_park_notes, warn_read};

/// `plan`: every stage from a scenario, every file and report.html; exit 3 when a requested
/// stage has no result.
pub fn cmd_plan(args: PlanArgs, lang: Option<String>) -> anyhow::Result<()> {
    let PlanArgs {
        pbf,
        config,
        out,
        parks,
        parks_crs,
        stops,
        verbose,
    } = args;
    let start = Instant::now();
    let mut scenario = match &config {
        Some(path) => Scenario::load(path)?,
        None => Scenario::default(),
    };
    scenario.region.pbf = pbf.or(scenario.region.pbf);
    scenario.region.parks = parks.or(scenario.region.parks);
    scenario.bus.stops = stops.or(scenario.bus.stops);
    if let Some(crs) = parks_crs {
        scenario.region.parks_crs = crs.name().to_string();
    }
    scenario.report.out = out.unwrap_or(scenario.report.out);
    scenario.report.lang = lang.unwrap_or(scenario.report.lang);
    scenario.validate()?;
    line_options(&scenario).validate()?;
    let out_dir = prepare_out(
        &scenario.report.out,
        report::PLAN_FILES,
        true,
        &scenario,
        config.as_ref(),
    )?;
    let bar = ProgressBar::new(STAGES.len() as u64).with_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:20} {pos}/{len} {msg}")
            .expect("a valid template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let progress = StageClock::new(Bar(bar.clone()));
    let run = run_plan(&scenario, &progress)?;
    let lang = Lang::parse(&scenario.report.lang);
    warn_read(&run.extract, lang);
    let files = report::html::plan_files(&run, lang)?;
    let committed = out_dir.commit(&files)?;
    bar.finish_and_clear();
    if verbose {
        eprint!("{}", stage_table(&progress.finish()));
    }
    term::print_removed(&committed.removed, lang);
    print_park_notes(&run, lang);
    term::print_inputs(&run, lang);
    term::print_plan(&run, lang);
    term::print_plan_written(committed.written.len(), &scenario.report.out, start, lang);
    plan_outcome(&run, lang)
}

/// `inspect`: counts of the region and its routing graphs, optionally a snapped point.
pub fn cmd_inspect(args: InspectArgs, lang: Option<String>) -> anyhow::Result<()> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let InspectArgs {
        pbf,
        json,
        snap,
        max_snap_m,
    } = args;
    let start = Instant::now();
    rules::MAX_SNAP_M.check(max_snap_m)?;
    let extract = load(pbf.as_ref(), lang)?;
    let graph = build_graph(&extract, &GraphOptions::default())?;
    let inspection = Inspection::new(&extract, &graph, start.elapsed());
    let snaps = match snap {
        Some(point) => Mode::ALL
            .iter()
            .map(|&mode| graph.snap(mode, point, max_snap_m))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    if json {
        let value = serde_json::json!({ "inspection": inspection, "snaps": snaps });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).context("serialising the summary")?
        );
    } else {
        print!("{}", super::tools::inspection_text(&inspection, lang));
        for s in &snaps {
            let way = graph.edges[s.edge.index()].way.0;
            let text = super::tools::snap_text(s.mode, s.point, s.distance_m, way, lang);
            println!("{text}");
        }
    }
    Ok(())
}

/// `coverage`: the life circle alone.
pub fn cmd_coverage(args: CoverageArgs, lang: Option<String>) -> anyhow::Result<()> {
    let CoverageArgs {
        common,
        parks,
        parks_crs,
        profile,
        poi,
        poi_crs,
        minutes,
        sites,
        min_site_gain,
        out,
    } = args;
    let start = Instant::now();
    let defaults = Scenario::default();
    let scenario = Scenario {
        region: region(common, parks, parks_crs, defaults.region),
        life_circle: LifeCircleConfig {
            enabled: true,
            profile,
            minutes,
            sites,
            min_site_gain_points: min_site_gain,
            poi,
            poi_crs: poi_crs.map_or("auto", Crs::name).to_string(),
            ..defaults.life_circle
        },
        commute: CommuteConfig {
            enabled: false,
            ..defaults.commute
        },
        bus: BusConfig {
            enabled: false,
            ..defaults.bus
        },
        report: report_config(defaults.report, lang),
        ..defaults
    };
    let out_dir = prepare_out(
        &out,
        report::coverage::COVERAGE_FILES,
        false,
        &scenario,
        None,
    )?;
    let run = run_plan(&scenario, &Quiet)?;
    let lang = Lang::parse(&scenario.report.lang);
    warn_read(&run.extract, lang);
    print_park_notes(&run, lang);
    let lc = stage(&run, run.life_circle.as_ref())?;
    for input in &lc.inputs {
        term::print_file_read(input, lang);
    }
    for w in &lc.warnings {
        term::warn_row(w, lang);
    }
    let info = report::coverage::RunInfo {
        source: run.extract.source.display().to_string(),
        warnings: lc.warnings.clone(),
    };
    let mut files = report::coverage::coverage_files(&lc.zones, &lc.amenities, &lc.report, &info)?;
    files.extend(report::xlsx::tables_file(&files, lang)?);
    let written = out_dir.commit(&files)?.written;
    term::print_coverage(&lc.zones, &lc.report, lc.amenities.len(), lang);
    term::print_written(&written, &out, start, lang);
    Ok(())
}

/// `commute`: the commute circle alone.
pub fn cmd_commute(args: CommuteArgs, lang: Option<String>) -> anyhow::Result<()> {
    let CommuteArgs {
        common,
        parks,
        parks_crs,
        population,
        transit,
        minutes,
        modes,
        out,
    } = args;
    let start = Instant::now();
    let defaults = Scenario::default();
    let scenario = Scenario {
        region: region(common, parks, parks_crs, defaults.region),
        life_circle: LifeCircleConfig {
            enabled: false,
            ..defaults.life_circle
        },
        commute: commute_config(minutes, &modes, population, transit),
        bus: BusConfig {
            enabled: false,
            ..defaults.bus
        },
        report: report_config(defaults.report, lang),
        ..defaults
    };
    let out_dir = prepare_out(&out, report::commute::COMMUTE_FILES, false, &scenario, None)?;
    let run = run_plan(&scenario, &Quiet)?;
    let lang = Lang::parse(&scenario.report.lang);
    warn_read(&run.extract, lang);
    print_park_notes(&run, lang);
    let c = stage(&run, run.commute.as_ref())?;
    let park_zones = run
        .parks
        .as_ref()
        .map_err(|e| anyhow::anyhow!("{}", e.text(lang)))?;
    for w in &c.warnings {
        term::warn(w, lang);
    }
    let report = &c.report;
    let mut files = report::commute::commute_files(
        park_zones,
        &run.areas,
        &c.residents,
        report,
        &run.extract.source.display().to_string(),
        &c.warnings,
    )?;
    files.extend(report::xlsx::tables_file(&files, lang)?);
    let written = out_dir.commit(&files)?.written;
    term::print_commute(park_zones, &c.residents, report, &modes, lang);
    term::print_written(&written, &out, start, lang);
    Ok(())
}

/// `darp`: a benchmark instance solved and checked; [`NoCompletePlan`] when a request is
/// left unserved.
pub fn cmd_darp(args: DarpArgs, lang: Option<String>) -> anyhow::Result<()> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let DarpArgs {
        file,
        seconds,
        seed,
    } = args;
    rules::DARP_SECONDS.check(seconds)?;
    let problem = lifecircle::drt::cordeau::parse_file(&file)?;
    let config = lifecircle::drt::optimise::Config {
        seed,
        time_limit_s: Some(seconds),
        ..Default::default()
    };
    let outcome = lifecircle::drt::optimise::optimise(&problem, &config)?;
    let report = lifecircle::drt::check::check(&problem, &outcome.solution.without_schedules())?;
    super::term::print_darp(&problem.name, &report, &outcome, lang);
    anyhow::ensure!(report.is_feasible(), "the checker rejected the solution");
    if !report.is_complete() {
        return Err(NoCompletePlan(format!(
            "{}: no plan serves every request ({} of {} unserved); give more --seconds, or check the time windows and the vehicle count",
            file.display(),
            outcome.solution.unserved.len(),
            problem.requests.len()
        ))
        .into());
    }
    Ok(())
}

/// `drt`: the bus lines (with the commute stage they need), their files and GTFS.
pub fn cmd_drt(args: DrtArgs, lang: Option<String>) -> anyhow::Result<()> {
    let start = Instant::now();
    let out = args.out.clone();
    let scenario = drt_scenario(args, lang);
    scenario.validate()?;
    line_options(&scenario).validate()?;
    let out_dir = prepare_out(&out, report::drt::DRT_FILES, false, &scenario, None)?;
    let run = run_plan(&scenario, &Quiet)?;
    let lang = Lang::parse(&scenario.report.lang);
    warn_read(&run.extract, lang);
    print_park_notes(&run, lang);
    let bus = run
        .bus
        .as_ref()
        .map_err(|e| anyhow::anyhow!("{}{}", lang.t("bus lines: ", "预约公交："), e.text(lang)))?;
    if let Ok(c) = &run.commute {
        for w in &c.warnings {
            term::warn(w, lang);
        }
    }
    for input in &bus.inputs {
        term::print_file_read(input, lang);
    }
    for w in &bus.skipped {
        term::warn_row(w, lang);
    }
    if let Some(stops) = &bus.stops_file {
        term::print_file_read(&stops.input, lang);
        for w in &stops.warnings {
            term::warn_row(w, lang);
        }
    }
    let parks = run
        .parks
        .as_ref()
        .map_err(|e| anyhow::anyhow!("{}", e.text(lang)))?;
    let source = run.extract.source.display().to_string();
    let demand_name = scenario
        .bus
        .demand
        .as_ref()
        .map(|p| p.display().to_string());
    let info = report::drt::DrtRunInfo {
        source: &source,
        demand: demand_name.as_deref(),
        seed: scenario.bus.seed,
        skipped_rows: &bus.skipped,
        given: bus.given.as_ref(),
        timezone: &scenario.bus.timezone,
        lang,
        no_line: &bus.parks_without_line(),
        today_bus: Some(&bus.today_bus),
    };
    let mut files = report::drt::drt_files(parks, &bus.bookings, &bus.plan, &info);
    files.extend(report::xlsx::tables_file(&files, lang)?);
    let written = out_dir.commit(&files)?.written;
    term::print_bus(bus, parks, lang);
    term::print_written(&written, &out, start, lang);
    Ok(())
}

/// The scenario of a `drt` run: its options as `[bus]`, the commute stage for today's modes.
fn drt_scenario(args: DrtArgs, lang: Option<String>) -> Scenario {
    let DrtArgs {
        common,
        parks,
        parks_crs,
        only_parks,
        demand,
        demand_crs,
        stops,
        stops_crs,
        workers,
        seed,
        capacity,
        roads,
        max_walk_m,
        arrive,
        early,
        minutes,
        shift_hours,
        seconds,
        iterations,
        timezone,
        population,
        transit,
        out: _,
    } = args;
    let defaults = Scenario::default();
    Scenario {
        region: region(common, parks, parks_crs, defaults.region),
        life_circle: LifeCircleConfig {
            enabled: false,
            ..defaults.life_circle
        },
        commute: commute_config(minutes, &defaults_modes(), population, transit),
        bus: BusConfig {
            enabled: true,
            demand,
            demand_crs: demand_crs.map_or("auto", Crs::name).to_string(),
            stops,
            stops_crs: stops_crs.map_or("auto", Crs::name).to_string(),
            max_parks: if only_parks.is_empty() { usize::MAX } else { 0 },
            parks: only_parks,
            workers,
            seed,
            capacity,
            roads,
            max_walk_m,
            arrive,
            early_min: early,
            target_min: minutes,
            shift_hours,
            seconds,
            iterations,
            timezone,
        },
        report: report_config(defaults.report, lang),
        ..defaults
    }
}

/// `[report]` of a single-stage command: the defaults, in the language asked for.
fn report_config(
    defaults: lifecircle::scenario::ReportConfig,
    lang: Option<String>,
) -> lifecircle::scenario::ReportConfig {
    lifecircle::scenario::ReportConfig {
        lang: lang.unwrap_or(defaults.lang),
        ..defaults
    }
}

/// `isochrone`: nested walking (or other mode) bands from a point or a park.
pub fn cmd_isochrone(args: IsochroneArgs, lang: Option<String>) -> anyhow::Result<()> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let IsochroneArgs {
        common,
        from,
        park,
        mode,
        minutes,
        out,
    } = args;
    anyhow::ensure!(
        !minutes.is_empty(),
        "{}",
        lang.t(
            "--minutes needs limits, e.g. 5,10,15",
            "--minutes 需要时间上限，例如 5,10,15"
        )
    );
    for &m in &minutes {
        rules::ISOCHRONE_MINUTES.check(m)?;
    }
    let (dir, file_name) = outdir::file_target(&out, "isochrone.geojson");
    let inputs: Vec<(&str, PathBuf)> = common.pbf.iter().map(|p| ("pbf", p.clone())).collect();
    let out_dir = outdir::prepare(&dir, &[file_name.as_str()], false, &inputs)?;
    let (extract, graph) = load_graph(&common, lang)?;
    let (label, human, seeds, extra) = match (from, park) {
        (Some(point), _) => {
            let snap = graph.snap(mode, point, DEFAULT_MAX_SNAP_M)?;
            (
                format!("{:.6},{:.6}", point.x, point.y),
                format!("{:.6},{:.6}", point.x, point.y),
                snap.seeds(&graph, false),
                vec![(snap.point, 0)],
            )
        }
        (None, Some(name)) => {
            let zones = select_zones(&extract, ZoneKind::Parks, None, &ParkOptions::default())?;
            let zone = zones.find(&name).with_context(|| match lang {
                Lang::En => format!("no park '{name}'; parks are: {}", zones.listing()),
                Lang::Zh => format!(
                    "无园区“{name}”；现有园区：{}",
                    lifecircle::lang::listing_zh(&zones.listing())
                ),
            })?;
            let access = VertexIndex::new(&graph, mode).access_points(
                &graph,
                zone,
                CoverageOptions::default().access_radius_m,
            );
            anyhow::ensure!(
                !access.is_empty(),
                "{}",
                match lang {
                    Lang::En => format!("park {} has no {mode} road within 50 m", zone.code),
                    Lang::Zh => format!(
                        "园区 {} 50米内没有{}可用的道路",
                        zone.code,
                        super::tools::mode_text(mode, lang)
                    ),
                }
            );
            (
                format!("{} {}", zone.code, zone.name),
                format!("{} {}", zone.code, zone_name(zone, lang)),
                access.iter().map(|&v| (v, 0)).collect(),
                Vec::new(),
            )
        }
        (None, None) => anyhow::bail!(
            "{}",
            lang.t(
                "give --from LON,LAT or --park NAME_OR_ID",
                "请给出 --from 经度,纬度 或 --park 园区名称或编号"
            )
        ),
    };
    let mut sorted = minutes.clone();
    sorted.sort_by(f64::total_cmp);
    let mut scratch = SearchScratch::new(&graph);
    let bands = isochrones(&graph, mode, &seeds, &extra, &sorted, &mut scratch);
    let features = bands
        .iter()
        .rev()
        .map(|b| {
            report::feature(
                report::polygon_geometry(&b.polygon),
                serde_json::json!({
                    "origin": label,
                    "mode": mode.name(),
                    "minutes": b.minutes,
                    "label": super::tools::band_label(mode, b.minutes, &human, lang),
                }),
            )
        })
        .collect();
    let name = Path::new(&file_name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("isochrone")
        .trim_end_matches(".geojson")
        .to_string();
    let mut file: OutputFile = report::feature_collection(&name, features);
    file.name = file_name.clone();
    let written = out_dir.commit(&[file])?.written;
    for b in &bands {
        let km2 = lifecircle::geom::area_m2(&b.polygon) / 1e6;
        let text = super::tools::band_text(mode, b.minutes, &human, km2, lang);
        println!("{text}");
    }
    for path in &written {
        println!("{}", super::tools::wrote_text(path, lang));
    }
    Ok(())
}

/// The region: the file given, else the embedded demo.
fn load(pbf: Option<&PathBuf>, lang: Lang) -> anyhow::Result<OsmExtract> {
    let extract = match pbf {
        Some(path) => OsmExtract::from_pbf(path)?,
        None => OsmExtract::demo(),
    };
    warn_read(&extract, lang);
    Ok(extract)
}

fn load_graph(common: &Common, lang: Lang) -> anyhow::Result<(OsmExtract, RoadGraph)> {
    let extract = load(common.pbf.as_ref(), lang)?;
    let options = GraphOptions {
        walk_kmh: common.walk_speed,
        ..GraphOptions::default()
    };
    let graph = build_graph(&extract, &options)?;
    Ok((extract, graph))
}

/// `[region]` from the shared command-line options.
fn region(
    common: Common,
    parks: Option<PathBuf>,
    parks_crs: Option<Crs>,
    defaults: RegionConfig,
) -> RegionConfig {
    RegionConfig {
        pbf: common.pbf,
        parks,
        parks_crs: parks_crs.map_or(defaults.parks_crs.clone(), |c| c.name().to_string()),
        walk_kmh: common.walk_speed,
        ..defaults
    }
}

/// `[commute]` from the command-line options.
fn commute_config(
    minutes: f64,
    modes: &[Mode],
    population: PopulationArgs,
    transit: TransitArgs,
) -> CommuteConfig {
    CommuteConfig {
        enabled: true,
        minutes,
        modes: modes.iter().map(|m| m.name().to_string()).collect(),
        population: population.population,
        population_crs: population
            .population_crs
            .map_or("auto", Crs::name)
            .to_string(),
        persons_per_m2: population.persons_per_m2,
        levels: population.levels,
        area_density_per_ha: population.area_density,
        residents_total: population.residents_total,
        gtfs: transit.gtfs,
        depart: transit.depart,
    }
}

/// Checks the output folder before any work (see `report::outdir`): `names` are the files
/// the command may write, `remove_stale` removes its own earlier ones it does not make again.
fn prepare_out(
    out: &Path,
    names: &[&str],
    remove_stale: bool,
    scenario: &Scenario,
    config: Option<&PathBuf>,
) -> anyhow::Result<OutDir> {
    let mut inputs = scenario.input_paths();
    if let Some(config) = config {
        inputs.push(("--config", config.clone()));
    }
    Ok(outdir::prepare(out, names, remove_stale, &inputs)?)
}

fn defaults_modes() -> Vec<Mode> {
    Scenario::default()
        .modes()
        .expect("the default modes parse")
}

/// A stage's result, or its failure as an error: the region's own error when there are no
/// parks (it says what to do), else the stage's reason.
fn stage<'a, T>(
    run: &PlanRun,
    result: Result<&'a T, &lifecircle::lang::StageFailure>,
) -> anyhow::Result<&'a T> {
    let lang = Lang::parse(&run.scenario.report.lang);
    result.map_err(|why| match &run.parks {
        Err(parks) => anyhow::anyhow!("{}", parks.text(lang)),
        Ok(_) => anyhow::anyhow!("{}", why.text(lang)),
    })
}

/// Exit code of a run that wrote its files but some requested stage has no result.
pub const EXIT_PARTIAL: u8 = 3;

/// A plan whose requested stages did not all produce a result (the report says why).
#[derive(Debug)]
pub struct Partial(String);

impl std::fmt::Display for Partial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Partial {}

/// Exit 0 when every requested stage has a result, 3 ([`Partial`]) when some have, 2 when
/// none has: a plan that did nothing it was asked must not look like success to a script.
fn plan_outcome(run: &PlanRun, lang: Lang) -> anyhow::Result<()> {
    let failed = run.failed_stages();
    if failed.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = failed
        .iter()
        .map(|(stage, _)| stage_name(stage, lang))
        .collect();
    let names = names.join(lang.t(", ", "、"));
    if failed.len() == run.requested_stages() {
        let (stage, why) = failed[0];
        let why = match &run.parks {
            Err(parks) => parks,
            Ok(_) => why,
        };
        let stage = stage_name(stage, lang);
        match lang {
            Lang::En => anyhow::bail!(
                "no requested stage produced a result ({names}); {stage}: {}",
                why.en()
            ),
            Lang::Zh => anyhow::bail!("要求的分析均无结果（{names}）；{stage}：{}", why.zh()),
        }
    }
    let (n, of) = (failed.len(), run.requested_stages());
    Err(Partial(match lang {
        Lang::En => format!(
            "{n} of {of} requested stages produced no result ({names}); see the lines above and report.html"
        ),
        Lang::Zh => format!(
            "要求的 {of} 项分析中有 {n} 项无结果（{names}）；见上方各行与 report.html"
        ),
    })
    .into())
}

/// A stage's name (as [`PlanRun::failed_stages`] gives it) in `lang`.
fn stage_name(stage: &'static str, lang: Lang) -> &'static str {
    match stage {
        "life circle" => lang.t("life circle", "生活圈"),
        "commute circle" => lang.t("commute circle", "通勤圈"),
        "bus lines" => lang.t("bus lines", "预约公交"),
        other => other,
    }
}

/// A stage progress bar (on stderr; hidden when stderr is not a terminal).
pub struct Bar(pub ProgressBar);

impl Progress for Bar {
    fn stage(&self, index: usize, _total: usize, name: &str) {
        self.0.set_position(index as u64);
        self.0.set_message(name.to_string());
    }
}

/// `darp` ran but its plan leaves requests unserved: exit code 3, not 2 (bad input).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NoCompletePlan(String);
