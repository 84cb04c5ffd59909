//! Issue 14, the what-if engine (`lifecircle::whatif`) on the embedded demo: every edit's
//! figures equal a fresh computation on the edited inputs (and a fresh `plan` of the saved
//! scenario), undo and redo restore the exact figures, and bad edits name their field and
//! change nothing.

use std::sync::OnceLock;

use lifecircle::coverage::{CoverageReport, compute_coverage};
use lifecircle::plan::{PlanRun, Quiet, coverage_options, run_plan};
use lifecircle::scenario::Scenario;
use lifecircle::whatif::{Edit, Session, Summary};

fn demo_scenario() -> Scenario {
    let mut s = Scenario::default();
    s.bus.enabled = false;
    s
}

fn session() -> Session {
    let run = run_plan(&demo_scenario(), &Quiet).unwrap();
    Session::new(run, lifecircle::lang::Lang::En).unwrap()
}

/// An unedited [`session`], planned once for the tests that only read it.
fn baseline() -> &'static Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION.get_or_init(session)
}

/// Every figure of a coverage report that the summary, the files and the report show.
fn coverage_figures(r: &CoverageReport) -> Vec<String> {
    let mut out = vec![format!("{:?}", r.amenities_per_category)];
    for z in &r.zones {
        out.push(format!(
            "{:?} access {:?} share {}",
            z.zone, z.access, z.life_circle_share
        ));
        for c in &z.categories {
            out.push(format!("{:?} {c:?}", z.zone));
        }
        out.push(format!("{:?} times {:?}", z.zone, z.point_times_ms));
    }
    out.push(format!("unreachable {:?}", r.unreachable_zones));
    out
}

/// The session's life circle against `compute_coverage` on the session's own inputs.
fn assert_coverage_fresh(s: &Session) {
    let run: &PlanRun = s.run();
    let lc = run.life_circle.as_ref().unwrap();
    let fresh = compute_coverage(
        &run.graph,
        &lc.zones,
        &lc.amenities,
        &lc.profile,
        &coverage_options(&run.scenario),
    );
    assert_eq!(coverage_figures(&lc.report), coverage_figures(&fresh));
}

/// The figures of a summary, without version, timings and history.
fn figures(s: &Summary) -> String {
    serde_json::to_string(&s.parks).unwrap()
}

/// A point in the middle of park P1 and a category it lacks somewhere.
fn gap_of(s: &Session) -> (f64, f64, String) {
    let run = s.run();
    let lc = run.life_circle.as_ref().unwrap();
    for z in &lc.report.zones {
        for c in &z.categories {
            if c.covered_share < 1.0 && lc.profile.categories[c.category].required {
                let (i, _) = z
                    .covered
                    .iter()
                    .enumerate()
                    .find(|(_, row)| !row[c.category])
                    .unwrap();
                let p = z.eval[i].location;
                return (p.x, p.y, lc.profile.categories[c.category].id.clone());
            }
        }
    }
    panic!("the demo has no gap");
}

#[test]
fn facility_edits_equal_a_fresh_life_circle() {
    let mut s = session();
    let before = s.summary();
    let (lon, lat, category) = gap_of(&s);
    let after = s
        .apply(Edit::AddFacility {
            lon,
            lat,
            category: category.clone(),
        })
        .unwrap();
    assert_ne!(
        figures(&before),
        figures(&after),
        "the new facility changes a share"
    );
    assert!(!after.changed_parks.is_empty());
    assert_coverage_fresh(&s);
    let new_id = s.facility_ids().last().unwrap().clone();
    s.apply(Edit::MoveFacility {
        id: new_id.clone(),
        lon: lon + 0.001,
        lat,
    })
    .unwrap();
    assert_coverage_fresh(&s);
    // An OSM facility of the same category moved, another deleted.
    let lc = s.run().life_circle.as_ref().unwrap();
    let c = lc
        .profile
        .categories
        .iter()
        .position(|x| x.id == category)
        .unwrap();
    let same: Vec<usize> = (0..lc.amenities.len())
        .filter(|&i| lc.amenities[i].category == c)
        .collect();
    let (first, loc) = (
        s.facility_ids()[same[0]].clone(),
        lc.amenities[same[0]].location,
    );
    s.apply(Edit::MoveFacility {
        id: first.clone(),
        lon: loc.x + 0.002,
        lat: loc.y - 0.001,
    })
    .unwrap();
    assert_coverage_fresh(&s);
    s.apply(Edit::DeleteFacility { id: first }).unwrap();
    assert_coverage_fresh(&s);
    s.apply(Edit::DeleteFacility { id: new_id }).unwrap();
    assert_coverage_fresh(&s);
}

#[test]
fn undo_and_redo_restore_the_exact_figures() {
    let mut s = session();
    let base = figures(&s.summary());
    let (lon, lat, category) = gap_of(&s);
    let one = figures(&s.apply(Edit::AddFacility { lon, lat, category }).unwrap());
    let p1 = s.run().parks.as_ref().unwrap().zones[0].clone();
    let c = geo::InteriorPoint::interior_point(&p1.polygon).unwrap().0;
    let two = figures(
        &s.apply(Edit::AddGate {
            park: p1.code.clone(),
            lon: c.x,
            lat: c.y,
        })
        .unwrap(),
    );
    assert_ne!(
        one, two,
        "a single gate in the middle changes the park's figures"
    );
    let u = s.undo();
    assert_eq!(figures(&u), one);
    assert!(u.can_redo && u.can_undo);
    assert_eq!(figures(&s.undo()), base);
    assert!(!s.summary().can_undo);
    assert_eq!(figures(&s.redo()), one);
    assert_eq!(figures(&s.redo()), two);
    assert_coverage_fresh(&s);
    // A new edit clears the redo stack.
    s.undo();
    let id = s.facility_ids().last().unwrap().clone();
    let after = s.apply(Edit::DeleteFacility { id }).unwrap();
    assert!(!after.can_redo);
    assert_eq!(figures(&after), base);
}

#[test]
fn bad_edits_name_their_field_and_change_nothing() {
    let mut s = session();
    let before = s.summary();
    let layers = s.layers(None);
    let (lon, lat, category) = gap_of(&s);
    let cases: Vec<(Edit, &str)> = vec![
        (
            Edit::AddFacility {
                lon,
                lat,
                category: "casino".into(),
            },
            "category",
        ),
        (
            Edit::AddFacility {
                lon: f64::NAN,
                lat,
                category: category.clone(),
            },
            "lon",
        ),
        (
            Edit::AddFacility {
                lon,
                lat: 80.0,
                category: category.clone(),
            },
            "lat",
        ),
        (
            Edit::MoveFacility {
                id: "F999999".into(),
                lon,
                lat,
            },
            "id",
        ),
        (Edit::DeleteFacility { id: "nope".into() }, "id"),
        (Edit::DeleteGate { id: "G1".into() }, "id"),
        (
            Edit::AddGate {
                park: "P999".into(),
                lon,
                lat,
            },
            "park",
        ),
        (
            Edit::SetOutline {
                park: "P1".into(),
                ring: vec![[lon, lat], [lon + 0.001, lat]],
            },
            "ring",
        ),
        (
            Edit::AddPark {
                name: "x".into(),
                ring: vec![[lon, lat], [lon + 0.001, lat], [lon, 91.0]],
            },
            "ring",
        ),
    ];
    for (edit, field) in cases {
        let err = s.apply(edit.clone()).unwrap_err();
        assert_eq!(err.field(), Some(field), "{edit:?}: {err}");
        assert!(!err.to_string().is_empty());
    }
    assert_eq!(s.summary(), before);
    assert_eq!(s.layers(None), layers);
}

#[test]
fn layers_hold_every_kind() {
    let s = baseline();
    let l = s.layers(None);
    for key in ["parks", "facilities", "bands", "reach"] {
        let n = l[key]["features"].as_array().unwrap().len();
        assert!(n > 0, "{key} is empty");
    }
    let one = s.layers(Some("P1"));
    assert!(
        one["bands"]["features"].as_array().unwrap().len()
            < l["bands"]["features"].as_array().unwrap().len()
            || s.run().parks.as_ref().unwrap().zones.len() == 1
    );
    let parks = s.summary().parks;
    assert!(
        parks
            .iter()
            .all(|p| p.life_circle_share == p.baseline_life_circle_share)
    );
}

/// Every figure of a commute circle: per park and mode the residents within the target and
/// the median, and per mode and resident unit the time to the nearest park.
fn commute_figures(c: &lifecircle::plan::Commute) -> Vec<String> {
    let mut out: Vec<String> = c
        .report
        .parks
        .iter()
        .flat_map(|p| {
            p.modes.iter().map(move |m| {
                format!(
                    "{:?} {:?} {} {:?}",
                    p.zone, m.mode, m.residents_within_target, m.residents_within
                )
            })
        })
        .collect();
    for (m, times) in c.report.nearest_park_ms.iter().enumerate() {
        out.push(format!("nearest {m}: {times:?}"));
    }
    out
}

/// A ring around `c`, `d` degrees across.
fn square(c: geo::Coord, d: f64) -> Vec<[f64; 2]> {
    vec![
        [c.x - d, c.y - d],
        [c.x + d, c.y - d],
        [c.x + d, c.y + d],
        [c.x - d, c.y + d],
    ]
}

#[test]
fn saved_scenario_reproduces_the_figures_under_plan() {
    use lifecircle::whatif::summary::figures as run_figures;
    let mut s = session();
    let (lon, lat, category) = gap_of(&s);
    s.apply(Edit::AddFacility {
        lon,
        lat,
        category: category.clone(),
    })
    .unwrap();
    let ids = s.facility_ids().to_vec();
    let loc = s.run().life_circle.as_ref().unwrap().amenities[0].location;
    s.apply(Edit::MoveFacility {
        id: ids[0].clone(),
        lon: loc.x + 0.0007,
        lat: loc.y,
    })
    .unwrap();
    s.apply(Edit::DeleteFacility { id: ids[1].clone() })
        .unwrap();
    let zones = s.run().parks.as_ref().unwrap().zones.clone();
    let inside =
        |z: &lifecircle::places::Zone| geo::InteriorPoint::interior_point(&z.polygon).unwrap().0;
    let c1 = inside(&zones[0]);
    s.apply(Edit::AddGate {
        park: zones[0].code.clone(),
        lon: c1.x,
        lat: c1.y,
    })
    .unwrap();
    let last = zones.last().unwrap();
    s.apply(Edit::SetOutline {
        park: last.code.clone(),
        ring: square(inside(last), 0.002),
    })
    .unwrap();
    s.apply(Edit::AddPark {
        name: "East canteen park".into(),
        ring: square(c1, 0.003),
    })
    .unwrap();
    let after = run_figures(s.run());
    let base = baseline().run();
    assert_ne!(after, run_figures(base));

    let files = s.scenario_files("east-canteen").unwrap();
    let dir = tempfile::tempdir().unwrap();
    for f in &files {
        std::fs::write(dir.path().join(&f.name), &f.bytes).unwrap();
    }
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["facilities.csv", "parks.geojson", "scenario.toml"]);
    let saved = Scenario::load(&dir.path().join("scenario.toml")).unwrap();
    let fresh = run_plan(&saved, &Quiet).unwrap();
    let lc = fresh.life_circle.as_ref().unwrap();
    assert!(lc.warnings.is_empty(), "{:?}", lc.warnings);
    assert_eq!(run_figures(&fresh), after);
    assert_eq!(
        coverage_figures(&lc.report),
        coverage_figures(&s.run().life_circle.as_ref().unwrap().report)
    );
    // Every park's commute circle and every resident's minutes to the nearest park (the
    // living areas' figures), after an outline edit and a new park over another.
    let nearest = |run: &PlanRun| run.commute.as_ref().unwrap().report.nearest_park_ms.clone();
    assert_ne!(
        nearest(&fresh),
        nearest(base),
        "the edits change a nearest park"
    );
    // Edits leave the minutes they cannot settle from one park pending: the export settles.
    s.settle_nearest();
    assert_eq!(
        commute_figures(fresh.commute.as_ref().unwrap()),
        commute_figures(s.run().commute.as_ref().unwrap())
    );
    assert!(s.scenario_files("../up").unwrap_err().field() == Some("name"));
}

// ---- Bus stops ----------------------------------------------------------------------------

/// A session on the demo with the bus lines planned.
fn bus_session() -> Session {
    let run = run_plan(&Scenario::default(), &Quiet).unwrap();
    assert!(run.bus.is_ok(), "the demo plans bus lines");
    Session::new(run, lifecircle::lang::Lang::En).unwrap()
}

/// Per park: (workers, who can walk to a stop).
fn stop_reach(s: &Summary) -> Vec<(String, u32, u32)> {
    let bus = s.bus.as_ref().expect("summary.bus");
    bus.parks
        .iter()
        .map(|p| (p.park.clone(), p.workers, p.stop_reach))
        .collect()
}

/// The stops' ids and places.
fn stop_places(s: &Session) -> Vec<(String, f64, f64)> {
    s.bus_stops()
        .iter()
        .map(|st| (st.code.clone(), st.location.x, st.location.y))
        .collect()
}

#[test]
fn stop_edits_answer_exact_walk_figures_and_undo() {
    let mut s = bus_session();
    let base = s.summary();
    let base_reach = stop_reach(&base);
    let stops = stop_places(&s);
    assert!(!stops.is_empty());
    assert!(base.bus.as_ref().unwrap().stale_lines.is_empty());
    assert!(stops.iter().all(|st| st.0.starts_with('S')), "{stops:?}");
    // The baseline: every worker the plan carries boards at a stop within walking distance.
    let bus = s.run().bus.as_ref().unwrap();
    for (park, _, reach) in &base_reach {
        let z = s.run().parks.as_ref().unwrap().find(park).unwrap().id;
        let boarding: u32 = bus
            .plan
            .riders
            .iter()
            .filter(|r| r.park == z && r.stop.is_some() && !r.on_foot)
            .map(|r| r.count)
            .sum();
        assert!(*reach >= boarding, "{park}: {reach} < {boarding}");
    }
    // Delete every stop: nobody can walk to one; each delete under 100 ms.
    for (id, _, _) in &stops {
        let after = s.apply(Edit::DeleteStop { id: id.clone() }).unwrap();
        assert!(after.elapsed_ms < 100.0, "{} ms", after.elapsed_ms);
    }
    let none = s.summary();
    assert!(stop_reach(&none).iter().all(|p| p.2 == 0), "{none:?}");
    assert_eq!(none.bus.as_ref().unwrap().stops, 0);
    let stale = &none.bus.as_ref().unwrap().stale_lines;
    let lines = s.run().bus.as_ref().unwrap().plan.lines.len();
    assert_eq!(stale.len(), lines, "every line lost its stops: {stale:?}");
    let layers = s.layers(None);
    assert!(
        layers["bus_lines"]["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["stale"] == true)
    );
    assert!(
        layers["bus_stops"]["features"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Adding them back where they stood gives the baseline figures exactly.
    for (_, lon, lat) in &stops {
        s.apply(Edit::AddStop {
            line: None,
            lon: *lon,
            lat: *lat,
        })
        .unwrap();
    }
    assert_eq!(stop_reach(&s.summary()), base_reach);
    // Undo everything: the baseline, stale marks gone; redo one delete: its figures again.
    for _ in 0..2 * stops.len() {
        s.undo();
    }
    let back = s.summary();
    assert_eq!(back.bus, base.bus);
    assert_eq!(stop_places(&s), stops);
    let one = s.redo();
    assert_eq!(one.bus.as_ref().unwrap().stops, stops.len() - 1);
    assert!(
        stop_reach(&one)
            .iter()
            .zip(&base_reach)
            .all(|(a, b)| a.2 <= b.2)
    );
}

#[test]
fn bad_stop_edits_name_their_field_and_change_nothing() {
    let mut s = bus_session();
    let before = s.summary();
    let layers = s.layers(None);
    let stops = stop_places(&s);
    let (_, lon, lat) = stops[0].clone();
    let lines = s.run().bus.as_ref().unwrap().plan.lines.len();
    assert!(lines > 0);
    // A point of the region no bus road passes within the stop snapping distance.
    let run = s.run();
    let options = &run.bus.as_ref().unwrap().plan.options;
    let [w, so, e, n] = run.extract.bbox;
    let off_road = (1..20)
        .flat_map(|i| (1..20).map(move |j| (i, j)))
        .map(|(i, j)| geo::Coord {
            x: w + (e - w) * f64::from(i) / 20.0,
            y: so + (n - so) * f64::from(j) / 20.0,
        })
        .find(|&c| lifecircle::whatif::stops::snap_stop(&run.graph, c, options).is_none())
        .expect("a point off the bus roads");
    let mut cases: Vec<(Edit, &str)> = vec![
        (
            Edit::AddStop {
                line: None,
                lon: f64::NAN,
                lat,
            },
            "lon",
        ),
        (
            Edit::AddStop {
                line: None,
                lon,
                lat: 89.0,
            },
            "lat",
        ),
        (
            Edit::AddStop {
                line: Some("L999".into()),
                lon,
                lat,
            },
            "line",
        ),
        // Where stop S1 already boards.
        (
            Edit::AddStop {
                line: None,
                lon,
                lat,
            },
            "lon",
        ),
        (
            Edit::MoveStop {
                id: "S99999".into(),
                lon,
                lat,
            },
            "id",
        ),
        (Edit::DeleteStop { id: "G1".into() }, "id"),
    ];
    if let Some((id, _, _)) = stops.get(1).cloned() {
        cases.push((Edit::MoveStop { id, lon, lat }, "lon"));
    }
    cases.push((
        Edit::AddStop {
            line: None,
            lon: off_road.x,
            lat: off_road.y,
        },
        "lon",
    ));
    for (edit, field) in cases {
        let err = s.apply(edit.clone()).unwrap_err();
        assert_eq!(err.field(), Some(field), "{edit:?}: {err}");
    }
    assert_eq!(s.summary(), before);
    assert_eq!(s.layers(None), layers);
}

/// Records the re-plan's progress.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<f64>>);

impl lifecircle::drt::lines::LineProgress for Recorder {
    fn progress(&self, share: f64, _step: &str) {
        self.0.lock().unwrap().push(share);
    }
}

/// The bus KPIs a saved scenario must reproduce.
fn bus_kpis(run: &PlanRun) -> (u32, String, usize, usize, Vec<String>) {
    let plan = &run.bus.as_ref().unwrap().plan;
    let k = &plan.kpis;
    let stops = plan.stops.iter().map(|s| s.code.clone()).collect();
    (
        k.served,
        format!("{:.9}", k.within_target_share),
        k.vehicles,
        k.lines,
        stops,
    )
}

#[test]
fn replanned_stops_are_saved_and_reproduced_by_plan() {
    let mut s = bus_session();
    let base = bus_kpis(s.run());
    let stops = stop_places(&s);
    assert!(stops.len() >= 3, "{stops:?}");
    let line = s.run().bus.as_ref().unwrap().plan.lines[0].code.clone();
    s.apply(Edit::DeleteStop {
        id: stops[0].0.clone(),
    })
    .unwrap();
    s.apply(Edit::DeleteStop {
        id: stops[2].0.clone(),
    })
    .unwrap();
    s.apply(Edit::MoveStop {
        id: stops[1].0.clone(),
        lon: stops[0].1,
        lat: stops[0].2,
    })
    .unwrap();
    let added = s
        .apply(Edit::AddStop {
            line: Some(line.clone()),
            lon: stops[2].1,
            lat: stops[2].2,
        })
        .unwrap();
    assert!(!added.bus.as_ref().unwrap().stale_lines.is_empty());
    let new_code = s.bus_stops().last().unwrap().code.clone();
    assert_eq!(
        s.layers(None)["bus_stops"]["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["id"] == new_code.as_str())
            .unwrap()["properties"]["line"],
        line.as_str()
    );

    let progress = Recorder::default();
    let after = s.replan_lines(&progress).unwrap();
    let shares = progress.0.lock().unwrap().clone();
    assert!(shares.len() > 2, "{shares:?}");
    assert!(shares.windows(2).all(|w| w[0] <= w[1]), "{shares:?}");
    assert!(shares.iter().all(|x| (0.0..=1.0).contains(x)));
    let bus = after.bus.as_ref().unwrap();
    assert!(bus.stale_lines.is_empty(), "{bus:?}");
    let now = bus_kpis(s.run());
    assert_eq!(bus.served, now.0);
    assert_eq!(bus.baseline_served, base.0);
    // The lines board only at the session's stops (and the gates).
    let codes: Vec<String> = s.bus_stops().iter().map(|st| st.code.clone()).collect();
    let plan = &s.run().bus.as_ref().unwrap().plan;
    for st in plan.stops.iter().filter(|st| st.gate_of.is_none()) {
        assert!(codes.contains(&st.code), "{} not among {codes:?}", st.code);
    }
    assert!(!now.4.contains(&stops[0].0), "{:?}", now.4);

    let files = s.scenario_files("stops-edited").unwrap();
    let dir = tempfile::tempdir().unwrap();
    for f in &files {
        std::fs::write(dir.path().join(&f.name), &f.bytes).unwrap();
    }
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"stops.csv"), "{names:?}");
    let toml = std::fs::read_to_string(dir.path().join("scenario.toml")).unwrap();
    assert!(toml.contains("stops = \"stops.csv\""), "{toml}");
    let saved = Scenario::load(&dir.path().join("scenario.toml")).unwrap();
    let fresh = run_plan(&saved, &Quiet).unwrap();
    assert_eq!(bus_kpis(&fresh), now);

    // Undo the re-plan: the old lines, the edited stops, stale again.
    let undone = s.undo();
    assert_eq!(bus_kpis(s.run()), base);
    assert!(!undone.bus.as_ref().unwrap().stale_lines.is_empty());
    assert_eq!(s.bus_stops().len(), stops.len() - 1);
}

/// A point of the region farther than the gate snapping radius from any way open to walking.
fn off_network_point(s: &Session) -> geo::Coord {
    let run = s.run();
    let [w, so, e, n] = run.extract.bbox;
    let max_m = lifecircle::graph::snap::DEFAULT_MAX_SNAP_M;
    (0..=40)
        .flat_map(|i| (0..=40).map(move |j| (i, j)))
        .map(|(i, j)| geo::Coord {
            x: w + (e - w) * f64::from(i) / 40.0,
            y: so + (n - so) * f64::from(j) / 40.0,
        })
        .find(|&c| {
            run.graph
                .snap(lifecircle::graph::Mode::Walk, c, max_m)
                .is_err()
        })
        .expect("the demo region has a spot far from any footway")
}

#[test]
fn a_gate_off_the_walk_network_is_refused_naming_lon() {
    let mut s = session();
    let before = s.summary();
    let layers = s.layers(None);
    let far = off_network_point(&s);
    let park = s.run().parks.as_ref().unwrap().zones[0].code.clone();
    let err = s
        .apply(Edit::AddGate {
            park,
            lon: far.x,
            lat: far.y,
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("lon"), "{err}");
    assert!(err.to_string().contains("footway"), "{err}");
    // An existing gate moved there is refused the same way (after adding one on the network).
    let p1 = s.run().parks.as_ref().unwrap().zones[0].clone();
    let c = geo::InteriorPoint::interior_point(&p1.polygon).unwrap().0;
    s.apply(Edit::AddGate {
        park: p1.code.clone(),
        lon: c.x,
        lat: c.y,
    })
    .unwrap();
    let with_gate = s.summary();
    let gate = s.gate_ids(0).last().unwrap().clone();
    let err = s
        .apply(Edit::MoveGate {
            id: gate,
            lon: far.x,
            lat: far.y,
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("lon"), "{err}");
    assert_eq!(s.summary(), with_gate);
    s.undo();
    assert_eq!(figures(&s.summary()), figures(&before));
    assert_eq!(s.layers(None), layers);
}

/// Issue 14: lines planned (the long part a server runs beside reads) and then an edit: they
/// are lines of another scenario, so putting them in place is refused and changes nothing; a
/// language switch between is not an edit.
#[test]
fn lines_planned_before_an_edit_are_refused() {
    let mut s = bus_session();
    let stops = stop_places(&s);
    let planned = s.plan_lines(&Recorder::default()).unwrap();
    s.apply(Edit::DeleteStop {
        id: stops[0].0.clone(),
    })
    .unwrap();
    let before = figures(&s.summary());
    let stale = s.summary().bus.unwrap().stale_lines;
    assert!(!stale.is_empty());
    let refused = s.take_lines(planned).unwrap_err();
    assert!(refused.to_string().contains("re-plan"), "{refused}");
    assert_eq!(figures(&s.summary()), before);
    assert_eq!(s.summary().bus.unwrap().stale_lines, stale);

    let planned = s.plan_lines(&Recorder::default()).unwrap();
    s.set_lang(lifecircle::lang::Lang::Zh);
    let taken = s.take_lines(planned).unwrap();
    assert!(taken.bus.unwrap().stale_lines.is_empty());
    assert!(taken.can_undo);
}
