//! Issue 13, "Exact times on the edge itself", the two cases timed via a junction until now:
//! the bus-line planner's OSM stops in the middle of an edge (the walk to the stop and the bus
//! legs between stops start and end at the stop's own point, not at the edge's nearer end),
//! and the shared bike's walk from home to the dock (from the home's own point, straight along
//! the edge when the dock is on it, and within the walking limit counted from the home).

use geo::{Coord, LineString, MultiPolygon, Polygon};
use lifecircle::commute::lines::TransitLines;
use lifecircle::commute::transit::{TransitGraph, TransitOptions};
use lifecircle::commute::{CommuteInputs, CommuteOptions, compute_commute};
use lifecircle::coverage::VertexIndex;
use lifecircle::drt::demand::{bookings_as_residents, servable_units};
use lifecircle::drt::lines::{LineInputs, LineOptions, plan_lines};
use lifecircle::drt::optimise::Config;
use lifecircle::geom::haversine_m;
use lifecircle::graph::{GraphOptions, Mode, RoadGraph, Snap, VertexId, build_graph};
use lifecircle::osm::{BusStop, OsmExtract, OsmNodeId};
use lifecircle::places::demand::Booking;
use lifecircle::places::residents::{ResidentOptions, estimate_residents};
use lifecircle::places::{
    ParkOptions, Source, Zone, ZoneId, ZoneKind, Zones, residential_zones, select_zones,
};
use lifecircle::routing::{Direction, SearchScratch, TravelTimes, UNREACHED, bounded_search};

/// A point on the street of `bus.osm` (latitude 47.2), or just north of it.
fn on_street(lon: f64) -> Coord {
    Coord { x: lon, y: 47.2 }
}

/// A park north of the street's west end (its gate is vertex 1, at 9.500).
fn west_park() -> Zones {
    let ring = [
        (9.4990, 47.2003),
        (9.5010, 47.2003),
        (9.5010, 47.2012),
        (9.4990, 47.2012),
        (9.4990, 47.2003),
    ];
    let polygon = Polygon::new(LineString::from(ring.to_vec()), Vec::new());
    Zones {
        kind: ZoneKind::Parks,
        zones: vec![Zone {
            id: ZoneId(0),
            code: "P1".into(),
            name: "West".into(),
            polygon: MultiPolygon(vec![polygon]),
            area_ha: 1.5,
            source: Source::File {
                path: "test".into(),
                line: 1,
            },
            gates: Vec::new(),
        }],
        too_small: 0,
        notes: Vec::new(),
    }
}

/// Issue 13: two OSM stops inside the edge 3–6 of `bus.osm` (9.508–9.520), at 9.511 and
/// 9.518, keyed to the vertices 3 and 6. A worker at 9.5185 walks 38 m to the stop at 9.518
/// (not 113 m to vertex 6), one at 9.5105 walks 38 m to 9.511 (not 189 m to vertex 3); the
/// bus rides from 9.518 to the gate (vertex 1) 1,360 m, not 1,511 m from vertex 6, and from
/// 9.518 to 9.511 straight along the edge (529 m), not via a junction and back.
#[test]
fn bus_line_stops_inside_an_edge_are_timed_at_their_point() {
    let extract = OsmExtract::from_pbf(format!(
        "{}/tests/fixtures/bus.osm.pbf",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    let parks = west_park();
    let stop = |id: i64, lon: f64| BusStop {
        id: OsmNodeId(id),
        location: Coord {
            x: lon,
            y: 47.20002,
        },
        tags: Default::default(),
    };
    let osm_stops = [stop(9001, 9.511), stop(9002, 9.518)];
    let booking = |lon: f64, line: usize| Booking {
        location: on_street(lon),
        park: ZoneId(0),
        arrive_by_s: 8 * 3600,
        count: 1,
        source: Source::File {
            path: "bookings.csv".into(),
            line,
        },
    };
    let bookings = [booking(9.5185, 2), booking(9.5105, 3)];
    let transit = TransitGraph::build(&graph, &TransitLines::default(), &TransitOptions::default());
    let areas = residential_zones(&extract);
    let existing = compute_commute(
        &graph,
        &CommuteInputs {
            parks: &parks,
            areas: &areas,
            residents: &bookings_as_residents(&bookings),
            bikeshare: &[],
            transit: &transit,
            transit_source: "none",
        },
        &CommuteOptions {
            keep_unit_times: true,
            ..CommuteOptions::default()
        },
    );
    let options = LineOptions {
        osm_stop_m: 250.0,
        search: Config {
            max_iterations: Some(300),
            threads: Some(1),
            ..Config::default()
        },
        ..LineOptions::default()
    };
    let plan = plan_lines(
        &graph,
        &LineInputs {
            parks: &parks,
            bookings: &bookings,
            synthetic: false,
            osm_stops: &osm_stops,
            streets: &extract.highways,
            existing: &existing,
            given_stops: None,
        },
        &options,
    )
    .unwrap();
    let walk_mps = graph.options.walk_kmh / 3.6;
    // Bus on a residential street: 25 km/h × 0.8.
    let bus_mps = 20.0 / 3.6;
    let dist = |a: f64, b: f64| haversine_m(on_street(a), on_street(b));
    let close = |got: u32, want: f64, what: &str| {
        assert!(
            (f64::from(got) - want).abs() <= 2.0,
            "{what}: {got} s, want {want:.1} s"
        );
    };
    let dwell_s = options.dwell_min * 60.0;
    for (i, (osm, home, stop_lon)) in [(9002, 9.5185, 9.518), (9001, 9.5105, 9.511)]
        .into_iter()
        .enumerate()
    {
        let rider = plan.riders.iter().find(|r| r.booking == i).unwrap();
        let at = rider.stop.expect("rides the bus");
        assert_eq!(plan.stops[at.0 as usize].osm, Some(osm), "{rider:?}");
        close(
            rider.walk_s.unwrap(),
            dist(home, stop_lon) / walk_mps,
            "walk",
        );
        close(
            rider.direct_ride_s.unwrap(),
            dist(stop_lon, 9.500) / bus_mps + dwell_s,
            "direct ride",
        );
    }
    // One bus calls at 9.518, then 9.511: the leg runs straight along the edge.
    let index = |osm: i64| plan.stops.iter().position(|s| s.osm == Some(osm)).unwrap() as u32;
    let (east, west) = (index(9002), index(9001));
    let leg = plan
        .vehicles
        .iter()
        .flat_map(|v| v.morning.calls.windows(2))
        .find(|w| w[0].stop.0 == east && w[1].stop.0 == west)
        .map(|w| w[1].arrival_s - w[0].departure_s)
        .expect("a bus calls at 9.518, then at 9.511");
    close(leg, dist(9.518, 9.511) / bus_mps, "leg along the edge");
}

/// The oracle of one unit's bike trip: shared bike from its nearest dock on foot when one is
/// within the limit (the walk from the home's own point, along its edge or via a junction, to
/// the dock's own point), else the own bike.
struct BikeOracle<'a> {
    graph: &'a RoadGraph,
    /// Per dock: bike snap, walk snap.
    docks: Vec<(Snap, Snap)>,
    /// Reverse bike search from the park's access points.
    to_park: TravelTimes,
    limit_ms: u32,
    unlock_ms: u32,
}

impl BikeOracle<'_> {
    /// The nearest dock on foot from `home` (walk snap): (walk ms, dock).
    fn nearest(&self, home: &Snap, scratch: &mut SearchScratch) -> Option<(u32, usize)> {
        let walk = self.graph.profile(Mode::Walk);
        let seeds = home.seeds(self.graph, false);
        bounded_search(walk, Direction::Forward, &seeds, self.limit_ms, scratch);
        self.docks
            .iter()
            .enumerate()
            .filter_map(|(i, (_, at))| {
                let via = at
                    .seeds(self.graph, true)
                    .iter()
                    .filter_map(|&(v, t1)| scratch.time_ms(v).map(|t| t + t1))
                    .min();
                // A point within 0.5 m of a vertex is at the vertex (`Snap::fraction_at`).
                let along = (at.edge == home.edge).then(|| {
                    let e = &self.graph.edges[at.edge.index()];
                    let (fa, fh) = (at.fraction_at(self.graph), home.fraction_at(self.graph));
                    let t = e.time_ms(Mode::Walk, fa > fh).unwrap();
                    (f64::from(t) * (fa - fh).abs()).round() as u32
                });
                let t = via.into_iter().chain(along).min()?;
                (t <= self.limit_ms).then_some((t, i))
            })
            .min()
    }

    /// The bike ride from dock `i` to the park.
    fn ride(&self, i: usize) -> Option<u32> {
        self.docks[i]
            .0
            .seeds(self.graph, false)
            .iter()
            .filter_map(|&(v, t0)| self.to_park.get(v).map(|t| t + t0))
            .min()
    }

    /// The own bike from the unit's bike seeds.
    fn own(&self, bike_seeds: &[(VertexId, u32)]) -> Option<u32> {
        bike_seeds
            .iter()
            .filter_map(|&(v, t0)| self.to_park.get(v).map(|t| t + t0))
            .min()
    }
}

/// Issue 13: on the demo with bike-share docks in the middle of streets, every unit's bike
/// time equals the oracle: walk from the home's own point to its nearest dock within 500 m
/// (straight along the street when the dock is on the home's own edge) + unlock + ride, else
/// its own bike. Some homes share their edge with their dock and walk less than via a
/// junction; the junction model times them differently.
#[test]
fn shared_bike_walks_start_at_the_home_and_end_at_the_dock() {
    let extract = OsmExtract::demo();
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    let parks = select_zones(&extract, ZoneKind::Parks, None, &ParkOptions::default()).unwrap();
    let areas = residential_zones(&extract);
    let residents = estimate_residents(&extract, &areas, &ResidentOptions::default());
    let transit = TransitGraph::build(&graph, &TransitLines::default(), &TransitOptions::default());
    // Docks in the middle of the walk edges of every 40th unit's home.
    let walk_snap = |c: Coord| graph.snap(Mode::Walk, c, 500.0).ok();
    let docks: Vec<Coord> = residents
        .units
        .iter()
        .step_by(40)
        .filter_map(|u| walk_snap(u.location))
        .map(|s| graph.point_along(s.edge, 0.5))
        .collect();
    let options = CommuteOptions {
        keep_unit_times: true,
        modes: vec![Mode::Bike],
        ..CommuteOptions::default()
    };
    let report = compute_commute(
        &graph,
        &CommuteInputs {
            parks: &parks,
            areas: &areas,
            residents: &residents,
            bikeshare: &docks,
            transit: &transit,
            transit_source: "none",
        },
        &options,
    );
    let walk_mps = graph.options.walk_kmh / 3.6;
    let max_ms = 60 * 60_000;
    let dock_snaps: Vec<(Snap, Snap)> = docks
        .iter()
        .filter_map(|&c| {
            let bike = graph.snap(Mode::Bike, c, 200.0).ok()?;
            Some((
                bike,
                walk_snap(bike.point).filter(|w| w.distance_m <= 200.0)?,
            ))
        })
        .collect();
    assert_eq!(report.bikeshare_points, dock_snaps.len());
    let mut scratch = SearchScratch::new(&graph);
    let (mut along_wins, mut checked) = (0, 0);
    for (pc, park) in report.parks.iter().zip(&parks.zones).take(2) {
        let bike = pc.modes.iter().find(|m| m.mode == Mode::Bike).unwrap();
        let access = VertexIndex::new(&graph, Mode::Bike).access_points(&graph, park, 50.0);
        let seeds: Vec<(VertexId, u32)> = access.iter().map(|&v| (v, 0)).collect();
        let oracle = BikeOracle {
            graph: &graph,
            docks: dock_snaps.clone(),
            to_park: TravelTimes::compute(
                graph.profile(Mode::Bike),
                Direction::Reverse,
                &seeds,
                max_ms,
            ),
            limit_ms: (options.bikeshare_walk_m / walk_mps * 1000.0) as u32,
            unlock_ms: (options.bikeshare_unlock_s * 1000.0) as u32,
        };
        for (u, unit) in residents.units.iter().enumerate().step_by(3) {
            let home = walk_snap(unit.location);
            let bike_seeds = graph
                .snap(Mode::Bike, unit.location, 500.0)
                .map(|s| s.seeds(&graph, false))
                .unwrap_or_default();
            let nearest = home.and_then(|h| oracle.nearest(&h, &mut scratch));
            let shared =
                nearest.and_then(|(walk_ms, i)| Some(walk_ms + oracle.unlock_ms + oracle.ride(i)?));
            let want = shared
                .or_else(|| oracle.own(&bike_seeds))
                .filter(|&t| t <= max_ms)
                .unwrap_or(UNREACHED);
            assert_eq!(bike.unit_ms[u], want, "unit {u} to {}", park.name);
            checked += 1;
            // A dock on the home's own edge, reached along it quicker than via a junction.
            if let (Some(h), Some((t, i))) = (home, nearest) {
                let at = &dock_snaps[i].1;
                let via = at
                    .seeds(&graph, true)
                    .iter()
                    .filter_map(|&(v, t1)| scratch.time_ms(v).map(|x| x + t1))
                    .min();
                along_wins += usize::from(at.edge == h.edge && via.is_none_or(|v| t < v));
            }
        }
    }
    println!("{checked} units checked, {along_wins} walk to a dock on their own edge");
    assert!(along_wins > 0);
}

/// A park of `ring` (lon, lat corners, closed), named "West".
fn park_of(ring: &[(f64, f64)]) -> Zones {
    let mut zones = west_park();
    zones.zones[0].polygon = MultiPolygon(vec![Polygon::new(
        LineString::from(ring.to_vec()),
        Vec::new(),
    )]);
    zones
}

/// Plans the bus lines on the fixture `name` for `bookings` (all to park 0 by 08:00) with
/// today's modes measured first, as `plan` does.
fn plan_on(
    name: &str,
    parks: &Zones,
    osm_stops: &[BusStop],
    homes: &[Coord],
    options: &LineOptions,
) -> (RoadGraph, lifecircle::drt::lines::LinePlan) {
    let extract = OsmExtract::from_pbf(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    let bookings: Vec<Booking> = homes
        .iter()
        .enumerate()
        .map(|(i, &location)| Booking {
            location,
            park: ZoneId(0),
            arrive_by_s: 8 * 3600,
            count: 1,
            source: Source::File {
                path: "bookings.csv".into(),
                line: i + 2,
            },
        })
        .collect();
    let transit = TransitGraph::build(&graph, &TransitLines::default(), &TransitOptions::default());
    let areas = residential_zones(&extract);
    let existing = compute_commute(
        &graph,
        &CommuteInputs {
            parks,
            areas: &areas,
            residents: &bookings_as_residents(&bookings),
            bikeshare: &[],
            transit: &transit,
            transit_source: "none",
        },
        &CommuteOptions {
            keep_unit_times: true,
            ..CommuteOptions::default()
        },
    );
    let plan = plan_lines(
        &graph,
        &LineInputs {
            parks,
            bookings: &bookings,
            synthetic: false,
            osm_stops,
            streets: &extract.highways,
            existing: &existing,
            given_stops: None,
        },
        options,
    )
    .unwrap();
    (graph, plan)
}

/// Search settings for the small fixtures: few iterations, one thread.
fn small_search() -> LineOptions {
    LineOptions {
        search: Config {
            max_iterations: Some(300),
            threads: Some(1),
            ..Config::default()
        },
        ..LineOptions::default()
    }
}

/// `far_stop.osm`: the one-way street 1 → 2 along 47.2 (9.500 → 9.530), East 2–3, North 3–4
/// (47.205) and West 4–1, all residential; the OSM stop "Far Stop" (node 30) at 9.512, 906 m
/// from node 1 and 1,359 m from node 2, beside the one-way street.
fn far_stop() -> BusStop {
    BusStop {
        id: OsmNodeId(30),
        location: Coord {
            x: 9.512,
            y: 47.20002,
        },
        tags: Default::default(),
    }
}

/// The park north of node 4 (9.500, 47.205): its gate is node 4.
fn north_west_park() -> Zones {
    park_of(&[
        (9.4990, 47.2053),
        (9.5010, 47.2053),
        (9.5010, 47.2062),
        (9.4990, 47.2062),
        (9.4990, 47.2053),
    ])
}

/// Issue 13: a point snapped onto a one-way edge within 0.5 m of its start vertex is searched
/// from the vertex itself, all its edges open: from 0.3 m east of node 1 on the one-way street
/// the bus reaches node 4 by West Street (556 m), not round by nodes 2 and 3 (4,180 m) as the
/// seeds along the snapped edge alone allowed.
#[test]
fn a_point_at_a_vertex_leaves_by_every_edge_of_the_vertex() {
    let extract = OsmExtract::from_pbf(format!(
        "{}/tests/fixtures/far_stop.osm.pbf",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    let at = |lon: f64, lat: f64| Coord { x: lon, y: lat };
    let snap = graph.snap(Mode::Bus, at(9.500004, 47.2), 10.0).unwrap();
    let node = |lon: f64, lat: f64| {
        VertexId(
            graph
                .vertices
                .iter()
                .position(|v| haversine_m(v.coord, at(lon, lat)) < 0.01)
                .unwrap() as u32,
        )
    };
    assert_eq!(snap.at_vertex(&graph), Some(node(9.5, 47.2)));
    let mut scratch = SearchScratch::new(&graph);
    let seeds = snap.seeds(&graph, false);
    bounded_search(
        graph.profile(Mode::Bus),
        Direction::Forward,
        &seeds,
        u32::MAX - 1,
        &mut scratch,
    );
    let bus_mps = 20.0 / 3.6;
    let want_s = haversine_m(at(9.5, 47.2), at(9.5, 47.205)) / bus_mps;
    let got_s = f64::from(scratch.time_ms(node(9.5, 47.205)).unwrap()) / 1000.0;
    assert!(
        (got_s - want_s).abs() < 1.0,
        "{got_s} s, want {want_s:.1} s"
    );
}

/// Issue 13: an OSM stop 906 m from the nearer end of its edge (farther than `osm_stop_m`,
/// 30 m, from both) is a stop: the worker at 9.5125, 22 m south of the one-way street, walks
/// 22 m + 38 m to it (no bus vertex is within 800 m of him); the bus leaves it forward along the
/// one-way street (1,359 m to node 2), then East and North Street to the gate, node 4: 4,180 m
/// in all, the morning run's length; the evening run comes back by West Street and along the
/// one-way street from node 1 (556 m + 906 m).
#[test]
fn an_osm_stop_far_from_both_ends_of_its_edge_is_served_at_its_point() {
    let options = small_search();
    let home = Coord {
        x: 9.5125,
        y: 47.1998,
    };
    let (graph, plan) = plan_on(
        "far_stop.osm.pbf",
        &north_west_park(),
        &[far_stop()],
        &[home],
        &options,
    );
    let on = |lon: f64, lat: f64| Coord { x: lon, y: lat };
    let walk_mps = graph.options.walk_kmh / 3.6;
    let bus_mps = 20.0 / 3.6;
    let rider = &plan.riders[0];
    let at = rider
        .stop
        .unwrap_or_else(|| panic!("rides the bus: {rider:?}"));
    assert_eq!(plan.stops[at.0 as usize].osm, Some(30));
    let walk_m =
        haversine_m(home, on(9.5125, 47.2)) + haversine_m(on(9.5125, 47.2), on(9.512, 47.2));
    let walk_s = f64::from(rider.walk_s.unwrap());
    assert!((walk_s - walk_m / walk_mps).abs() <= 2.0, "walk {walk_s} s");
    let morning_m = haversine_m(on(9.512, 47.2), on(9.53, 47.2))
        + haversine_m(on(9.53, 47.2), on(9.53, 47.205))
        + haversine_m(on(9.53, 47.205), on(9.5, 47.205));
    let ride_s = f64::from(rider.direct_ride_s.unwrap());
    let want_s = morning_m / bus_mps + options.dwell_min * 60.0;
    assert!(
        (ride_s - want_s).abs() <= 2.0,
        "ride {ride_s} s, want {want_s:.1} s"
    );
    assert_eq!(plan.vehicles.len(), 1);
    let vehicle = &plan.vehicles[0];
    let close_m = |got: f64, want: f64, what: &str| {
        assert!(
            (got - want).abs() <= 2.0,
            "{what}: {got:.1} m, want {want:.1} m"
        );
    };
    close_m(vehicle.morning.length_m, morning_m, "morning run");
    let evening_m =
        haversine_m(on(9.5, 47.205), on(9.5, 47.2)) + haversine_m(on(9.5, 47.2), on(9.512, 47.2));
    close_m(vehicle.evening.length_m, evening_m, "evening run");
    // The drawn path starts at the stop's point on the street, not at node 1 or 2.
    close_m(
        haversine_m(vehicle.morning.path[0], on(9.512, 47.2)),
        0.0,
        "path start",
    );
}

/// Issue 13: a line's path and its km run from the stop's own point on the edge, not from its
/// key vertex: on `bus.osm` (stops at 9.518 and 9.511 inside the edge 3–6, keyed to the
/// vertices 6 and 3) the bus calling at 9.518, then 9.511, then the gate at 9.500 drives
/// 1,360 m, not the 1,511 m from vertex 6 (9.520), and its path starts at 9.518.
#[test]
fn a_line_is_drawn_and_measured_from_its_stops_points() {
    let stop = |id: i64, lon: f64| BusStop {
        id: OsmNodeId(id),
        location: Coord {
            x: lon,
            y: 47.20002,
        },
        tags: Default::default(),
    };
    let options = LineOptions {
        osm_stop_m: 250.0,
        ..small_search()
    };
    let (_, plan) = plan_on(
        "bus.osm.pbf",
        &west_park(),
        &[stop(9001, 9.511), stop(9002, 9.518)],
        &[on_street(9.5185), on_street(9.5105)],
        &options,
    );
    let index = |osm: i64| plan.stops.iter().position(|s| s.osm == Some(osm)).unwrap() as u32;
    let (east, west) = (index(9002), index(9001));
    let run = plan
        .vehicles
        .iter()
        .map(|v| &v.morning)
        .find(|r| r.calls.len() == 3 && r.calls[0].stop.0 == east && r.calls[1].stop.0 == west)
        .expect("one bus calls at 9.518, 9.511, then the gate");
    let want_m = haversine_m(on_street(9.518), on_street(9.5));
    assert!(
        (run.length_m - want_m).abs() <= 2.0,
        "{:.1} m, want {want_m:.1} m",
        run.length_m
    );
    assert!(haversine_m(run.path[0], on_street(9.518)) < 2.0);
    assert!(haversine_m(*run.path.last().unwrap(), on_street(9.5)) < 0.5);
}

/// Issue 13: the synthetic sample's residents are those who can walk to a possible stop,
/// an OSM stop in the middle of an edge included: the home 22 m south of the one-way street
/// at 9.5125 reaches "Far Stop" (60 m) but no bus vertex within 800 m.
#[test]
fn a_resident_who_reaches_only_a_mid_edge_stop_is_servable() {
    let extract = OsmExtract::from_pbf(format!(
        "{}/tests/fixtures/far_stop.osm.pbf",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let graph = build_graph(&extract, &GraphOptions::default()).unwrap();
    let home = |lon: f64| Booking {
        location: Coord { x: lon, y: 47.1998 },
        park: ZoneId(0),
        arrive_by_s: 8 * 3600,
        count: 1,
        source: Source::File {
            path: "homes".into(),
            line: 2,
        },
    };
    // 9.5125: only the stop; 9.5250: node 2 (9.530) within 800 m.
    let residents = bookings_as_residents(&[home(9.5125), home(9.525)]);
    let options = LineOptions::default();
    let with_stop = servable_units(&graph, &residents, &[far_stop()], &options);
    assert_eq!(with_stop, vec![true, true]);
    let without = servable_units(&graph, &residents, &[], &options);
    assert_eq!(without, vec![false, true]);
}
