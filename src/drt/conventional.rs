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
        // A full-size bus: the day cost of the largest size (900 元), 3 元/km, 60 元/h.
        let per_day = 900.0 + 12.0 * length_km * 3.0 + 2.0 * 60.0;
        assert!(close(f.cost.annual_cost, per_day * 250.0));
        assert!(close(f.cost.annual_rider_trips, 1500.0));
        assert!(close(f.cost.cost_per_rider_trip, per_day / 6.0));
        assert!(close(f.cost.subsidy_per_rider_trip, per_day / 6.0 - 2.0));
        assert!(close(
            f.cost.co2_g_per_rider_trip,
            12.0 * length_km * 1000.0 / 6.0
        ));
        // Home 0.0195° south of the park's edge, 3 workers, twice a day, 1.2 per car.
        let car_km = 0.0195 * M_PER_DEG * 1.3 / 1000.0;
        assert!(
            (f.cost.car_co2_g_per_rider_trip - car_km * 204.2 / 1.2).abs() < 0.05,
            "{}",
            f.cost.car_co2_g_per_rider_trip
        );
        assert_eq!(today.total.as_ref().map(|t| t.riders), Some(3));
    }
}
