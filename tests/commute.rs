//! The commute circle: bus legs on a hand-made route equal hand-computed times; bus + walk
//! never loses to walking; resident totals; GTFS trips take their scheduled time and an empty
//! departure window leaves walking only; every mode's times against a plain search.

use std::path::Path;

use geo::Coord;
use lifecircle::commute::gtfs::{DepartureWindow, read_gtfs};
use lifecircle::commute::lines::TransitLines;
use lifecircle::commute::transit::{TransitGraph, TransitOptions, osm_lines};
use lifecircle::commute::{
    BANDS_MIN, CommuteInputs, CommuteOptions, CommuteReport, compute_commute,
};
use lifecircle::coverage::VertexIndex;
use lifecircle::geom::haversine_m;
use lifecircle::graph::{GraphOptions, Mode, RoadGraph, VertexId, build_graph};
use lifecircle::osm::OsmExtract;
use lifecircle::places::crs::Crs;
use lifecircle::places::residents::{
    ResidentOptions, Residents, estimate_residents, read_population,
};
use lifecircle::places::{ParkOptions, ZoneKind, Zones, residential_zones, select_zones};
use lifecircle::routing::{Direction, SearchScratch, bounded_search};

fn fixture(name: &str) -> OsmExtract {
    OsmExtract::from_pbf(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn bus_legs_equal_hand_computed_times() {
    let extract = fixture("bus.osm.pbf");
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    let (lines, stats) = osm_lines(&extract, &graph, &TransitOptions::default());
    // Bus speed on a residential street: 25 km/h × 0.8 = 20 km/h; dwell 20 s per stop.
    let bus_mps = 20.0 / 3.6;
    let c = |lon: f64| Coord { x: lon, y: 47.2 };
    let leg = |a: f64, b: f64| haversine_m(c(a), c(b)) / bus_mps + 20.0;
    let line9 = lines.lines.iter().find(|l| l.id == "relation/900").unwrap();
    assert_eq!(
        line9
            .stops
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        ["node/1", "node/3", "node/6"]
    );
    assert_eq!(line9.headway_s, 600.0);
    assert!(
        (line9.ride_s[0] - leg(9.500, 9.508)).abs() < 0.01,
        "{} vs {}",
        line9.ride_s[0],
        leg(9.500, 9.508)
    );
    assert!((line9.ride_s[1] - leg(9.508, 9.520)).abs() < 0.01);
    // The old-style route: stops along its ways, both directions, default headway.
    let derived: Vec<_> = lines
        .lines
        .iter()
        .filter(|l| l.id.starts_with("relation/901"))
        .collect();
    assert_eq!(derived.len(), 2);
    assert_eq!(stats.derived, 1);
    // Every bus stop along the ways, the stop positions 1, 3, 6 (tagged highway=bus_stop too)
    // and the roadside stops 20 and 21, in order along the street.
    assert_eq!(
        derived[0]
            .stops
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        ["node/1", "node/20", "node/3", "node/21", "node/6"]
    );
    assert_eq!(
        derived[1]
            .stops
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        ["node/6", "node/21", "node/3", "node/20", "node/1"]
    );
    assert!(
        (derived[0].ride_s[1] - leg(9.502, 9.508)).abs() < 0.05,
        "{}",
        derived[0].ride_s[1]
    );
    assert!(
        (derived[1].ride_s[0] - leg(9.510, 9.520)).abs() < 0.05,
        "{}",
        derived[1].ride_s[0]
    );
    assert_eq!(derived[0].headway_s, 900.0);
    // On the transit graph, from stop 1 to stop 6 takes half a headway plus the two legs.
    let transit = TransitGraph::build(&graph, &lines, &TransitOptions::default());
    let vertex =
        |osm: i64| VertexId(graph.vertices.iter().position(|v| v.osm.0 == osm).unwrap() as u32);
    let mut scratch = SearchScratch::with_nodes(0);
    bounded_search(
        &transit,
        Direction::Forward,
        &[(vertex(1), 0)],
        u32::MAX,
        &mut scratch,
    );
    let by_bus = f64::from(scratch.time_ms(vertex(6)).unwrap()) / 1000.0;
    let want = 300.0 + line9.ride_s[0] + line9.ride_s[1];
    assert!((by_bus - want).abs() < 0.01, "{by_bus} vs {want}");
}

/// Issue 13: a home's walk to a stop is measured from the home's own point on the street:
/// straight along the edge to a stop on the same edge (not via a junction and back), and the
/// walking limit counts the walk to the junction too.
#[test]
fn walks_to_mid_edge_stops_are_exact_and_within_the_limit() {
    let extract = fixture("bus.osm.pbf");
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    let (lines, _) = osm_lines(&extract, &graph, &TransitOptions::default());
    // Vertices at stops 1 (9.500), 3 (9.508) and 6 (9.520); roadside stops 20 (9.502) and 21
    // (9.510) lie inside the two edges. 950 m: stop 6 is 907 m from vertex 3.
    let options = TransitOptions {
        stop_walk_m: 950.0,
        ..TransitOptions::default()
    };
    let transit = TransitGraph::build(&graph, &lines, &options);
    let stop = |id: &str| transit.stops.iter().position(|s| s.stop.id == id).unwrap() as u32;
    let c = |lon: f64| Coord { x: lon, y: 47.2 };
    let walk_mps = graph.options.walk_kmh / 3.6;
    let walk_ms = |a: f64, b: f64| haversine_m(c(a), c(b)) / walk_mps * 1000.0;
    let walks = |lon: f64| {
        let home = graph.snap(Mode::Walk, c(lon), 50.0).unwrap();
        transit.walks_to_stops(&graph, &home)
    };
    let near = |got: u32, want: f64| (f64::from(got) - want).abs() < 1_000.0;
    // A home at 9.504: stop 20 is 151 m west on its own edge (via vertex 1 it would be 453 m).
    let from_9504 = walks(9.504);
    let to_20 = from_9504.iter().find(|w| w.0 == stop("node/20")).unwrap().1;
    assert!(near(to_20, walk_ms(9.504, 9.502)), "{to_20} ms");
    // A home at 9.506: vertex 3 is 151 m east and stop 6 907 m beyond it, 1,058 m in all:
    // over the limit, although the walk from vertex 3 alone is within it.
    let from_9506 = walks(9.506);
    assert!(
        !from_9506.iter().any(|w| w.0 == stop("node/6")),
        "{from_9506:?}"
    );
    let to_21 = from_9506.iter().find(|w| w.0 == stop("node/21")).unwrap().1;
    assert!(near(to_21, walk_ms(9.506, 9.510)), "{to_21} ms");
    // Every walk is within the limit and no shorter than the straight line.
    for lon in [9.5005, 9.503, 9.506, 9.509, 9.515, 9.5195] {
        for &(s, t) in &walks(lon) {
            let at = transit.stops[s as usize].stop.location;
            assert!(f64::from(t) <= (950.0 / walk_mps * 1000.0).round());
            assert!(
                f64::from(t) + 1_000.0 >= walk_ms(lon, at.x),
                "{lon} to {s}: {t} ms"
            );
        }
    }
}

/// Issue 13: on the demo, bus + walk times equal walking alone or an exact walk from the home
/// to a stop within 800 m plus the ride from there, computed here with plain searches.
#[test]
fn bus_trips_start_with_an_exact_walk_from_home() {
    let extract = OsmExtract::demo();
    let r = run(&extract, None, None, None);
    let graph = &r.graph;
    let lines = osm_lines(&extract, graph, &TransitOptions::default()).0;
    let transit = TransitGraph::build(graph, &lines, &TransitOptions::default());
    let n = graph.vertices.len();
    let limit_ms = (800.0 / (graph.options.walk_kmh / 3.6) * 1000.0_f64).round() as u32;
    let stop_snaps: Vec<_> = transit
        .stops
        .iter()
        .map(|s| graph.snap(Mode::Walk, s.stop.location, 500.0).unwrap())
        .collect();
    let walk = graph.profile(Mode::Walk);
    let (mut scratch, mut transit_scratch) = (SearchScratch::new(graph), SearchScratch::new(graph));
    let mut differ_from_junction_model = 0;
    for (pc, park) in r.report.parks.iter().zip(&r.parks.zones).take(3) {
        let bus = pc.modes.iter().find(|m| m.mode == Mode::Bus).unwrap();
        let access = VertexIndex::new(graph, Mode::Walk).access_points(graph, park, 50.0);
        let seeds: Vec<(VertexId, u32)> = access.iter().map(|&v| (v, 0)).collect();
        let to_park = lifecircle::routing::TravelTimes::compute(
            walk,
            Direction::Reverse,
            &seeds,
            60 * 60_000,
        );
        bounded_search(
            &transit,
            Direction::Reverse,
            &seeds,
            60 * 60_000,
            &mut transit_scratch,
        );
        for (u, unit) in r.residents.units.iter().enumerate().step_by(5) {
            let Ok(home) = graph.snap(Mode::Walk, unit.location, 500.0) else {
                continue;
            };
            let from_home = home.seeds(graph, false);
            let on_foot = from_home
                .iter()
                .filter_map(|&(v, t0)| to_park.get(v).map(|t| t + t0))
                .min();
            bounded_search(walk, Direction::Forward, &from_home, limit_ms, &mut scratch);
            let by_bus = stop_snaps
                .iter()
                .enumerate()
                .filter_map(|(s, at)| {
                    let via_junction = at
                        .seeds(graph, true)
                        .iter()
                        .filter_map(|&(v, t1)| scratch.time_ms(v).map(|t| t + t1))
                        .min();
                    let along = (at.edge == home.edge).then(|| {
                        let t = graph.edges[at.edge.index()]
                            .time_ms(Mode::Walk, at.fraction > home.fraction)
                            .unwrap();
                        (f64::from(t) * (at.fraction - home.fraction).abs()).round() as u32
                    });
                    let walk_ms = via_junction.into_iter().chain(along).min()?;
                    let ride = transit_scratch.time_ms(VertexId((n + s) as u32))?;
                    (walk_ms <= limit_ms).then_some(walk_ms + ride)
                })
                .min();
            let oracle = on_foot
                .into_iter()
                .chain(by_bus)
                .min()
                .filter(|&t| t <= 60 * 60_000)
                .unwrap_or(lifecircle::routing::UNREACHED);
            assert_eq!(bus.unit_ms[u], oracle, "unit {u} to {}", park.name);
            // The old model: walk to a junction, then up to 800 m from there to a stop.
            let junction_model = from_home
                .iter()
                .filter_map(|&(v, t0)| {
                    let t = to_park
                        .get(v)
                        .into_iter()
                        .chain(transit_scratch.time_ms(v))
                        .min()?;
                    Some(t + t0)
                })
                .min()
                .filter(|&t| t <= 60 * 60_000)
                .unwrap_or(lifecircle::routing::UNREACHED);
            differ_from_junction_model += usize::from(junction_model != oracle);
        }
    }
    println!("{differ_from_junction_model} homes timed differently from a junction");
    assert!(differ_from_junction_model > 0);
}

struct Run {
    graph: RoadGraph,
    parks: Zones,
    residents: Residents,
    report: CommuteReport,
}

fn run(
    extract: &OsmExtract,
    parks_file: Option<&Path>,
    lines: Option<TransitLines>,
    residents: Option<Residents>,
) -> Run {
    let graph = build_graph(extract, &GraphOptions::default()).unwrap();
    let parks = select_zones(
        extract,
        ZoneKind::Parks,
        parks_file.map(|p| (p, Crs::Wgs84)),
        &ParkOptions::default(),
    )
    .unwrap();
    let areas = residential_zones(extract);
    let residents = residents
        .unwrap_or_else(|| estimate_residents(extract, &areas, &ResidentOptions::default()));
    let lines = lines.unwrap_or_else(|| osm_lines(extract, &graph, &TransitOptions::default()).0);
    let transit = TransitGraph::build(&graph, &lines, &TransitOptions::default());
    let inputs = CommuteInputs {
        parks: &parks,
        areas: &areas,
        residents: &residents,
        bikeshare: &[],
        transit: &transit,
        transit_source: &lines.source,
    };
    let report = compute_commute(
        &graph,
        &inputs,
        &CommuteOptions {
            keep_unit_times: true,
            ..CommuteOptions::default()
        },
    );
    Run {
        graph,
        parks,
        residents,
        report,
    }
}

#[test]
fn bus_and_walk_never_lose_to_walking_and_totals_add_up() {
    let extract = OsmExtract::demo();
    let r = run(&extract, None, None, None);
    assert!(
        r.report.transit_lines >= 20,
        "{} lines",
        r.report.transit_lines
    );
    let total: f64 = r.residents.units.iter().map(|u| u.residents).sum();
    assert_eq!(r.report.residents_total, total);
    let mut better = 0;
    for pc in &r.report.parks {
        let walk = pc.modes.iter().find(|m| m.mode == Mode::Walk).unwrap();
        let bus = pc.modes.iter().find(|m| m.mode == Mode::Bus).unwrap();
        for b in 0..BANDS_MIN.len() {
            assert!(bus.residents_within[b] >= walk.residents_within[b]);
            assert!(walk.residents_within[b] <= total && bus.share_within[b] <= 1.0);
        }
        assert!(!walk.unit_ms.is_empty());
        for (w, b) in walk.unit_ms.iter().zip(&bus.unit_ms) {
            assert!(b <= w);
        }
        better += usize::from(bus.residents_within[1] > walk.residents_within[1]);
        // Bands are cumulative.
        for m in &pc.modes {
            assert!(m.residents_within.windows(2).all(|w| w[0] <= w[1]));
        }
    }
    assert!(
        better >= 5,
        "buses help most parks within 30 minutes ({better})"
    );
}

#[test]
fn supplied_population_is_used_unchanged() {
    let extract = OsmExtract::demo();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.csv");
    std::fs::write(
        &path,
        "lon,lat,count\n9.5215,47.1410,1200\n9.5300,47.2100,800\n9.50,nope,5\n",
    )
    .unwrap();
    let (residents, warnings) = read_population(
        &path,
        Crs::Wgs84,
        &residential_zones(&extract),
        extract.bbox,
    )
    .unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].line, 4);
    let r = run(&extract, None, None, Some(residents));
    assert!(r.residents.supplied);
    assert_eq!(r.report.residents_total, 2000.0);
}

#[test]
fn each_mode_matches_a_plain_search() {
    let extract = OsmExtract::demo();
    let r = run(&extract, None, None, None);
    let mut scratch = SearchScratch::new(&r.graph);
    for (pc, park) in r.report.parks.iter().zip(&r.parks.zones).take(3) {
        for m in &pc.modes {
            // No bike-share point in the demo: bike is the own bike, a plain search too.
            if !matches!(m.mode, Mode::Walk | Mode::Bike | Mode::Ebike | Mode::Car) {
                continue;
            }
            let access = VertexIndex::new(&r.graph, m.mode).access_points(&r.graph, park, 50.0);
            assert!(!access.is_empty());
            for (u, unit) in r.residents.units.iter().enumerate().step_by(97) {
                let Ok(snap) = r.graph.snap(m.mode, unit.location, 500.0) else {
                    continue;
                };
                bounded_search(
                    r.graph.profile(m.mode),
                    Direction::Forward,
                    &snap.seeds(&r.graph, false),
                    60 * 60_000,
                    &mut scratch,
                );
                let oracle = access
                    .iter()
                    .filter_map(|&a| scratch.time_ms(a))
                    .min()
                    .unwrap_or(lifecircle::routing::UNREACHED);
                assert_eq!(m.unit_ms[u], oracle, "{} unit {u} to {}", m.mode, park.name);
            }
        }
    }
}

fn sao_paulo() -> Option<(OsmExtract, std::path::PathBuf, tempfile::TempDir)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let (pbf, gtfs) = (
        root.join("osm/sao-paulo-centre.osm.pbf"),
        root.join("gtfs/sao-paulo-centre-gtfs.zip"),
    );
    if !pbf.exists() || !gtfs.exists() {
        println!("skipped: {} or {} is absent", pbf.display(), gtfs.display());
        return None;
    }
    let extract = OsmExtract::from_pbf(&pbf).unwrap();
    // A park at Praça da Sé, the centre of the extract and of the network.
    let dir = tempfile::tempdir().unwrap();
    let park = dir.path().join("park.geojson");
    let (x, y, r) = (-46.6340, -23.5505, 0.002);
    std::fs::write(&park, format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"Sé"}},"geometry":{{"type":"Polygon","coordinates":[[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]]}}}}]}}"#, x - r, y - r, x + r, y - r, x + r, y + r, x - r, y + r, x - r, y - r)).unwrap();
    Some((extract, gtfs, dir))
}

#[test]
fn gtfs_trips_take_their_scheduled_time() {
    let Some((extract, gtfs, _dir)) = sao_paulo() else {
        return;
    };
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    let lines = read_gtfs(&gtfs, DepartureWindow::parse("07:00-08:00").unwrap()).unwrap();
    assert!(!lines.lines.is_empty());
    let transit = TransitGraph::build(&graph, &lines, &TransitOptions::default());
    // Every ride between consecutive stops on the network takes the scheduled time: from the
    // first stop's vertex to the next stop's vertex is at most wait + ride (+ the few seconds of
    // walking on and off the snapped edges) and never less than wait + ride minus that walking.
    let mut scratch = SearchScratch::with_nodes(0);
    let (mut checked, mut exact) = (0, 0);
    for (line, k) in lines
        .lines
        .iter()
        .flat_map(|l| (0..l.ride_s.len()).map(move |k| (l, k)))
    {
        let (a, b) = (&line.stops[k], &line.stops[k + 1]);
        let (Ok(sa), Ok(sb)) = (
            graph.snap(Mode::Walk, a.location, 50.0),
            graph.snap(Mode::Walk, b.location, 50.0),
        ) else {
            continue;
        };
        if haversine_m(a.location, b.location) < 600.0 {
            continue; // close stops: walking may win
        }
        bounded_search(
            &transit,
            Direction::Forward,
            &sa.seeds(&graph, false),
            u32::MAX,
            &mut scratch,
        );
        let Some(t) = sb
            .seeds(&graph, true)
            .iter()
            .filter_map(|&(v, t)| scratch.time_ms(v).map(|x| x + t))
            .min()
        else {
            continue;
        };
        // The graph boards and alights at vertices: walking from a stop to the nearer end of its
        // edge and back, at each end of the ride.
        let to_end = |seeds: Vec<(VertexId, u32)>| {
            f64::from(seeds.iter().map(|s| s.1).min().unwrap_or(0)) / 1000.0
        };
        let walk_slack_s =
            2.0 * to_end(sa.seeds(&graph, false)) + 2.0 * to_end(sb.seeds(&graph, true)) + 1.0;
        let scheduled = line.headway_s / 2.0 + line.ride_s[k];
        let t = f64::from(t) / 1000.0;
        assert!(
            t <= scheduled + walk_slack_s,
            "{}: {t} s vs scheduled {scheduled} s",
            line.name
        );
        if t >= scheduled - walk_slack_s {
            exact += 1;
        }
        checked += 1;
    }
    println!("{checked} legs checked, {exact} by the scheduled ride");
    assert!(
        checked >= 5 && exact >= checked / 2,
        "{checked} legs checked, {exact} by bus"
    );
}

#[test]
fn a_window_without_service_leaves_walking_only() {
    let Some((extract, gtfs, dir)) = sao_paulo() else {
        return;
    };
    let park = dir.path().join("park.geojson");
    let empty = read_gtfs(&gtfs, DepartureWindow::parse("03:00-03:10").unwrap()).unwrap();
    assert!(empty.lines.is_empty());
    // São Paulo's extract has no residential areas: residents from a file.
    let people = dir.path().join("people.csv");
    std::fs::write(
        &people,
        "lon,lat,count\n-46.6400,-23.5450,500\n-46.6250,-23.5600,700\n-46.6500,-23.5400,300\n",
    )
    .unwrap();
    let (residents, _) = read_population(
        &people,
        Crs::Wgs84,
        &residential_zones(&extract),
        extract.bbox,
    )
    .unwrap();
    let r = run(&extract, Some(&park), Some(empty), Some(residents.clone()));
    assert_eq!(r.report.transit_lines, 0);
    let pc = &r.report.parks[0];
    let walk = pc.modes.iter().find(|m| m.mode == Mode::Walk).unwrap();
    let bus = pc.modes.iter().find(|m| m.mode == Mode::Bus).unwrap();
    assert_eq!(walk.unit_ms, bus.unit_ms);
    // With the morning's service, buses do better for someone.
    let morning = read_gtfs(&gtfs, DepartureWindow::parse("07:00-08:00").unwrap()).unwrap();
    let r = run(&extract, Some(&park), Some(morning), Some(residents));
    assert!(r.report.transit_lines > 10);
    let pc = &r.report.parks[0];
    let walk = pc.modes.iter().find(|m| m.mode == Mode::Walk).unwrap();
    let bus = pc.modes.iter().find(|m| m.mode == Mode::Bus).unwrap();
    assert!(walk.unit_ms.iter().zip(&bus.unit_ms).any(|(w, b)| b < w));
}

#[test]
fn bikeshare_points_near_a_park_and_its_service_area() {
    let extract = OsmExtract::demo();
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    let parks = select_zones(&extract, ZoneKind::Parks, None, &ParkOptions::default()).unwrap();
    let areas = residential_zones(&extract);
    let residents = estimate_residents(&extract, &areas, &ResidentOptions::default());
    let lines = TransitLines::default();
    let transit = TransitGraph::build(&graph, &lines, &TransitOptions::default());
    // A bike-share point at the first access point of Hilti Nendeln (the demo maps none).
    let hilti = parks
        .zones
        .iter()
        .find(|z| z.name == "Hilti Nendeln")
        .unwrap();
    let access = VertexIndex::new(&graph, Mode::Walk).access_points(&graph, hilti, 50.0);
    let point = graph.vertices[access[0].index()].coord;
    let far = Coord {
        x: 9.5215,
        y: 47.1410,
    };
    let inputs = CommuteInputs {
        parks: &parks,
        areas: &areas,
        residents: &residents,
        bikeshare: &[point, far],
        transit: &transit,
        transit_source: "none",
    };
    let options = CommuteOptions {
        keep_unit_times: true,
        ..CommuteOptions::default()
    };
    let report = compute_commute(&graph, &inputs, &options);
    assert_eq!(report.bikeshare_points, 2);
    let pc = report.parks.iter().find(|p| p.zone == hilti.id).unwrap();
    assert_eq!(
        pc.bikeshare_points.len(),
        1,
        "only the point at the gate is within 300 m"
    );
    use geo::{Area, Contains};
    assert!(
        pc.service_area
            .contains(&geo::InteriorPoint::interior_point(&hilti.polygon).unwrap())
    );
    assert!(pc.service_area.unsigned_area() > 2.0 * hilti.polygon.unsigned_area());
    // Residents who live by the Vaduz point ride a shared bike: walk + unlock + ride, never
    // slower than needed by more than the unlock minute compared with their own bike.
    let no_share = compute_commute(
        &graph,
        &CommuteInputs {
            bikeshare: &[],
            ..inputs
        },
        &options,
    );
    let bike = |r: &CommuteReport| {
        r.parks
            .iter()
            .find(|p| p.zone == hilti.id)
            .unwrap()
            .modes
            .iter()
            .find(|m| m.mode == Mode::Bike)
            .unwrap()
            .unit_ms
            .clone()
    };
    let (shared, own) = (bike(&report), bike(&no_share));
    let changed = shared.iter().zip(&own).filter(|(s, o)| s != o).count();
    assert!(changed > 0, "someone's bike trip starts at a share point");
}

#[test]
fn outside_areas_are_capped_per_park_and_counted_in_full() {
    // Issue 13: a province's report must not list parks × living areas.
    let extract = OsmExtract::demo();
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    let parks = select_zones(&extract, ZoneKind::Parks, None, &ParkOptions::default()).unwrap();
    let areas = residential_zones(&extract);
    let residents = estimate_residents(&extract, &areas, &ResidentOptions::default());
    let lines = osm_lines(&extract, &graph, &TransitOptions::default()).0;
    let transit = TransitGraph::build(&graph, &lines, &TransitOptions::default());
    let inputs = CommuteInputs {
        parks: &parks,
        areas: &areas,
        residents: &residents,
        bikeshare: &[],
        transit: &transit,
        transit_source: &lines.source,
    };
    let all = compute_commute(&graph, &inputs, &CommuteOptions::default());
    let capped = compute_commute(
        &graph,
        &inputs,
        &CommuteOptions {
            max_outside_areas: 2,
            ..CommuteOptions::default()
        },
    );
    let mut cut = 0;
    for (a, c) in all.parks.iter().zip(&capped.parks) {
        assert!(c.outside.len() <= 2);
        assert_eq!(
            c.outside[..],
            a.outside[..c.outside.len()],
            "the largest first"
        );
        assert_eq!(c.outside_total.0, a.outside_total.0);
        assert!(c.outside_total.0 >= c.outside.len());
        let sum: f64 = a.outside.iter().map(|o| o.residents_outside).sum();
        if a.outside.len() == a.outside_total.0 {
            assert!((c.outside_total.1 - sum).abs() < 1e-6);
        }
        cut += usize::from(c.outside_total.0 > 2);
    }
    assert!(cut > 0, "no park of the demo has more than 2 areas outside");
}
