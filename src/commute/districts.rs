//! Reach per district: for each park, how many residents of each district of a planner's
//! population file (街道, 社区, 乡镇) reach it within the target by each mode. Accumulated as
//! each park's searches finish, from that park's per-unit times, so that no parks × residents
//! table is kept: the report holds parks × districts × modes numbers.

use super::ModeReach;
use crate::places::districts::DistrictId;
use crate::places::residents::Residents;

/// One district's residents and how many of them reach a park.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DistrictReach {
    /// The district ([`Residents::districts`]).
    pub district: DistrictId,
    /// Its residents.
    pub residents: f64,
    /// Residents within the target, per mode in [`super::CommuteOptions::modes`] order.
    pub reached: Vec<f64>,
}

/// Every district's residents and those within `target_ms` of the park by each mode of
/// `modes` (whose [`ModeReach::unit_ms`] are filled); empty when there are no districts.
pub(super) fn district_reach(
    residents: &Residents,
    modes: &[ModeReach],
    target_ms: u32,
) -> Vec<DistrictReach> {
    let mut out: Vec<DistrictReach> = (0..residents.districts.len())
        .map(|d| DistrictReach {
            district: DistrictId(d as u32),
            residents: 0.0,
            reached: vec![0.0; modes.len()],
        })
        .collect();
    if out.is_empty() {
        return out;
    }
    for (i, u) in residents.units.iter().enumerate() {
        let Some(d) = u.district.and_then(|d| out.get_mut(d.0 as usize)) else {
            continue;
        };
        d.residents += u.residents;
        for (reached, m) in d.reached.iter_mut().zip(modes) {
            if m.unit_ms.get(i).is_some_and(|&t| t <= target_ms) {
                *reached += u.residents;
            }
        }
    }
    out
}
