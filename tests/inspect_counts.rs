//! What `osm` reads equals counts made independently from the raw PBF with `osmpbf`'s own
//! element reader, on the embedded demo and on every extract in `../shared/data/osm/`
//! (skipped, with a printed reason, when that folder is absent).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use lifecircle::graph::{GraphOptions, Mode, build_graph};
use lifecircle::osm::{AreaKind, OsmExtract, OsmRef};
use osmpbf::{Element, ElementReader};

#[derive(Debug, Default, PartialEq)]
struct Counts {
    nodes: u64,
    ways: u64,
    relations: u64,
    highway_ways: usize,
    industrial_ways: usize,
    industrial_relations_at_most: usize,
    residential_ways: usize,
    building_ways: usize,
    poi_nodes: usize,
    poi_ways: usize,
    bus_stops: usize,
    bus_routes: usize,
}

const POI: [&str; 9] = [
    "amenity",
    "shop",
    "tourism",
    "leisure",
    "healthcare",
    "office",
    "craft",
    "sport",
    "social_facility",
];

fn raw_counts(path: &Path) -> Counts {
    let mut c = Counts::default();
    let mut node_ids = HashSet::new();
    let mut ways: Vec<(Vec<i64>, HashMap<String, String>)> = Vec::new();
    ElementReader::from_path(path)
        .unwrap()
        .for_each(|e| {
            let tags: HashMap<String, String> = match &e {
                Element::Node(n) => n.tags().map(|(k, v)| (k.into(), v.into())).collect(),
                Element::DenseNode(n) => n.tags().map(|(k, v)| (k.into(), v.into())).collect(),
                Element::Way(w) => w.tags().map(|(k, v)| (k.into(), v.into())).collect(),
                Element::Relation(r) => r.tags().map(|(k, v)| (k.into(), v.into())).collect(),
            };
            let get = |k: &str| tags.get(k).map(String::as_str);
            match &e {
                Element::Node(_) | Element::DenseNode(_) => {
                    let id = match &e {
                        Element::Node(n) => n.id(),
                        Element::DenseNode(n) => n.id(),
                        _ => unreachable!(),
                    };
                    c.nodes += 1;
                    node_ids.insert(id);
                    if POI.iter().any(|k| tags.contains_key(*k)) {
                        c.poi_nodes += 1;
                    }
                    let pt = get("public_transport");
                    if get("highway") == Some("bus_stop")
                        || ((pt == Some("platform") || pt == Some("stop_position"))
                            && get("bus") == Some("yes"))
                    {
                        c.bus_stops += 1;
                    }
                }
                Element::Way(w) => {
                    c.ways += 1;
                    ways.push((w.refs().collect(), tags));
                }
                Element::Relation(_) => {
                    c.relations += 1;
                    if get("type") == Some("route") && get("route") == Some("bus") {
                        c.bus_routes += 1;
                    }
                    if get("type") == Some("multipolygon") && get("landuse") == Some("industrial") {
                        c.industrial_relations_at_most += 1;
                    }
                }
            }
        })
        .unwrap();
    for (refs, tags) in &ways {
        let present: Vec<i64> = refs
            .iter()
            .copied()
            .filter(|r| node_ids.contains(r))
            .collect();
        let closed = present.len() >= 4 && present.first() == present.last();
        let get = |k: &str| tags.get(k).map(String::as_str);
        if tags.contains_key("highway") && present.len() >= 2 {
            c.highway_ways += 1;
        }
        if POI.iter().any(|k| tags.contains_key(*k)) && !present.is_empty() {
            c.poi_ways += 1;
        }
        match get("landuse") {
            Some("industrial") if closed => c.industrial_ways += 1,
            Some("residential") if closed => c.residential_ways += 1,
            Some("industrial" | "residential") => {}
            _ if closed && get("building").is_some_and(|b| b != "no") => c.building_ways += 1,
            _ => {}
        }
    }
    c
}

fn our_counts(path: &Path) -> Counts {
    let x = OsmExtract::from_pbf(path).unwrap();
    let from_ways = |kind| {
        x.areas_of(kind)
            .filter(|a| matches!(a.osm, OsmRef::Way(_)))
            .count()
    };
    let from_relations = |kind| {
        x.areas_of(kind)
            .filter(|a| matches!(a.osm, OsmRef::Relation(_)))
            .count()
    };
    Counts {
        nodes: x.stats.nodes,
        ways: x.stats.ways,
        relations: x.stats.relations,
        highway_ways: x.highways.len(),
        industrial_ways: from_ways(AreaKind::Industrial),
        industrial_relations_at_most: from_relations(AreaKind::Industrial),
        residential_ways: from_ways(AreaKind::Residential),
        building_ways: from_ways(AreaKind::Building),
        poi_nodes: x
            .pois
            .iter()
            .filter(|p| matches!(p.osm, OsmRef::Node(_)))
            .count(),
        poi_ways: x
            .pois
            .iter()
            .filter(|p| matches!(p.osm, OsmRef::Way(_)))
            .count(),
        bus_stops: x.bus_stops.len(),
        bus_routes: x.bus_routes.len(),
    }
}

fn check(path: &Path) {
    let raw = raw_counts(path);
    let ours = our_counts(path);
    println!("{}: {ours:?}", path.display());
    assert!(
        ours.industrial_relations_at_most <= raw.industrial_relations_at_most,
        "{}",
        path.display()
    );
    let ours = Counts {
        industrial_relations_at_most: raw.industrial_relations_at_most,
        ..ours
    };
    assert_eq!(ours, raw, "{}", path.display());
    // And every file builds a graph every mode can route on.
    let graph = build_graph(
        &OsmExtract::from_pbf(path).unwrap(),
        &GraphOptions::default(),
    )
    .unwrap();
    for mode in Mode::ALL {
        let stats = graph.profile(mode).stats;
        assert!(
            stats.vertices > 1 && stats.directed_edges > 0,
            "{}: {mode} {stats:?}",
            path.display()
        );
    }
}

#[test]
fn embedded_demo_counts_match_the_raw_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/liechtenstein-2013.osm.pbf");
    check(&path);
    let x = OsmExtract::from_pbf(&path).unwrap();
    // Known facts of this extract (data/README.md): 14 industrial sites, 17 bus routes.
    assert_eq!(x.areas_of(AreaKind::Industrial).count(), 14);
    assert_eq!(x.bus_routes.len(), 17);
}

/// The shared extracts, if this checkout has them beside it.
pub fn shared_extracts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/osm");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!(
            "skipped: {} is absent (only the embedded demo was checked)",
            dir.display()
        );
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".osm.pbf"))
        .collect();
    files.sort();
    files
}

#[test]
fn shared_extract_counts_match_the_raw_files() {
    for path in shared_extracts() {
        check(&path);
    }
}
