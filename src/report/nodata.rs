//! How "no data" ([`crate::reach::NoData`]) reads in the report: a greyed "无数据 / no data"
//! cell whose tooltip says what is missing, never a 0 % or a "不达标" for something the data
//! does not contain. CSV and JSON writers use [`NoData::code`] and an empty value / `null`.

use super::html::Lang;
use super::round;
use super::svg::escape as esc;
use crate::drt::demand::NoLine;
use crate::reach::{NoData, Reach};

/// "no data" / "无数据".
pub fn no_data_label(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "no data",
        Lang::Zh => "无数据",
    }
}

/// What is missing, in the report's language.
pub fn no_data_reason(why: NoData, lang: Lang) -> &'static str {
    match lang {
        Lang::En => why.en(),
        Lang::Zh => why.zh(),
    }
}

/// A greyed table cell saying "no data", with the reason as its tooltip.
pub fn no_data_td(why: NoData, lang: Lang, colspan: usize) -> String {
    let span = if colspan > 1 {
        format!(" colspan=\"{colspan}\"")
    } else {
        String::new()
    };
    format!(
        "<td class=\"nodata\"{span} data-reason=\"{}\" title=\"{}\" style=\"color:#64748b;background:#f1f5f9;font-style:italic\">{}</td>",
        why.code(),
        esc(no_data_reason(why, lang)),
        no_data_label(lang)
    )
}

/// A share as a percentage cell, or the greyed "no data" cell.
pub fn reach_td(reach: Reach, lang: Lang) -> String {
    match reach {
        Reach::Share(s) => format!("<td>{:.0}%</td>", round(100.0 * s, 0)),
        Reach::NoData(why) => no_data_td(why, lang, 1),
    }
}

/// A greyed cell saying why no bus line serves a park (the reason in full: a reader must
/// not take it for a plan of zeros).
pub fn no_line_td(why: &NoLine, lang: Lang, colspan: usize) -> String {
    let text = match lang {
        Lang::En => why.en(),
        Lang::Zh => why.zh(),
    };
    format!(
        "<td class=\"nodata noline\" colspan=\"{colspan}\" data-reason=\"{}\" title=\"{}\" style=\"color:#64748b;background:#f1f5f9\">{}</td>",
        why.code(),
        esc(&text),
        esc(&text)
    )
}

/// The summary table's short form of [`no_line_td`]: "no line / 无线路" (as the terminal
/// says it) with the full reason as its tooltip; the park's own section spells the reason
/// out. A long reason in a one-line table cell would push the table off the page.
pub fn no_line_short_td(why: &NoLine, lang: Lang, colspan: usize) -> String {
    let text = match lang {
        Lang::En => why.en(),
        Lang::Zh => why.zh(),
    };
    format!(
        "<td class=\"nodata noline\" colspan=\"{colspan}\" data-reason=\"{}\" title=\"{}\" style=\"color:#64748b;background:#f1f5f9;font-style:italic;text-align:center\">{}</td>",
        why.code(),
        esc(&text),
        match lang {
            Lang::En => "no line",
            Lang::Zh => "无线路",
        }
    )
}
