//! Lines a passenger understands, made from the vehicles' runs.
//!
//! A vehicle's run is cut into **departures**: a departure ends where the bus is empty again
//! after letting workers off (at a gate in the morning, at the last home stop in the evening).
//! A departure's stop sequence (the evening's read backwards) is its key; departures whose key
//! is the same as, or skips stops of, a longer key with the same last stop belong to one
//! **line**, whose stops are that longer key: a reservation bus calls only where someone
//! booked. A run used only in the evening therefore joins the line it mirrors, and a line
//! serving two parks exists once. Each departure carries its share of the vehicle's day:
//! the km and hours from the end of the vehicle's previous departure (or its first stop) to
//! its last stop, and the vehicle's day cost in proportion to those hours, so the lines' km,
//! hours and costs add up to the plan's.

use std::collections::BTreeSet;

use geo::Coord;

use super::cost::{CostFigures, CostOptions, DayUse, figures};
use super::lines::{Call, PlanStop, Rider, Run, StopId, Vehicle};
use crate::geom::haversine_m;
use crate::places::ZoneId;
use crate::places::demand::Booking;

/// Morning (homes → parks) or evening (parks → homes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Homes → parks.
    Morning,
    /// Parks → homes.
    Evening,
}

impl Period {
    /// `morning` or `evening`.
    pub fn name(self) -> &'static str {
        match self {
            Period::Morning => "morning",
            Period::Evening => "evening",
        }
    }
}

/// One trip of one vehicle along (part of) a line.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Departure {
    /// `L1-M1`, `L1-E1`, …: the line, the period and the number within it.
    pub code: String,
    /// Index of the vehicle in [`super::lines::LinePlan::vehicles`].
    pub vehicle: usize,
    /// Seats of the vehicle.
    pub seats: u32,
    /// When it runs.
    pub period: Period,
    /// Stop calls in order.
    pub calls: Vec<Call>,
    /// The road path, WGS-84.
    #[serde(skip)]
    pub path: Vec<Coord>,
    /// Km driven for it: from the end of the vehicle's previous departure (empty), then along
    /// its stops, metres.
    pub length_m: f64,
    /// Hours spent on it, on the same terms, seconds.
    pub duration_s: u32,
    /// Workers boarding.
    pub riders: u32,
    /// Its share of the vehicle's day cost (by hours), in the cost table's currency.
    pub vehicle_day_cost: f64,
}

/// A bus line: a named stop sequence and its departures.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Line {
    /// `L1`, `L2`, …
    pub code: String,
    /// First stop → last stop, by name.
    pub name: String,
    /// Parks served.
    pub parks: Vec<ZoneId>,
    /// Stops in morning order (pick-ups, then the gates).
    pub stops: Vec<StopId>,
    /// Departures, morning first, by time.
    pub departures: Vec<Departure>,
    /// Cost, revenue and CO₂ over a year.
    pub cost: CostFigures,
}

impl Line {
    /// Departures of one period.
    pub fn of(&self, period: Period) -> impl Iterator<Item = &Departure> {
        self.departures.iter().filter(move |d| d.period == period)
    }

    /// Workers carried: those boarding in the morning (each once); for a line that runs only
    /// in the evening, those boarding its evening departures.
    pub fn riders(&self) -> u32 {
        let period = self.main_period();
        self.of(period).map(|d| d.riders).sum()
    }

    /// The period whose departures carry [`Line::riders`]: the morning, unless the line runs
    /// only in the evening.
    pub fn main_period(&self) -> Period {
        if self.of(Period::Morning).next().is_some() {
            Period::Morning
        } else {
            Period::Evening
        }
    }

    /// [`Line::riders`] per departure of [`Line::main_period`].
    pub fn riders_per_departure(&self) -> f64 {
        let n = self.of(self.main_period()).count();
        if n == 0 {
            0.0
        } else {
            f64::from(self.riders()) / n as f64
        }
    }

    /// Vehicles running it (indices), ascending.
    pub fn vehicles(&self) -> Vec<usize> {
        let set: BTreeSet<usize> = self.departures.iter().map(|d| d.vehicle).collect();
        set.into_iter().collect()
    }

    /// Seat sizes used, ascending, each once.
    pub fn sizes(&self) -> Vec<u32> {
        let set: BTreeSet<u32> = self.departures.iter().map(|d| d.seats).collect();
        set.into_iter().collect()
    }

    /// Km a day (both periods, positioning included).
    pub fn km_day(&self) -> f64 {
        self.departures.iter().map(|d| d.length_m).sum::<f64>() / 1000.0 + 0.0
    }

    /// Hours a day.
    pub fn hours_day(&self) -> f64 {
        self.departures
            .iter()
            .map(|d| f64::from(d.duration_s))
            .sum::<f64>()
            / 3600.0
            + 0.0
    }

    /// The departure to draw: the morning one calling at the most stops (else any).
    pub fn main_departure(&self) -> Option<&Departure> {
        // The first departure with the most calls.
        let pick = |period: Option<Period>| {
            self.departures
                .iter()
                .filter(|d| period.is_none_or(|p| d.period == p))
                .rev()
                .max_by_key(|d| d.calls.len())
        };
        pick(Some(Period::Morning)).or_else(|| pick(None))
    }

    /// The road path of [`Line::main_departure`].
    pub fn path(&self) -> Vec<Coord> {
        self.main_departure()
            .map_or_else(Vec::new, |d| d.path.clone())
    }

    /// First departure time (from the first stop) and last arrival of a period.
    pub fn span(&self, period: Period) -> Option<(u32, u32)> {
        let first = self
            .of(period)
            .filter_map(|d| d.calls.first())
            .map(|c| c.departure_s)
            .min()?;
        let last = self
            .of(period)
            .filter_map(|d| d.calls.last())
            .map(|c| c.arrival_s)
            .max()?;
        Some((first, last))
    }
}

/// Cuts a run into departures: `(first call, last call)` index ranges, inclusive.
fn split_run(run: &Run) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in run.calls.iter().enumerate() {
        if c.load == 0 && c.alight > 0 {
            out.push((start, i));
            start = i + 1;
        }
    }
    if start < run.calls.len() {
        out.push((start, run.calls.len() - 1));
    }
    out
}

/// The departures of one run, with their km, hours and share of the day cost.
fn departures_of(
    vehicle: usize,
    v: &Vehicle,
    period: Period,
    cost: &CostOptions,
    day_hours_s: f64,
    day_departures: usize,
) -> Vec<Departure> {
    let run = match period {
        Period::Morning => &v.morning,
        Period::Evening => &v.evening,
    };
    let mut out = Vec::new();
    let mut prev_end_s: Option<u32> = None;
    for (a, b) in split_run(run) {
        let calls = run.calls[a..=b].to_vec();
        let start_s = prev_end_s.unwrap_or(calls[0].departure_s);
        let end_s = calls[calls.len() - 1].arrival_s;
        prev_end_s = Some(calls[calls.len() - 1].departure_s);
        let duration_s = end_s.saturating_sub(start_s);
        let share = if day_hours_s > 0.0 {
            f64::from(duration_s) / day_hours_s
        } else {
            1.0 / day_departures.max(1) as f64
        };
        let path_from = if a == 0 { 0 } else { run.calls[a - 1].path_at };
        let path_to = (run.calls[b].path_at + 1).min(run.path.len());
        out.push(Departure {
            code: String::new(),
            vehicle,
            seats: v.seats,
            period,
            riders: calls.iter().map(|c| c.board).sum(),
            length_m: calls.iter().map(|c| c.leg_m).sum(),
            calls,
            path: run
                .path
                .get(path_from..path_to)
                .unwrap_or_default()
                .to_vec(),
            duration_s,
            vehicle_day_cost: cost.vehicle_day(v.seats) * share,
        });
    }
    out
}

/// The stop sequence of a departure in morning order.
fn key(d: &Departure) -> Vec<StopId> {
    let mut k: Vec<StopId> = d.calls.iter().map(|c| c.stop).collect();
    if d.period == Period::Evening {
        k.reverse();
    }
    k
}

/// Whether `short` is `long` with some stops left out (same last stop).
fn fits(short: &[StopId], long: &[StopId]) -> bool {
    if short.last() != long.last() {
        return false;
    }
    let mut it = long.iter();
    short.iter().all(|s| it.any(|l| l == s))
}

/// Whether an evening departure planned on its own (one-way streets broke the mirror) is the
/// way back of line `long`: it calls only at the line's stops, in whatever order the streets
/// allow.
fn returns_along(short: &[StopId], long: &[StopId]) -> bool {
    short.iter().all(|s| long.contains(s))
}

/// The line an evening departure of `vehicle` with stops `k` (morning order) joins when no
/// line's stops have it as a subsequence: one whose stops include all of its own, preferring
/// a line the same vehicle runs in the morning.
fn way_back_line(
    k: &[StopId],
    vehicle: usize,
    keys: &[Vec<StopId>],
    members: &[Vec<usize>],
    all: &[Departure],
) -> Option<usize> {
    let candidates: Vec<usize> = (0..keys.len())
        .filter(|&l| returns_along(k, &keys[l]))
        .collect();
    candidates
        .iter()
        .copied()
        .find(|&l| members[l].iter().any(|&m| all[m].vehicle == vehicle))
        .or_else(|| candidates.first().copied())
}

/// Every vehicle's departures, grouped into lines; each carried rider gets its line. Morning
/// departures are grouped first; an evening departure joins the line it mirrors, else the line
/// whose stops it calls at in another order (`way_back_line`), and only an evening that
/// shares no line's stops makes a line of its own (shown with its evening departures).
pub fn group_lines(
    vehicles: &[Vehicle],
    stops: &[PlanStop],
    riders: &mut [Rider],
    bookings: &[Booking],
    cost: &CostOptions,
) -> Vec<Line> {
    let mut all: Vec<Departure> = Vec::new();
    for (i, v) in vehicles.iter().enumerate() {
        let (m, e) = (split_run(&v.morning).len(), split_run(&v.evening).len());
        let hours = |r: &Run| match (r.calls.first(), r.calls.last()) {
            (Some(a), Some(b)) => f64::from(b.arrival_s.saturating_sub(a.departure_s)),
            _ => 0.0,
        };
        let day_s = hours(&v.morning) + hours(&v.evening);
        all.extend(departures_of(i, v, Period::Morning, cost, day_s, m + e));
        all.extend(departures_of(i, v, Period::Evening, cost, day_s, m + e));
    }
    // Morning first, longest keys first, so that shorter ones can join them.
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&i| {
        let d = &all[i];
        (d.period, std::cmp::Reverse(d.calls.len()), key(d), i)
    });
    let mut keys: Vec<Vec<StopId>> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let k = key(&all[i]);
        let joins = keys.iter().position(|long| fits(&k, long)).or_else(|| {
            (all[i].period == Period::Evening)
                .then(|| way_back_line(&k, all[i].vehicle, &keys, &members, &all))
                .flatten()
        });
        match joins {
            Some(l) => members[l].push(i),
            None => {
                keys.push(k);
                members.push(vec![i]);
            }
        }
    }
    let mut lines: Vec<Line> = keys
        .into_iter()
        .zip(members)
        .map(|(stops_key, m)| {
            let mut departures: Vec<Departure> = m.iter().map(|&i| all[i].clone()).collect();
            departures
                .sort_by_key(|d| (d.period, d.calls.first().map(|c| c.departure_s), d.vehicle));
            new_line(stops_key, departures, stops)
        })
        .collect();
    lines.sort_by_key(|l| (l.parks.clone(), l.span(Period::Morning), l.stops.clone()));
    for (n, line) in lines.iter_mut().enumerate() {
        line.code = format!("L{}", n + 1);
        let mut count = [0, 0];
        for d in &mut line.departures {
            let p = usize::from(d.period == Period::Evening);
            count[p] += 1;
            d.code = format!("{}-{}{}", line.code, ["M", "E"][p], count[p]);
        }
    }
    assign_riders(&lines, riders);
    let costs: Vec<CostFigures> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| line_cost(i, l, riders, stops, bookings, cost))
        .collect();
    for (line, c) in lines.iter_mut().zip(costs) {
        line.cost = c;
    }
    lines
}

fn new_line(stops_key: Vec<StopId>, departures: Vec<Departure>, stops: &[PlanStop]) -> Line {
    let mut parks: Vec<ZoneId> = stops_key
        .iter()
        .filter_map(|s| stops[s.0 as usize].gate_of)
        .collect();
    parks.sort_unstable();
    parks.dedup();
    let name_of = |s: Option<&StopId>| s.map_or("", |s| stops[s.0 as usize].name.as_str());
    Line {
        code: String::new(),
        name: format!(
            "{} → {}",
            name_of(stops_key.first()),
            name_of(stops_key.last())
        ),
        parks,
        stops: stops_key,
        departures,
        cost: CostFigures::default(),
    }
}

/// Sets each carried rider's line: the one whose morning departure of the rider's vehicle
/// leaves the rider's stop when the rider boards.
fn assign_riders(lines: &[Line], riders: &mut [Rider]) {
    for r in riders.iter_mut() {
        let (Some(v), Some(stop), Some(board)) = (r.vehicle, r.stop, r.board_s) else {
            continue;
        };
        r.line = lines.iter().position(|l| {
            l.of(Period::Morning).any(|d| {
                d.vehicle == v
                    && d.calls
                        .iter()
                        .any(|c| c.stop == stop && c.departure_s == board)
            })
        });
    }
}

/// Straight-line km from a rider's home to their gate × the detour factor: the drive they
/// would make instead.
fn car_km(r: &Rider, line: &Line, stops: &[PlanStop], bookings: &[Booking], detour: f64) -> f64 {
    let gate = line
        .stops
        .iter()
        .map(|s| &stops[s.0 as usize])
        .find(|s| s.gate_of == Some(r.park));
    gate.map_or(0.0, |g| {
        haversine_m(bookings[r.booking].location, g.location) / 1000.0 * detour
    })
}

/// A line's annual cost, revenue and CO₂.
fn line_cost(
    index: usize,
    line: &Line,
    riders: &[Rider],
    stops: &[PlanStop],
    bookings: &[Booking],
    cost: &CostOptions,
) -> CostFigures {
    figures(&line_day(index, line, riders, stops, bookings, cost), cost)
}

/// One operating day of line `index` of `lines`.
pub fn line_day(
    index: usize,
    line: &Line,
    riders: &[Rider],
    stops: &[PlanStop],
    bookings: &[Booking],
    cost: &CostOptions,
) -> DayUse {
    let mine: Vec<&Rider> = riders.iter().filter(|r| r.line == Some(index)).collect();
    let (workers, km): (f64, f64) = mine.iter().fold((0.0, 0.0), |(w, k), r| {
        let n = f64::from(r.count);
        (
            w + n,
            k + n * car_km(r, line, stops, bookings, cost.car_detour_factor),
        )
    });
    let trips: f64 = line.departures.iter().map(|d| f64::from(d.riders)).sum();
    let mean_car_km = if workers > 0.0 { km / workers } else { 0.0 };
    DayUse {
        vehicle_day_cost: line.departures.iter().map(|d| d.vehicle_day_cost).sum(),
        vehicle_km: line.km_day(),
        vehicle_h: line.hours_day(),
        co2_g: line
            .departures
            .iter()
            .map(|d| d.length_m / 1000.0 * cost.bus_co2_g_per_km(d.seats))
            .sum(),
        rider_trips: trips,
        rider_car_km: trips * mean_car_km,
    }
}

/// The plan's total: the sum of its lines' days.
pub fn total_day(
    lines: &[Line],
    riders: &[Rider],
    stops: &[PlanStop],
    bookings: &[Booking],
    cost: &CostOptions,
) -> DayUse {
    let mut day = DayUse::default();
    for (i, l) in lines.iter().enumerate() {
        day += line_day(i, l, riders, stops, bookings, cost);
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(stop: u32, board: u32, alight: u32, load: u32) -> Call {
        Call {
            stop: StopId(stop),
            arrival_s: 0,
            departure_s: 0,
            board,
            alight,
            load,
            leg_m: 0.0,
            path_at: 0,
        }
    }

    #[test]
    fn a_run_splits_where_the_bus_is_empty() {
        let run = Run {
            calls: vec![
                call(0, 5, 0, 5),
                call(1, 3, 0, 8),
                call(9, 0, 8, 0),
                call(2, 4, 0, 4),
                call(9, 0, 4, 0),
            ],
            ..Run::default()
        };
        assert_eq!(split_run(&run), vec![(0, 2), (3, 4)]);
    }

    #[test]
    fn shorter_sequences_join_a_longer_line_with_the_same_end() {
        let s = |v: &[u32]| v.iter().map(|&x| StopId(x)).collect::<Vec<_>>();
        assert!(fits(&s(&[1, 3, 9]), &s(&[1, 2, 3, 9])));
        assert!(!fits(&s(&[3, 1, 9]), &s(&[1, 2, 3, 9])));
        assert!(!fits(&s(&[1, 2, 3]), &s(&[1, 2, 3, 9])));
    }

    fn plan_stop(i: u32, gate_of: Option<ZoneId>) -> PlanStop {
        PlanStop {
            code: format!("S{i}"),
            name: format!("stop {i}"),
            name_from: "street".into(),
            vertex: crate::graph::VertexId(i),
            location: Coord {
                x: 9.5 + f64::from(i) * 0.001,
                y: 47.1,
            },
            osm: None,
            gate_of,
            boardings: 0,
        }
    }

    /// Issue 12 ("Lines, not vehicle runs"): when one-way streets make the evening be planned
    /// on its own, its departures call at the morning stops in another order; they are the
    /// way back of the morning line, not lines of their own with no rider.
    #[test]
    fn an_evening_planned_on_its_own_joins_the_line_whose_stops_it_calls_at() {
        let mut stops: Vec<PlanStop> = (0..6).map(|i| plan_stop(i, None)).collect();
        stops[3].gate_of = Some(ZoneId(0));
        let vehicle = |morning: Vec<Call>, evening: Vec<Call>| Vehicle {
            code: "V".into(),
            seats: 33,
            parks: vec![ZoneId(0)],
            morning: Run {
                calls: morning,
                ..Run::default()
            },
            evening: Run {
                calls: evening,
                ..Run::default()
            },
        };
        let vehicles = vec![
            // Morning 0 → 1 → 2 → gate; evening gate → 1 → 0 → 2 (not the mirror).
            vehicle(
                vec![
                    call(0, 2, 0, 2),
                    call(1, 2, 0, 4),
                    call(2, 1, 0, 5),
                    call(3, 0, 5, 0),
                ],
                vec![
                    call(3, 5, 0, 5),
                    call(1, 0, 2, 3),
                    call(0, 0, 2, 1),
                    call(2, 0, 1, 0),
                ],
            ),
            // A second bus: morning 4 → gate, evening split in two (gate → 4, gate → 0).
            vehicle(
                vec![call(4, 3, 0, 3), call(3, 0, 3, 0)],
                vec![
                    call(3, 2, 0, 2),
                    call(4, 0, 2, 0),
                    call(3, 1, 0, 1),
                    call(0, 0, 1, 0),
                ],
            ),
        ];
        let lines = group_lines(&vehicles, &stops, &mut [], &[], &CostOptions::default());
        assert_eq!(lines.len(), 2, "{lines:#?}");
        for l in &lines {
            assert!(l.riders() > 0, "{} has no rider", l.code);
            assert!(
                l.of(Period::Morning).count() > 0,
                "{} runs only in the evening",
                l.code
            );
        }
        let evening: usize = lines.iter().map(|l| l.of(Period::Evening).count()).sum();
        assert_eq!(evening, 3, "every evening departure is listed once");
        // An evening calling at a stop no morning line has is a line of its own, with riders.
        let mut odd = vehicles.clone();
        odd[1].evening.calls[3].stop = StopId(5);
        let lines = group_lines(&odd, &stops, &mut [], &[], &CostOptions::default());
        assert_eq!(lines.len(), 3);
        let own = lines.iter().find(|l| l.stops.contains(&StopId(5))).unwrap();
        assert_eq!((own.riders(), own.riders_per_departure()), (1, 1.0));
    }
}
