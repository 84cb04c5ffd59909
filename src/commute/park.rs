//! One park's reverse searches, run once per network and read in place.
//!
//! The commute stage asks, per park and mode, for the time from every resident unit to the
//! park and for the vertices reached within the target (to draw the reach). Both are read
//! straight from the searches' scratch memory instead of being copied into dense per-vertex
//! tables, so a park costs only what its searches reach, not the size of the region:
//! - each network is searched once per park: the walk search serves the `walk` mode and the
//!   walking half of the `bus` mode, the transit graph is searched once for the bus;
//! - shared bikes are priced per bike-share point (the ride from the point to the park, once
//!   per park) instead of per vertex; a home's walk to its nearest point is found once per run
//!   from the home's own point on the street ([`Shares::walk_from`]);
//! - the scratch memory (one [`SearchScratch`] per network) is reused from park to park
//!   through a [`ScratchPool`] instead of being allocated per park.
//!
//! Every time equals the one the dense tables gave (same searches, same formulas).

use std::sync::Mutex;

use std::collections::BTreeMap;

use super::transit::TransitGraph;
use super::{CommuteOptions, UnitSeeds};
use crate::graph::{EdgeId, Mode, RoadGraph, Snap, VertexId};
use crate::routing::{Direction, SearchGraph, SearchScratch, UNREACHED, bounded_search};

/// Bike-share points and, for every walk vertex, the nearest one on foot.
pub(super) struct Shares {
    /// The points snapped onto the bike network.
    pub snaps: Vec<Snap>,
    /// Per point: the seeds for riding away from it.
    seeds: Vec<Vec<(VertexId, u32)>>,
    /// Per vertex: (walk ms, point) of the nearest point within the walking limit.
    nearest: Vec<Option<(u32, usize)>>,
    /// The vertices that have a nearest point, in vertex order.
    vertices: Vec<VertexId>,
    /// Time to find and unlock a bike, ms.
    unlock_ms: u32,
    /// Per point: its place on the walk network (`None`: no walk road within 200 m).
    walk_snaps: Vec<Option<Snap>>,
    /// Walk edge → the points on it.
    on_walk_edge: BTreeMap<EdgeId, Vec<usize>>,
    /// The walking limit, ms.
    share_walk_ms: u32,
}

impl Shares {
    /// Snaps the points and runs one walking search (towards each point) per point.
    pub fn new(graph: &RoadGraph, bikeshare: &[geo::Coord], options: &CommuteOptions) -> Self {
        let walk_mps = graph.options.walk_kmh / 3.6;
        let snaps: Vec<Snap> = bikeshare
            .iter()
            .filter_map(|&c| graph.snap(Mode::Bike, c, 200.0).ok())
            .collect();
        let share_walk_ms = (options.bikeshare_walk_m / walk_mps * 1000.0) as u32;
        let mut nearest: Vec<Option<(u32, usize)>> = vec![None; graph.vertices.len()];
        let mut scratch = SearchScratch::new(graph);
        let walk_snaps: Vec<Option<Snap>> = snaps
            .iter()
            .map(|s| graph.snap(Mode::Walk, s.point, 200.0).ok())
            .collect();
        let mut on_walk_edge: BTreeMap<EdgeId, Vec<usize>> = BTreeMap::new();
        for (i, walk_snap) in walk_snaps.iter().enumerate() {
            let Some(walk_snap) = walk_snap else {
                continue;
            };
            on_walk_edge.entry(walk_snap.edge).or_default().push(i);
            for &(v, t) in bounded_search(
                graph.profile(Mode::Walk),
                Direction::Reverse,
                &walk_snap.seeds(graph, true),
                share_walk_ms,
                &mut scratch,
            ) {
                let slot = &mut nearest[v.index()];
                if slot.is_none_or(|(best, _)| t < best) {
                    *slot = Some((t, i));
                }
            }
        }
        let vertices = (0..nearest.len() as u32)
            .map(VertexId)
            .filter(|v| nearest[v.index()].is_some())
            .collect();
        Shares {
            seeds: snaps.iter().map(|s| s.seeds(graph, false)).collect(),
            snaps,
            nearest,
            vertices,
            unlock_ms: (options.bikeshare_unlock_s * 1000.0) as u32,
            walk_snaps,
            on_walk_edge,
            share_walk_ms,
        }
    }

    /// The nearest point on foot from a home snapped onto the walk network (`home`), within
    /// the walking limit counted from the home's own point: `(point, walk ms)`. The walk ends
    /// at the point's own place on its edge, straight along the edge when the home is on the
    /// same one (not via a junction and back).
    pub fn walk_from(&self, graph: &RoadGraph, home: &Snap) -> Option<(u32, u32)> {
        let via_junction = home.seeds(graph, false).into_iter().filter_map(|(v, t0)| {
            let (walk_ms, i) = self.nearest[v.index()]?;
            Some((t0.saturating_add(walk_ms), i))
        });
        let along = self
            .on_walk_edge
            .get(&home.edge)
            .into_iter()
            .flatten()
            .filter_map(|&i| {
                let at = self.walk_snaps[i].as_ref()?;
                Some((home.along_edge_ms(graph, at)?, i))
            });
        via_junction
            .chain(along)
            .filter(|&(t, _)| t <= self.share_walk_ms)
            .min()
            .map(|(t, i)| (i as u32, t))
    }
}

/// One worker's scratch memory: a search per road network and one on the transit graph.
pub(super) struct ParkSearches {
    /// Per mode ([`Mode::index`]); the bus entry is unused (bus = walk + transit).
    road: Vec<SearchScratch>,
    transit: SearchScratch,
    /// Per bike-share point: the own-bike ride from it to the park, ms.
    ride_ms: Vec<Option<u32>>,
}

impl ParkSearches {
    fn new(graph: &RoadGraph, transit: &TransitGraph) -> Self {
        ParkSearches {
            road: Mode::ALL
                .iter()
                .map(|_| SearchScratch::new(graph))
                .collect(),
            transit: SearchScratch::with_nodes(transit.node_count()),
            ride_ms: Vec::new(),
        }
    }

    /// Runs the reverse searches `modes` need from the park's access points (`access`, per
    /// [`Mode::index`]), each network once, up to `max_ms`.
    pub fn run(
        &mut self,
        graph: &RoadGraph,
        transit: &TransitGraph,
        shares: &Shares,
        access: &[Vec<VertexId>],
        modes: &[Mode],
        max_ms: u32,
    ) {
        let seeds = |m: Mode| -> Vec<(VertexId, u32)> {
            access[m.index()].iter().map(|&v| (v, 0)).collect()
        };
        let bus = modes.contains(&Mode::Bus);
        for m in [Mode::Walk, Mode::Bike, Mode::Ebike, Mode::Car] {
            if modes.contains(&m) || (m == Mode::Walk && bus) {
                let scratch = &mut self.road[m.index()];
                bounded_search(
                    graph.profile(m),
                    Direction::Reverse,
                    &seeds(m),
                    max_ms,
                    scratch,
                );
            }
        }
        if bus {
            let walk = seeds(Mode::Walk);
            bounded_search(
                transit,
                Direction::Reverse,
                &walk,
                max_ms,
                &mut self.transit,
            );
        }
        if modes.contains(&Mode::Bike) {
            let own = &self.road[Mode::Bike.index()];
            self.ride_ms = shares
                .seeds
                .iter()
                .map(|seeds| {
                    seeds
                        .iter()
                        .filter_map(|&(u, t0)| own.time_ms(u).map(|x| x + t0))
                        .min()
                })
                .collect();
        }
    }

    /// The time from `v` to the park by `mode` ([`UNREACHED`] when not reached): the mode's
    /// own search; for a bike, walk to the nearest share point + unlock + ride where there is
    /// one; for the bus, the better of walking and the transit graph.
    pub fn time_ms(&self, mode: Mode, v: VertexId, shares: &Shares) -> u32 {
        let road = |m: Mode| self.road[m.index()].time_ms(v).unwrap_or(UNREACHED);
        match mode {
            Mode::Walk | Mode::Ebike | Mode::Car => road(mode),
            Mode::Bike => match shares.nearest[v.index()] {
                Some((walk_ms, i)) => match self.ride_ms.get(i).copied().flatten() {
                    Some(ride) => walk_ms + shares.unlock_ms + ride,
                    None => road(Mode::Bike),
                },
                None => road(Mode::Bike),
            },
            Mode::Bus => road(Mode::Walk).min(self.transit.time_ms(v).unwrap_or(UNREACHED)),
        }
    }

    /// Every vertex where `mode`'s time may be finite: the vertices its searches settled,
    /// plus, for a bike, those near a share point; each once.
    pub fn candidates(&self, graph: &RoadGraph, mode: Mode, shares: &Shares) -> Vec<VertexId> {
        let settled = |m: Mode| self.road[m.index()].settled().iter().map(|s| s.0);
        let mut candidates: Vec<VertexId> = match mode {
            // A search settles each vertex once.
            Mode::Walk | Mode::Ebike | Mode::Car => return settled(mode).collect(),
            Mode::Bike => settled(Mode::Bike)
                .chain(shares.vertices.iter().copied())
                .collect(),
            Mode::Bus => settled(Mode::Walk)
                .chain(
                    self.transit
                        .settled()
                        .iter()
                        .map(|s| s.0)
                        .filter(|v| v.index() < graph.vertices.len()),
                )
                .collect(),
        };
        candidates.sort_unstable();
        candidates.dedup();
        candidates
    }

    /// Every resident unit's time to the park by `mode` ([`UNREACHED`] beyond `max_ms`): the
    /// least over the unit's seeds of the seed vertex's time plus the seed's own time, spread
    /// from the `candidates` vertices through `index` instead of looked up for every unit. By
    /// bus: the better of walking all the way and the unit's own walk to a stop
    /// ([`TransitGraph::walks_to_stops`]) plus the ride from boarding there.
    pub fn unit_times(
        &self,
        (mode, transit): (Mode, &TransitGraph),
        candidates: &[VertexId],
        index: &UnitIndex,
        shares: &Shares,
        max_ms: u32,
    ) -> Vec<u32> {
        let mut unit_ms = vec![UNREACHED; index.units];
        let mut spread = |t: u32, entries: &[(u32, u32)]| {
            for &(u, t0) in entries {
                let slot = &mut unit_ms[u as usize];
                *slot = (*slot).min(t.saturating_add(t0));
            }
        };
        for &v in candidates {
            // By bus, a vertex's own time is the walk: the ride starts at the unit's stop. By
            // bike, the own bike's: shared bikes are priced below from the unit's own walk.
            let t = match mode {
                Mode::Bus => self.time_ms(Mode::Walk, v, shares),
                Mode::Bike => self.road[Mode::Bike.index()]
                    .time_ms(v)
                    .unwrap_or(UNREACHED),
                _ => self.time_ms(mode, v, shares),
            };
            if t == UNREACHED {
                continue;
            }
            spread(t, index.at(mode, v));
        }
        if mode == Mode::Bus {
            for (stop, board_ms) in transit
                .board_times_ms(&self.transit)
                .into_iter()
                .enumerate()
            {
                if board_ms != UNREACHED {
                    spread(board_ms, index.at_stop(stop));
                }
            }
        }
        if mode == Mode::Bike {
            self.shared_bike_times(index, shares, &mut unit_ms);
        }
        for t in &mut unit_ms {
            if *t > max_ms {
                *t = UNREACHED;
            }
        }
        unit_ms
    }

    /// A unit with a bike-share point within walking distance rides a shared bike from its
    /// nearest point (walk from its own point + unlock + ride) instead of its own, when that
    /// point's ride reaches the park.
    fn shared_bike_times(&self, index: &UnitIndex, shares: &Shares, unit_ms: &mut [u32]) {
        for (point, ride_ms) in self.ride_ms.iter().enumerate() {
            let Some(ride_ms) = *ride_ms else {
                continue;
            };
            for &(u, walk_ms) in index.at_share(point) {
                unit_ms[u as usize] = walk_ms
                    .saturating_add(shares.unlock_ms)
                    .saturating_add(ride_ms);
            }
        }
    }

    /// The `candidates` on `draw_mode`'s network reached by `mode` within `target_ms`, with
    /// their times, in vertex order (the input of the reach polygon).
    pub fn reached_within(
        &self,
        graph: &RoadGraph,
        candidates: &[VertexId],
        (mode, draw_mode): (Mode, Mode),
        target_ms: u32,
        shares: &Shares,
    ) -> Vec<(VertexId, u32)> {
        let profile = graph.profile(draw_mode);
        candidates
            .iter()
            .filter(|&&v| profile.contains(v))
            .map(|&v| (v, self.time_ms(mode, v, shares)))
            .filter(|&(_, t)| t <= target_ms)
            .collect()
    }

    /// A road-graph scratch free for other searches once the park's tables are read.
    pub fn spare(&mut self) -> &mut SearchScratch {
        &mut self.road[Mode::Bus.index()]
    }
}

/// Per network: for every vertex, the resident units whose trips join the network there, with
/// the seed's own time (unit, ms), in compressed rows; per bus stop, the units that walk to it
/// (unit, walk ms). Built once per run; linear in the units.
pub(super) struct UnitIndex {
    /// Resident units.
    units: usize,
    /// Per [`Mode::index`] (the bus shares the walk's rows): row offsets and entries.
    rows: Vec<Rows>,
    /// Per bus stop.
    stops: Rows,
    /// Per bike-share point: the units whose nearest point on foot it is.
    shares: Rows,
}

/// Compressed rows: offsets (one more than rows) and (unit, ms) entries.
type Rows = (Vec<u32>, Vec<(u32, u32)>);

/// Rows of `n` keys from every unit's (key, ms) pairs.
fn compress_rows<'u, I: Iterator<Item = (usize, u32)>>(
    n: usize,
    units: &'u [UnitSeeds],
    pairs: impl Fn(&'u UnitSeeds) -> I,
) -> Rows {
    let mut offsets = vec![0u32; n + 1];
    for (k, _) in units.iter().flat_map(&pairs) {
        offsets[k + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut next = offsets.clone();
    let mut entries = vec![(0u32, 0u32); offsets[n] as usize];
    for (u, unit) in units.iter().enumerate() {
        for (k, t0) in pairs(unit) {
            entries[next[k] as usize] = (u as u32, t0);
            next[k] += 1;
        }
    }
    (offsets, entries)
}

impl UnitIndex {
    /// Indexes every unit's seeds on every mode's network of `vertices` vertices, its walks
    /// to the `stops` bus stops and to the nearest of the `share_points` bike-share points.
    pub fn new(
        vertices: usize,
        (stops, share_points): (usize, usize),
        units: &[UnitSeeds],
    ) -> Self {
        let rows = Mode::ALL
            .iter()
            .map(|&m| {
                if m == Mode::Bus {
                    return (Vec::new(), Vec::new());
                }
                compress_rows(vertices, units, |u| {
                    u.per_mode[m.index()].iter().map(|&(v, t)| (v.index(), t))
                })
            })
            .collect();
        UnitIndex {
            units: units.len(),
            rows,
            stops: compress_rows(stops, units, |u| {
                u.bus_walks.iter().map(|&(s, t)| (s as usize, t))
            }),
            shares: compress_rows(share_points, units, |u| {
                u.share_walk.iter().map(|&(p, t)| (p as usize, t))
            }),
        }
    }

    /// The (unit, walk ms) pairs of the units whose nearest bike-share point is `point`.
    pub fn at_share(&self, point: usize) -> &[(u32, u32)] {
        let (offsets, entries) = &self.shares;
        &entries[offsets[point] as usize..offsets[point + 1] as usize]
    }

    /// The (unit, seed ms) pairs joining `mode`'s network at `v`.
    pub fn at(&self, mode: Mode, v: VertexId) -> &[(u32, u32)] {
        let m = if mode == Mode::Bus { Mode::Walk } else { mode };
        let (offsets, entries) = &self.rows[m.index()];
        &entries[offsets[v.index()] as usize..offsets[v.index() + 1] as usize]
    }

    /// The (unit, walk ms) pairs of the units that walk to bus stop `stop`.
    pub fn at_stop(&self, stop: usize) -> &[(u32, u32)] {
        let (offsets, entries) = &self.stops;
        &entries[offsets[stop] as usize..offsets[stop + 1] as usize]
    }
}

/// Scratch memory shared by the workers: taken for a park, given back after it, so that the
/// run allocates one set per worker, not one per park.
pub(super) struct ScratchPool(Mutex<Vec<ParkSearches>>);

impl ScratchPool {
    /// An empty pool.
    pub fn new() -> Self {
        ScratchPool(Mutex::new(Vec::new()))
    }

    /// A free set, or a new one.
    pub fn take(&self, graph: &RoadGraph, transit: &TransitGraph) -> ParkSearches {
        let free = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop();
        free.unwrap_or_else(|| ParkSearches::new(graph, transit))
    }

    /// Gives a set back.
    pub fn give(&self, searches: ParkSearches) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(searches);
    }
}
