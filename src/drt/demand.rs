//! Who rides the buses. Bookings come from the planner's file
//! ([`crate::places::demand::read_demand`]) or, without one, from a synthetic sample drawn here
//! per park inside the commute stage ([`SyntheticDemand::draw_park`] as a
//! [`crate::commute::compute_commute_with`] visitor): residents who reach a park within the
//! target by no existing mode but the car.

use crate::commute::ModeReach;
use crate::graph::Mode;
use crate::places::ZoneId;
use crate::places::demand::Booking;
use crate::places::residents::{ResidentBasis, ResidentOptions, ResidentUnit, Residents};
use crate::routing::UNREACHED;

use super::optimise::Rng;

/// How to draw a synthetic bus demand: `workers_per_park` workers for every park in `parks`.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntheticDemand {
    /// The parks drawn for.
    pub parks: Vec<ZoneId>,
    /// Workers drawn per park.
    pub workers_per_park: u32,
    /// When the workers must reach the park, seconds after midnight.
    pub arrive_by_s: u32,
    /// The commute target, minutes.
    pub target_min: f64,
    /// The sample's seed.
    pub seed: u64,
}

impl SyntheticDemand {
    /// Draws the workers of the park at `park_index` (its position among the commute stage's
    /// parks) from its per-unit times `modes` (every [`ModeReach::unit_ms`] filled, as a
    /// [`crate::commute::compute_commute_with`] visitor sees them): with replacement, from the
    /// resident units whose quickest way to the park without a car takes longer than the
    /// target but which reach it within the target by car (without a car mode: by any mode
    /// within 60 minutes), weighted by residents. Workers drawn at the same unit become one
    /// booking, in unit order. Nothing for a park not in [`SyntheticDemand::parks`].
    /// Deterministic for a seed, whatever the order parks are drawn in.
    pub fn draw_park(
        &self,
        park_index: usize,
        park: ZoneId,
        modes: &[ModeReach],
        residents: &Residents,
    ) -> Vec<Booking> {
        if !self.parks.contains(&park) {
            return Vec::new();
        }
        let target_ms = (self.target_min * 60_000.0) as u32;
        let times = |car: bool| -> Vec<&[u32]> {
            modes
                .iter()
                .filter(|m| {
                    (m.mode == Mode::Car) == car && m.unit_ms.len() == residents.units.len()
                })
                .map(|m| m.unit_ms.as_slice())
                .collect()
        };
        let (non_car, car) = (times(false), times(true));
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        for (u, unit) in residents.units.iter().enumerate() {
            let best = non_car.iter().map(|t| t[u]).min().unwrap_or(UNREACHED);
            // The bus's market: homes from which only the car makes the target. Homes the car
            // cannot bring within it either are beyond any bus line's reach.
            let by_car = if car.is_empty() {
                best != UNREACHED
            } else {
                car.iter().any(|t| t[u] <= target_ms)
            };
            if best > target_ms && by_car && unit.residents > 0.0 {
                total += unit.residents;
                cumulative.push((total, u));
            }
        }
        if cumulative.is_empty() {
            return Vec::new();
        }
        let mut rng =
            Rng::new(self.seed ^ (park_index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut drawn: Vec<(usize, u32)> = Vec::new();
        for _ in 0..self.workers_per_park {
            let x = rng.unit() * total;
            let i = cumulative.partition_point(|&(c, _)| c <= x);
            drawn.push((cumulative[i.min(cumulative.len() - 1)].1, 1));
        }
        // One booking per unit drawn, in unit order.
        drawn.sort_unstable();
        drawn.dedup_by(|b, a| {
            let same = a.0 == b.0;
            if same {
                a.1 += b.1;
            }
            same
        });
        drawn
            .into_iter()
            .map(|(u, count)| {
                let unit = &residents.units[u];
                Booking {
                    location: unit.location,
                    park,
                    arrive_by_s: self.arrive_by_s,
                    count,
                    source: unit.source.clone(),
                }
            })
            .collect()
    }
}

/// The bookings as a population (one unit per booking, in order), so that the commute stage
/// measures how the same workers travel today.
pub fn bookings_as_residents(bookings: &[Booking]) -> Residents {
    Residents {
        units: bookings
            .iter()
            .map(|b| ResidentUnit {
                location: b.location,
                residents: f64::from(b.count),
                area: None,
                basis: ResidentBasis::Supplied,
                source: b.source.clone(),
                district: None,
            })
            .collect(),
        supplied: true,
        options: ResidentOptions::default(),
        scaled_to_total: None,
        districts: Vec::new(),
    }
}
