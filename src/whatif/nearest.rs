//! The nearest-park minutes of the commute circle, kept exact after park edits.
//!
//! [`crate::commute::CommuteReport::nearest_park_ms`] holds, per mode and resident unit, the
//! time to the nearest park: the minimum over every park of its per-unit time, as
//! [`crate::commute::compute_commute_with`] folds it (the living areas' minutes in the report
//! and in `living_areas.geojson` read it). An edit of park `p` (gate, outline, new park) changes
//! a unit's minimum only where `p`'s time was or becomes it:
//! - `p`'s new time at or below the minimum: the new time;
//! - `p`'s old time above the minimum: it stays (another park attains it);
//! - `p`'s old time equal to the minimum and its new time above: the minimum over every park,
//!   which needs every park's times. Such units are only marked *pending*; [`settle`] finds
//!   their minimum when a full report is written (export), from the parks' per-unit times
//!   (computed then, kept while all parks' times fit in [`KEEP_ENTRIES`]). The page shows no
//!   nearest-park minutes, so an edit stays one park's work (a gate edit on the 4 × 4 tiling
//!   took 15 s when it settled at once).
//!
//! The edited park's times are kept, so that its next edit knows its old times; the first
//! time, they are computed from its zone before the edit.

use crate::commute::incremental::ParkCommuter;
use crate::commute::{CommuteInputs, ParkCommute};
use crate::graph::RoadGraph;
use crate::places::{Zone, Zones};
use crate::routing::UNREACHED;
use std::collections::BTreeSet;

/// Per mode, per resident unit: ms from a park (or from the nearest park).
pub(crate) type UnitTimes = Vec<Vec<u32>>;

/// Most per-unit times kept for parks that were not edited: 32 Mi entries (128 MiB).
pub const KEEP_ENTRIES: usize = 32 << 20;

/// Per park (by index): its per-unit times, when known.
#[derive(Default)]
pub(crate) struct ParkTimes {
    slots: Vec<Option<UnitTimes>>,
    /// Whether the times of parks that were not edited are kept too.
    keep_all: bool,
    /// (mode, unit) pairs whose nearest-park minimum is to be found again over every park.
    pending: BTreeSet<(usize, usize)>,
}

/// What a park edit replaced: the nearest-park times and the edited parks' kept times.
pub(crate) struct Saved {
    nearest: UnitTimes,
    pending: BTreeSet<(usize, usize)>,
    slots: Vec<(usize, Option<UnitTimes>)>,
}

impl ParkTimes {
    /// Room for `parks` parks' times over `modes` modes and `units` resident units.
    pub(crate) fn new(parks: usize, modes: usize, units: usize) -> ParkTimes {
        ParkTimes {
            slots: Vec::new(),
            keep_all: parks.saturating_mul(modes).saturating_mul(units) <= KEEP_ENTRIES,
            pending: BTreeSet::new(),
        }
    }

    fn slot_mut(&mut self, p: usize) -> &mut Option<UnitTimes> {
        if self.slots.len() <= p {
            self.slots.resize_with(p + 1, || None);
        }
        &mut self.slots[p]
    }
}

impl Saved {
    /// Puts the saved values in place and keeps those they replace (undo / redo).
    pub(crate) fn swap(&mut self, nearest: &mut UnitTimes, kept: &mut ParkTimes) {
        std::mem::swap(&mut self.nearest, nearest);
        std::mem::swap(&mut self.pending, &mut kept.pending);
        for (p, slot) in &mut self.slots {
            std::mem::swap(slot, kept.slot_mut(*p));
        }
    }
}

/// What the commute stage's per-park step needs.
pub(crate) struct Commuting<'a, 'b> {
    pub graph: &'a RoadGraph,
    pub inputs: &'a CommuteInputs<'b>,
    pub commuter: &'a mut ParkCommuter,
    /// Whether the report keeps per-unit times ([`crate::commute::CommuteOptions::keep_unit_times`]).
    pub keep_in_report: bool,
}

impl Commuting<'_, '_> {
    /// `zone`'s commute circle (its unit times kept only when the report keeps them) and its
    /// per-unit times. The commuter keeps unit times ([`ParkCommuter`] made with
    /// `keep_unit_times`).
    fn park(&mut self, zone: &Zone) -> (ParkCommute, UnitTimes) {
        let mut pc = self.commuter.park(self.graph, self.inputs, zone);
        let times = pc
            .modes
            .iter_mut()
            .map(|m| {
                if self.keep_in_report {
                    m.unit_ms.clone()
                } else {
                    std::mem::take(&mut m.unit_ms)
                }
            })
            .collect();
        (pc, times)
    }
}

/// The commute circles of the `changed` parks of `parks` (by index; `old` holds their zones
/// before the edit, a new park has none), with `nearest` brought up to date. Returns the
/// circles and what was replaced.
pub(crate) fn refresh(
    run: &mut Commuting<'_, '_>,
    kept: &mut ParkTimes,
    nearest: &mut UnitTimes,
    (parks, old, changed): (&Zones, Option<&Zones>, &[usize]),
) -> (Vec<ParkCommute>, Saved) {
    let mut saved = Saved {
        nearest: nearest.clone(),
        pending: kept.pending.clone(),
        slots: Vec::new(),
    };
    let mut circles = Vec::with_capacity(changed.len());
    for &p in changed {
        let before = match kept.slot_mut(p).take() {
            Some(times) => Some(times),
            None => old
                .and_then(|o| o.zones.get(p))
                .map(|zone| run.park(zone).1),
        };
        let (pc, after) = run.park(&parks.zones[p]);
        circles.push(pc);
        kept.pending
            .extend(update(nearest, before.as_deref(), &after));
        saved.slots.push((p, before));
        *kept.slot_mut(p) = Some(after);
    }
    (circles, saved)
}

/// Takes park `p`'s move from `before` to `after` into `nearest`; returns the (mode, unit)
/// pairs whose minimum `p` attained and no longer does: their minimum is to be found again
/// among all parks (it is `after`'s time for now).
fn update(
    nearest: &mut UnitTimes,
    before: Option<&[Vec<u32>]>,
    after: &[Vec<u32>],
) -> Vec<(usize, usize)> {
    let mut orphans = Vec::new();
    for (m, (best, new)) in nearest.iter_mut().zip(after).enumerate() {
        let old = before.and_then(|b| b.get(m));
        for (u, (best, &new)) in best.iter_mut().zip(new).enumerate() {
            let old = old.and_then(|o| o.get(u)).copied().unwrap_or(UNREACHED);
            if new <= *best {
                *best = new;
            } else if old <= *best && *best != UNREACHED {
                *best = new;
                orphans.push((m, u));
            }
        }
    }
    orphans
}

/// Whether some nearest-park minimum waits for [`settle`].
pub(crate) fn is_pending(kept: &ParkTimes) -> bool {
    !kept.pending.is_empty()
}

/// The minimum over every park of `parks` at the pending units: `nearest` exact again.
pub(crate) fn settle(
    run: &mut Commuting<'_, '_>,
    kept: &mut ParkTimes,
    nearest: &mut UnitTimes,
    parks: &Zones,
) {
    let pending: Vec<(usize, usize)> = std::mem::take(&mut kept.pending).into_iter().collect();
    for &(m, u) in &pending {
        nearest[m][u] = UNREACHED;
    }
    for (q, zone) in parks.zones.iter().enumerate() {
        if let Some(times) = kept.slots.get(q).and_then(Option::as_ref) {
            lower(nearest, times, &pending);
        } else {
            let times = run.park(zone).1;
            lower(nearest, &times, &pending);
            if kept.keep_all {
                *kept.slot_mut(q) = Some(times);
            }
        }
    }
}

/// `nearest` at `orphans` lowered to a park's `times`.
fn lower(nearest: &mut UnitTimes, times: &UnitTimes, orphans: &[(usize, usize)]) {
    for &(m, u) in orphans {
        if let Some(&t) = times.get(m).and_then(|t| t.get(u)) {
            nearest[m][u] = nearest[m][u].min(t);
        }
    }
}
