//! Bus stops given by the planner (`--stops FILE.csv`, `[bus] stops`): the pick-up stops the
//! bus lines must use instead of choosing their own. Columns (UTF-8 or GBK, headers in any
//! case): `code` (站点编号 / 编号 / stop_id; default `S` + the row's number), `name` (站名 /
//! 名称 / stop_name; default the code), `lon`/`lng`/经度/stop_lon and `lat`/纬度/stop_lat;
//! other columns are ignored, so the `drt_stops.csv` a run writes reads back as it is.
//! Coordinates in WGS-84 unless `[bus] stops_crs` / `--stops-crs` says GCJ-02 or BD-09
//! (checked against the map like the other point files: [`super::datum`]). A bad row (not a
//! number, outside the region, a code used twice) is reported with its line and skipped; a
//! file without the coordinate columns, or whose points mostly lie outside the region, is an
//! error.

use std::collections::BTreeMap;
use std::path::Path;

use geo::Coord;

use super::crs::{Crs, from_wgs84};
use super::datum::{self, DatumContext, GivenPoint};
use super::import::{
    CsvTable, FileRead, LAT_NAMES, LON_NAMES, RowWarning, RowWarnings, check_point, invalid,
    number, read_text_file, refuse_misplaced,
};
use super::misplaced::CrsOption;
use crate::error::Result;
use crate::lang::RowProblem;

/// A pick-up stop given by the planner.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct GivenStop {
    /// The planner's code (`S1`, `A12` …), kept in every output.
    pub code: String,
    /// Its name, kept in every output (the code when the planner gave none).
    pub name: String,
    /// Where it is, WGS-84.
    #[serde(serialize_with = "crate::geom::serialize_coord")]
    pub location: Coord,
}

/// A stops file as read by [`read_stops_file`].
#[derive(Clone, Debug)]
pub struct StopsFile {
    /// The usable stops, in file order.
    pub stops: Vec<GivenStop>,
    /// The spreadsheet line of each stop.
    pub lines: Vec<usize>,
    /// Skipped rows (the first ten, then a count), by line.
    pub warnings: Vec<RowWarning>,
    /// What the file was found to be: encoding, line ends, rows, CRS.
    pub input: FileRead,
}

/// The `--stops` option, for messages.
pub const STOPS_CRS_OPTION: CrsOption = CrsOption {
    flag: "--stops-crs",
    key: "[bus] stops_crs",
};

/// Column names accepted for the stop code.
const CODE_NAMES: &[&str] = &["code", "stop_id", "id", "站点编号", "编号", "站号"];
/// Column names accepted for the stop name.
const NAME_NAMES: &[&str] = &["name", "stop_name", "站名", "名称", "站点名称"];

/// Reads a stops CSV. Rows that cannot be used are returned as warnings, with their line.
///
/// # Errors
/// A file that cannot be read or decoded, lacks the coordinate columns, or whose points
/// mostly lie outside the region ([`super::misplaced`]).
pub fn read_stops_file(path: &Path, crs: Crs, bbox: [f64; 4]) -> Result<StopsFile> {
    let file = read_text_file(path)?;
    let table = CsvTable::read(path, &file.text)?;
    let lon = table.column(LON_NAMES).or(table.column(&["stop_lon"]));
    let lat = table.column(LAT_NAMES).or(table.column(&["stop_lat"]));
    let (Some(lon), Some(lat)) = (lon, lat) else {
        return Err(invalid(
            path,
            format!(
                "the stops CSV needs columns lon, lat (经度, 纬度) and optionally code, name (站点编号, 站名); it has: {}",
                table.headers.join(", ")
            ),
        ));
    };
    let (code, name) = (table.column(CODE_NAMES), table.column(NAME_NAMES));
    refuse_misplaced(path, &table.points(lon, lat), crs, bbox, STOPS_CRS_OPTION)?;
    let rows_read = table.rows.len();
    let mut out = StopsFile {
        stops: Vec::new(),
        lines: Vec::new(),
        warnings: Vec::new(),
        input: FileRead::new(path, &file, rows_read, 0, crs),
    };
    let mut warnings = RowWarnings::default();
    let mut code_line: BTreeMap<String, usize> = BTreeMap::new();
    for (row, (line, record)) in table.rows.into_iter().enumerate() {
        let parsed = record.map_err(RowProblem::from).and_then(|r| {
            let (x, y) = (number(&r, lon, "lon")?, number(&r, lat, "lat")?);
            let location = check_point(x, y, crs, bbox)?;
            let field = |i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or("").to_string();
            let given_code = field(code);
            let code = if given_code.is_empty() {
                format!("S{}", row + 1)
            } else {
                given_code
            };
            if let Some(first) = code_line.get(&code) {
                return Err(RowProblem::Other(format!(
                    "stop code {code} is used already on line {first}: give each stop its own code"
                )));
            }
            let name = Some(field(name)).filter(|n| !n.is_empty());
            Ok(GivenStop {
                name: name.unwrap_or_else(|| code.clone()),
                code,
                location,
            })
        });
        match parsed {
            Ok(stop) => {
                code_line.insert(stop.code.clone(), line);
                out.stops.push(stop);
                out.lines.push(line);
            }
            Err(message) => warnings.push(RowWarning {
                path: path.display().to_string(),
                line,
                message,
            }),
        }
    }
    out.input = FileRead::new(path, &file, rows_read, out.stops.len(), crs);
    out.warnings = warnings.finish();
    Ok(out)
}

/// Checks a stops file's datum by its stops ([`datum::check_file`]): an error when its datum
/// was assumed (`given` false) and another fits clearly better; a note (line 1) when the
/// planner gave it.
///
/// # Errors
/// As [`datum::check_file`].
pub fn check_stops_datum(
    context: &DatumContext<'_>,
    path: &Path,
    stops: &[GivenStop],
    crs: Crs,
    given: bool,
) -> Result<Option<RowWarning>> {
    let points: Vec<GivenPoint<'_>> = stops
        .iter()
        .map(|s| {
            let raw = from_wgs84(crs, s.location);
            GivenPoint {
                lon: raw.x,
                lat: raw.y,
                name: Some(s.name.as_str()),
            }
        })
        .collect();
    let note = datum::check_file(context, path, &points, crs, given, STOPS_CRS_OPTION)?;
    Ok(note.map(|n| RowWarning {
        path: path.display().to_string(),
        line: 1,
        message: RowProblem::FileNote(n),
    }))
}
