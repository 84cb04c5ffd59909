//! The routes of `lifecircle serve`: the JSON API (README, "What-if in the browser") and the embedded page.
//!
//! Every request body is checked here before the engine sees it: JSON (a parse error names the
//! field it is in), an object with exactly the fields of its route, longitudes and latitudes
//! finite WGS-84 degrees. Errors are 4xx `{"error": "…", "field": "lon" | null}` and leave the
//! scenario as it was. The engine runs on tokio's blocking pool behind a read-write lock:
//! reads (summary, layers) side by side, changes one at a time, so that every tab sees the
//! same scenario. A re-plan of the bus lines plans under the read lock (reads go on; changes
//! are refused with 409 before they would queue) and takes the write lock only to put the new
//! lines in place.

use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection, RawPathParamsRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, RawPathParams, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, get, on, post};
use serde_json::{Map, Value, json};

use super::assets;
use super::engine::{ApiError, BasemapSource, Engine};
use crate::drt::lines::LineProgress;
use crate::lang::Lang;
use crate::report::outdir;

/// Largest request body: a park outline of ~100 000 points fits.
pub const BODY_LIMIT_BYTES: usize = 4 << 20;

/// The content security policy of every answer: the page may load nothing from another host.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const POST: MethodFilter = MethodFilter::POST;
const PUT: MethodFilter = MethodFilter::PUT;
const DELETE: MethodFilter = MethodFilter::DELETE;

/// What every handler shares.
pub struct AppState {
    engine: RwLock<Box<dyn Engine>>,
    /// Held while a change is checked and made, and while a re-plan starts: once a re-plan
    /// runs, no change waits for the write lock (it is refused), so reads never queue.
    changing: Mutex<()>,
    basemap: Option<Arc<dyn BasemapSource>>,
    out: PathBuf,
    replan: Replan,
    /// The `Host` headers accepted (`None`: any): a server on 127.0.0.1 answers only to its
    /// own names, so that a web page elsewhere cannot reach it through DNS rebinding.
    hosts: Option<Vec<String>>,
}

type Shared = Arc<AppState>;

impl AppState {
    /// The state for `engine`, writing saved scenarios and exported reports under `out`.
    pub fn new(
        engine: Box<dyn Engine>,
        basemap: Option<Arc<dyn BasemapSource>>,
        out: PathBuf,
    ) -> AppState {
        AppState {
            engine: RwLock::new(engine),
            changing: Mutex::new(()),
            basemap,
            out,
            replan: Replan::default(),
            hosts: None,
        }
    }

    /// Answers only requests addressed to this machine's loopback names on `port`.
    pub fn only_hosts(mut self, port: u16) -> AppState {
        let names = ["127.0.0.1", "localhost", "[::1]"];
        self.hosts = Some(names.iter().map(|n| format!("{n}:{port}")).collect());
        self
    }
}

/// Refuses a request addressed to another host name (DNS rebinding), and a change sent from a
/// page of another origin (a cross-site form or script).
async fn guard(
    State(state): State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(hosts) = &state.hosts
        && !hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    {
        let message = format!("this server answers only to {}", hosts.join(", "));
        return ApiError::with_status(403, None, message).into_response();
    }
    let changes = !matches!(*request.method(), Method::GET | Method::HEAD);
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
        && changes
        && !origin.eq_ignore_ascii_case(&format!("http://{host}"))
    {
        let message = format!("a page from {origin} may not change this scenario");
        return ApiError::with_status(403, None, message).into_response();
    }
    next.run(request).await
}

/// The progress of a background re-plan of the bus lines.
#[derive(Default)]
struct Replan {
    running: AtomicBool,
    /// `f64` bits, 0..1.
    progress: AtomicU64,
    /// Why the last re-plan failed (`{"error", "field"}`), until the next one starts.
    error: Mutex<Option<Value>>,
}

impl LineProgress for Replan {
    fn progress(&self, share: f64, _step: &str) {
        let share = if share.is_finite() {
            share.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.progress.store(share.to_bits(), Ordering::Relaxed);
    }
}

/// The router: the API, the page and its assets.
pub fn router(state: AppState) -> Router {
    let state = Arc::new(state);
    let api = Router::new()
        .route("/summary", get(summary))
        .route("/layers", get(layers))
        .route("/basemap", get(basemap))
        .route("/facilities", edit_route(POST, "add_facility"))
        .route(
            "/facilities/{id}",
            edit_route(PUT, "move_facility").merge(edit_route(DELETE, "delete_facility")),
        )
        .route("/gates", edit_route(POST, "add_gate"))
        .route(
            "/gates/{id}",
            edit_route(PUT, "move_gate").merge(edit_route(DELETE, "delete_gate")),
        )
        .route("/parks", edit_route(POST, "add_park"))
        .route("/parks/{park}/outline", edit_route(PUT, "set_outline"))
        .route("/stops", edit_route(POST, "add_stop"))
        .route(
            "/stops/{id}",
            edit_route(PUT, "move_stop").merge(edit_route(DELETE, "delete_stop")),
        )
        .route("/undo", engine_route(POST, &[], |e, _| Ok(e.undo())))
        .route("/redo", engine_route(POST, &[], |e, _| Ok(e.redo())))
        .route(
            "/lang",
            engine_route(POST, &[("lang", Kind::Text)], |e, body| {
                Ok(e.set_lang(lang_of(&body)?))
            }),
        )
        .route("/replan", post(replan))
        .route("/save", post(save))
        .route("/export", post(export))
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method);
    Router::new()
        .route("/", get(index))
        .route("/assets/{*path}", get(asset))
        .nest("/api", api)
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            guard,
        ))
        .with_state(state)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        (status, axum::Json(self.body())).into_response()
    }
}

/// The answer of a handler: a JSON value or an error.
type Answer = Result<axum::Json<Value>, ApiError>;

/// Runs `work` on the blocking pool with `state`.
async fn blocking<T, F>(state: &Shared, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> T + Send + 'static,
{
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || work(&state))
        .await
        .map_err(|_| {
            ApiError::with_status(
                500,
                None,
                "the computation failed; the request was not applied",
            )
        })
}

/// Runs `work` reading the engine (beside other reads and a re-plan's planning).
async fn with_engine<T, F>(state: &Shared, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&dyn Engine) -> T + Send + 'static,
{
    blocking(state, |state| {
        let engine = state.engine.read().unwrap_or_else(PoisonError::into_inner);
        work(engine.as_ref())
    })
    .await
}

/// Runs `work` changing the engine, alone; refused (409) while the bus lines are re-planned.
async fn change_engine<T, F>(state: &Shared, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut dyn Engine) -> Result<T, ApiError> + Send + 'static,
{
    blocking(state, |state| {
        let _changing = state
            .changing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        not_replanning(state)?;
        let mut engine = state.engine.write().unwrap_or_else(PoisonError::into_inner);
        work(engine.as_mut())
    })
    .await?
}

/// Refuses a change while the bus lines are re-planned.
fn not_replanning(state: &AppState) -> Result<(), ApiError> {
    if state.replan.running.load(Ordering::Acquire) {
        return Err(ApiError::with_status(
            409,
            None,
            "the bus lines are being re-planned; try again when `replan.running` is false",
        ));
    }
    Ok(())
}

/// `summary` with the server's `replan` state (and `replan_error` after a failed re-plan).
fn answer_summary(state: &AppState, mut summary: Value) -> axum::Json<Value> {
    if let Some(object) = summary.as_object_mut() {
        let progress = f64::from_bits(state.replan.progress.load(Ordering::Relaxed));
        let running = state.replan.running.load(Ordering::Acquire);
        object.insert(
            "replan".into(),
            json!({ "running": running, "progress": progress }),
        );
        let error = state.replan.error.lock();
        if let Some(error) = &*error.unwrap_or_else(PoisonError::into_inner) {
            object.insert("replan_error".into(), error.clone());
        }
    }
    axum::Json(summary)
}

async fn summary(State(state): State<Shared>) -> Answer {
    let summary = with_engine(&state, |engine| engine.summary()).await?;
    Ok(answer_summary(&state, summary))
}

async fn layers(
    State(state): State<Shared>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Answer {
    let Query(query) = query.map_err(|e| ApiError::bad(None, e.body_text()))?;
    let park = query.get("park").filter(|p| !p.is_empty()).cloned();
    let layers = with_engine(&state, move |engine| engine.layers(park.as_deref())).await?;
    Ok(axum::Json(layers))
}

async fn basemap(
    State(state): State<Shared>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Answer {
    let Query(query) = query.map_err(|e| ApiError::bad(None, e.body_text()))?;
    let (bbox, zoom) = basemap_query(&query)?;
    let Some(source) = state.basemap.clone() else {
        return Ok(axum::Json(
            json!({ "type": "FeatureCollection", "features": [] }),
        ));
    };
    tokio::task::spawn_blocking(move || axum::Json(source.features(bbox, zoom)))
        .await
        .map_err(|_| ApiError::with_status(500, None, "the basemap could not be drawn"))
}

/// `bbox=w,s,e,n&zoom=z`, checked.
fn basemap_query(query: &HashMap<String, String>) -> Result<([f64; 4], u8), ApiError> {
    let text = query.get("bbox").map(String::as_str).unwrap_or("");
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    let [w, s, e, n] = numbers[..] else {
        return Err(ApiError::bad(
            Some("bbox"),
            format!("bbox = {text:?}: give west,south,east,north in WGS-84 degrees"),
        ));
    };
    let lon_ok = |x: f64| x.is_finite() && (-180.0..=180.0).contains(&x);
    let lat_ok = |y: f64| y.is_finite() && (-90.0..=90.0).contains(&y);
    if !(lon_ok(w) && lon_ok(e) && lat_ok(s) && lat_ok(n) && w <= e && s <= n) {
        return Err(ApiError::bad(
            Some("bbox"),
            format!("bbox = {text:?}: west ≤ east in -180..180 and south ≤ north in -90..90"),
        ));
    }
    let zoom = query.get("zoom").map(String::as_str).unwrap_or("");
    let zoom = zoom
        .parse::<u8>()
        .ok()
        .filter(|z| *z <= 22)
        .ok_or_else(|| {
            ApiError::bad(
                Some("zoom"),
                format!("zoom = {zoom:?}: give a whole number 0..22"),
            )
        })?;
    Ok(([w, s, e, n], zoom))
}

/// What a body field must be.
#[derive(Clone, Copy)]
enum Kind {
    Lon,
    Lat,
    Text,
    OptionalText,
    Ring,
}

/// The body fields of each edit (the path's id is added by the route).
fn edit_fields(op: &str) -> &'static [(&'static str, Kind)] {
    const POINT: &[(&str, Kind)] = &[("lon", Kind::Lon), ("lat", Kind::Lat)];
    match op {
        "add_facility" => &[
            ("lon", Kind::Lon),
            ("lat", Kind::Lat),
            ("category", Kind::Text),
        ],
        "add_gate" => &[("park", Kind::Text), ("lon", Kind::Lon), ("lat", Kind::Lat)],
        "add_stop" => &[
            ("line", Kind::OptionalText),
            ("lon", Kind::Lon),
            ("lat", Kind::Lat),
        ],
        "move_facility" | "move_gate" | "move_stop" => POINT,
        "set_outline" => &[("ring", Kind::Ring)],
        "add_park" => &[("name", Kind::Text), ("ring", Kind::Ring)],
        _ => &[],
    }
}

/// A route under `method` that checks the body against `fields`, adds each path parameter
/// (`{id}`, `{park}`) under its own name, and hands the object to `work` on the engine; the
/// answer is the new summary. Refused while the bus lines are re-planned.
fn engine_route<F>(
    method: MethodFilter,
    fields: &'static [(&'static str, Kind)],
    work: F,
) -> MethodRouter<Shared>
where
    F: Fn(&mut dyn Engine, Map<String, Value>) -> Result<Value, ApiError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    on(
        method,
        move |State(state): State<Shared>,
              params: Result<RawPathParams, RawPathParamsRejection>,
              headers: HeaderMap,
              body: Result<Bytes, BytesRejection>| async move {
            not_replanning(&state)?;
            let mut object = checked_body(&headers, body, fields)?;
            let params = params.map_err(|e| ApiError::bad(Some("id"), e.body_text()))?;
            for (key, value) in &params {
                object.insert(key.into(), Value::String(value.into()));
            }
            let summary = change_engine(&state, move |engine| work(engine, object)).await?;
            Ok::<_, ApiError>(answer_summary(&state, summary))
        },
    )
}

/// The route of the edit `op` (the contract's `Edit`, `{"op": op, …}`) under `method`.
fn edit_route(method: MethodFilter, op: &'static str) -> MethodRouter<Shared> {
    engine_route(method, edit_fields(op), move |engine, mut edit| {
        edit.insert("op".into(), Value::String(op.into()));
        engine.apply(Value::Object(edit))
    })
}

/// `{"lang": "en" | "zh"}`.
fn lang_of(body: &Map<String, Value>) -> Result<Lang, ApiError> {
    match body.get("lang").and_then(Value::as_str) {
        Some("en") => Ok(Lang::En),
        Some("zh") => Ok(Lang::Zh),
        other => Err(ApiError::bad(
            Some("lang"),
            format!("lang = {other:?}: give \"en\" or \"zh\""),
        )),
    }
}

/// The body as a JSON object holding exactly `fields`, each of its kind. An empty body is an
/// empty object (DELETE, undo, redo).
fn checked_body(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    fields: &[(&'static str, Kind)],
) -> Result<Map<String, Value>, ApiError> {
    let body = body.map_err(|e| {
        let status = e.status().as_u16();
        let message = if status == 413 {
            format!("the request body is larger than {BODY_LIMIT_BYTES} bytes")
        } else {
            e.body_text()
        };
        ApiError::with_status(status, None, message)
    })?;
    if body.iter().all(u8::is_ascii_whitespace) {
        let object = Map::new();
        check_fields(&object, fields)?;
        return Ok(object);
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !is_json {
        return Err(ApiError::with_status(
            415,
            None,
            "send the body as JSON with the header Content-Type: application/json",
        ));
    }
    let value: Value = serde_json::from_slice(&body).map_err(|e| json_error(&body, &e))?;
    let Value::Object(object) = value else {
        return Err(ApiError::bad(
            None,
            format!("the body must be a JSON object with {}", field_list(fields)),
        ));
    };
    check_fields(&object, fields)?;
    Ok(object)
}

/// `lon, lat, category`.
fn field_list(fields: &[(&str, Kind)]) -> String {
    if fields.is_empty() {
        return "no fields".into();
    }
    let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
    names.join(", ")
}

/// A JSON syntax error, naming the field whose value it is in when there is one (a bare `NaN`
/// or `1e999` is a syntax error in JSON).
fn json_error(body: &[u8], error: &serde_json::Error) -> ApiError {
    let text = String::from_utf8_lossy(body);
    let offset = byte_offset(&text, error.line(), error.column());
    let field = field_at(&text[..offset.min(text.len())]);
    let message = match &field {
        Some(field) => format!(
            "the body is not valid JSON ({error}) in the value of {field:?}: numbers must be finite and written as JSON numbers"
        ),
        None => format!("the body is not valid JSON ({error})"),
    };
    ApiError::bad(field.as_deref(), message)
}

/// The byte offset of a 1-based line and column.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    start + column
}

/// The key whose value `prefix` ends in (`{"lon": 1, "lat": NaN` → `lat`): the last `"key":`
/// not followed by a `,` outside brackets.
fn field_at(prefix: &str) -> Option<String> {
    let colon = prefix.rfind(':')?;
    let value = &prefix[colon + 1..];
    let depth = value.matches('[').count() as isize - value.matches(']').count() as isize;
    if depth <= 0 && value.contains(',') {
        return None;
    }
    let key = prefix[..colon].trim_end().strip_suffix('"')?;
    let start = key.rfind('"')?;
    let key = &key[start + 1..];
    (!key.is_empty() && key.len() <= 40).then(|| key.to_string())
}

/// Every field of `fields` is present (but an optional one) and of its kind; no other field.
fn check_fields(
    object: &Map<String, Value>,
    fields: &[(&'static str, Kind)],
) -> Result<(), ApiError> {
    if let Some(unknown) = object.keys().find(|k| !fields.iter().any(|(f, _)| f == k)) {
        return Err(ApiError::bad(
            Some(unknown),
            format!(
                "unknown field {unknown:?}: this request takes {}",
                field_list(fields)
            ),
        ));
    }
    for &(name, kind) in fields {
        check_field(name, kind, object.get(name))?;
    }
    Ok(())
}

fn check_field(name: &str, kind: Kind, value: Option<&Value>) -> Result<(), ApiError> {
    let bad = |message: String| Err(ApiError::bad(Some(name), message));
    match (kind, value) {
        (Kind::OptionalText, None | Some(Value::Null)) => Ok(()),
        (_, None) => bad(format!("the field {name:?} is missing")),
        (Kind::Lon, Some(v)) => check_degrees(name, v, 180.0, "longitude, east of Greenwich"),
        (Kind::Lat, Some(v)) => check_degrees(name, v, 90.0, "latitude, north of the equator"),
        (Kind::Text | Kind::OptionalText, Some(Value::String(s))) if !s.trim().is_empty() => Ok(()),
        (Kind::Text | Kind::OptionalText, Some(v)) => {
            bad(format!("{name} = {v}: give a non-empty text"))
        }
        (Kind::Ring, Some(v)) => check_ring(name, v),
    }
}

/// A finite number of WGS-84 degrees within ±`limit`.
fn check_degrees(name: &str, value: &Value, limit: f64, what: &str) -> Result<(), ApiError> {
    match value.as_f64() {
        Some(x) if x.is_finite() && x.abs() <= limit => Ok(()),
        Some(x) => Err(ApiError::bad(
            Some(name),
            format!("{name} = {x} is outside -{limit}..{limit}: give WGS-84 degrees ({what})"),
        )),
        None => Err(ApiError::bad(
            Some(name),
            format!("{name} = {value}: give a number of WGS-84 degrees ({what})"),
        )),
    }
}

/// At least three `[lon, lat]` points in range.
fn check_ring(name: &str, value: &Value) -> Result<(), ApiError> {
    let bad = |message: String| Err(ApiError::bad(Some(name), message));
    let Some(points) = value.as_array() else {
        return bad(format!("{name} must be a list of [lon, lat] points"));
    };
    if points.len() < 3 {
        return bad(format!(
            "{name} has {} points: an outline needs at least 3 [lon, lat] points",
            points.len()
        ));
    }
    for (i, point) in points.iter().enumerate() {
        let pair = point.as_array().filter(|p| p.len() == 2);
        let ok = pair.is_some_and(|p| {
            let lon = p[0].as_f64().filter(|x| x.is_finite() && x.abs() <= 180.0);
            let lat = p[1].as_f64().filter(|y| y.is_finite() && y.abs() <= 90.0);
            lon.is_some() && lat.is_some()
        });
        if !ok {
            return bad(format!(
                "{name} point {} = {point}: give [lon, lat] in WGS-84 degrees",
                i + 1
            ));
        }
    }
    Ok(())
}

/// Starts re-planning the bus lines in the background (202 with the summary); `GET
/// /api/summary` shows its progress, and `replan_error` if it fails.
async fn replan(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    checked_body(&headers, body, &[])?;
    let summary = blocking(&state, |state| {
        // After any change under way, before any other: a change never waits behind it.
        let _changing = state
            .changing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if state.replan.running.swap(true, Ordering::AcqRel) {
            return Err(ApiError::with_status(
                409,
                None,
                "the bus lines are already being re-planned",
            ));
        }
        state
            .replan
            .progress
            .store(0f64.to_bits(), Ordering::Relaxed);
        *state
            .replan
            .error
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
        let engine = state.engine.read().unwrap_or_else(PoisonError::into_inner);
        Ok(engine.summary())
    })
    .await??;
    let background = Arc::clone(&state);
    tokio::task::spawn_blocking(move || run_replan(&background));
    Ok((StatusCode::ACCEPTED, answer_summary(&state, summary)).into_response())
}

/// Plans the lines under the read lock, then puts them in place under the write lock; the
/// re-plan is over (progress 1) however this ends, a panic included.
fn run_replan(state: &AppState) {
    struct Over<'a>(&'a Replan);
    impl Drop for Over<'_> {
        fn drop(&mut self) {
            self.0.progress.store(1f64.to_bits(), Ordering::Relaxed);
            self.0.running.store(false, Ordering::Release);
        }
    }
    let _over = Over(&state.replan);
    let planned = {
        let engine = state.engine.read().unwrap_or_else(PoisonError::into_inner);
        engine.plan_lines(&state.replan)
    };
    let taken = planned.and_then(|planned| {
        let mut engine = state.engine.write().unwrap_or_else(PoisonError::into_inner);
        engine.take_lines(planned)
    });
    if let Err(e) = taken {
        *state
            .replan
            .error
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(e.body());
    }
}

/// A scenario name usable as a folder name on every system.
fn check_name(name: Option<&Value>) -> Result<String, ApiError> {
    let text = name.and_then(Value::as_str).unwrap_or("").trim();
    let ok = !text.is_empty()
        && text.chars().count() <= 64
        && !text.starts_with('.')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.".contains(c));
    if !ok {
        return Err(ApiError::bad(
            Some("name"),
            format!(
                "name = {text:?}: give 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'"
            ),
        ));
    }
    Ok(text.to_string())
}

/// Saves the edited scenario as planner files and a scenario TOML in `<out>/scenarios/<name>/`.
async fn save(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    not_replanning(&state)?;
    let body = checked_body(&headers, body, &[("name", Kind::Text)])?;
    let name = check_name(body.get("name"))?;
    let dir = state.out.join("scenarios").join(&name);
    let written = change_engine(&state, move |engine| {
        let files = engine.scenario_files(&name)?;
        write_files(&dir, &files, engine.input_paths(), "name").map(|names| (dir, names))
    })
    .await?;
    let (dir, names) = written;
    let toml = names
        .iter()
        .find(|n| n.ends_with(".toml"))
        .cloned()
        .unwrap_or_else(|| "scenario.toml".into());
    let dir = dir.canonicalize().unwrap_or(dir);
    Ok(axum::Json(json!({
        "dir": dir.display().to_string(),
        "files": names,
        "command": format!("lifecircle plan --config {}", dir.join(toml).display()),
    })))
}

/// Writes the report of the edited scenario to `<out>/report/`.
async fn export(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    not_replanning(&state)?;
    checked_body(&headers, body, &[])?;
    let dir = state.out.join("report");
    let (dir, names) = change_engine(&state, move |engine| {
        let files = engine.report_files()?;
        write_files(&dir, &files, engine.input_paths(), "dir").map(|names| (dir, names))
    })
    .await?;
    let dir = dir.canonicalize().unwrap_or(dir);
    Ok(axum::Json(json!({
        "dir": dir.display().to_string(),
        "files": names,
        "report": dir.join("report.html").display().to_string(),
    })))
}

/// Writes `files` into `dir` through `report::outdir` (atomic; never replaces a file lifecircle
/// did not write; removes its own files of an earlier save that this one does not make).
fn write_files(
    dir: &FsPath,
    files: &[crate::report::OutputFile],
    inputs: Vec<(&'static str, PathBuf)>,
    field: &str,
) -> Result<Vec<String>, ApiError> {
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let refuse = |e: crate::Error| ApiError::with_status(409, Some(field), e.to_string());
    let out = outdir::prepare(dir, &names, true, &inputs).map_err(refuse)?;
    out.commit(files).map_err(refuse)?;
    Ok(names.iter().map(|n| n.to_string()).collect())
}

async fn index() -> Response {
    file_response(assets::INDEX, assets::index_html(), NO_CACHE)
}

/// `Cache-Control` of the page and unversioned files: ask again every time.
const NO_CACHE: &str = "no-cache";
/// `Cache-Control` of a file under this binary's version: its bytes never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

async fn asset(Path(path): Path<String>) -> Response {
    let (file, version) = assets::unversioned(&path);
    let Some(bytes) = assets::get(file) else {
        return ApiError::with_status(404, None, format!("no embedded file assets/{file}"))
            .into_response();
    };
    let cache = if version == Some(true) {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    file_response(file, bytes, cache)
}

/// An embedded file with its content type and caching.
fn file_response(path: &str, bytes: &'static [u8], cache: &'static str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(assets::content_type(path)),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    response
}

async fn no_route(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::with_status(404, None, format!("no such route: {method} {}", uri.path()))
}

async fn wrong_method(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::with_status(405, None, format!("{} does not take {method}", uri.path()))
}
