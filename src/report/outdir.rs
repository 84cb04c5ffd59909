//! Output folders that never lose a planner's files.
//!
//! lifecircle keeps a manifest, [`MANIFEST`], in every folder it writes: each file it wrote
//! with its size and FNV-1a hash. It replaces or removes only files listed there whose content
//! is unchanged. Anything else in the way (a planner's own `report.html`, a folder, a symbolic
//! link, a FIFO, a device) stops the run in [`prepare`], before the region is read, with
//! nothing changed; so does an input (PBF, parks, GTFS, …) lying where the run would write,
//! and an output folder that is (or lies under) a symbolic link or cannot be written.
//!
//! A run commits as a whole. [`prepare`] creates a staging folder
//! `.<out>.lifecircle-staging-<pid>` beside the output folder (or `.lifecircle-staging-<pid>`
//! inside it when the parent cannot be written or is another filesystem);
//! [`OutDir::commit`] writes every file there, fsyncs, and then
//! - when the output folder does not exist or holds only lifecircle's files, swaps it with the
//!   staging folder in one `renameat2(RENAME_EXCHANGE)` (Linux): a run killed at any moment
//!   leaves the old run or the new run complete;
//! - else moves the previous own files into `lifecircle-backup-<pid>` beside the staging
//!   folder, the new files in, and the manifest last (the commit point). On an error it moves
//!   everything back; a run killed during these renames leaves the backup folder, and the next
//!   run into the folder rolls back from it before anything else.
//!
//! Staging and backup folders of runs that are no longer alive are lifecircle's own: the next
//! run into the same folder removes them. No `.tmp` file is ever left in the output folder.
//!
//! Test-only fault injection: with `LIFECIRCLE_TEST_COMMIT_FAULT=fail:N` (or `abort:N`) the
//! commit fails (or the process aborts) just before its N-th rename (0-based), so that tests
//! can check the roll-back and the recovery; planners never set it.

use std::collections::BTreeMap;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{OutputFile, to_json_bytes};
use crate::error::{Error, Result};

/// The manifest lifecircle writes into every output folder: the files it wrote.
pub const MANIFEST: &str = ".lifecircle-manifest.json";
/// Test-only: `fail:N` or `abort:N` injects a fault before the commit's N-th rename.
pub const FAULT_ENV: &str = "LIFECIRCLE_TEST_COMMIT_FAULT";
const STAGING: &str = "lifecircle-staging-";
const BACKUP: &str = "lifecircle-backup-";
const MOVE_HINT: &str = "lifecircle replaces only files it wrote (listed in .lifecircle-manifest.json); pick another output folder (--out) or move it away";

/// What lifecircle wrote into a folder: file name (with `/` for a subfolder) → size and hash.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
struct Manifest {
    #[serde(default)]
    written_by: String,
    files: BTreeMap<String, Entry>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Entry {
    size: u64,
    fnv1a64: String,
}

impl Entry {
    fn of(bytes: &[u8]) -> Entry {
        let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        Entry {
            size: bytes.len() as u64,
            fnv1a64: format!("{hash:016x}"),
        }
    }
}

/// An output folder checked by [`prepare`], with its staging folder; dropping it without
/// [`OutDir::commit`] removes the staging folder.
#[derive(Debug)]
pub struct OutDir {
    /// The folder as the planner gave it (for messages).
    out: PathBuf,
    /// The folder as an absolute path without `.` and `..`.
    abs: PathBuf,
    /// Every file the command may write.
    names: Vec<String>,
    /// Remove own files among `names` that this run did not write.
    remove_stale: bool,
    staging: PathBuf,
    /// The staging folder is beside `abs` (so the two can be swapped).
    beside: bool,
    renames: usize,
    done: bool,
}

/// What a commit did.
#[derive(Debug, Default)]
pub struct Committed {
    /// The files written, in the order given.
    pub written: Vec<PathBuf>,
    /// Own files of an earlier run that this run did not make, removed.
    pub removed: Vec<PathBuf>,
}

fn output(path: &Path, problem: impl Into<String>) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}

fn io_error(path: &Path, doing: &str, cause: std::io::Error) -> Error {
    output(
        path,
        format!("cannot {doing} ({cause}); check that the folder can be written and has space"),
    )
}

/// What a non-regular file (or a file lifecircle did not write) is, for messages.
fn describe(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "is a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "is a device";
        }
        if t.is_socket() {
            return "is a socket";
        }
    }
    if t.is_symlink() {
        "is a symbolic link"
    } else if t.is_dir() {
        "is a folder"
    } else if t.is_file() {
        "is a file lifecircle did not write"
    } else {
        "is a special file"
    }
}

/// `path` made absolute against the current folder, `.` and `..` removed lexically (correct
/// here because every existing part has been checked not to be a symbolic link).
fn absolute(path: &Path) -> PathBuf {
    let mut abs = match (path.is_absolute(), std::env::current_dir()) {
        (false, Ok(cwd)) => cwd,
        _ => PathBuf::new(),
    };
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => {
                abs.pop();
            }
            other => abs.push(other.as_os_str()),
        }
    }
    abs
}

/// Checks that no existing part of `out` is a symbolic link, file or special file, and that
/// `out` is a folder or does not exist yet; returns it absolute.
fn resolve_out(out: &Path) -> Result<PathBuf> {
    if out.as_os_str().is_empty() {
        return Err(output(out, "is empty; give a folder such as --out out"));
    }
    let mut abs = match (out.is_absolute(), std::env::current_dir()) {
        (true, _) => PathBuf::new(),
        (false, Ok(cwd)) => cwd,
        (false, Err(cause)) => return Err(io_error(out, "read the current folder", cause)),
    };
    let mut missing = false;
    for comp in out.components() {
        match comp {
            Component::CurDir => continue,
            Component::ParentDir => {
                abs.pop();
            }
            Component::Normal(n) => abs.push(n),
            other => {
                abs.push(other.as_os_str());
                continue;
            }
        }
        if missing {
            continue;
        }
        match fs::symlink_metadata(&abs) {
            Err(e) if e.kind() == ErrorKind::NotFound => missing = true,
            Err(cause) => return Err(io_error(out, &format!("inspect {}", abs.display()), cause)),
            Ok(m) if m.is_dir() => {}
            Ok(m) => {
                return Err(output(
                    out,
                    format!(
                        "cannot be the output folder: {} {}; give a folder path without symbolic links, files or devices in it",
                        abs.display(),
                        if m.is_file() {
                            "is a file"
                        } else {
                            describe(&m)
                        }
                    ),
                ));
            }
        }
    }
    Ok(abs)
}

/// Only plain relative names (no `..`, no root) may come from a manifest.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && Path::new(name)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// The manifest in `dir` (empty when there is none or it is unreadable: then nothing counts
/// as lifecircle's). A manifest name that is not a regular file is in the way.
fn load_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    match fs::symlink_metadata(&path) {
        Err(_) => Ok(Manifest::default()),
        Ok(m) if !m.is_file() => Err(output(&path, format!("{}; {MOVE_HINT}", describe(&m)))),
        Ok(_) => {
            let bytes = fs::read(&path).map_err(|c| io_error(&path, "read", c))?;
            let mut manifest: Manifest = serde_json::from_slice(&bytes).unwrap_or_default();
            manifest.files.retain(|name, _| plain_name(name));
            Ok(manifest)
        }
    }
}

/// Whether `path` is a regular file lifecircle wrote (`entry`) and nobody changed since.
fn is_own(path: &Path, entry: Option<&Entry>) -> bool {
    let Some(entry) = entry else { return false };
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == entry.size => {
            fs::read(path).is_ok_and(|bytes| Entry::of(&bytes) == *entry)
        }
        _ => false,
    }
}

/// Refuses when anything but an unchanged own file is at a path the run would write.
fn check_collisions<'a>(
    abs: &Path,
    names: impl Iterator<Item = &'a str>,
    manifest: &Manifest,
) -> Result<()> {
    for name in names {
        let mut path = abs.to_path_buf();
        let parts: Vec<Component> = Path::new(name).components().collect();
        for (i, part) in parts.iter().enumerate() {
            path.push(part);
            let last = i + 1 == parts.len();
            match fs::symlink_metadata(&path) {
                Err(_) => break,
                Ok(m) if !last && m.is_dir() => {}
                Ok(m) if last && m.is_file() && is_own(&path, manifest.files.get(name)) => {}
                Ok(m) => {
                    let what = if last && m.is_file() && manifest.files.contains_key(name) {
                        "was changed after lifecircle wrote it"
                    } else {
                        describe(&m)
                    };
                    return Err(output(
                        &path,
                        format!("is in the way: it {what}; {MOVE_HINT}"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Refuses when an input is, or lies inside, a path the run would write.
fn check_inputs(abs: &Path, names: &[String], inputs: &[(&str, PathBuf)]) -> Result<()> {
    let mut written: Vec<PathBuf> = vec![abs.join(MANIFEST)];
    for name in names {
        let path = abs.join(name);
        let mut parent = path.parent();
        while let Some(p) = parent.filter(|p| p.starts_with(abs) && *p != abs) {
            written.push(p.to_path_buf());
            parent = p.parent();
        }
        written.push(path);
    }
    for (key, input) in inputs {
        let candidates = [Some(absolute(input)), fs::canonicalize(input).ok()];
        for candidate in candidates.iter().flatten() {
            if let Some(w) = written.iter().find(|w| candidate.starts_with(w)) {
                return Err(output(
                    input,
                    format!(
                        "is an input ({key}) and lies where this run writes {}; pick another output folder (--out) or move the input out of it",
                        w.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Checks the output folder `out` for a run that may write `names` (relative file names;
/// `remove_stale`: own files among them that the run does not make are removed) and reads
/// `inputs` (option or key, path), and creates its staging folder. First rolls back or removes
/// what killed runs left. Fails, with nothing changed, when `out` is or lies under a symbolic
/// link or special file, cannot be written, when anything lifecircle did not write is in the
/// way, or when an input lies where the run writes.
pub fn prepare(
    out: &Path,
    names: &[&str],
    remove_stale: bool,
    inputs: &[(&str, PathBuf)],
) -> Result<OutDir> {
    let abs = resolve_out(out)?;
    recover_leftovers(&abs)?;
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    check_inputs(&abs, &names, inputs)?;
    let manifest = load_manifest(&abs)?;
    check_collisions(&abs, names.iter().map(String::as_str), &manifest)?;
    let (staging, beside) = create_staging(out, &abs)?;
    Ok(OutDir {
        out: out.to_path_buf(),
        abs,
        names,
        remove_stale,
        staging,
        beside,
        renames: 0,
        done: false,
    })
}

#[cfg(unix)]
fn same_device(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => true,
    }
}

#[cfg(not(unix))]
fn same_device(_: &Path, _: &Path) -> bool {
    true
}

/// Creates the staging folder beside `abs` (creating `abs`'s parent folders if needed), or
/// inside `abs` when that is impossible. Returns it and whether it is beside.
fn create_staging(out: &Path, abs: &Path) -> Result<(PathBuf, bool)> {
    let pid = std::process::id();
    let exists = abs.is_dir();
    if let (Some(parent), Some(name)) = (abs.parent(), abs.file_name())
        && same_device(parent, abs)
    {
        let staging = parent.join(format!(".{}.{STAGING}{pid}", name.to_string_lossy()));
        match fs::create_dir_all(parent).and_then(|()| fs::create_dir(&staging)) {
            Ok(()) => return Ok((staging, true)),
            Err(_) if exists => {}
            Err(cause) => {
                return Err(output(
                    out,
                    format!(
                        "cannot be created in {} ({cause}); pick an output folder (--out) you can write",
                        parent.display()
                    ),
                ));
            }
        }
    }
    let staging = abs.join(format!(".{STAGING}{pid}"));
    fs::create_dir(&staging).map_err(|cause| {
        output(
            out,
            format!("cannot be written ({cause}); pick an output folder (--out) you can write"),
        )
    })?;
    Ok((staging, false))
}

fn backup_of(staging: &Path) -> PathBuf {
    let name = staging
        .file_name()
        .map(|n| n.to_string_lossy().replace(STAGING, BACKUP))
        .unwrap_or_else(|| format!(".{BACKUP}{}", std::process::id()));
    staging.with_file_name(name)
}

#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn alive(pid: u32) -> bool {
    pid == std::process::id()
}

/// Staging (`.0`) and backup (`.1`) folders by process id, found in `dir` under `prefix`.
type Leftovers = BTreeMap<u32, (Option<PathBuf>, Option<PathBuf>)>;

fn scan_leftovers(dir: &Path, prefix: &str, found: &mut Leftovers) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(prefix)) else {
            continue;
        };
        let pid_of = |kind: &str| rest.strip_prefix(kind).and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid_of(STAGING) {
            found.entry(pid).or_default().0 = Some(entry.path());
        } else if let Some(pid) = pid_of(BACKUP) {
            found.entry(pid).or_default().1 = Some(entry.path());
        }
    }
}

/// Rolls back or removes the staging and backup folders that runs no longer alive left.
fn recover_leftovers(abs: &Path) -> Result<()> {
    let mut found = Leftovers::new();
    if let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) {
        scan_leftovers(parent, &format!(".{}.", name.to_string_lossy()), &mut found);
    }
    scan_leftovers(abs, ".", &mut found);
    for (pid, (staging, backup)) in found {
        if alive(pid) {
            continue;
        }
        if let Some(backup) = &backup
            && fs::symlink_metadata(abs.join(MANIFEST)).is_err()
        {
            roll_back(abs, staging.as_deref(), backup).map_err(|cause| {
                output(
                    abs,
                    format!(
                        "an interrupted run left its previous files in {} and moving them back failed ({cause}); move them into {} by hand",
                        backup.display(),
                        abs.display()
                    ),
                )
            })?;
        }
        for dir in [staging, backup].into_iter().flatten() {
            fs::remove_dir_all(&dir).map_err(|c| io_error(&dir, "remove it", c))?;
        }
    }
    Ok(())
}

/// Everything below `dir`, relative to it, with whether it is a folder (links not followed).
fn entries_below(dir: &Path) -> Vec<(PathBuf, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(entries) = fs::read_dir(dir.join(&rel)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = rel.join(entry.file_name());
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                stack.push(path.clone());
            }
            out.push((path, is_dir));
        }
    }
    out.sort();
    out
}

/// Every file below `dir`, relative to it.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    entries_below(dir)
        .into_iter()
        .filter_map(|(path, is_dir)| (!is_dir).then_some(path))
        .collect()
}

/// Removes the folders of `names` inside `abs` (such as `gtfs/`) that are left empty.
fn remove_empty_folders<'a>(abs: &Path, names: impl Iterator<Item = &'a String>) {
    for name in names {
        let mut parent = Path::new(name).parent();
        while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
            // Fails, harmlessly, when the folder still holds something.
            let _ = fs::remove_dir(abs.join(p));
            parent = p.parent();
        }
    }
}

/// Undoes an interrupted commit: removes the new files already moved into `abs` (those listed
/// in the staging manifest and gone from the staging folder), then moves every file of
/// `backup` back.
fn roll_back(abs: &Path, staging: Option<&Path>, backup: &Path) -> std::io::Result<()> {
    if let Some(staging) = staging
        && let Ok(new) = load_manifest(staging)
    {
        for (name, entry) in &new.files {
            let moved = fs::symlink_metadata(staging.join(name)).is_err();
            let path = abs.join(name);
            if moved && is_own(&path, Some(entry)) {
                fs::remove_file(&path)?;
            }
        }
        remove_empty_folders(abs, new.files.keys());
    }
    for rel in files_below(backup) {
        let to = abs.join(&rel);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(backup.join(&rel), &to)?;
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let write = || -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut file = fs::File::create(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    };
    write().map_err(|c| io_error(path, "write", c))
}

/// Flushes a folder's entries to disk (best effort: not every filesystem supports it).
fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Swaps two folders atomically; `Ok(false)` when the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (ca, cb) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths; renameat2 only reads them.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EXDEV | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

impl OutDir {
    /// The folder as given.
    pub fn path(&self) -> &Path {
        &self.out
    }

    /// Test-only fault injection before the commit's next rename (see the module docs).
    fn before_rename(&mut self) -> Result<()> {
        let n = self.renames;
        self.renames += 1;
        let Ok(fault) = std::env::var(FAULT_ENV) else {
            return Ok(());
        };
        match fault.split_once(':') {
            Some(("fail", at)) if at.parse() == Ok(n) => Err(output(
                &self.out,
                format!("injected test fault before rename {n} ({FAULT_ENV})"),
            )),
            Some(("abort", at)) if at.parse() == Ok(n) => std::process::abort(),
            _ => Ok(()),
        }
    }

    /// Writes `files` as one run: every file is in place afterwards, or, on an error, the
    /// folder is as it was (the error says what remains if even moving back failed).
    pub fn commit(mut self, files: &[OutputFile]) -> Result<Committed> {
        let old = load_manifest(&self.abs)?;
        let names = self.names.iter().map(String::as_str);
        check_collisions(
            &self.abs,
            names.chain(files.iter().map(|f| f.name.as_str())),
            &old,
        )?;
        let stale: Vec<String> = if self.remove_stale {
            let (abs, old_ref) = (&self.abs, &old);
            self.names
                .iter()
                .filter(|n| !files.iter().any(|f| f.name == **n))
                .filter(|n| is_own(&abs.join(n), old_ref.files.get(*n)))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        self.stage(files, &old, &stale)?;
        let new: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
        if !(self.wholly_own(&old) && self.swap()?) {
            self.move_in(&new, &stale)?;
        }
        self.done = true;
        Ok(Committed {
            written: new.iter().map(|n| self.out.join(n)).collect(),
            removed: stale.iter().map(|n| self.out.join(n)).collect(),
        })
    }

    /// Writes the new files, links the own files this run keeps, and the new manifest, into
    /// the staging folder, all flushed to disk.
    fn stage(&self, files: &[OutputFile], old: &Manifest, stale: &[String]) -> Result<()> {
        let mut manifest = Manifest {
            written_by: format!("lifecircle {}", env!("CARGO_PKG_VERSION")),
            files: BTreeMap::new(),
        };
        for f in files {
            if !plain_name(&f.name) || f.name == MANIFEST {
                return Err(output(&self.out.join(&f.name), "is not a plain file name"));
            }
            write_synced(&self.staging.join(&f.name), &f.bytes)?;
            manifest.files.insert(f.name.clone(), Entry::of(&f.bytes));
        }
        for (name, entry) in &old.files {
            let from = self.abs.join(name);
            if manifest.files.contains_key(name)
                || stale.contains(name)
                || !is_own(&from, Some(entry))
            {
                continue;
            }
            let to = self.staging.join(name);
            let link = || -> std::io::Result<()> {
                if let Some(parent) = to.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::hard_link(&from, &to).or_else(|_| fs::copy(&from, &to).map(|_| ()))
            };
            link().map_err(|c| io_error(&to, "keep an earlier file", c))?;
            manifest.files.insert(name.clone(), entry.clone());
        }
        write_synced(
            &self.staging.join(MANIFEST),
            &to_json_bytes(&serde_json::to_value(&manifest).expect("a manifest serialises")),
        )?;
        for rel in files_below(&self.staging) {
            if let Some(parent) = rel.parent() {
                sync_dir(&self.staging.join(parent));
            }
        }
        sync_dir(&self.staging);
        Ok(())
    }

    /// Whether the folder can be swapped whole: the staging folder is beside it, it does not
    /// hold the current folder, and everything in it is lifecircle's own and unchanged.
    fn wholly_own(&self, old: &Manifest) -> bool {
        let cwd_inside = std::env::current_dir().is_ok_and(|cwd| cwd.starts_with(&self.abs));
        if !self.beside || cwd_inside {
            return false;
        }
        if !self.abs.exists() {
            return true;
        }
        // A folder is lifecircle's when it holds one of its files (`gtfs/`); an empty folder
        // of the planner's would be lost in the swap.
        entries_below(&self.abs).iter().all(|(rel, is_dir)| {
            let name = rel.to_string_lossy();
            if *is_dir {
                old.files.keys().any(|n| Path::new(n).starts_with(rel))
            } else {
                name == MANIFEST || is_own(&self.abs.join(rel), old.files.get(name.as_ref()))
            }
        })
    }

    /// Puts the staging folder in the output folder's place in one rename; `Ok(false)` when
    /// the system cannot swap folders.
    fn swap(&mut self) -> Result<bool> {
        let parent = self.abs.parent().map(Path::to_path_buf);
        if fs::symlink_metadata(&self.abs).is_err() {
            self.before_rename()?;
            fs::rename(&self.staging, &self.abs)
                .map_err(|c| io_error(&self.out, "move the new run into place", c))?;
        } else {
            self.before_rename()?;
            if !exchange(&self.staging, &self.abs)
                .map_err(|c| io_error(&self.out, "swap in the new run", c))?
            {
                return Ok(false);
            }
            // The staging folder now holds the previous run; if removing it fails, the next
            // run removes it.
            let _ = fs::remove_dir_all(&self.staging);
        }
        if let Some(parent) = parent {
            sync_dir(&parent);
        }
        Ok(true)
    }

    /// Moves the previous own files out to a backup folder, the new ones in, the manifest
    /// last; on an error moves everything back.
    fn move_in(&mut self, new: &[String], stale: &[String]) -> Result<()> {
        let backup = backup_of(&self.staging);
        fs::create_dir(&backup).map_err(|c| io_error(&backup, "create it", c))?;
        if let Err(e) = self.move_steps(&backup, new, stale) {
            return match roll_back(&self.abs, Some(&self.staging), &backup) {
                Ok(()) => {
                    let _ = fs::remove_dir_all(&backup);
                    Err(e)
                }
                Err(cause) => Err(output(
                    &self.out,
                    format!(
                        "{e}; moving the previous files back also failed ({cause}): they are in {}, move them into {} by hand",
                        backup.display(),
                        self.abs.display()
                    ),
                )),
            };
        }
        let _ = fs::remove_dir_all(&backup);
        let _ = fs::remove_dir_all(&self.staging);
        remove_empty_folders(&self.abs, stale.iter());
        Ok(())
    }

    fn move_steps(&mut self, backup: &Path, new: &[String], stale: &[String]) -> Result<()> {
        let rename = |from: &Path, to: &Path| -> Result<()> {
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(|c| io_error(parent, "create it", c))?;
            }
            fs::rename(from, to).map_err(|c| io_error(to, "move a file into place", c))
        };
        let abs = self.abs.clone();
        let staging = self.staging.clone();
        let mut names: Vec<&String> = vec![];
        if fs::symlink_metadata(abs.join(MANIFEST)).is_ok() {
            self.before_rename()?;
            rename(&abs.join(MANIFEST), &backup.join(MANIFEST))?;
        }
        for name in new.iter().chain(stale) {
            if fs::symlink_metadata(abs.join(name)).is_ok() && !names.contains(&name) {
                names.push(name);
                self.before_rename()?;
                rename(&abs.join(name), &backup.join(name))?;
            }
        }
        for name in new {
            self.before_rename()?;
            rename(&staging.join(name), &abs.join(name))?;
        }
        self.before_rename()?;
        rename(&staging.join(MANIFEST), &abs.join(MANIFEST))?;
        sync_dir(&abs);
        Ok(())
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Where `isochrone --out PATH` writes: a path ending in `/` or an existing folder means
/// `default_name` inside it; else the folder part and the file name.
pub fn file_target(out: &Path, default_name: &str) -> (PathBuf, String) {
    let text = out.as_os_str().to_string_lossy();
    let is_folder = text.ends_with('/')
        || text.ends_with(std::path::MAIN_SEPARATOR)
        || fs::symlink_metadata(out).is_ok_and(|m| m.is_dir());
    match out.file_name().filter(|_| !is_folder) {
        Some(name) => (
            out.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
            name.to_string_lossy().into_owned(),
        ),
        None => (out.to_path_buf(), default_name.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a_64() {
        // Reference values of the FNV-1a 64-bit hash.
        assert_eq!(Entry::of(b"").fnv1a64, "cbf29ce484222325");
        assert_eq!(Entry::of(b"a").fnv1a64, "af63dc4c8601ec8c");
        assert_eq!(Entry::of(b"foobar").fnv1a64, "85944171f73967e8");
    }

    #[test]
    fn isochrone_out_names_a_file_or_a_folder() {
        let t = tempfile::tempdir().unwrap();
        let iso = "isochrone.geojson";
        let (dir, name) = file_target(Path::new("runs/walk.geojson"), iso);
        assert_eq!(
            (dir, name.as_str()),
            (PathBuf::from("runs"), "walk.geojson")
        );
        let (dir, name) = file_target(Path::new("walk.geojson"), iso);
        assert_eq!((dir, name.as_str()), (PathBuf::from("."), "walk.geojson"));
        let (dir, name) = file_target(Path::new("new/"), iso);
        assert_eq!((dir, name.as_str()), (PathBuf::from("new/"), iso));
        let (dir, name) = file_target(t.path(), iso);
        assert_eq!((dir, name.as_str()), (t.path().to_path_buf(), iso));
    }

    #[test]
    fn manifest_names_that_leave_the_folder_are_dropped() {
        let t = tempfile::tempdir().unwrap();
        let text = r#"{"files": {"../x": {"size": 1, "fnv1a64": "0"}, "/etc/passwd": {"size": 1, "fnv1a64": "0"}, "gtfs/stops.txt": {"size": 1, "fnv1a64": "0"}}}"#;
        fs::write(t.path().join(MANIFEST), text).unwrap();
        let m = load_manifest(t.path()).unwrap();
        assert_eq!(m.files.keys().collect::<Vec<_>>(), ["gtfs/stops.txt"]);
    }

    #[test]
    fn a_planners_empty_folder_keeps_the_output_folder_from_being_swapped() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        let files = [OutputFile {
            name: "gtfs/stops.txt".into(),
            bytes: b"stop_id\n".to_vec(),
        }];
        prepare(&out, &["gtfs/stops.txt"], true, &[])
            .unwrap()
            .commit(&files)
            .unwrap();
        let again = prepare(&out, &["gtfs/stops.txt"], true, &[]).unwrap();
        let old = load_manifest(&out).unwrap();
        assert!(again.wholly_own(&old));
        fs::create_dir(out.join("maps")).unwrap();
        assert!(!again.wholly_own(&old));
        again.commit(&files).unwrap();
        assert!(out.join("maps").is_dir() && out.join("gtfs/stops.txt").is_file());
    }
}
