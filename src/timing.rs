//! Per-stage wall time, CPU time and peak memory of a run: a [`Progress`] that notes the time
//! at every stage start (and passes the call on), for `plan --verbose` and the province
//! example (`examples/province.rs`).
//!
//! CPU time (user + system, all threads) and the peak resident set come from `/proc/self`
//! (Linux); elsewhere they read as zero. The peak is reset at every stage start (writing `5`
//! to `/proc/self/clear_refs`), so each stage's peak is its own, not the run's so far; where
//! the kernel refuses the reset, a stage's peak is the run's peak up to its end.

use std::sync::Mutex;
use std::time::Instant;

use crate::plan::Progress;

/// One stage's cost.
#[derive(Clone, Debug, PartialEq)]
pub struct StageTime {
    /// The stage, as [`crate::plan::STAGES`] names it.
    pub name: String,
    /// Wall-clock seconds.
    pub wall_s: f64,
    /// CPU seconds, user + system, all threads.
    pub cpu_s: f64,
    /// Peak resident memory during the stage, bytes (0 where unknown).
    pub peak_rss_bytes: u64,
}

/// A [`Progress`] that times the stages of a run and forwards each call to `inner`.
pub struct StageClock<P: Progress> {
    inner: P,
    /// The open stage: name, wall start, CPU start.
    open: Mutex<Option<(String, Instant, f64)>>,
    done: Mutex<Vec<StageTime>>,
}

impl<P: Progress> StageClock<P> {
    /// A clock forwarding to `inner`.
    pub fn new(inner: P) -> Self {
        StageClock {
            inner,
            open: Mutex::new(None),
            done: Mutex::new(Vec::new()),
        }
    }

    fn close(&self) {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((name, start, cpu0)) = open {
            let stage = StageTime {
                name,
                wall_s: start.elapsed().as_secs_f64(),
                cpu_s: (cpu_seconds() - cpu0).max(0.0),
                peak_rss_bytes: peak_rss_bytes(),
            };
            self.done
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(stage);
        }
    }

    /// Ends the last stage (call it after the report is written) and returns every stage.
    pub fn finish(&self) -> Vec<StageTime> {
        self.close();
        self.done.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl<P: Progress> Progress for StageClock<P> {
    fn stage(&self, index: usize, total: usize, name: &str) {
        self.close();
        reset_peak_rss();
        *self.open.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((name.to_string(), Instant::now(), cpu_seconds()));
        self.inner.stage(index, total, name);
    }
}

/// The stages as a small table: name, wall s, CPU s, peak MB.
pub fn stage_table(stages: &[StageTime]) -> String {
    let mut out = format!(
        "{:<20} {:>8} {:>8} {:>9}\n",
        "stage", "wall s", "cpu s", "peak MB"
    );
    for s in stages {
        out.push_str(&format!(
            "{:<20} {:>8.2} {:>8.2} {:>9.0}\n",
            s.name,
            s.wall_s,
            s.cpu_s,
            s.peak_rss_bytes as f64 / 1e6
        ));
    }
    out
}

/// CPU seconds (user + system) of this process so far; 0 where `/proc` is missing.
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        // The kernel reports in USER_HZ, 100 on every Linux ABI.
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => 0.0,
    }
}

/// Peak resident set (`VmHWM`) since the start or the last reset, bytes; 0 where unknown.
pub fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb * 1024)
        })
        .unwrap_or(0)
}

/// Resets the peak resident set to the current one (Linux; ignored where refused).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Quiet;

    #[test]
    fn stages_are_timed_in_order_and_their_cpu_and_peak_are_seen() {
        let clock = StageClock::new(Quiet);
        clock.stage(0, 2, "first");
        // Some work and memory in the second stage.
        clock.stage(1, 2, "second");
        let big = vec![1u8; 64 << 20];
        let mut x = 0u64;
        for i in 0..30_000_000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(i);
        }
        assert!(big.iter().map(|&b| u64::from(b)).sum::<u64>() + x > 0);
        let stages = clock.finish();
        let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["first", "second"]);
        assert!(stages[1].wall_s >= stages[0].wall_s);
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(stages[1].peak_rss_bytes >= 64 << 20, "{stages:?}");
        }
        assert!(stage_table(&stages).contains("second"));
    }
}
