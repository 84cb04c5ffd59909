//! Population rasters: a GeoTIFF of people per cell, as WorldPop and GHSL publish them.
//!
//! Steps: read the georeferencing (tie point + pixel scale, GeoKeys for the CRS, the GDAL
//! nodata tag) → find the window of cells whose centres lie in the region → read only the
//! strips or tiles that window touches → give each cell's people to the residential buildings
//! of the estimate whose points lie in it, by floor area, or to the cell centre where it has
//! none. The people kept are exactly the raster's sum over the cells whose centres lie in the
//! region ([`RasterSummary::people`]).
//!
//! Coordinate systems read from the GeoKeys: geographic (EPSG:4326, CGCS2000 4490 and any
//! other geographic CRS, taken as WGS-84 — they differ by less than a metre), Web Mercator
//! (3857), UTM on WGS-84 (326zz / 327zz), the CGCS2000 Gauss–Krüger zones (4491–4554), a
//! user-defined transverse Mercator, and Mollweide (ESRI:54009, GHSL's grid). Other CRSs are an
//! error that says how to reproject (`gdalwarp -t_srs EPSG:4326`).

use std::io::{BufReader, Read, Seek};
use std::path::Path;

use geo::Coord;
use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::tags::Tag;

use super::Source;
use super::residents::{ResidentBasis, ResidentUnit, Residents, spread_by_weight};
use crate::error::{Error, Result};

/// Most cells read from a raster for one region (a 100 m raster of 50 000 km²).
pub const MAX_WINDOW_CELLS: u64 = 5_000_000;

/// What the raster gave.
#[derive(Clone, Debug, PartialEq)]
pub struct RasterSummary {
    /// The coordinate system, as read from the GeoKeys.
    pub crs: String,
    /// Raster size, columns × rows.
    pub size: (u32, u32),
    /// Cells whose centres lie in the region.
    pub cells_in_region: u64,
    /// Of these, cells marked nodata (or NaN).
    pub cells_nodata: u64,
    /// People in the region's cells: the total of the residents returned.
    pub people: f64,
    /// People given to buildings (the rest sit at cell centres).
    pub people_in_buildings: f64,
}

impl std::fmt::Display for RasterSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.0} people in {} cells of the {}×{} raster inside the region ({}; {} nodata cells; \
             {:.0} % placed on residential buildings, the rest at cell centres)",
            self.people,
            self.cells_in_region,
            self.size.0,
            self.size.1,
            self.crs,
            self.cells_nodata,
            if self.people > 0.0 {
                100.0 * self.people_in_buildings / self.people
            } else {
                0.0
            }
        )
    }
}

/// Whether `path` names a GeoTIFF (by its extension).
pub fn is_raster(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tif") || e.eq_ignore_ascii_case("tiff"))
}

/// Reads a population raster for the region `bbox` (`[min_lon, min_lat, max_lon, max_lat]`)
/// and spreads it over `estimate`'s residential buildings (see the module docs). Units are the
/// buildings in estimate order, then cell centres by row and column.
///
/// # Errors
/// [`Error::Io`] when the file cannot be opened; [`Error::InvalidValue`] naming the file when it
/// is not a GeoTIFF, lacks georeferencing, has a CRS that is not supported, covers none of the
/// region, holds a negative or infinite count (naming the cell), or when the region's window is
/// larger than [`MAX_WINDOW_CELLS`].
pub fn read_population_raster(
    path: &Path,
    bbox: [f64; 4],
    estimate: &Residents,
) -> Result<(Residents, RasterSummary)> {
    let file = std::fs::File::open(path).map_err(|cause| Error::Io {
        path: path.to_path_buf(),
        action: crate::error::IoAction::Read,
        cause,
    })?;
    let bad = |hint: String| Error::InvalidValue {
        what: "population raster",
        value: path.display().to_string(),
        hint,
    };
    let mut decoder = Decoder::new(BufReader::new(file))
        .map_err(|e| bad(format!("it is not a readable TIFF ({e})")))?
        .with_limits(Limits::default());
    let grid = Georeference::read(&mut decoder).map_err(&bad)?;
    let window = grid.window(bbox).map_err(&bad)?;
    let mut cells = read_window(&mut decoder, &grid, &window).map_err(&bad)?;
    mark_region(&grid, &window, &mut cells, bbox);
    let (units, people_in_buildings) = spread(path, &grid, &window, &cells, estimate);
    let summary = RasterSummary {
        crs: grid.crs.name(),
        size: (grid.width, grid.height),
        cells_in_region: cells.iter().filter(|c| c.in_region).count() as u64,
        cells_nodata: cells
            .iter()
            .filter(|c| c.in_region && c.people.is_none())
            .count() as u64,
        people: units.iter().map(|u| u.residents).sum(),
        people_in_buildings,
    };
    let residents = Residents {
        units,
        supplied: true,
        options: estimate.options,
        scaled_to_total: None,
        districts: Vec::new(),
    };
    Ok((residents, summary))
}

// ---------------------------------------------------------------------------------------------
// Georeferencing

/// A raster's size, its affine pixel → CRS transform and its CRS.
#[derive(Clone, Debug)]
struct Georeference {
    width: u32,
    height: u32,
    /// CRS x of the left edge of column 0, and the column width.
    x0: f64,
    dx: f64,
    /// CRS y of the top edge of row 0, and the row height (negative: rows go south).
    y0: f64,
    dy: f64,
    crs: RasterCrs,
    nodata: Option<f64>,
}

/// One raster cell of the region's window.
#[derive(Clone, Copy, Debug)]
struct Cell {
    /// People, `None` for nodata.
    people: Option<f64>,
    /// Whether the cell's centre lies in the region.
    in_region: bool,
}

/// The columns and rows (half-open) of the cells read.
#[derive(Clone, Copy, Debug)]
struct Window {
    cols: (u32, u32),
    rows: (u32, u32),
}

impl Window {
    fn width(&self) -> u32 {
        self.cols.1 - self.cols.0
    }
    fn index(&self, col: u32, row: u32) -> Option<usize> {
        let inside =
            (self.cols.0..self.cols.1).contains(&col) && (self.rows.0..self.rows.1).contains(&row);
        inside.then(|| ((row - self.rows.0) * self.width() + (col - self.cols.0)) as usize)
    }
}

impl Georeference {
    fn read<R: Read + Seek>(decoder: &mut Decoder<R>) -> std::result::Result<Self, String> {
        let (width, height) = decoder
            .dimensions()
            .map_err(|e| format!("its size cannot be read ({e})"))?;
        let doubles = |decoder: &mut Decoder<R>, tag| -> Option<Vec<f64>> {
            decoder.find_tag(tag).ok()??.into_f64_vec().ok()
        };
        let scale = doubles(decoder, Tag::ModelPixelScaleTag);
        let tie = doubles(decoder, Tag::ModelTiepointTag);
        let transform = doubles(decoder, Tag::ModelTransformationTag);
        let (x0, dx, y0, dy) = match (scale, tie, transform) {
            (Some(s), Some(t), _) if s.len() >= 2 && t.len() >= 6 => {
                (t[3] - t[0] * s[0], s[0], t[4] + t[1] * s[1], -s[1])
            }
            (_, _, Some(m)) if m.len() >= 8 => {
                if m[1] != 0.0 || m[4] != 0.0 {
                    return Err("its pixel grid is rotated; reproject it north-up \
                                (gdalwarp -t_srs EPSG:4326 in.tif out.tif)"
                        .into());
                }
                (m[3], m[0], m[7], m[5])
            }
            _ => {
                return Err(
                    "it has no georeferencing (ModelPixelScale and ModelTiepoint \
                            tags): export it as a GeoTIFF"
                        .into(),
                );
            }
        };
        let all_finite = [x0, dx, y0, dy].iter().all(|v| v.is_finite());
        if !all_finite || dx <= 0.0 || dy == 0.0 {
            return Err(format!(
                "its georeferencing is not usable (origin {x0},{y0}, cell {dx}×{dy})"
            ));
        }
        let keys = GeoKeys::read(decoder);
        let crs = RasterCrs::from_keys(&keys)?;
        let nodata = decoder
            .find_tag(Tag::GdalNodata)
            .ok()
            .flatten()
            .and_then(|v| v.into_string().ok())
            .and_then(|s| s.trim_matches(char::from(0)).trim().parse::<f64>().ok());
        let mut grid = Georeference {
            width,
            height,
            x0,
            dx,
            y0,
            dy,
            crs,
            nodata,
        };
        if keys.get(GT_RASTER_TYPE) == Some(PIXEL_IS_POINT) {
            // The tie point is a cell centre: move the origin to the cell's corner.
            grid.x0 -= grid.dx / 2.0;
            grid.y0 -= grid.dy / 2.0;
        }
        Ok(grid)
    }

    /// The centre of a cell, lon/lat.
    fn centre(&self, col: u32, row: u32) -> Coord {
        self.crs.unproject(Coord {
            x: self.x0 + (f64::from(col) + 0.5) * self.dx,
            y: self.y0 + (f64::from(row) + 0.5) * self.dy,
        })
    }

    /// The cell containing a lon/lat point, if it is on the raster.
    fn cell_of(&self, p: Coord) -> Option<(u32, u32)> {
        let c = self.crs.project(p);
        let col = ((c.x - self.x0) / self.dx).floor();
        let row = ((c.y - self.y0) / self.dy).floor();
        let on = (0.0..f64::from(self.width)).contains(&col)
            && (0.0..f64::from(self.height)).contains(&row);
        on.then_some((col as u32, row as u32))
    }

    /// The cells around the region: the bounding box of the region's outline (sampled along
    /// its edges, since projections bend it) in cells, one cell of margin, clipped to the
    /// raster; checked against [`MAX_WINDOW_CELLS`] before anything is read.
    fn window(&self, bbox: [f64; 4]) -> std::result::Result<Window, String> {
        let [w, s, e, n] = bbox;
        let (mut c0, mut c1, mut r0, mut r1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        const STEPS: u32 = 32;
        for i in 0..=STEPS {
            let t = f64::from(i) / f64::from(STEPS);
            for p in [
                Coord {
                    x: w + t * (e - w),
                    y: s,
                },
                Coord {
                    x: w + t * (e - w),
                    y: n,
                },
                Coord {
                    x: w,
                    y: s + t * (n - s),
                },
                Coord {
                    x: e,
                    y: s + t * (n - s),
                },
            ] {
                let c = self.crs.project(p);
                let col = (c.x - self.x0) / self.dx;
                let row = (c.y - self.y0) / self.dy;
                (c0, c1, r0, r1) = (c0.min(col), c1.max(col), r0.min(row), r1.max(row));
            }
        }
        let clip = |v: f64, max: u32| v.clamp(0.0, f64::from(max)) as u32;
        let window = Window {
            cols: (clip(c0 - 1.0, self.width), clip(c1 + 2.0, self.width)),
            rows: (clip(r0 - 1.0, self.height), clip(r1 + 2.0, self.height)),
        };
        if window.cols.0 >= window.cols.1 || window.rows.0 >= window.rows.1 {
            return Err(format!(
                "it does not cover the region ({w:.4},{s:.4} – {e:.4},{n:.4}); check that it is \
                 the right raster, in the CRS its GeoKeys say ({})",
                self.crs.name()
            ));
        }
        let cells = u64::from(window.width()) * u64::from(window.rows.1 - window.rows.0);
        if cells > MAX_WINDOW_CELLS {
            return Err(format!(
                "the region spans {cells} of its cells, more than the {MAX_WINDOW_CELLS} allowed: \
                 use a coarser raster or a smaller region"
            ));
        }
        Ok(window)
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the cells

/// Reads the window's cells, strip by strip or tile by tile (only those it touches).
fn read_window<R: Read + Seek>(
    decoder: &mut Decoder<R>,
    grid: &Georeference,
    window: &Window,
) -> std::result::Result<Vec<Cell>, String> {
    let rows = window.rows.1 - window.rows.0;
    let mut cells = vec![
        Cell {
            people: None,
            in_region: false,
        };
        window.width() as usize * rows as usize
    ];
    let (chunk_w, chunk_h) = decoder.chunk_dimensions();
    if chunk_w == 0 || chunk_h == 0 {
        return Err("its strips or tiles have no size".into());
    }
    let chunks_across = grid.width.div_ceil(chunk_w);
    for chunk_row in window.rows.0 / chunk_h..window.rows.1.div_ceil(chunk_h) {
        for chunk_col in window.cols.0 / chunk_w..window.cols.1.div_ceil(chunk_w) {
            let index = chunk_row * chunks_across + chunk_col;
            let data = decoder
                .read_chunk(index)
                .map_err(|e| format!("strip or tile {index} cannot be read ({e})"))?;
            let values = as_f64(data)?;
            let (data_w, data_h) = decoder.chunk_data_dimensions(index);
            // Strips and tiles are stored at their full width, padded at the right edge.
            let stride = if values.len() >= (chunk_w * data_h) as usize {
                chunk_w
            } else {
                data_w
            };
            for dr in 0..data_h {
                for dc in 0..data_w {
                    let (col, row) = (chunk_col * chunk_w + dc, chunk_row * chunk_h + dr);
                    let Some(slot) = window.index(col, row) else {
                        continue;
                    };
                    let v = values
                        .get((dr * stride + dc) as usize)
                        .copied()
                        .unwrap_or(f64::NAN);
                    cells[slot].people = cell_value(v, grid.nodata, col, row)?;
                }
            }
        }
    }
    Ok(cells)
}

/// A cell's people: `None` for nodata or NaN; an error for a negative or infinite count.
fn cell_value(
    v: f64,
    nodata: Option<f64>,
    col: u32,
    row: u32,
) -> std::result::Result<Option<f64>, String> {
    if v.is_nan() || nodata.is_some_and(|n| v == n || (v - n).abs() <= n.abs() * 1e-6) {
        return Ok(None);
    }
    if !v.is_finite() || v < 0.0 {
        return Err(format!(
            "cell column {col}, row {row} holds {v} people; counts must be finite and at least 0 \
             (mark missing cells with the GDAL nodata value)"
        ));
    }
    Ok(Some(v))
}

/// Any numeric sample type as f64 (one band).
fn as_f64(data: DecodingResult) -> std::result::Result<Vec<f64>, String> {
    Ok(match data {
        DecodingResult::F32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::F64(v) => v,
        DecodingResult::U8(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I8(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U64(v) => v.into_iter().map(|x| x as f64).collect(),
        DecodingResult::I64(v) => v.into_iter().map(|x| x as f64).collect(),
        _ => return Err("its samples are not numbers of a supported type".into()),
    })
}

// ---------------------------------------------------------------------------------------------
// Spreading over buildings

/// Marks the cells whose centres lie in the region `bbox`.
fn mark_region(grid: &Georeference, window: &Window, cells: &mut [Cell], bbox: [f64; 4]) {
    let [w, s, e, n] = bbox;
    for row in window.rows.0..window.rows.1 {
        for col in window.cols.0..window.cols.1 {
            let c = grid.centre(col, row);
            if let Some(slot) = window.index(col, row) {
                cells[slot].in_region = (w..=e).contains(&c.x) && (s..=n).contains(&c.y);
            }
        }
    }
}

/// Gives each region cell's people to the estimate's buildings in it by their estimated
/// residents (floor area), else to one unit at the cell centre. Returns the units and the
/// people placed on buildings.
fn spread(
    path: &Path,
    grid: &Georeference,
    window: &Window,
    cells: &[Cell],
    estimate: &Residents,
) -> (Vec<ResidentUnit>, f64) {
    // Each building's cell; the cell's people go to its buildings by floor area.
    let slots: Vec<Option<usize>> = estimate
        .units
        .iter()
        .map(|u| {
            grid.cell_of(u.location)
                .and_then(|(col, row)| window.index(col, row))
                .filter(|&i| u.basis == ResidentBasis::Building && cells[i].in_region)
        })
        .collect();
    let people: Vec<f64> = cells.iter().map(|c| c.people.unwrap_or(0.0)).collect();
    let (shared, weight) = spread_by_weight(&people, &estimate.units, &slots);
    let in_buildings = shared.iter().map(|(_, u)| u.residents).sum();
    let mut units: Vec<ResidentUnit> = shared.into_iter().map(|(_, u)| u).collect();
    let name = path.display().to_string();
    for row in window.rows.0..window.rows.1 {
        for col in window.cols.0..window.cols.1 {
            let Some(i) = window.index(col, row) else {
                continue;
            };
            let people = cells[i].people.unwrap_or(0.0);
            if cells[i].in_region && people > 0.0 && weight[i] <= 0.0 {
                units.push(ResidentUnit {
                    location: grid.centre(col, row),
                    residents: people,
                    area: None,
                    basis: ResidentBasis::Supplied,
                    district: None,
                    source: Source::File {
                        path: name.clone(),
                        line: (u64::from(row) * u64::from(grid.width) + u64::from(col) + 1)
                            as usize,
                    },
                });
            }
        }
    }
    (units, in_buildings)
}

// ---------------------------------------------------------------------------------------------
// GeoKeys and coordinate systems

const GT_MODEL_TYPE: u16 = 1024;
const GT_RASTER_TYPE: u16 = 1025;
const GT_CITATION: u16 = 1026;
const GEOGRAPHIC_TYPE: u16 = 2048;
const PROJECTED_CS_TYPE: u16 = 3072;
const PCS_CITATION: u16 = 3073;
const PROJ_COORD_TRANS: u16 = 3075;
const PROJ_NAT_ORIGIN_LONG: u16 = 3080;
const PROJ_NAT_ORIGIN_LAT: u16 = 3081;
const PROJ_FALSE_EASTING: u16 = 3082;
const PROJ_FALSE_NORTHING: u16 = 3083;
const PROJ_SCALE_AT_NAT_ORIGIN: u16 = 3092;
const MODEL_GEOGRAPHIC: u16 = 2;
const PIXEL_IS_POINT: u16 = 2;
const CT_TRANSVERSE_MERCATOR: u16 = 1;
const USER_DEFINED: u16 = 32767;

/// The GeoKey directory: short keys, double and text parameters.
#[derive(Default)]
struct GeoKeys {
    shorts: Vec<(u16, u16)>,
    doubles: Vec<(u16, f64)>,
    texts: Vec<(u16, String)>,
}

impl GeoKeys {
    fn read<R: Read + Seek>(decoder: &mut Decoder<R>) -> Self {
        let mut keys = GeoKeys::default();
        let Some(dir) = decoder
            .find_tag(Tag::GeoKeyDirectoryTag)
            .ok()
            .flatten()
            .and_then(|v| v.into_u16_vec().ok())
        else {
            return keys;
        };
        let doubles = decoder
            .find_tag(Tag::GeoDoubleParamsTag)
            .ok()
            .flatten()
            .and_then(|v| v.into_f64_vec().ok())
            .unwrap_or_default();
        let ascii = decoder
            .find_tag(Tag::GeoAsciiParamsTag)
            .ok()
            .flatten()
            .and_then(|v| v.into_string().ok())
            .unwrap_or_default();
        for entry in dir.chunks_exact(4).skip(1) {
            let [key, location, count, value] = [entry[0], entry[1], entry[2], entry[3]];
            let (start, len) = (usize::from(value), usize::from(count));
            match location {
                0 => keys.shorts.push((key, value)),
                34736 => {
                    if let Some(&d) = doubles.get(start) {
                        keys.doubles.push((key, d));
                    }
                }
                34737 => {
                    let text: String = ascii.chars().skip(start).take(len).collect();
                    keys.texts
                        .push((key, text.trim_end_matches('|').to_string()));
                }
                _ => {}
            }
        }
        keys
    }

    fn get(&self, key: u16) -> Option<u16> {
        self.shorts.iter().find(|k| k.0 == key).map(|k| k.1)
    }

    fn double(&self, key: u16) -> Option<f64> {
        self.doubles.iter().find(|k| k.0 == key).map(|k| k.1)
    }

    fn text(&self, key: u16) -> Option<&str> {
        self.texts.iter().find(|k| k.0 == key).map(|k| k.1.as_str())
    }
}

/// The coordinate systems a population raster may be in.
#[derive(Clone, Debug, PartialEq)]
enum RasterCrs {
    /// Longitude/latitude in degrees (EPSG code kept for the summary).
    Geographic(u16),
    /// Spherical Web Mercator, EPSG:3857.
    WebMercator,
    /// Transverse Mercator on the WGS-84/CGCS2000 ellipsoid (UTM, Gauss–Krüger).
    TransverseMercator {
        /// EPSG code, or [`USER_DEFINED`].
        code: u16,
        lon0_deg: f64,
        k0: f64,
        false_easting_m: f64,
        false_northing_m: f64,
    },
    /// Mollweide on the WGS-84 semi-major axis (ESRI:54009).
    Mollweide,
}

/// WGS-84 semi-major axis and flattening (CGCS2000 differs by 0.1 mm at the poles).
const A_M: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_223_563;

impl RasterCrs {
    fn from_keys(keys: &GeoKeys) -> std::result::Result<Self, String> {
        if keys.get(GT_MODEL_TYPE) == Some(MODEL_GEOGRAPHIC) {
            return Ok(RasterCrs::Geographic(
                keys.get(GEOGRAPHIC_TYPE).unwrap_or(4326),
            ));
        }
        let citation = [GT_CITATION, PCS_CITATION]
            .iter()
            .filter_map(|&k| keys.text(k))
            .collect::<Vec<_>>()
            .join(" ");
        if citation.contains("Mollweide") {
            return Ok(RasterCrs::Mollweide);
        }
        let Some(code) = keys.get(PROJECTED_CS_TYPE) else {
            return Err("its GeoKeys name no coordinate system; reproject it with \
                        gdalwarp -t_srs EPSG:4326 in.tif out.tif"
                .into());
        };
        let tm = |lon0_deg: f64, k0: f64, false_easting_m: f64, false_northing_m: f64| {
            RasterCrs::TransverseMercator {
                code,
                lon0_deg,
                k0,
                false_easting_m,
                false_northing_m,
            }
        };
        let zone = |first: u16| f64::from(code - first);
        Ok(match code {
            3857 | 3785 => RasterCrs::WebMercator,
            32601..=32660 => tm(6.0 * zone(32600) - 183.0, 0.9996, 500_000.0, 0.0),
            32701..=32760 => tm(6.0 * zone(32700) - 183.0, 0.9996, 500_000.0, 10_000_000.0),
            // CGCS2000 Gauss–Krüger: 6° zones 13–23 with the zone in the false easting, then
            // without; 3° zones 25–45 with the zone, then central meridians 75°–135° without.
            4491..=4501 => {
                let z = zone(4491) + 13.0;
                tm(6.0 * z - 3.0, 1.0, z * 1e6 + 500_000.0, 0.0)
            }
            4502..=4512 => tm(75.0 + 6.0 * zone(4502), 1.0, 500_000.0, 0.0),
            4513..=4533 => {
                let z = zone(4513) + 25.0;
                tm(3.0 * z, 1.0, z * 1e6 + 500_000.0, 0.0)
            }
            4534..=4554 => tm(75.0 + 3.0 * zone(4534), 1.0, 500_000.0, 0.0),
            USER_DEFINED
                if keys.get(PROJ_COORD_TRANS) == Some(CT_TRANSVERSE_MERCATOR)
                    && keys.double(PROJ_NAT_ORIGIN_LAT).unwrap_or(0.0) == 0.0 =>
            {
                tm(
                    keys.double(PROJ_NAT_ORIGIN_LONG).unwrap_or(0.0),
                    keys.double(PROJ_SCALE_AT_NAT_ORIGIN).unwrap_or(1.0),
                    keys.double(PROJ_FALSE_EASTING).unwrap_or(0.0),
                    keys.double(PROJ_FALSE_NORTHING).unwrap_or(0.0),
                )
            }
            other => {
                return Err(format!(
                    "its coordinate system (EPSG:{other}) is not one lifecircle reads (WGS-84 \
                     lon/lat, Web Mercator, UTM, CGCS2000 Gauss–Krüger, Mollweide); reproject \
                     it with gdalwarp -t_srs EPSG:4326 in.tif out.tif"
                ));
            }
        })
    }

    fn name(&self) -> String {
        match self {
            RasterCrs::Geographic(code) => format!("EPSG:{code} lon/lat"),
            RasterCrs::WebMercator => "EPSG:3857 Web Mercator".into(),
            RasterCrs::TransverseMercator { code, lon0_deg, .. } if *code == USER_DEFINED => {
                format!("transverse Mercator, central meridian {lon0_deg}°")
            }
            RasterCrs::TransverseMercator { code, .. } => {
                format!("EPSG:{code} transverse Mercator")
            }
            RasterCrs::Mollweide => "ESRI:54009 Mollweide".into(),
        }
    }

    fn unproject(&self, c: Coord) -> Coord {
        match *self {
            RasterCrs::Geographic(_) => c,
            RasterCrs::WebMercator => Coord {
                x: (c.x / A_M).to_degrees(),
                y: (2.0 * (c.y / A_M).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees(),
            },
            RasterCrs::TransverseMercator {
                lon0_deg,
                k0,
                false_easting_m,
                false_northing_m,
                ..
            } => tm_inverse(c.x - false_easting_m, c.y - false_northing_m, lon0_deg, k0),
            RasterCrs::Mollweide => mollweide_inverse(c),
        }
    }

    fn project(&self, p: Coord) -> Coord {
        match *self {
            RasterCrs::Geographic(_) => p,
            RasterCrs::WebMercator => Coord {
                x: A_M * p.x.to_radians(),
                y: A_M
                    * (std::f64::consts::FRAC_PI_4 + p.y.to_radians() / 2.0)
                        .tan()
                        .ln(),
            },
            RasterCrs::TransverseMercator {
                lon0_deg,
                k0,
                false_easting_m,
                false_northing_m,
                ..
            } => {
                let c = tm_forward(p, lon0_deg, k0);
                Coord {
                    x: c.x + false_easting_m,
                    y: c.y + false_northing_m,
                }
            }
            RasterCrs::Mollweide => mollweide_forward(p),
        }
    }
}

/// Meridian arc length from the equator to latitude `phi` (radians), metres (Snyder 3-21).
fn meridian_arc_m(phi: f64) -> f64 {
    let e2 = F * (2.0 - F);
    let (e4, e6) = (e2 * e2, e2 * e2 * e2);
    A_M * ((1.0 - e2 / 4.0 - 3.0 * e4 / 64.0 - 5.0 * e6 / 256.0) * phi
        - (3.0 * e2 / 8.0 + 3.0 * e4 / 32.0 + 45.0 * e6 / 1024.0) * (2.0 * phi).sin()
        + (15.0 * e4 / 256.0 + 45.0 * e6 / 1024.0) * (4.0 * phi).sin()
        - (35.0 * e6 / 3072.0) * (6.0 * phi).sin())
}

/// Transverse Mercator, lon/lat → metres from the central meridian and the equator (Snyder
/// 8-9, 8-10; millimetres within a zone).
fn tm_forward(p: Coord, lon0_deg: f64, k0: f64) -> Coord {
    let e2 = F * (2.0 - F);
    let ep2 = e2 / (1.0 - e2);
    let phi = p.y.to_radians();
    let (s, c) = phi.sin_cos();
    let n = A_M / (1.0 - e2 * s * s).sqrt();
    let t = (s / c).powi(2);
    let cc = ep2 * c * c;
    let a = (p.x - lon0_deg).to_radians() * c;
    let x = k0
        * n
        * (a + (1.0 - t + cc) * a.powi(3) / 6.0
            + (5.0 - 18.0 * t + t * t + 72.0 * cc - 58.0 * ep2) * a.powi(5) / 120.0);
    let y = k0
        * (meridian_arc_m(phi)
            + n * (s / c)
                * (a * a / 2.0
                    + (5.0 - t + 9.0 * cc + 4.0 * cc * cc) * a.powi(4) / 24.0
                    + (61.0 - 58.0 * t + t * t + 600.0 * cc - 330.0 * ep2) * a.powi(6) / 720.0));
    Coord { x, y }
}

/// Transverse Mercator, metres → lon/lat (Snyder 8-18 … 8-25).
fn tm_inverse(x: f64, y: f64, lon0_deg: f64, k0: f64) -> Coord {
    let e2 = F * (2.0 - F);
    let ep2 = e2 / (1.0 - e2);
    let (e4, e6) = (e2 * e2, e2 * e2 * e2);
    let mu = (y / k0) / (A_M * (1.0 - e2 / 4.0 - 3.0 * e4 / 64.0 - 5.0 * e6 / 256.0));
    let e1 = (1.0 - (1.0 - e2).sqrt()) / (1.0 + (1.0 - e2).sqrt());
    let phi1 = mu
        + (3.0 * e1 / 2.0 - 27.0 * e1.powi(3) / 32.0) * (2.0 * mu).sin()
        + (21.0 * e1 * e1 / 16.0 - 55.0 * e1.powi(4) / 32.0) * (4.0 * mu).sin()
        + (151.0 * e1.powi(3) / 96.0) * (6.0 * mu).sin()
        + (1097.0 * e1.powi(4) / 512.0) * (8.0 * mu).sin();
    let (s, c) = phi1.sin_cos();
    let c1 = ep2 * c * c;
    let t1 = (s / c).powi(2);
    let n1 = A_M / (1.0 - e2 * s * s).sqrt();
    let r1 = A_M * (1.0 - e2) / (1.0 - e2 * s * s).powf(1.5);
    let d = x / (n1 * k0);
    let phi = phi1
        - (n1 * (s / c) / r1)
            * (d * d / 2.0
                - (5.0 + 3.0 * t1 + 10.0 * c1 - 4.0 * c1 * c1 - 9.0 * ep2) * d.powi(4) / 24.0
                + (61.0 + 90.0 * t1 + 298.0 * c1 + 45.0 * t1 * t1 - 252.0 * ep2 - 3.0 * c1 * c1)
                    * d.powi(6)
                    / 720.0);
    let lon = (d - (1.0 + 2.0 * t1 + c1) * d.powi(3) / 6.0
        + (5.0 - 2.0 * c1 + 28.0 * t1 - 3.0 * c1 * c1 + 8.0 * ep2 + 24.0 * t1 * t1) * d.powi(5)
            / 120.0)
        / c;
    Coord {
        x: lon0_deg + lon.to_degrees(),
        y: phi.to_degrees(),
    }
}

/// Mollweide (sphere of radius [`A_M`]), lon/lat → metres (Snyder 31-1 … 31-4).
fn mollweide_forward(p: Coord) -> Coord {
    let phi = p.y.to_radians();
    let target = std::f64::consts::PI * phi.sin();
    let mut theta = phi;
    for _ in 0..50 {
        let f = 2.0 * theta + (2.0 * theta).sin() - target;
        let df = 2.0 + 2.0 * (2.0 * theta).cos();
        if df.abs() < 1e-12 {
            break;
        }
        let step = f / df;
        theta -= step;
        if step.abs() < 1e-12 {
            break;
        }
    }
    let sqrt2 = std::f64::consts::SQRT_2;
    Coord {
        x: A_M * 2.0 * sqrt2 / std::f64::consts::PI * p.x.to_radians() * theta.cos(),
        y: A_M * sqrt2 * theta.sin(),
    }
}

/// Mollweide, metres → lon/lat (Snyder 31-5 … 31-7).
fn mollweide_inverse(c: Coord) -> Coord {
    let sqrt2 = std::f64::consts::SQRT_2;
    let theta = (c.y / (A_M * sqrt2)).clamp(-1.0, 1.0).asin();
    let phi = ((2.0 * theta + (2.0 * theta).sin()) / std::f64::consts::PI)
        .clamp(-1.0, 1.0)
        .asin();
    let lon = std::f64::consts::PI * c.x / (2.0 * A_M * sqrt2 * theta.cos());
    Coord {
        x: lon.to_degrees(),
        y: phi.to_degrees(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::OsmExtract;
    use crate::places::residential_zones;
    use crate::places::residents::{ResidentOptions, estimate_residents};
    use tiff::encoder::{Compression, TiffEncoder, colortype::Gray32Float};

    /// A single-band float GeoTIFF as GDAL writes a WorldPop file: tie point at the top-left
    /// corner, pixel scale, GeoKeys, GDAL_NODATA as text.
    pub(crate) fn write_geotiff(
        path: &Path,
        size: (u32, u32),
        origin: (f64, f64),
        cell: f64,
        geokeys: &[u16],
        values: &[f32],
        compression: Compression,
    ) {
        let file = std::fs::File::create(path).unwrap();
        let mut tiff = TiffEncoder::new(file)
            .unwrap()
            .with_compression(compression);
        let mut image = tiff.new_image::<Gray32Float>(size.0, size.1).unwrap();
        image.rows_per_strip(3).unwrap();
        let dir = image.encoder();
        dir.write_tag(Tag::ModelPixelScaleTag, &[cell, cell, 0.0][..])
            .unwrap();
        dir.write_tag(
            Tag::ModelTiepointTag,
            &[0.0, 0.0, 0.0, origin.0, origin.1, 0.0][..],
        )
        .unwrap();
        dir.write_tag(Tag::GeoKeyDirectoryTag, geokeys).unwrap();
        dir.write_tag(Tag::GdalNodata, "-99999").unwrap();
        image.write_data(values).unwrap();
    }

    /// GeoKeys of EPSG:4326 (geographic, pixel is area) and of a projected EPSG code.
    fn keys_4326() -> Vec<u16> {
        vec![1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326]
    }
    fn keys_projected(code: u16) -> Vec<u16> {
        vec![1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, code]
    }

    fn demo() -> (OsmExtract, Residents) {
        let extract = OsmExtract::demo();
        let areas = residential_zones(&extract);
        let estimate = estimate_residents(&extract, &areas, &ResidentOptions::default());
        (extract, estimate)
    }

    /// Reference coordinates from PROJ 9 (pyproj `Transformer.from_crs("EPSG:4326", …)`) for
    /// Xinjiekou, Nanjing (118.768221, 32.040963) and Cape Town (18.4241, -33.9249).
    #[test]
    fn projections_match_proj() {
        let nanjing = Coord {
            x: 118.768221,
            y: 32.040963,
        };
        let cases = [
            (
                keys_projected(32650),
                nanjing,
                (666_955.300_6, 3_546_343.168_5),
            ),
            (
                keys_projected(32733),
                Coord {
                    x: 18.4241,
                    y: -33.9249,
                },
                (816_557.795_6, 6_240_887.995_6),
            ),
            (
                keys_projected(4547),
                nanjing,
                (950_592.599_5, 3_556_355.903_4),
            ),
            (
                keys_projected(4527),
                nanjing,
                (39_667_022.109_4, 3_547_762.273_3),
            ),
            (
                keys_projected(4499),
                nanjing,
                (21_100_143.788_9, 3_554_237.425_7),
            ),
            (
                keys_projected(3857),
                nanjing,
                (13_221_217.884_1, 3_768_688.859_3),
            ),
        ];
        for (dir, p, (x, y)) in cases {
            let keys = GeoKeys {
                shorts: dir[4..].chunks(4).map(|k| (k[0], k[3])).collect(),
                ..GeoKeys::default()
            };
            let crs = RasterCrs::from_keys(&keys).unwrap();
            let c = crs.project(p);
            assert!(
                (c.x - x).abs() < 0.05 && (c.y - y).abs() < 0.05,
                "{}: {c:?} vs {x},{y}",
                crs.name()
            );
            let back = crs.unproject(Coord { x, y });
            assert!((back.x - p.x).abs() < 1e-7 && (back.y - p.y).abs() < 1e-7);
        }
        let mollweide = RasterCrs::Mollweide;
        let c = mollweide.project(nanjing);
        assert!((c.x - 10_744_618.412_7).abs() < 0.05 && (c.y - 3_881_808.962_7).abs() < 0.05);
        let back = mollweide.unproject(c);
        assert!((back.x - nanjing.x).abs() < 1e-7 && (back.y - nanjing.y).abs() < 1e-7);
        let unknown = GeoKeys {
            shorts: vec![(PROJECTED_CS_TYPE, 2385)],
            ..GeoKeys::default()
        };
        let message = RasterCrs::from_keys(&unknown).unwrap_err();
        assert!(message.contains("EPSG:2385") && message.contains("gdalwarp"));
    }

    /// A WorldPop-style raster (EPSG:4326, deflate, nodata) larger than the region: the people
    /// kept are the sum of the cells whose centres lie in the region, computed here cell by cell.
    #[test]
    fn geographic_raster_total_is_the_sum_of_the_region_cells() {
        let (extract, estimate) = demo();
        let [w, s, e, n] = extract.bbox;
        let cell = 0.004;
        let origin = (w - 0.02, n + 0.02);
        let cols = ((e - w + 0.04) / cell).ceil() as u32;
        let rows = ((n - s + 0.04) / cell).ceil() as u32;
        let mut values = Vec::new();
        let mut expected = 0.0;
        let mut nodata_inside = 0;
        for r in 0..rows {
            for c in 0..cols {
                let v = if (r + c) % 7 == 0 {
                    -99999.0
                } else {
                    ((r * 3 + c) % 11) as f32 * 1.5
                };
                let lon = origin.0 + (f64::from(c) + 0.5) * cell;
                let lat = origin.1 - (f64::from(r) + 0.5) * cell;
                let inside = (w..=e).contains(&lon) && (s..=n).contains(&lat);
                if inside && v >= 0.0 {
                    expected += f64::from(v);
                }
                nodata_inside += usize::from(inside && v < 0.0);
                values.push(v);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("worldpop.tif");
        write_geotiff(
            &path,
            (cols, rows),
            origin,
            cell,
            &keys_4326(),
            &values,
            Compression::Deflate(Default::default()),
        );
        let (residents, summary) = read_population_raster(&path, extract.bbox, &estimate).unwrap();
        assert!(
            (summary.people - expected).abs() < 1e-6 * expected,
            "{summary:?} vs {expected}"
        );
        assert!((residents.total() - expected).abs() < 1e-6 * expected);
        assert_eq!(summary.cells_nodata as usize, nodata_inside);
        assert!(summary.people_in_buildings > 0.0 && summary.people_in_buildings < expected);
        assert!(residents.units.iter().all(|u| u.residents > 0.0));
    }

    /// Within one cell, people go to the buildings by their floor-area estimate.
    #[test]
    fn a_cells_people_go_to_its_buildings_by_floor_area() {
        let (extract, estimate) = demo();
        // One UTM 32N cell (LZW) of 1 km around the densest building of the demo.
        let densest = estimate
            .units
            .iter()
            .filter(|u| u.basis == ResidentBasis::Building)
            .max_by(|a, b| a.residents.total_cmp(&b.residents))
            .unwrap();
        let crs = RasterCrs::TransverseMercator {
            code: 32632,
            lon0_deg: 9.0,
            k0: 0.9996,
            false_easting_m: 500_000.0,
            false_northing_m: 0.0,
        };
        let c = crs.project(densest.location);
        let origin = (
            (c.x / 1000.0).floor() * 1000.0,
            (c.y / 1000.0).ceil() * 1000.0,
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("utm.tif");
        write_geotiff(
            &path,
            (1, 1),
            origin,
            1000.0,
            &keys_projected(32632),
            &[500.0],
            Compression::Lzw,
        );
        let (residents, summary) = read_population_raster(&path, extract.bbox, &estimate).unwrap();
        assert!((summary.people - 500.0).abs() < 1e-9);
        assert_eq!(summary.crs, "EPSG:32632 transverse Mercator");
        // Every building unit kept keeps its estimate's proportions.
        let ratio: Vec<f64> = residents
            .units
            .iter()
            .map(|u| {
                let original = estimate
                    .units
                    .iter()
                    .find(|e| e.source == u.source && e.location == u.location)
                    .unwrap();
                u.residents / original.residents
            })
            .collect();
        assert!(ratio.len() > 1);
        assert!(ratio.iter().all(|r| (r - ratio[0]).abs() < 1e-9 * ratio[0]));
    }

    #[test]
    fn bad_rasters_are_named() {
        let (extract, estimate) = demo();
        let [w, _, _, n] = extract.bbox;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("negative.tif");
        write_geotiff(
            &path,
            (3, 3),
            (w, n),
            0.01,
            &keys_4326(),
            &[1.0, 2.0, 3.0, 4.0, -5.0, 6.0, 7.0, 8.0, 9.0],
            Compression::Uncompressed,
        );
        let e = read_population_raster(&path, extract.bbox, &estimate).unwrap_err();
        assert!(e.to_string().contains("column 1, row 1 holds -5"), "{e}");
        let far = dir.path().join("far.tif");
        write_geotiff(
            &far,
            (2, 2),
            (100.0, 30.0),
            0.01,
            &keys_4326(),
            &[1.0; 4],
            Compression::Uncompressed,
        );
        let e = read_population_raster(&far, extract.bbox, &estimate).unwrap_err();
        assert!(e.to_string().contains("does not cover the region"), "{e}");
        let text = dir.path().join("text.tif");
        std::fs::write(&text, "lon,lat,count\n").unwrap();
        let e = read_population_raster(&text, extract.bbox, &estimate).unwrap_err();
        assert!(e.to_string().contains("not a readable TIFF"), "{e}");
    }
}
