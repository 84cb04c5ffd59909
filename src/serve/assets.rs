//! The page's static files, embedded in the binary by `build.rs` from `assets/serve/` and
//! `assets/vendor/`, with their content types, and their version: the page asks for
//! `/assets/v-<version>/<path>`, where the version is a hash of every embedded file, so that a
//! browser may keep those answers for good (`Cache-Control: immutable`) and a new binary with
//! any changed file is asked for new URLs (the page itself is never cached).

use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/serve_assets.rs"));

/// The page served at `/`.
pub const INDEX: &str = "serve/index.html";

/// The embedded file at `path` (relative to `assets/`, as in `/assets/<path>`).
pub fn get(path: &str) -> Option<&'static [u8]> {
    FILES
        .binary_search_by(|(name, _)| (*name).cmp(path))
        .ok()
        .map(|i| FILES[i].1)
}

/// Leads the versioned asset URLs: `/assets/v-<version>/<path>`.
const VERSION_MARK: &str = "v-";

/// The version of the embedded files, 16 hex digits ([`version_of`] of every file).
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| version_of(FILES))
}

/// A hash (64-bit FNV-1a, 16 hex digits) of `files` (path under `assets/`, bytes), in path
/// order: any changed byte, name or file gives another version.
pub fn version_of(files: &[(&str, &[u8])]) -> String {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, bytes) in files {
        let len = (bytes.len() as u64).to_le_bytes();
        for &b in name.as_bytes().iter().chain(&[0]).chain(&len).chain(*bytes) {
            hash = (hash ^ u64::from(b)).wrapping_mul(PRIME);
        }
    }
    format!("{hash:016x}")
}

/// A request path under `/assets/` without its version: the file's path and whether the
/// version is this binary's (`None`: an unversioned path).
pub fn unversioned(path: &str) -> (&str, Option<bool>) {
    match path
        .strip_prefix(VERSION_MARK)
        .and_then(|rest| rest.split_once('/'))
    {
        Some((version, file)) => (file, Some(version == self::version())),
        None => (path, None),
    }
}

/// The page served at `/`, its asset URLs versioned (`/assets/` → `/assets/v-<version>/`).
pub fn index_html() -> &'static [u8] {
    static PAGE: OnceLock<Vec<u8>> = OnceLock::new();
    PAGE.get_or_init(|| {
        let page = String::from_utf8_lossy(get(INDEX).unwrap_or_default());
        let versioned = format!("\"/assets/{VERSION_MARK}{}/", version());
        page.replace("\"/assets/", &versioned).into_bytes()
    })
}

/// The content type of a file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "text/plain; charset=utf-8",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_sorted_for_binary_search() {
        assert!(FILES.windows(2).all(|w| w[0].0 < w[1].0));
        for (name, bytes) in FILES {
            assert_eq!(get(name), Some(*bytes));
        }
        assert_eq!(get("../Cargo.toml"), None);
    }

    #[test]
    fn the_page_asks_for_versioned_assets() {
        let page = String::from_utf8(index_html().to_vec()).unwrap();
        let app = format!("/assets/v-{}/serve/app.js", version());
        assert!(page.contains(&app), "{page}");
        assert!(!page.contains("\"/assets/serve/"));
        assert_eq!(
            unversioned(&app["/assets/".len()..]),
            ("serve/app.js", Some(true))
        );
        assert_eq!(
            unversioned("v-0123/serve/app.js"),
            ("serve/app.js", Some(false))
        );
        assert_eq!(unversioned("serve/app.js"), ("serve/app.js", None));
    }

    #[test]
    fn any_changed_byte_changes_the_version() {
        let a = version_of(&[("serve/app.js", b"let a = 1;")]);
        assert_eq!(a.len(), 16);
        assert_ne!(a, version_of(&[("serve/app.js", b"let a = 2;")]));
        assert_ne!(a, version_of(&[("serve/app2.js", b"let a = 1;")]));
        assert_eq!(a, version_of(&[("serve/app.js", b"let a = 1;")]));
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(
            content_type("serve/app.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type("vendor/leaflet/images/marker-icon.PNG"),
            "image/png"
        );
        assert_eq!(
            content_type("vendor/leaflet/LICENSE"),
            "text/plain; charset=utf-8"
        );
    }
}
