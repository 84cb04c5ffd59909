//! Files of the bus-line stage: `drt_routes.geojson` (each departure of each line along the
//! roads), `drt_stops.geojson`, `drt_stops.csv` (the pick-up stops, readable back as a
//! stops file), `drt_timetable.csv` (line, departure, stop calls),
//! `drt_riders.csv` (every booking: stop, line, times, or why it is not carried), `drt.json`
//! (KPIs beside the best existing mode, every line with its named stops in order, departures,
//! vehicles, km, hours and costs, the assumptions, the checker's verdict) and a GTFS feed in
//! `gtfs/` (routes = lines, trips = departures). Every file says whether the demand is
//! synthetic.

use serde_json::{Value, json};

use super::{OutputFile, feature, feature_collection, point_geometry, round, to_json_bytes};
use crate::drt::conventional::{TodayBus, TodayFigures};
use crate::drt::cost::CostFigures;
use crate::drt::demand::NoLine;
use crate::drt::lines::{Departure, Line, LinePlan, Period, StopId, booking_source};
use crate::lang::{self, Lang, RiderReason};
use crate::places::demand::{Booking, GivenColumns, format_clock as clock};
use crate::places::import::RowWarning;
use crate::places::{ZoneId, Zones};

/// What the run was made from, for `drt.json`.
#[derive(Clone, Debug)]
pub struct DrtRunInfo<'a> {
    /// The OSM file.
    pub source: &'a str,
    /// The demand file, or `None` for a synthetic sample.
    pub demand: Option<&'a str>,
    /// The seed of the sample and the search.
    pub seed: u64,
    /// Demand rows that could not be used.
    pub skipped_rows: &'a [RowWarning],
    /// The booking file's columns as given (none for a synthetic sample).
    pub given: Option<&'a GivenColumns>,
    /// Time zone written to the GTFS feed (IANA name).
    pub timezone: &'a str,
    /// Language of the GTFS names (agency, routes, gate stops); the other files are English.
    pub lang: Lang,
    /// The parks planned for that no line serves, and why
    /// ([`crate::plan::BusLines::no_line`]).
    pub no_line: &'a [(ZoneId, NoLine)],
    /// Today's conventional bus serving the same parks ([`crate::plan::BusLines::today_bus`]).
    pub today_bus: Option<&'a TodayBus>,
}

fn minutes(s: Option<u32>) -> String {
    s.map_or(String::new(), |s| format!("{:.1}", f64::from(s) / 60.0))
}

/// A table a planner opens in a spreadsheet (with the UTF-8 mark, [`super::csv_out`]).
fn csv_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    table_bytes(super::csv_out::spreadsheet_writer(), header, rows)
}

/// A file of the GTFS feed (plain UTF-8, [`super::csv_out`]).
fn gtfs_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    table_bytes(super::csv_out::plain_writer(), header, rows)
}

fn table_bytes(mut w: csv::Writer<Vec<u8>>, header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    w.write_record(header).expect("writing to memory");
    for r in rows {
        w.write_record(&r).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// Every departure with its line, lines in order, morning before evening.
fn departures(plan: &LinePlan) -> impl Iterator<Item = (&Line, &Departure)> {
    plan.lines
        .iter()
        .flat_map(|l| l.departures.iter().map(move |d| (l, d)))
        .filter(|(_, d)| !d.calls.is_empty())
}

/// Every file [`drt_files`] writes, and the `tables.xlsx` the command adds.
pub const DRT_FILES: &[&str] = &[
    "drt_routes.geojson",
    "drt_stops.geojson",
    "drt_stops.csv",
    "drt_timetable.csv",
    "drt_riders.csv",
    "drt.json",
    "gtfs/agency.txt",
    "gtfs/stops.txt",
    "gtfs/routes.txt",
    "gtfs/trips.txt",
    "gtfs/stop_times.txt",
    "gtfs/calendar.txt",
    "gtfs/shapes.txt",
    "tables.xlsx",
];

/// The columns of `drt_riders.csv` computed by the tool; after them come `lon_given`,
/// `lat_given`, `crs` and the booking file's other columns under their own headers.
pub const RIDER_COLUMNS: &[&str] = &[
    "source",
    "lon",
    "lat",
    "park",
    "arrive_by",
    "workers",
    "stop",
    "walk_min",
    "line",
    "board",
    "arrive",
    "direct_ride_min",
    "in_vehicle_min",
    "door_to_door_min",
    "evening_in_vehicle_min",
    "existing_best_min",
    "unserved_reason",
    "demand",
    "vehicle",
];

/// Headers of `drt_riders.csv`: ours, the coordinates as given and their CRS, then the booking
/// file's unused columns as written (one named like ours gets `_given` appended).
fn given_headers(ours: &[&str], given: Option<&GivenColumns>) -> Vec<String> {
    let mut headers: Vec<String> = ours.iter().map(|h| (*h).to_string()).collect();
    headers.extend(["lon_given", "lat_given", "crs"].map(String::from));
    for h in given.map_or(&[][..], |g| g.extra_headers.as_slice()) {
        let taken = headers.iter().any(|x| x.eq_ignore_ascii_case(h));
        headers.push(if taken {
            format!("{h}_given")
        } else {
            h.clone()
        });
    }
    headers
}

/// The given columns of one booking's row: its coordinates as written, their CRS and its
/// other fields; empty for a synthetic sample.
fn given_fields(given: Option<&GivenColumns>, booking: Option<&Booking>) -> Vec<String> {
    let Some(g) = given else {
        return vec![String::new(); 3];
    };
    let row = booking.and_then(|b| match &b.source {
        crate::places::Source::File { line, .. } => g.rows.get(line),
        _ => None,
    });
    given_row_fields(g, row)
}

fn given_row_fields(
    g: &GivenColumns,
    row: Option<&crate::places::demand::GivenRow>,
) -> Vec<String> {
    let mut out = match row {
        Some(r) => vec![r.lon.clone(), r.lat.clone(), g.crs.name().to_string()],
        None => vec![String::new(), String::new(), g.crs.name().to_string()],
    };
    let extra = row.map_or(&[][..], |r| r.extra.as_slice());
    out.extend((0..g.extra_headers.len()).map(|i| extra.get(i).cloned().unwrap_or_default()));
    out
}

/// One row per booking-file row that became no booking (a bad value, a park not planned for),
/// with the reason in `unserved_reason` and the row's fields as given; then one row counting
/// skipped rows beyond [`crate::places::demand::MAX_SKIPPED_KEPT`].
fn skipped_rider_rows(
    info: &DrtRunInfo<'_>,
    bookings: &[Booking],
    ours: usize,
) -> Vec<Vec<String>> {
    let Some(g) = info.given else {
        return Vec::new();
    };
    let used: std::collections::BTreeSet<usize> = bookings
        .iter()
        .filter_map(|b| match &b.source {
            crate::places::Source::File { line, .. } => Some(*line),
            _ => None,
        })
        .collect();
    let reason_at = |line: usize| {
        info.skipped_rows
            .iter()
            .find(|w| {
                w.line == line && !matches!(w.message, crate::lang::RowProblem::MoreLikeThis { .. })
            })
            .map(|w| w.message.en())
    };
    let reason_col = RIDER_COLUMNS
        .iter()
        .position(|c| *c == "unserved_reason")
        .expect("a reason column");
    let demand_col = RIDER_COLUMNS
        .iter()
        .position(|c| *c == "demand")
        .expect("a demand column");
    let mut rows: Vec<Vec<String>> = g
        .rows
        .iter()
        .filter(|(line, _)| !used.contains(line))
        .map(|(&line, row)| {
            let mut r = vec![String::new(); ours];
            r[0] = format!("{}:{line}", g.path);
            r[reason_col] = format!(
                "row skipped: {}",
                row.skipped
                    .clone()
                    .or_else(|| reason_at(line))
                    .unwrap_or_else(|| "its park is not among the parks planned for".into())
            );
            r[demand_col] = "supplied".into();
            r.extend(given_row_fields(g, Some(row)));
            r
        })
        .collect();
    if g.skipped_not_kept > 0 {
        let mut r = vec![String::new(); ours];
        r[0].clone_from(&g.path);
        r[reason_col] = format!("… and {} more skipped rows, not listed", g.skipped_not_kept);
        r[demand_col] = "supplied".into();
        r.extend(given_row_fields(g, None));
        rows.push(r);
    }
    rows
}

/// What every writer of the stage needs.
struct Ctx<'a> {
    parks: &'a Zones,
    bookings: &'a [Booking],
    plan: &'a LinePlan,
    demand: &'static str,
}

impl Ctx<'_> {
    fn park_code(&self, id: ZoneId) -> String {
        self.parks.zones[id.0 as usize].code.clone()
    }

    fn stop(&self, id: StopId) -> &crate::drt::lines::PlanStop {
        &self.plan.stops[id.0 as usize]
    }

    fn vehicle_code(&self, d: &Departure) -> String {
        self.plan
            .vehicles
            .get(d.vehicle)
            .map_or_else(String::new, |v| v.code.clone())
    }
}

/// All bus-line outputs.
pub fn drt_files(
    parks: &Zones,
    bookings: &[Booking],
    plan: &LinePlan,
    info: &DrtRunInfo<'_>,
) -> Vec<OutputFile> {
    let cx = Ctx {
        parks,
        bookings,
        plan,
        demand: if plan.synthetic {
            "synthetic"
        } else {
            "supplied"
        },
    };
    let mut files = vec![
        feature_collection("drt_routes", route_features(&cx)),
        feature_collection("drt_stops", stop_features(&cx)),
        OutputFile {
            name: "drt_stops.csv".into(),
            bytes: stops_csv(&cx),
        },
        OutputFile {
            name: "drt_timetable.csv".into(),
            bytes: timetable_csv(&cx),
        },
        OutputFile {
            name: "drt_riders.csv".into(),
            bytes: riders_csv(&cx, info),
        },
        OutputFile {
            name: "drt.json".into(),
            bytes: to_json_bytes(&summary_json(&cx, info)),
        },
    ];
    files.extend(gtfs_files(parks, plan, info.timezone, info.lang));
    files
}

/// Each departure along the roads.
fn route_features(cx: &Ctx<'_>) -> Vec<Value> {
    departures(cx.plan)
        .map(|(line, d)| {
            let coords: Vec<[f64; 2]> = d
                .path
                .iter()
                .map(|c| [round(c.x, 6), round(c.y, 6)])
                .collect();
            feature(
                json!({ "type": "LineString", "coordinates": coords }),
                json!({
                    "line": line.code,
                    "line_name": line.name,
                    "trip": d.code,
                    "period": d.period.name(),
                    "vehicle": cx.vehicle_code(d),
                    "seats": d.seats,
                    "parks": line.parks.iter().map(|&p| cx.park_code(p)).collect::<Vec<_>>(),
                    "stops": d.calls.iter().map(|c| cx.stop(c.stop).code.clone()).collect::<Vec<_>>(),
                    "first_departure": d.calls.first().map(|c| clock(c.departure_s)),
                    "last_arrival": d.calls.last().map(|c| clock(c.arrival_s)),
                    "riders": d.riders,
                    "length_km": round(d.length_m / 1000.0, 3),
                    "demand": cx.demand,
                }),
            )
        })
        .collect()
}

/// Stops and gates, with the lines calling there.
fn stop_features(cx: &Ctx<'_>) -> Vec<Value> {
    cx.plan
        .stops
        .iter()
        .enumerate()
        .map(|(s, st)| {
            let lines: Vec<&str> = cx
                .plan
                .lines
                .iter()
                .filter(|l| l.stops.iter().any(|c| c.0 as usize == s))
                .map(|l| l.code.as_str())
                .collect();
            feature(
                point_geometry(st.location),
                json!({
                    "stop": st.code,
                    "name": st.name,
                    "name_from": st.name_from,
                    "kind": if st.gate_of.is_some() { "park gate" } else { "pick-up" },
                    "osm_node": st.osm,
                    "park": st.gate_of.map(|p| cx.park_code(p)),
                    "boardings": st.boardings,
                    "lines": lines,
                    "demand": cx.demand,
                }),
            )
        })
        .collect()
}

/// Columns of `drt_stops.csv`: the first four are what a stops file needs
/// ([`crate::places::stops`]), so the planner can edit it and run again with `--stops`.
pub const STOP_COLUMNS: &[&str] = &[
    "code",
    "name",
    "lon",
    "lat",
    "boardings",
    "lines",
    "name_from",
    "osm_node",
];

/// The pick-up stops (not the park gates, which follow the parks), in plan order.
fn stops_csv(cx: &Ctx<'_>) -> Vec<u8> {
    let rows = cx
        .plan
        .stops
        .iter()
        .enumerate()
        .filter(|(_, st)| st.gate_of.is_none())
        .map(|(s, st)| {
            let lines: Vec<&str> = cx
                .plan
                .lines
                .iter()
                .filter(|l| l.stops.iter().any(|c| c.0 as usize == s))
                .map(|l| l.code.as_str())
                .collect();
            vec![
                st.code.clone(),
                st.name.clone(),
                format!("{}", round(st.location.x, 7)),
                format!("{}", round(st.location.y, 7)),
                st.boardings.to_string(),
                lines.join(" "),
                st.name_from.clone(),
                st.osm.map_or(String::new(), |id| id.to_string()),
            ]
        })
        .collect();
    csv_bytes(STOP_COLUMNS, rows)
}

/// One row per stop call of every departure.
fn timetable_csv(cx: &Ctx<'_>) -> Vec<u8> {
    let mut rows = Vec::new();
    for (line, d) in departures(cx.plan) {
        for (seq, c) in d.calls.iter().enumerate() {
            let st = cx.stop(c.stop);
            rows.push(vec![
                line.code.clone(),
                d.period.name().to_string(),
                d.seats.to_string(),
                (seq + 1).to_string(),
                st.code.clone(),
                st.name.clone(),
                round(st.location.x, 7).to_string(),
                round(st.location.y, 7).to_string(),
                clock(c.arrival_s),
                clock(c.departure_s),
                c.board.to_string(),
                c.alight.to_string(),
                c.load.to_string(),
                cx.demand.to_string(),
                d.code.clone(),
                cx.vehicle_code(d),
                line.name.clone(),
            ]);
        }
    }
    csv_bytes(
        &[
            "line",
            "period",
            "seats",
            "seq",
            "stop_id",
            "stop_name",
            "lon",
            "lat",
            "arrival",
            "departure",
            "board",
            "alight",
            "load",
            "demand",
            "trip",
            "vehicle",
            "line_name",
        ],
        rows,
    )
}

/// Every booking (part): its stop, line, times, or why it is not carried.
fn riders_csv(cx: &Ctx<'_>, info: &DrtRunInfo<'_>) -> Vec<u8> {
    let plan = cx.plan;
    let mut rows: Vec<Vec<String>> = plan
        .riders
        .iter()
        .map(|r| {
            let b = &cx.bookings[r.booking];
            vec![
                booking_source(cx.bookings, r),
                round(b.location.x, 7).to_string(),
                round(b.location.y, 7).to_string(),
                cx.park_code(r.park),
                clock(b.arrive_by_s),
                r.count.to_string(),
                r.stop.map_or(String::new(), |s| cx.stop(s).code.clone()),
                minutes(r.walk_s),
                r.line.map_or(String::new(), |l| plan.lines[l].code.clone()),
                r.board_s.map_or(String::new(), clock),
                r.arrive_s.map_or(String::new(), clock),
                minutes(r.direct_ride_s),
                minutes(r.in_vehicle_s),
                minutes(r.door_to_door_s),
                minutes(r.evening_in_vehicle_s),
                minutes(r.existing_best_s),
                if r.on_foot {
                    "walks to the park (no bus needed)".to_string()
                } else {
                    r.unserved
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                },
                cx.demand.to_string(),
                r.vehicle
                    .map_or(String::new(), |v| plan.vehicles[v].code.clone()),
            ]
        })
        .collect();
    for (row, r) in rows.iter_mut().zip(&plan.riders) {
        row.extend(given_fields(info.given, Some(&cx.bookings[r.booking])));
    }
    rows.extend(skipped_rider_rows(info, cx.bookings, RIDER_COLUMNS.len()));
    let headers = given_headers(RIDER_COLUMNS, info.given);
    csv_bytes(
        &headers.iter().map(String::as_str).collect::<Vec<_>>(),
        rows,
    )
}

/// Cost figures rounded for people.
fn cost_json(c: &CostFigures) -> Value {
    json!({
        "annual_cost": round(c.annual_cost, 0),
        "annual_rider_trips": round(c.annual_rider_trips, 0),
        "cost_per_rider_trip": c.cost_per_rider_trip.map(|x| round(x, 2)),
        "annual_fare_revenue": round(c.annual_fare_revenue, 0),
        "subsidy_per_rider_trip": c.subsidy_per_rider_trip.map(|x| round(x, 2)),
        "co2_g_per_rider_trip": c.co2_g_per_rider_trip.map(|x| round(x, 0)),
        "car_co2_g_per_rider_trip": c.car_co2_g_per_rider_trip.map(|x| round(x, 0)),
    })
}

/// First and last departure and how many, of one period.
fn period_json(line: &Line, period: Period) -> Value {
    let n = line.of(period).count();
    let span = line.span(period);
    json!({
        "departures": n,
        "first": span.map(|s| clock(s.0)),
        "last_arrival": span.map(|s| clock(s.1)),
        "riders_per_departure": if n == 0 { 0.0 } else {
            round(f64::from(line.of(period).map(|d| d.riders).sum::<u32>()) / n as f64, 1)
        },
    })
}

/// One line for `drt.json`: its stops in order, departures, vehicles, km, hours and cost.
fn line_json(cx: &Ctx<'_>, l: &Line) -> Value {
    let vehicles = l.vehicles();
    json!({
        "line": l.code,
        "name": l.name,
        "parks": l.parks.iter().map(|&p| cx.park_code(p)).collect::<Vec<_>>(),
        "stops": l.stops.iter().map(|&s| {
            let st = cx.stop(s);
            json!({ "stop": st.code, "name": st.name, "name_from": st.name_from })
        }).collect::<Vec<_>>(),
        "morning": period_json(l, Period::Morning),
        "evening": period_json(l, Period::Evening),
        "vehicles": vehicles.iter().map(|&v| cx.plan.vehicles[v].code.clone()).collect::<Vec<_>>(),
        "seats": vehicles.iter().map(|&v| cx.plan.vehicles[v].seats).sum::<u32>(),
        "sizes": l.sizes(),
        "riders": l.riders(),
        "km_day": round(l.km_day(), 3),
        "hours_day": round(l.hours_day(), 3),
        "cost": cost_json(&l.cost),
    })
}

/// The plan's cost in total and the fleet choice.
fn plan_cost_json(plan: &LinePlan) -> Value {
    let c = &plan.cost;
    json!({
        "currency": c.options.currency,
        "assumptions": c.options,
        "total": cost_json(&c.total),
        "sizes_used": c.sizes_used,
        "mixed_fleet_chosen": c.mixed_fleet_chosen,
        "alternative_fleet": c.alternative.as_ref().map(|a| json!({
            "sizes": a.sizes,
            "vehicles": a.vehicles,
            "served": a.served,
            "cost_per_rider_trip": a.cost_per_rider_trip.map(|x| round(x, 2)),
        })),
    })
}

/// Why today's per-trip figures are `null` without the operator's boardings.
pub const TODAY_PER_TRIP_UNKNOWN: &str = "unknown: these lines carry the general public, whose boardings are not in the data; give [cost] today_boardings_per_day (the operator's boardings a day on these lines) to compute them";

/// Today's conventional bus figures rounded for people; the per-trip figures (and trips,
/// fares) `null` with the reason unless the scenario gives the lines' boardings, and the car
/// CO₂ of the general public always `null` (their trips are unknown).
fn today_figures_json(f: &TodayFigures) -> Value {
    let mut cost = cost_json(&f.cost);
    cost["car_co2_g_per_rider_trip"] = Value::Null;
    let basis = match f.boardings_per_day {
        Some(b) => {
            format!(
                "{:.0} boardings a day on these lines ([cost] today_boardings_per_day; a park's share by its lines' vehicle-km)",
                round(b, 0)
            )
        }
        None => {
            for key in [
                "annual_rider_trips",
                "annual_fare_revenue",
                "cost_per_rider_trip",
                "subsidy_per_rider_trip",
                "co2_g_per_rider_trip",
            ] {
                cost[key] = Value::Null;
            }
            TODAY_PER_TRIP_UNKNOWN.to_string()
        }
    };
    cost["per_rider_trip_basis"] = json!(basis);
    json!({
        "status": "bus_line_today",
        "lines": f.lines.iter().map(|(id, name)| json!({ "id": id, "name": name })).collect::<Vec<_>>(),
        "departures_day": round(f.departures_day, 1),
        "vehicles": round(f.vehicles, 2),
        "vehicle_km_day": round(f.vehicle_km_day, 3),
        "vehicle_h_day": round(f.vehicle_h_day, 3),
        "riders": f.riders,
        "boardings_per_day": f.boardings_per_day.map(|b| round(b, 1)),
        "riders_note": (f.riders == 0).then_some("no worker reaches the park today by bus within 60 minutes and quicker than on foot"),
        "cost": cost,
    })
}

/// `conventional` of `drt.json`: today's bus lines serving each park, costed alike, and how.
fn today_bus_json(cx: &Ctx<'_>, today: Option<&TodayBus>) -> Value {
    let Some(today) = today else {
        return Value::Null;
    };
    let t = crate::commute::transit::TransitOptions::default();
    let none = || json!({ "status": "no_bus_line_today", "reason": "no data: no bus line today has a stop within walking distance of the park" });
    json!({
        "source": today.source,
        "method": format!("lines with a stop within {:.0} m (straight line) of the park outline, running in the commute window; departures a day = 2 x window / headway (GTFS: the timetable's headway in the window; OSM relations: the interval tag, else the commute stage's default of {:.0} min); vehicle-km = departures x route length (straight stop-to-stop distance x car_detour_factor); vehicle-hours = departures x trip time; vehicles = trip time / headway, each a full-size bus (the largest [cost] size); riders = the park's workers whom the bus gets there within 60 min and quicker than walking (bikes left out); the lines also carry other passengers", t.stop_walk_m, t.default_headway_s / 60.0),
        "window_min": round(f64::from(today.window_s) / 60.0, 1),
        "parks": today.parks.iter().map(|p| {
            let mut v = p.figures.as_ref().map_or_else(none, today_figures_json);
            v["park"] = json!(cx.park_code(p.park));
            v
        }).collect::<Vec<_>>(),
        "total": today.total.as_ref().map_or_else(none, today_figures_json),
    })
}

/// `drt.json`: KPIs beside the best existing mode, lines, vehicles, costs, checker, unserved.
fn summary_json(cx: &Ctx<'_>, info: &DrtRunInfo<'_>) -> Value {
    let plan = cx.plan;
    let unserved: Vec<Value> = info
        .skipped_rows
        .iter()
        .map(|w| json!({ "where": format!("{}:{}", w.path, w.line), "workers": null, "reason": w.message }))
        .chain(plan.riders.iter().filter(|r| r.line.is_none() && !r.on_foot).map(|r| {
            json!({
                "where": booking_source(cx.bookings, r),
                "workers": r.count,
                "reason": r.unserved.clone().unwrap_or(RiderReason::NotCarried).en(),
            })
        }))
        .collect();
    let k = &plan.kpis;
    // A plan that carries nobody is no plan: say so and why, per park and in total.
    let status = if info.no_line.is_empty() {
        "planned"
    } else if k.served + k.on_foot == 0 {
        "no_plan"
    } else {
        "partly_planned"
    };
    let mut reasons: Vec<String> = info.no_line.iter().map(|(_, w)| w.en()).collect();
    reasons.dedup();
    json!({
        "status": status,
        "reason": (!reasons.is_empty()).then(|| reasons.join("; ")),
        "parks_without_line": info.no_line.iter().map(|(p, w)| json!({ "park": cx.park_code(*p), "status": w.code(), "reason": w.en() })).collect::<Vec<_>>(),
        "source": info.source,
        "demand": cx.demand,
        "demand_file": info.demand,
        "seed": info.seed,
        "assumptions": plan.options,
        "kpis": {
            "bus": {
                "workers": k.workers,
                "served": k.served,
                "on_foot": k.on_foot,
                "served_share": round(k.served_share, 4),
                "within_target_share": round(k.within_target_share, 4),
                "lines": k.lines,
                "vehicles": k.vehicles,
                "seats": k.seats,
                "vehicle_km_morning": round(k.vehicle_km_morning, 3),
                "vehicle_km_day": round(k.vehicle_km_day, 3),
                "vehicle_h_morning": round(k.vehicle_h_morning, 3),
                "vehicle_h_day": round(k.vehicle_h_day, 3),
                "in_vehicle_min": spread(&k.in_vehicle),
                "walk_min": spread(&k.walk),
                "door_to_door_min": spread(&k.door_to_door),
                "load_factor": round(k.load_factor, 4),
                "beyond_target_even_by_direct_bus": k.beyond_direct_bus,
            },
            "best_existing_mode_without_car": {
                "workers": k.workers,
                "within_target_share": round(k.existing_within_target_share, 4),
                "door_to_door_min_of_carried_workers": spread(&k.existing),
                "beyond_60_min": k.existing_beyond_60,
                "within_target_share_by_mode": k.existing_by_mode.iter().map(|(m, s)| (m.clone(), json!(round(*s, 4)))).collect::<serde_json::Map<_, _>>(),
            },
        },
        "cost": plan_cost_json(plan),
        "conventional": today_bus_json(cx, info.today_bus),
        "lines": plan.lines.iter().map(|l| line_json(cx, l)).collect::<Vec<_>>(),
        "vehicles": plan.vehicles.iter().map(|v| json!({
            "vehicle": v.code,
            "seats": v.seats,
            "parks": v.parks.iter().map(|&p| cx.park_code(p)).collect::<Vec<_>>(),
            "morning_km": round(v.morning.length_m / 1000.0, 3),
            "evening_km": round(v.evening.length_m / 1000.0, 3),
        })).collect::<Vec<_>>(),
        "search": plan.search,
        "checker": { "morning": plan.morning_check, "evening": plan.evening_check },
        "unserved": unserved,
    })
}

fn spread(s: &crate::drt::lines::Spread) -> Value {
    json!({ "mean": round(s.mean_min, 2), "p95": round(s.p95_min, 2), "max": round(s.max_min, 2) })
}

/// The plan as a GTFS feed: one route per line, one trip per departure, stops, shapes and a
/// weekday calendar. Boarding stops are marked "phone the agency" (`pickup_type=2`): the
/// service runs on reservation.
fn gtfs_files(parks: &Zones, plan: &LinePlan, timezone: &str, lang: Lang) -> Vec<OutputFile> {
    let file = |name: &str, bytes| OutputFile {
        name: format!("gtfs/{name}"),
        bytes,
    };
    let agency = gtfs_bytes(
        &["agency_id", "agency_name", "agency_url", "agency_timezone"],
        vec![vec![
            "lifecircle".into(),
            lang.t(
                "Reservation-responsive park buses (proposal)",
                "园区预约响应式公交（方案）",
            )
            .into(),
            "https://www.openstreetmap.org/copyright".into(),
            timezone.into(),
        ]],
    );
    let stops = gtfs_bytes(
        &["stop_id", "stop_name", "stop_lat", "stop_lon"],
        plan.stops
            .iter()
            .map(|s| {
                vec![
                    s.code.clone(),
                    super::drt_html::stop_name(Some(parks), s, lang),
                    round(s.location.y, 7).to_string(),
                    round(s.location.x, 7).to_string(),
                ]
            })
            .collect(),
    );
    let routes = gtfs_bytes(
        &[
            "route_id",
            "agency_id",
            "route_short_name",
            "route_long_name",
            "route_type",
        ],
        plan.lines
            .iter()
            .map(|l| {
                let name = super::drt_html::line_name(Some(parks), plan, l, lang);
                let parks: Vec<String> = l
                    .parks
                    .iter()
                    .map(|p| lang::zone_name(&parks.zones[p.0 as usize], lang).into_owned())
                    .collect();
                vec![
                    l.code.clone(),
                    "lifecircle".into(),
                    l.code.clone(),
                    match lang {
                        Lang::En => format!("{} ({} park bus)", name, parks.join(" / ")),
                        Lang::Zh => format!("{}（{} 园区班车）", name, parks.join(" / ")),
                    },
                    "3".into(),
                ]
            })
            .collect(),
    );
    let (trips, stop_times, shapes) = gtfs_trips(plan);
    vec![
        file("agency.txt", agency),
        file("stops.txt", stops),
        file("routes.txt", routes),
        file(
            "trips.txt",
            gtfs_bytes(
                &[
                    "route_id",
                    "service_id",
                    "trip_id",
                    "direction_id",
                    "shape_id",
                ],
                trips,
            ),
        ),
        file(
            "stop_times.txt",
            gtfs_bytes(
                &[
                    "trip_id",
                    "arrival_time",
                    "departure_time",
                    "stop_id",
                    "stop_sequence",
                    "pickup_type",
                    "drop_off_type",
                ],
                stop_times,
            ),
        ),
        file("calendar.txt", gtfs_calendar()),
        file(
            "shapes.txt",
            gtfs_bytes(
                &[
                    "shape_id",
                    "shape_pt_lat",
                    "shape_pt_lon",
                    "shape_pt_sequence",
                ],
                shapes,
            ),
        ),
    ]
}

type Rows = Vec<Vec<String>>;

/// trips.txt, stop_times.txt and shapes.txt rows: one trip (and shape) per departure.
fn gtfs_trips(plan: &LinePlan) -> (Rows, Rows, Rows) {
    let mut trips = Vec::new();
    let mut stop_times = Vec::new();
    let mut shapes = Vec::new();
    for (line, d) in departures(plan) {
        let trip = d.code.clone();
        trips.push(vec![
            line.code.clone(),
            "weekdays".into(),
            trip.clone(),
            if d.period == Period::Morning {
                "0"
            } else {
                "1"
            }
            .into(),
            trip.clone(),
        ]);
        for (seq, c) in d.calls.iter().enumerate() {
            stop_times.push(vec![
                trip.clone(),
                clock(c.arrival_s),
                clock(c.departure_s),
                plan.stops[c.stop.0 as usize].code.clone(),
                (seq + 1).to_string(),
                if c.board > 0 { "2" } else { "1" }.into(),
                if c.alight > 0 { "0" } else { "1" }.into(),
            ]);
        }
        for (seq, p) in d.path.iter().enumerate() {
            shapes.push(vec![
                trip.clone(),
                round(p.y, 7).to_string(),
                round(p.x, 7).to_string(),
                (seq + 1).to_string(),
            ]);
        }
    }
    (trips, stop_times, shapes)
}

fn gtfs_calendar() -> Vec<u8> {
    gtfs_bytes(
        &[
            "service_id",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "start_date",
            "end_date",
        ],
        vec![
            [
                "weekdays", "1", "1", "1", "1", "1", "0", "0", "20250101", "20351231",
            ]
            .map(String::from)
            .to_vec(),
        ],
    )
}
