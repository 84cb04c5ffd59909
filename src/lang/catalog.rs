//! English messages of the library in Chinese, gettext-style: the library builds its hints,
//! notes and reasons in English (files for scripts keep them), and the edge (terminal, report)
//! looks each one up here by its English template. A template is the message's `format!`
//! string with every placeholder written `{}`; its Chinese names the captured values `{0}`,
//! `{1}`, … in the order they appear in the English (and may drop or reorder them).
//!
//! A captured value is itself looked up (a reason inside a note, a datum's label inside a
//! refusal), so nested messages read in Chinese as well. A message no template matches is
//! tried clause by clause (split at `; `); what still matches nothing keeps its English.
//! `tests` checks that every template's English is still written somewhere in `src/`, so an
//! edited message cannot silently fall out of the table.

use super::catalog_table::{CATALOG, EXTERNAL};

/// How deep captured values are looked up again.
const MAX_DEPTH: usize = 4;

/// `en` in Chinese when the catalog has its template, else `en` unchanged.
pub fn zh_message(en: &str) -> String {
    translate(en, 0).unwrap_or_else(|| en.to_string())
}

/// The Chinese of `en` through the catalog, or `None` when no part of it matches.
fn translate(en: &str, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH || en.trim().is_empty() {
        return None;
    }
    if let Some(zh) = whole(en, depth) {
        return Some(zh);
    }
    // Clause by clause: "A; B; C" → "甲；乙；丙", keeping clauses no template matches.
    let clauses: Vec<&str> = en.split("; ").collect();
    if clauses.len() > 1 {
        let parts: Vec<Option<String>> = clauses.iter().map(|c| translate(c, depth)).collect();
        if parts.iter().any(Option::is_some) {
            let joined: Vec<String> = parts
                .into_iter()
                .zip(&clauses)
                .map(|(zh, en)| zh.unwrap_or_else(|| en.to_string()))
                .collect();
            return Some(joined.join("；"));
        }
    }
    None
}

/// The Chinese of the template matching all of `en` that leaves the least English (ASCII
/// letters), the longest such template on a tie: a message may match a general template
/// ("{}: park '{}' …") and a more precise one ("invalid {} '{}': {}" around it).
fn whole(en: &str, depth: usize) -> Option<String> {
    let mut best: Option<((usize, std::cmp::Reverse<usize>), String)> = None;
    for &(template, zh) in CATALOG.iter().chain(EXTERNAL) {
        let literal = template.len() - 2 * template.matches("{}").count();
        let pieces: Vec<&str> = template.split("{}").collect();
        if let Some(values) = captures(&pieces, en) {
            let values: Vec<String> = values
                .iter()
                .map(|v| translate(v, depth + 1).unwrap_or_else(|| v.to_string()))
                .collect();
            let text = fill(zh, &values);
            let english = text.chars().filter(char::is_ascii_alphabetic).count();
            let score = (english, std::cmp::Reverse(literal));
            if best.as_ref().is_none_or(|(s, _)| score < *s) {
                best = Some((score, text));
            }
        }
    }
    best.map(|(_, zh)| zh)
}

/// The values of the placeholders between `pieces` when `text` is `pieces` joined by them,
/// the first way found (each value as short as lets the rest match).
fn captures<'t>(pieces: &[&str], text: &'t str) -> Option<Vec<&'t str>> {
    let (first, rest) = pieces.split_first()?;
    let text = text.strip_prefix(first)?;
    if rest.is_empty() {
        return text.is_empty().then(Vec::new);
    }
    let mut values = Vec::with_capacity(rest.len());
    fill_from(rest, text, &mut values).then_some(values)
}

/// Matches `text` against `{}` `pieces[0]` `{}` `pieces[1]` … (one value before each piece),
/// pushing the values; backtracks over where each piece is found.
fn fill_from<'t>(pieces: &[&str], text: &'t str, values: &mut Vec<&'t str>) -> bool {
    let Some((piece, rest)) = pieces.split_first() else {
        return text.is_empty();
    };
    if rest.is_empty() {
        // The last piece ends the text.
        return match text.strip_suffix(piece) {
            Some(value) => {
                values.push(value);
                true
            }
            None => false,
        };
    }
    if piece.is_empty() {
        // Two placeholders side by side: the first takes nothing.
        values.push("");
        if fill_from(rest, text, values) {
            return true;
        }
        values.pop();
        return false;
    }
    for (at, _) in text.match_indices(piece) {
        values.push(&text[..at]);
        if fill_from(rest, &text[at + piece.len()..], values) {
            return true;
        }
        values.pop();
    }
    false
}

/// `zh` with `{0}`, `{1}`, … replaced by `values` (trimmed: a Chinese sentence needs no
/// spaces around its values).
fn fill(zh: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(zh.len() + 16);
    let mut rest = zh;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let index = after
            .find('}')
            .and_then(|close| Some((after[..close].parse::<usize>().ok()?, close)));
        match index {
            Some((i, close)) => {
                out.push_str(values.get(i).map_or("", |v| v.trim()));
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_capture_values_and_nest() {
        assert_eq!(
            captures(&["a ", " b ", ""], "a x b y z"),
            Some(vec!["x", "y z"])
        );
        assert_eq!(captures(&["a ", " b"], "a x c"), None);
        assert_eq!(fill("{1}：{0}", &["x".into(), "y".into()]), "y：x");
        // A reason inside a park note is looked up too.
        let zh = zh_message(
            "parks.geojson: park 'North' (feature 3) has no area (its corners lie on a line or a point); draw the park's outline",
        );
        assert!(zh.contains("North") && zh.contains("没有面积"), "{zh}");
        assert!(!zh.contains("corners"), "{zh}");
        // Unknown text stays as it is.
        assert_eq!(zh_message("something new"), "something new");
    }

    #[test]
    fn every_template_is_still_written_in_the_source() {
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut text = String::new();
        let mut dirs = vec![std::path::PathBuf::from(src)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("catalog_table.rs")
                {
                    text.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        // Source strings continued over lines with `\` read as one line.
        let mut parts = text.split("\\\n");
        let mut joined = parts.next().unwrap_or_default().to_string();
        for part in parts {
            joined.push_str(part.trim_start());
        }
        let mut missing = Vec::new();
        for &(template, zh) in CATALOG {
            assert!(!zh.is_empty(), "{template}");
            let longest = template
                .split("{}")
                .max_by_key(|p| p.len())
                .unwrap_or_default()
                .trim()
                .replace('"', "\\\"");
            if longest.len() >= 6 && !joined.contains(&longest) {
                missing.push(template);
            }
        }
        assert!(missing.is_empty(), "not in src/ any more: {missing:#?}");
    }
}
