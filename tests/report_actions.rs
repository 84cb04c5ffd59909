//! Issue 12, "What to do, per park" and "Maps a reader can place", on the embedded demo: the
//! action list (numbered sites named from OSM, each lifting its category by at least the
//! threshold), the life-circle table's "after the new sites" column checked against a rerun
//! of the coverage stage with the sites built, the verdict line, and the map labels (present,
//! from the extract, not overlapping).

use std::sync::OnceLock;

use lifecircle::coverage::{CoverageOptions, compute_coverage};
use lifecircle::places::{Amenity, AmenityId, Source};
use lifecircle::plan::{PlanRun, Quiet, run_plan};
use lifecircle::report::html::{Lang, report_html};
use lifecircle::scenario::Scenario;

/// The demo with the life circle only (the other stages are not needed here), planned once
/// for the tests that read it.
fn demo_run() -> &'static PlanRun {
    static RUN: OnceLock<PlanRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let mut s = Scenario::default();
        s.commute.enabled = false;
        s.bus.enabled = false;
        run_plan(&s, &Quiet).unwrap()
    })
}

/// The park sections of a report, as (code, html).
fn sections(html: &str) -> Vec<(String, &str)> {
    html.split("<section class=\"park\" id=\"")
        .skip(1)
        .map(|s| {
            let code = s.split('"').next().unwrap().to_string();
            (code, s.split("</section>").next().unwrap())
        })
        .collect()
}

/// The text of every `<li>` of the section's action list.
fn actions(section: &str) -> Vec<String> {
    let Some(list) = section.split("<ol class=\"actions\">").nth(1) else {
        return Vec::new();
    };
    let list = list.split("</ol>").next().unwrap();
    list.split("<li")
        .skip(1)
        .map(|li| {
            li.split('>')
                .nth(1)
                .unwrap()
                .split("</li")
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// "71% → 100%" at the end of an action → (71, 100).
fn gain(action: &str) -> (f64, f64) {
    let tail = action.rsplit(' ').take(3).collect::<Vec<_>>();
    let p = |s: &str| s.trim_end_matches('%').parse::<f64>().unwrap();
    (p(tail[2]), p(tail[0]))
}

#[test]
fn sites_are_numbered_named_and_each_worth_the_threshold() {
    let run = demo_run();
    let lc = run.life_circle.as_ref().unwrap();
    let html = report_html(run, Lang::Zh);
    let secs = sections(&html);
    assert!(!secs.is_empty());
    let mut listed = 0;
    for (code, sec) in &secs {
        let list = actions(sec);
        for (i, a) in list.iter().enumerate() {
            let number = char::from_u32(0x2460 + i as u32).unwrap();
            assert!(a.starts_with(&format!("{number} 新增")), "{code}: {a}");
            // Named from OSM: a crossing, a street or a place, not bare coordinates.
            assert!(
                a.contains("交叉口") || a.contains("旁") || a.contains("附近"),
                "{code}: {a}"
            );
            let (before, after) = gain(a);
            assert!(after - before >= 5.0 - 0.5, "{code}: {a}");
            // The same number on the map.
            assert!(sec.contains("<g class=\"marker\">"), "{code}: no marker");
        }
        listed += list.len();
    }
    assert!(
        listed > 0,
        "the demo's parks have gaps, so some sites are proposed"
    );
    // Every site of the coverage stage lifts its category by at least 5 points; without the
    // threshold some would not.
    let n_sites: usize = lc
        .report
        .zones
        .iter()
        .flat_map(|z| z.categories.iter().map(move |c| (z, c)))
        .map(|(z, c)| {
            let mut before = c.covered_share;
            for s in &c.sites {
                assert!(100.0 * (s.share_after - before) >= 5.0 - 1e-9);
                assert!(100.0 * s.adds_points as f64 / z.eval.len() as f64 >= 5.0 - 1e-9);
                before = s.share_after;
            }
            c.sites.len()
        })
        .sum();
    let all = CoverageOptions {
        min_site_gain_points: 0.0,
        band_minutes: vec![15.0],
        ..CoverageOptions::default()
    };
    let unfiltered = compute_coverage(&run.graph, &lc.zones, &lc.amenities, &lc.profile, &all);
    let n_all: usize = unfiltered
        .zones
        .iter()
        .flat_map(|z| &z.categories)
        .map(|c| c.sites.len())
        .sum();
    assert!(n_all >= n_sites, "{n_all} < {n_sites}");
}

#[test]
fn the_after_column_equals_a_rerun_with_the_sites_built() {
    let run = demo_run();
    let lc = run.life_circle.as_ref().unwrap();
    let html = report_html(run, Lang::En);
    let secs = sections(&html);
    let options = CoverageOptions {
        band_minutes: vec![15.0],
        sites: 0,
        ..CoverageOptions::default()
    };
    let mut checked = 0;
    for (code, sec) in &secs {
        let zone = lc.zones.zones.iter().find(|z| &z.code == code).unwrap();
        let zc = lc.report.zones.iter().find(|z| z.zone == zone.id).unwrap();
        assert!(
            sec.contains("<th class=\"after\">After the new sites</th>"),
            "{code}"
        );
        // The park's sites, built as amenities of their categories.
        let mut amenities = lc.amenities.clone();
        for c in &zc.categories {
            for s in &c.sites {
                amenities.push(Amenity {
                    id: AmenityId(amenities.len() as u32),
                    category: c.category,
                    name: None,
                    location: s.location,
                    source: Source::Osm(Vec::new()),
                });
            }
        }
        let rerun = compute_coverage(&run.graph, &lc.zones, &amenities, &lc.profile, &options);
        let z = rerun.zones.iter().find(|z| z.zone == zone.id).unwrap();
        let total = sec.split("Every required category").nth(1).unwrap();
        let after_cell = total.split("<td class=\"after\"><b>").nth(1).unwrap();
        let after: f64 = after_cell.split('%').next().unwrap().parse().unwrap();
        assert!(
            (after - 100.0 * z.life_circle_share).abs() <= 0.5,
            "{code}: the table says {after}% after the new sites, a rerun with them built gives {:.1}%",
            100.0 * z.life_circle_share
        );
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn every_park_has_one_verdict_line_with_a_reason() {
    let run = demo_run();
    for (lang, words) in [
        (Lang::Zh, ["达标", "基本达标", "不达标"]),
        (
            Lang::En,
            [
                "Meets the standard",
                "Largely meets the standard",
                "Does not meet the standard",
            ],
        ),
    ] {
        let html = report_html(run, lang);
        for (code, sec) in sections(&html) {
            assert_eq!(sec.matches("<p class=\"verdict\">").count(), 1, "{code}");
            let line = sec.split("<p class=\"verdict\">").nth(1).unwrap();
            let line = line.split("</p>").next().unwrap();
            assert!(
                words.iter().any(|w| line.contains(&format!(">{w}</span>"))),
                "{code}: {line}"
            );
            let reason = line.split(" — ").nth(1).unwrap_or("");
            assert!(reason.chars().count() > 5, "{code}: {line}");
        }
    }
}

/// A conservative (small) box of a label: latin characters 0.5 em, others 0.9 em, 0.9 em
/// high, rotated.
fn label_box(x: f64, y: f64, angle: f64, font: f64, text: &str) -> [f64; 4] {
    let w: f64 = text
        .chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 0.9 })
        .sum::<f64>()
        * font;
    let h = 0.9 * font;
    let (s, c) = angle.to_radians().sin_cos();
    let hx = (w / 2.0 * c).abs() + (h / 2.0 * s).abs();
    let hy = (w / 2.0 * s).abs() + (h / 2.0 * c).abs();
    [x - hx, y - hy, x + hx, y + hy]
}

fn attr(el: &str, name: &str) -> Option<f64> {
    el.split(&format!(" {name}=\""))
        .nth(1)?
        .split('"')
        .next()?
        .parse()
        .ok()
}

#[test]
fn maps_have_street_place_and_park_labels_that_do_not_overlap() {
    let run = demo_run();
    let html = report_html(run, Lang::En);
    let mut streets = 0;
    for (code, sec) in sections(&html) {
        let map = sec.split("<svg class=\"map\"").nth(1).unwrap();
        let map = map.split("</svg>").next().unwrap();
        let mut boxes = Vec::new();
        for el in map.split("<text class=\"label ").skip(1) {
            let text = el
                .split('>')
                .nth(1)
                .unwrap()
                .split("</text")
                .next()
                .unwrap();
            let angle = el
                .split("rotate(")
                .nth(1)
                .and_then(|r| r.split(' ').next())
                .map_or(0.0, |a| a.parse().unwrap());
            let (x, y, f) = (
                attr(el, "x").unwrap(),
                attr(el, "y").unwrap(),
                attr(el, "font-size").unwrap(),
            );
            streets += usize::from(el.starts_with("label-street"));
            boxes.push((text.to_string(), label_box(x, y, angle, f, text)));
        }
        assert!(
            map.contains(&format!(
                "\">{}</text>",
                run.parks
                    .as_ref()
                    .unwrap()
                    .zones
                    .iter()
                    .find(|z| z.code == code)
                    .unwrap()
                    .name
            )),
            "{code}: the park's own name is on its map"
        );
        for (i, (ta, a)) in boxes.iter().enumerate() {
            for (tb, b) in &boxes[i + 1..] {
                let meet = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
                assert!(
                    !meet,
                    "{code}: labels {ta:?} {a:?} and {tb:?} {b:?} overlap"
                );
            }
        }
    }
    assert!(streets > 0, "street names along the roads");
    assert!(html.contains("label label-place"), "place names (place=*)");
    assert!(
        html.contains(">Industriestrasse</text>"),
        "a demo street by name"
    );
}

#[test]
fn commute_outlines_are_behind_a_toggle_and_categories_differ_by_shape() {
    let mut s = Scenario::default();
    s.bus.enabled = false;
    let run = run_plan(&s, &Quiet).unwrap();
    let html = report_html(&run, Lang::En);
    let (_, sec) = sections(&html).into_iter().next().unwrap();
    let reach = sec.split("data-layer=\"commute-reach\"").nth(1).unwrap();
    let subs = reach.matches("<g class=\"sublayer\"").count();
    assert!(subs >= 5, "one outline per mode");
    assert!(
        reach
            .split("</svg>")
            .next()
            .unwrap()
            .matches("style=\"display:none\"")
            .count()
            >= 5
    );
    assert!(sec.contains("class=\"legend-item sub off\" data-layer=\"commute-reach\""));
    // Amenity categories: at least three different symbols in the legend.
    let legend = sec.split("<div class=\"legend\">").nth(1).unwrap();
    let amenity_entries: Vec<&str> = legend
        .split("data-layer=\"amenities\" data-sublayer=")
        .skip(1)
        .collect();
    let circles = amenity_entries
        .iter()
        .filter(|e| e.contains("<circle"))
        .count();
    assert!(
        amenity_entries.len() >= 3 && circles < amenity_entries.len(),
        "{amenity_entries:?}"
    );
}
