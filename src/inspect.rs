//! `lifecircle inspect`: what a region holds, per stage: the file, the areas and stops read,
//! and each mode's routing graph. Everything here is counted from [`OsmExtract`] and
//! [`RoadGraph`]; nothing is estimated.

use std::fmt;
use std::time::Duration;

use crate::graph::{BuildStats, Mode, ProfileStats, RoadGraph};
use crate::osm::{AreaKind, OsmExtract, ReadStats};

/// Area count and size.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct AreaSummary {
    /// Number of areas.
    pub count: usize,
    /// Total area, hectares.
    pub total_ha: f64,
}

/// One mode's graph.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ModeSummary {
    /// The mode.
    pub mode: Mode,
    /// Sizes.
    #[serde(flatten)]
    pub stats: ProfileStats,
    /// Share of the mode's vertices in the largest strongly connected component.
    pub component_share: f64,
}

/// The result of `inspect`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Inspection {
    /// The file.
    pub source: String,
    /// `[min_lon, min_lat, max_lon, max_lat]`.
    pub bbox: [f64; 4],
    /// What was read.
    pub read: ReadStats,
    /// Graph build counters.
    pub build: BuildStats,
    /// Graph vertices (shared by all modes).
    pub vertices: usize,
    /// Graph edges (undirected, shared).
    pub edges: usize,
    /// Per mode.
    pub modes: Vec<ModeSummary>,
    /// `landuse=industrial` areas.
    pub industrial: AreaSummary,
    /// Names of the named industrial areas, sorted.
    pub industrial_names: Vec<String>,
    /// `landuse=residential` areas.
    pub residential: AreaSummary,
    /// Buildings.
    pub buildings: usize,
    /// Points of interest.
    pub pois: usize,
    /// Bus stop nodes.
    pub bus_stops: usize,
    /// `route=bus` relations.
    pub bus_routes: usize,
    /// Time to read the file and build all five graphs, seconds.
    pub load_s: f64,
    /// Peak resident memory of the process, MB (Linux; 0 elsewhere).
    pub peak_memory_mb: f64,
}

fn summarise(extract: &OsmExtract, kind: AreaKind) -> AreaSummary {
    let mut s = AreaSummary::default();
    for a in extract.areas_of(kind) {
        s.count += 1;
        s.total_ha += crate::geom::area_m2(&a.polygon) / 10_000.0;
    }
    s
}

impl Inspection {
    /// Summarises a region. `load` is the time it took to read and build.
    pub fn new(extract: &OsmExtract, graph: &RoadGraph, load: Duration) -> Self {
        let mut industrial_names: Vec<String> = extract
            .areas_of(AreaKind::Industrial)
            .filter_map(|a| a.tags.name().map(str::to_string))
            .collect();
        industrial_names.sort();
        industrial_names.dedup();
        Inspection {
            source: extract.source.display().to_string(),
            bbox: extract.bbox,
            read: extract.stats.clone(),
            build: graph.stats.clone(),
            vertices: graph.vertices.len(),
            edges: graph.edges.len(),
            modes: Mode::ALL
                .iter()
                .map(|&mode| {
                    let stats = graph.profile(mode).stats;
                    ModeSummary {
                        mode,
                        stats,
                        component_share: stats.component_share(),
                    }
                })
                .collect(),
            industrial: summarise(extract, AreaKind::Industrial),
            industrial_names,
            residential: summarise(extract, AreaKind::Residential),
            buildings: extract.areas_of(AreaKind::Building).count(),
            pois: extract.pois.len(),
            bus_stops: extract.bus_stops.len(),
            bus_routes: extract.bus_routes.len(),
            load_s: load.as_secs_f64(),
            peak_memory_mb: peak_memory_mb(),
        }
    }
}

/// Peak resident set size of this process in MB, from `/proc/self/status` (0 when unknown).
pub fn peak_memory_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

impl fmt::Display for Inspection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.bbox;
        writeln!(f, "{}", self.source)?;
        writeln!(
            f,
            "  bounding box        {:.5},{:.5} – {:.5},{:.5} (lon,lat)",
            b[0], b[1], b[2], b[3]
        )?;
        writeln!(
            f,
            "  OSM elements        {} nodes, {} ways, {} relations",
            self.read.nodes, self.read.ways, self.read.relations
        )?;
        writeln!(
            f,
            "  skipped             {} missing node refs, {} missing relation members, {} broken area rings",
            self.read.missing_node_refs, self.read.missing_members, self.read.broken_rings
        )?;
        writeln!(
            f,
            "  highway ways        {} used, {} not routable; {} unparseable maxspeed (class speed used)",
            self.build.ways_used, self.build.ways_skipped, self.build.unparseable_maxspeed
        )?;
        writeln!(
            f,
            "  graph               {} vertices, {} edges (shared by all modes)",
            self.vertices, self.edges
        )?;
        writeln!(
            f,
            "  {:<6} {:>10} {:>14} {:>10} {:>20}",
            "mode", "vertices", "directed edges", "road km", "in largest component"
        )?;
        for m in &self.modes {
            writeln!(
                f,
                "  {:<6} {:>10} {:>14} {:>10.1} {:>19.1}%",
                m.mode.name(),
                m.stats.vertices,
                m.stats.directed_edges,
                m.stats.road_km,
                100.0 * m.component_share
            )?;
        }
        writeln!(
            f,
            "  industrial areas    {} ({:.1} ha)",
            self.industrial.count, self.industrial.total_ha
        )?;
        if !self.industrial_names.is_empty() {
            writeln!(
                f,
                "    named             {}",
                self.industrial_names.join("; ")
            )?;
        }
        writeln!(
            f,
            "  residential areas   {} ({:.1} ha)",
            self.residential.count, self.residential.total_ha
        )?;
        writeln!(f, "  buildings           {}", self.buildings)?;
        writeln!(f, "  points of interest  {}", self.pois)?;
        writeln!(f, "  bus stops           {}", self.bus_stops)?;
        writeln!(f, "  bus routes          {}", self.bus_routes)?;
        writeln!(
            f,
            "  load + 5 graphs     {:.3} s, peak memory {:.0} MB",
            self.load_s, self.peak_memory_mb
        )
    }
}
