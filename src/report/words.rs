//! Words the report shows for keys of the data — where a zone comes from (the built-in
//! profiles' titles are `lang::profile_title`, shared with the terminal) — and the punctuation
//! of each language.

use crate::lang::Lang;
use crate::places::Source;

/// Where a zone comes from, for the line under its heading: "OpenStreetMap" or "parks file,
/// feature 3", the raw reference (`way/2697`, the file's path) only in a tooltip.
pub fn zone_source_html(source: &Source, lang: Lang) -> String {
    let raw = super::svg::escape(&source.to_string());
    let text = match source {
        Source::Osm(_) => lang
            .t("outline from OpenStreetMap", "边界来自 OpenStreetMap")
            .to_string(),
        Source::File { line, .. } => match lang {
            Lang::En => format!("outline from the parks file, feature {line}"),
            Lang::Zh => format!("边界来自园区边界文件第 {line} 个要素"),
        },
    };
    format!("<span class=\"source\" title=\"{raw}\">{text}</span>")
}

/// Punctuation in a language: ASCII in English, full-width in Chinese.
#[derive(Clone, Copy)]
pub struct Punct {
    /// ", " / "，"
    pub comma: &'static str,
    /// ": " / "："
    pub colon: &'static str,
    /// "; " / "；"
    pub semicolon: &'static str,
    /// "." / "。"
    pub stop: &'static str,
    /// " (" / "（"
    pub open: &'static str,
    /// ")" / "）"
    pub close: &'static str,
}

/// The punctuation of `lang`.
pub fn punct(lang: Lang) -> Punct {
    match lang {
        Lang::En => Punct {
            comma: ", ",
            colon: ": ",
            semicolon: "; ",
            stop: ".",
            open: " (",
            close: ")",
        },
        Lang::Zh => Punct {
            comma: "，",
            colon: "：",
            semicolon: "；",
            stop: "。",
            open: "（",
            close: "）",
        },
    }
}

/// `text` built from an English-punctuated template with numbers (never names) filled in,
/// with full-width punctuation in Chinese: "a; b, c (d)" → "a；b，c（d）".
pub fn full_width(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    text.replace("; ", "；")
        .replace(", ", "，")
        .replace(": ", "：")
        .replace(" (", "（")
        .replace('(', "（")
        .replace(')', "）")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_only_in_chinese() {
        assert_eq!(full_width("a; b, c (d)", Lang::Zh), "a；b，c（d）");
        assert_eq!(full_width("a; b, c (d)", Lang::En), "a; b, c (d)");
    }
}
