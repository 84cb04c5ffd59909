//! Runs the optimiser on the Cordeau (2006) "a" instances and prints a table
//! of cost, gap to the reference value and checker verdict.
//!
//! ```text
//! darp_bench [--dir DIR] [--time-limit-s S] [--iterations N] [--seed N]
//!            [--workers N] [--threads N] [--only NAME[,NAME...]]
//!            [--cycle N] [--epoch N] [--temperature F] [--end-factor F]
//!            [--removal-fraction F] [--max-removal N] [--min-removal N]
//!            [--ls-window F]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use lifecircle::drt::check::check;
use lifecircle::drt::cordeau::{REFERENCE_COSTS, parse_file};
use lifecircle::drt::optimise::{Config, optimise};

struct Args {
    dir: PathBuf,
    config: Config,
    only: Option<Vec<String>>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/darp")),
        config: Config::default(),
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let num = |v: String| v.parse::<f64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--dir" => args.dir = PathBuf::from(value()?),
            "--time-limit-s" => args.config.time_limit_s = Some(num(value()?)?),
            "--iterations" => {
                args.config.max_iterations = Some(num(value()?)? as u64);
                args.config.time_limit_s = None;
            }
            "--seed" => args.config.seed = num(value()?)? as u64,
            "--workers" => args.config.workers = num(value()?)? as usize,
            "--threads" => args.config.threads = Some(num(value()?)? as usize),
            "--cycle" => args.config.cycle_iterations = num(value()?)? as u64,
            "--epoch" => args.config.epoch_iterations = num(value()?)? as u64,
            "--temperature" => args.config.start_temperature_ratio = num(value()?)?,
            "--end-factor" => args.config.end_temperature_factor = num(value()?)?,
            "--removal-fraction" => args.config.max_removal_fraction = num(value()?)?,
            "--max-removal" => args.config.max_removal = num(value()?)? as usize,
            "--ls-window" => args.config.local_search_window = num(value()?)?,
            "--min-removal" => args.config.min_removal = num(value()?)? as usize,
            "--only" => {
                args.only = Some(value()?.split(',').map(str::to_string).collect());
            }
            "-h" | "--help" => {
                return Err(
                    "usage: darp_bench [--dir DIR] [--time-limit-s S] [--iterations N] \
                            [--seed N] [--workers N] [--threads N] [--only A,B]"
                        .to_string(),
                );
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "| instance | reference | ours | gap % | feasible | vehicles | time s | iterations |\n|---|---:|---:|---:|---|---:|---:|---:|"
    );
    let mut gaps = Vec::new();
    let mut all_ok = true;
    for (name, reference) in REFERENCE_COSTS {
        if args
            .only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|x| x == name))
        {
            continue;
        }
        let path = args.dir.join(format!("{name}.txt"));
        let problem = match parse_file(&path) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{e}");
                all_ok = false;
                continue;
            }
        };
        let outcome = match optimise(&problem, &args.config) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("{name}: {e}");
                all_ok = false;
                continue;
            }
        };
        // Independent verdict: the checker recomputes the schedule itself
        // (eight-step) and also verifies the optimiser's own times.
        let own = check(&problem, &outcome.solution.without_schedules());
        let given = check(&problem, &outcome.solution);
        let (feasible, cost) = match (&own, &given) {
            (Ok(a), Ok(b)) => (a.is_complete() && b.is_complete(), a.objective),
            _ => (false, f64::NAN),
        };
        if let Ok(r) = &own {
            for v in &r.violations {
                eprintln!("{name}: {v}");
            }
        }
        all_ok &= feasible;
        let gap = 100.0 * (cost - reference) / reference;
        gaps.push(gap);
        println!(
            "| {name} | {reference:.2} | {cost:.2} | {gap:.2} | {} | {} | {:.1} | {} |",
            if feasible { "yes" } else { "NO" },
            outcome.objective.vehicles_used,
            outcome.elapsed_s,
            outcome.iterations
        );
    }
    if !gaps.is_empty() {
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        println!("\nmean gap over {} instances: {mean:.3} %", gaps.len());
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
