//! Every input the fuzz harness kept (`tests/fuzz_regressions/<target>/<hash>`) goes through
//! its reader again and must give `Ok` or a clean `Err`, never a panic; and a short smoke run of
//! the harness (fixed seed, fixed number of calls per target) so the harness itself cannot rot.
//! The long runs are `cargo run --release --example fuzz` (see `examples/fuzz.rs`).

#[path = "fuzz/mod.rs"]
mod fuzz;

use std::time::Duration;

use fuzz::{RunLimits, TARGETS, Target};

/// Kept inputs of one folder, by target: `<dir>/<target>/<hash>` (files named `*.md` skipped).
fn kept_inputs(dir: &std::path::Path) -> Vec<(Target, std::path::PathBuf)> {
    let mut out = Vec::new();
    for target in TARGETS {
        let Ok(entries) = std::fs::read_dir(dir.join(target.name())) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.retain(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"));
        paths.sort();
        out.extend(paths.into_iter().map(|p| (target, p)));
    }
    out
}

/// Runs each kept input; returns the ones that panicked, with where.
fn panicking(inputs: &[(Target, std::path::PathBuf)]) -> Vec<String> {
    fuzz::install_panic_hook();
    let work = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (target, path) in inputs {
        let bytes = std::fs::read(path).unwrap();
        if let Err(p) = fuzz::run_caught(*target, &bytes, work.path()) {
            failures.push(format!(
                "{}: {} ({})",
                path.display(),
                p.location,
                p.message
            ));
        }
    }
    failures
}

#[test]
fn kept_inputs_do_not_panic() {
    let inputs = kept_inputs(&fuzz::regressions_dir());
    assert!(!inputs.is_empty(), "no kept inputs found");
    let failures = panicking(&inputs);
    assert!(failures.is_empty(), "panics:\n{}", failures.join("\n"));
}

#[test]
fn smoke_fuzz_every_target() {
    let work = tempfile::tempdir().unwrap();
    let mut found = Vec::new();
    for target in TARGETS {
        let limits = RunLimits {
            seed: 2026,
            max_execs: if target == Target::Pbf { 150 } else { 300 },
            max_time: Duration::from_secs(60),
            minimise_time: Duration::from_secs(1),
        };
        let stats = fuzz::fuzz_target(target, work.path(), limits, |_| {});
        assert_eq!(stats.execs, limits.max_execs, "{}", target.name());
        assert!(
            stats.classes >= 2,
            "{}: the mutator found one outcome only",
            target.name()
        );
        for (p, input) in stats.panics {
            let saved = fuzz::save_finding(work.path(), target, &input).unwrap();
            found.push(format!(
                "{}: {} {} ({})",
                target.name(),
                p.location,
                p.message,
                saved.display()
            ));
        }
    }
    assert!(found.is_empty(), "new panics:\n{}", found.join("\n"));
}
