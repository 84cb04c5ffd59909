//! Issue 14 in a real browser: headless chromium loads the `serve` page from the real binary,
//! waits for `#status` to say ready, adds a facility by clicking on the map with the
//! add-facility tool, and sees the park's life-circle share follow the server's figures. The
//! console stays clean and no request leaves 127.0.0.1.
//!
//! Skipped with a printed reason when chromium or chromedriver is missing, except under `CI`.
#![cfg(unix)]

mod common;

use std::time::{Duration, Instant};

use common::Server;
use common::webdriver::{Browser, browser_missing};
use serde_json::{Value, json};

/// Polls `script` (returning a value, `null` while not there yet) until it is not null.
fn wait_for(browser: &mut Browser, script: &str, limit: Duration) -> Result<Value, String> {
    let start = Instant::now();
    loop {
        let value = browser.call(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": [] }),
        )?;
        if !value.is_null() {
            return Ok(value);
        }
        if start.elapsed() > limit {
            return Err(format!("not within {limit:?}: {script}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A new headless browser on the server's page at `origin`, once `#status` says ready.
fn open_page(origin: &str) -> Browser {
    let mut browser = Browser::start();
    browser
        .call("POST", "/url", json!({ "url": format!("{origin}/") }))
        .unwrap();
    let ready = "const s = document.querySelector('#status'); \
                 return s && /ready/i.test(s.textContent) ? s.textContent : null;";
    wait_for(&mut browser, ready, Duration::from_secs(30)).expect("#status never said ready");
    browser
}

/// The park whose life-circle share is lowest below 1 and its required category with the
/// lowest share.
fn target(summary: &Value) -> (String, String) {
    let required: Vec<&str> = summary["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["required"] == true)
        .filter_map(|c| c["key"].as_str())
        .collect();
    let park = summary["parks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["life_circle_share"].as_f64().is_some_and(|s| s < 1.0))
        .min_by(|a, b| {
            let share = |p: &Value| p["life_circle_share"].as_f64().unwrap_or(1.0);
            share(a).total_cmp(&share(b))
        })
        .expect("a park below 100 %");
    let category = park["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| required.contains(&c["key"].as_str().unwrap_or("")))
        .filter_map(|c| Some((c["share"].as_f64()?, c["key"].as_str()?)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .expect("a required category with a share")
        .1;
    (
        park["id"].as_str().unwrap().to_string(),
        category.to_string(),
    )
}

#[test]
fn serve_page_adds_a_facility_by_clicking() {
    if browser_missing() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    // The page names the run's minutes, not a fixed 30.
    let scenario = out.path().join("minutes.toml");
    std::fs::write(
        &scenario,
        "[life_circle]\nminutes = 18\n\n[commute]\nminutes = 20\n\n[bus]\ntarget_min = 45\n",
    )
    .unwrap();
    let server = Server::start(out.path(), &["--config", scenario.to_str().unwrap()]);
    let before = server.summary();
    let (park, category) = target(&before);
    let origin = format!("http://127.0.0.1:{}", server.port);

    let mut browser = open_page(&origin);

    let share_script = format!(
        "const e = document.querySelector('[data-park=\"{park}\"] .life-circle-share'); \
         return e ? e.textContent.trim() : null;"
    );
    // Select the park (the map goes to it) and the category, then the tool.
    let select = format!(
        "const p = document.querySelector('#park-select'); p.value = '{park}'; \
         p.dispatchEvent(new Event('change', {{bubbles: true}})); \
         const c = document.querySelector('#category-select'); c.value = '{category}'; \
         c.dispatchEvent(new Event('change', {{bubbles: true}})); \
         document.querySelector('[data-tool=\"add-facility\"]').click(); return true;"
    );
    browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": select, "args": [] }),
        )
        .unwrap();
    let shown_before = wait_for(&mut browser, &share_script, Duration::from_secs(10))
        .expect("no share shown for the park");
    std::thread::sleep(Duration::from_millis(800)); // the map's move to the park
    let panel = "return document.querySelector('#panel').textContent;";
    let panel_before = browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": panel, "args": [] }),
        )
        .unwrap();

    // Click the middle of the map, where the selected park is.
    let centre = browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script":
            "const r = document.querySelector('#map').getBoundingClientRect(); \
             return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];",
            "args": [] }),
        )
        .unwrap();
    let actions = json!({ "actions": [{
        "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" },
        "actions": [
            { "type": "pointerMove", "origin": "viewport", "x": centre[0], "y": centre[1] },
            { "type": "pointerDown", "button": 0 },
            { "type": "pointerUp", "button": 0 },
        ],
    }]});
    browser.call("POST", "/actions", actions).unwrap();

    let edited = {
        let start = Instant::now();
        loop {
            let now = server.summary();
            if now["edits"].as_u64() > before["edits"].as_u64() {
                break now;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "the click made no edit: {now}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let screen = |summary: &Value, key: &str| -> f64 {
        let park = summary["parks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == park.as_str());
        let categories = park.unwrap()["categories"].as_array().unwrap();
        let found = categories.iter().find(|c| c["key"] == key).unwrap();
        found["share"].as_f64().unwrap()
    };
    assert!(
        screen(&edited, &category) > screen(&before, &category),
        "a {category} facility clicked into {park} should raise its {category} share: {edited}"
    );
    // The panel shows the new figures: its text changes, and the park's life-circle share is
    // the server's.
    let life = edited["parks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == park.as_str())
        .unwrap()["life_circle_share"]
        .as_f64()
        .unwrap();
    let percent = format!("{}", (life * 100.0).round());
    let changed = format!(
        "const e = document.querySelector('[data-park=\"{park}\"] .life-circle-share'); \
         const p = document.querySelector('#panel').textContent; \
         return e && p !== {before} && e.textContent.includes('{percent}') ? p : null;",
        before = panel_before,
    );
    wait_for(&mut browser, &changed, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("the panel did not show the new figures ({shown_before}): {e}"));

    // The scenario's 18-minute life circle (bands 6/12/18), 20-minute commute and 45-minute bus
    // target head the figures, en and zh.
    let minutes = |commute: &str, reach: &str, bus: &str, bands: &str, life: &str| {
        format!(
            "const h = document.querySelector('[data-table=\"commute\"]').previousElementSibling.textContent; \
             const r = document.querySelector('[data-t=\"reach\"]').textContent; \
             const b = document.querySelector('tr[data-figure=\"total_within_target\"] td'); \
             const w = document.querySelector('[data-t=\"bands\"]').textContent; \
             const l = document.querySelector('#park-detail h2').textContent; \
             return h === '{commute}' && r === '{reach}' && b && b.textContent === '{bus}' \
               && w === '{bands}' && l.endsWith('{life}') ? [h, r, b.textContent, w, l] : null;"
        )
    };
    let english = minutes(
        "Commute (20 min)",
        "20-minute reach",
        "Workers within 45 min",
        "6/12/18-minute walk",
        " · 18-minute life circle",
    );
    wait_for(&mut browser, &english, Duration::from_secs(5))
        .expect("the page does not name the scenario's minutes");
    exec(
        &mut browser,
        "const l = document.querySelector('#lang-select'); l.value = 'zh'; \
         l.dispatchEvent(new Event('change', {bubbles: true})); return true;",
    );
    let chinese = minutes(
        "通勤（20 分钟）",
        "20 分钟可达范围",
        "45 分钟内到岗的职工",
        "6/12/18 分钟步行圈",
        " · 18 分钟生活圈",
    );
    wait_for(&mut browser, &chinese, Duration::from_secs(10))
        .expect("the page does not name the scenario's minutes in Chinese");

    assert_clean(&mut browser, &origin);
}

/// The console has no warning or error and no request left `origin`.
fn assert_clean(browser: &mut Browser, origin: &str) {
    let mut problems = Vec::new();
    let log = browser
        .call("POST", "/se/log", json!({ "type": "browser" }))
        .unwrap();
    for entry in log.as_array().into_iter().flatten() {
        if entry["level"] == "SEVERE" || entry["level"] == "WARNING" {
            problems.push(format!("console: {} {}", entry["level"], entry["message"]));
        }
    }
    let urls = browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script":
            "return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)];",
            "args": [] }),
        )
        .unwrap();
    for url in urls
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !(url.starts_with(&format!("{origin}/")) || url.starts_with("data:")) {
            problems.push(format!("a request left 127.0.0.1: {url}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Runs `script` in the page.
fn exec(browser: &mut Browser, script: &str) -> Value {
    browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": [] }),
        )
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// The mouse through `points` (viewport pixels): pressed at the first, released at the last.
fn mouse_drag(browser: &mut Browser, points: &[(i64, i64)]) {
    let mut steps = vec![json!({ "type": "pointerMove", "origin": "viewport",
        "x": points[0].0, "y": points[0].1 })];
    steps.push(json!({ "type": "pointerDown", "button": 0 }));
    for &(x, y) in &points[1..] {
        steps.push(
            json!({ "type": "pointerMove", "duration": 50, "origin": "viewport", "x": x, "y": y }),
        );
    }
    steps.push(json!({ "type": "pointerUp", "button": 0 }));
    let actions = json!({ "actions": [{
        "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" },
        "actions": steps,
    }]});
    browser.call("POST", "/actions", actions).unwrap();
    browser.call("DELETE", "/actions", Value::Null).unwrap();
}

/// Waits until the server's summary counts `edits` edits.
fn wait_edits(server: &Server, edits: u64) -> Value {
    let start = Instant::now();
    loop {
        let now = server.summary();
        if now["edits"].as_u64() == Some(edits) {
            return now;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "expected {edits} edits: {now}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The `[lon, lat]` of facility `id` on the server.
fn facility_at(server: &Server, id: &str) -> Value {
    let (_, layers) = server.call("GET", "/api/layers", None);
    let features = layers["facilities"]["features"].as_array().unwrap();
    let found = features.iter().find(|f| f["properties"]["id"] == id);
    found.expect("the facility")["geometry"]["coordinates"].clone()
}

/// Waits until `path` exists.
fn wait_file(path: &std::path::Path) {
    let start = Instant::now();
    while !path.is_file() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{} was not written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_page_drags_draws_undoes_saves_exports_in_chinese() {
    if browser_missing() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let server = Server::start(out.path(), &[]);
    let (park, _) = target(&server.summary());
    let origin = format!("http://127.0.0.1:{}", server.port);
    let mut browser = open_page(&origin);
    exec(
        &mut browser,
        &format!(
            "const p = document.querySelector('#park-select'); p.value = '{park}'; \
             p.dispatchEvent(new Event('change', {{bubbles: true}})); \
             const s = document.querySelector('#show-sites'); \
             if (s.checked) s.click(); \
             document.querySelector('[data-tool=\"move-facility\"]').click(); return true;"
        ),
    );
    std::thread::sleep(Duration::from_millis(800)); // the map's move to the park

    // Drag a facility that no other marker overlaps, 60 px right and 30 px down.
    let pick = "const size = map.getSize(); const r = document.querySelector('#map').getBoundingClientRect(); \
        const pts = []; for (const k of ['facilities', 'gates', 'bus_stops']) for (const f of (data[k] || {features: []}).features) { \
          const [x, y] = f.geometry.coordinates; const p = map.latLngToContainerPoint([y, x]); pts.push([k, f.properties.id, p]); } \
        for (const [k, id, p] of pts) { \
          if (k !== 'facilities' || p.x < 80 || p.y < 80 || p.x > size.x - 120 || p.y > size.y - 80) continue; \
          if (pts.some(([k2, id2, q]) => (k2 !== k || id2 !== id) && q.distanceTo(p) < 16)) continue; \
          return [id, Math.round(r.left + p.x), Math.round(r.top + p.y)]; } return null;";
    let picked = wait_for(&mut browser, pick, Duration::from_secs(10))
        .expect("a facility on screen with no marker near it");
    let id = picked[0].as_str().unwrap().to_string();
    let (x, y) = (picked[1].as_i64().unwrap(), picked[2].as_i64().unwrap());
    let from = facility_at(&server, &id);
    mouse_drag(
        &mut browser,
        &[(x, y), (x + 10, y + 5), (x + 30, y + 15), (x + 60, y + 30)],
    );
    wait_edits(&server, 1);
    let to = facility_at(&server, &id);
    assert!(
        to[0].as_f64() > from[0].as_f64() && to[1].as_f64() < from[1].as_f64(),
        "{id} dragged right and down: {from} → {to}"
    );

    // Undo and redo buttons.
    exec(
        &mut browser,
        "document.querySelector('#undo').click(); return true;",
    );
    wait_edits(&server, 0);
    assert_eq!(facility_at(&server, &id), from);
    exec(
        &mut browser,
        "document.querySelector('#redo').click(); return true;",
    );
    wait_edits(&server, 1);
    assert_eq!(facility_at(&server, &id), to);

    // Draw the selected park's outline: four clicks, then Finish.
    exec(
        &mut browser,
        "document.querySelector('[data-tool=\"draw-outline\"]').click(); return true;",
    );
    let centre = exec(
        &mut browser,
        "const r = document.querySelector('#map').getBoundingClientRect(); \
         return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];",
    );
    let (cx, cy) = (centre[0].as_i64().unwrap(), centre[1].as_i64().unwrap());
    for (dx, dy) in [(-70, -50), (70, -50), (70, 50), (-70, 50)] {
        mouse_drag(&mut browser, &[(cx + dx, cy + dy)]);
    }
    exec(
        &mut browser,
        "document.querySelector('#finish-drawing').click(); return true;",
    );
    let drawn = wait_edits(&server, 2);
    assert_eq!(drawn["changed_parks"], json!([park]), "{drawn}");

    // 中文: the status, the buttons and the panel follow the language.
    exec(
        &mut browser,
        "const l = document.querySelector('#lang-select'); l.value = 'zh'; \
         l.dispatchEvent(new Event('change', {bubbles: true})); return true;",
    );
    let chinese = "const s = document.querySelector('#status').textContent; \
        const u = document.querySelector('#undo').textContent; \
        const e = document.querySelector('#export').textContent; \
        return s === '就绪' && u === '撤销' && e === '导出报告' ? [s, u, e] : null;";
    wait_for(&mut browser, chinese, Duration::from_secs(10))
        .expect("the page did not switch to Chinese");
    assert_eq!(server.summary()["lang"], "zh");

    // Save as a scenario, then export the report.
    exec(
        &mut browser,
        "window.prompt = () => 'browser-scenario'; document.querySelector('#save').click(); return true;",
    );
    let toml = out.path().join("scenarios/browser-scenario/scenario.toml");
    wait_file(&toml);
    let said = "const t = document.querySelector('#result').textContent; \
        return t.includes('已保存到') && t.includes('lifecircle plan --config') ? t : null;";
    wait_for(&mut browser, said, Duration::from_secs(10)).expect("the saved command is not shown");
    exec(
        &mut browser,
        "document.querySelector('#export').click(); return true;",
    );
    wait_file(&out.path().join("report/report.html"));
    let said = "const t = document.querySelector('#result').textContent; \
        return t.includes('报告已写入') ? t : null;";
    wait_for(&mut browser, said, Duration::from_secs(30)).expect("the export is not shown");

    assert_clean(&mut browser, &origin);
}

/// A stop whose removal lowers some park's stop reach, removed over the API (then undone): its
/// id, `[lon, lat]` and that park.
fn stop_that_matters(server: &Server) -> (String, [f64; 2], String) {
    let (_, layers) = server.call("GET", "/api/layers", None);
    for stop in layers["bus_stops"]["features"].as_array().unwrap() {
        let id = stop["properties"]["id"].as_str().unwrap().to_string();
        let at = &stop["geometry"]["coordinates"];
        let at = [at[0].as_f64().unwrap(), at[1].as_f64().unwrap()];
        let (status, deleted) = server.call("DELETE", &format!("/api/stops/{id}"), None);
        assert_eq!(status, 200, "{deleted}");
        let lower = deleted["bus"]["parks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["stop_reach"].as_u64() < p["baseline_stop_reach"].as_u64());
        let park = lower.map(|p| p["park"].as_str().unwrap().to_string());
        let (status, _) = server.call("POST", "/api/undo", Some("{}"));
        assert_eq!(status, 200);
        if let Some(park) = park {
            return (id, at, park);
        }
    }
    panic!("the demo has no stop some park's workers need: {layers}");
}

/// The digits of a text ("1,234" → 1234).
fn digits(value: &Value) -> Option<u64> {
    let text: String = value
        .as_str()?
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    text.parse().ok()
}

/// The stop-reach cells of the bus table (now, baseline) as the page shows them, when shown.
const REACH: &str = "const now = document.querySelector('[data-table=\"bus\"] .stop-reach'); \
    const base = document.querySelector('[data-table=\"bus\"] .baseline-stop-reach'); \
    return now && base ? [now.textContent, base.textContent] : null;";

/// Whether every line the page holds is drawn as its `stale` mark says (grey, dashed), and
/// how many are stale: `[stale, all]`, or null while a line is drawn otherwise.
const LINES: &str = "const drawn = []; groups.bus_lines.eachLayer((g) => g.eachLayer((l) => drawn.push(l))); \
    if (!drawn.length) return null; \
    const ok = drawn.every((l) => !!l.feature.properties.stale === (l.options.dashArray === STALE_LINE.dashArray)); \
    return ok ? [drawn.filter((l) => l.feature.properties.stale).length, drawn.length] : null;";

#[test]
fn serve_page_adds_a_stop_shows_stale_lines_and_replans() {
    if browser_missing() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let server = Server::start(out.path(), &[]);
    assert!(
        server.summary()["bus"].is_object(),
        "the demo plans bus lines"
    );
    let (id, at, park) = stop_that_matters(&server);
    let (status, deleted) = server.call("DELETE", &format!("/api/stops/{id}"), None);
    assert_eq!(status, 200, "{deleted}");
    let bus_park = |s: &Value| -> Value {
        let parks = s["bus"]["parks"].as_array().unwrap();
        parks
            .iter()
            .find(|p| p["park"] == park.as_str())
            .unwrap()
            .clone()
    };
    let lowered = bus_park(&deleted);
    let origin = format!("http://127.0.0.1:{}", server.port);
    let mut browser = open_page(&origin);
    exec(
        &mut browser,
        &format!(
            "const p = document.querySelector('#park-select'); p.value = '{park}'; \
             p.dispatchEvent(new Event('change', {{bubbles: true}})); \
             const s = document.querySelector('#show-sites'); if (s.checked) s.click(); return true;"
        ),
    );
    // The panel shows the park's stop reach, edited beside baseline.
    let shown = wait_for(&mut browser, REACH, Duration::from_secs(10)).expect("no bus table");
    assert_eq!(digits(&shown[0]), lowered["stop_reach"].as_u64(), "{shown}");
    assert_eq!(
        digits(&shown[1]),
        lowered["baseline_stop_reach"].as_u64(),
        "{shown}"
    );

    // The add-stop tool, and a click where the removed stop stood.
    exec(
        &mut browser,
        &format!(
            "document.querySelector('#line-select').value = ''; \
             document.querySelector('[data-tool=\"add-stop\"]').click(); \
             map.setView([{lat}, {lon}], 17, {{animate: false}}); return true;",
            lon = at[0],
            lat = at[1]
        ),
    );
    std::thread::sleep(Duration::from_millis(500));
    let point = exec(
        &mut browser,
        &format!(
            "const r = document.querySelector('#map').getBoundingClientRect(); \
             const p = map.latLngToContainerPoint([{lat}, {lon}]); \
             return [Math.round(r.left + p.x), Math.round(r.top + p.y)];",
            lon = at[0],
            lat = at[1]
        ),
    );
    mouse_drag(
        &mut browser,
        &[(point[0].as_i64().unwrap(), point[1].as_i64().unwrap())],
    );
    let added = wait_edits(&server, 2);
    let raised = bus_park(&added);
    assert!(
        raised["stop_reach"].as_u64() > lowered["stop_reach"].as_u64(),
        "the stop clicked back raises the reach: {raised} after {lowered}"
    );
    let reach_now = format!(
        "const c = (() => {{ {REACH} }})(); \
         return c && c[0].replace(/\\D/g, '') === '{}' ? c : null;",
        raised["stop_reach"]
    );
    wait_for(&mut browser, &reach_now, Duration::from_secs(10))
        .expect("the panel did not show the new stop reach");
    // The add-stop tool on that new stop's marker: no edit, and the hint says a stop is there.
    let marker = format!(
        "const at = map.latLngToContainerPoint([{lat}, {lon}]); let n = 0; \
         groups.bus_stops.eachLayer((g) => g.eachLayer((l) => \
           {{ if (map.latLngToContainerPoint(l.getLatLng()).distanceTo(at) < 3) n += 1; }})); \
         return n ? n : null;",
        lon = at[0],
        lat = at[1]
    );
    wait_for(&mut browser, &marker, Duration::from_secs(10)).expect("the new stop is not drawn");
    mouse_drag(
        &mut browser,
        &[(point[0].as_i64().unwrap(), point[1].as_i64().unwrap())],
    );
    let notice = "const h = document.querySelector('#tool-hint'); \
                  return h.dataset.notice === 'stop-here' ? h.textContent : null;";
    let said = wait_for(&mut browser, notice, Duration::from_secs(5))
        .expect("a click on a stop with the add-stop tool says nothing");
    assert!(
        said.as_str()
            .unwrap()
            .starts_with("A stop is already here: "),
        "{said}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.summary()["edits"], 2, "a click on a stop adds none");
    let stale = added["bus"]["stale_lines"].as_array().unwrap().len();
    assert!(stale > 0, "the edits leave stale lines: {added}");
    let drawn = wait_for(
        &mut browser,
        &format!("const d = (() => {{ {LINES} }})(); return d && d[0] > 0 ? d : null;"),
        Duration::from_secs(10),
    )
    .expect("no line drawn as stale (grey, dashed)");
    assert!(drawn[0].as_u64() <= drawn[1].as_u64());
    let legend = "const e = document.querySelector('#legend [data-legend=\"stale\"]'); \
                  const n = document.querySelector('#bus-stale-note'); \
                  return e && n ? [e.textContent, n.textContent] : null;";
    let texts = wait_for(&mut browser, legend, Duration::from_secs(5)).expect("no stale legend");
    assert_eq!(texts[0], "out of date — re-plan");

    // 中文: the bus table, the legend and the note.
    exec(
        &mut browser,
        "const l = document.querySelector('#lang-select'); l.value = 'zh'; \
         l.dispatchEvent(new Event('change', {bubbles: true})); return true;",
    );
    let chinese = "const t = document.querySelector('[data-table=\"bus\"]'); \
        const h = t && t.previousElementSibling.textContent; \
        const r = t && t.querySelector('tr[data-figure=\"stop_reach\"] td').textContent; \
        const l = document.querySelector('#legend [data-legend=\"stale\"]'); \
        const n = document.querySelector('#bus-stale-note'); \
        return h === '预约公交' && r === '可步行到站的职工' && l && l.textContent === '待重新规划' \
          && n && n.textContent.includes('条线路待重新规划') ? [h, r, n.textContent] : null;";
    wait_for(&mut browser, chinese, Duration::from_secs(10))
        .expect("the bus figures are not in Chinese");

    // Re-plan: the bar shows, the tools are off meanwhile, then the lines are redrawn fresh.
    exec(
        &mut browser,
        "window.__seen = { disabled: false, bar: false }; \
         const b = document.querySelector('[data-tool=\"add-stop\"]'); \
         const bar = document.querySelector('#replan-progress'); \
         new MutationObserver(() => { if (b.disabled) window.__seen.disabled = true; \
           if (!bar.hidden) window.__seen.bar = true; }) \
           .observe(document.querySelector('#panel'), { attributes: true, subtree: true }); \
         document.querySelector('#replan').click(); return true;",
    );
    let start = Instant::now();
    let done = loop {
        let s = server.summary();
        if s["replan"]["running"] == false && s["edits"] == 3 {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the re-plan did not finish: {s}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(done.get("replan_error").is_none(), "{done}");
    assert_eq!(done["bus"]["stale_lines"], json!([]), "{done}");
    let fresh = format!(
        "const d = (() => {{ {LINES} }})(); const s = document.querySelector('#status').textContent; \
         const bar = document.querySelector('#replan-progress'); \
         const tool = document.querySelector('[data-tool=\"add-stop\"]'); \
         return d && d[0] === 0 && s === '就绪' && bar.hidden && !tool.disabled \
           && !document.querySelector('#bus-stale-note') ? [d, window.__seen] : null;"
    );
    let seen = wait_for(&mut browser, &fresh, Duration::from_secs(20))
        .expect("the lines were not redrawn fresh after the re-plan");
    assert_eq!(
        seen[1],
        json!({ "disabled": true, "bar": true }),
        "while re-planning the bar shows and the tools are off"
    );

    assert_clean(&mut browser, &origin);
}
