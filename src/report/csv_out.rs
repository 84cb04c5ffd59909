//! The one place our CSV files are started: every table a planner opens in a spreadsheet
//! (`coverage.csv`, `commute*.csv`, `drt_stops.csv`, `drt_timetable.csv`, `drt_riders.csv`,
//! the `facilities.csv` / `stops.csv` that `serve` saves) begins with a UTF-8 byte-order mark,
//! so that Excel on a Chinese Windows reads it as UTF-8 and shows the Chinese names instead of
//! mojibake (without the mark it guesses the ANSI code page, GBK). Our own readers (the
//! planner-file importer, the `csv` crate behind `tables.xlsx`) drop the mark.
//!
//! The GTFS feed stays without it: its files are read by machines by their first column name
//! (`agency_id`, `stop_id` …), the GTFS reference asks for plain UTF-8, and a validator or
//! reader that does not strip a BOM would see a column `\u{feff}agency_id`.

/// The UTF-8 byte-order mark, `EF BB BF`.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV writer for a table a planner opens in a spreadsheet: its bytes start with
/// [`UTF8_BOM`].
pub fn spreadsheet_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(UTF8_BOM.to_vec())
}

/// A CSV writer for a file read by machines only (the GTFS feed): plain UTF-8, no mark.
pub fn plain_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spreadsheet_table_starts_with_the_mark_and_reads_back_without_it() {
        let mut w = spreadsheet_writer();
        w.write_record(["站名", "lon"]).unwrap();
        w.write_record(["汉中路", "118.78"]).unwrap();
        let bytes = w.into_inner().unwrap();
        assert!(bytes.starts_with(UTF8_BOM));
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(r.headers().unwrap().get(0), Some("站名"));
        let mut plain = plain_writer();
        plain.write_record(["stop_id"]).unwrap();
        assert_eq!(plain.into_inner().unwrap(), b"stop_id\n");
    }
}
