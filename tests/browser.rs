//! The `plan` report in a real browser: Debian's chromium driven by chromedriver over W3C
//! WebDriver. The report must load without console errors, have every park section with its
//! map layers, legend and tables (or the no-parks section), the OpenStreetMap attribution, load
//! nothing but itself, and draw something: the screenshot is not blank.
//!
//! Skipped with a printed reason when `/usr/bin/chromium` or `/usr/bin/chromedriver` is
//! missing, except under `CI`, where `.ci/run` installs both and a skip would hide a failure.
//! Every HTTP call has a timeout, so a hung browser fails the test instead of hanging it.
//!
//! To check any report by hand:
//! `LIFECIRCLE_REPORT=path/to/report.html cargo test --test browser -- --ignored`.
#![cfg(unix)] // Debian's chromium; and the driver's process group is ended with `libc::kill`.

#[allow(dead_code)] // the shared folder only
#[path = "common/run.rs"]
mod run;
#[path = "common/webdriver.rs"]
mod webdriver;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use serde_json::{Value, json};
use webdriver::{Browser, browser_missing};

/// The map layers every park section draws, as `<g class="layer" data-layer="KEY">`.
const LAYERS: [&str; 9] = [
    "roads",
    "park",
    "walk-bands",
    "amenities",
    "gaps",
    "sites",
    "commute-reach",
    "bus-lines",
    "bus-stops",
];

/// The tables every park section has, as `table.KEY` with at least one `tbody tr`.
const TABLES: [&str; 3] = ["coverage", "commute", "drt"];

/// A screenshot is blank unless at least this share of its pixels differs from the most
/// common colour (the second value for a page without parks, which is only text)…
const MIN_NON_BACKGROUND_SHARE: (f64, f64) = (0.01, 0.001);
/// …and it has at least this many distinct colours.
const MIN_COLOURS: usize = 16;

#[test]
fn plan_report_in_a_browser() {
    if browser_missing() {
        return;
    }
    let started = Instant::now();
    let report = demo_report();
    let planned = started.elapsed();

    let mut browser = Browser::start();
    let problems = check_report(&mut browser, &report);
    assert!(
        problems.is_empty(),
        "report.html in chromium:\n  {}",
        problems.join("\n  ")
    );

    let problems = sort_problems(&mut browser);
    assert!(
        problems.is_empty(),
        "sorting the all-parks table:\n  {}",
        problems.join("\n  ")
    );

    // The checker still sees failures: a throwing script and a missing layer.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.html");
    std::fs::write(&broken, BROKEN_REPORT).unwrap();
    let problems = check_report(&mut browser, &broken);
    for needle in ["console: SEVERE", "\"bus-stops\""] {
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "the broken page should give a problem with {needle}, got: {problems:#?}"
        );
    }
    eprintln!(
        "plan {:.1} s, browser checks {:.1} s",
        planned.as_secs_f64(),
        (started.elapsed() - planned).as_secs_f64()
    );
}

#[test]
#[ignore = "checks the file named by LIFECIRCLE_REPORT"]
fn a_given_report_in_a_browser() {
    let path =
        std::env::var("LIFECIRCLE_REPORT").expect("set LIFECIRCLE_REPORT=path/to/report.html");
    if browser_missing() {
        return;
    }
    let mut browser = Browser::start();
    let problems = check_report(&mut browser, Path::new(&path));
    assert!(problems.is_empty(), "{path}:\n  {}", problems.join("\n  "));
}

/// Issue 12, "Print": the default report laid out for print (A4, one park per page, the map
/// never cut, its legend beside it), then printed to PDF through WebDriver: the front matter,
/// then exactly one page per park, then the appendix (bus lines, inputs, assumptions), none
/// blank and nothing wider than the page. Also the map labels as the browser draws them: none
/// overlapping another.
#[test]
fn report_prints_on_a4_one_park_per_page() {
    if browser_missing() {
        return;
    }
    let mut browser = print_ready(&demo_report());
    let labels = browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": LABEL_SCRIPT, "args": [] }),
        )
        .unwrap();
    let overlaps = labels["overlaps"].as_array().expect("overlaps");
    assert!(labels["labels"].as_u64().unwrap() > 0, "no map labels");
    assert!(overlaps.is_empty(), "overlapping map labels: {overlaps:#?}");
    let codes = check_print_layout(&mut browser);
    check_pages(&mut browser, &codes);
}

/// Issue 12, "Chinese throughout" on paper: under `--lang zh` the printed park pages carry
/// their Chinese headings and the appendix its Chinese title, with the same one page per park.
#[test]
fn chinese_report_prints_one_park_per_page_with_chinese_labels() {
    if browser_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut browser = print_ready(&plan_report(dir.path(), &["--lang", "zh"]));
    let codes = check_print_layout(&mut browser);
    let text = browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": PRINTED_TEXT_SCRIPT, "args": [] }),
        )
        .unwrap();
    for park in text["parks"].as_array().expect("parks") {
        let park = park.as_str().unwrap();
        for label in ["15分钟生活圈", "通勤圈", "预约响应式公交", "公顷"] {
            assert!(park.contains(label), "{label} not printed in {park:.200}");
        }
        assert!(!park.contains("Industrial area"), "{park:.200}");
    }
    let appendix = text["appendix"].as_str().expect("an appendix");
    assert!(appendix.contains("附录"), "{appendix:.200}");
    check_pages(&mut browser, &codes);
}

/// The report of the default `plan` of the demo, run once for the tests that only read it.
fn demo_report() -> PathBuf {
    static PLAN: OnceLock<PathBuf> = OnceLock::new();
    let dir = run::shared_dir(&PLAN, "browser-demo-plan", |dir| {
        plan_report(&dir.join("out"), &[]);
    });
    dir.join("out/report.html").canonicalize().unwrap()
}

/// Runs `plan` on the demo into `dir` with `args`; the report's path.
fn plan_report(dir: &Path, args: &[&str]) -> std::path::PathBuf {
    let out = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(["plan", "--out", dir.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("report.html").canonicalize().unwrap()
}

/// A browser showing `report`, laid out at the width of an A4 page's text (210 mm less two
/// 9 mm margins), so that what the layout measures is what prints.
fn print_ready(report: &Path) -> Browser {
    let mut browser = Browser::start();
    let url = format!("file://{}", report.display());
    browser.call("POST", "/url", json!({ "url": url })).unwrap();
    let width_px = (210.0 - 2.0 * 9.0) * 96.0 / 25.4;
    browser
        .call(
            "POST",
            "/goog/cdp/execute",
            json!({ "cmd": "Emulation.setDeviceMetricsOverride", "params": {
                "width": width_px as u32, "height": 1100, "deviceScaleFactor": 1, "mobile": false } }),
        )
        .unwrap();
    browser
}

/// Under print media: each park starts a page, keeps its map whole with the legend beside it,
/// fits one page's height, and nothing is wider than the page (Chromium would shrink every
/// page to fit it, hiding a park that is too long). The parks' codes.
fn check_print_layout(browser: &mut Browser) -> Vec<String> {
    browser
        .call(
            "POST",
            "/goog/cdp/execute",
            json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "media": "print" } }),
        )
        .unwrap();
    let layout = browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": PRINT_SCRIPT, "args": [] }),
        )
        .unwrap();
    let page_h = 297.0 - 2.0 * 9.0;
    let (width, page_w) = (layout["widthMm"].as_f64().unwrap(), 210.0 - 2.0 * 9.0);
    assert!(width <= page_w + 0.5, "the report is {width:.0} mm wide");
    let parks = layout["parks"].as_array().expect("parks");
    assert!(!parks.is_empty());
    for p in parks {
        let code = &p["code"];
        assert_eq!(p["breakBefore"], "page", "{code}: a park starts a page");
        assert_eq!(
            p["mapBlock"], true,
            "{code}: the map and its legend in .map-block"
        );
        let map_h = p["mapHeightMm"].as_f64().unwrap();
        assert!(
            map_h > 50.0 && map_h < page_h,
            "{code}: map {map_h} mm high"
        );
        assert_eq!(p["mapBreakInside"], "avoid", "{code}: a map is never cut");
        assert_eq!(p["legendBeside"], true, "{code}: the legend beside its map");
        let park_h = p["heightMm"].as_f64().unwrap();
        assert!(park_h < page_h, "{code}: {park_h:.0} mm, over one page");
    }
    parks
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect()
}

/// Prints the report to PDF whole and in parts (the front matter alone, each park alone, the
/// appendix alone): the whole has exactly the parts' pages, each park one, none blank.
fn check_pages(browser: &mut Browser, codes: &[String]) {
    let whole = print_pdf(browser, None);
    for (i, p) in whole.iter().enumerate() {
        assert!(
            p.text_ops > 0 && p.content_bytes > 100,
            "page {} is blank: {p:?}",
            i + 1
        );
    }
    let front = print_pdf(browser, Some(FRONT_MATTER)).len();
    let appendix = print_pdf(browser, Some(APPENDIX)).len();
    for code in codes {
        let park = print_pdf(
            browser,
            Some(&format!("section.park[data-park=\"{code}\"]")),
        );
        assert_eq!(park.len(), 1, "park {code} prints on {} pages", park.len());
    }
    eprintln!(
        "{} pages: {front} front matter, {} parks, {appendix} appendix",
        whole.len(),
        codes.len()
    );
    assert!(front >= 1 && appendix >= 1);
    assert_eq!(
        whole.len(),
        front + codes.len() + appendix,
        "pages: front matter {front} + one per park ({}) + appendix {appendix}",
        codes.len()
    );
}

/// What comes before the parks in print.
const FRONT_MATTER: &str =
    "body > header, main > section:not(.park):not(.appendix):not(.inputs):not(.assumptions)";

/// What comes after the parks in print.
const APPENDIX: &str = "section.appendix, section.inputs, section.assumptions, body > footer";

/// The report printed to an A4 PDF, whole or (`only`) with only the elements of that selector.
fn print_pdf(browser: &mut Browser, only: Option<&str>) -> Vec<PdfPage> {
    let css = only.map_or(String::new(), |sel| {
        format!(
            "@media print{{body > header, body > footer, main > *{{display:none !important}} {sel}{{display:block !important}}}}"
        )
    });
    browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": ONLY_SCRIPT, "args": [css] }),
        )
        .unwrap();
    let pdf = browser
        .call(
            "POST",
            "/print",
            json!({ "page": { "width": 21.0, "height": 29.7 }, "background": true, "shrinkToFit": false }),
        )
        .unwrap();
    let pdf = base64_decode(pdf.as_str().expect("a PDF is a base64 string")).unwrap();
    pdf_pages(&pdf)
}

/// Sets the text of a `<style id="only">` (made on first use) to `arguments[0]`.
const ONLY_SCRIPT: &str = r#"
let st = document.getElementById('only');
if (!st) { st = document.createElement('style'); st.id = 'only'; document.head.appendChild(st); }
st.textContent = arguments[0];
"#;

/// The text each park section and the appendix show in print.
const PRINTED_TEXT_SCRIPT: &str = r#"
const a = document.querySelector('section.appendix');
return {
  parks: [...document.querySelectorAll('section.park')].map(s => s.innerText),
  appendix: a && getComputedStyle(a).display !== 'none' ? a.innerText : null,
};
"#;

/// Under print media: per park section, its page break, whether map and legend sit in a
/// `.map-block` with the legend to the right of the map, the map's and the park's height in
/// mm; and the page's width in mm.
const PRINT_SCRIPT: &str = r#"
const mm = px => px * 25.4 / 96;
return { widthMm: mm(document.documentElement.scrollWidth), parks: [...document.querySelectorAll('section.park')].map(s => {
  const block = s.querySelector('.map-block');
  const map = block ? block.querySelector('svg.map') : s.querySelector('svg.map');
  const legend = block ? block.querySelector('.legend') : null;
  const m = map.getBoundingClientRect();
  const l = legend ? legend.getBoundingClientRect() : null;
  return {
    code: s.getAttribute('data-park'),
    breakBefore: getComputedStyle(s).breakBefore,
    mapBlock: block !== null,
    mapBreakInside: block ? getComputedStyle(block).breakInside : getComputedStyle(map).breakInside,
    mapHeightMm: mm(m.height),
    heightMm: mm(s.getBoundingClientRect().height),
    legendBeside: l !== null && l.left >= m.right - 1 && l.top < m.bottom,
  };
}) };
"#;

/// Every map label's box as the browser draws it; pairs that overlap by more than 1 px.
const LABEL_SCRIPT: &str = r#"
const overlaps = [];
let labels = 0;
for (const map of document.querySelectorAll('svg.map')) {
  const boxes = [...map.querySelectorAll('text.label, g.marker')].map(t => [t.textContent, t.getBoundingClientRect()]);
  labels += boxes.length;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [ta, a] = boxes[i], [tb, b] = boxes[j];
    if (a.left + 1 < b.right && b.left + 1 < a.right && a.top + 1 < b.bottom && b.top + 1 < a.bottom)
      overlaps.push(ta + ' / ' + tb);
  }
}
return { labels, overlaps };
"#;

/// One page of a PDF: how many text-showing operators (`Tj`, `TJ`) its content has.
#[derive(Debug)]
struct PdfPage {
    text_ops: usize,
    content_bytes: usize,
}

/// The pages of a PDF as Chromium writes it (plain objects, Flate content streams): each
/// `/Type /Page` object, its `/Contents N 0 R` stream inflated and its text operators counted.
fn pdf_pages(pdf: &[u8]) -> Vec<PdfPage> {
    use std::io::Read as _;
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay[from.min(hay.len())..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let mut pages = Vec::new();
    let mut at = 0;
    while let Some(p) = find(pdf, b"/Type /Page", at) {
        at = p + 11;
        if pdf.get(at) == Some(&b's') {
            continue;
        }
        let end = find(pdf, b"endobj", at).expect("a page object ends");
        let dict = String::from_utf8_lossy(&pdf[p..end]);
        let contents: usize = dict
            .split("/Contents ")
            .nth(1)
            .and_then(|c| c.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("a page has /Contents N 0 R");
        let obj =
            find(pdf, format!("\n{contents} 0 obj").as_bytes(), 0).expect("the content object");
        let start = find(pdf, b"stream\n", obj).expect("a stream") + 7;
        let stop = find(pdf, b"endstream", start).expect("a stream end");
        let mut content = Vec::new();
        flate2::read::ZlibDecoder::new(&pdf[start..stop])
            .read_to_end(&mut content)
            .expect("a Flate content stream");
        let text = String::from_utf8_lossy(&content);
        let text_ops = text
            .split_whitespace()
            .filter(|op| *op == "Tj" || *op == "TJ")
            .count();
        pages.push(PdfPage {
            text_ops,
            content_bytes: content.len(),
        });
    }
    pages
}

/// Clicks the all-parks table's "Area" header twice (on the page `check_report` loaded) and
/// reads the area column and the park codes each time: ascending, then descending, the same
/// rows, and every park of the page's sections in the table.
const SORT_SCRIPT: &str = r#"
const table = document.querySelector('table.summary');
if (!table) return { error: 'no table.summary' };
const read = () => [...table.tBodies[0].rows].map(r => [r.cells[0].querySelector('a').textContent,
  parseFloat(r.cells[1].textContent)]);
const before = read();
table.tHead.rows[0].cells[1].click();
const asc = read();
table.tHead.rows[0].cells[1].click();
const desc = read();
const sections = [...document.querySelectorAll('section.park')].map(s => s.getAttribute('data-park'));
return { before, asc, desc, sections };
"#;

/// Everything wrong with sorting the all-parks table, one line each.
fn sort_problems(browser: &mut Browser) -> Vec<String> {
    let got = browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": SORT_SCRIPT, "args": [] }),
        )
        .unwrap();
    if let Some(e) = got["error"].as_str() {
        return vec![e.to_string()];
    }
    let rows = |k: &str| -> Vec<(String, f64)> {
        got[k]
            .as_array()
            .expect("rows are an array")
            .iter()
            .map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_f64().unwrap()))
            .collect()
    };
    let (before, asc, desc) = (rows("before"), rows("asc"), rows("desc"));
    let mut problems = Vec::new();
    if before.len() < 2 {
        problems.push(format!(
            "{} parks in the table; the demo has more",
            before.len()
        ));
    }
    let areas = |r: &[(String, f64)]| r.iter().map(|p| p.1).collect::<Vec<_>>();
    if !areas(&asc).is_sorted_by(|a, b| a <= b) {
        problems.push(format!("one click: areas not ascending {:?}", areas(&asc)));
    }
    if !areas(&desc).is_sorted_by(|a, b| a >= b) {
        problems.push(format!(
            "two clicks: areas not descending {:?}",
            areas(&desc)
        ));
    }
    let codes = |r: &[(String, f64)]| {
        let mut c: Vec<String> = r.iter().map(|p| p.0.clone()).collect();
        c.sort();
        c
    };
    if codes(&asc) != codes(&before) || codes(&desc) != codes(&before) {
        problems.push("sorting lost or duplicated rows".into());
    }
    for s in got["sections"].as_array().expect("sections are an array") {
        let s = s.as_str().unwrap_or_default();
        if !before.iter().any(|p| p.0 == s) {
            problems.push(format!("park {s} has a section but no row in the table"));
        }
    }
    problems
}

/// One park whose script throws and whose map lacks the `bus-stops` layer.
const BROKEN_REPORT: &str = r##"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>broken</title></head>
<body><section class="park" data-park="P1"><svg class="map" width="400" height="300">
<g class="layer" data-layer="roads"><path d="M0,0 L400,300" stroke="#888"/></g><g class="layer" data-layer="park"></g>
<g class="layer" data-layer="walk-bands"></g><g class="layer" data-layer="amenities"></g><g class="layer" data-layer="gaps"></g>
<g class="layer" data-layer="sites"></g><g class="layer" data-layer="commute-reach"></g><g class="layer" data-layer="bus-lines"></g>
</svg><div class="legend"></div>
<table class="coverage"><tbody><tr><td>1</td></tr></tbody></table><table class="commute"><tbody><tr><td>1</td></tr></tbody></table>
<table class="drt"><tbody><tr><td>1</td></tr></tbody></table></section>
<section class="assumptions"></section><footer class="attribution">© OpenStreetMap contributors</footer>
<script>null.draw();</script></body></html>"##;

/// Everything wrong with the page at `path`, one line each; empty when it passes.
fn check_report(browser: &mut Browser, path: &Path) -> Vec<String> {
    let path = path
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let url = format!("file://{}", path.display());
    browser.call("POST", "/url", json!({ "url": url })).unwrap();
    let mut problems = Vec::new();

    let log = browser
        .call("POST", "/se/log", json!({ "type": "browser" }))
        .unwrap();
    for entry in log.as_array().expect("a log is an array") {
        if entry["level"] == "SEVERE" {
            problems.push(format!("console: SEVERE {}", entry["message"]));
        }
    }

    let dom = browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": DOM_SCRIPT, "args": [TABLES] }),
        )
        .unwrap();
    problems.extend(dom_problems(&dom));
    let has_parks = dom["parks"].as_array().is_some_and(|p| !p.is_empty());
    let min_share = if has_parks {
        MIN_NON_BACKGROUND_SHARE.0
    } else {
        MIN_NON_BACKGROUND_SHARE.1
    };

    let shot = browser.call("GET", "/screenshot", Value::Null).unwrap();
    let png = base64_decode(shot.as_str().expect("a screenshot is a base64 string"))
        .expect("a screenshot is valid base64");
    problems.extend(screenshot_problems(&png, min_share));
    problems
}

/// Collects what the checks need from the page; `arguments[0]` is the list of table classes.
const DOM_SCRIPT: &str = r#"
const tables = arguments[0];
const parks = [...document.querySelectorAll('section.park')].map(s => {
  const map = s.querySelector('svg.map');
  const rect = map ? map.getBoundingClientRect() : { width: 0, height: 0 };
  return {
    code: s.getAttribute('data-park'),
    map: map !== null,
    mapWidth: rect.width,
    mapHeight: rect.height,
    layers: map ? [...map.querySelectorAll('g.layer')].map(g => g.getAttribute('data-layer')) : [],
    legend: s.querySelector('.legend') !== null,
    rows: Object.fromEntries(tables.map(t => [t,
      s.querySelector('table.' + t) ? s.querySelectorAll('table.' + t + ' tbody tr').length : -1])),
  };
});
const noParks = document.querySelector('section.no-parks');
const footer = document.querySelector('footer.attribution');
return {
  parks,
  noParks: noParks ? noParks.textContent : null,
  assumptions: document.querySelector('section.assumptions') !== null,
  attribution: footer ? footer.textContent : null,
  loads: [
    ...performance.getEntriesByType('resource').map(e => e.name),
    ...[...document.querySelectorAll('[src], link[href], object[data], image, use, feImage')]
      .map(e => e.getAttribute('src') ?? e.getAttribute('data') ?? e.getAttribute('href')
        ?? e.getAttributeNS('http://www.w3.org/1999/xlink', 'href'))
      .filter(u => u !== null && !u.startsWith('#') && !u.startsWith('data:')),
  ],
};
"#;

/// The DOM contract, checked on what `DOM_SCRIPT` returned.
fn dom_problems(dom: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let parks = dom["parks"].as_array().expect("parks is an array");
    match (parks.is_empty(), dom["noParks"].as_str()) {
        (true, None) => problems.push("neither section.park nor section.no-parks".to_string()),
        (false, Some(_)) => problems.push("both section.park and section.no-parks".to_string()),
        (true, Some(text)) if !text.contains("--parks") => {
            problems.push(format!(
                "section.no-parks does not mention --parks: {text:?}"
            ));
        }
        _ => {}
    }
    let mut codes = Vec::new();
    for park in parks {
        let code = park["code"].as_str().unwrap_or("(no data-park)");
        let mut problem = |what: String| problems.push(format!("park {code}: {what}"));
        let numbered = code
            .strip_prefix('P')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if !numbered {
            problem("data-park is not P1, P2, …".to_string());
        }
        if codes.contains(&code) {
            problem("data-park repeated".to_string());
        }
        codes.push(code);
        if park["map"] != true {
            problem("no svg.map".to_string());
        } else if !(park["mapWidth"].as_f64() > Some(0.0) && park["mapHeight"].as_f64() > Some(0.0))
        {
            problem(format!(
                "svg.map is not drawn ({} × {} px)",
                park["mapWidth"], park["mapHeight"]
            ));
        }
        let layers = park["layers"].as_array().expect("layers is an array");
        for key in LAYERS {
            if !layers.iter().any(|l| l == key) {
                problem(format!("svg.map has no g.layer[data-layer={key:?}]"));
            }
        }
        if park["legend"] != true {
            problem("no .legend".to_string());
        }
        for table in TABLES {
            match park["rows"][table].as_i64() {
                Some(-1) => problem(format!("no table.{table}")),
                Some(0) => problem(format!("table.{table} has no tbody tr")),
                _ => {}
            }
        }
    }
    if dom["assumptions"] != true {
        problems.push("no section.assumptions".to_string());
    }
    match dom["attribution"].as_str() {
        None => problems.push("no footer.attribution".to_string()),
        Some(text) if !text.contains("OpenStreetMap") => {
            problems.push(format!("footer.attribution lacks OpenStreetMap: {text:?}"));
        }
        Some(_) => {}
    }
    for url in dom["loads"].as_array().expect("loads is an array") {
        problems.push(format!("not self-contained: loads {url}"));
    }
    problems
}

/// Blank-page check on a PNG: at least `min_share` of the pixels off the background, and
/// enough colours.
fn screenshot_problems(png_bytes: &[u8], min_share: f64) -> Vec<String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a screenshot is a PNG");
    let mut pixels = vec![
        0;
        reader
            .output_buffer_size()
            .expect("a screenshot fits in memory")
    ];
    let info = reader
        .next_frame(&mut pixels)
        .expect("a screenshot decodes");
    let mut counts: HashMap<&[u8], usize> = HashMap::new();
    for pixel in pixels[..info.buffer_size()].chunks_exact(info.color_type.samples()) {
        *counts.entry(pixel).or_default() += 1;
    }
    let total = (info.width as usize * info.height as usize).max(1);
    let background = counts.values().copied().max().unwrap_or(0);
    let share = (total - background) as f64 / total as f64;
    let mut problems = Vec::new();
    if share < min_share {
        problems.push(format!(
            "screenshot is blank: {:.3} % of {}×{} pixels off the background",
            share * 100.0,
            info.width,
            info.height
        ));
    }
    if counts.len() < MIN_COLOURS {
        problems.push(format!(
            "screenshot is blank: {} colours, {MIN_COLOURS} expected",
            counts.len()
        ));
    }
    problems
}

/// Standard base64 (with or without padding, whitespace ignored).
fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return Err(format!("not base64: {:?}", c as char)),
        };
        acc = ((acc << 6) | u32::from(v)) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}
