//! `tables.xlsx`: every CSV table of a run (coverage.csv, commute.csv, commute_districts.csv, drt_timetable.csv,
//! drt_riders.csv) as one sheet of an Excel workbook, so that a planner on Chinese Windows sees
//! Chinese names instead of mojibake (Excel opens a UTF-8 CSV without a byte-order mark in the
//! local code page). The CSVs stay plain UTF-8 for scripts.
//!
//! The sheets are made from the CSV bytes the run just built (parsed back with the `csv`
//! crate), so a sheet always has exactly the CSV's rows and columns. Numeric columns are written
//! as numbers, headers in the report's language, the header row bold and frozen. The workbook
//! carries a fixed creation date, so the same input gives byte-identical files.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::OutputFile;
use super::html::Lang;
use crate::error::{Error, Result};

/// The workbook's file name.
pub const TABLES_XLSX: &str = "tables.xlsx";

/// How a column's cells are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Text as it stands (codes, names, clock times).
    Text,
    /// A number when the cell parses as a finite number; empty stays empty.
    Num,
}
use Kind::{Num, Text};

/// One CSV table: its file, its sheet and its columns (CSV header, Chinese header, kind).
struct Table {
    csv: &'static str,
    sheet: &'static str,
    columns: &'static [(&'static str, &'static str, Kind)],
}

/// The tables, in sheet order, with the Chinese headers (the report's labels where it has one).
const TABLES: &[Table] = &[
    Table {
        csv: "coverage.csv",
        sheet: "coverage",
        columns: &[
            ("zone_id", "区域编号", Text),
            ("zone", "区域名称", Text),
            ("category", "类别代码", Text),
            ("category_en", "类别（英文）", Text),
            ("category_zh", "类别", Text),
            ("required", "是否必需", Text),
            ("threshold", "阈值", Text),
            ("count_within", "可达数量", Num),
            ("nearest_min", "最近距离（分钟）", Num),
            ("nearest_m", "最近距离（米）", Num),
            ("covered_share", "评价点覆盖", Num),
            ("share_with_sites", "设置后覆盖", Num),
            ("sites", "建议选址数", Num),
            ("status", "状态", Text),
        ],
    },
    Table {
        csv: "commute.csv",
        sheet: "commute",
        columns: &[
            ("park_id", "园区编号", Text),
            ("park", "园区", Text),
            ("mode", "方式", Text),
            ("residents_basis", "居民数据来源", Text),
            ("residents_total", "居民总数", Num),
            ("within_15", "15分钟内居民", Num),
            ("within_30", "30分钟内居民", Num),
            ("within_45", "45分钟内居民", Num),
            ("within_60", "60分钟内居民", Num),
            ("share_15", "15分钟内比例", Num),
            ("share_30", "30分钟内比例", Num),
            ("share_45", "45分钟内比例", Num),
            ("share_60", "60分钟内比例", Num),
            ("status", "状态", Text),
        ],
    },
    Table {
        csv: "commute_districts.csv",
        sheet: "commute_districts",
        columns: &[
            ("park_id", "园区编号", Text),
            ("park", "园区", Text),
            ("district", "街道/社区", Text),
            ("residents", "居民", Num),
            ("mode", "方式", Text),
            ("target_min", "目标时间（分钟）", Num),
            ("reached", "目标时间内居民", Num),
            ("share", "目标时间内比例", Num),
        ],
    },
    Table {
        csv: "drt_timetable.csv",
        sheet: "drt_timetable",
        columns: &[
            ("line", "线路", Text),
            ("period", "时段", Text),
            ("seats", "座位", Num),
            ("seq", "站序", Num),
            ("stop_id", "站点编号", Text),
            ("stop_name", "站点名称", Text),
            ("lon", "经度", Num),
            ("lat", "纬度", Num),
            ("arrival", "到达", Text),
            ("departure", "发车", Text),
            ("board", "上车人数", Num),
            ("alight", "下车人数", Num),
            ("load", "车内人数", Num),
            ("demand", "需求数据", Text),
            ("trip", "班次", Text),
            ("vehicle", "车辆", Text),
            ("line_name", "线路名称", Text),
        ],
    },
    Table {
        csv: "drt_riders.csv",
        sheet: "drt_riders",
        columns: &[
            ("source", "来源", Text),
            ("lon", "经度", Num),
            ("lat", "纬度", Num),
            ("park", "园区", Text),
            ("arrive_by", "最晚到达", Text),
            ("workers", "职工", Num),
            ("stop", "站点", Text),
            ("walk_min", "步行（分钟）", Num),
            ("line", "线路", Text),
            ("board", "上车时间", Text),
            ("arrive", "到达时间", Text),
            ("direct_ride_min", "直达车程（分钟）", Num),
            ("in_vehicle_min", "车内时间（分钟）", Num),
            ("door_to_door_min", "门到门（分钟）", Num),
            ("evening_in_vehicle_min", "晚高峰车内时间（分钟）", Num),
            ("existing_best_min", "现状最优方式（分钟）", Num),
            ("unserved_reason", "未能乘车原因", Text),
            ("demand", "需求数据", Text),
            ("vehicle", "车辆", Text),
        ],
    },
];

/// Excel's last row (0-based) and longest cell text.
const MAX_ROW: u32 = 1_048_575;
const MAX_CELL_CHARS: usize = 32_767;
/// Column widths, in Excel's character units.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 50;

/// `tables.xlsx` for the CSV tables among `files` (one sheet each, in `TABLES` order), or
/// `None` when the run wrote none. Headers in `lang`.
pub fn tables_file(files: &[OutputFile], lang: Lang) -> Result<Option<OutputFile>> {
    let err = |e: XlsxError| Error::Output {
        path: TABLES_XLSX.into(),
        problem: format!("cannot build the workbook ({e}); the CSV files hold the same tables"),
    };
    let mut book = Workbook::new();
    let date = ExcelDateTime::from_ymd(1980, 1, 1).map_err(err)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let mut any = false;
    for table in TABLES {
        let Some(file) = files.iter().find(|f| f.name == table.csv) else {
            continue;
        };
        let rows = csv_rows(file)?;
        let sheet = book.add_worksheet();
        sheet.set_name(table.sheet).map_err(err)?;
        write_sheet(sheet, table, &rows, lang).map_err(err)?;
        any = true;
    }
    if !any {
        return Ok(None);
    }
    let bytes = book.save_to_buffer().map_err(err)?;
    Ok(Some(OutputFile {
        name: TABLES_XLSX.into(),
        bytes,
    }))
}

/// The records of a CSV this run built (header first).
fn csv_rows(file: &OutputFile) -> Result<Vec<Vec<String>>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(file.bytes.as_slice())
        .records()
        .map(|r| {
            r.map(|rec| rec.iter().map(str::to_string).collect())
                .map_err(|e| Error::Output {
                    path: TABLES_XLSX.into(),
                    problem: format!("cannot read back {} ({e}); please report this", file.name),
                })
        })
        .collect()
}

/// Writes the header (bold, frozen, in `lang`) and the rows; sets the column widths.
fn write_sheet(
    sheet: &mut Worksheet,
    table: &Table,
    rows: &[Vec<String>],
    lang: Lang,
) -> std::result::Result<(), XlsxError> {
    let Some((header, body)) = rows.split_first() else {
        return Ok(());
    };
    let bold = Format::new().set_bold();
    let column = |name: &str| table.columns.iter().find(|c| c.0 == name);
    let mut widths: Vec<usize> = Vec::with_capacity(header.len());
    for (c, name) in header.iter().enumerate() {
        let label = match (lang, column(name)) {
            (Lang::Zh, Some(col)) => col.1,
            _ => name.as_str(),
        };
        sheet.write_string_with_format(0, col_index(c), label, &bold)?;
        widths.push(display_width(label));
    }
    sheet.set_freeze_panes(1, 0)?;
    let kinds: Vec<Kind> = header
        .iter()
        .map(|n| column(n).map_or(Text, |c| c.2))
        .collect();
    let fits = body.len().min(MAX_ROW as usize - 1);
    for (r, record) in body[..fits].iter().enumerate() {
        let row = r as u32 + 1;
        for (c, cell) in record.iter().enumerate() {
            let cell = match lang {
                Lang::Zh => crate::lang::localise_generic_name(cell),
                Lang::En => cell.into(),
            };
            let width = write_cell(sheet, row, c, &cell, kinds.get(c).copied())?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(width);
            } else {
                widths.push(width);
            }
        }
    }
    if fits < body.len() {
        let note = format!(
            "… {} more rows in {} (Excel holds {} rows)",
            body.len() - fits,
            table.csv,
            MAX_ROW + 1
        );
        sheet.write_string(MAX_ROW, 0, note)?;
    }
    for (c, w) in widths.into_iter().enumerate() {
        sheet.set_column_width(col_index(c), (w + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
    }
    Ok(())
}

/// Writes one cell; returns its display width.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    c: usize,
    cell: &str,
    kind: Option<Kind>,
) -> std::result::Result<usize, XlsxError> {
    if cell.is_empty() {
        return Ok(0);
    }
    if kind == Some(Num)
        && let Some(x) = cell.parse::<f64>().ok().filter(|x| x.is_finite())
    {
        sheet.write_number(row, col_index(c), x)?;
        return Ok(cell.len());
    }
    let text: String = cell.chars().take(MAX_CELL_CHARS).collect();
    sheet.write_string(row, col_index(c), &text)?;
    Ok(display_width(&text))
}

fn col_index(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Width in Excel character units: CJK and other wide characters count two.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|ch| if u32::from(ch) >= 0x1100 { 2 } else { 1 })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_count_double() {
        assert_eq!(display_width("P01"), 3);
        assert_eq!(display_width("江宁园区"), 8);
    }

    #[test]
    fn no_tables_no_workbook() {
        let files = vec![OutputFile {
            name: "drt.json".into(),
            bytes: b"{}".to_vec(),
        }];
        assert_eq!(tables_file(&files, Lang::En).unwrap(), None);
    }
}
