//! Today's conventional bus beside the proposal: what the existing lines that serve a park in
//! the commute window cost, per rider trip of the park's workers who take them.
//!
//! * **Lines serving a park**: the GTFS or OSM `route=bus` lines running in the commute window
//!   (GTFS: trips departing in it; OSM: every relation) with a stop within
//!   [`TodayBusInputs::stop_walk_m`] in a straight line of the park's outline (0 inside it).
//! * **Service of one commute window** of a line: departures = window ÷ headway (GTFS: the
//!   headway of the timetable in the window, i.e. exactly its scheduled departures; OSM: the
//!   relation's `interval` tag, else the commute stage's default headway), each running the
//!   whole line: route length = Σ straight-line stop-to-stop distance × the `[cost]` table's
//!   `car_detour_factor`, trip time = Σ in-vehicle times of the line. A day is the morning
//!   window and the same service in the evening, as for the proposed lines.
//! * **Vehicles** in service at once = trip time ÷ headway (no layover), each charged the day
//!   cost of the largest size in `[cost] seats` (a full-size bus), as is its CO₂ per km.
//! * **Riders** = the park's workers (the same bookings or synthetic sample as the proposal)
//!   who would take the bus today: it gets them to the park within 60 minutes and quicker than
//!   walking all the way (bikes are left out: they need a bike at hand).
//! * The lines also carry other passengers, so the cost per rider trip is that of the service
//!   these workers rely on, not a fare-box figure; a line serving two parks counts in both
//!   parks and once in the total.
//!
//! A park with no such line gets no figures ("no bus line today": no data), never 0.

use std::collections::BTreeSet;

use geo::Coord;

use super::cost::{CostFigures, CostOptions, DayUse, figures};
use super::lines::Rider;
use crate::commute::CommuteReport;
use crate::commute::lines::{TransitLine, TransitLines};
use crate::geom::{LocalProjection, closest_on_segment, haversine_m, multipolygon_contains};
use crate::graph::Mode;
use crate::places::demand::Booking;
use crate::places::{Zone, ZoneId, Zones};
use crate::routing::UNREACHED;

/// What [`today_bus`] needs.
pub struct TodayBusInputs<'a> {
    /// Today's lines in the commute window.
    pub lines: &'a TransitLines,
    /// The parks planned for.
    pub parks: &'a Zones,
    /// The commute stage run on the same workers, with unit times kept.
    pub existing: &'a CommuteReport,
    /// The workers (riders of the proposal, bookings in the same order as `existing`'s units).
    pub riders: &'a [Rider],
    /// Their bookings.
    pub bookings: &'a [Booking],
    /// Length of the commute window, seconds.
    pub window_s: u32,
    /// A line serves a park with a stop this close to its outline, metres.
    pub stop_walk_m: f64,
}

/// Today's bus service of one park, or of all parks together.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TodayFigures {
    /// The lines (source ids, e.g. `relation/123`, `gtfs:R1:1`) and their names.
    pub lines: Vec<(String, String)>,
    /// Departures a day (both windows).
    pub departures_day: f64,
    /// Vehicles in service at once.
    pub vehicles: f64,
    /// Vehicle-km a day.
    pub vehicle_km_day: f64,
    /// Vehicle-hours a day.
    pub vehicle_h_day: f64,
    /// Workers who would take the bus today (quicker than walking, within 60 minutes).
    pub riders: u32,
    /// Annual cost, revenue, subsidy and CO₂ per rider trip (per-trip figures are 0 without
    /// riders: see `riders`).
    pub cost: CostFigures,
}

/// Today's bus of one park: `None` when no line serves it (no data).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ParkTodayBus {
    /// The park.
    pub park: ZoneId,
    /// Its figures, or `None`: no bus line today.
    pub figures: Option<TodayFigures>,
}

/// Today's conventional bus beside the proposal.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct TodayBus {
    /// Where the lines come from.
    pub source: String,
    /// The commute window, seconds.
    pub window_s: u32,
    /// Per park planned for.
    pub parks: Vec<ParkTodayBus>,
    /// All parks, each line once; `None` when no park has a line.
    pub total: Option<TodayFigures>,
}

/// Straight-line metres from `p` to the outline of `zone` (0 inside).
fn distance_to_zone_m(zone: &Zone, p: Coord) -> f64 {
    if multipolygon_contains(&zone.polygon, p) {
        return 0.0;
    }
    let proj = LocalProjection::new(p);
    let q = proj.project(p);
    let mut best2 = f64::INFINITY;
    for poly in &zone.polygon.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for w in ring.0.windows(2) {
                let (_, d2) = closest_on_segment(q, proj.project(w[0]), proj.project(w[1]));
                best2 = best2.min(d2);
            }
        }
    }
    best2.sqrt()
}

/// One line's service a day (both windows): departures, vehicles, km, hours.
fn line_day(line: &TransitLine, window_s: u32, detour: f64) -> (f64, f64, f64, f64) {
    if line.headway_s.is_nan() || line.headway_s <= 0.0 {
        return (0.0, 0.0, 0.0, 0.0);
    }
    let length_km = line
        .stops
        .windows(2)
        .map(|w| haversine_m(w[0].location, w[1].location))
        .sum::<f64>()
        * detour
        / 1000.0;
    let trip_s: f64 = line.ride_s.iter().sum();
    let departures = 2.0 * f64::from(window_s) / line.headway_s;
    (
        departures,
        trip_s / line.headway_s,
        departures * length_km,
        departures * trip_s / 3600.0,
    )
}

/// Whether booking `unit` would take the bus to `park` today: the bus (walk, wait, ride, walk)
/// gets them there within 60 minutes and quicker than walking all the way. Bikes and e-bikes
/// are left out of the comparison: they need a bike of one's own or a shared one nearby.
fn takes_bus(existing: &CommuteReport, unit: usize, park: ZoneId) -> bool {
    let Some(p) = existing.parks.iter().find(|p| p.zone == park) else {
        return false;
    };
    let time = |mode: Mode| {
        p.modes
            .iter()
            .find(|m| m.mode == mode)
            .and_then(|m| m.unit_ms.get(unit).copied())
            .filter(|&t| t != UNREACHED)
    };
    // The bus time is never above walking (walking all the way is a bus "trip" too), so
    // the bus is only someone's way when it beats walking.
    time(Mode::Bus).is_some_and(|bus| time(Mode::Walk).is_none_or(|walk| bus < walk))
}

/// The figures of `lines` for `riders` workers who would drive `car_km` a day one way.
fn today_figures(
    inputs: &TodayBusInputs<'_>,
    lines: &[&TransitLine],
    riders: u32,
    car_km: f64,
    cost: &CostOptions,
) -> TodayFigures {
    let seats = cost.seats.last().copied().unwrap_or(0);
    let mut out = TodayFigures {
        lines: lines
            .iter()
            .map(|l| (l.id.clone(), l.name.clone()))
            .collect(),
        departures_day: 0.0,
        vehicles: 0.0,
        vehicle_km_day: 0.0,
        vehicle_h_day: 0.0,
        riders,
        cost: CostFigures::default(),
    };
    for line in lines {
        let (d, v, km, h) = line_day(line, inputs.window_s, cost.car_detour_factor);
        out.departures_day += d;
        out.vehicles += v;
        out.vehicle_km_day += km;
        out.vehicle_h_day += h;
    }
    let day = DayUse {
        vehicle_day_cost: out.vehicles * cost.vehicle_day(seats),
        vehicle_km: out.vehicle_km_day,
        vehicle_h: out.vehicle_h_day,
        co2_g: out.vehicle_km_day * cost.bus_co2_g_per_km(seats),
        rider_trips: 2.0 * f64::from(riders),
        rider_car_km: 2.0 * car_km,
    };
    out.cost = figures(&day, cost);
    out
}

/// Today's conventional bus for each park planned for and in total (see the module docs).
pub fn today_bus(inputs: &TodayBusInputs<'_>, cost: &CostOptions) -> TodayBus {
    let mut parks = Vec::new();
    let mut all_lines: BTreeSet<usize> = BTreeSet::new();
    let (mut all_riders, mut all_car_km) = (0, 0.0);
    for zone in &inputs.parks.zones {
        let serving: Vec<usize> = (0..inputs.lines.lines.len())
            .filter(|&i| {
                inputs.lines.lines[i]
                    .stops
                    .iter()
                    .any(|s| distance_to_zone_m(zone, s.location) <= inputs.stop_walk_m)
            })
            .collect();
        if serving.is_empty() {
            parks.push(ParkTodayBus {
                park: zone.id,
                figures: None,
            });
            continue;
        }
        let (mut riders, mut car_km) = (0u32, 0.0);
        for r in inputs.riders.iter().filter(|r| r.park == zone.id) {
            if takes_bus(inputs.existing, r.booking, zone.id) {
                riders += r.count;
                let home = inputs.bookings[r.booking].location;
                car_km += f64::from(r.count) * distance_to_zone_m(zone, home) / 1000.0
                    * cost.car_detour_factor;
            }
        }
        let lines: Vec<&TransitLine> = serving.iter().map(|&i| &inputs.lines.lines[i]).collect();
        parks.push(ParkTodayBus {
            park: zone.id,
            figures: Some(today_figures(inputs, &lines, riders, car_km, cost)),
        });
        all_lines.extend(serving);
        all_riders += riders;
        all_car_km += car_km;
    }
    let lines: Vec<&TransitLine> = all_lines.iter().map(|&i| &inputs.lines.lines[i]).collect();
    TodayBus {
        source: inputs.lines.source.clone(),
        window_s: inputs.window_s,
        parks,
        total: (!lines.is_empty())
            .then(|| today_figures(inputs, &lines, all_riders, all_car_km, cost)),
    }
}
