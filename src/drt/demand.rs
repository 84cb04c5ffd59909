//! Who rides the buses. Bookings come from the planner's file
//! ([`crate::places::demand::read_demand`]) or, without one, from a synthetic sample drawn here
//! from the commute stage: residents who reach a park within the target by no existing mode
//! but the car.

use crate::commute::CommuteReport;
use crate::graph::Mode;
use crate::places::ZoneId;
use crate::places::demand::Booking;
use crate::places::residents::{ResidentBasis, ResidentOptions, ResidentUnit, Residents};
use crate::routing::UNREACHED;

use super::optimise::Rng;

/// Draws `workers_per_park` workers for every park in `parks`, with replacement, from the
/// resident units whose quickest way to that park without a car takes longer than the commute
/// target but which reach it within the target by car (without a car mode: by any mode within
/// 60 minutes), weighted by residents. Workers drawn at the same unit become one booking. The commute
/// report must keep unit times ([`crate::commute::CommuteOptions::keep_unit_times`]).
/// Deterministic for a seed.
pub fn synthetic_demand(
    commute: &CommuteReport,
    residents: &Residents,
    parks: &[ZoneId],
    workers_per_park: u32,
    arrive_by_s: u32,
    seed: u64,
) -> Vec<Booking> {
    let target_ms = (commute.options.target_min * 60_000.0) as u32;
    let mut bookings = Vec::new();
    for (p, park) in commute.parks.iter().enumerate() {
        if !parks.contains(&park.zone) {
            continue;
        }
        let times = |car: bool| -> Vec<&[u32]> {
            park.modes
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
            continue;
        }
        let mut rng = Rng::new(seed ^ (p as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut drawn = vec![0u32; residents.units.len()];
        for _ in 0..workers_per_park {
            let x = rng.unit() * total;
            let i = cumulative.partition_point(|&(c, _)| c <= x);
            drawn[cumulative[i.min(cumulative.len() - 1)].1] += 1;
        }
        for (u, &count) in drawn.iter().enumerate() {
            if count > 0 {
                let unit = &residents.units[u];
                bookings.push(Booking {
                    location: unit.location,
                    park: park.zone,
                    arrive_by_s,
                    count,
                    source: unit.source.clone(),
                });
            }
        }
    }
    bookings
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
            })
            .collect(),
        supplied: true,
        options: ResidentOptions::default(),
        scaled_to_total: None,
    }
}
