//! The page's static files, embedded in the binary by `build.rs` from `assets/serve/` and
//! `assets/vendor/`, with their content types.

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
