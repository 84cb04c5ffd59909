//! The life-circle engine against a brute-force oracle (one plain search per evaluation point
//! and per access point), on the embedded demo and the shared extracts; a park given as GeoJSON
//! equals the same park from OSM; bad POI rows are reported by line.

use std::path::{Path, PathBuf};

use lifecircle::coverage::{CoverageOptions, CoverageReport, compute_coverage};
use lifecircle::graph::{GraphOptions, Mode, RoadGraph, Snap, VertexId, build_graph};
use lifecircle::osm::OsmExtract;
use lifecircle::places::crs::Crs;
use lifecircle::places::{
    AmenityProfile, ParkOptions, ZoneKind, Zones, import, osm_amenities, select_zones,
};
use lifecircle::routing::{Direction, SearchScratch, bounded_search};

fn shared(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/osm")
        .join(name);
    if p.exists() {
        Some(p)
    } else {
        println!("skipped: {} is absent", p.display());
        None
    }
}

fn run(
    extract: &OsmExtract,
    profile: &str,
    parks: Option<&Path>,
) -> (
    RoadGraph,
    Zones,
    Vec<lifecircle::places::Amenity>,
    CoverageReport,
) {
    let graph = build_graph(extract, &GraphOptions::default()).unwrap();
    let profile = AmenityProfile::load(profile).unwrap();
    let zones = select_zones(
        extract,
        profile.zones,
        parks.map(|p| (p, Crs::Wgs84)),
        &ParkOptions::default(),
    )
    .unwrap();
    let amenities = osm_amenities(extract, &profile);
    let report = compute_coverage(
        &graph,
        &zones,
        &amenities,
        &profile,
        &CoverageOptions::default(),
    );
    (graph, zones, amenities, report)
}

/// Walking time straight along a shared edge from `a` to `b`, from the edge's own times.
fn along_shared_edge(graph: &RoadGraph, a: &Snap, b: Option<&Snap>) -> Option<u32> {
    let b = b.filter(|b| b.edge == a.edge)?;
    let edge = &graph.edges[a.edge.index()];
    let share = (b.fraction - a.fraction).abs();
    if share == 0.0 {
        return Some(0);
    }
    let t = edge.time_ms(Mode::Walk, b.fraction > a.fraction)?;
    Some((f64::from(t) * share).round() as u32)
}

/// Checks every zone's numbers against plain searches (and the walk along a shared edge).
fn check_against_oracle(
    graph: &RoadGraph,
    amenities: &[lifecircle::places::Amenity],
    report: &CoverageReport,
    check_counts: bool,
) {
    let walk = graph.profile(Mode::Walk);
    let cats = &report.profile.categories;
    let thresholds: Vec<u32> = cats
        .iter()
        .map(|c| c.threshold_ms(report.walk_kmh))
        .collect();
    let max_bound = thresholds.iter().map(|t| 2 * t).max().unwrap();
    let mut scratch = SearchScratch::new(graph);
    // Time from the last search to a facility: min over its arrival seeds.
    let to_facility = |scratch: &SearchScratch, f: &lifecircle::coverage::Facility| {
        f.arrive_seeds
            .iter()
            .filter_map(|&(u, t1)| scratch.time_ms(u).map(|t| t + t1))
            .min()
    };
    let mut points = 0;
    for zc in &report.zones {
        for (p, point) in zc.eval.iter().enumerate() {
            points += 1;
            bounded_search(
                walk,
                Direction::Forward,
                &point.seeds,
                max_bound,
                &mut scratch,
            );
            for (c, &limit) in thresholds.iter().enumerate() {
                let oracle = report
                    .facilities
                    .iter()
                    .filter(|f| amenities[f.amenity].category == c)
                    .filter_map(|f| {
                        to_facility(&scratch, f)
                            .into_iter()
                            .chain(along_shared_edge(graph, &point.snap, f.snap.as_ref()))
                            .min()
                    })
                    .min()
                    .filter(|&t| t <= 2 * limit);
                assert_eq!(
                    zc.point_times_ms[p][c], oracle,
                    "zone {:?}, point {p}, category {}",
                    zc.zone, cats[c].id
                );
                assert_eq!(zc.covered[p][c], oracle.is_some_and(|t| t <= limit));
            }
        }
        let n = zc.eval.len() as f64;
        for cc in &zc.categories {
            let covered = zc.covered.iter().filter(|row| row[cc.category]).count();
            assert_eq!(cc.covered_share, covered as f64 / n);
        }
        if check_counts {
            // Facilities within the threshold of any access point, one search per access point.
            let mut best: Vec<Option<u32>> = vec![None; report.facilities.len()];
            for &a in &zc.access {
                bounded_search(walk, Direction::Forward, &[(a, 0)], max_bound, &mut scratch);
                for (i, f) in report.facilities.iter().enumerate() {
                    if let Some(t) = to_facility(&scratch, f) {
                        best[i] = Some(best[i].map_or(t, |b: u32| b.min(t)));
                    }
                }
            }
            for cc in &zc.categories {
                let c = cc.category;
                let count = report
                    .facilities
                    .iter()
                    .zip(&best)
                    .filter(|(f, t)| {
                        amenities[f.amenity].category == c && t.is_some_and(|t| t <= thresholds[c])
                    })
                    .count();
                assert_eq!(
                    cc.count_within, count,
                    "zone {:?}, category {}",
                    zc.zone, cats[c].id
                );
            }
        }
    }
    assert!(points > 0);
}

#[test]
fn demo_parks_match_the_oracle() {
    let extract = OsmExtract::demo();
    let (graph, zones, amenities, report) = run(&extract, "park", None);
    assert_eq!(
        zones.zones.len(),
        9,
        "14 industrial areas: 9 parks of ≥ 1 ha after merging"
    );
    assert_eq!(report.zones.len(), 9);
    check_against_oracle(&graph, &amenities, &report, true);
    // Sites lift the share, never lower it, and each adds points.
    for zc in &report.zones {
        for cc in zc
            .categories
            .iter()
            .filter(|cc| report.profile.categories[cc.category].required)
        {
            let mut share = cc.covered_share;
            for s in &cc.sites {
                assert!(s.adds_points > 0 && s.share_after > share);
                assert_eq!(s.covers.len(), s.adds_points);
                // Issue 12: no site that lifts its category by less than 5 points.
                let gain_points = 100.0 * s.adds_points as f64 / zc.eval.len() as f64;
                assert!(gain_points >= 5.0, "{gain_points} points");
                share = s.share_after;
            }
            assert!(cc.sites.len() <= 3);
        }
    }
}

/// Issue 13: a facility on a grid point's own edge is timed straight along the edge, not via
/// a junction and back.
#[test]
fn a_facility_on_a_grid_points_edge_is_timed_along_the_edge() {
    let extract = OsmExtract::demo();
    let (graph, zones, amenities, report) = run(&extract, "park", None);
    // A grid point early on a long edge (1 to 5 minutes' walk).
    let (z, p, snap) = report
        .zones
        .iter()
        .enumerate()
        .flat_map(|(z, zc)| zc.eval.iter().enumerate().map(move |(p, e)| (z, p, e.snap)))
        .find(|(_, _, s)| {
            let t = graph.edges[s.edge.index()].time_ms(Mode::Walk, true);
            (0.1..0.3).contains(&s.fraction) && t.is_some_and(|t| (60_000..300_000).contains(&t))
        })
        .expect("the demo has grid points on long edges");
    // One facility half the edge further on.
    let mut facility = amenities[0].clone();
    facility.location = graph.point_along(snap.edge, snap.fraction + 0.5);
    let c = facility.category;
    let one = compute_coverage(
        &graph,
        &zones,
        std::slice::from_ref(&facility),
        &report.profile,
        &CoverageOptions::default(),
    );
    let at = one.facilities[0].snap.expect("on the demo's roads");
    assert_eq!(at.edge, snap.edge);
    let edge_ms = graph.edges[snap.edge.index()]
        .time_ms(Mode::Walk, true)
        .unwrap();
    let expected = (f64::from(edge_ms) * (at.fraction - snap.fraction)).round() as u32;
    // Via a junction: back to the edge's start and out again, or on to its end and back.
    let via_junction = (f64::from(edge_ms) * (snap.fraction + at.fraction))
        .min(f64::from(edge_ms) * (2.0 - snap.fraction - at.fraction));
    assert!(f64::from(expected) + 10_000.0 < via_junction);
    assert_eq!(one.zones[z].point_times_ms[p][c], Some(expected));
    check_against_oracle(&graph, &[facility], &one, true);
}

#[test]
fn demo_residential_areas_match_the_oracle_with_gb50180() {
    let extract = OsmExtract::demo();
    let (graph, zones, amenities, report) = run(&extract, "gb50180", None);
    assert_eq!(zones.kind, ZoneKind::Residential);
    check_against_oracle(&graph, &amenities, &report, true);
}

#[test]
fn shared_extracts_match_the_oracle() {
    for name in ["krems.osm.pbf", "liechtenstein-2015.osm.pbf"] {
        let Some(path) = shared(name) else { continue };
        let extract = OsmExtract::from_pbf(&path).unwrap();
        let (graph, _, amenities, report) = run(&extract, "park", None);
        check_against_oracle(&graph, &amenities, &report, false);
    }
    // Regions without industrial land: parks given as a file (a square at the centre).
    for name in [
        "nanjing-xinjiekou.osm.pbf",
        "sao-paulo-centre.osm.pbf",
        "shanghai-center-roads.osm.pbf",
    ] {
        let Some(path) = shared(name) else { continue };
        let extract = OsmExtract::from_pbf(&path).unwrap();
        let err =
            select_zones(&extract, ZoneKind::Parks, None, &ParkOptions::default()).unwrap_err();
        assert!(err.to_string().contains("--parks"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let parks = dir.path().join("parks.geojson");
        // Centred on a walkable vertex (the header's bounding box can be far larger than the data).
        let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
        let walk = graph.profile(Mode::Walk);
        let centre = graph
            .vertices
            .iter()
            .enumerate()
            .filter(|(i, _)| walk.contains(VertexId(*i as u32)))
            .nth(walk.stats.vertices / 2)
            .unwrap()
            .1
            .coord;
        let (cx, cy, r) = (centre.x, centre.y, 0.003);
        std::fs::write(
            &parks,
            format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"Test park"}},"geometry":{{"type":"Polygon","coordinates":[[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]]}}}}]}}"#, cx - r, cy - r, cx + r, cy - r, cx + r, cy + r, cx - r, cy + r, cx - r, cy - r),
        )
        .unwrap();
        let (graph, _, amenities, report) = run(&extract, "park", Some(&parks));
        assert_eq!(report.zones.len(), 1, "{name}");
        check_against_oracle(&graph, &amenities, &report, true);
    }
}

#[test]
fn a_park_from_geojson_equals_the_same_park_from_osm() {
    let extract = OsmExtract::demo();
    let (_, zones, _, report) = run(&extract, "park", None);
    let hilti = zones
        .zones
        .iter()
        .find(|z| z.name == "Hilti Nendeln")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hilti.geojson");
    let fc = serde_json::json!({
        "type": "FeatureCollection",
        "features": [{ "type": "Feature", "properties": { "name": "Hilti Nendeln" }, "geometry": geojson::Geometry::from(&hilti.polygon) }]
    });
    std::fs::write(&path, fc.to_string()).unwrap();
    let (_, given, _, from_file) = run(&extract, "park", Some(&path));
    assert_eq!(given.zones.len(), 1);
    let osm = report.zones.iter().find(|z| z.zone == hilti.id).unwrap();
    let file = &from_file.zones[0];
    assert_eq!(file.access, osm.access);
    assert_eq!(file.life_circle_share, osm.life_circle_share);
    assert_eq!(file.categories, osm.categories);
    assert!((given.zones[0].area_ha - hilti.area_ha).abs() < 1e-6);
}

#[test]
fn bad_poi_rows_are_reported_with_their_line() {
    let extract = OsmExtract::demo();
    let profile = AmenityProfile::load("park").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pois.csv");
    std::fs::write(
        &path,
        "lon,lat,category,name\n\
         9.5215,47.1410,food,Canteen A\n\
         9.5215,north,food,Typo\n\
         9.5215,47.1410,karaoke,Unknown\n\
         47.1410,9.5215,food,Swapped\n\
         9.5230,47.1420,餐饮,Canteen B\n\
         9.5230,47.1420\n",
    )
    .unwrap();
    let (amenities, warnings) =
        import::read_pois(&path, Some(Crs::Wgs84), &profile, extract.bbox, 0).unwrap();
    assert_eq!(amenities.len(), 2);
    assert_eq!(amenities[1].name.as_deref(), Some("Canteen B"));
    let lines: Vec<usize> = warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [3, 4, 5, 7], "{warnings:?}");
    assert!(warnings[0].message.en().contains("'north' is not a number"));
    assert!(
        warnings[1]
            .message
            .en()
            .contains("unknown category 'karaoke'")
            && warnings[1].message.en().contains("food")
    );
    assert!(warnings[2].message.en().contains("outside the region"));
    assert!(
        warnings[0]
            .to_string()
            .starts_with(&format!("{}:3:", path.display()))
    );
}

#[test]
fn gcj02_pois_land_where_the_wgs84_ones_are() {
    // A planner's Amap export of points in Quzhou would be GCJ-02; here the region is
    // Liechtenstein, outside China, where GCJ-02 equals WGS-84: the import must not move them.
    let extract = OsmExtract::demo();
    let profile = AmenityProfile::load("park").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pois.geojson");
    std::fs::write(&path, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"category":"parcel","name":"Locker"},"geometry":{"type":"Point","coordinates":[9.5215,47.141]}}]}"#).unwrap();
    let (a, w) = import::read_pois(&path, Some(Crs::Gcj02), &profile, extract.bbox, 7).unwrap();
    assert!(w.is_empty());
    assert_eq!(a[0].id.0, 7);
    assert_eq!((a[0].location.x, a[0].location.y), (9.5215, 47.141));
}

#[test]
fn nearest_and_distance_agree_with_walking_speed() {
    let extract = OsmExtract::demo();
    let (_, _, _, report) = run(&extract, "park", None);
    let vs: Vec<VertexId> = report.zones[0].access.clone();
    assert!(!vs.is_empty());
    for cc in &report.zones[0].categories {
        if let (Some(min), Some(m)) = (cc.nearest_min, cc.nearest_m) {
            assert!((m - min * 60.0 * 4.5 / 3.6).abs() < 0.01);
        }
    }
}
