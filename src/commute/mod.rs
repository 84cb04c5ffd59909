//! Stage 6: the 30-minute commute circle. [`compute_commute`] takes the road graph, the parks,
//! the residents and the bus lines, and returns per park and mode how many residents reach the
//! park within 15, 30, 45 and 60 minutes, the area reached within the target, the living areas
//! left outside it by every mode but the car (the candidates for reservation buses), and the
//! shared-bike picture.
//!
//! Modes (one reverse search per park and mode, from the park's access points):
//! - `walk`, `ebike`, `car`: door to the park on that mode's network;
//! - `bike`: a shared bike where a bike-share point (`amenity=bicycle_rental`) is within
//!   [`CommuteOptions::bikeshare_walk_m`] on foot — walk to the nearest one, unlock, ride —
//!   else the resident's own bike;
//! - `bus`: the better of walking and bus + walk on the [`transit::TransitGraph`] (lines from
//!   OSM relations or GTFS), waiting half a headway at each boarding.
//!
//! A resident unit's time is measured from where its location snaps onto the network.

pub mod districts;
pub mod gtfs;
pub mod incremental;
pub mod lines;
mod park;
pub mod transit;

use geo::{BooleanOps, Buffer, ConvexHull, Coord, MapCoords, MultiPoint, MultiPolygon, Point};
use rayon::prelude::*;

use crate::coverage::VertexIndex;
use crate::graph::{Mode, RoadGraph, Snap, VertexId};
use crate::places::residents::Residents;
use crate::places::{ZoneId, Zones};
use crate::reach::{NoData, Reach};
use crate::routing::isochrone::{IsochroneOptions, contour_bands, isochrones, time_grid};
use crate::routing::{Direction, SearchScratch, UNREACHED, bounded_search};
use park::{ParkSearches, ScratchPool, Shares, UnitIndex};
use transit::{TransitGraph, TransitOptions};

/// The bands reported, minutes.
pub const BANDS_MIN: [f64; 4] = [15.0, 30.0, 45.0, 60.0];

/// Settings of the commute stage.
#[derive(Clone, Debug, PartialEq)]
pub struct CommuteOptions {
    /// Modes to evaluate.
    pub modes: Vec<Mode>,
    /// The commute target, minutes.
    pub target_min: f64,
    /// Bus layer settings.
    pub transit: TransitOptions,
    /// A bike-share point this close on foot makes the bike trip a shared-bike trip, metres.
    pub bikeshare_walk_m: f64,
    /// Time to find and unlock a shared bike, seconds.
    pub bikeshare_unlock_s: f64,
    /// Bike-share points this close to a park's access points serve it, metres.
    pub bikeshare_radius_m: f64,
    /// The bike reach added to a park's suggested bike-share service area, minutes.
    pub service_area_bike_min: f64,
    /// Vertices this close to a park are its access points, metres.
    pub access_radius_m: f64,
    /// Living areas listed per park in [`ParkCommute::outside`] (most residents outside first;
    /// the rest are counted in [`ParkCommute::outside_total`]), so that a province's report
    /// does not grow as parks × areas.
    pub max_outside_areas: usize,
    /// Keep every resident unit's time to every park and mode in the report (memory: parks ×
    /// modes × units × 4 bytes; for tests and small populations such as bookings). To aggregate
    /// per park on a large region, use [`compute_commute_with`] instead.
    pub keep_unit_times: bool,
}

impl Default for CommuteOptions {
    fn default() -> Self {
        CommuteOptions {
            modes: Mode::ALL.to_vec(),
            target_min: 30.0,
            transit: TransitOptions::default(),
            bikeshare_walk_m: 500.0,
            bikeshare_unlock_s: 60.0,
            bikeshare_radius_m: 300.0,
            service_area_bike_min: 15.0,
            access_radius_m: 50.0,
            max_outside_areas: 20,
            keep_unit_times: false,
        }
    }
}

/// One park and mode.
#[derive(Clone, Debug)]
pub struct ModeReach {
    /// The mode.
    pub mode: Mode,
    /// Residents within each of [`BANDS_MIN`].
    pub residents_within: [f64; 4],
    /// The same as shares of all residents, 0–1.
    pub share_within: [f64; 4],
    /// Where the park is reached from within the target.
    pub reach: MultiPolygon,
    /// Residents within the target.
    pub residents_within_target: f64,
    /// Per resident unit: ms to the park, [`UNREACHED`] beyond 60 minutes; in the report, empty
    /// unless [`CommuteOptions::keep_unit_times`] (a [`compute_commute_with`] visitor always
    /// sees it filled).
    pub unit_ms: Vec<u32>,
}

/// A living area left outside the target by every mode but the car.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct OutsideArea {
    /// The residential area (`None`: residents outside any mapped residential area).
    pub area: Option<ZoneId>,
    /// Its residents outside the target.
    pub residents_outside: f64,
    /// All its residents.
    pub residents: f64,
    /// Resident-weighted median of the best non-car time, minutes (`None` beyond 60).
    pub median_best_min: Option<f64>,
    /// The district (of a planner's population file) of most of its residents; residents
    /// outside mapped residential areas are listed per district.
    pub district: Option<crate::places::districts::DistrictId>,
}

/// The commute circle of one park.
#[derive(Clone, Debug)]
pub struct ParkCommute {
    /// The park.
    pub zone: ZoneId,
    /// Per mode, in [`CommuteOptions::modes`] order.
    pub modes: Vec<ModeReach>,
    /// Living areas outside the target by every non-car mode, most residents outside first, at
    /// most [`CommuteOptions::max_outside_areas`] of them.
    pub outside: Vec<OutsideArea>,
    /// All such areas, listed or not: how many, and their residents outside the target.
    pub outside_total: (usize, f64),
    /// Per district of the population file: its residents and those within the target by
    /// each mode (empty without districts).
    pub districts: Vec<districts::DistrictReach>,
    /// Bike-share points within [`CommuteOptions::bikeshare_radius_m`] of the park.
    pub bikeshare_points: Vec<Coord>,
    /// Suggested bike-share service area: the park plus a margin plus its bike reach towards
    /// the residential areas.
    pub service_area: MultiPolygon,
}

/// The result of the commute stage.
#[derive(Clone, Debug)]
pub struct CommuteReport {
    /// The settings.
    pub options: CommuteOptions,
    /// Per park.
    pub parks: Vec<ParkCommute>,
    /// All residents.
    pub residents_total: f64,
    /// Where the bus lines came from.
    pub transit_source: String,
    /// Bus lines used.
    pub transit_lines: usize,
    /// Stops on the walk network.
    pub transit_stops: usize,
    /// Bike-share points in the region.
    pub bikeshare_points: usize,
    /// Per mode (in [`CommuteOptions::modes`] order) and resident unit: ms to the nearest park,
    /// [`UNREACHED`] beyond 60 minutes.
    pub nearest_park_ms: Vec<Vec<u32>>,
}

impl CommuteReport {
    /// Why a mode has no share at all: no residents, or (for the bus) no bus line, where the
    /// "bus" figures would only be walking.
    pub fn mode_no_data(&self, mode: Mode) -> Option<NoData> {
        if self.residents_total <= 0.0 {
            Some(NoData::NoResidents)
        } else if mode == Mode::Bus && self.transit_lines == 0 {
            Some(NoData::NoBusLines)
        } else {
            None
        }
    }

    /// The share of all residents within the target of a park by a mode, or no data.
    pub fn mode_reach(&self, reach: &ModeReach) -> Reach {
        match self.mode_no_data(reach.mode) {
            Some(why) => Reach::NoData(why),
            None => Reach::Share(reach.residents_within_target / self.residents_total),
        }
    }
}

/// Per resident unit and mode: the search seeds leaving its location.
struct UnitSeeds {
    per_mode: Vec<Vec<(VertexId, u32)>>,
    /// Walks to the bus stops within the limit, from the unit's own point on the walk graph
    /// (stop, ms); empty when the bus mode is not asked for.
    bus_walks: Vec<(u32, u32)>,
    /// The walk to the nearest bike-share point within the limit, from the unit's own point
    /// (point, ms); `None` without one or when the bike mode is not asked for.
    share_walk: Option<(u32, u32)>,
}

/// A zone's access vertices for `mode` (within `radius_m`), or the vertex nearest its inside
/// when no road of the mode comes that close.
fn access_points(
    graph: &RoadGraph,
    index: &VertexIndex,
    zone: &crate::places::Zone,
    radius_m: f64,
    mode: Mode,
) -> Vec<VertexId> {
    let gates = crate::coverage::gate_vertices(graph, mode, &zone.gates);
    let mut access = if gates.is_empty() {
        index.access_points(graph, zone, radius_m)
    } else {
        gates
    };
    if access.is_empty() {
        // No road of the mode near the park: the nearest one to its inside stands in.
        let inside = geo::InteriorPoint::interior_point(&zone.polygon).map(|p| p.0);
        if let Some(snap) = inside.and_then(|c| graph.snap(mode, c, 5_000.0).ok()) {
            access = snap.seeds(graph, true).into_iter().map(|s| s.0).collect();
            access.sort_unstable();
            access.dedup();
        }
    }
    access
}

fn minutes(ms: u32) -> f64 {
    f64::from(ms) / 60_000.0
}

/// What the commute stage looks at.
#[derive(Clone, Copy, Debug)]
pub struct CommuteInputs<'a> {
    /// The parks.
    pub parks: &'a Zones,
    /// The residential areas (living areas).
    pub areas: &'a Zones,
    /// Where people live.
    pub residents: &'a Residents,
    /// Bike-share points (`amenity=bicycle_rental`).
    pub bikeshare: &'a [Coord],
    /// The bus layer.
    pub transit: &'a TransitGraph,
    /// Where its lines came from.
    pub transit_source: &'a str,
}

/// Computes the commute circle of every park.
pub fn compute_commute(
    graph: &RoadGraph,
    inputs: &CommuteInputs<'_>,
    options: &CommuteOptions,
) -> CommuteReport {
    compute_commute_with(graph, inputs, options, &|_, _| ()).0
}

/// Computes the commute circle of every park, and hands each park's per-unit times to `visit`
/// as soon as its searches finish: `visit(park_index, modes)` sees every [`ModeReach::unit_ms`]
/// filled (whatever [`CommuteOptions::keep_unit_times`] says), so that a caller can aggregate
/// per park (e.g. draw a sample of its residents) without a parks × residents table. Returns
/// the report and what `visit` returned for every park, in park order.
pub fn compute_commute_with<T: Send>(
    graph: &RoadGraph,
    inputs: &CommuteInputs<'_>,
    options: &CommuteOptions,
    visit: &(dyn Fn(usize, &[ModeReach]) -> T + Sync),
) -> (CommuteReport, Vec<T>) {
    let run = CommuteRun::new(graph, inputs, options);
    let (parks, residents) = (inputs.parks, inputs.residents);
    let pool = ScratchPool::new();
    let mut parks_out: Vec<ParkCommute> = Vec::with_capacity(parks.zones.len());
    let mut visited: Vec<T> = Vec::with_capacity(parks.zones.len());
    let mut nearest_park_ms: Vec<Vec<u32>> =
        vec![vec![UNREACHED; residents.units.len()]; options.modes.len()];
    // In chunks, so that only a few parks' per-unit times are in memory at once.
    const CHUNK: usize = 16;
    for (c, chunk) in parks.zones.chunks(CHUNK).enumerate() {
        let done: Vec<(ParkCommute, T)> = chunk
            .par_iter()
            .enumerate()
            .map(|(k, zone)| {
                let mut searches = pool.take(graph, inputs.transit);
                let park = park_commute(&run, zone, &mut searches);
                pool.give(searches);
                let seen = visit(c * CHUNK + k, &park.modes);
                (park, seen)
            })
            .collect();
        for (mut pc, seen) in done {
            visited.push(seen);
            for (m, reach) in pc.modes.iter_mut().enumerate() {
                for (best, &t) in nearest_park_ms[m].iter_mut().zip(&reach.unit_ms) {
                    *best = (*best).min(t);
                }
                if !options.keep_unit_times {
                    reach.unit_ms = Vec::new();
                }
            }
            parks_out.push(pc);
        }
    }
    let report = CommuteReport {
        options: options.clone(),
        parks: parks_out,
        residents_total: run.total,
        transit_source: inputs.transit_source.to_string(),
        transit_lines: inputs.transit.lines,
        transit_stops: inputs.transit.stops.len(),
        bikeshare_points: run.shares.snaps.len(),
        nearest_park_ms,
    };
    (report, visited)
}

/// What every park's step reads, prepared once per run.
struct CommuteRun<'a> {
    graph: &'a RoadGraph,
    inputs: &'a CommuteInputs<'a>,
    options: &'a CommuteOptions,
    /// Where each resident unit joins each mode's network, per vertex.
    units: UnitIndex,
    /// Bike-share points and the walk to the nearest one.
    shares: Shares,
    /// Per mode: the vertices near which a park has access points.
    indexes: Vec<VertexIndex>,
    /// All residents.
    total: f64,
    /// The largest band reported: every search stops there.
    max_ms: u32,
}

/// The network a mode's trips start on (bus riders walk to the stop).
fn seeds_mode(m: Mode) -> Mode {
    if m == Mode::Bus { Mode::Walk } else { m }
}

impl<'a> CommuteRun<'a> {
    fn new(
        graph: &'a RoadGraph,
        inputs: &'a CommuteInputs<'a>,
        options: &'a CommuteOptions,
    ) -> Self {
        // Where each resident unit joins each mode's network (shared bikes start on foot).
        let bus = options.modes.contains(&Mode::Bus);
        let bike = options.modes.contains(&Mode::Bike);
        let shares = Shares::new(graph, inputs.bikeshare, options);
        let units: Vec<UnitSeeds> = inputs
            .residents
            .units
            .par_iter()
            .map(|u| {
                let snap =
                    |m: Mode| graph.snap(m, u.location, crate::graph::snap::DEFAULT_MAX_SNAP_M);
                UnitSeeds {
                    per_mode: Mode::ALL
                        .iter()
                        .map(|&m| {
                            snap(seeds_mode(m))
                                .map(|s: Snap| s.seeds(graph, false))
                                .unwrap_or_default()
                        })
                        .collect(),
                    bus_walks: match snap(Mode::Walk) {
                        Ok(s) if bus => inputs.transit.walks_to_stops(graph, &s),
                        _ => Vec::new(),
                    },
                    share_walk: match snap(Mode::Walk) {
                        Ok(s) if bike => shares.walk_from(graph, &s),
                        _ => None,
                    },
                }
            })
            .collect();
        CommuteRun {
            graph,
            inputs,
            options,
            units: UnitIndex::new(
                graph.vertices.len(),
                (inputs.transit.stops.len(), shares.snaps.len()),
                &units,
            ),
            shares,
            indexes: Mode::ALL
                .iter()
                .map(|&m| VertexIndex::new(graph, m))
                .collect(),
            total: inputs.residents.total(),
            max_ms: (BANDS_MIN[3] * 60_000.0) as u32,
        }
    }
}

/// One park: its searches, every mode's reach, the areas left outside, the bike-share picture.
/// Its modes keep [`ModeReach::unit_ms`] filled.
fn park_commute(
    run: &CommuteRun<'_>,
    zone: &crate::places::Zone,
    searches: &mut ParkSearches,
) -> ParkCommute {
    let (graph, options) = (run.graph, run.options);
    let residents = run.inputs.residents;
    let access: Vec<Vec<VertexId>> = Mode::ALL
        .iter()
        .map(|&m| {
            access_points(
                graph,
                &run.indexes[seeds_mode(m).index()],
                zone,
                options.access_radius_m,
                seeds_mode(m),
            )
        })
        .collect();
    searches.run(
        graph,
        run.inputs.transit,
        &run.shares,
        &access,
        &options.modes,
        run.max_ms,
    );
    let mut best_non_car: Vec<Option<u32>> = vec![None; residents.units.len()];
    let modes: Vec<ModeReach> = options
        .modes
        .iter()
        .map(|&mode| mode_reach(run, searches, mode, &mut best_non_car))
        .collect();
    let mut outside = outside_areas(
        residents,
        run.inputs.areas,
        &best_non_car,
        options.target_min,
    );
    let outside_total = (
        outside.len(),
        outside.iter().map(|o| o.residents_outside).sum::<f64>(),
    );
    outside.truncate(options.max_outside_areas);
    let (bikeshare_points, service_area) = bikeshare_picture(
        graph,
        zone,
        run.inputs.areas,
        &access[Mode::Walk.index()],
        &run.shares.snaps,
        options,
        searches.spare(),
    );
    let target_ms = (options.target_min * 60_000.0) as u32;
    ParkCommute {
        zone: zone.id,
        districts: districts::district_reach(residents, &modes, target_ms),
        modes,
        outside,
        outside_total,
        bikeshare_points,
        service_area,
    }
}

/// One park and mode, from the park's finished searches: every unit's time, residents per
/// band, the reach polygon; folds the unit times into `best_non_car` (all modes but the car).
fn mode_reach(
    run: &CommuteRun<'_>,
    searches: &ParkSearches,
    mode: Mode,
    best_non_car: &mut [Option<u32>],
) -> ModeReach {
    let (graph, options, shares) = (run.graph, run.options, &run.shares);
    let residents = run.inputs.residents;
    let candidates = searches.candidates(graph, mode, shares);
    let unit_ms = searches.unit_times(
        (mode, run.inputs.transit),
        &candidates,
        &run.units,
        shares,
        run.max_ms,
    );
    let mut within = [0.0; 4];
    for (u, &t) in residents.units.iter().zip(&unit_ms) {
        if t != UNREACHED {
            for (b, band) in BANDS_MIN.iter().enumerate() {
                if minutes(t) <= *band {
                    within[b] += u.residents;
                }
            }
        }
    }
    if mode != Mode::Car {
        for (best, &t) in best_non_car.iter_mut().zip(&unit_ms) {
            if t != UNREACHED {
                *best = Some(best.map_or(t, |b| b.min(t)));
            }
        }
    }
    // The reach polygon, drawn on the mode's own roads (walk roads for bus and bike).
    let target_ms = (options.target_min * 60_000.0) as u32;
    let draw_mode = if matches!(mode, Mode::Bus | Mode::Bike) {
        Mode::Walk
    } else {
        mode
    };
    let settled = searches.reached_within(graph, &candidates, (mode, draw_mode), target_ms, shares);
    let grid = time_grid(
        graph,
        draw_mode,
        Direction::Reverse,
        &settled,
        &[],
        target_ms,
        &IsochroneOptions::for_mode(mode),
    );
    let reach = contour_bands(graph, &grid, &[options.target_min])
        .remove(0)
        .polygon;
    let target = residents
        .units
        .iter()
        .zip(&unit_ms)
        .filter(|&(_, &t)| t <= target_ms)
        .map(|(u, _)| u.residents)
        .sum();
    let total = run.total;
    ModeReach {
        mode,
        residents_within: within,
        share_within: within.map(|w| if total > 0.0 { w / total } else { 0.0 }),
        reach,
        residents_within_target: target,
        unit_ms,
    }
}

fn outside_areas(
    residents: &Residents,
    areas: &Zones,
    best: &[Option<u32>],
    target_min: f64,
) -> Vec<OutsideArea> {
    let n = areas.zones.len();
    let d = residents.districts.len();
    // Indexes n.. collect residents outside any mapped area, per district (n + d: none).
    let mut groups: Vec<Vec<(f64, Option<u32>)>> = vec![Vec::new(); n + d + 1];
    let mut district_of = vec![Vec::new(); n];
    for (u, t) in residents.units.iter().zip(best) {
        let i = match (u.area, u.district) {
            (Some(a), district) => {
                if let (Some(slot), Some(district)) = (district_of.get_mut(a.0 as usize), district)
                {
                    add_to(slot, district, u.residents);
                }
                a.0 as usize
            }
            (None, Some(district)) => n + (district.0 as usize).min(d),
            (None, None) => n + d,
        };
        groups[i].push((u.residents, *t));
    }
    let target_ms = (target_min * 60_000.0) as u32;
    let mut out: Vec<OutsideArea> = groups
        .into_iter()
        .enumerate()
        .filter_map(|(i, mut g)| {
            let residents: f64 = g.iter().map(|x| x.0).sum();
            let outside: f64 = g
                .iter()
                .filter(|x| x.1.is_none_or(|t| t > target_ms))
                .map(|x| x.0)
                .sum();
            if outside <= 0.0 {
                return None;
            }
            g.sort_by_key(|x| x.1.unwrap_or(u32::MAX));
            let mut acc = 0.0;
            let median = g.iter().find(|x| {
                acc += x.0;
                acc >= residents / 2.0
            });
            let district = match i.checked_sub(n) {
                None => district_of[i]
                    .iter()
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                    .map(|x| x.0),
                Some(k) => (k < d).then_some(crate::places::districts::DistrictId(k as u32)),
            };
            Some(OutsideArea {
                area: (i < n).then_some(ZoneId(i as u32)),
                district,
                residents_outside: outside,
                residents,
                median_best_min: median.and_then(|x| x.1).map(minutes),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.residents_outside
            .total_cmp(&a.residents_outside)
            .then(a.area.cmp(&b.area))
            .then(a.district.cmp(&b.district))
    });
    out
}

/// Adds `residents` to `district`'s entry of a small (district, residents) list.
fn add_to(
    list: &mut Vec<(crate::places::districts::DistrictId, f64)>,
    district: crate::places::districts::DistrictId,
    residents: f64,
) {
    match list.iter_mut().find(|x| x.0 == district) {
        Some(x) => x.1 += residents,
        None => list.push((district, residents)),
    }
}

/// Bike-share points near a park, and the suggested service area.
fn bikeshare_picture(
    graph: &RoadGraph,
    zone: &crate::places::Zone,
    areas: &Zones,
    access: &[VertexId],
    shares: &[Snap],
    options: &CommuteOptions,
    scratch: &mut SearchScratch,
) -> (Vec<Coord>, MultiPolygon) {
    let walk_mps = graph.options.walk_kmh / 3.6;
    let radius_ms = (options.bikeshare_radius_m / walk_mps * 1000.0) as u32;
    let seeds: Vec<(VertexId, u32)> = access.iter().map(|&v| (v, 0)).collect();
    bounded_search(
        graph.profile(Mode::Walk),
        Direction::Forward,
        &seeds,
        radius_ms,
        scratch,
    );
    let near: Vec<Coord> = shares
        .iter()
        .filter(|s| {
            graph.snap(Mode::Walk, s.point, 200.0).is_ok_and(|w| {
                w.seeds(graph, true)
                    .iter()
                    .any(|&(u, t)| scratch.time_ms(u).is_some_and(|x| x + t <= radius_ms))
            })
        })
        .map(|s| s.point)
        .collect();
    // Park + margin, plus the bike reach clipped to the hull of the park and the residential
    // areas that reach touches.
    let proj = graph.projection();
    let to_m = |mp: &MultiPolygon| {
        mp.map_coords(|c| {
            let [x, y] = proj.project(c);
            Coord { x, y }
        })
    };
    let to_deg = |mp: &MultiPolygon| mp.map_coords(|c| proj.unproject([c.x, c.y]));
    let park_m = to_m(&zone.polygon);
    let margin = park_m.buffer(options.bikeshare_radius_m);
    let bike_access: Vec<(VertexId, u32)> = access
        .iter()
        .filter(|&&v| graph.profile(Mode::Bike).contains(v))
        .map(|&v| (v, 0))
        .collect();
    let reach = isochrones(
        graph,
        Mode::Bike,
        &bike_access,
        &[],
        &[options.service_area_bike_min],
        scratch,
    )
    .remove(0)
    .polygon;
    let reach_m = to_m(&reach);
    let mut hull_points: Vec<Point> = park_m
        .0
        .iter()
        .flat_map(|p| p.exterior().0.iter().map(|&c| Point(c)))
        .collect();
    use geo::BoundingRect;
    // Each reach ring with its box: a corner outside the box is outside the ring, so most
    // areas of a large region are passed over without a point-in-ring test or a projection.
    let rings: Vec<(&[Coord], geo::Rect)> = reach_m
        .0
        .iter()
        .filter_map(|r| Some((r.exterior().0.as_slice(), r.exterior().bounding_rect()?)))
        .collect();
    let in_reach = |c: Coord| {
        rings.iter().any(|(ring, b)| {
            let (lo, hi) = (b.min(), b.max());
            (lo.x..=hi.x).contains(&c.x)
                && (lo.y..=hi.y).contains(&c.y)
                && crate::geom::ring_contains(ring, c)
        })
    };
    for a in &areas.zones {
        let touches = a
            .polygon
            .0
            .iter()
            .flat_map(|p| p.exterior().0.iter())
            .any(|&c| {
                let [x, y] = proj.project(c);
                in_reach(Coord { x, y })
            });
        if touches {
            hull_points.extend(
                to_m(&a.polygon)
                    .0
                    .iter()
                    .flat_map(|p| p.exterior().0.iter().map(|&c| Point(c))),
            );
        }
    }
    let hull = MultiPoint(hull_points).convex_hull();
    let towards = reach_m.intersection(&MultiPolygon(vec![hull]));
    (near, to_deg(&margin.union(&towards)))
}
