//! Fuzzes every reader of outside data on the stable toolchain.
//!
//! ```text
//! cargo run --release --example fuzz -- --seconds 180            # every target, 3 min each
//! cargo run --release --example fuzz -- --targets pbf,gtfs --seconds 60 --seed 7
//! ```
//!
//! Each target runs in a child process (this program with `--child`) under a memory limit
//! (`--mem-mb`, RLIMIT_AS), so an attempted huge allocation aborts fast instead of taking the
//! machine. A panic is caught in the child, shrunk and saved as
//! `tests/fuzz_regressions/<target>/<hash>`; an input that aborts the child, or runs longer
//! than `--timeout-ms` (a watchdog thread), is saved from the child's current-input file by
//! the parent, which then restarts the child with the next seed. Totals per target are printed
//! at the end. The mutator and the targets are in `tests/fuzz/`.

#[path = "../tests/fuzz/mod.rs"]
mod fuzz;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fuzz::{RunLimits, TARGETS, Target};

/// Exit code of a child stopped by its watchdog.
const HANG_EXIT: i32 = 3;

struct Options {
    targets: Vec<Target>,
    seconds: u64,
    seed: u64,
    timeout_ms: u64,
    mem_mb: u64,
    out: PathBuf,
    child: Option<Target>,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        targets: TARGETS.to_vec(),
        seconds: 60,
        seed: 1,
        timeout_ms: 2000,
        mem_mb: 2048,
        out: fuzz::regressions_dir(),
        child: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: '{value}' is not a number"))
        };
        match flag.as_str() {
            "--seconds" => o.seconds = number()?,
            "--seed" => o.seed = number()?,
            "--timeout-ms" => o.timeout_ms = number()?,
            "--mem-mb" => o.mem_mb = number()?,
            "--out" => o.out = PathBuf::from(value),
            "--targets" => {
                o.targets = value
                    .split(',')
                    .map(|n| Target::from_name(n).ok_or(format!("unknown target '{n}'")))
                    .collect::<Result<_, _>>()?
            }
            "--child" => o.child = Some(Target::from_name(value).ok_or("unknown target")?),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match options.child {
        Some(target) => child(target, &options),
        None => parent(&options),
    }
}

fn work_dir(target: Target) -> PathBuf {
    fuzz::root().join("target/fuzz-work").join(target.name())
}

/// Limits the address space of this process (so a huge allocation fails at once).
#[cfg(unix)]
fn limit_memory(mb: u64) {
    let bytes = mb.saturating_mul(1 << 20) as libc::rlim_t;
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: bytes,
    };
    // SAFETY: setrlimit only reads the struct passed by reference.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    if rc != 0 {
        eprintln!("warning: setrlimit(RLIMIT_AS) failed; running without a memory limit");
    }
}

#[cfg(not(unix))]
fn limit_memory(_mb: u64) {}

/// The child: fuzz one target until the time is up, printing `progress`, `panic` and `done`
/// lines for the parent.
fn child(target: Target, o: &Options) -> ExitCode {
    let work = work_dir(target);
    if std::fs::create_dir_all(&work).is_err() {
        eprintln!("error: cannot create {}", work.display());
        return ExitCode::from(2);
    }
    fuzz::context(); // the demo region, before the memory limit and the clock
    limit_memory(o.mem_mb);
    let current = work.join("current");
    let started_ms = Arc::new(AtomicU64::new(0));
    let epoch = Instant::now();
    watchdog(Arc::clone(&started_ms), o.timeout_ms);
    let limits = RunLimits {
        seed: o.seed,
        max_execs: u64::MAX,
        max_time: Duration::from_secs(o.seconds),
        minimise_time: Duration::from_secs(10),
    };
    let mut execs = 0u64;
    let mut last_print = Instant::now();
    let stats = fuzz::fuzz_target(target, &work, limits, |input| {
        let _ = std::fs::write(&current, input);
        execs += 1;
        if last_print.elapsed() > Duration::from_secs(1) {
            println!("progress {execs}");
            last_print = Instant::now();
        }
        // The watchdog times the call that follows (and the shrinking of a panic with it).
        started_ms.store(epoch.elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
    });
    started_ms.store(0, Ordering::SeqCst);
    for (panic, input) in &stats.panics {
        let saved = fuzz::save_finding(&o.out, target, input)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|e| format!("(not saved: {e})"));
        let message = panic.message.replace('\n', " ");
        println!("panic {} | {message} | {saved}", panic.location);
    }
    println!(
        "done {} {} {} {}",
        stats.execs, stats.oks, stats.classes, stats.corpus
    );
    ExitCode::SUCCESS
}

/// Stops the process with [`HANG_EXIT`] when one call runs longer than `timeout_ms`.
fn watchdog(started_ms: Arc<AtomicU64>, timeout_ms: u64) {
    std::thread::spawn(move || {
        let mut last = 0;
        let mut since = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(50));
            let s = started_ms.load(Ordering::SeqCst);
            if s != last {
                last = s;
                since = Instant::now();
            }
            if s != 0 && since.elapsed() > Duration::from_millis(timeout_ms) {
                eprintln!("hang: one call took over {timeout_ms} ms");
                std::process::exit(HANG_EXIT);
            }
        }
    });
}

/// Totals of one target over all its children.
#[derive(Default)]
struct Totals {
    execs: u64,
    oks: u64,
    classes: usize,
    corpus: usize,
    panics: Vec<String>,
    aborts: Vec<String>,
    restarts: u32,
}

/// The parent: one child at a time per target, restarted after an abort or a hang.
fn parent(o: &Options) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot find this program: {e}");
            return ExitCode::from(2);
        }
    };
    let mut report = Vec::new();
    for &target in &o.targets {
        let start = Instant::now();
        let totals = run_target(&exe, target, o);
        report.push((target, totals, start.elapsed()));
    }
    println!("\ntarget              execs   ok      classes corpus  time   panics aborts/hangs");
    for (target, t, elapsed) in &report {
        println!(
            "{:<19} {:<7} {:<7} {:<7} {:<7} {:<6} {:<6} {}",
            target.name(),
            t.execs,
            t.oks,
            t.classes,
            t.corpus,
            format!("{}s", elapsed.as_secs()),
            t.panics.len(),
            t.aborts.len()
        );
    }
    for (target, t, _) in &report {
        for line in t.panics.iter().chain(&t.aborts) {
            println!("{}: {line}", target.name());
        }
    }
    ExitCode::SUCCESS
}

fn run_target(exe: &Path, target: Target, o: &Options) -> Totals {
    let mut totals = Totals::default();
    let deadline = Instant::now() + Duration::from_secs(o.seconds);
    let mut seed = o.seed;
    while Instant::now() < deadline && totals.restarts < 50 {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .as_secs()
            .max(1);
        let spawned = Command::new(exe)
            .args(["--child", target.name(), "--seconds", &left.to_string()])
            .args([
                "--seed",
                &seed.to_string(),
                "--timeout-ms",
                &o.timeout_ms.to_string(),
            ])
            .args([
                "--mem-mb",
                &o.mem_mb.to_string(),
                "--out",
                &o.out.display().to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let Ok(mut child) = spawned else {
            totals.aborts.push("could not start the child".into());
            break;
        };
        let mut progress = 0;
        let mut done = false;
        if let Some(out) = child.stdout.take() {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                done |= read_child_line(&line, &mut progress, &mut totals);
            }
        }
        let status = child.wait();
        if !done {
            totals.execs += progress;
            let what = match status.as_ref().ok().and_then(|s| s.code()) {
                Some(HANG_EXIT) => "hang".to_string(),
                _ => format!(
                    "abort ({})",
                    status.map(|s| s.to_string()).unwrap_or_default()
                ),
            };
            let input = std::fs::read(work_dir(target).join("current")).unwrap_or_default();
            let saved = fuzz::save_finding(&o.out, target, &input)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|e| format!("(not saved: {e})"));
            println!("{}: {what}: {saved}", target.name());
            totals.aborts.push(format!("{what} | {saved}"));
        }
        totals.restarts += 1;
        seed = seed.wrapping_add(1000);
    }
    totals
}

/// Reads one line of a child's output into the totals; true for the final `done` line.
fn read_child_line(line: &str, progress: &mut u64, totals: &mut Totals) -> bool {
    let mut words = line.split_whitespace();
    match words.next() {
        Some("progress") => *progress = words.next().and_then(|n| n.parse().ok()).unwrap_or(0),
        Some("panic") => {
            println!("{line}");
            totals.panics.push(line["panic ".len()..].to_string());
        }
        Some("done") => {
            let n: Vec<u64> = words.filter_map(|w| w.parse().ok()).collect();
            if let [execs, oks, classes, corpus] = n[..] {
                totals.execs += execs;
                totals.oks += oks;
                totals.classes = totals.classes.max(classes as usize);
                totals.corpus = totals.corpus.max(corpus as usize);
            }
            return true;
        }
        _ => {}
    }
    false
}
