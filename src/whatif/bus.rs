//! The bus figures of the summary: the stops and, per park planned for, the workers who can
//! walk to a stop (exact after every stop edit) beside the lines' figures (as last planned),
//! each beside the baseline.

use serde::Serialize;

use super::stops::{StopAccess, StopState};
use crate::plan::{BusLines, PlanRun};

/// One moment's bus figures (baseline or now).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BusFigures {
    /// Pick-up stops.
    pub stops: usize,
    /// Workers carried, within the target (share of all), vehicles, lines.
    pub totals: (u32, f64, usize, usize),
    /// Per park planned for: code, workers of the sample, those who can walk to a stop,
    /// carried, within-target share, vehicles.
    pub parks: Vec<(String, u32, u32, u32, f64, usize)>,
}

/// The figures of `bus` with the stops `state`.
pub fn figures(
    run: &PlanRun,
    bus: &BusLines,
    access: &StopAccess,
    state: &StopState,
) -> BusFigures {
    let plan = &bus.plan;
    let k = &plan.kpis;
    let reach = access.workers_per_park(&state.stops);
    let parks = bus
        .parks
        .iter()
        .map(|&p| {
            let code = run
                .parks
                .as_ref()
                .ok()
                .and_then(|z| z.zones.get(p.0 as usize))
                .map_or_else(String::new, |z| z.code.clone());
            let (workers, can_walk) = reach.get(p.0 as usize).copied().unwrap_or((0, 0));
            let pk = plan.park_kpis(p);
            let share = pk.within_target_share;
            (code, workers, can_walk, pk.served, share, pk.vehicles)
        })
        .collect();
    BusFigures {
        stops: state.stops.len(),
        totals: (k.served, k.within_target_share, k.vehicles, k.lines),
        parks,
    }
}

/// `summary.bus`: the bus lines and stops, baseline beside edited.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BusSummary {
    /// Pick-up stops now.
    pub stops: usize,
    /// Pick-up stops of the baseline plan.
    pub baseline_stops: usize,
    /// Lines a stop or park edit may have changed since they were planned ("stale: re-plan").
    pub stale_lines: Vec<String>,
    /// Workers carried by the lines as last planned.
    pub served: u32,
    /// Workers carried in the baseline.
    pub baseline_served: u32,
    /// Share of the sample within the door-to-door target (30 min), lines as last planned.
    pub within_target_share: f64,
    /// The same in the baseline.
    pub baseline_within_target_share: f64,
    /// Vehicles, lines as last planned.
    pub vehicles: usize,
    /// Vehicles in the baseline.
    pub baseline_vehicles: usize,
    /// Lines as last planned.
    pub lines: usize,
    /// Lines in the baseline.
    pub baseline_lines: usize,
    /// Per park planned for.
    pub parks: Vec<BusPark>,
}

/// One park's bus figures, baseline beside edited.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BusPark {
    /// Park code.
    pub park: String,
    /// Workers of the bus sample.
    pub workers: u32,
    /// Of them, those who can walk to a stop within `max_walk_m` (exact after every edit).
    pub stop_reach: u32,
    /// The same with the baseline stops.
    pub baseline_stop_reach: u32,
    /// Carried by the lines as last planned.
    pub served: u32,
    /// Carried in the baseline.
    pub baseline_served: u32,
    /// Share within the target, lines as last planned.
    pub within_target_share: f64,
    /// The same in the baseline.
    pub baseline_within_target_share: f64,
    /// Vehicles serving the park, lines as last planned.
    pub vehicles: usize,
    /// The same in the baseline.
    pub baseline_vehicles: usize,
}

/// The summary of `now` beside `baseline`.
pub fn summary(now: &BusFigures, baseline: &BusFigures, state: &StopState) -> BusSummary {
    let parks = now
        .parks
        .iter()
        .map(|(park, workers, reach, served, share, vehicles)| {
            let b = baseline.parks.iter().find(|b| &b.0 == park);
            BusPark {
                park: park.clone(),
                workers: *workers,
                stop_reach: *reach,
                baseline_stop_reach: b.map_or(0, |b| b.2),
                served: *served,
                baseline_served: b.map_or(0, |b| b.3),
                within_target_share: *share,
                baseline_within_target_share: b.map_or(0.0, |b| b.4),
                vehicles: *vehicles,
                baseline_vehicles: b.map_or(0, |b| b.5),
            }
        })
        .collect();
    BusSummary {
        stops: now.stops,
        baseline_stops: baseline.stops,
        stale_lines: state.stale.iter().cloned().collect(),
        served: now.totals.0,
        baseline_served: baseline.totals.0,
        within_target_share: now.totals.1,
        baseline_within_target_share: baseline.totals.1,
        vehicles: now.totals.2,
        baseline_vehicles: baseline.totals.2,
        lines: now.totals.3,
        baseline_lines: baseline.totals.3,
        parks,
    }
}
