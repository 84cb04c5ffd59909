//! Running the real `lifecircle` binary from a test, and reading back the files it wrote.
//!
//! `lifecircle(&["drt", …]).env("RAYON_NUM_THREADS", "2").run_ok()`: the command is a plain
//! [`Command`], so a test adds its own folder, environment or arguments before running it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// `lifecircle ARGS…` (the binary cargo built for the tests), not yet run.
pub fn lifecircle(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lifecircle"));
    command.args(args);
    command
}

/// Runs a command to its end and keeps what it printed.
pub trait Run {
    /// Its output, whatever the exit code.
    fn run(&mut self) -> Output;
    /// Its output; fails the test, with the arguments and stderr, unless it exited 0.
    fn run_ok(&mut self) -> Output;
}

impl Run for Command {
    fn run(&mut self) -> Output {
        self.output().expect("start lifecircle")
    }

    fn run_ok(&mut self) -> Output {
        let out = self.run();
        let args: Vec<_> = self.get_args().collect();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

/// Fails the test, with its stderr, unless the run exited 0; its stdout as text.
pub fn stdout_ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

/// The rows of a CSV file with a header, each as column → value.
pub fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// A JSON file a run wrote, e.g. `json(dir, "drt.json")`.
pub fn json(dir: &Path, name: &str) -> serde_json::Value {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

/// A new temporary folder holding `files`, each a (file name, text) pair.
pub fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write a test file");
    }
    dir
}

/// A folder made once per test binary and shared by its tests, e.g. the output of one `plan`
/// run that several tests only read: the first caller runs `make` on the empty folder
/// `CARGO_TARGET_TMPDIR/NAME` (inside `target/`, so nothing is left in the system's temp), the
/// others wait for it. A test must not write there; `name` must be unique across the tests.
pub fn shared_dir(
    cell: &'static OnceLock<PathBuf>,
    name: &str,
    make: impl FnOnce(&Path),
) -> &'static Path {
    cell.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a shared test folder");
        make(&dir);
        dir
    })
}

/// `lifecircle ARGS…` run to its end: its output, whatever the exit code.
pub fn output(args: &[&str]) -> Output {
    lifecircle(args).run()
}

/// Asserts a clean failure: exit code 2, one line on stderr starting `error: ` and mentioning
/// every `needle`, no panic and no backtrace hint.
pub fn assert_clean_error(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one line expected: {stderr}"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    for n in needles {
        assert!(stderr.contains(n), "'{n}' missing from: {stderr}");
    }
}
