//! Pick-up stops the planner gives (a stops file, or the stops edited in `lifecircle serve`)
//! instead of the ones the bus-line planner would choose itself.
//!
//! Each given stop is snapped to the bus network by the rule OSM stops follow (a bus road
//! within [`LineOptions::osm_stop_m`], keyed by the nearer end of its edge and timed at its own
//! point, see `lines::osm_stop_vertices`). A stop that does not
//! snap, or snaps to the vertex of an earlier given stop, is a problem of that stop
//! ([`GivenStopProblem`]): a stops file reports it with its line and skips it
//! ([`check_given_stops`]); [`super::lines::plan_lines`] refuses it, naming the stop code.
//! Riders then board at the given stop they walk to quickest; the stops keep their code and
//! name (`name_from = "given"`). Given stops nobody walks to are not in the plan.

use std::collections::{BTreeMap, BTreeSet};

use super::lines::{LineOptions, PlanStop, StopId};
use crate::error::{Error, Result};
use crate::graph::{RoadGraph, VertexId};
use crate::lang::RowProblem;
use crate::osm::{BusStop, OsmNodeId, Tags};
use crate::places::Zones;
pub use crate::places::stops::GivenStop;

/// Why a given stop cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GivenStopProblem {
    /// No road of the bus network lies within the snapping distance.
    OffNetwork {
        /// The snapping distance, metres.
        max_m: u32,
    },
    /// It snaps to the same bus vertex as an earlier given stop.
    SamePointAs {
        /// The earlier stop's code.
        other: String,
    },
}

impl GivenStopProblem {
    /// The problem as a row problem of a stops file, for the stop `code`.
    pub fn row_problem(&self, code: &str) -> RowProblem {
        match self {
            GivenStopProblem::OffNetwork { max_m } => RowProblem::StopOffBusNetwork {
                code: code.to_string(),
                max_m: *max_m,
            },
            GivenStopProblem::SamePointAs { other } => RowProblem::StopSamePoint {
                code: code.to_string(),
                other: other.clone(),
            },
        }
    }
}

/// The stop code of a park's gate (`G1` for park `P1`): gates share the code column of
/// `drt_timetable.csv` and the GTFS `stop_id` with the pick-up stops.
pub fn gate_code(park_code: &str) -> String {
    format!("G{}", park_code.trim_start_matches('P'))
}

/// Why a given stop's `code` cannot be used: it is the code of the gate of a park in `parks`
/// (both would share one code in `drt_timetable.csv` and one GTFS `stop_id`). Names the park,
/// in the run's language through [`RowProblem::text`] ("工业区 1" under zh).
pub fn gate_code_clash(code: &str, parks: &Zones) -> Option<RowProblem> {
    let park = parks.zones.iter().find(|z| gate_code(&z.code) == code)?;
    Some(RowProblem::StopCodeIsGate {
        code: code.to_string(),
        park: park.code.clone(),
        name: park.name.clone(),
    })
}

/// The bus vertex of every given stop, or why it has none (in the order given).
///
/// # Complexity
/// One snap per stop.
pub fn check_given_stops(
    graph: &RoadGraph,
    stops: &[GivenStop],
    options: &LineOptions,
) -> Vec<std::result::Result<VertexId, GivenStopProblem>> {
    let mut taken: BTreeMap<VertexId, usize> = BTreeMap::new();
    stops
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let as_osm = as_bus_stop(s);
            let at = super::lines::osm_stop_vertices(graph, std::slice::from_ref(&as_osm), options);
            let Some(&v) = at.keys().next() else {
                return Err(GivenStopProblem::OffNetwork {
                    max_m: options.osm_stop_m.round() as u32,
                });
            };
            match taken.get(&v) {
                Some(&j) => Err(GivenStopProblem::SamePointAs {
                    other: stops[j].code.clone(),
                }),
                None => {
                    taken.insert(v, i);
                    Ok(v)
                }
            }
        })
        .collect()
}

/// The given stops by bus vertex; the first problem is an error naming the stop.
/// A given stop as an (untagged) OSM stop, to be snapped and timed by the OSM stops' rules.
pub(super) fn as_bus_stop(stop: &GivenStop) -> BusStop {
    BusStop {
        id: OsmNodeId(0),
        location: stop.location,
        tags: Tags::default(),
    }
}

pub(super) fn given_stop_vertices(
    graph: &RoadGraph,
    stops: &[GivenStop],
    parks: &Zones,
    options: &LineOptions,
) -> Result<BTreeMap<VertexId, usize>> {
    if let Some((stop, clash)) = stops
        .iter()
        .find_map(|s| Some((s, gate_code_clash(&s.code, parks)?)))
    {
        return Err(Error::GivenStop {
            code: stop.code.clone(),
            problem: clash,
        });
    }
    let mut at = BTreeMap::new();
    for (i, checked) in check_given_stops(graph, stops, options)
        .into_iter()
        .enumerate()
    {
        match checked {
            Ok(v) => {
                at.insert(v, i);
            }
            Err(problem) => {
                return Err(Error::GivenStop {
                    code: stops[i].code.clone(),
                    problem: problem.row_problem(&stops[i].code),
                });
            }
        }
    }
    Ok(at)
}

/// Each booking boards at the given stop it walks to quickest: `(vertex, walk ms)`.
pub(super) fn board_at_given(
    candidates: &[super::lines::Candidates],
    given_at: &BTreeMap<VertexId, usize>,
) -> Vec<Option<(VertexId, u32)>> {
    candidates
        .iter()
        .map(|c| {
            c.as_ref().ok().and_then(|list| {
                list.iter()
                    .filter(|(v, _)| given_at.contains_key(v))
                    .min_by_key(|&&(v, t)| (t, v))
                    .copied()
            })
        })
        .collect()
}

/// The given stops somebody boards at, in vertex order (as the planner's own stops are),
/// with their code, name and location.
pub(super) fn given_pickup_stops(
    boarding: &[Option<(VertexId, u32)>],
    given_at: &BTreeMap<VertexId, usize>,
    given: &[GivenStop],
) -> (Vec<PlanStop>, BTreeMap<VertexId, StopId>) {
    let used: BTreeSet<VertexId> = boarding.iter().flatten().map(|&(v, _)| v).collect();
    let mut stops: Vec<PlanStop> = Vec::new();
    let mut stop_of: BTreeMap<VertexId, StopId> = BTreeMap::new();
    for v in used {
        let Some(s) = given_at.get(&v).map(|&i| &given[i]) else {
            continue;
        };
        stop_of.insert(v, StopId(stops.len() as u32));
        stops.push(PlanStop {
            code: s.code.clone(),
            name: if s.name.is_empty() {
                s.code.clone()
            } else {
                s.name.clone()
            },
            name_from: "given".into(),
            vertex: v,
            location: s.location,
            osm: None,
            gate_of: None,
            boardings: 0,
        });
    }
    (stops, stop_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::places::profile::ZoneKind;
    use crate::places::{Source, Zone, ZoneId};
    use geo::{MultiPolygon, polygon};

    fn parks(names: &[&str]) -> Zones {
        let zone = |i: usize, name: &str| Zone {
            id: ZoneId(i as u32),
            code: format!("P{}", i + 1),
            name: name.to_string(),
            polygon: MultiPolygon(vec![polygon![
                (x: 0.0, y: 0.0), (x: 0.001, y: 0.0), (x: 0.001, y: 0.001), (x: 0.0, y: 0.0)
            ]]),
            area_ha: 1.0,
            gates: Vec::new(),
            source: Source::Osm(Vec::new()),
        };
        Zones {
            kind: ZoneKind::Parks,
            zones: names.iter().enumerate().map(|(i, n)| zone(i, n)).collect(),
            too_small: 0,
            notes: Vec::new(),
        }
    }

    /// Under zh the park of a clashing gate code is named as the report names it: "工业区 2"
    /// for a park without a name, its own name otherwise; English keeps the English.
    #[test]
    fn a_gate_clash_names_the_park_in_the_runs_language() {
        let parks = parks(&["Hilti", &crate::lang::generic_park_name(2)]);
        assert_eq!(gate_code_clash("S1", &parks), None);
        let clash = gate_code_clash("G2", &parks).expect("G2 is P2's gate");
        let zh = clash.text(Lang::Zh);
        assert!(zh.contains("园区 P2（工业区 2）"), "{zh}");
        assert!(!zh.contains("Industrial"), "{zh}");
        assert!(
            clash
                .text(Lang::En)
                .contains("gate stop of park P2 (Industrial area 2)")
        );
        let zh = gate_code_clash("G1", &parks).unwrap().text(Lang::Zh);
        assert!(zh.contains("园区 P1（Hilti）"), "{zh}");
        // The error of `drt` with such a stop says the same.
        let e = Error::GivenStop {
            code: "G2".into(),
            problem: clash,
        };
        assert!(e.zh().contains("工业区 2"), "{}", e.zh());
        assert!(
            e.to_string()
                .starts_with("invalid bus stop 'G2': stop code G2")
        );
    }
}
