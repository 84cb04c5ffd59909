//! The GTFS reader on the São Paulo centre feed (skipped when `../shared` is absent), and its
//! errors on files that are not GTFS feeds.

use std::path::{Path, PathBuf};

use lifecircle::Error;
use lifecircle::commute::gtfs::{DepartureWindow, read_gtfs};

/// The São Paulo centre feed, or `None` (with the reason printed) when it is not there.
fn sao_paulo_feed() -> Option<PathBuf> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/gtfs/sao-paulo-centre-gtfs.zip");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {} is absent (a fresh clone has no ../shared)",
            path.display()
        );
        None
    }
}

fn window(text: &str) -> DepartureWindow {
    DepartureWindow::parse(text).unwrap()
}

#[test]
fn sao_paulo_morning_peak_has_lines_with_scheduled_ride_times() {
    let Some(path) = sao_paulo_feed() else { return };
    let lines = read_gtfs(&path, window("07:00-08:00")).unwrap();
    assert_eq!(lines.source, path.display().to_string());
    // Every one of the feed's 36 trips (one per route and direction, all frequency-based) has a
    // frequencies.txt entry 07:00:00-07:59:00.
    assert_eq!(lines.lines.len(), 36, "{:?}", lines.warnings);
    assert!(lines.warnings.is_empty(), "{:?}", lines.warnings);
    for line in &lines.lines {
        assert!(line.stops.len() >= 2, "{}", line.id);
        assert_eq!(line.ride_s.len() + 1, line.stops.len(), "{}", line.id);
        assert!(line.ride_s.iter().all(|&s| s >= 0.0), "{}", line.id);
        assert!(line.headway_s > 0.0, "{}", line.id);
    }

    // Independently: the stop times of two trips, read with gtfs-structures directly.
    let feed = gtfs_structures::Gtfs::from_path(&path).unwrap();
    for (trip_id, headway_s) in [("2002-10-0", 360.0), ("CPTM L07-0", 360.0)] {
        let trip = &feed.trips[trip_id];
        let stop_ids: Vec<&str> = trip
            .stop_times
            .iter()
            .map(|st| st.stop.id.as_str())
            .collect();
        let prefix = format!("gtfs:{}:", trip.route_id);
        let line = lines
            .lines
            .iter()
            .find(|line| {
                line.id.starts_with(&prefix)
                    && line
                        .stops
                        .iter()
                        .map(|stop| stop.id.as_str())
                        .eq(stop_ids.iter().copied())
            })
            .unwrap_or_else(|| panic!("no line for trip {trip_id}"));
        assert_eq!(line.headway_s, headway_s, "{trip_id}");
        for k in 0..stop_ids.len() - 1 {
            let departure_s = trip.stop_times[k].departure_time.unwrap();
            let arrival_s = trip.stop_times[k + 1].arrival_time.unwrap();
            assert_eq!(
                line.ride_s[k],
                f64::from(arrival_s - departure_s),
                "{trip_id} leg {k}"
            );
        }
        let first = &trip.stop_times[0].stop;
        assert_eq!(line.stops[0].location.x, first.longitude.unwrap());
        assert_eq!(line.stops[0].location.y, first.latitude.unwrap());
        assert_eq!(line.stops[0].name, first.name);
    }
    let l07 = lines
        .lines
        .iter()
        .find(|line| line.id.starts_with("gtfs:CPTM L07:"))
        .unwrap();
    assert_eq!(l07.name, "CPTM L07 JUNDIAI - LUZ");
    // CPTM L07-0, 04:00:00 at 18940 then 04:08:00 at 18920.
    assert_eq!(l07.stops[0].id, "18940");
    assert_eq!(l07.ride_s[0], 480.0);
}

#[test]
fn sao_paulo_is_deterministic() {
    let Some(path) = sao_paulo_feed() else { return };
    let first = read_gtfs(&path, window("07:00-08:00")).unwrap();
    let second = read_gtfs(&path, window("07:00-08:00")).unwrap();
    assert_eq!(first, second);
    let ids: Vec<&str> = first.lines.iter().map(|line| line.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "ids are unique");
}

#[test]
fn sao_paulo_has_no_service_at_three() {
    let Some(path) = sao_paulo_feed() else { return };
    // The feed's frequencies run 04:00-23:59, plus six trips 00:00-00:59.
    let lines = read_gtfs(&path, window("03:00-03:10")).unwrap();
    assert!(lines.lines.is_empty(), "{:?}", lines.lines);
    let lines = read_gtfs(&path, window("00:00-00:10")).unwrap();
    assert_eq!(lines.lines.len(), 6);
}

#[test]
fn junk_file_is_a_clean_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.zip");
    std::fs::write(&path, "this is not a zip file\n").unwrap();
    let error = read_gtfs(&path, window("07:00-08:00")).unwrap_err();
    assert!(
        matches!(&error, Error::InvalidValue { what: "GTFS feed", value, .. }
            if *value == path.display().to_string()),
        "{error:?}"
    );
    assert!(error.to_string().contains("feed.zip"), "{error}");
}

#[test]
fn folder_without_gtfs_files_is_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stops.txt"), "junk\n\"unterminated").unwrap();
    let error = read_gtfs(dir.path(), window("07:00-08:00")).unwrap_err();
    assert!(
        matches!(
            &error,
            Error::InvalidValue {
                what: "GTFS feed",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn missing_file_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.zip");
    let error = read_gtfs(&path, window("07:00-08:00")).unwrap_err();
    match &error {
        Error::Io {
            path: reported,
            cause,
            ..
        } => {
            assert_eq!(reported.as_path(), path.as_path());
            assert_eq!(cause.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected Error::Io, got {other:?}"),
    }
    assert!(error.to_string().contains("absent.zip"), "{error}");
}

#[test]
fn window_parse_rejects_nonsense() {
    assert_eq!(
        window("07:00-08:00"),
        DepartureWindow {
            start_s: 25_200,
            end_s: 28_800
        }
    );
    for text in ["8-7", "25:00-26:00", "abc"] {
        let error = DepartureWindow::parse(text).unwrap_err();
        assert!(error.to_string().contains(text), "{error}");
    }
}
