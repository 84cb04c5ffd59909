//! Who rides the buses. Bookings come from the planner's file
//! ([`crate::places::demand::read_demand`]) or, without one, from a synthetic sample drawn here
//! per park inside the commute stage ([`SyntheticDemand::draw_park`] as a
//! [`crate::commute::compute_commute_with`] visitor): residents who reach a park within the
//! target by no existing mode but the car.

use rayon::prelude::*;

use crate::commute::ModeReach;
use crate::graph::{Mode, RoadGraph, VertexId};
use crate::places::ZoneId;
use crate::places::demand::Booking;
use crate::places::residents::{ResidentBasis, ResidentOptions, ResidentUnit, Residents};
use crate::routing::{Direction, TravelTimes, UNREACHED};

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
    ///
    /// Only units marked in `servable` (see [`servable_units`]: a road buses use is within
    /// walking distance) are drawn from, so that every worker can reach a possible stop; the
    /// returned [`ParkSample`] says how many residents were in the bus's market and how
    /// many of them could walk to a stop, so that an empty sample can say why.
    pub fn draw_park(
        &self,
        park_index: usize,
        park: ZoneId,
        modes: &[ModeReach],
        residents: &Residents,
        servable: &[bool],
    ) -> (Vec<Booking>, ParkSample) {
        let mut sample = ParkSample {
            park,
            residents: residents.units.iter().map(|u| u.residents).sum(),
            market_residents: 0.0,
            servable_residents: 0.0,
        };
        if !self.parks.contains(&park) {
            return (Vec::new(), sample);
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
                sample.market_residents += unit.residents;
                if servable.get(u) == Some(&true) {
                    total += unit.residents;
                    cumulative.push((total, u));
                }
            }
        }
        sample.servable_residents = total;
        if cumulative.is_empty() {
            return (Vec::new(), sample);
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
        let bookings = drawn
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
            .collect();
        (bookings, sample)
    }
}

/// How large one park's synthetic draw could be.
#[derive(Clone, Debug, PartialEq)]
pub struct ParkSample {
    /// The park.
    pub park: ZoneId,
    /// All residents of the region.
    pub residents: f64,
    /// Residents who reach the park within the target only by car (the bus's market).
    pub market_residents: f64,
    /// Those of them who can walk to a road buses use (drawn from).
    pub servable_residents: f64,
}

/// Per resident unit: whether a possible stop is within `options.max_walk_m` on foot, by the
/// same measure the bus-line planner uses for its candidate stops (snap onto the walk network
/// within `max_walk_m`, then walk): a keyed OSM stop (`osm_stops`, keyed as the planner keys
/// them) at its own point — straight along the edge when the home is on it —, any other
/// vertex of the `options.roads` network at the vertex. One reverse walking search from every
/// such point, then a look-up per unit.
///
/// # Complexity
/// One bounded search (O((V + E) log V) at most) and one snap per unit.
pub fn servable_units(
    graph: &RoadGraph,
    residents: &Residents,
    osm_stops: &[crate::osm::BusStop],
    options: &super::lines::LineOptions,
) -> Vec<bool> {
    let (roads, max_walk_m) = (options.roads, options.max_walk_m);
    let bus = graph.profile(roads);
    let walk_mps = graph.options.walk_kmh / 3.6;
    let max_walk_ms = (max_walk_m / walk_mps * 1000.0) as u32;
    let keyed = super::lines::osm_stop_vertices(graph, osm_stops, options);
    let sites = super::stop_sites::StopSites::new(graph, &keyed, roads, options.osm_stop_m);
    let mut seeds: Vec<(VertexId, u32)> = (0..graph.vertices.len())
        .map(|v| VertexId(v as u32))
        .filter(|&v| bus.contains(v) && !sites.walked_to_exactly(v))
        .map(|v| (v, 0))
        .collect();
    seeds.extend(sites.walk_snaps().flat_map(|w| w.seeds(graph, true)));
    let to_stop = TravelTimes::compute(
        graph.profile(Mode::Walk),
        Direction::Reverse,
        &seeds,
        max_walk_ms,
    );
    residents
        .units
        .par_iter()
        .map(|unit| {
            let Ok(snap) = graph.snap(Mode::Walk, unit.location, max_walk_m) else {
                return false;
            };
            let offset_ms = (snap.distance_m / walk_mps * 1000.0) as u32;
            let within = |t: u32| u64::from(t) + u64::from(offset_ms) <= u64::from(max_walk_ms);
            let via_junction = snap
                .seeds(graph, false)
                .into_iter()
                .any(|(v, t)| to_stop.get(v).is_some_and(|d| within(d.saturating_add(t))));
            via_junction
                || sites
                    .walk_on_edge(snap.edge)
                    .any(|stop| snap.along_edge_ms(graph, stop).is_some_and(within))
        })
        .collect()
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

/// Why no bus line serves a park: the report and the terminal say this instead of a table of
/// zeros, and `drt.json` gives it as the park's `status` / `reason`.
#[derive(Clone, Debug, PartialEq)]
pub enum NoLine {
    /// The network has no road buses may use.
    NoBusRoads,
    /// The region has no residents to draw workers from.
    NoResidents,
    /// The demand file has no booking for the park.
    NoBookings,
    /// No resident reaches the park within the target only by car: there is no one for a bus
    /// to serve better than today.
    NoMarket {
        /// The commute target, minutes.
        target_min: f64,
    },
    /// The residents who reach the park only by car all live beyond walking distance of a
    /// road buses use.
    NoneWithinWalk {
        /// Those residents.
        market_residents: f64,
        /// The walking limit, metres.
        max_walk_m: f64,
    },
    /// Workers were drawn or booked but none can be carried (the most common reason).
    NoneCarried {
        /// Workers.
        workers: u32,
        /// Why (the reason for most of them).
        why: crate::lang::RiderReason,
    },
}

impl NoLine {
    /// A stable code for files.
    pub fn code(&self) -> &'static str {
        match self {
            NoLine::NoBusRoads => "no_bus_roads",
            NoLine::NoResidents => "no_residents",
            NoLine::NoBookings => "no_bookings",
            NoLine::NoMarket { .. } => "no_car_only_residents",
            NoLine::NoneWithinWalk { .. } => "no_resident_within_walk_of_a_stop",
            NoLine::NoneCarried { .. } => "no_worker_carried",
        }
    }

    /// The reason in English.
    pub fn en(&self) -> String {
        match self {
            NoLine::NoBusRoads => "no line can be planned: the data has no road buses may use".into(),
            NoLine::NoResidents => "no line can be planned: the data has no residents to draw workers from (no buildings or residential areas); give a population file or a demand file".into(),
            NoLine::NoBookings => "no line planned: the demand file has no booking for this park".into(),
            NoLine::NoMarket { target_min } => format!(
                "no line planned: no resident reaches the park within {target_min:.0} min only by car (the synthetic workers are drawn from those)"
            ),
            NoLine::NoneWithinWalk { market_residents, max_walk_m } => format!(
                "no line can be planned: none of the {market_residents:.0} residents who reach the park only by car lives within {max_walk_m:.0} m walk of a road buses use"
            ),
            NoLine::NoneCarried { workers, why } => {
                format!("no line can be planned: none of the {workers} workers can be carried ({why})")
            }
        }
    }

    /// The reason in Chinese.
    pub fn zh(&self) -> String {
        match self {
            NoLine::NoBusRoads => "无法规划线路：数据中没有公交车可通行的道路".into(),
            NoLine::NoResidents => {
                "无法规划线路：数据中无居民（无建筑或居住用地），请提供人口文件或需求文件".into()
            }
            NoLine::NoBookings => "未规划线路：需求文件中没有本园区的预约".into(),
            NoLine::NoMarket { target_min } => format!(
                "未规划线路：没有仅靠小汽车才能在{target_min:.0}分钟内到达园区的居民（模拟职工取自这类居民）"
            ),
            NoLine::NoneWithinWalk {
                market_residents,
                max_walk_m,
            } => format!(
                "无法规划线路：仅靠小汽车可达园区的{market_residents:.0}名居民，步行{max_walk_m:.0}米内均无公交可通行道路"
            ),
            NoLine::NoneCarried { workers, why } => {
                format!("无法规划线路：{workers}名职工均无法乘车（{}）", why.zh())
            }
        }
    }
}
