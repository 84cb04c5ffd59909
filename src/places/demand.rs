//! Bus demand from a planner's file (`--demand FILE.csv`): bookings or worker homes, each
//! with the park it goes to and the time it must arrive by. Columns: `lon, lat, park,
//! arrive_by` (HH:MM) and optionally `count` (default 1); coordinates in WGS-84, GCJ-02 or
//! BD-09. A bad row (not a number, outside the region, unknown park, bad time) is reported
//! with its line and skipped; a file without the columns, or whose points mostly lie outside
//! the region, is an error. The columns the tool does not use (工号, 姓名, 部门 …) and the
//! coordinates as given are kept per line ([`GivenColumns`]) for the per-row outputs.

use std::collections::BTreeMap;
use std::path::Path;

use geo::Coord;

use super::crs::Crs;
use super::import::{
    CsvTable, FileRead, LAT_NAMES, LON_NAMES, RowWarning, RowWarnings, check_point, invalid,
    number, read_text_file, refuse_misplaced,
};
use super::misplaced::CrsOption;
use super::{Source, ZoneId, Zones};
use crate::error::Result;
use crate::lang::RowProblem;

/// Most workers one row may stand for.
pub const MAX_COUNT: u32 = 10_000;

/// One booking (or group of workers living at the same place).
#[derive(Clone, Debug, PartialEq)]
pub struct Booking {
    /// Home or pick-up wish, WGS-84.
    pub location: Coord,
    /// The park the workers go to.
    pub park: ZoneId,
    /// When they must be at the park, seconds after midnight.
    pub arrive_by_s: u32,
    /// Workers.
    pub count: u32,
    /// The file and line, or the resident unit it was drawn from.
    pub source: Source,
}

/// Parses `HH:MM` or `HH:MM:SS` (hours up to 47, as in GTFS) into seconds after midnight.
pub fn parse_clock(text: &str) -> Option<u32> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let field = |s: &str, max: u32| s.parse::<u32>().ok().filter(|&v| v <= max);
    let h = field(parts[0], 47)?;
    let m = field(parts[1], 59)?;
    let s = match parts.get(2) {
        Some(s) => field(s, 59)?,
        None => 0,
    };
    Some(h * 3600 + m * 60 + s)
}

/// `HH:MM:SS` (hours may exceed 23, as GTFS allows).
pub fn format_clock(s: u32) -> String {
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Reads a demand CSV. Rows that cannot be used are returned as warnings, with their line.
pub fn read_demand(
    path: &Path,
    crs: Crs,
    parks: &Zones,
    bbox: [f64; 4],
) -> Result<(Vec<Booking>, Vec<RowWarning>)> {
    read_demand_file(path, crs, parks, bbox).map(|f| (f.bookings, f.warnings))
}

/// Most skipped rows whose given values are kept for the per-row outputs; the rest are
/// counted ([`GivenColumns::skipped_not_kept`]).
pub const MAX_SKIPPED_KEPT: usize = 10_000;

/// A booking file's columns as given, by line, for the per-row outputs (`drt_riders.csv`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GivenColumns {
    /// The file.
    pub path: String,
    /// The CRS its coordinates were in.
    pub crs: Crs,
    /// Headers of the columns the tool does not use, as written in the file.
    pub extra_headers: Vec<String>,
    /// Every used row and the first [`MAX_SKIPPED_KEPT`] skipped rows, by spreadsheet line.
    pub rows: BTreeMap<usize, GivenRow>,
    /// Skipped rows beyond [`MAX_SKIPPED_KEPT`].
    pub skipped_not_kept: usize,
}

/// One row of a booking file as given.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GivenRow {
    /// The longitude field, as written.
    pub lon: String,
    /// The latitude field, as written.
    pub lat: String,
    /// The fields of [`GivenColumns::extra_headers`], in that order.
    pub extra: Vec<String>,
    /// Why the row was skipped, if it was.
    pub skipped: Option<String>,
}

/// A booking file as read by [`read_demand_file`].
#[derive(Clone, Debug)]
pub struct DemandFile {
    /// The usable bookings.
    pub bookings: Vec<Booking>,
    /// Skipped rows (the first ten, then a count), as [`read_demand`] returns them.
    pub warnings: Vec<RowWarning>,
    /// What the file was found to be: encoding, line ends, rows, CRS.
    pub input: FileRead,
    /// Its columns as given, by line.
    pub given: GivenColumns,
}

/// The `--demand` option, for messages.
pub const DEMAND_CRS_OPTION: CrsOption = CrsOption {
    flag: "--demand-crs",
    key: "[bus] demand_crs",
};

/// [`read_demand`], also keeping what the file was found to be and its columns as given.
///
/// # Errors
/// A file that cannot be read or decoded, lacks the columns, or whose points mostly lie
/// outside the region ([`super::misplaced`]).
pub fn read_demand_file(
    path: &Path,
    crs: Crs,
    parks: &Zones,
    bbox: [f64; 4],
) -> Result<DemandFile> {
    let file = read_text_file(path)?;
    let table = CsvTable::read(path, &file.text)?;
    let (Some(lon), Some(lat), Some(park), Some(arrive)) = (
        table.column(LON_NAMES),
        table.column(LAT_NAMES),
        table.column(&["park", "park_id", "园区"]),
        table.column(&["arrive_by", "arrive", "time", "到岗时间"]),
    ) else {
        return Err(invalid(
            path,
            format!(
                "the demand CSV needs columns lon, lat, park, arrive_by (and optionally count); it has: {}",
                table.headers.join(", ")
            ),
        ));
    };
    let count = table.column(&["count", "workers", "人数"]);
    let used = [Some(lon), Some(lat), Some(park), Some(arrive), count];
    let extra: Vec<usize> = (0..table.headers.len())
        .filter(|i| !used.contains(&Some(*i)))
        .collect();
    let points = table.points(lon, lat);
    refuse_misplaced(path, &points, crs, bbox, DEMAND_CRS_OPTION)?;
    let rows_read = table.rows.len();
    let mut given = GivenColumns {
        path: path.display().to_string(),
        crs,
        extra_headers: extra
            .iter()
            .map(|&i| table.raw_headers[i].clone())
            .collect(),
        ..GivenColumns::default()
    };
    let mut bookings = Vec::new();
    let mut warnings = RowWarnings::default();
    for (line, record) in table.rows {
        let mut row = record.as_ref().map_or_else(
            |_| GivenRow::default(),
            |r| GivenRow {
                lon: r.get(lon).unwrap_or("").to_string(),
                lat: r.get(lat).unwrap_or("").to_string(),
                extra: extra
                    .iter()
                    .map(|&i| r.get(i).unwrap_or("").to_string())
                    .collect(),
                skipped: None,
            },
        );
        let parsed = record.map_err(RowProblem::from).and_then(|r| {
            let (x, y) = (number(&r, lon, "lon")?, number(&r, lat, "lat")?);
            let location = check_point(x, y, crs, bbox)?;
            let name = r.get(park).unwrap_or("");
            let zone = parks.find(name).ok_or_else(|| RowProblem::NoPark {
                name: name.to_string(),
            })?;
            let time = r.get(arrive).unwrap_or("");
            let arrive_by_s = parse_clock(time)
                .filter(|&s| s < 24 * 3600)
                .ok_or_else(|| RowProblem::NotATime {
                    field: time.to_string(),
                })?;
            let count = match count.and_then(|c| r.get(c)).filter(|s| !s.is_empty()) {
                None => 1,
                Some(s) => s
                    .parse::<u32>()
                    .ok()
                    .filter(|&n| n > 0 && n <= MAX_COUNT)
                    .ok_or_else(|| RowProblem::BadCount {
                        field: s.to_string(),
                        max: MAX_COUNT,
                    })?,
            };
            Ok(Booking {
                location,
                park: zone.id,
                arrive_by_s,
                count,
                source: Source::File {
                    path: path.display().to_string(),
                    line,
                },
            })
        });
        match parsed {
            Ok(b) => {
                bookings.push(b);
                given.rows.insert(line, row);
            }
            Err(message) => {
                if given.rows.len() - bookings.len() < MAX_SKIPPED_KEPT {
                    row.skipped = Some(message.en());
                    given.rows.insert(line, row);
                } else {
                    given.skipped_not_kept += 1;
                }
                warnings.push(RowWarning {
                    path: path.display().to_string(),
                    line,
                    message,
                });
            }
        }
    }
    Ok(DemandFile {
        input: FileRead::new(path, &file, rows_read, bookings.len(), crs),
        bookings,
        warnings: warnings.finish(),
        given,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times() {
        assert_eq!(parse_clock("08:00"), Some(8 * 3600));
        assert_eq!(parse_clock("7:45:30"), Some(7 * 3600 + 45 * 60 + 30));
        assert_eq!(parse_clock("25:10"), Some(25 * 3600 + 600));
        assert_eq!(parse_clock("8"), None);
        assert_eq!(parse_clock("08:60"), None);
        assert_eq!(parse_clock("ab:cd"), None);
    }
}
