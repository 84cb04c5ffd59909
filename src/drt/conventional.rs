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
//! * The lines also carry the general public, so the cost of those lines divided by the few
//!   workers of one run would mislead (thousands of 元 per trip): the cost, subsidy and CO₂
//!   **per rider trip** are given only when the scenario gives the lines' boardings
//!   (`[cost] today_boardings_per_day`, the operator's count over all lines serving the parks
//!   planned for), over those boardings; a park's share of them is its lines' share of the
//!   vehicle-km. Without it they are unknown ([`TodayFigures::boardings_per_day`] is `None`).
//!   A line serving two parks counts in both parks and once in the total.
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
    /// Boardings a day the per-trip figures rest on (the scenario's, or a park's share of
    /// them by vehicle-km); `None`: unknown.
    pub boardings_per_day: Option<f64>,
    /// Annual cost; trips, fare revenue, cost, subsidy and CO₂ per rider trip over
    /// `boardings_per_day` (the per-trip figures `None` when that is `None`, trips and fare
    /// revenue 0; the car CO₂ of the general public is never known and stays `None`).
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

/// The figures of `lines` used by `riders` workers, per rider trip over `boardings` a day.
fn today_figures(
    inputs: &TodayBusInputs<'_>,
    lines: &[&TransitLine],
    riders: u32,
    boardings: Option<f64>,
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
        boardings_per_day: boardings,
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
        rider_trips: boardings.unwrap_or(0.0),
        rider_car_km: 0.0,
    };
    out.cost = figures(&day, cost);
    out
}

/// The lines (indices into `inputs.lines`) with a stop within walking distance of `zone`.
fn serving(inputs: &TodayBusInputs<'_>, zone: &Zone) -> Vec<usize> {
    (0..inputs.lines.lines.len())
        .filter(|&i| {
            inputs.lines.lines[i]
                .stops
                .iter()
                .any(|s| distance_to_zone_m(zone, s.location) <= inputs.stop_walk_m)
        })
        .collect()
}

/// Vehicle-km a day of the lines `of`.
fn km_day(inputs: &TodayBusInputs<'_>, of: &[usize], cost: &CostOptions) -> f64 {
    of.iter()
        .map(|&i| {
            line_day(
                &inputs.lines.lines[i],
                inputs.window_s,
                cost.car_detour_factor,
            )
            .2
        })
        .sum()
}

/// Today's conventional bus for each park planned for and in total (see the module docs).
pub fn today_bus(inputs: &TodayBusInputs<'_>, cost: &CostOptions) -> TodayBus {
    let per_park: Vec<Vec<usize>> = inputs
        .parks
        .zones
        .iter()
        .map(|z| serving(inputs, z))
        .collect();
    let all_lines: BTreeSet<usize> = per_park.iter().flatten().copied().collect();
    let all: Vec<usize> = all_lines.iter().copied().collect();
    let total_km = km_day(inputs, &all, cost);
    let boardings = cost.today_boardings_per_day;
    let mut parks = Vec::new();
    let mut all_riders = 0;
    for (zone, serving) in inputs.parks.zones.iter().zip(&per_park) {
        if serving.is_empty() {
            parks.push(ParkTodayBus {
                park: zone.id,
                figures: None,
            });
            continue;
        }
        let riders: u32 = inputs
            .riders
            .iter()
            .filter(|r| r.park == zone.id && takes_bus(inputs.existing, r.booking, zone.id))
            .map(|r| r.count)
            .sum();
        // The park's share of the boardings: its lines' share of the vehicle-km.
        let share = if total_km > 0.0 {
            km_day(inputs, serving, cost) / total_km
        } else {
            0.0
        };
        let lines: Vec<&TransitLine> = serving.iter().map(|&i| &inputs.lines.lines[i]).collect();
        parks.push(ParkTodayBus {
            park: zone.id,
            figures: Some(today_figures(
                inputs,
                &lines,
                riders,
                boardings.map(|b| b * share),
                cost,
            )),
        });
        all_riders += riders;
    }
    let lines: Vec<&TransitLine> = all.iter().map(|&i| &inputs.lines.lines[i]).collect();
    TodayBus {
        source: inputs.lines.source.clone(),
        window_s: inputs.window_s,
        parks,
        total: (!lines.is_empty())
            .then(|| today_figures(inputs, &lines, all_riders, boardings, cost)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commute::lines::LineStop;
    use crate::commute::{CommuteOptions, ModeReach, ParkCommute};
    use crate::geom::EARTH_RADIUS_M;
    use crate::places::profile::ZoneKind;
    use crate::places::{Source, Zone};
    use geo::{MultiPolygon, polygon};

    /// Metres in one degree of latitude.
    const M_PER_DEG: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

    fn park(id: u32, x0: f64, y0: f64) -> Zone {
        Zone {
            id: ZoneId(id),
            code: format!("P{}", id + 1),
            name: String::new(),
            polygon: MultiPolygon(vec![polygon![
                (x: x0, y: y0), (x: x0 + 0.001, y: y0), (x: x0 + 0.001, y: y0 + 0.001),
                (x: x0, y: y0 + 0.001), (x: x0, y: y0)
            ]]),
            area_ha: 1.0,
            gates: Vec::new(),
            source: Source::Osm(Vec::new()),
        }
    }

    fn stop(y: f64) -> LineStop {
        LineStop {
            id: format!("s{y}"),
            name: None,
            location: Coord { x: 0.0, y },
            pickup: true,
            drop_off: true,
        }
    }

    fn rider(booking: usize, count: u32, park: u32) -> Rider {
        Rider {
            booking,
            count,
            park: ZoneId(park),
            stop: None,
            walk_s: None,
            on_foot: false,
            vehicle: None,
            line: None,
            board_s: None,
            arrive_s: None,
            direct_ride_s: None,
            in_vehicle_s: None,
            door_to_door_s: None,
            evening_in_vehicle_s: None,
            existing_best_s: None,
            unserved: None,
        }
    }

    fn times(mode: Mode, unit_ms: Vec<u32>) -> ModeReach {
        ModeReach {
            mode,
            residents_within: [0.0; 4],
            share_within: [0.0; 4],
            reach: MultiPolygon(Vec::new()),
            residents_within_target: 0.0,
            unit_ms,
        }
    }

    fn booking(x: f64, y: f64, park: u32) -> Booking {
        Booking {
            location: Coord { x, y },
            park: ZoneId(park),
            arrive_by_s: 8 * 3600,
            count: 1,
            source: Source::Osm(Vec::new()),
        }
    }

    /// One line of three stops 0.01° of latitude apart, 5 min per leg, every 10 min, ending
    /// 55 m from park P1; park P2 far away. By hand: 2 × 60 / 10 = 12 departures a day, each
    /// 2 × 0.01° × 1.3 long and 10 min, 1 vehicle; 3 workers take the bus (bus 20 min, walk 40).
    #[test]
    fn one_line_by_hand_and_no_line_is_no_data() {
        let lines = TransitLines {
            source: "test".into(),
            lines: vec![TransitLine {
                id: "L".into(),
                name: "Line 1".into(),
                stops: vec![stop(0.0), stop(0.01), stop(0.02)],
                ride_s: vec![300.0, 300.0],
                headway_s: 600.0,
            }],
            warnings: Vec::new(),
        };
        let parks = Zones {
            kind: ZoneKind::Parks,
            zones: vec![park(0, 0.0005, 0.0195), park(1, 1.0, 1.0)],
            too_small: 0,
            notes: Vec::new(),
        };
        // Booking 0 (3 workers): bus 20 min, walk 40; 1 (2): the "bus" is walking (30 = 30);
        // 2 (5): no bus within 60 min; 3 (4): the other park.
        let m = |min: u32| min * 60_000;
        let walk = times(Mode::Walk, vec![m(40), m(30), m(50), m(10)]);
        let bus = times(Mode::Bus, vec![m(20), m(30), UNREACHED, m(5)]);
        let bike = times(Mode::Bike, vec![m(10), m(10), m(10), m(10)]);
        let commute = |zone: u32| ParkCommute {
            zone: ZoneId(zone),
            modes: vec![walk.clone(), bike.clone(), bus.clone()],
            outside: Vec::new(),
            outside_total: (0, 0.0),
            districts: Vec::new(),
            bikeshare_points: Vec::new(),
            service_area: MultiPolygon(Vec::new()),
        };
        let existing = CommuteReport {
            options: CommuteOptions::default(),
            parks: vec![commute(0), commute(1)],
            residents_total: 10.0,
            transit_source: "test".into(),
            transit_lines: 1,
            transit_stops: 3,
            bikeshare_points: 0,
            nearest_park_ms: Vec::new(),
        };
        let riders = [
            rider(0, 3, 0),
            rider(1, 2, 0),
            rider(2, 5, 0),
            rider(3, 4, 1),
        ];
        let bookings = [
            booking(0.001, 0.0, 0),
            booking(0.0, 0.0, 0),
            booking(0.0, 0.0, 0),
            booking(1.0, 0.99, 1),
        ];
        let cost = CostOptions::default();
        let today = today_bus(
            &TodayBusInputs {
                lines: &lines,
                parks: &parks,
                existing: &existing,
                riders: &riders,
                bookings: &bookings,
                window_s: 3600,
                stop_walk_m: 800.0,
            },
            &cost,
        );
        assert_eq!(
            today.parks[1].figures, None,
            "no line near P2: no data, not 0"
        );
        let f = today.parks[0].figures.as_ref().expect("the line serves P1");
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1.0);
        let length_km = 2.0 * 0.01 * M_PER_DEG * 1.3 / 1000.0;
        assert!(close(f.departures_day, 12.0));
        assert!(close(f.vehicles, 1.0));
        assert!(
            close(f.vehicle_km_day, 12.0 * length_km),
            "{}",
            f.vehicle_km_day
        );
        assert!(close(f.vehicle_h_day, 2.0));
        assert_eq!(f.riders, 3);
        // A full-size bus: the day cost of the largest size (900 元), 2 元/km, 60 元/h.
        let per_day = 900.0 + 12.0 * length_km * 2.0 + 2.0 * 60.0;
        assert!(close(f.cost.annual_cost, per_day * 250.0));
        // The 3 workers are not the line's riders: per-trip figures are unknown.
        assert_eq!(f.boardings_per_day, None);
        assert_eq!(f.cost.annual_rider_trips, 0.0);
        assert_eq!(f.cost.cost_per_rider_trip, None, "unknown, not 0");
        assert_eq!(f.cost.subsidy_per_rider_trip, None);
        assert_eq!(f.cost.co2_g_per_rider_trip, None);
        assert_eq!(f.cost.car_co2_g_per_rider_trip, None);
        // With the operator's 600 boardings a day, over those: the park's lines are all the
        // lines, so it gets all 600.
        let with = CostOptions {
            today_boardings_per_day: Some(600.0),
            ..CostOptions::default()
        };
        let counted = today_bus(
            &TodayBusInputs {
                lines: &lines,
                parks: &parks,
                existing: &existing,
                riders: &riders,
                bookings: &bookings,
                window_s: 3600,
                stop_walk_m: 800.0,
            },
            &with,
        );
        let g = counted.parks[0]
            .figures
            .as_ref()
            .expect("the line serves P1");
        assert_eq!(g.boardings_per_day, Some(600.0));
        assert!(close(g.cost.annual_rider_trips, 600.0 * 250.0));
        let known = |x: Option<f64>| x.expect("over the operator's boardings");
        assert!(close(known(g.cost.cost_per_rider_trip), per_day / 600.0));
        assert!(close(
            known(g.cost.subsidy_per_rider_trip),
            per_day / 600.0 - 2.0
        ));
        assert!(close(
            known(g.cost.co2_g_per_rider_trip),
            12.0 * length_km * 1000.0 / 600.0
        ));
        assert_eq!(
            counted.total.as_ref().and_then(|t| t.boardings_per_day),
            Some(600.0)
        );
        assert_eq!(today.total.as_ref().map(|t| t.riders), Some(3));
    }
}
