//! `lifecircle serve`: bind first (a port in use is said before the region is read), run the
//! plan with progress on the terminal, hold it as a what-if session, serve until Ctrl-C.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use lifecircle::lang::Lang;
use lifecircle::plan::{STAGES, run_plan};
use lifecircle::scenario::Scenario;
use lifecircle::serve::{self, api::AppState};
use lifecircle::timing::StageClock;
use lifecircle::whatif::Session;

use super::args::ServeArgs;
use super::commands::Bar;
use super::term::warn_read;

/// `serve`: the what-if server on the plan of the scenario.
pub fn cmd_serve(args: ServeArgs, lang: Option<String>) -> anyhow::Result<()> {
    let ServeArgs {
        pbf,
        config,
        out,
        host,
        port,
    } = args;
    let mut scenario = match &config {
        Some(path) => Scenario::load(path)?,
        None => Scenario::default(),
    };
    scenario.region.pbf = pbf.or(scenario.region.pbf);
    scenario.report.out = out.unwrap_or(scenario.report.out);
    scenario.report.lang = lang.unwrap_or(scenario.report.lang);
    scenario.validate()?;
    let lang = Lang::parse(&scenario.report.lang);
    let bound = serve::bind(&host, port)?;
    let bar = ProgressBar::new(STAGES.len() as u64).with_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:20} {pos}/{len} {msg}")
            .expect("a valid template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let run = run_plan(&scenario, &StageClock::new(Bar(bar.clone())))?;
    bar.finish_and_clear();
    warn_read(&run.extract, lang);
    let out: PathBuf = scenario.report.out.clone();
    let basemap = serve::session::basemap(&run);
    let session = Session::new(run, lang)?;
    let state = AppState::new(Box::new(session), Some(basemap), out);
    if !bound.addr().ip().is_loopback() {
        eprintln!(
            "{}",
            lang.t(
                "warning: serving to the network: anyone who can reach this machine can see and edit the scenario",
                "警告：服务对网络开放：能访问本机的任何人都可以查看和修改方案",
            )
        );
    }
    println!(
        "{} {} ({})",
        lang.t("lifecircle serve: open", "lifecircle serve：请打开"),
        bound.url(),
        lang.t("Ctrl-C to stop", "按 Ctrl-C 停止")
    );
    bound.run(state)?;
    println!(
        "{}",
        lang.t(
            "lifecircle serve: stopped; edits not saved are gone",
            "lifecircle serve：已停止；未保存的修改已丢弃",
        )
    );
    Ok(())
}
