//! Builds the [`RoadGraph`]: classify ways with the profiles, find vertices (way ends and
//! shared nodes), split ways into edges, then per mode build arcs and keep the largest
//! strongly connected component (petgraph's Tarjan).

use geo::Coord;
use petgraph::graph::DiGraph;
use rayon::prelude::*;

use super::profile::{GraphOptions, Mode, PROFILES, WayRule, highway_class};
use super::{
    Arc, BuildStats, Edge, EdgeId, NO_ARC, ProfileGraph, ProfileStats, RoadGraph, Vertex, VertexId,
};
use crate::error::{Error, Result};
use crate::geom::{LocalProjection, polyline_length_m};
use crate::osm::{HighwayWay, OsmExtract, OsmNodeId};

/// A way with its per-mode rules.
struct ClassifiedWay<'a> {
    way: &'a HighwayWay,
    rules: [Option<WayRule>; 5],
}

/// Builds the routing graph of `extract`.
///
/// # Errors
/// [`Error::NoRoads`] when no way is usable by any mode.
///
/// # Complexity
/// O(N log N) in the number of way nodes (sorting node ids), plus linear-time component
/// searches per mode; parallel over ways and modes.
pub fn build_graph(extract: &OsmExtract, options: &GraphOptions) -> Result<RoadGraph> {
    let classified: Vec<(Option<ClassifiedWay<'_>>, bool)> = extract
        .highways
        .par_iter()
        .map(|way| classify(way, options))
        .collect();
    let mut stats = BuildStats::default();
    let mut ways = Vec::with_capacity(classified.len());
    for (c, bad_maxspeed) in classified {
        stats.unparseable_maxspeed += u64::from(bad_maxspeed);
        match c {
            Some(c) => ways.push(c),
            None => stats.ways_skipped += 1,
        }
    }
    stats.ways_used = ways.len() as u64;
    if ways.is_empty() {
        return Err(Error::NoRoads {
            path: extract.source.clone(),
            detail: format!(
                "{} highway=* ways, none usable by any mode",
                extract.highways.len()
            ),
        });
    }

    // Vertices: nodes seen twice, counting way ends twice.
    let mut refs: Vec<i64> = Vec::with_capacity(ways.iter().map(|w| w.way.nodes.len() + 2).sum());
    for w in &ways {
        let n = &w.way.nodes;
        refs.extend(n.iter().map(|id| id.0));
        refs.push(n[0].0);
        refs.push(n[n.len() - 1].0);
    }
    refs.par_sort_unstable();
    let mut vertex_ids: Vec<i64> = Vec::new();
    for run in refs.chunk_by(|a, b| a == b) {
        if run.len() >= 2 {
            vertex_ids.push(run[0]);
        }
    }
    drop(refs);
    let vertex_of = |id: OsmNodeId| {
        vertex_ids
            .binary_search(&id.0)
            .ok()
            .map(|i| VertexId(i as u32))
    };

    // Edges, per way in order.
    let per_way: Vec<Vec<(Edge, Vec<Coord>)>> =
        ways.par_iter().map(|w| split_way(w, &vertex_of)).collect();
    let n_edges: usize = per_way.iter().map(Vec::len).sum();
    let mut edges = Vec::with_capacity(n_edges);
    let mut geometry = Vec::new();
    let mut vertices = vec![
        Vertex {
            osm: OsmNodeId(0),
            coord: Coord { x: 0.0, y: 0.0 }
        };
        vertex_ids.len()
    ];
    for (mut edge, points) in per_way.into_iter().flatten() {
        let start = geometry.len() as u32;
        vertices[edge.from.index()] = Vertex {
            osm: OsmNodeId(vertex_ids[edge.from.index()]),
            coord: points[0],
        };
        vertices[edge.to.index()] = Vertex {
            osm: OsmNodeId(vertex_ids[edge.to.index()]),
            coord: points[points.len() - 1],
        };
        geometry.extend_from_slice(&points);
        edge.geometry = (start, geometry.len() as u32);
        edges.push(edge);
    }

    let profiles: Vec<ProfileGraph> = Mode::ALL
        .par_iter()
        .map(|&mode| profile_graph(mode, vertices.len(), &edges))
        .collect();
    let [min_lon, min_lat, max_lon, max_lat] = extract.bbox;
    let centre = Coord {
        x: (min_lon + max_lon) / 2.0,
        y: (min_lat + max_lat) / 2.0,
    };
    Ok(RoadGraph {
        source: extract.source.clone(),
        vertices,
        edges,
        geometry,
        profiles,
        options: *options,
        stats,
        projection: LocalProjection::new(centre),
        snap_index: Default::default(),
        generation: next_generation(),
    })
}

/// A new [`RoadGraph::generation`]: 1, 2, 3, … in build order.
fn next_generation() -> u64 {
    static LAST: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    LAST.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
}

fn classify<'a>(way: &'a HighwayWay, options: &GraphOptions) -> (Option<ClassifiedWay<'a>>, bool) {
    let Some(class) = way.tags.get("highway").and_then(highway_class) else {
        return (None, false);
    };
    if way.tags.is("area", "yes") {
        // Pedestrian squares mapped as areas: their outline is not a path.
        return (None, false);
    }
    let mut bad_maxspeed = false;
    let rules = PROFILES.map(|p| {
        let (rule, bad) = p.rule(class, &way.tags, options);
        bad_maxspeed |= bad;
        rule.filter(|r| r.forward || r.backward)
    });
    let used = rules.iter().any(Option::is_some);
    (used.then_some(ClassifiedWay { way, rules }), bad_maxspeed)
}

fn split_way(
    w: &ClassifiedWay<'_>,
    vertex_of: &impl Fn(OsmNodeId) -> Option<VertexId>,
) -> Vec<(Edge, Vec<Coord>)> {
    let nodes = &w.way.nodes;
    let coords = &w.way.coords;
    let mut out = Vec::new();
    let mut start = 0;
    let mut from = vertex_of(nodes[0]).expect("way ends are vertices");
    for i in 1..nodes.len() {
        let Some(to) = vertex_of(nodes[i]) else {
            continue;
        };
        let points = coords[start..=i].to_vec();
        let length_m = polyline_length_m(&points);
        let time_ms = std::array::from_fn(|m| {
            let ms = |allowed: bool, rule: &WayRule| {
                if allowed {
                    (length_m / (rule.speed_kmh / 3.6) * 1000.0).round() as u32
                } else {
                    NO_ARC
                }
            };
            match &w.rules[m] {
                Some(rule) => [ms(rule.forward, rule), ms(rule.backward, rule)],
                None => [NO_ARC, NO_ARC],
            }
        });
        out.push((
            Edge {
                way: w.way.id,
                from,
                to,
                length_m,
                time_ms,
                geometry: (0, 0),
            },
            points,
        ));
        start = i;
        from = to;
    }
    out
}

/// An arc of one mode while its graph is built.
struct ModeArc {
    tail: u32,
    head: u32,
    time_ms: u32,
    edge: u32,
}

/// Marks the vertices of the largest strongly connected component of `arcs` (ties: the one
/// with the smallest vertex id). Kosaraju's algorithm, which petgraph runs with explicit
/// stacks: its depth does not grow with the data (a recursive Tarjan overflowed a worker
/// thread's stack on a 9 M-node region).
fn largest_component(n: usize, arcs: &[ModeArc], touched: &[bool]) -> Vec<bool> {
    let mut g = DiGraph::<(), (), u32>::with_capacity(n, arcs.len());
    for _ in 0..n {
        g.add_node(());
    }
    for a in arcs {
        g.add_edge(a.tail.into(), a.head.into(), ());
    }
    let components = petgraph::algo::kosaraju_scc(&g);
    drop(g);
    let largest = components
        .iter()
        .filter(|c| c.len() > 1 || c.first().is_some_and(|v| touched[v.index()]))
        .max_by_key(|c| {
            (
                c.len(),
                std::cmp::Reverse(c.iter().map(|v| v.index()).min()),
            )
        });
    let mut in_component = vec![false; n];
    if let Some(c) = largest {
        for v in c {
            in_component[v.index()] = true;
        }
    }
    in_component
}

fn profile_graph(mode: Mode, n: usize, edges: &[Edge]) -> ProfileGraph {
    let m = mode.index();
    let mut arcs: Vec<ModeArc> = Vec::new();
    for (i, e) in edges.iter().enumerate() {
        let [fwd, bwd] = e.time_ms[m];
        if fwd != NO_ARC {
            arcs.push(ModeArc {
                tail: e.from.0,
                head: e.to.0,
                time_ms: fwd,
                edge: i as u32,
            });
        }
        if bwd != NO_ARC {
            arcs.push(ModeArc {
                tail: e.to.0,
                head: e.from.0,
                time_ms: bwd,
                edge: i as u32,
            });
        }
    }
    let mut touched = vec![false; n];
    for a in &arcs {
        touched[a.tail as usize] = true;
        touched[a.head as usize] = true;
    }
    let vertices_before = touched.iter().filter(|&&t| t).count();
    let directed_edges_before = arcs.len();

    let in_component = largest_component(n, &arcs, &touched);
    arcs.retain(|a| in_component[a.tail as usize] && in_component[a.head as usize]);

    let mut road_km = 0.0;
    let mut last_edge = u32::MAX;
    for a in &arcs {
        if a.edge != last_edge {
            road_km += edges[a.edge as usize].length_m / 1000.0;
            last_edge = a.edge;
        }
    }
    let arc = |a: &ModeArc, to: u32| Arc {
        vertex: VertexId(to),
        time_ms: a.time_ms,
        edge: EdgeId(a.edge),
    };
    let (first_out, out_arcs) = super::compress(n, &arcs, |a| (a.tail, arc(a, a.head)));
    let (first_in, in_arcs) = super::compress(n, &arcs, |a| (a.head, arc(a, a.tail)));
    let stats = ProfileStats {
        vertices: in_component.iter().filter(|&&c| c).count(),
        directed_edges: arcs.len(),
        road_km,
        vertices_before,
        directed_edges_before,
    };
    ProfileGraph {
        mode,
        first_out,
        out_arcs,
        first_in,
        in_arcs,
        in_component,
        stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-way path of a million vertices plus a detached one-way pair, searched on a thread
    /// with a 256 KiB stack: a recursive component search would need one frame per vertex.
    #[test]
    fn components_of_a_very_long_path_need_no_deep_stack() {
        let n = 1_000_002;
        let path = n as u32 - 2;
        let mut arcs = Vec::new();
        for v in 0..path - 1 {
            for (tail, head) in [(v, v + 1), (v + 1, v)] {
                arcs.push(ModeArc {
                    tail,
                    head,
                    time_ms: 1,
                    edge: v,
                });
            }
        }
        arcs.push(ModeArc {
            tail: path,
            head: path + 1,
            time_ms: 1,
            edge: path,
        });
        let touched = vec![true; n];
        let in_component = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || largest_component(n, &arcs, &touched))
            .expect("a thread")
            .join()
            .expect("no stack overflow");
        assert_eq!(in_component.iter().filter(|&&c| c).count(), path as usize);
        assert!(!in_component[path as usize] && !in_component[path as usize + 1]);
    }
}
