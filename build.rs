//! Lists the files of `assets/serve/` and `assets/vendor/` (the `serve` page and its vendored
//! map library) as `include_bytes!` entries, so that the binary carries them and serves them
//! with no file beside it. Writes `$OUT_DIR/serve_assets.rs`.

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut files = Vec::new();
    // The folder, not its subfolders: a path that does not exist would rerun this every build.
    println!("cargo:rerun-if-changed=assets");
    println!("cargo:rerun-if-changed=build.rs");
    for dir in ["assets/serve", "assets/vendor"] {
        collect(&root.join(dir), &mut files);
    }
    let mut entries: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|file| {
            let rel = file
                .strip_prefix(root.join("assets"))
                .expect("under assets/")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, file)
        })
        .collect();
    // Sorted by the served path: `assets::get` searches it.
    entries.sort();
    let mut out = String::from("/// The embedded files: path under `assets/`, contents.\n");
    out.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (rel, file) in &entries {
        out.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?})),\n",
            file.to_string_lossy()
        ));
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    fs::write(dest.join("serve_assets.rs"), out).expect("OUT_DIR is writable");
}

/// Every regular file under `dir` (none when it does not exist), skipping hidden ones.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, files);
        } else if path.is_file() {
            files.push(path);
        }
    }
}
