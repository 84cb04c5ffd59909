//! Planners' own files: extra amenities (`--poi FILE.csv|FILE.geojson`, in WGS-84, GCJ-02 or
//! BD-09) and park outlines (`--parks FILE.geojson`). A bad row is reported with its line (CSV)
//! or feature number (GeoJSON) and skipped; a file that cannot be read at all is an error.

use std::fmt;
use std::path::Path;

use geo::{Coord, MultiPolygon};

use super::crs::{Crs, to_wgs84};
use super::misplaced::CrsOption;
use super::text::{LineEnds, TextEncoding, line_ends};
use super::{Amenity, AmenityId, AmenityProfile, Source, Zone, ZoneId, ZoneKind, Zones, area_ha};
use crate::error::{Error, Result};
use crate::lang::RowProblem;

/// A row that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RowWarning {
    /// The file.
    pub path: String,
    /// CSV line or GeoJSON feature number, 1-based.
    pub line: usize,
    /// What is wrong (its English text when displayed).
    pub message: crate::lang::RowProblem,
}

impl fmt::Display for RowWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

/// One input file of a run, for the report's Inputs section and the terminal: what it is,
/// how it was read, and which rows were skipped (the first few in full).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct InputFile {
    /// What the file is (`OSM extract`, `parks`, `POI`, `population`, `demand`, `GTFS`,
    /// `profile`).
    pub kind: String,
    /// The file as given.
    pub path: String,
    /// Its text encoding, when it is a text file and known.
    pub encoding: Option<String>,
    /// Rows (features, elements, lines) read: those kept and those skipped.
    pub rows_read: usize,
    /// Rows kept (used by the run).
    pub rows_kept: usize,
    /// Rows skipped.
    pub rows_skipped: usize,
    /// Its coordinate system.
    pub crs: String,
    /// The data's own date, when the file gives one (OSM replication timestamp).
    pub date: Option<String>,
    /// The first skipped rows, with the line a spreadsheet shows and the reason; a last
    /// "… and N more" warning counts the rest.
    pub warnings: Vec<RowWarning>,
}

/// The most row warnings kept in full per file (and kind); the rest are counted.
pub const MAX_ROW_WARNINGS: usize = 10;

/// Collects one file's row warnings: the first [`MAX_ROW_WARNINGS`] in full, then only a
/// count, so that a file of a million bad rows gives eleven lines, not a million. Every
/// planner-file reader (POI, population, demand) collects through it.
#[derive(Debug, Default)]
pub struct RowWarnings {
    kept: Vec<RowWarning>,
    first_left_out: Option<RowWarning>,
    left_out: usize,
}

impl RowWarnings {
    /// Records one bad row.
    pub fn push(&mut self, warning: RowWarning) {
        if self.kept.len() < MAX_ROW_WARNINGS {
            self.kept.push(warning);
        } else {
            self.left_out += 1;
            self.first_left_out.get_or_insert(warning);
        }
    }

    /// The warnings kept, then one naming the first row left out and how many were:
    /// "… and 499,990 more rows like this", which carries that count in
    /// [`RowProblem::MoreLikeThis`].
    pub fn finish(self) -> Vec<RowWarning> {
        let mut out = self.kept;
        if let Some(first) = self.first_left_out {
            out.push(RowWarning {
                path: first.path,
                line: first.line,
                message: crate::lang::RowProblem::MoreLikeThis {
                    rows: self.left_out,
                },
            });
        }
        out
    }
}

/// `499990` → `499,990`.
pub(super) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Spreadsheet rows of a CSV text, found by byte offset in increasing order: a row ends at
/// `\n`, `\r\n` or a lone `\r` (Excel and old Mac files) outside quotes, so a quoted field
/// with line breaks stays on one row, as a spreadsheet shows it.
struct SpreadsheetRows<'a> {
    bytes: &'a [u8],
    pos: usize,
    row: usize,
    in_quotes: bool,
}

impl<'a> SpreadsheetRows<'a> {
    fn new(text: &'a str) -> Self {
        SpreadsheetRows {
            bytes: text.as_bytes(),
            pos: 0,
            row: 1,
            in_quotes: false,
        }
    }

    /// The 1-based row of the byte at `offset` (offsets must not decrease between calls).
    fn row_at(&mut self, offset: usize) -> usize {
        let end = offset.min(self.bytes.len());
        while self.pos < end {
            match self.bytes[self.pos] {
                b'"' => self.in_quotes = !self.in_quotes,
                // Counted at the `\r` of a `\r\n`: the csv crate may start the next record
                // at its `\n`.
                b'\r' if !self.in_quotes => self.row += 1,
                b'\n'
                    if !self.in_quotes && (self.pos == 0 || self.bytes[self.pos - 1] != b'\r') =>
                {
                    self.row += 1;
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.row
    }
}

pub(super) fn invalid(path: &Path, hint: impl Into<String>) -> Error {
    Error::InvalidValue {
        what: "input file",
        value: path.display().to_string(),
        hint: hint.into(),
    }
}

/// A planner's text file, decoded from UTF-8, UTF-16 or GBK/GB18030 ([`super::text`]).
pub(super) fn read_text(path: &Path) -> Result<String> {
    read_text_file(path).map(|t| t.text)
}

/// A planner's text file as read: its text and what it was found to be.
pub(super) struct TextFile {
    /// The decoded text.
    pub text: String,
    /// The encoding found.
    pub encoding: TextEncoding,
    /// The line ends found.
    pub line_ends: LineEnds,
}

/// Reads and decodes a planner's text file, keeping the encoding and line ends found.
pub(super) fn read_text_file(path: &Path) -> Result<TextFile> {
    let bytes = std::fs::read(path).map_err(|cause| Error::Io {
        path: path.to_path_buf(),
        action: crate::error::IoAction::Read,
        cause,
    })?;
    let (text, encoding) = super::text::decode_text(&bytes).map_err(|hint| invalid(path, hint))?;
    Ok(TextFile {
        line_ends: line_ends(&text),
        text,
        encoding,
    })
}

/// One planner's file as it was read, for messages and the report's list of inputs:
/// "read pois.csv (GBK/GB18030, CRLF): 1,204 rows, 1,201 used, 3 skipped; coordinates in gcj02".
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FileRead {
    /// The file, as given.
    pub path: String,
    /// The encoding found.
    pub encoding: TextEncoding,
    /// The line ends found.
    pub line_ends: LineEnds,
    /// Data rows (CSV lines after the header, or GeoJSON features) in the file.
    pub rows_read: usize,
    /// Rows not used (bad values, outside the region, types without a category, …).
    pub rows_skipped: usize,
    /// The CRS its coordinates were read in.
    pub crs: Crs,
}

impl FileRead {
    pub(super) fn new(
        path: &Path,
        file: &TextFile,
        rows_read: usize,
        rows_used: usize,
        crs: Crs,
    ) -> Self {
        FileRead {
            path: path.display().to_string(),
            encoding: file.encoding,
            line_ends: file.line_ends,
            rows_read,
            rows_skipped: rows_read.saturating_sub(rows_used),
            crs,
        }
    }
}

impl fmt::Display for FileRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "read {} ({}, {}): {} rows, {} used, {} skipped; coordinates in {}",
            self.path,
            self.encoding.name(),
            self.line_ends.name(),
            thousands(self.rows_read),
            thousands(self.rows_read - self.rows_skipped.min(self.rows_read)),
            thousands(self.rows_skipped),
            self.crs.name()
        )
    }
}

/// The whole-file error when most of `points` lie outside the region ([`super::misplaced`]).
pub(super) fn refuse_misplaced(
    path: &Path,
    points: &[(f64, f64)],
    crs: Crs,
    bbox: [f64; 4],
    option: CrsOption,
) -> Result<()> {
    match super::misplaced::diagnose(points, crs, bbox, option) {
        Some(why) => Err(invalid(path, why)),
        None => Ok(()),
    }
}

/// Checks a lon/lat pair: in range (NaN is not), and within `MARGIN_DEG` of the data's
/// bounding box after conversion to WGS-84.
pub(super) fn check_point(
    lon: f64,
    lat: f64,
    crs: Crs,
    bbox: [f64; 4],
) -> std::result::Result<Coord, RowProblem> {
    let valid = (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
    if !valid {
        return Err(RowProblem::NotLonLat {
            pair: format!("{lon},{lat}"),
        });
    }
    let p = to_wgs84(crs, Coord { x: lon, y: lat });
    if !super::misplaced::in_region(p, bbox) {
        return Err(RowProblem::OutsideRegion {
            point: format!("{:.6},{:.6}", p.x, p.y),
        });
    }
    Ok(p)
}

/// Reads extra amenities from a CSV or a GeoJSON file of Point features (properties
/// `category`, optional `name`). A CSV is one of three kinds, told apart by its columns:
/// - plain: `lon`/`lat` (or 经度/纬度), `category` (a profile category's id or label), `name`;
/// - an Amap (高德) export: `typecode` (with `location` = `"lon,lat"` or `lng`/`lat`), mapped
///   by the profile's `amap` type codes, GCJ-02 unless `crs` says otherwise;
/// - a Baidu (百度) export: `tag` (`美食;中餐厅`; or `type` beside `uid`), with `lng`/`lat` or
///   `location`, mapped by the profile's `baidu` tags, BD-09 unless `crs` says otherwise.
///
/// `crs: None` takes each kind's own (WGS-84 for plain files). Rows of an export whose type
/// has no category are counted by type in one warning. Ids continue from `first_id`. The
/// notes returned say which kind and CRS were assumed.
pub fn read_pois(
    path: &Path,
    crs: Option<Crs>,
    profile: &AmenityProfile,
    bbox: [f64; 4],
    first_id: u32,
) -> Result<(Vec<Amenity>, Vec<RowWarning>)> {
    read_pois_file(path, crs, profile, bbox, first_id).map(|f| (f.amenities, f.warnings))
}

/// A POI file as read by [`read_pois_file`].
#[derive(Clone, Debug)]
pub struct PoiFile {
    /// The facilities it adds.
    pub amenities: Vec<Amenity>,
    /// Notes and skipped rows, as [`read_pois`] returns them.
    pub warnings: Vec<RowWarning>,
    /// What the file was found to be: encoding, line ends, rows, CRS.
    pub input: FileRead,
}

/// The `--poi` option, for messages.
pub const POI_CRS_OPTION: CrsOption = CrsOption {
    flag: "--poi-crs",
    key: "[life_circle] poi_crs",
};

/// [`read_pois`], also saying what the file was found to be ([`FileRead`]).
///
/// # Errors
/// As [`read_pois`]; and when most of its points lie outside the region (swapped columns,
/// another CRS, projected metres, another city), one error saying which
/// ([`super::misplaced`]) instead of a warning per row.
pub fn read_pois_file(
    path: &Path,
    crs: Option<Crs>,
    profile: &AmenityProfile,
    bbox: [f64; 4],
    first_id: u32,
) -> Result<PoiFile> {
    let file = read_text_file(path)?;
    let text = &file.text;
    let is_geojson = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"));
    let (kind, rows) = if is_geojson {
        (PoiFileKind::Plain, geojson_rows(path, text)?)
    } else {
        csv_rows(path, text)?
    };
    let crs = crs.unwrap_or(kind.default_crs());
    let points: Vec<(f64, f64)> = rows.iter().filter_map(|r| r.lon_lat.clone().ok()).collect();
    refuse_misplaced(path, &points, crs, bbox, POI_CRS_OPTION)?;
    let rows_read = rows.len();
    let mut amenities = Vec::new();
    let mut notes = Vec::new();
    if kind != PoiFileKind::Plain {
        notes.push(RowWarning {
            path: path.display().to_string(),
            line: 1,
            message: RowProblem::ReadAsExport {
                baidu: kind == PoiFileKind::Baidu,
                crs: crs.name().to_string(),
                profile: profile.name.clone(),
            },
        });
    }
    let mut warnings = RowWarnings::default();
    let mut unmapped = UnmappedTypes::default();
    let known: Vec<&str> = profile.categories.iter().map(|c| c.id.as_str()).collect();
    for row in rows {
        let warn = |message: RowProblem| RowWarning {
            path: path.display().to_string(),
            line: row.line,
            message,
        };
        let location = match row
            .lon_lat
            .and_then(|(lon, lat)| check_point(lon, lat, crs, bbox))
        {
            Ok(p) => p,
            Err(m) => {
                warnings.push(warn(m));
                continue;
            }
        };
        let category = match kind {
            PoiFileKind::Plain => profile.category_index(&row.category),
            PoiFileKind::Amap => profile.category_of_amap(&row.category),
            PoiFileKind::Baidu => profile.category_of_baidu(&row.category),
        };
        let Some(category) = category else {
            if kind == PoiFileKind::Plain {
                warnings.push(warn(RowProblem::UnknownCategory {
                    category: row.category.clone(),
                    profile: profile.name.clone(),
                    known: known.join(", "),
                }));
            } else {
                unmapped.add(row.line, &row.type_label);
            }
            continue;
        };
        amenities.push(Amenity {
            id: AmenityId(first_id + amenities.len() as u32),
            category,
            name: row.name.filter(|n| !n.is_empty()),
            location,
            source: Source::File {
                path: path.display().to_string(),
                line: row.line,
            },
        });
    }
    notes.extend(warnings.finish());
    notes.extend(unmapped.warning(path, &profile.name));
    Ok(PoiFile {
        input: FileRead::new(path, &file, rows_read, amenities.len(), crs),
        amenities,
        warnings: notes,
    })
}

/// What kind of POI file a CSV is, from its columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoiFileKind {
    /// `lon`, `lat`, `category`.
    Plain,
    /// An Amap (高德) export with `typecode`.
    Amap,
    /// A Baidu (百度) export with `tag` (or `type` and `uid`).
    Baidu,
}

impl PoiFileKind {
    fn of(table: &CsvTable) -> Self {
        if table.column(&["typecode"]).is_some() {
            PoiFileKind::Amap
        } else if table.column(&["tag"]).is_some()
            || (table.column(&["uid"]).is_some() && table.column(&["type"]).is_some())
        {
            PoiFileKind::Baidu
        } else {
            PoiFileKind::Plain
        }
    }

    /// The CRS its coordinates are in unless the planner says otherwise.
    pub fn default_crs(self) -> Crs {
        match self {
            PoiFileKind::Plain => Crs::Wgs84,
            PoiFileKind::Amap => Crs::Gcj02,
            PoiFileKind::Baidu => Crs::Bd09,
        }
    }

    /// The column holding what the profile maps: category, type code or industry tag.
    fn category_columns(self) -> &'static [&'static str] {
        match self {
            PoiFileKind::Plain => &["category", "type", "类别", "类型"],
            PoiFileKind::Amap => &["typecode"],
            PoiFileKind::Baidu => &["tag", "type"],
        }
    }
}

/// Rows of an export whose type maps to no category, counted by type.
#[derive(Default)]
struct UnmappedTypes {
    first_line: Option<usize>,
    counts: std::collections::BTreeMap<String, usize>,
}

impl UnmappedTypes {
    fn add(&mut self, line: usize, type_label: &str) {
        self.first_line.get_or_insert(line);
        *self.counts.entry(type_label.to_string()).or_default() += 1;
    }

    /// One warning: how many rows, of which types (most first, ten at most).
    fn warning(self, path: &Path, profile: &str) -> Option<RowWarning> {
        let line = self.first_line?;
        let total: usize = self.counts.values().sum();
        let mut by_count: Vec<(String, usize)> = self.counts.into_iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let shown: Vec<String> = by_count
            .iter()
            .take(10)
            .map(|(t, n)| format!("{t} ({n})"))
            .collect();
        let more = by_count.len().saturating_sub(10);
        Some(RowWarning {
            path: path.display().to_string(),
            line,
            message: RowProblem::UnmappedTypes {
                rows: total,
                profile: profile.to_string(),
                shown: shown.join(", "),
                more_types: more,
            },
        })
    }
}

struct Row {
    line: usize,
    lon_lat: std::result::Result<(f64, f64), RowProblem>,
    /// The category, type code or industry tag (see [`PoiFileKind::category_columns`]).
    category: String,
    /// The type as people read it (an export's `type`), for the warning on unmapped rows.
    type_label: String,
    name: Option<String>,
}

/// A planner's CSV file: lower-cased headers (BOM removed) and every data row with its line.
pub(super) struct CsvTable {
    /// Column names, lower-cased.
    pub headers: Vec<String>,
    /// Column names as written in the file (BOM removed).
    pub raw_headers: Vec<String>,
    /// `(line, record or why it is unreadable)`.
    pub rows: Vec<(usize, std::result::Result<csv::StringRecord, String>)>,
}

impl CsvTable {
    /// The rows' readable (lon, lat) pairs, as written (for the whole-file diagnosis).
    pub fn points(&self, lon: usize, lat: usize) -> Vec<(f64, f64)> {
        self.rows
            .iter()
            .filter_map(|(_, r)| {
                let r = r.as_ref().ok()?;
                Some((number(r, lon, "lon").ok()?, number(r, lat, "lat").ok()?))
            })
            .collect()
    }

    /// Reads the whole table; only an unreadable header is an error.
    pub(super) fn read(path: &Path, text: &str) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let raw_headers: Vec<String> = reader
            .headers()
            .map_err(|e| invalid(path, format!("cannot read the CSV header: {e}")))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_string())
            .collect();
        let headers = raw_headers.iter().map(|h| h.to_lowercase()).collect();
        // The csv crate counts `\n` only: CR-only files would be all "line 1".
        let mut rows_at = SpreadsheetRows::new(text);
        let mut row_of =
            |p: Option<&csv::Position>| p.map_or(0, |p| rows_at.row_at(p.byte() as usize));
        let rows = reader
            .records()
            .map(|r| match r {
                Ok(r) => (row_of(r.position()), Ok(r)),
                Err(e) => (row_of(e.position()), Err(format!("unreadable row: {e}"))),
            })
            .collect();
        Ok(CsvTable {
            headers,
            raw_headers,
            rows,
        })
    }

    /// The first column with one of `names`.
    pub(super) fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| names.contains(&h.as_str()))
    }
}

/// Column names accepted for longitude and latitude.
pub(super) const LON_NAMES: &[&str] = &["lon", "lng", "longitude", "x", "经度"];
/// See [`LON_NAMES`].
pub(super) const LAT_NAMES: &[&str] = &["lat", "latitude", "y", "纬度"];

/// Field `i` of a record as a number; the error names the field.
pub(super) fn number(
    record: &csv::StringRecord,
    i: usize,
    what: &str,
) -> std::result::Result<f64, RowProblem> {
    let field = record.get(i).unwrap_or("");
    field.parse::<f64>().map_err(|_| RowProblem::NotANumber {
        what: what.to_string(),
        field: field.to_string(),
    })
}

fn csv_rows(path: &Path, text: &str) -> Result<(PoiFileKind, Vec<Row>)> {
    let table = CsvTable::read(path, text)?;
    let kind = PoiFileKind::of(&table);
    let location = table.column(&["location", "坐标"]);
    let lon_lat = match (table.column(LON_NAMES), table.column(LAT_NAMES)) {
        (Some(lon), Some(lat)) => Some((lon, lat)),
        _ => None,
    };
    let (Some(cat), true) = (
        table.column(kind.category_columns()),
        lon_lat.is_some() || location.is_some(),
    ) else {
        return Err(invalid(
            path,
            format!(
                "the CSV needs columns lon, lat, category (and optionally name), or an Amap or \
                 Baidu export's columns; it has: {}",
                table.headers.join(", ")
            ),
        ));
    };
    let type_label = table.column(&["type", "tag", "类型"]).unwrap_or(cat);
    let name = table.column(&["name", "名称"]);
    Ok((
        kind,
        table
            .rows
            .into_iter()
            .map(|(line, record)| match record {
                Err(e) => Row {
                    line,
                    lon_lat: Err(e.into()),
                    category: String::new(),
                    type_label: String::new(),
                    name: None,
                },
                Ok(r) => Row {
                    line,
                    lon_lat: match lon_lat {
                        Some((lon, lat)) => {
                            number(&r, lon, "lon").and_then(|x| Ok((x, number(&r, lat, "lat")?)))
                        }
                        None => location_field(r.get(location.unwrap_or(0)).unwrap_or(""))
                            .map_err(RowProblem::from),
                    },
                    category: r.get(cat).unwrap_or("").to_string(),
                    type_label: r.get(type_label).unwrap_or("").to_string(),
                    name: name.map(|i| r.get(i).unwrap_or("").to_string()),
                },
            })
            .collect(),
    ))
}

/// An export's `location` field: `"lon,lat"` (Amap, Baidu).
fn location_field(field: &str) -> std::result::Result<(f64, f64), String> {
    let parse = |s: &str| s.trim().parse::<f64>().ok();
    field
        .split_once([',', '，'])
        .and_then(|(lon, lat)| Some((parse(lon)?, parse(lat)?)))
        .ok_or_else(|| format!("location '{field}' is not \"lon,lat\""))
}

pub(super) fn parse_geojson(path: &Path, text: &str) -> Result<geojson::FeatureCollection> {
    let gj: geojson::GeoJson = text
        .parse()
        .map_err(|e| invalid(path, format!("not valid GeoJSON: {e}")))?;
    match gj {
        geojson::GeoJson::FeatureCollection(fc) => Ok(fc),
        geojson::GeoJson::Feature(f) => Ok(geojson::FeatureCollection {
            bbox: None,
            features: vec![f],
            foreign_members: None,
        }),
        geojson::GeoJson::Geometry(_) => Err(invalid(
            path,
            "expected a FeatureCollection, found a bare geometry",
        )),
    }
}

pub(super) fn property(f: &geojson::Feature, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match f.property(k)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        v => Some(v.to_string()),
    })
}

/// The geometry as `geo`, or `None` when it does not convert. A position with fewer than two
/// numbers (`[9.5]`, `[]`) is `None` too: the `geojson` crate's conversion panics on it.
pub(super) fn to_geo(value: &geojson::GeometryValue) -> Option<geo::Geometry<f64>> {
    positions_complete(value)
        .then(|| geo::Geometry::<f64>::try_from(value).ok())
        .flatten()
}

/// A feature's first position as given (a Point's, or the first vertex of a line or ring), for
/// telling a misplaced file ([`super::misplaced`]).
pub(super) fn first_position(f: &geojson::Feature) -> Option<(f64, f64)> {
    use geojson::GeometryValue as G;
    let p = match &f.geometry.as_ref()?.value {
        G::Point { coordinates } => coordinates,
        G::MultiPoint { coordinates } | G::LineString { coordinates } => coordinates.first()?,
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => {
            coordinates.first()?.first()?
        }
        G::MultiPolygon { coordinates } => coordinates.first()?.first()?.first()?,
        G::GeometryCollection { .. } => return None,
    };
    (p.len() >= 2).then(|| (p[0], p[1]))
}

/// Whether every position of a geometry has at least a longitude and a latitude.
pub(super) fn positions_complete(value: &geojson::GeometryValue) -> bool {
    use geojson::GeometryValue as G;
    let line = |l: &Vec<geojson::Position>| l.iter().all(|p| p.len() >= 2);
    match value {
        G::Point { coordinates } => coordinates.len() >= 2,
        G::MultiPoint { coordinates } | G::LineString { coordinates } => line(coordinates),
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => {
            coordinates.iter().all(line)
        }
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().all(line),
        G::GeometryCollection { geometries } => {
            geometries.iter().all(|g| positions_complete(&g.value))
        }
    }
}

fn geojson_rows(path: &Path, text: &str) -> Result<Vec<Row>> {
    let fc = parse_geojson(path, text)?;
    Ok(fc
        .features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let lon_lat = match f.geometry.as_ref().map(|g| &g.value) {
                Some(geojson::GeometryValue::Point { coordinates }) if coordinates.len() >= 2 => {
                    Ok((coordinates[0], coordinates[1]))
                }
                Some(other) => {
                    Err(format!("feature {} is a {}, not a Point", i + 1, other.type_name()).into())
                }
                None => Err(format!("feature {} has no geometry", i + 1).into()),
            };
            let category = property(f, &["category", "type"]).unwrap_or_default();
            Row {
                line: i + 1,
                lon_lat,
                type_label: category.clone(),
                category,
                name: property(f, &["name", "名称"]),
            }
        })
        .collect())
}

/// The `--parks` option, for messages.
pub const PARKS_CRS_OPTION: CrsOption = CrsOption {
    flag: "--parks-crs",
    key: "[region] parks_crs",
};

/// Reads zones (parks) from a GeoJSON file of Polygon / MultiPolygon features with a `name`.
/// A feature that lies entirely outside `bbox` (the OSM data) is an error naming it.
pub fn read_zones_geojson(path: &Path, kind: ZoneKind, crs: Crs, bbox: [f64; 4]) -> Result<Zones> {
    let text = read_text(path)?;
    let fc = parse_geojson(path, &text)?;
    let points: Vec<(f64, f64)> = fc.features.iter().filter_map(first_position).collect();
    refuse_misplaced(path, &points, crs, bbox, PARKS_CRS_OPTION)?;
    let mut zones = Vec::new();
    let mut notes = Vec::new();
    let mut gates = Vec::new();
    for (i, f) in fc.features.iter().enumerate() {
        let n = i + 1;
        let geometry = f
            .geometry
            .as_ref()
            .ok_or_else(|| invalid(path, format!("feature {n} has no geometry")))?;
        if is_gate(f) {
            gates.push(read_gate(path, f, n, crs)?);
            continue;
        }
        let polygon: MultiPolygon = match to_geo(&geometry.value) {
            Some(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
            Some(geo::Geometry::MultiPolygon(mp)) => mp,
            _ if !positions_complete(&geometry.value) => {
                return Err(invalid(
                    path,
                    format!("feature {n} has a position with fewer than two numbers (lon, lat)"),
                ));
            }
            Some(_) | None => {
                return Err(invalid(
                    path,
                    format!(
                        "feature {n} is a {}, not a Polygon or MultiPolygon",
                        geometry.value.type_name()
                    ),
                ));
            }
        };
        let name = property(f, &["name", "名称"])
            .unwrap_or_else(|| crate::lang::generic_file_park_name(zones.len() + 1));
        if let Some(c) = crate::geom::invalid_lon_lat(&polygon) {
            return Err(invalid(
                path,
                format!(
                    "park '{name}' (feature {n}) has coordinates {},{} that are not a lon,lat pair; give WGS-84 degrees",
                    c.x, c.y
                ),
            ));
        }
        // Outlines drawn on Amap or Baidu: every vertex to WGS-84.
        let polygon = geo::MapCoords::map_coords(&polygon, |c| to_wgs84(crs, c));
        let (polygon, note) = clean_polygon(polygon)
            .map_err(|why| invalid(path, format!("park '{name}' (feature {n}) {why}")))?;
        if let Some(note) = note {
            notes.push(format!(
                "{}: park '{name}' (feature {n}) {note}",
                path.display()
            ));
        }
        if let Some(first) = zones.iter().position(|z: &Zone| z.name == name) {
            return Err(invalid(
                path,
                format!(
                    "features {} and {n} are both named '{name}'; give each park its own name",
                    first + 1
                ),
            ));
        }
        // Overlapping the data's box (a vertex inside it is not needed: a park may enclose it).
        let inside = geo::BoundingRect::bounding_rect(&polygon).is_some_and(|r| {
            r.min().x <= bbox[2]
                && r.max().x >= bbox[0]
                && r.min().y <= bbox[3]
                && r.max().y >= bbox[1]
        });
        if !inside {
            return Err(invalid(
                path,
                format!(
                    "park '{name}' (feature {n}) lies outside the OSM data ({:.4},{:.4} – {:.4},{:.4}); is it the right region, in WGS-84?",
                    bbox[0], bbox[1], bbox[2], bbox[3]
                ),
            ));
        }
        // A park drawn larger than the region is cut to it (nothing beyond has roads).
        let polygon = crate::geom::clip_to_bbox(&polygon, bbox);
        let prefix = if kind == ZoneKind::Parks { "P" } else { "R" };
        zones.push(Zone {
            id: ZoneId(zones.len() as u32),
            code: format!("{prefix}{}", zones.len() + 1),
            name,
            area_ha: area_ha(&polygon),
            polygon,
            source: Source::File {
                path: path.display().to_string(),
                line: n,
            },
            gates: Vec::new(),
        });
    }
    if zones.is_empty() {
        return Err(invalid(path, "it has no features"));
    }
    attach_gates(path, &mut zones, gates)?;
    Ok(Zones {
        kind,
        zones,
        too_small: 0,
        notes,
    })
}

/// Whether a parks-file feature is a gate: `"kind": "gate"` (or `出入口`, `entrance`).
fn is_gate(f: &geojson::Feature) -> bool {
    property(f, &["kind", "类型"])
        .is_some_and(|k| matches!(k.trim(), "gate" | "entrance" | "出入口" | "大门"))
}

/// A gate feature: (feature number, its park's code or name, its point in WGS-84).
fn read_gate(
    path: &Path,
    f: &geojson::Feature,
    n: usize,
    crs: Crs,
) -> Result<(usize, String, Coord)> {
    let park = property(f, &["park", "园区"]).ok_or_else(|| {
        invalid(
            path,
            format!(
                "gate (feature {n}) has no \"park\" property; give the code or name of its park"
            ),
        )
    })?;
    let point = match f.geometry.as_ref().and_then(|g| to_geo(&g.value)) {
        Some(geo::Geometry::Point(p)) => p.0,
        _ => {
            return Err(invalid(
                path,
                format!(
                    "gate (feature {n}) of park '{park}' is not a Point; give the gate as a point"
                ),
            ));
        }
    };
    if !(point.x.is_finite() && point.y.is_finite())
        || point.x.abs() > 180.0
        || point.y.abs() > 90.0
    {
        return Err(invalid(
            path,
            format!(
                "gate (feature {n}) of park '{park}' has coordinates {},{} that are not a lon,lat pair; give WGS-84 degrees",
                point.x, point.y
            ),
        ));
    }
    Ok((n, park, to_wgs84(crs, point)))
}

/// Gives each park the gates that name it (by code or name); a gate naming no park is an error.
fn attach_gates(path: &Path, zones: &mut [Zone], gates: Vec<(usize, String, Coord)>) -> Result<()> {
    for (n, park, point) in gates {
        let key = park.trim();
        let zone = zones
            .iter_mut()
            .find(|z| z.code.eq_ignore_ascii_case(key) || z.name == key)
            .ok_or_else(|| {
                invalid(
                    path,
                    format!("gate (feature {n}) names park '{park}', which is not in the file; give the code (P1) or name of a park"),
                )
            })?;
        zone.gates.push(point);
    }
    Ok(())
}

/// A park outline as the planner meant it: holes outside their ring are dropped, and
/// self-intersecting rings (bow-ties) or overlapping parts are replaced by their union (a
/// note says so). Rings with fewer than 4 positions and outlines without area are refused.
fn clean_polygon(mp: MultiPolygon) -> std::result::Result<(MultiPolygon, Option<String>), String> {
    use geo::bool_ops::{FillRule, OpType};
    use geo::{BooleanOps, Intersects, Polygon, Validation};
    let mut notes = Vec::new();
    let mut polygons = Vec::with_capacity(mp.0.len());
    for p in mp.0 {
        let (exterior, holes) = p.into_inner();
        if exterior.0.len() < 4 || holes.iter().any(|h| h.0.len() < 4) {
            return Err("has a ring with fewer than 4 positions; a ring needs at least 3 corners and the first position repeated at the end".into());
        }
        let outline = Polygon::new(exterior.clone(), Vec::new());
        let (kept, dropped): (Vec<_>, Vec<_>) = holes
            .into_iter()
            .partition(|h| outline.intersects(&Polygon::new(h.clone(), Vec::new())));
        if !dropped.is_empty() {
            notes.push(format!(
                "{} hole(s) outside the outer ring dropped",
                dropped.len()
            ));
        }
        polygons.push(Polygon::new(exterior, kept));
    }
    let mut mp = MultiPolygon(polygons);
    if !mp.is_valid() {
        let before_ha = area_ha(&mp);
        // Each part under the even-odd rule (a bow-tie's two lobes both count, a hole
        // stays a hole), then the parts' union (overlaps count once).
        let empty = MultiPolygon::<f64>(Vec::new());
        mp = mp.0.iter().fold(empty.clone(), |acc, part| {
            let part = part.boolean_op_with_fill_rule(&empty, OpType::Union, FillRule::EvenOdd);
            acc.union(&part)
        });
        notes.push(format!(
            "crosses itself or has overlapping parts: replaced by their union ({before_ha:.2} ha as drawn, {:.2} ha repaired)",
            area_ha(&mp)
        ));
    }
    if area_ha(&mp) < 1e-4 {
        return Err(
            "has no area (its corners lie on a line or a point); draw the park's outline".into(),
        );
    }
    Ok((mp, (!notes.is_empty()).then(|| notes.join("; "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<usize> {
        CsvTable::read(Path::new("t.csv"), text)
            .expect("header")
            .rows
            .iter()
            .map(|(line, _)| *line)
            .collect()
    }

    #[test]
    fn csv_lines_are_the_rows_a_spreadsheet_shows() {
        // Regression (issue 10): CRLF lines were one too low, CR-only all "line 1".
        for eol in ["\n", "\r\n", "\r"] {
            let text = ["lon,lat", "1,2", "3,4", "5,6"].join(eol) + eol;
            assert_eq!(lines_of(&text), [2, 3, 4], "{eol:?}");
        }
        // A quoted field with a line break is one spreadsheet row.
        let text = "lon,lat,name\r\n1,2,\"two\r\nlines\"\r\n3,4,x\r\n";
        assert_eq!(lines_of(text), [2, 3]);
    }

    #[test]
    fn row_warnings_are_capped_with_a_count() {
        let mut w = RowWarnings::default();
        for line in 2..500_002 {
            w.push(RowWarning {
                path: "p.csv".into(),
                line,
                message: "bad".to_string().into(),
            });
        }
        let out = w.finish();
        assert_eq!(out.len(), MAX_ROW_WARNINGS + 1);
        let rows: usize = out.iter().map(|w| w.message.rows()).sum();
        assert_eq!(rows, 500_000, "the count travels with the warnings");
        assert_eq!(out[MAX_ROW_WARNINGS].line, 12);
        assert!(
            out[MAX_ROW_WARNINGS]
                .to_string()
                .starts_with("p.csv:12: … and 499,990 more rows like this"),
            "{}",
            out[MAX_ROW_WARNINGS]
        );
    }

    const BBOX: [f64; 4] = [9.0, 47.0, 10.0, 48.0];

    /// Reads a FeatureCollection of `(name, geometry JSON)` features.
    fn parks(features: &[(&str, &str)]) -> Result<Zones> {
        let features: Vec<String> = features
            .iter()
            .map(|(name, g)| {
                format!(r#"{{"type":"Feature","properties":{{"name":"{name}"}},"geometry":{g}}}"#)
            })
            .collect();
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parks.geojson");
        std::fs::write(&path, text).unwrap();
        read_zones_geojson(&path, ZoneKind::Parks, Crs::Wgs84, BBOX)
    }

    const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[9.5,47.1],[9.51,47.1],[9.51,47.11],[9.5,47.11],[9.5,47.1]]]}"#;

    #[test]
    fn bow_ties_and_overlapping_parts_are_repaired_by_union_and_noted() {
        let square = parks(&[("A", SQUARE)]).unwrap().zones[0].area_ha;
        let bow_tie = r#"{"type":"Polygon","coordinates":[[[9.5,47.1],[9.51,47.11],[9.51,47.1],[9.5,47.11],[9.5,47.1]]]}"#;
        let z = parks(&[("Bow", bow_tie)]).unwrap();
        // Two triangles, each a quarter of the square.
        assert!(
            (z.zones[0].area_ha - square / 2.0).abs() < 0.01 * square,
            "{z:?}"
        );
        assert!(z.notes[0].contains("'Bow' (feature 1)") && z.notes[0].contains("union"));
        let ring = "[[[9.5,47.1],[9.51,47.1],[9.51,47.11],[9.5,47.11],[9.5,47.1]]]";
        let twice = format!(r#"{{"type":"MultiPolygon","coordinates":[{ring},{ring}]}}"#);
        let z = parks(&[("Twice", &twice)]).unwrap();
        assert!((z.zones[0].area_ha - square).abs() < 0.01 * square, "{z:?}");
        assert_eq!(z.notes.len(), 1);
    }

    #[test]
    fn a_hole_outside_its_ring_is_dropped_with_a_note() {
        let g = r#"{"type":"Polygon","coordinates":[[[9.5,47.1],[9.51,47.1],[9.51,47.11],[9.5,47.11],[9.5,47.1]],[[9.6,47.2],[9.61,47.2],[9.61,47.21],[9.6,47.2]]]}"#;
        let z = parks(&[("Holey", g)]).unwrap();
        let square = parks(&[("A", SQUARE)]).unwrap().zones[0].area_ha;
        assert!((z.zones[0].area_ha - square).abs() < 1e-9, "{z:?}");
        assert!(z.notes[0].contains("hole(s) outside"), "{:?}", z.notes);
    }

    #[test]
    fn outlines_without_area_and_duplicate_names_are_refused() {
        for (g, needle) in [
            (
                r#"{"type":"Polygon","coordinates":[[[9.5,47.1],[9.51,47.1]]]}"#,
                "fewer than 4 positions",
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[9.5,47.1],[9.51,47.1],[9.52,47.1],[9.5,47.1]]]}"#,
                "no area",
            ),
            (
                r#"{"type":"Point","coordinates":[9.5,47.1]}"#,
                "not a Polygon",
            ),
        ] {
            let e = parks(&[("Flat", g)]).unwrap_err().to_string();
            assert!(e.contains("parks.geojson") && e.contains(needle), "{e}");
        }
        let e = parks(&[("Same", SQUARE), ("Other", SQUARE), ("Same", SQUARE)])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("features 1 and 3") && e.contains("'Same'"),
            "{e}"
        );
    }
}
