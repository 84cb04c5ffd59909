//! Transit lines from a GTFS feed (a `.zip` or a folder of `.txt` files), read with the
//! `gtfs-structures` crate and turned into the neutral [`TransitLines`] of [`super::lines`].
//!
//! # From a feed and a departure window to lines with headways
//!
//! 1. **Service day: a weekday.** A trip is kept when its `service_id` runs on at least one of
//!    Monday..Friday in `calendar.txt`. A service that `calendar.txt` does not define, or defines
//!    with all seven days at 0, but that has dates in `calendar_dates.txt`, is kept too: the
//!    reader does not pick a date, so such a service is taken as running on the day studied.
//!    Trips whose service is in neither file are left out (counted in the warnings).
//! 2. **Stop patterns.** Trips are grouped by `(route_id, exact sequence of stop_ids)`.
//! 3. **Trips in the window** `[start, end)`:
//!    - a trip without `frequencies.txt` entries counts once when its departure at its first
//!      stop (its arrival there when the departure is missing) is in the window;
//!    - a trip with `frequencies.txt` entries counts through each entry whose
//!      `[start_time, end_time)` overlaps the window (its own stop times are a template);
//!    - times of 24:00:00 and later (after midnight, on the previous service day) also count
//!      24 h earlier, so that a 00:30–01:00 window sees a trip leaving at 24:40:00.
//! 4. **Headway** of a pattern, in seconds: the smallest `headway_secs` among its overlapping
//!    frequency entries; for scheduled trips, the window length divided by the number of its
//!    trips departing in the window (4 trips in one hour give 900 s). A pattern with both takes
//!    the smaller of the two.
//! 5. **Ride times** come from the pattern's *first trip in the window* (earliest departure in
//!    the window, then smallest `trip_id`): `ride_s[i] = arrival(i+1) − departure(i)`, so the
//!    dwell at stop `i+1` belongs to the next leg. A missing arrival takes the departure time and
//!    the other way round; a stop with neither is interpolated linearly between the nearest stops
//!    that have times, by `shape_dist_traveled` when those three stops all have it, else by the
//!    stop's position in the trip. When that trip's first or last stop has no time, the next trip
//!    of the pattern in the window is used; a pattern with no usable trip is dropped.
//! 6. **Stops** are `LineStop { id: stop_id, name: stop_name, location: (stop_lon, stop_lat) }`,
//!    with boarding and alighting allowed unless the first trip's `pickup_type` /
//!    `drop_off_type` there is 1 (none); reservation stops (2, 3) count as allowed.
//!    A stop without coordinates (a parent station without `stop_lat`/`stop_lon`, say) is left
//!    out with a warning, the ride time from the stop before it to the stop after it spanning
//!    it; a pattern left with fewer than two stops is dropped.
//! 7. **Order and names.** Lines are sorted by `(route_id, trip_id of the first trip in the
//!    window)` and named `gtfs:{route_id}:{n}`, `n` counting the route's patterns in the window
//!    from 1. A line's `name` is the route's short and long names, joined by a space.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use geo::Coord;
use gtfs_structures::{Gtfs, PickupDropOffType, StopTime, Trip};

use super::lines::{LineStop, TransitLine, TransitLines};
use crate::{Error, Result};

/// Seconds in a day: a GTFS time of 24:00:00 or later is also taken this much earlier.
const DAY_S: u32 = 24 * 3600;

/// A departure window, seconds after midnight, e.g. 07:00–08:00.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DepartureWindow {
    /// First second of the window, included.
    pub start_s: u32,
    /// End of the window, excluded (at most 24 h = 86 400 s).
    pub end_s: u32,
}

impl DepartureWindow {
    /// Parses `HH:MM-HH:MM` (seconds `HH:MM:SS` allowed, en dash `–` allowed), e.g.
    /// `07:00-08:00`. The start must come before the end, and both lie within 00:00–24:00.
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = |reason: &str| Error::InvalidValue {
            what: "departure window",
            value: text.to_string(),
            hint: format!("{reason}; expected HH:MM-HH:MM within 00:00-24:00, e.g. 07:00-08:00"),
        };
        let (start, end) = text
            .trim()
            .split_once(['-', '–'])
            .ok_or_else(|| invalid("no '-' between start and end"))?;
        let start_s = parse_clock_s(start.trim()).ok_or_else(|| invalid("bad start time"))?;
        let end_s = parse_clock_s(end.trim()).ok_or_else(|| invalid("bad end time"))?;
        if start_s >= end_s {
            return Err(invalid("the start is not before the end"));
        }
        Ok(Self { start_s, end_s })
    }

    /// Length of the window, in seconds.
    pub fn len_s(&self) -> u32 {
        self.end_s.saturating_sub(self.start_s)
    }

    /// Whether a departure at `time_s` (GTFS seconds, maybe past 24:00:00) is in the window.
    fn contains(&self, time_s: u32) -> bool {
        let inside = |t: u32| self.start_s <= t && t < self.end_s;
        inside(time_s) || (time_s >= DAY_S && inside(time_s - DAY_S))
    }

    /// The first second of `[from_s, to_s)` (GTFS seconds) inside the window, if they overlap.
    fn overlap_start(&self, from_s: u32, to_s: u32) -> Option<u32> {
        let first = |from: u32, to: u32| {
            (from < self.end_s && to > self.start_s).then(|| from.max(self.start_s))
        };
        first(from_s, to_s).or_else(|| {
            (to_s > DAY_S)
                .then(|| first(from_s.saturating_sub(DAY_S), to_s - DAY_S))
                .flatten()
        })
    }
}

impl fmt::Display for DepartureWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |s: u32| format!("{:02}:{:02}", s / 3600, s % 3600 / 60);
        write!(f, "{}-{}", hm(self.start_s), hm(self.end_s))
    }
}

/// `H:MM`, `HH:MM` or `HH:MM:SS`, at most 24:00:00, as seconds after midnight.
fn parse_clock_s(text: &str) -> Option<u32> {
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let number = |part: &str, max_digits: usize| {
        let ok = (1..=max_digits).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| part.parse::<u32>().ok()).flatten()
    };
    let hours = number(parts[0], 2)?;
    let minutes = number(parts[1], 2).filter(|m| parts[1].len() == 2 && *m < 60)?;
    let seconds = match parts.get(2) {
        Some(part) => number(part, 2).filter(|s| part.len() == 2 && *s < 60)?,
        None => 0,
    };
    let total_s = hours * 3600 + minutes * 60 + seconds;
    (total_s <= DAY_S).then_some(total_s)
}

/// Reads a GTFS zip (or folder) and returns the stop patterns that run in the window.
///
/// A missing path is [`Error::Io`]; a file or folder that is not a readable GTFS feed is
/// [`Error::InvalidValue`] naming the path and the cause. See the module docs for the rules.
pub fn read_gtfs(path: &Path, window: DepartureWindow) -> Result<TransitLines> {
    std::fs::metadata(path).map_err(|cause| Error::Io {
        path: path.to_path_buf(),
        action: crate::error::IoAction::Read,
        cause,
    })?;
    let not_gtfs = |error: gtfs_structures::Error| Error::InvalidValue {
        what: "GTFS feed",
        value: path.display().to_string(),
        hint: format!(
            "{}; expected a GTFS .zip or folder with agency.txt, stops.txt, routes.txt, trips.txt \
             and stop_times.txt",
            error_chain(&error)
        ),
    };
    // Unknown enum values (a `wheelchair_boarding = 3`) read as the default instead of
    // refusing the feed.
    let raw = gtfs_structures::GtfsReader::default()
        .unkown_enum_as_default(true)
        .raw()
        .read_from_path(path)
        .map_err(not_gtfs)?;
    let (raw, tolerated) = tolerate_unused(raw, path);
    let gtfs = Gtfs::try_from(raw).map_err(not_gtfs)?;
    let mut lines = lines_in_window(&gtfs, path.display().to_string(), window);
    lines.warnings.splice(0..0, tolerated);
    Ok(lines)
}

/// Files whose content lifecircle does not use (agency.txt, shapes.txt, fares, …) and, for
/// routes.txt, everything but the names: a spec slip in them (a `route_color` that is not
/// `RRGGBB`) is one warning and the file is left out, not a refused feed. routes.txt left out
/// means lines are named by their `route_id`.
fn tolerate_unused(
    mut raw: gtfs_structures::RawGtfs,
    path: &Path,
) -> (gtfs_structures::RawGtfs, Vec<String>) {
    let mut warnings = Vec::new();
    let mut note = |file: &str, error: &gtfs_structures::Error, effect: &str| {
        warnings.push(format!(
            "{}: {file} has an error in a field lifecircle does not use ({}); {effect}",
            path.display(),
            error_chain(error)
        ));
    };
    if let Err(e) = &raw.routes {
        note("routes.txt", e, "lines are named by their route_id");
        raw.routes = Ok(Vec::new());
    }
    if let Err(e) = &raw.agencies {
        note("agency.txt", e, "it is not used");
        raw.agencies = Ok(Vec::new());
    }
    macro_rules! optional {
        ($($field:ident: $file:literal),*) => {$(
            if let Some(Err(e)) = &raw.$field {
                note($file, e, "it is not used");
                raw.$field = None;
            }
        )*};
    }
    optional!(
        shapes: "shapes.txt",
        fare_attributes: "fare_attributes.txt",
        fare_rules: "fare_rules.txt",
        fare_products: "fare_products.txt",
        fare_media: "fare_media.txt",
        rider_categories: "rider_categories.txt",
        transfers: "transfers.txt",
        pathways: "pathways.txt",
        levels: "levels.txt",
        feed_info: "feed_info.txt",
        translations: "translations.txt",
        ticketing_deep_links: "ticketing_deep_links.txt"
    );
    (raw, warnings)
}

/// An error and its sources, joined by `: `.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Whether a service runs on a weekday (see the module docs).
fn runs_on_weekday(gtfs: &Gtfs, service_id: &str) -> bool {
    let in_dates = gtfs
        .calendar_dates
        .get(service_id)
        .is_some_and(|dates| !dates.is_empty());
    match gtfs.calendar.get(service_id) {
        Some(c) if c.monday || c.tuesday || c.wednesday || c.thursday || c.friday => true,
        Some(c) if c.saturday || c.sunday => false,
        _ => in_dates,
    }
}

/// The trips of one stop pattern that run in the window.
#[derive(Default)]
struct Pattern<'a> {
    /// `(first departure in the window, trip)`, one per trip.
    trips: Vec<(u32, &'a Trip)>,
    /// Departures of scheduled (non-frequency) trips in the window.
    scheduled_departures: u32,
    /// Smallest `headway_secs` among the frequency entries overlapping the window.
    min_headway_s: Option<u32>,
}

/// Counts of things left out, for the warnings.
#[derive(Default)]
struct Skipped {
    /// Trips whose service is in neither calendar file.
    unknown_service: usize,
    /// Trips with fewer than two stop times.
    too_few_stops: usize,
    /// Scheduled trips with no time at their first stop.
    no_first_time: usize,
    /// Frequency entries with `headway_secs` = 0.
    zero_headway: usize,
    /// Legs whose arrival is before the departure before it (set to 0 s).
    negative_legs: usize,
    /// Trips with a stop time after [`LAST_TIME_S`] (`99:99:99`).
    absurd_time: usize,
    /// Trips whose service runs on no day (all seven days 0, no dates).
    no_service_day: usize,
}

/// Latest stop time accepted: 48:00:00 (service after midnight goes past 24:00:00, but a
/// time like `99:99:99` is a slip; such a trip is left out and counted).
const LAST_TIME_S: u32 = 2 * DAY_S;

/// Whether a service's calendar.txt row runs on no day and it has no calendar_dates.txt
/// dates: such a trip never runs.
fn runs_on_no_day(gtfs: &Gtfs, service_id: &str) -> bool {
    let no_dates = gtfs
        .calendar_dates
        .get(service_id)
        .is_none_or(|d| d.is_empty());
    gtfs.calendar.get(service_id).is_some_and(|c| {
        ![
            c.monday,
            c.tuesday,
            c.wednesday,
            c.thursday,
            c.friday,
            c.saturday,
            c.sunday,
        ]
        .contains(&true)
    }) && no_dates
}

/// The lines of a parsed feed that run in the window: trips grouped into stop patterns (steps
/// 1–3 of the module docs), one line per pattern (4–6), numbered per route, and the warnings.
fn lines_in_window(gtfs: &Gtfs, source: String, window: DepartureWindow) -> TransitLines {
    let mut skipped = Skipped::default();
    let patterns = patterns_in_window(gtfs, window, &mut skipped);
    let mut dropped = Dropped::default();
    let lines = patterns
        .into_iter()
        .filter_map(|((route_id, _), pattern)| {
            pattern_line(gtfs, route_id, pattern, window, &mut skipped, &mut dropped)
        })
        .collect();
    let numbered = number_lines(lines);
    let warnings = window_warnings(gtfs, window, &skipped, &dropped, numbered.is_empty());
    TransitLines {
        source,
        lines: numbered,
        warnings,
    }
}

/// Stop patterns left out while turning them into lines, for the warnings.
#[derive(Default)]
struct Dropped<'a> {
    /// Stops without coordinates, and in how many patterns each was left out.
    no_coordinates: BTreeMap<&'a str, usize>,
    /// Patterns with no trip in the window that has times at both ends.
    no_times: usize,
    /// Patterns with fewer than two stops with coordinates.
    short: usize,
}

/// The weekday trips of the feed that depart in the window, grouped by `(route_id, stop_ids)`
/// (steps 1–3 of the module docs); trips left out are counted in `skipped`.
fn patterns_in_window<'a>(
    gtfs: &'a Gtfs,
    window: DepartureWindow,
    skipped: &mut Skipped,
) -> BTreeMap<(&'a str, Vec<&'a str>), Pattern<'a>> {
    let mut patterns: BTreeMap<(&str, Vec<&str>), Pattern> = BTreeMap::new();
    for trip in gtfs.trips.values() {
        if !usable_trip(gtfs, trip, skipped) {
            continue;
        }
        let Some(departures) = trip_departures(trip, window, skipped) else {
            continue;
        };
        let stop_ids = trip
            .stop_times
            .iter()
            .map(|st| st.stop.id.as_str())
            .collect();
        let pattern = patterns
            .entry((trip.route_id.as_str(), stop_ids))
            .or_default();
        pattern.trips.push((departures.first_s, trip));
        pattern.scheduled_departures += departures.scheduled;
        if let Some(h) = departures.min_headway_s {
            pattern.min_headway_s = Some(pattern.min_headway_s.map_or(h, |m| m.min(h)));
        }
    }
    patterns
}

/// Whether a trip runs on a weekday, has no absurd time and at least two stop times; the
/// reason it does not is counted in `skipped` (weekend-only service is expected, not counted).
fn usable_trip(gtfs: &Gtfs, trip: &Trip, skipped: &mut Skipped) -> bool {
    if !gtfs.calendar.contains_key(&trip.service_id)
        && !gtfs.calendar_dates.contains_key(&trip.service_id)
    {
        skipped.unknown_service += 1;
        return false;
    }
    if runs_on_no_day(gtfs, &trip.service_id) {
        skipped.no_service_day += 1;
        return false;
    }
    if !runs_on_weekday(gtfs, &trip.service_id) {
        return false; // weekend-only service: expected, not worth a warning
    }
    let absurd = |t: Option<u32>| t.is_some_and(|t| t > LAST_TIME_S);
    if trip
        .stop_times
        .iter()
        .any(|st| absurd(st.arrival_time) || absurd(st.departure_time))
    {
        skipped.absurd_time += 1;
        return false;
    }
    if trip.stop_times.len() < 2 {
        skipped.too_few_stops += 1;
        return false;
    }
    true
}

/// How one trip departs in the window.
struct TripDepartures {
    /// Its first departure in the window, seconds after midnight (below 24 h).
    first_s: u32,
    /// 1 for a scheduled trip departing in the window, 0 for a frequency-based one.
    scheduled: u32,
    /// The smallest `headway_secs` of its frequency entries overlapping the window.
    min_headway_s: Option<u32>,
}

/// When a trip departs in the window (step 3 of the module docs); `None` when it does not.
fn trip_departures(
    trip: &Trip,
    window: DepartureWindow,
    skipped: &mut Skipped,
) -> Option<TripDepartures> {
    if trip.frequencies.is_empty() {
        let Some(departure_s) = trip.stop_times[0]
            .departure_time
            .or(trip.stop_times[0].arrival_time)
        else {
            skipped.no_first_time += 1;
            return None;
        };
        return window.contains(departure_s).then_some(TripDepartures {
            first_s: departure_s % DAY_S,
            scheduled: 1,
            min_headway_s: None,
        });
    }
    let mut first_s = None::<u32>;
    let mut min_headway_s = None::<u32>;
    for frequency in &trip.frequencies {
        if frequency.headway_secs == 0 {
            skipped.zero_headway += 1;
            continue;
        }
        if let Some(from_s) = window.overlap_start(frequency.start_time, frequency.end_time) {
            first_s = Some(first_s.map_or(from_s, |s| s.min(from_s)));
            min_headway_s = Some(
                min_headway_s.map_or(frequency.headway_secs, |h| h.min(frequency.headway_secs)),
            );
        }
    }
    Some(TripDepartures {
        first_s: first_s?,
        scheduled: 0,
        min_headway_s,
    })
}

/// The line of one stop pattern (steps 4–6 of the module docs), with its route id and the id
/// of the trip its ride times come from; `None` (counted in `dropped`) when no trip has times
/// at both ends or fewer than two stops have coordinates.
fn pattern_line<'a>(
    gtfs: &Gtfs,
    route_id: &'a str,
    mut pattern: Pattern<'a>,
    window: DepartureWindow,
    skipped: &mut Skipped,
    dropped: &mut Dropped<'a>,
) -> Option<(&'a str, &'a str, TransitLine)> {
    pattern
        .trips
        .sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    let Some((trip, times)) = pattern
        .trips
        .iter()
        .find_map(|(_, trip)| Some((*trip, stop_times_s(&trip.stop_times)?)))
    else {
        dropped.no_times += 1;
        return None;
    };
    let (stops, kept_times) = located_stops(trip, times, &mut dropped.no_coordinates);
    if stops.len() < 2 {
        dropped.short += 1;
        return None;
    }
    let ride_s = kept_times
        .windows(2)
        .map(|pair| {
            let leg_s = pair[1].0 - pair[0].1;
            if leg_s < 0.0 {
                skipped.negative_legs += 1;
            }
            leg_s.max(0.0)
        })
        .collect();
    let line = TransitLine {
        id: String::new(),
        name: line_name(gtfs, route_id),
        stops,
        ride_s,
        headway_s: pattern_headway_s(&pattern, window),
    };
    Some((route_id, trip.id.as_str(), line))
}

/// The trip's stops that have coordinates, with their `(arrival, departure)` times; stops
/// without are counted in `no_coordinates`.
fn located_stops<'a>(
    trip: &'a Trip,
    times: Vec<(f64, f64)>,
    no_coordinates: &mut BTreeMap<&'a str, usize>,
) -> (Vec<LineStop>, Vec<(f64, f64)>) {
    let mut stops = Vec::new();
    let mut kept_times = Vec::new();
    for (stop_time, time) in trip.stop_times.iter().zip(times) {
        let stop = &stop_time.stop;
        let coordinates = stop.longitude.zip(stop.latitude);
        let Some((lon, lat)) = coordinates.filter(|(x, y)| x.is_finite() && y.is_finite()) else {
            *no_coordinates.entry(stop.id.as_str()).or_default() += 1;
            continue;
        };
        stops.push(LineStop {
            id: stop.id.clone(),
            name: stop.name.clone().filter(|name| !name.trim().is_empty()),
            location: Coord { x: lon, y: lat },
            pickup: stop_time.pickup_type != PickupDropOffType::NotAvailable,
            drop_off: stop_time.drop_off_type != PickupDropOffType::NotAvailable,
        });
        kept_times.push(time);
    }
    (stops, kept_times)
}

/// A pattern's headway, seconds (step 4 of the module docs): the smaller of the window over
/// its scheduled departures and its smallest frequency headway; the window when it has neither.
fn pattern_headway_s(pattern: &Pattern, window: DepartureWindow) -> f64 {
    let scheduled_headway_s = (pattern.scheduled_departures > 0)
        .then(|| f64::from(window.len_s()) / f64::from(pattern.scheduled_departures));
    let frequency_headway_s = pattern.min_headway_s.map(f64::from);
    match (scheduled_headway_s, frequency_headway_s) {
        (Some(a), Some(b)) => a.min(b),
        (Some(h), None) | (None, Some(h)) => h,
        (None, None) => f64::from(window.len_s()),
    }
}

/// The lines sorted by `(route_id, trip_id)` and given the ids `gtfs:{route_id}:{n}`, `n`
/// counting from 1 within each route.
fn number_lines(mut lines: Vec<(&str, &str, TransitLine)>) -> Vec<TransitLine> {
    lines.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut numbered = Vec::with_capacity(lines.len());
    let mut previous_route = None;
    let mut n = 0;
    for (route_id, _, mut line) in lines {
        n = if previous_route == Some(route_id) {
            n + 1
        } else {
            1
        };
        previous_route = Some(route_id);
        line.id = format!("gtfs:{route_id}:{n}");
        numbered.push(line);
    }
    numbered
}

/// One warning per kind of thing left out, and one when no line runs in the window.
fn window_warnings(
    gtfs: &Gtfs,
    window: DepartureWindow,
    skipped: &Skipped,
    dropped: &Dropped,
    no_line: bool,
) -> Vec<String> {
    let mut warnings = Vec::new();
    for (stop_id, count) in &dropped.no_coordinates {
        warnings.push(format!(
            "GTFS stop {stop_id} has no coordinates (stop_lat/stop_lon); left out of {count} \
             stop pattern(s)"
        ));
    }
    let notes = [
        (
            skipped.unknown_service,
            "GTFS trip(s) skipped: service_id in neither calendar.txt nor calendar_dates.txt",
        ),
        (
            skipped.too_few_stops,
            "GTFS trip(s) skipped: fewer than two stop times",
        ),
        (
            skipped.no_first_time,
            "GTFS trip(s) skipped: no time at the first stop",
        ),
        (
            skipped.zero_headway,
            "GTFS frequency entries skipped: headway_secs is 0",
        ),
        (
            dropped.no_times,
            "GTFS stop pattern(s) dropped: no trip in the window has times at both ends",
        ),
        (
            dropped.short,
            "GTFS stop pattern(s) dropped: fewer than two stops with coordinates",
        ),
        (
            skipped.negative_legs,
            "GTFS leg(s) arrive before they leave; ride time set to 0 s",
        ),
        (
            skipped.absurd_time,
            "GTFS trip(s) skipped: a stop time after 48:00:00 (a slip such as 99:99:99)",
        ),
        (
            skipped.no_service_day,
            "GTFS trip(s) skipped: their calendar.txt service runs on no day and has no calendar_dates.txt dates",
        ),
    ];
    for (count, what) in notes {
        if count > 0 {
            warnings.push(format!("{count} {what}"));
        }
    }
    if no_line {
        warnings.push(format!(
            "no GTFS line runs on a weekday in the window {window}: {} trip(s) in the feed{}",
            gtfs.trips.len(),
            if warnings.is_empty() {
                String::new()
            } else {
                " (see the notes above)".to_string()
            }
        ));
    }
    warnings
}

/// The route's short and long names, joined by a space (its id when it has neither).
fn line_name(gtfs: &Gtfs, route_id: &str) -> String {
    let Some(route) = gtfs.routes.get(route_id) else {
        return route_id.to_string();
    };
    let names: Vec<&str> = [&route.short_name, &route.long_name]
        .into_iter()
        .flatten()
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
        .collect();
    match names.as_slice() {
        [] => route_id.to_string(),
        [short, long] if short == long => short.to_string(),
        _ => names.join(" "),
    }
}

/// `(arrival, departure)` seconds at every stop of a trip, missing ones filled in (see the
/// module docs); `None` when the first or the last stop has no time.
fn stop_times_s(stop_times: &[StopTime]) -> Option<Vec<(f64, f64)>> {
    let known: Vec<Option<(f64, f64)>> = stop_times
        .iter()
        .map(|st| {
            let arrival = st.arrival_time.or(st.departure_time)?;
            let departure = st.departure_time.unwrap_or(arrival);
            Some((f64::from(arrival), f64::from(departure)))
        })
        .collect();
    known.first().copied().flatten()?;
    known.last().copied().flatten()?;
    let mut times = Vec::with_capacity(known.len());
    let mut before = 0; // index of the last stop with times, at or before i
    for (i, time) in known.iter().enumerate() {
        if let Some(time) = time {
            before = i;
            times.push(*time);
            continue;
        }
        let after = (i + 1..known.len()).find(|&j| known[j].is_some())?;
        let (_, from_s) = known[before]?;
        let (to_s, _) = known[after]?;
        let distance = |k: usize| stop_times[k].shape_dist_traveled.map(f64::from);
        let fraction = match (distance(before), distance(i), distance(after)) {
            (Some(d0), Some(d), Some(d1)) if d1 > d0 => ((d - d0) / (d1 - d0)).clamp(0.0, 1.0),
            _ => (i - before) as f64 / (after - before) as f64,
        };
        let time_s = from_s + fraction * (to_s - from_s);
        times.push((time_s, time_s));
    }
    Some(times)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_clock_windows() {
        let window = DepartureWindow::parse("07:00-08:00").unwrap();
        assert_eq!(
            window,
            DepartureWindow {
                start_s: 7 * 3600,
                end_s: 8 * 3600
            }
        );
        assert_eq!(window.len_s(), 3600);
        assert_eq!(window.to_string(), "07:00-08:00");
        let window = DepartureWindow::parse(" 7:30 – 09:15:30 ").unwrap();
        assert_eq!(
            window,
            DepartureWindow {
                start_s: 27_000,
                end_s: 33_330
            }
        );
        assert_eq!(DepartureWindow::parse("23:00-24:00").unwrap().len_s(), 3600);
    }

    #[test]
    fn parse_rejects_bad_windows_naming_the_text() {
        for text in [
            "8-7",
            "25:00-26:00",
            "abc",
            "08:00-07:00",
            "07:00-07:00",
            "07:60-08:00",
            "",
        ] {
            let error = DepartureWindow::parse(text).unwrap_err();
            assert!(
                matches!(&error, Error::InvalidValue { what: "departure window", value, .. } if value == text),
                "{text}: {error:?}"
            );
            assert!(error.to_string().contains(&format!("'{text}'")), "{error}");
        }
    }

    /// A small feed covering the rules of the module docs, as a folder.
    fn write_feed(dir: &Path) {
        let files = [
            (
                "agency.txt",
                "agency_id,agency_name,agency_url,agency_timezone\n\
                 A,Test,http://example.com,America/Sao_Paulo\n",
            ),
            (
                "stops.txt",
                "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n\
                 S1,One,-23.50,-46.60,0,\n\
                 S2,Two,-23.51,-46.61,0,\n\
                 S3,Three,-23.52,-46.62,0,\n\
                 S4,,-23.53,-46.63,0,\n\
                 P,Parent station,,,1,\n",
            ),
            (
                "routes.txt",
                "route_id,agency_id,route_short_name,route_long_name,route_type\n\
                 R1,A,10,Centre - Park,3\n\
                 R2,A,,Only Long,3\n\
                 R3,A,N1,,3\n\
                 F,A,F1,F1,3\n",
            ),
            (
                "calendar.txt",
                "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
                 WK,1,1,1,1,1,0,0,20240101,20241231\n\
                 WE,0,0,0,0,0,1,1,20240101,20241231\n\
                 ZERO,0,0,0,0,0,0,0,20240101,20241231\n",
            ),
            (
                "calendar_dates.txt",
                "service_id,date,exception_type\n\
                 CD,20240102,1\n\
                 ZERO,20240103,1\n",
            ),
            (
                "trips.txt",
                "route_id,service_id,trip_id\n\
                 R1,WK,r1a\nR1,WK,r1b\nR1,WK,r1c\nR1,WK,r1d\nR1,WK,r1e\nR1,WK,r1f\n\
                 R1,WE,r1w\nR1,CD,r1r\nR1,GHOST,r1g\n\
                 R2,ZERO,r2a\nR2,WK,r2b\nR3,WK,n1\nF,WK,f1\nF,WK,f2\n",
            ),
            (
                "stop_times.txt",
                "trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n\
                 r1a,07:00:00,07:00:00,S1,1,0\n\
                 r1a,,,S2,2,300\n\
                 r1a,07:10:00,07:11:00,S3,3,1000\n\
                 r1a,07:20:00,07:20:00,S4,4,2000\n\
                 r1b,07:15:00,07:15:00,S1,1,\nr1b,07:20:00,07:20:00,S2,2,\n\
                 r1b,07:30:00,07:30:00,S3,3,\nr1b,07:40:00,07:40:00,S4,4,\n\
                 r1c,07:30:00,07:30:00,S1,1,\nr1c,07:35:00,07:35:00,S2,2,\n\
                 r1c,07:45:00,07:45:00,S3,3,\nr1c,07:55:00,07:55:00,S4,4,\n\
                 r1d,07:45:00,07:45:00,S1,1,\nr1d,07:50:00,07:50:00,S2,2,\n\
                 r1d,08:00:00,08:00:00,S3,3,\nr1d,08:10:00,08:10:00,S4,4,\n\
                 r1e,08:00:00,08:00:00,S1,1,\nr1e,08:05:00,08:05:00,S2,2,\n\
                 r1e,08:15:00,08:15:00,S3,3,\nr1e,08:25:00,08:25:00,S4,4,\n\
                 r1f,06:59:00,06:59:00,S1,1,\nr1f,07:04:00,07:04:00,S2,2,\n\
                 r1f,07:14:00,07:14:00,S3,3,\nr1f,07:24:00,07:24:00,S4,4,\n\
                 r1w,07:10:00,07:10:00,S1,1,\nr1w,07:15:00,07:15:00,S2,2,\n\
                 r1w,07:25:00,07:25:00,S3,3,\nr1w,07:35:00,07:35:00,S4,4,\n\
                 r1r,07:20:00,07:20:00,S4,1,\nr1r,,,S3,5,\nr1r,,,S2,9,\nr1r,07:50:00,07:50:00,S1,12,\n\
                 r1g,07:05:00,07:05:00,S1,1,\nr1g,07:10:00,07:10:00,S2,2,\n\
                 r2a,07:00:00,07:00:00,S1,1,\nr2a,07:05:00,07:06:00,P,2,\nr2a,07:12:00,07:12:00,S3,3,\n\
                 r2b,07:00:00,07:00:00,P,1,\nr2b,07:05:00,07:05:00,S2,2,\n\
                 n1,24:40:00,24:40:00,S1,1,\nn1,24:50:00,24:50:00,S2,2,\n\
                 f1,06:00:00,06:00:00,S1,1,\nf1,06:04:00,06:05:00,S2,2,\n\
                 f2,10:00:00,10:00:00,S1,1,\nf2,10:09:00,10:09:00,S2,2,\n",
            ),
            (
                "frequencies.txt",
                "trip_id,start_time,end_time,headway_secs\n\
                 f1,06:00:00,07:30:00,600\n\
                 f1,07:30:00,09:00:00,300\n\
                 f2,10:00:00,11:00:00,120\n",
            ),
        ];
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }

    fn read_test_feed(window: &str) -> TransitLines {
        let dir = tempfile::tempdir().unwrap();
        write_feed(dir.path());
        let lines = read_gtfs(dir.path(), DepartureWindow::parse(window).unwrap()).unwrap();
        assert_eq!(lines.source, dir.path().display().to_string());
        lines
    }

    fn stop_ids(line: &TransitLine) -> Vec<&str> {
        line.stops.iter().map(|stop| stop.id.as_str()).collect()
    }

    #[test]
    fn window_gives_patterns_headways_and_ride_times() {
        let lines = read_test_feed("07:00-08:00");
        let ids: Vec<&str> = lines.lines.iter().map(|line| line.id.as_str()).collect();
        assert_eq!(ids, ["gtfs:F:1", "gtfs:R1:1", "gtfs:R1:2", "gtfs:R2:1"]);

        // Frequencies: the smallest headway among the entries overlapping the window; the
        // template's times give the ride (dwell at the last stop is not counted).
        let f = &lines.lines[0];
        assert_eq!((f.name.as_str(), f.headway_s), ("F1", 300.0));
        assert_eq!(stop_ids(f), ["S1", "S2"]);
        assert_eq!(f.ride_s, [240.0]);

        // Scheduled: r1a..r1d depart in [07:00, 08:00) (not r1f at 06:59, r1e at 08:00, nor
        // the weekend r1w): 4 trips, 900 s. r1a's S2 is interpolated by shape_dist_traveled
        // (07:03), and the dwell at S3 belongs to the leg S3 -> S4.
        let r1 = &lines.lines[1];
        assert_eq!(r1.name, "10 Centre - Park");
        assert_eq!(stop_ids(r1), ["S1", "S2", "S3", "S4"]);
        assert_eq!(r1.headway_s, 900.0);
        assert_eq!(r1.ride_s, [180.0, 420.0, 540.0]);
        assert_eq!(r1.stops[0].name.as_deref(), Some("One"));
        assert_eq!(r1.stops[3].name, None);
        assert_eq!(
            r1.stops[0].location,
            Coord {
                x: -46.60,
                y: -23.50
            }
        );

        // Service only in calendar_dates.txt is kept; S3 and S2 have no times and no
        // shape_dist_traveled: interpolated by position, whatever the stop_sequence gaps.
        let r1r = &lines.lines[2];
        assert_eq!(stop_ids(r1r), ["S4", "S3", "S2", "S1"]);
        assert_eq!(r1r.ride_s, [600.0, 600.0, 600.0]);
        assert_eq!(r1r.headway_s, 3600.0);

        // calendar.txt all zeros but dates in calendar_dates.txt: kept. The parent station P
        // has no coordinates: left out, the ride S1 -> S3 spans it, its dwell included.
        let r2 = &lines.lines[3];
        assert_eq!(r2.name, "Only Long");
        assert_eq!(stop_ids(r2), ["S1", "S3"]);
        assert_eq!(r2.ride_s, [720.0]);

        assert_eq!(
            lines.warnings,
            [
                "GTFS stop P has no coordinates (stop_lat/stop_lon); left out of 2 stop pattern(s)",
                "1 GTFS trip(s) skipped: service_id in neither calendar.txt nor calendar_dates.txt",
                "1 GTFS stop pattern(s) dropped: fewer than two stops with coordinates",
            ]
        );
        for line in &lines.lines {
            assert_eq!(line.ride_s.len() + 1, line.stops.len(), "{}", line.id);
        }
    }

    #[test]
    fn slips_in_unused_fields_are_tolerated_and_dropped_trips_counted() {
        let dir = tempfile::tempdir().unwrap();
        write_feed(dir.path());
        let append = |file: &str, text: &str| {
            let mut all = std::fs::read_to_string(dir.path().join(file)).unwrap();
            all.push_str(text);
            std::fs::write(dir.path().join(file), all).unwrap();
        };
        // A real city feed's slip: a route_color that is not RRGGBB.
        std::fs::write(
            dir.path().join("routes.txt"),
            "route_id,agency_id,route_short_name,route_long_name,route_type,route_color\n\
             R1,A,10,Centre - Park,3,blue\nR2,A,,Only Long,3,\nR3,A,N1,,3,\nF,A,F1,F1,3,\n",
        )
        .unwrap();
        append("calendar.txt", "NONE,0,0,0,0,0,0,0,20240101,20241231\n");
        append("trips.txt", "R2,NONE,never\nR2,WK,late\n");
        append(
            "stop_times.txt",
            "never,07:00:00,07:00:00,S1,1,\nnever,07:05:00,07:05:00,S2,2,\n\
             late,07:00:00,07:00:00,S1,1,\nlate,99:99:99,99:99:99,S2,2,\n",
        );
        let lines = read_gtfs(dir.path(), DepartureWindow::parse("07:00-08:00").unwrap()).unwrap();
        let ids: Vec<&str> = lines.lines.iter().map(|line| line.id.as_str()).collect();
        assert_eq!(ids, ["gtfs:F:1", "gtfs:R1:1", "gtfs:R1:2", "gtfs:R2:1"]);
        // routes.txt is left out: lines are named by route_id.
        assert_eq!(lines.lines[1].name, "R1");
        let w = &lines.warnings;
        assert!(
            w[0].contains("routes.txt") && w[0].contains("named by their route_id"),
            "{w:?}"
        );
        for needle in [
            "1 GTFS trip(s) skipped: a stop time after 48:00:00",
            "1 GTFS trip(s) skipped: their calendar.txt service runs on no day",
        ] {
            assert!(w.iter().any(|w| w.starts_with(needle)), "{needle}: {w:?}");
        }
    }

    #[test]
    fn no_line_in_the_window_comes_with_the_reason() {
        let lines = read_test_feed("03:00-04:00");
        assert!(lines.lines.is_empty());
        assert!(
            lines
                .warnings
                .iter()
                .any(|w| w.starts_with("no GTFS line runs on a weekday in the window 03:00-04:00")),
            "{:?}",
            lines.warnings
        );
    }

    #[test]
    fn departures_after_midnight_count_in_early_windows() {
        let lines = read_test_feed("00:30-01:00");
        let ids: Vec<&str> = lines.lines.iter().map(|line| line.id.as_str()).collect();
        assert_eq!(ids, ["gtfs:R3:1"]);
        assert_eq!(lines.lines[0].name, "N1");
        assert_eq!(lines.lines[0].ride_s, [600.0]);
        assert_eq!(lines.lines[0].headway_s, 1800.0);
    }

    #[test]
    fn window_without_service_gives_no_lines() {
        assert!(read_test_feed("03:00-03:10").lines.is_empty());
        // f2's frequency entry starts at 10:00: a window ending then does not see it.
        let lines = read_test_feed("09:00-10:00");
        assert!(lines.lines.is_empty(), "{:?}", lines.lines);
    }

    #[test]
    fn output_is_deterministic() {
        let first = read_test_feed("06:00-09:00");
        for _ in 0..3 {
            assert_eq!(read_test_feed("06:00-09:00").lines, first.lines);
        }
    }
}
