//! Issue 10, "Output folders": lifecircle replaces or removes only files it wrote, never its
//! own inputs, never writes through a symbolic link, FIFO or device, refuses an unwritable
//! `--out` before reading the region, and commits a run as a whole (a failure or a crash in
//! the middle leaves the previous run).

use std::collections::BTreeMap;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const MANIFEST: &str = lifecircle::report::outdir::MANIFEST;
const FAULT: &str = lifecircle::report::outdir::FAULT_ENV;

fn run_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .current_dir(cwd)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Exit code 2 with one `error:` line mentioning every needle.
fn refused(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "'{n}' missing from: {stderr}");
    }
}

/// Everything below `root`: relative path → what it is (file contents, folder, link target,
/// FIFO), without following links.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let t = meta.file_type();
            let what = if t.is_symlink() {
                format!("link to {}", std::fs::read_link(&path).unwrap().display())
            } else if t.is_dir() {
                stack.push(path.clone());
                "folder".to_string()
            } else if t.is_fifo() {
                "fifo".to_string()
            } else {
                String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned()
            };
            out.insert(path.strip_prefix(root).unwrap().to_path_buf(), what);
        }
    }
    out
}

/// No `.tmp` file and no staging or backup folder anywhere below `root`.
fn assert_no_leftovers(root: &Path) {
    for path in snapshot(root).keys() {
        let name = path.to_string_lossy();
        assert!(
            !name.ends_with(".tmp")
                && !name.contains("lifecircle-staging")
                && !name.contains("lifecircle-backup"),
            "{name} left behind"
        );
    }
}

/// The manifest lists exactly the regular files of `dir` (but itself).
fn assert_manifest_lists_every_file(dir: &Path) {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).expect("a manifest");
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    let listed: Vec<String> = manifest["files"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut present: Vec<String> = snapshot(dir)
        .into_iter()
        .filter(|(_, what)| what != "folder")
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .filter(|p| p != MANIFEST)
        .collect();
    present.sort();
    assert_eq!(listed, present);
}

const COVERAGE: &[&str] = &["coverage", "--out", "out"];

#[test]
fn a_planners_own_files_in_out_stop_the_run_untouched() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("out")).unwrap();
    std::fs::write(t.path().join("out/coverage.csv"), "my own table\n").unwrap();
    let before = snapshot(t.path());
    refused(
        &run_in(t.path(), COVERAGE, &[]),
        &["coverage.csv", "in the way"],
    );
    assert_eq!(snapshot(t.path()), before);

    std::fs::remove_file(t.path().join("out/coverage.csv")).unwrap();
    std::fs::write(t.path().join("out/report.html"), "<p>my report</p>").unwrap();
    let before = snapshot(t.path());
    let plan = run_in(t.path(), &["plan", "--out", "out"], &[]);
    refused(&plan, &["report.html", "move it away"]);
    assert_eq!(snapshot(t.path()), before);
}

#[test]
fn inputs_inside_out_are_never_written_over() {
    let t = tempfile::tempdir().unwrap();
    // A real parks file (from a run elsewhere) and a GTFS folder, both inside the run's --out.
    ok(&run_in(t.path(), &["coverage", "--out", "first"], &[]));
    let parks = std::fs::read(t.path().join("first/parks.geojson")).unwrap();
    std::fs::remove_dir_all(t.path().join("first")).unwrap();
    std::fs::write(t.path().join("parks.geojson"), &parks).unwrap();
    std::fs::create_dir(t.path().join("gtfs")).unwrap();
    for f in [
        "agency",
        "stops",
        "routes",
        "trips",
        "stop_times",
        "calendar",
        "shapes",
    ] {
        std::fs::write(t.path().join(format!("gtfs/{f}.txt")), f).unwrap();
    }
    std::fs::write(
        t.path().join("scenario.toml"),
        "[region]\nparks = \"parks.geojson\"\n[commute]\ngtfs = \"gtfs\"\n",
    )
    .unwrap();
    let before = snapshot(t.path());
    let out = run_in(
        t.path(),
        &["plan", "--config", "scenario.toml", "--out", "."],
        &[],
    );
    refused(&out, &["is an input", "--out"]);
    assert_eq!(snapshot(t.path()), before);
    // The same through a command-line option.
    let out = run_in(
        t.path(),
        &["coverage", "--parks", "parks.geojson", "--out", "."],
        &[],
    );
    refused(&out, &["parks.geojson", "is an input (region.parks)"]);
    assert_eq!(snapshot(t.path()), before);
}

#[test]
fn a_folder_in_the_way_changes_nothing_and_leaves_no_tmp() {
    let t = tempfile::tempdir().unwrap();
    ok(&run_in(
        t.path(),
        &["coverage", "--out", "out", "--minutes", "15"],
        &[],
    ));
    std::fs::remove_file(t.path().join("out/coverage.json")).unwrap();
    std::fs::create_dir(t.path().join("out/coverage.json")).unwrap();
    let before = snapshot(t.path());
    let again = run_in(
        t.path(),
        &["coverage", "--out", "out", "--minutes", "10"],
        &[],
    );
    refused(&again, &["coverage.json", "is a folder"]);
    assert_eq!(snapshot(t.path()), before);
    assert_no_leftovers(t.path());
}

/// The first run's folder, a user's note in it when `mixed`, and a second run with other
/// outputs (`--minutes 10`) that hits `fault`.
fn second_run_with_fault(
    mixed: bool,
    fault: &str,
) -> (tempfile::TempDir, BTreeMap<PathBuf, String>, Output) {
    let t = tempfile::tempdir().unwrap();
    ok(&run_in(
        t.path(),
        &["coverage", "--out", "out", "--minutes", "15"],
        &[],
    ));
    if mixed {
        std::fs::write(t.path().join("out/notes.txt"), "mine").unwrap();
    }
    let before = snapshot(t.path());
    let second = run_in(
        t.path(),
        &["coverage", "--out", "out", "--minutes", "10"],
        &[(FAULT, fault)],
    );
    (t, before, second)
}

#[test]
fn a_failure_in_the_middle_of_the_commit_leaves_the_previous_run() {
    // In a folder with a planner's file the files are moved one by one: fail after some
    // moves (the manifest, then old files out, then new ones in).
    for at in ["0", "3", "9", "15"] {
        let (t, before, second) = second_run_with_fault(true, &format!("fail:{at}"));
        refused(&second, &["injected test fault"]);
        assert_eq!(snapshot(t.path()), before, "fault before rename {at}");
        assert_no_leftovers(t.path());
    }
    // A folder of lifecircle's own files is swapped whole.
    let (t, before, second) = second_run_with_fault(false, "fail:0");
    refused(&second, &["injected test fault"]);
    assert_eq!(snapshot(t.path()), before);
    assert_no_leftovers(t.path());
}

#[test]
fn a_crash_in_the_middle_of_the_commit_is_rolled_back_by_the_next_run() {
    for (mixed, at) in [(true, "5"), (true, "12"), (false, "0")] {
        let (t, before, second) = second_run_with_fault(mixed, &format!("abort:{at}"));
        assert!(!second.status.success(), "the run must have aborted");
        // The next run into the folder repairs it first; this one then stops on its missing
        // input, so what is left is the previous run, exactly.
        let next = run_in(
            t.path(),
            &["coverage", "--out", "out", "--poi", "missing.csv"],
            &[],
        );
        refused(&next, &["missing.csv"]);
        assert_eq!(snapshot(t.path()), before, "crash before rename {at}");
        assert_no_leftovers(t.path());
    }
}

#[test]
fn a_killed_run_leaves_the_previous_run_complete() {
    let t = tempfile::tempdir().unwrap();
    let small = [
        "drt",
        "--out",
        "out",
        "--workers",
        "10",
        "--iterations",
        "100",
    ];
    ok(&run_in(t.path(), &small, &[]));
    let before = snapshot(t.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .current_dir(t.path())
        .args([
            "drt",
            "--out",
            "out",
            "--iterations",
            "0",
            "--seconds",
            "60",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    assert!(child.try_wait().unwrap().is_none(), "still searching");
    child.kill().unwrap();
    child.wait().unwrap();
    let out = t.path().join("out");
    for (path, what) in &before {
        assert_eq!(
            snapshot(t.path()).get(path),
            Some(what),
            "{}",
            path.display()
        );
    }
    assert_manifest_lists_every_file(&out);
    // The next run removes what the killed one left (its staging folder).
    ok(&run_in(t.path(), &small, &[]));
    assert_eq!(snapshot(t.path()), before);
    assert_no_leftovers(t.path());
}

#[test]
fn a_second_run_replaces_its_files_and_removes_its_stale_ones_only() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("all.toml"), "[bus]\nenabled = false\n").unwrap();
    std::fs::write(
        t.path().join("less.toml"),
        "[bus]\nenabled = false\n[commute]\nenabled = false\n[life_circle]\nminutes = 10.0\n",
    )
    .unwrap();
    ok(&run_in(
        t.path(),
        &["plan", "--config", "all.toml", "--out", "out"],
        &[],
    ));
    let out = t.path().join("out");
    assert!(out.join("commute.csv").exists());
    assert_manifest_lists_every_file(&out);
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let coverage = std::fs::read(out.join("coverage.csv")).unwrap();
    let second = run_in(
        t.path(),
        &["plan", "--config", "less.toml", "--out", "out"],
        &[],
    );
    ok(&second);
    assert!(String::from_utf8_lossy(&second.stderr).contains("removed"));
    assert!(!out.join("commute.csv").exists() && !out.join("commute.json").exists());
    assert!(std::fs::read(out.join("coverage.csv")).unwrap() != coverage);
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"mine");
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    assert_manifest_lists_every_file(&out);
    assert_no_leftovers(t.path());
}

#[test]
fn symbolic_links_and_fifos_in_the_way_are_refused_untouched() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("out")).unwrap();
    std::fs::write(t.path().join("mine.csv"), "mine").unwrap();
    std::os::unix::fs::symlink(t.path().join("mine.csv"), t.path().join("out/coverage.csv"))
        .unwrap();
    let before = snapshot(t.path());
    refused(
        &run_in(t.path(), COVERAGE, &[]),
        &["coverage.csv", "symbolic link"],
    );
    assert_eq!(snapshot(t.path()), before);

    std::fs::remove_file(t.path().join("out/coverage.csv")).unwrap();
    let fifo = t.path().join("out/coverage.json");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let before = snapshot(t.path());
    refused(&run_in(t.path(), COVERAGE, &[]), &["coverage.json", "FIFO"]);
    assert_eq!(snapshot(t.path()), before);
}

#[test]
fn a_device_or_a_symbolic_link_as_out_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let iso = [
        "isochrone",
        "--from",
        "9.5215,47.1410",
        "--out",
        "/dev/full",
    ];
    refused(&run_in(t.path(), &iso, &[]), &["/dev/full", "device"]);
    assert!(
        std::fs::symlink_metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let plan = run_in(t.path(), &["plan", "--out", "/dev/full"], &[]);
    refused(&plan, &["/dev/full", "device"]);

    std::fs::create_dir(t.path().join("real")).unwrap();
    std::os::unix::fs::symlink(t.path().join("real"), t.path().join("link")).unwrap();
    let before = snapshot(t.path());
    let cov = run_in(t.path(), &["coverage", "--out", "link/sub"], &[]);
    refused(&cov, &["link", "symbolic link"]);
    refused(
        &run_in(t.path(), &["coverage", "--out", "link"], &[]),
        &["symbolic link"],
    );
    assert_eq!(snapshot(t.path()), before);
}

#[test]
fn an_unwritable_out_is_refused_before_the_region_is_read() {
    // `../shared` beside the clone, or two levels up for a git worktree in a subfolder.
    let big = ["../shared", "../../shared"]
        .iter()
        .map(|s| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(s)
                .join("data/osm/liechtenstein-2015-4x4.osm.pbf")
        })
        .find(|p| p.exists())
        .unwrap_or_default();
    if !big.exists() {
        eprintln!(
            "skipped: {} is absent (a fresh clone has no ../shared)",
            big.display()
        );
        return;
    }
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("file"), "x").unwrap();
    let before = snapshot(t.path());
    let start = Instant::now();
    let out = run_in(
        t.path(),
        &["plan", big.to_str().unwrap(), "--out", "file/run"],
        &[],
    );
    let elapsed = start.elapsed();
    refused(&out, &["file/run", "is a file"]);
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    assert_eq!(snapshot(t.path()), before);
}

#[test]
fn isochrone_out_ending_in_a_slash_writes_into_that_folder() {
    let t = tempfile::tempdir().unwrap();
    let iso = ["isochrone", "--from", "9.5215,47.1410", "--out", "newdir/"];
    ok(&run_in(t.path(), &iso, &[]));
    let text = std::fs::read_to_string(t.path().join("newdir/isochrone.geojson")).unwrap();
    assert!(text.contains("\"name\":\"isochrone\""), "{text}");
    // An existing folder given without the slash means the same.
    let iso = [
        "isochrone",
        "--from",
        "9.5215,47.1410",
        "--minutes",
        "5",
        "--out",
        "newdir",
    ];
    ok(&run_in(t.path(), &iso, &[]));
    assert_manifest_lists_every_file(&t.path().join("newdir"));
}

#[test]
fn an_own_file_the_planner_changed_counts_as_the_planners() {
    let t = tempfile::tempdir().unwrap();
    ok(&run_in(t.path(), COVERAGE, &[]));
    std::fs::write(t.path().join("out/coverage.csv"), "my corrections\n").unwrap();
    let before = snapshot(t.path());
    let again = run_in(t.path(), COVERAGE, &[]);
    refused(
        &again,
        &["coverage.csv", "was changed after lifecircle wrote it"],
    );
    assert_eq!(snapshot(t.path()), before);
}

#[test]
fn a_file_that_appears_in_the_way_during_the_run_stops_the_commit() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let child = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .current_dir(t.path())
        .args(["drt", "--out", "out", "--iterations", "0", "--seconds", "4"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("drt.json"), "mine").unwrap();
    let before = snapshot(&out);
    let done = child.wait_with_output().unwrap();
    // The run's warnings come first; its error is the last line.
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(2), "{stderr}");
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: ") && last.contains("drt.json") && last.contains("in the way"),
        "{stderr}"
    );
    // Nothing written, the staging folder (beside `out`) gone.
    assert_eq!(snapshot(&out), before);
    assert_no_leftovers(t.path());
}
