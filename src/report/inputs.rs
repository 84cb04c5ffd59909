//! The report's "Inputs" section and the list `plan` prints: every file a run used (the OSM
//! extract with its date, parks, POI, population, demand, stops, GTFS, the amenity profile), its
//! coordinate system, rows read and rows skipped, with the first skipped rows by the line a
//! spreadsheet shows and why.

use std::fmt::Write;
use std::path::Path;

use super::html::Lang;
use super::svg::escape as esc;
use crate::places::Source;
use crate::places::import::{FileRead, InputFile, RowWarning};
use crate::plan::PlanRun;

/// Skipped rows listed in full per file; the rest are "… and N more".
pub const SHOWN_WARNINGS: usize = 5;

/// How many rows a file's warnings stand for: each warning's [`RowProblem::rows`] (1 for a
/// bad row, N for a closing "… and N more rows like this" of
/// [`crate::places::import::RowWarnings::finish`] or a count of unmapped types, 0 for a
/// note).
///
/// [`RowProblem::rows`]: crate::lang::RowProblem::rows
pub fn rows_skipped(warnings: &[RowWarning]) -> usize {
    warnings.iter().map(|w| w.message.rows()).sum()
}

/// Skipped rows of `file` beyond the first [`SHOWN_WARNINGS`] warnings: the "… and N more"
/// after them.
pub fn rows_not_shown(file: &InputFile) -> usize {
    rows_skipped(file.warnings.get(SHOWN_WARNINGS..).unwrap_or_default())
}

fn from_file(source: &Source, path: &str) -> bool {
    matches!(source, Source::File { path: p, .. } if p == path)
}

/// An input file of `rows_kept` rows kept and the rows its `warnings` skipped: read is both.
fn file(
    kind: &str,
    path: &Path,
    crs: &str,
    rows_kept: usize,
    warnings: Vec<RowWarning>,
) -> InputFile {
    let skipped = rows_skipped(&warnings);
    InputFile {
        kind: kind.into(),
        path: path.display().to_string(),
        encoding: None,
        rows_read: rows_kept + skipped,
        rows_kept,
        rows_skipped: skipped,
        crs: crs.into(),
        date: None,
        warnings,
    }
}

/// `file` with what its reader found: the encoding and line ends, the data rows in the file
/// and those it kept, and the CRS its coordinates were read in (an Amap or Baidu export's own
/// when none was given).
fn as_read(mut file: InputFile, read: Option<&FileRead>) -> InputFile {
    if let Some(r) = read {
        file.encoding = Some(format!("{}, {}", r.encoding.name(), r.line_ends.name()));
        file.crs = r.crs.name().to_string();
        file.rows_read = r.rows_read;
        file.rows_kept = r.rows_read.saturating_sub(r.rows_skipped);
    }
    file
}

/// Every input file of a run, in the order the stages read them.
pub fn input_files(run: &PlanRun) -> Vec<InputFile> {
    let s = &run.scenario;
    let x = &run.extract;
    let mut files: Vec<InputFile> = s
        .file
        .iter()
        .map(|path| file("scenario", path, "—", 0, Vec::new()))
        .collect();
    let elements = (x.stats.nodes + x.stats.ways + x.stats.relations) as usize;
    files.push(InputFile {
        kind: "OSM extract".into(),
        path: x.source.display().to_string(),
        encoding: None,
        rows_read: elements,
        rows_kept: elements,
        rows_skipped: 0,
        crs: "WGS-84".into(),
        date: x.data_date(),
        warnings: Vec::new(),
    });
    if let Some(path) = &s.region.parks {
        let p = path.display().to_string();
        let read = run.parks.as_ref().map_or(0, |z| {
            z.zones.iter().filter(|z| from_file(&z.source, &p)).count()
        });
        let crs = s.crs_of().map_or("wgs84", |[parks, ..]| parks.name());
        files.push(file("parks", path, crs, read, Vec::new()));
    }
    if let Ok(lc) = &run.life_circle {
        if !crate::places::profile::EMBEDDED
            .iter()
            .any(|(n, _)| *n == s.life_circle.profile)
        {
            let categories = lc.profile.categories.len();
            files.push(file(
                "profile",
                Path::new(&s.life_circle.profile),
                "—",
                categories,
                Vec::new(),
            ));
        }
        for path in &s.life_circle.poi {
            let p = path.display().to_string();
            let read = lc
                .amenities
                .iter()
                .filter(|a| from_file(&a.source, &p))
                .count();
            let w = lc
                .warnings
                .iter()
                .filter(|w| w.path == p)
                .cloned()
                .collect();
            let found = lc.inputs.iter().find(|r| r.path == p);
            files.push(as_read(
                file("POI", path, &s.life_circle.poi_crs, read, w),
                found,
            ));
        }
    }
    if let (Some(path), Ok(c)) = (&s.commute.population, &run.commute) {
        let w = c.population_warnings.clone();
        let crs = s
            .crs_of()
            .map_or("wgs84", |[_, population, _]| population.name());
        let population = file("population", path, crs, c.residents.units.len(), w);
        files.push(as_read(population, c.population_input.as_ref()));
    }
    if let Some(path) = &s.commute.gtfs {
        let lines = run.commute.as_ref().map_or(0, |c| c.report.transit_lines);
        files.push(file("GTFS", path, "WGS-84", lines, Vec::new()));
    }
    if let (Some(path), Ok(b)) = (&s.bus.demand, &run.bus) {
        let demand = file(
            "demand",
            path,
            &s.bus.demand_crs,
            b.bookings.len(),
            b.skipped.clone(),
        );
        files.push(as_read(demand, b.inputs.first()));
    }
    if let (Some(path), Ok(b)) = (&s.bus.stops, &run.bus) {
        let used = b.given_stops.as_ref().map_or(0, Vec::len);
        let read = b.stops_file.as_ref();
        let w = read.map_or_else(Vec::new, |r| r.warnings.clone());
        let stops = file("stops", path, &s.bus.stops_crs, used, w);
        files.push(as_read(stops, read.map(|r| &r.input)));
    }
    files
}

/// What a file is, in `lang`.
/// What an input file is (`POI`, `demand`, …), in `lang`.
pub fn kind_label(kind: &str, lang: Lang) -> &str {
    const ZH: [(&str, &str); 9] = [
        ("scenario", "情景文件"),
        ("OSM extract", "OSM 数据"),
        ("parks", "园区边界"),
        ("profile", "设施配置"),
        ("POI", "设施点"),
        ("population", "人口"),
        ("GTFS", "公交时刻表（GTFS）"),
        ("demand", "预约需求"),
        ("stops", "公交站点"),
    ];
    match lang {
        Lang::En => kind,
        Lang::Zh => ZH
            .iter()
            .find(|(en, _)| *en == kind)
            .map_or(kind, |(_, zh)| zh),
    }
}

/// A coordinate system as a planner reads it: `WGS-84`, `GCJ-02`, `BD-09` (the scenario's
/// lower-case keys otherwise show beside the OSM row's `WGS-84`).
fn crs_label(crs: &str) -> &str {
    match crs {
        "wgs84" => "WGS-84",
        "gcj02" => "GCJ-02",
        "bd09" => "BD-09",
        other => other,
    }
}

/// The Inputs section of `report.html`.
pub fn inputs_section(h: &mut String, run: &PlanRun, lang: Lang) {
    let t = |en: &'static str, zh: &'static str| if lang == Lang::Zh { zh } else { en };
    let _ = write!(
        h,
        "<section class=\"inputs\" id=\"inputs\"><h2>{}</h2><table class=\"inputs\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t("Inputs", "输入数据"),
        t("File", "文件"),
        t("What", "类型"),
        t("Date", "日期"),
        t("CRS", "坐标系"),
        t("Encoding", "编码"),
        t("Rows read", "读取行数"),
        t("Rows kept", "保留行数"),
        t("Rows skipped", "跳过行数"),
    );
    for f in input_files(run) {
        let counted = |n: usize| match f.kind.as_str() {
            "scenario" => "—".to_string(),
            _ => n.to_string(),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&match f.kind.as_str() {
                "OSM extract" => crate::lang::source_label(Path::new(&f.path), lang),
                _ => f.path.clone(),
            }),
            esc(kind_label(&f.kind, lang)),
            esc(f.date.as_deref().unwrap_or("—")),
            esc(crs_label(&f.crs)),
            esc(f.encoding.as_deref().unwrap_or("—")),
            counted(f.rows_read),
            counted(f.rows_kept),
            counted(f.rows_skipped),
        );
        if !f.warnings.is_empty() {
            let mut items = String::new();
            for w in f.warnings.iter().take(SHOWN_WARNINGS) {
                let _ = match lang {
                    Lang::En => write!(items, "<li>line {}: {}</li>", w.line, esc(&w.message.en())),
                    Lang::Zh => write!(items, "<li>第{}行：{}</li>", w.line, esc(&w.message.zh())),
                };
            }
            let rest = rows_not_shown(&f);
            if rest > 0 {
                let _ = match lang {
                    Lang::En => write!(items, "<li>… and {rest} more</li>"),
                    Lang::Zh => write!(items, "<li>……另有{rest}行</li>"),
                };
            }
            let _ = write!(
                h,
                "<tr class=\"skipped\"><td colspan=\"8\"><ul>{items}</ul></td></tr>"
            );
        }
    }
    let _ = writeln!(
        h,
        "</tbody></table><p class=\"note\">{}</p></section>",
        t(
            "Line numbers are those a spreadsheet shows (the header is line 1); GeoJSON rows are feature numbers.",
            "行号与电子表格显示一致（表头为第1行）；GeoJSON 为要素序号。"
        )
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::RowProblem;
    use crate::places::import::RowWarnings;

    fn warning(line: usize, message: RowProblem) -> RowWarning {
        RowWarning {
            path: "poi.csv".into(),
            line,
            message,
        }
    }

    /// Issue 12, Inputs: the rows skipped are the count each warning carries, not a number
    /// read back from its text: a note skips nothing, a summary of unmapped types counts
    /// its rows, and "… and N more" counts the rows left out.
    #[test]
    fn rows_skipped_is_the_count_the_warnings_carry() {
        let mut bad = RowWarnings::default();
        for line in 2..40 {
            bad.push(warning(line, "unknown category 'x'".to_string().into()));
        }
        let mut warnings = vec![
            warning(
                1,
                RowProblem::ReadAsExport {
                    baidu: false,
                    crs: "gcj02".into(),
                    profile: "gb50180".into(),
                },
            ),
            warning(
                7,
                RowProblem::UnmappedTypes {
                    rows: 25,
                    profile: "gb50180".into(),
                    shown: "汽车服务 (25)".into(),
                    more_types: 0,
                },
            ),
        ];
        warnings.extend(bad.finish());
        assert_eq!(rows_skipped(&warnings), 25 + 38);
        let file = file("POI", Path::new("poi.csv"), "gcj02", 100, warnings);
        assert_eq!(file.rows_skipped, 63);
        // Shown: the note, the summary and three bad rows; the other 35 are "… and 35 more".
        assert_eq!(rows_not_shown(&file), 35);
    }
}
