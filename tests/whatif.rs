//! Issue 14, the what-if engine (`lifecircle::whatif`) on the embedded demo: every edit's
//! figures equal a fresh computation on the edited inputs (and a fresh `plan` of the saved
//! scenario), undo and redo restore the exact figures, and bad edits name their field and
//! change nothing.

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
    let s = session();
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
    let base = run_plan(&demo_scenario(), &Quiet).unwrap();
    assert_ne!(after, run_figures(&base));

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
        nearest(&base),
        "the edits change a nearest park"
    );
    assert_eq!(
        commute_figures(fresh.commute.as_ref().unwrap()),
        commute_figures(s.run().commute.as_ref().unwrap())
    );
    assert!(s.scenario_files("../up").unwrap_err().field() == Some("name"));
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
