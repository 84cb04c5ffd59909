//! Buses as a graph: lines from OSM relations ([`osm_lines`]) or GTFS, put on the walk network
//! as a [`TransitGraph`] that searches run on like on a road graph.
//!
//! Nodes: the walk graph's vertices, then for every stop a *boarding* and an *alighting* node,
//! then one node per line and stop (on board, at that stop). Arcs:
//! - walk vertex → boarding node of a stop within [`TransitOptions::stop_walk_m`] on foot, at
//!   the walking time;
//! - boarding node → line at the stop: half the line's headway (the expected wait);
//! - line at stop i → line at stop i + 1: the in-vehicle time;
//! - line at a stop → alighting node: 0; alighting node → walk vertex within the walking
//!   limit: the walking time.
//!
//! So a trip walks at most the limit to the first stop and from the last one, and may change
//! lines by walking between stops. Walking alone is not in this graph: the commute stage takes
//! the better of walking and bus + walk.

use std::collections::{HashMap, HashSet};

use super::lines::{LineStop, TransitLine, TransitLines};
use crate::graph::{Arc, EdgeId, Mode, RoadGraph, Snap, VertexId, compress};
use crate::osm::{BusRoute, OsmExtract, OsmWayId, RouteStop};
use crate::routing::{Direction, SearchGraph, SearchScratch, bounded_search, bounded_search_where};

/// Settings of the bus layer.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct TransitOptions {
    /// Longest walk to or from a stop, metres.
    pub stop_walk_m: f64,
    /// Dwell time added per intermediate stop, seconds (OSM lines; GTFS times include it).
    pub dwell_s: f64,
    /// Headway when a route has no `interval` tag, seconds.
    pub default_headway_s: f64,
}

impl Default for TransitOptions {
    fn default() -> Self {
        TransitOptions {
            stop_walk_m: 800.0,
            dwell_s: 20.0,
            default_headway_s: 900.0,
        }
    }
}

/// Counters of turning OSM relations into lines.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct OsmLineStats {
    /// `route=bus` relations read.
    pub relations: usize,
    /// Relations with fewer than two stops on the bus network (not used).
    pub unusable: usize,
    /// Legs between consecutive stops that could not follow the relation's own ways and were
    /// routed on the bus network instead.
    pub legs_off_route: usize,
    /// Legs with no bus path at all (the line is split there).
    pub legs_broken: usize,
    /// Relation members missing from the extract.
    pub missing_members: usize,
    /// Old-style relations without stop members whose stops were taken from the bus stops
    /// along their ways (and run in both directions).
    pub derived: usize,
}

/// Bus stops within this distance of a relation's ways belong to it (old-style relations).
const STOP_NEAR_ROUTE_M: f64 = 30.0;

/// The bus stops along a relation's ways, ordered along the chained ways.
fn stops_along_ways(
    extract: &OsmExtract,
    graph: &RoadGraph,
    route: &crate::osm::BusRoute,
    ways: &HashMap<OsmWayId, &crate::osm::HighwayWay>,
) -> Vec<RouteStop> {
    let proj = graph.projection();
    // Chain the ways in relation order, turning each to continue the previous one (the first
    // way may be listed against the direction of travel: it turns when the second meets its
    // start). Gaps (missing members) are jumped over.
    let mut line: Vec<(i64, [f64; 2])> = Vec::new();
    for (k, id) in route.ways.iter().enumerate() {
        let Some(w) = ways.get(id) else { continue };
        let mut pts: Vec<(i64, [f64; 2])> = w
            .nodes
            .iter()
            .zip(&w.coords)
            .map(|(n, &c)| (n.0, proj.project(c)))
            .collect();
        if let (Some(start), Some(end)) = (line.first().map(|p| p.0), line.last().map(|p| p.0)) {
            let (first, last) = (pts[0].0, pts[pts.len() - 1].0);
            if k == 1 && first != end && last != end && (first == start || last == start) {
                line.reverse();
            }
            let end = line.last().map_or(end, |p| p.0);
            if last == end && first != end {
                pts.reverse();
            }
        }
        line.extend(pts);
    }
    if line.len() < 2 {
        return Vec::new();
    }
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for (_, p) in &line {
        lo = [lo[0].min(p[0]), lo[1].min(p[1])];
        hi = [hi[0].max(p[0]), hi[1].max(p[1])];
    }
    let r = STOP_NEAR_ROUTE_M;
    let mut found: Vec<(f64, RouteStop)> = Vec::new();
    for stop in &extract.bus_stops {
        let p = proj.project(stop.location);
        if p[0] < lo[0] - r || p[0] > hi[0] + r || p[1] < lo[1] - r || p[1] > hi[1] + r {
            continue;
        }
        let mut along = 0.0;
        let mut best: Option<(f64, f64)> = None; // (distance², position along)
        for w in line.windows(2) {
            let (a, b) = (w[0].1, w[1].1);
            let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
            let (t, d2) = crate::geom::closest_on_segment(p, a, b);
            if best.is_none_or(|(bd, _)| d2 < bd) {
                best = Some((d2, along + t * len));
            }
            along += len;
        }
        if let Some((_, pos)) = best.filter(|b| b.0 <= r * r) {
            found.push((
                pos,
                RouteStop {
                    node: stop.id,
                    location: stop.location,
                    on_road: true,
                },
            ));
        }
    }
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.node.cmp(&b.1.node)));
    // Stops on both sides of the road at one place are one stop for riding.
    let mut out: Vec<(f64, RouteStop)> = Vec::new();
    for f in found {
        if out.last().is_none_or(|l| f.0 - l.0 > 2.0 * r) {
            out.push(f);
        }
    }
    out.into_iter().map(|f| f.1).collect()
}

/// Parses an OSM `interval` tag (`15`, `00:15`, `0:15:00`) to seconds.
pub fn parse_interval_s(text: &str) -> Option<f64> {
    let parts: Vec<f64> = text
        .trim()
        .split(':')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    let s = match parts.as_slice() {
        [m] => m * 60.0,
        [h, m] => h * 3600.0 + m * 60.0,
        [h, m, s] => h * 3600.0 + m * 60.0 + s,
        _ => return None,
    };
    (s > 0.0).then_some(s)
}

/// Bus lines from the extract's `route=bus` relations: stops in relation order (role `stop*`,
/// else `platform*`), riding along the relation's own ways at bus speed where they connect the
/// stops (the bus network otherwise), plus a dwell per stop; headway from the `interval` tag.
pub fn osm_lines(
    extract: &OsmExtract,
    graph: &RoadGraph,
    options: &TransitOptions,
) -> (TransitLines, OsmLineStats) {
    let mut stats = OsmLineStats {
        relations: extract.bus_routes.len(),
        ..OsmLineStats::default()
    };
    let mut scratch = SearchScratch::new(graph);
    let mut lines = Vec::new();
    let ways_by_id: HashMap<OsmWayId, &crate::osm::HighwayWay> =
        extract.highways.iter().map(|w| (w.id, w)).collect();
    let stop_names: HashMap<i64, &str> = extract
        .bus_stops
        .iter()
        .filter_map(|s| s.tags.name().map(|n| (s.id.0, n)))
        .collect();
    for route in &extract.bus_routes {
        stats.missing_members += route.missing_members;
        let (stops, platforms): (Vec<&RouteStop>, Vec<&RouteStop>) =
            route.stops.iter().partition(|s| s.on_road);
        let mut chosen = if stops.len() >= 2 { stops } else { platforms };
        // Old-style relations (ways only): the bus stops along the ways, in both directions.
        let derived = if chosen.len() < 2 {
            stops_along_ways(extract, graph, route, &ways_by_id)
        } else {
            Vec::new()
        };
        let directions: Vec<Vec<&RouteStop>> = if derived.len() >= 2 {
            stats.derived += 1;
            vec![derived.iter().collect(), derived.iter().rev().collect()]
        } else {
            chosen.dedup_by_key(|s| s.node);
            vec![chosen]
        };
        for (direction, chosen) in directions.into_iter().enumerate() {
            let snapped: Vec<(&RouteStop, _)> = chosen
                .iter()
                .filter_map(|&s| {
                    graph
                        .snap(Mode::Bus, s.location, 100.0)
                        .ok()
                        .map(|snap| (s, snap))
                })
                .collect();
            if snapped.len() < 2 {
                stats.unusable += usize::from(direction == 0);
                continue;
            }
            let own: HashSet<OsmWayId> = route.ways.iter().copied().collect();
            let name = route_name(route);
            let headway_s = route
                .tags
                .get("interval")
                .and_then(parse_interval_s)
                .unwrap_or(options.default_headway_s);
            let stop_of = |s: &RouteStop| LineStop {
                id: format!("node/{}", s.node.0),
                name: stop_names.get(&s.node.0).map(|n| n.to_string()),
                location: s.location,
                pickup: true,
                drop_off: true,
            };
            let suffix = if direction == 1 { " (back)" } else { "" };
            let mut part = TransitLine {
                id: format!(
                    "relation/{}{}",
                    route.id,
                    if direction == 1 { "/back" } else { "" }
                ),
                name: format!("{name}{suffix}"),
                stops: vec![stop_of(snapped[0].0)],
                ride_s: vec![],
                headway_s,
            };
            let mut piece = 1;
            for w in snapped.windows(2) {
                match leg_ms(graph, &own, (w[0].1, w[1].1), &mut scratch, &mut stats) {
                    Some(ms) => {
                        part.ride_s.push(f64::from(ms) / 1000.0 + options.dwell_s);
                        part.stops.push(stop_of(w[1].0));
                    }
                    None => {
                        stats.legs_broken += 1;
                        let next = TransitLine {
                            id: format!("relation/{}#{}", route.id, piece + 1),
                            name: name.clone(),
                            stops: vec![stop_of(w[1].0)],
                            ride_s: vec![],
                            headway_s,
                        };
                        piece += 1;
                        let done = std::mem::replace(&mut part, next);
                        if done.stops.len() >= 2 {
                            lines.push(done);
                        }
                    }
                }
            }
            if part.stops.len() >= 2 {
                lines.push(part);
            }
        }
    }
    let mut warnings = Vec::new();
    if stats.unusable + stats.legs_off_route + stats.legs_broken + stats.missing_members > 0 {
        warnings.push(format!(
            "OSM bus routes: {} relations, {} without two stops on the bus network (unused), {} old-style (stops taken along their ways), {} legs routed off the relation's ways, {} legs with no bus path (line split), {} members missing from the extract",
            stats.relations, stats.unusable, stats.derived, stats.legs_off_route, stats.legs_broken, stats.missing_members
        ));
    }
    (
        TransitLines {
            source: if lines.is_empty() {
                "no bus lines in the OSM data (no route=bus relations)".into()
            } else {
                "OSM route=bus relations".into()
            },
            lines,
            warnings,
        },
        stats,
    )
}

/// A line's name from its relation: `ref` and `name`, else either, else the relation id.
fn route_name(route: &BusRoute) -> String {
    match (route.tags.get("ref"), route.tags.name()) {
        (Some(r), Some(n)) => format!("{r} {n}"),
        (Some(r), None) => r.to_string(),
        (None, Some(n)) => n.to_string(),
        (None, None) => format!("relation/{}", route.id),
    }
}

/// The bus ride between two snapped stops, ms: along the relation's own ways, else anywhere
/// on the bus network (counted as a leg off the route); `None` when no bus path joins them.
fn leg_ms(
    graph: &RoadGraph,
    own: &HashSet<OsmWayId>,
    (from, to): (Snap, Snap),
    scratch: &mut SearchScratch,
    stats: &mut OsmLineStats,
) -> Option<u32> {
    let bus = graph.profile(Mode::Bus);
    let target = to.seeds(graph, true);
    let mut leg = |only_own: bool| {
        let seeds = from.seeds(graph, false);
        let limit = 3_600_000;
        if only_own {
            bounded_search_where(bus, Direction::Forward, &seeds, limit, scratch, |a| {
                own.contains(&graph.edges[a.edge.index()].way)
            });
        } else {
            bounded_search(bus, Direction::Forward, &seeds, limit, scratch);
        }
        target
            .iter()
            .filter_map(|&(u, t)| scratch.time_ms(u).map(|x| x + t))
            .min()
    };
    leg(true).or_else(|| {
        let ms = leg(false);
        stats.legs_off_route += usize::from(ms.is_some());
        ms
    })
}

/// The walk network plus stops and lines, searchable like a road graph.
#[derive(Clone, Debug)]
pub struct TransitGraph {
    first_out: Vec<u32>,
    out_arcs: Vec<Arc>,
    first_in: Vec<u32>,
    in_arcs: Vec<Arc>,
    /// Stops placed on the walk network (those within the snapping limit).
    pub stops: Vec<PlacedStop>,
    /// Lines used.
    pub lines: usize,
    /// Where each stop snapped on the walk graph, in stop order.
    stop_snaps: Vec<Snap>,
    /// Stops by the walk edge they snapped to.
    stops_on_edge: HashMap<EdgeId, Vec<u32>>,
    /// Walk vertices (the first nodes; boarding nodes follow).
    walk_vertices: usize,
    /// Longest walk to or from a stop, ms.
    stop_walk_ms: u32,
}

/// A stop on the walk network.
#[derive(Clone, Debug)]
pub struct PlacedStop {
    /// The stop.
    pub stop: LineStop,
    /// Lines serving it.
    pub lines: usize,
}

impl SearchGraph for TransitGraph {
    fn node_count(&self) -> usize {
        self.first_out.len() - 1
    }
    fn contains(&self, v: VertexId) -> bool {
        v.index() < self.node_count()
    }
    fn out_arcs(&self, v: VertexId) -> &[Arc] {
        let i = v.index();
        &self.out_arcs[self.first_out[i] as usize..self.first_out[i + 1] as usize]
    }
    fn in_arcs(&self, v: VertexId) -> &[Arc] {
        let i = v.index();
        &self.in_arcs[self.first_in[i] as usize..self.first_in[i + 1] as usize]
    }
}

impl TransitGraph {
    /// Builds the graph of `lines` on `graph`'s walk network.
    pub fn build(graph: &RoadGraph, lines: &TransitLines, options: &TransitOptions) -> Self {
        let walk = graph.profile(Mode::Walk);
        let n = graph.vertices.len();
        let limit_ms =
            (options.stop_walk_m / (graph.options.walk_kmh / 3.6) * 1000.0).round() as u32;
        // Stops by id, placed on the walk graph.
        let mut stop_index: HashMap<&str, usize> = HashMap::new();
        let mut stops: Vec<PlacedStop> = Vec::new();
        let mut snaps = Vec::new();
        let mut line_stops: Vec<Vec<Option<usize>>> = Vec::new();
        for line in &lines.lines {
            let mut idx = Vec::with_capacity(line.stops.len());
            for s in &line.stops {
                let i = match stop_index.get(s.id.as_str()) {
                    Some(&i) => Some(i),
                    None => match graph.snap(
                        Mode::Walk,
                        s.location,
                        crate::graph::snap::DEFAULT_MAX_SNAP_M,
                    ) {
                        Ok(snap) => {
                            stop_index.insert(&s.id, stops.len());
                            stops.push(PlacedStop {
                                stop: s.clone(),
                                lines: 0,
                            });
                            snaps.push(snap);
                            Some(stops.len() - 1)
                        }
                        Err(_) => None,
                    },
                };
                idx.push(i);
            }
            line_stops.push(idx);
        }
        let n_stops = stops.len();
        let board = |s: usize| (n + s) as u32;
        let alight = |s: usize| (n + n_stops + s) as u32;
        let mut arcs: Vec<(u32, u32, u32)> = Vec::new();
        // Walking to and from stops.
        let mut scratch = SearchScratch::new(graph);
        for (s, snap) in snaps.iter().enumerate() {
            for &(v, t) in bounded_search(
                walk,
                Direction::Reverse,
                &snap.seeds(graph, true),
                limit_ms,
                &mut scratch,
            ) {
                arcs.push((v.0, board(s), t));
            }
            for &(v, t) in bounded_search(
                walk,
                Direction::Forward,
                &snap.seeds(graph, false),
                limit_ms,
                &mut scratch,
            ) {
                arcs.push((alight(s), v.0, t));
            }
        }
        // Riding.
        let mut next = (n + 2 * n_stops) as u32;
        let mut used_lines = 0;
        for (line, idx) in lines.lines.iter().zip(&line_stops) {
            let wait_ms = (line.headway_s / 2.0 * 1000.0).round() as u32;
            let mut prev: Option<u32> = None;
            let mut carried_ms = 0u32;
            let mut any = false;
            for (k, stop) in idx.iter().enumerate() {
                let ride_ms = if k == 0 {
                    0
                } else {
                    (line.ride_s[k - 1] * 1000.0).round() as u32
                };
                let Some(s) = *stop else {
                    // A stop off the network: ride through it.
                    carried_ms += ride_ms;
                    continue;
                };
                let node = next;
                next += 1;
                let here = &line.stops[k];
                if here.pickup {
                    arcs.push((board(s), node, wait_ms));
                }
                if here.drop_off {
                    arcs.push((node, alight(s), 0));
                }
                if let Some(p) = prev {
                    arcs.push((p, node, carried_ms + ride_ms));
                    any = true;
                }
                carried_ms = 0;
                prev = Some(node);
                stops[s].lines += 1;
            }
            used_lines += usize::from(any);
        }
        let total = next as usize;
        // Stop and line arcs run along no road edge.
        let arc = |to: u32, time_ms: u32| Arc {
            vertex: VertexId(to),
            time_ms,
            edge: EdgeId(u32::MAX),
        };
        let (first_out, out_arcs) = compress(total, &arcs, |a| (a.0, arc(a.1, a.2)));
        let (first_in, in_arcs) = compress(total, &arcs, |a| (a.1, arc(a.0, a.2)));
        let mut stops_on_edge: HashMap<EdgeId, Vec<u32>> = HashMap::new();
        for (s, snap) in snaps.iter().enumerate() {
            stops_on_edge.entry(snap.edge).or_default().push(s as u32);
        }
        TransitGraph {
            first_out,
            out_arcs,
            first_in,
            in_arcs,
            stops,
            lines: used_lines,
            stop_snaps: snaps,
            stops_on_edge,
            walk_vertices: n,
            stop_walk_ms: limit_ms,
        }
    }

    /// The walks from a point on the walk graph (`home`, snapped for walking) to every stop
    /// within the walking limit, measured from the point itself: through either end of its
    /// edge, or straight along the edge to a stop on the same edge. `(stop, walk ms)`, by stop.
    /// (The graph's own arcs start at junctions: a trip seeded at a junction would walk past a
    /// stop on its own edge and back, and the limit would not count the walk to the junction.)
    pub fn walks_to_stops(&self, graph: &RoadGraph, home: &Snap) -> Vec<(u32, u32)> {
        let board_end = self.walk_vertices + self.stops.len();
        let mut walks: Vec<(u32, u32)> = Vec::new();
        for (v, to_vertex_ms) in home.seeds(graph, false) {
            for arc in self.out_arcs(v) {
                let node = arc.vertex.index();
                let walk_ms = to_vertex_ms.saturating_add(arc.time_ms);
                if (self.walk_vertices..board_end).contains(&node) && walk_ms <= self.stop_walk_ms {
                    walks.push(((node - self.walk_vertices) as u32, walk_ms));
                }
            }
        }
        for &s in self.stops_on_edge.get(&home.edge).into_iter().flatten() {
            let walk_ms = home.along_edge_ms(graph, &self.stop_snaps[s as usize]);
            if let Some(walk_ms) = walk_ms.filter(|&t| t <= self.stop_walk_ms) {
                walks.push((s, walk_ms));
            }
        }
        walks.sort_unstable();
        walks.dedup_by_key(|w| w.0);
        walks
    }

    /// After a reverse search on this graph: each stop's time from boarding there to the
    /// search's targets, ms ([`crate::routing::UNREACHED`] when not reached), in stop order.
    pub fn board_times_ms(&self, scratch: &SearchScratch) -> Vec<u32> {
        (0..self.stops.len())
            .map(|s| {
                scratch
                    .time_ms(VertexId((self.walk_vertices + s) as u32))
                    .unwrap_or(crate::routing::UNREACHED)
            })
            .collect()
    }
}

/// The quickest trip by bus from a home: its walk to a stop ([`TransitGraph::walks_to_stops`])
/// plus the time from boarding there ([`TransitGraph::board_times_ms`]).
pub fn bus_trip_ms(walks: &[(u32, u32)], board_ms: &[u32]) -> Option<u32> {
    walks
        .iter()
        .filter_map(|&(s, walk_ms)| {
            let ride = board_ms[s as usize];
            (ride != crate::routing::UNREACHED).then(|| walk_ms.saturating_add(ride))
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval_s("15"), Some(900.0));
        assert_eq!(parse_interval_s("00:20"), Some(1200.0));
        assert_eq!(parse_interval_s("0:07:30"), Some(450.0));
        assert_eq!(parse_interval_s("often"), None);
    }
}
