// lifecircle serve: the what-if page. Plain JavaScript over Leaflet's canvas renderer (no
// WebGL, no build step). Talks only to the server that sent it (/api/*: the README,
// "What-if in the browser").
'use strict';

// ---- UI strings: one table per language, keyed by message id -------------------------------
const STRINGS = {
  en: {
    park: 'Park', now: 'Now', baseline: 'Baseline', delta: 'Δ (pp)', category: 'Category',
    tools: 'Edit', facility: 'Facility', gate: 'Gate', outline: 'Outline', stop: 'Bus stop',
    line: 'Line', add: 'Add', move: 'Move', delete: 'Delete', draw_outline: 'Draw outline',
    new_park: 'New park', finish: 'Finish', cancel: 'Cancel', undo: 'Undo', redo: 'Redo',
    save: 'Save as scenario', export: 'Export report', replan: 'Re-plan bus lines',
    layers: 'Layers', bands: '{bands}-minute walk', gaps: 'Gaps', sites: 'Suggested sites',
    reach: '{commute}-minute reach', bus: 'Bus lines and stops', ready: 'ready', loading: 'loading',
    life_circle: '{life}-minute life circle', commute: 'Commute ({commute} min)', mode: 'Mode',
    residents: 'residents', no_data: 'no data', edits: 'edits', proposed_line: '(proposed line)',
    answered: 'answered in {ms} ms (engine {engine} ms)', replanning: 're-planning bus lines…',
    ask_name: 'Scenario name (letters, digits, - and _):', ask_park: 'Name of the new park:',
    saved: 'Saved to {dir}. Reproduce with:', exported: 'Report written to {dir}',
    hint_add_facility: 'Click the map to add a facility of the chosen category.',
    hint_move_facility: 'Drag a facility to where it goes (or click it, then click the place).',
    hint_delete_facility: 'Click a facility to delete it.',
    hint_add_gate: 'Click the map to add a gate to the selected park.',
    hint_move_gate: 'Drag a gate to where it goes (or click it, then click the place).',
    hint_delete_gate: 'Click a gate to delete it.',
    hint_draw_outline: 'Click the corners of the selected park; Finish (or double-click) when done.',
    hint_add_park: 'Click the corners of the new park; Finish (or double-click) when done.',
    hint_add_stop: 'Click the map to add a stop to the chosen line.',
    hint_move_stop: 'Drag a stop to where it goes (or click it, then click the place).',
    hint_delete_stop: 'Click a stop to delete it.',
    stop_here: 'A stop is already here: {name}. Click beside it to add another, or move it with Move.',
    hint_picked: 'Now click where it goes.', no_park: 'Select a park first.',
    need_ring: 'An outline needs at least 3 corners.', offline: 'The server did not answer: {msg}',
    gates: 'Gates', facilities: 'Facilities', stops: 'Bus stops',
    bus_section: 'Reservation bus', bus_totals: 'All parks', delta_count: 'Δ',
    stop_reach: 'Workers who can walk to a stop', carried: 'Workers carried',
    within_target: 'Workers within {target} min', vehicles: 'Vehicles', lines: 'Lines',
    of_sample: 'of {n} in the sample', stale: 'out of date — re-plan',
    stale_note: '{n} line(s) out of date ({lines}): line figures are as last planned; re-plan to update them.',
    replan_failed: 'The re-plan failed: {msg}',
  },
  zh: {
    park: '园区', now: '现状', baseline: '基准', delta: '变化（百分点）', category: '类别',
    tools: '编辑', facility: '设施', gate: '出入口', outline: '边界', stop: '公交站',
    line: '线路', add: '添加', move: '移动', delete: '删除', draw_outline: '绘制边界',
    new_park: '新园区', finish: '完成', cancel: '取消', undo: '撤销', redo: '重做',
    save: '另存为方案', export: '导出报告', replan: '重新规划公交线路',
    layers: '图层', bands: '{bands} 分钟步行圈', gaps: '缺口', sites: '建议选址',
    reach: '{commute} 分钟可达范围', bus: '公交线路与站点', ready: '就绪', loading: '加载中',
    life_circle: '{life} 分钟生活圈', commute: '通勤（{commute} 分钟）', mode: '方式',
    residents: '居民', no_data: '无数据', edits: '项修改', proposed_line: '（新线路）',
    answered: '{ms} 毫秒完成（计算 {engine} 毫秒）', replanning: '正在重新规划公交线路…',
    ask_name: '方案名称（字母、数字、- 和 _）：', ask_park: '新园区名称：',
    saved: '已保存到 {dir}。复现命令：', exported: '报告已写入 {dir}',
    hint_add_facility: '在地图上点击，添加所选类别的设施。',
    hint_move_facility: '将设施拖到新位置（或先点击设施，再点击新位置）。',
    hint_delete_facility: '点击设施将其删除。',
    hint_add_gate: '在地图上点击，为所选园区添加出入口。',
    hint_move_gate: '将出入口拖到新位置（或先点击出入口，再点击新位置）。',
    hint_delete_gate: '点击出入口将其删除。',
    hint_draw_outline: '依次点击所选园区的边界拐点，完成后点“完成”（或双击）。',
    hint_add_park: '依次点击新园区的边界拐点，完成后点“完成”（或双击）。',
    hint_add_stop: '在地图上点击，为所选线路添加站点。',
    hint_move_stop: '将站点拖到新位置（或先点击站点，再点击新位置）。',
    hint_delete_stop: '点击站点将其删除。',
    stop_here: '这里已有站点：{name}。如需再加一站，请点击旁边；如需调整，请用“移动”。',
    hint_picked: '现在点击新位置。', no_park: '请先选择园区。',
    need_ring: '边界至少需要 3 个拐点。', offline: '服务器没有响应：{msg}',
    gates: '出入口', facilities: '设施', stops: '公交站',
    bus_section: '预约公交', bus_totals: '全部园区', delta_count: '变化',
    stop_reach: '可步行到站的职工', carried: '乘车职工',
    within_target: '{target} 分钟内到岗的职工', vehicles: '车辆', lines: '线路',
    of_sample: '样本共 {n} 人', stale: '待重新规划',
    stale_note: '{n} 条线路待重新规划（{lines}）：线路指标为上次规划结果，重新规划后更新。',
    replan_failed: '重新规划失败：{msg}',
  },
};
let lang = 'en';
function t(key, vars) {
  let s = (STRINGS[lang] && STRINGS[lang][key]) || STRINGS.en[key] || key;
  for (const [k, v] of Object.entries(Object.assign(runMinutes(), vars))) s = s.replace('{' + k + '}', v);
  return s;
}
// The run's minutes the labels name: the life circle and its walking bands, the commute target
// and the bus's door-to-door target.
function runMinutes() {
  const m = (x, otherwise) => (typeof x === 'number' ? String(Math.round(x * 10) / 10) : otherwise);
  return {
    life: m(summary && summary.life_circle_minutes, '15'),
    bands: runBands().map((b) => m(b)).join('/'),
    commute: m(summary && summary.commute_minutes, '30'),
    target: m(summary && summary.bus_target_minutes, '30'),
  };
}
function runBands() {
  return summary && Array.isArray(summary.band_minutes) ? summary.band_minutes : [5, 10, 15];
}

// ---- Styles ----------------------------------------------------------------------------------
const PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
  '#17becf', '#bcbd22', '#7f7f7f', '#393b79', '#ad494a'];
const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'star', 'cross', 'hexagon', 'triangle-down'];
const MODE_COLOURS = { walk: '#2ca02c', bike: '#1f77b4', ebike: '#17becf', bus: '#d62728', car: '#7f7f7f' };
// A line an edit may have changed since it was planned: grey and dashed until re-planned.
const STALE_LINE = { color: '#8a8a8a', weight: 3, opacity: 0.9, dashArray: '7 5' };
// The walking bands, inner to outer, whatever their minutes.
const BAND_COLOURS = ['#1a9850', '#91cf60', '#d9ef8b'];
function bandColour(minutes) {
  return BAND_COLOURS[runBands().findIndex((b) => Math.abs(b - minutes) < 1e-6)] || '#ccc';
}
const ROAD_STYLE = {
  motorway: ['#e892a2', 4], trunk: ['#f9b29c', 4], primary: ['#fcd6a4', 3.5],
  secondary: ['#f7fabf', 3], tertiary: ['#ffffff', 3], motorway_link: ['#e892a2', 2],
  trunk_link: ['#f9b29c', 2], primary_link: ['#fcd6a4', 2], secondary_link: ['#f7fabf', 2],
  tertiary_link: ['#ffffff', 2], residential: ['#ffffff', 2.2], unclassified: ['#ffffff', 2.2],
  living_street: ['#ededed', 2.2], road: ['#ffffff', 2], service: ['#ffffff', 1.3],
  pedestrian: ['#dddde8', 2], track: ['#b08a5a', 1], footway: ['#fa8072', 1],
  path: ['#fa8072', 1], cycleway: ['#4169e1', 1], bridleway: ['#2e8b57', 1], steps: ['#fa8072', 1.5],
};
function categoryStyle(key) {
  const i = Math.max(0, (summary ? summary.categories : []).findIndex((c) => c.key === key));
  return { colour: PALETTE[i % PALETTE.length], shape: SHAPES[i % SHAPES.length] };
}

// Shaped point markers on the canvas: a CircleMarker whose path is a square, triangle, …
L.Canvas.include({
  _updateShape(layer) {
    if (!this._drawing || layer._empty()) return;
    const p = layer._point, r = layer._radius, ctx = this._ctx;
    ctx.beginPath();
    drawShape(ctx, layer.options.shape, p.x, p.y, r);
    this._fillStroke(ctx, layer);
  },
});
const ShapeMarker = L.CircleMarker.extend({
  _updatePath() { this._renderer._updateShape(this); },
});
function drawShape(ctx, shape, x, y, r) {
  const poly = (pts) => { pts.forEach(([a, b], i) => (i ? ctx.lineTo(x + a, y + b) : ctx.moveTo(x + a, y + b))); ctx.closePath(); };
  const star = (n, r1, r2) => { const pts = []; for (let i = 0; i < 2 * n; i++) { const a = Math.PI * i / n - Math.PI / 2, rr = i % 2 ? r2 : r1; pts.push([rr * Math.cos(a), rr * Math.sin(a)]); } poly(pts); };
  switch (shape) {
    case 'square': poly([[-r, -r], [r, -r], [r, r], [-r, r]]); break;
    case 'triangle': poly([[0, -r * 1.2], [r * 1.1, r * 0.8], [-r * 1.1, r * 0.8]]); break;
    case 'triangle-down': poly([[0, r * 1.2], [r * 1.1, -r * 0.8], [-r * 1.1, -r * 0.8]]); break;
    case 'diamond': poly([[0, -r * 1.3], [r * 1.1, 0], [0, r * 1.3], [-r * 1.1, 0]]); break;
    case 'star': star(5, r * 1.35, r * 0.6); break;
    case 'hexagon': star(3, r * 1.1, r * 1.1); break;
    case 'cross': { const a = r * 0.45; poly([[-a, -r], [a, -r], [a, -a], [r, -a], [r, a], [a, a], [a, r], [-a, r], [-a, a], [-r, a], [-r, -a], [-a, -a]]); break; }
    default: ctx.arc(x, y, r, 0, Math.PI * 2);
  }
}

// ---- State -----------------------------------------------------------------------------------
let summary = null;
let selectedPark = null;
let tool = null;
let picked = null;          // {kind, id} while moving a feature
let drawing = [];           // corners of an outline being drawn
const data = {};            // layer key → FeatureCollection as last drawn
const drawn = {};           // layer key → JSON text last drawn (to redraw only what changed)
let basemapAbort = null;
let basemapData = null;

// ---- Map ---------------------------------------------------------------------------------------
const map = L.map('map', { preferCanvas: true, zoomControl: true, doubleClickZoom: false, minZoom: 3, maxZoom: 19 });
map.attributionControl.setPrefix(false);
map.attributionControl.addAttribution('© OpenStreetMap contributors (ODbL)');
map.setView([0, 0], 3);
const panes = [['basemap', 200], ['bands', 350], ['overlay', 420], ['points', 450], ['sites', 620], ['labels', 640]];
const renderers = {};
for (const [name, z] of panes) {
  map.createPane(name).style.zIndex = z;
  renderers[name] = L.canvas({ pane: name, padding: 0.3 });
}
map.getPane('labels').style.pointerEvents = 'none';
map.getPane('basemap').style.pointerEvents = 'none';
const groups = {};
for (const key of ['basemap', 'bands', 'reach', 'gaps', 'parks', 'bus_lines', 'gates', 'facilities', 'bus_stops', 'sites', 'draft']) {
  groups[key] = L.layerGroup().addTo(map);
}

// ---- API ---------------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(message, field) { super(message); this.field = field; }
}
async function api(method, path, body) {
  const started = performance.now();
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(t('offline', { msg: e.message }), null);
  }
  let json = null;
  try { json = await res.json(); } catch (e) { json = null; }
  if (!res.ok) {
    throw new ApiError((json && json.error) || res.status + ' ' + res.statusText, json && json.field);
  }
  return { json, ms: performance.now() - started };
}
function showError(e) {
  const box = document.getElementById('error');
  box.textContent = e.field ? e.field + ': ' + e.message : e.message;
  box.hidden = false;
}
function clearError() {
  const box = document.getElementById('error');
  box.hidden = true;
  box.textContent = '';
}

/** Sends an edit; on success shows the new summary and redraws what changed. */
async function edit(method, path, body) {
  clearError();
  try {
    const { json, ms } = await api(method, path, body);
    await applySummary(json, ms);
    return true;
  } catch (e) {
    showError(e);
    return false;
  }
}

async function applySummary(s, ms, all) {
  const langChanged = summary && summary.lang !== s.lang;
  const versionChanged = !summary || summary.version !== s.version;
  summary = s;
  lang = s.lang === 'zh' ? 'zh' : 'en';
  renderPanel();
  if (versionChanged) {
    const parks = langChanged || all ? null : s.changed_parks || [];
    await refreshLayers(parks);
  }
  if (ms !== undefined) {
    document.getElementById('timing').textContent = t('answered', { ms: Math.round(ms), engine: (s.elapsed_ms || 0).toFixed(1) });
  }
}

// ---- Layers ------------------------------------------------------------------------------------
const PER_PARK = ['bands', 'gaps', 'sites', 'reach'];
const LAYER_KEYS = ['parks', 'gates', 'facilities', 'bands', 'gaps', 'sites', 'reach', 'bus_lines', 'bus_stops'];

/** Fetches the layers: all of them (parks === null), or those of the changed parks merged
 * into what is drawn (the park-independent layers are taken whole from the answer). */
async function refreshLayers(parks) {
  if (parks === null || !data.parks) {
    const { json } = await api('GET', '/api/layers');
    for (const key of LAYER_KEYS) data[key] = json[key] || emptyFc();
  } else {
    const wanted = parks.length ? parks : [selectedPark].filter(Boolean);
    for (const park of wanted) {
      const { json } = await api('GET', '/api/layers?park=' + encodeURIComponent(park));
      for (const key of LAYER_KEYS) {
        if (!json[key]) continue;
        if (PER_PARK.includes(key)) {
          const kept = (data[key] || emptyFc()).features.filter((f) => f.properties.park !== park);
          data[key] = { type: 'FeatureCollection', features: kept.concat(json[key].features) };
        } else {
          data[key] = json[key];
        }
      }
    }
  }
  drawLayers();
}
function emptyFc() { return { type: 'FeatureCollection', features: [] }; }

function drawLayers() {
  for (const key of LAYER_KEYS) {
    const fc = data[key] || emptyFc();
    const text = JSON.stringify(fc);
    if (drawn[key] === text) continue;
    drawn[key] = text;
    groups[key].clearLayers();
    groups[key].addLayer(DRAW[key](fc));
  }
  applyToggles();
  drawLabels();
}

const DRAW = {
  parks: (fc) => L.geoJSON(fc, {
    renderer: renderers.overlay,
    style: (f) => ({ color: '#5e3c99', weight: f.properties.id === selectedPark ? 3 : 1.5, fillColor: '#b2abd2', fillOpacity: 0.12 }),
    onEachFeature: (f, l) => l.on('click', (e) => {
      if (!tool) { selectPark(f.properties.id); L.DomEvent.stopPropagation(e); }
    }),
  }),
  bands: (fc) => L.geoJSON({ type: 'FeatureCollection', features: fc.features.slice().sort((a, b) => b.properties.minutes - a.properties.minutes) }, {
    renderer: renderers.bands, interactive: false,
    style: (f) => ({ stroke: true, weight: 0.8, color: bandColour(f.properties.minutes), fillColor: bandColour(f.properties.minutes), fillOpacity: 0.16 }),
  }),
  gaps: (fc) => L.geoJSON(fc, {
    renderer: renderers.overlay, interactive: false,
    style: () => ({ color: '#d7301f', weight: 1, dashArray: '4 3', fillColor: '#d7301f', fillOpacity: 0.12 }),
    pointToLayer: (f, ll) => L.circleMarker(ll, { renderer: renderers.overlay, radius: 3, color: '#d7301f', weight: 1, fillOpacity: 0.5 }),
  }),
  reach: (fc) => L.geoJSON(fc, {
    renderer: renderers.bands, interactive: false,
    style: (f) => ({ color: MODE_COLOURS[f.properties.mode] || '#555', weight: 2, fill: false }),
  }),
  sites: (fc) => L.geoJSON(fc, {
    pointToLayer: (f, ll) => L.marker(ll, {
      pane: 'sites', keyboard: false,
      icon: L.divIcon({ className: 'site-icon', html: String(f.properties.rank || ''), iconSize: [20, 20] }),
    }),
    onEachFeature: (f, l) => l.bindTooltip(siteLabel(f.properties)),
  }),
  bus_lines: (fc) => L.geoJSON(fc, {
    renderer: renderers.overlay,
    style: (f) => (f.properties.stale ? STALE_LINE : { color: PALETTE[hash(f.properties.id) % PALETTE.length], weight: 3, opacity: 0.8 }),
    onEachFeature: (f, l) => l.bindTooltip(String(f.properties.name || f.properties.id) + (f.properties.stale ? ' · ' + t('stale') : '')),
  }),
  gates: (fc) => pointLayer(fc, 'gate', () => ({ shape: 'square', radius: 4, color: '#fff', weight: 1.5, fillColor: '#222', fillOpacity: 1 }),
    (p) => p.id),
  facilities: (fc) => pointLayer(fc, 'facility', (p) => {
    const s = categoryStyle(p.category);
    return { shape: s.shape, radius: 5, color: '#fff', weight: 1, fillColor: s.colour, fillOpacity: 0.95 };
  }, (p) => [p.name, categoryLabel(p.category)].filter(Boolean).join(' · ')),
  bus_stops: (fc) => pointLayer(fc, 'stop', () => ({ shape: 'circle', radius: 4, color: '#b00', weight: 2, fillColor: '#fff', fillOpacity: 1 }),
    (p) => p.name || p.id),
};

function pointLayer(fc, kind, style, tip) {
  return L.geoJSON(fc, {
    pointToLayer: (f, ll) => new ShapeMarker(ll, Object.assign({ renderer: renderers.points }, style(f.properties))),
    onEachFeature: (f, l) => {
      const text = tip(f.properties);
      if (text) l.bindTooltip(String(text));
      l.on('click', (e) => featureClicked(kind, f, e));
      l.on('mousedown', (e) => startDrag(kind, f, l, e));
    },
  });
}
function siteLabel(p) { return [p.rank, categoryLabel(p.category), p.label].filter((v) => v !== undefined && v !== null && v !== '').join(' · '); }
function categoryLabel(key) {
  const c = summary && summary.categories.find((x) => x.key === key);
  return c ? c.label : key;
}
function hash(s) { let h = 0; for (const ch of String(s)) h = (h * 31 + ch.charCodeAt(0)) >>> 0; return h; }

function applyToggles() {
  const show = (key, on) => (on ? map.addLayer(groups[key]) : map.removeLayer(groups[key]));
  show('bands', document.getElementById('show-bands').checked);
  show('gaps', document.getElementById('show-gaps').checked);
  show('sites', document.getElementById('show-sites').checked);
  show('reach', document.getElementById('show-reach').checked);
  const bus = document.getElementById('show-bus').checked;
  show('bus_lines', bus);
  show('bus_stops', bus);
}

// ---- Basemap -------------------------------------------------------------------------------------
async function loadBasemap() {
  if (basemapAbort) basemapAbort.abort();
  const abort = new AbortController();
  basemapAbort = abort;
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(',');
  try {
    const res = await fetch('/api/basemap?bbox=' + bbox + '&zoom=' + map.getZoom(), { signal: abort.signal });
    if (!res.ok) return;
    basemapData = await res.json();
  } catch (e) {
    return; // aborted by a newer view, or the server is gone (the edits report that)
  }
  groups.basemap.clearLayers();
  groups.basemap.addLayer(L.geoJSON(basemapData, {
    renderer: renderers.basemap, interactive: false,
    filter: (f) => f.properties.layer !== 'place',
    style: basemapStyle,
  }));
  drawLabels();
}
function basemapStyle(f) {
  const p = f.properties, z = map.getZoom(), k = Math.max(0.6, Math.min(2.2, (z - 11) / 3));
  switch (p.layer) {
    case 'water': return { stroke: false, fillColor: '#aad3df', fillOpacity: 1 };
    case 'waterway': return { color: '#aad3df', weight: 2 * k };
    case 'building': return { color: '#c4b6ab', weight: 0.5, fillColor: '#d9d0c9', fillOpacity: 1 };
    case 'rail': return { color: '#707070', weight: 1.5, dashArray: '6 4' };
    default: {
      const [colour, w] = ROAD_STYLE[p.class] || ['#ffffff', 1];
      return { color: colour, weight: w * k, dashArray: w <= 1 ? '3 3' : null, opacity: 1 };
    }
  }
}

// ---- Labels: place, park and street names, drawn once per view without overlaps --------------
const labelCanvas = L.DomUtil.create('canvas', 'label-canvas', map.getPane('labels'));
function drawLabels() {
  const size = map.getSize();
  const ratio = window.devicePixelRatio || 1;
  labelCanvas.width = size.x * ratio;
  labelCanvas.height = size.y * ratio;
  labelCanvas.style.width = size.x + 'px';
  labelCanvas.style.height = size.y + 'px';
  L.DomUtil.setPosition(labelCanvas, map.containerPointToLayerPoint([0, 0]));
  const ctx = labelCanvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, size.x, size.y);
  const placed = [];
  const z = map.getZoom();
  for (const f of (data.parks || emptyFc()).features) {
    const c = L.geoJSON(f).getBounds().getCenter();
    placeLabel(ctx, placed, String(f.properties.name || f.properties.id), map.latLngToContainerPoint(c), 0, 'bold 13px sans-serif', '#4b2c80');
  }
  const features = (basemapData && basemapData.features) || [];
  for (const f of features.filter((x) => x.properties.layer === 'place')) {
    const [lon, lat] = f.geometry.coordinates;
    const big = ['city', 'town'].includes(f.properties.class);
    placeLabel(ctx, placed, featureName(f.properties), map.latLngToContainerPoint([lat, lon]), 0, (big ? 'bold 14px' : '12px') + ' sans-serif', '#333');
  }
  const roads = features.filter((x) => (x.properties.layer === 'road' && z >= 15) || x.properties.layer === 'waterway');
  for (const f of roads.reverse()) {
    const name = featureName(f.properties);
    if (!name) continue;
    const seg = longestSegment(f.geometry);
    if (!seg) continue;
    const font = '11px sans-serif';
    ctx.font = font;
    if (seg.length < ctx.measureText(name).width + 12) continue;
    let angle = Math.atan2(seg.b.y - seg.a.y, seg.b.x - seg.a.x);
    if (angle > Math.PI / 2) angle -= Math.PI;
    if (angle < -Math.PI / 2) angle += Math.PI;
    placeLabel(ctx, placed, name, L.point((seg.a.x + seg.b.x) / 2, (seg.a.y + seg.b.y) / 2), angle, font, f.properties.layer === 'waterway' ? '#2a6f9b' : '#444');
  }
}
function featureName(p) {
  if (lang === 'zh') return p.name_zh || p.name || '';
  return p.name_en || p.name || '';
}
function longestSegment(geometry) {
  const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.type === 'MultiLineString' ? geometry.coordinates : [];
  let best = null;
  for (const line of lines) {
    for (let i = 1; i < line.length; i++) {
      const a = map.latLngToContainerPoint([line[i - 1][1], line[i - 1][0]]);
      const b = map.latLngToContainerPoint([line[i][1], line[i][0]]);
      const length = a.distanceTo(b);
      if (!best || length > best.length) best = { a, b, length };
    }
  }
  return best;
}
function placeLabel(ctx, placed, text, at, angle, font, colour) {
  if (!text) return;
  ctx.font = font;
  const w = ctx.measureText(text).width + 4, h = 14;
  const cos = Math.abs(Math.cos(angle)), sin = Math.abs(Math.sin(angle));
  const bw = w * cos + h * sin, bh = w * sin + h * cos;
  const box = [at.x - bw / 2, at.y - bh / 2, at.x + bw / 2, at.y + bh / 2];
  const size = map.getSize();
  if (box[0] < 0 || box[1] < 0 || box[2] > size.x || box[3] > size.y) return;
  if (placed.some((o) => box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3])) return;
  placed.push(box);
  ctx.save();
  ctx.translate(at.x, at.y);
  ctx.rotate(angle);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(255,255,255,0.9)';
  ctx.strokeText(text, 0, 0);
  ctx.fillStyle = colour;
  ctx.fillText(text, 0, 0);
  ctx.restore();
}

// ---- Panel -------------------------------------------------------------------------------------
function pct(share) { return share === null || share === undefined ? null : Math.round(share * 100) + ' %'; }
function cell(tag, text, cls) {
  const e = document.createElement(tag);
  if (text === null || text === undefined) { e.textContent = t('no_data'); e.className = 'nodata'; } else { e.textContent = text; }
  if (cls) e.classList.add(cls);
  return e;
}
function deltaCell(now, base) {
  if (now === null || now === undefined || base === null || base === undefined) return cell('td', '');
  const d = Math.round((now - base) * 100);
  return cell('td', d === 0 ? '0' : (d > 0 ? '+' : '−') + Math.abs(d), d > 0 ? 'up' : d < 0 ? 'down' : null);
}

function renderPanel() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.getElementById('lang-select').value = lang;
  document.getElementById('title').textContent = summary.title || 'lifecircle';
  document.title = (summary.title || 'lifecircle') + ' · lifecircle serve';
  for (const e of document.querySelectorAll('[data-t]')) e.textContent = t(e.dataset.t);
  if (!selectedPark || !summary.parks.some((p) => p.id === selectedPark)) selectedPark = summary.parks.length ? summary.parks[0].id : null;
  renderParkSelect();
  renderParkList();
  renderParkDetail();
  renderCategories();
  renderLines();
  renderLegend();
  document.getElementById('undo').disabled = !summary.can_undo;
  document.getElementById('redo').disabled = !summary.can_redo;
  document.getElementById('edits').textContent = summary.edits + ' ' + t('edits');
  renderReplan();
  const status = document.getElementById('status');
  const replanning = !!(summary.replan && summary.replan.running);
  if (status.dataset.state === 'ready') status.textContent = replanning ? t('replanning') : t('ready');
  renderHint();
}
/** The re-plan's progress (bar and percentage); while it runs, no tool edits (the server
 * refuses edits until it is done). */
function renderReplan() {
  const replan = summary.replan || { running: false, progress: 0 };
  const running = !!replan.running;
  const share = Math.max(0, Math.min(1, replan.progress || 0));
  const bar = document.getElementById('replan-progress');
  bar.hidden = !running;
  bar.value = running ? share : 1;
  const percent = document.getElementById('replan-percent');
  percent.hidden = !running;
  percent.textContent = Math.round(share * 100) + ' %';
  document.getElementById('replan').disabled = running || !summary.bus;
  for (const b of document.querySelectorAll('[data-tool]')) b.disabled = running;
  for (const id of ['save', 'export']) document.getElementById(id).disabled = running;
  if (running) for (const id of ['undo', 'redo']) document.getElementById(id).disabled = true;
  if (running && tool) setTool(null);
  const failed = !running && summary.replan_error ? JSON.stringify(summary.replan_error) : null;
  if (failed && failed !== replanErrorShown) showError(new ApiError(t('replan_failed', { msg: summary.replan_error.error }), summary.replan_error.field));
  replanErrorShown = failed;
}
let replanErrorShown = null;
function renderParkSelect() {
  const select = document.getElementById('park-select');
  select.replaceChildren(...summary.parks.map((p) => new Option(p.name + ' (' + p.id + ')', p.id)));
  select.value = selectedPark || '';
}
function renderParkList() {
  const body = document.querySelector('#park-list tbody');
  body.replaceChildren(...summary.parks.map((p) => {
    const tr = document.createElement('tr');
    tr.dataset.park = p.id;
    if (p.id === selectedPark) tr.className = 'selected';
    tr.append(cell('td', p.name), cell('td', pct(p.life_circle_share), 'life-circle-share'), cell('td', pct(p.baseline_life_circle_share), 'baseline-share'));
    tr.addEventListener('click', () => selectPark(p.id));
    return tr;
  }));
}
function renderParkDetail() {
  const box = document.getElementById('park-detail');
  const p = summary.parks.find((x) => x.id === selectedPark);
  if (!p) { box.replaceChildren(); return; }
  const h = document.createElement('h2');
  h.textContent = p.name + ' · ' + t('life_circle');
  const overall = document.createElement('p');
  overall.className = 'overall';
  overall.append(cell('span', pct(p.life_circle_share), 'overall-share'), ' (' + t('baseline') + ' ', cell('span', pct(p.baseline_life_circle_share)), ')');
  const table = document.createElement('table');
  table.className = 'figures';
  table.dataset.table = 'life-circle';
  const head = table.createTHead().insertRow();
  head.append(cell('th', t('category')), cell('th', t('baseline')), cell('th', t('now')), cell('th', t('delta')));
  const body = table.createTBody();
  for (const c of p.categories) {
    const tr = body.insertRow();
    tr.dataset.category = c.key;
    const label = categoryLabel(c.key) + (requiredCategory(c.key) ? ' *' : '');
    if (c.no_data) tr.append(cell('td', label), cell('td', null), cell('td', null), cell('td', ''));
    else tr.append(cell('td', label), cell('td', pct(c.baseline_share)), cell('td', pct(c.share)), deltaCell(c.share, c.baseline_share));
  }
  const h2 = document.createElement('h2');
  h2.textContent = t('commute');
  const commute = document.createElement('table');
  commute.className = 'figures';
  commute.dataset.table = 'commute';
  const ch = commute.createTHead().insertRow();
  ch.append(cell('th', t('mode')), cell('th', t('baseline')), cell('th', t('now')), cell('th', t('residents')));
  const cb = commute.createTBody();
  for (const m of p.commute || []) {
    const tr = cb.insertRow();
    tr.dataset.mode = m.mode;
    const mode = (summary.modes.find((x) => x.key === m.mode) || { label: m.mode }).label;
    const people = m.residents === null || m.residents === undefined ? null : m.residents.toLocaleString() + (m.residents !== m.baseline_residents && m.baseline_residents !== null ? ' (' + (m.baseline_residents || 0).toLocaleString() + ')' : '');
    tr.append(cell('td', mode), cell('td', pct(m.baseline_share)), cell('td', pct(m.share)), cell('td', people));
  }
  box.replaceChildren(h, overall, table, h2, commute, ...busFigures(p.id));
}

/** The reservation bus of park `id` and of all parks, baseline beside edited; empty without
 * a bus stage. Stop reach is exact after every edit; the line figures are as last planned. */
function busFigures(id) {
  const bus = summary.bus;
  if (!bus) return [];
  const h = document.createElement('h2');
  h.textContent = t('bus_section');
  const table = document.createElement('table');
  table.className = 'figures';
  table.dataset.table = 'bus';
  const head = table.createTHead().insertRow();
  head.append(cell('th', ''), cell('th', t('baseline')), cell('th', t('now')), cell('th', t('delta_count')));
  const body = table.createTBody();
  const row = (key, label, base, now, format, delta) => {
    const tr = body.insertRow();
    tr.dataset.figure = key;
    tr.append(cell('td', label), cell('td', format(base), 'baseline-' + key.replace(/_/g, '-')), cell('td', format(now), key.replace(/_/g, '-')), delta(now, base));
  };
  const count = (n) => (n === null || n === undefined ? null : n.toLocaleString());
  const p = (bus.parks || []).find((x) => x.park === id);
  if (p) {
    row('stop_reach', t('stop_reach'), p.baseline_stop_reach, p.stop_reach, count, countDelta);
    body.rows[body.rows.length - 1].title = t('of_sample', { n: p.workers });
    row('served', t('carried'), p.baseline_served, p.served, count, countDelta);
    row('within_target', t('within_target'), p.baseline_within_target_share, p.within_target_share, pct, deltaCell);
    row('vehicles', t('vehicles'), p.baseline_vehicles, p.vehicles, count, countDelta);
  }
  const totals = body.insertRow();
  totals.className = 'subhead';
  totals.append(cell('td', t('bus_totals')), cell('td', ''), cell('td', ''), cell('td', ''));
  row('lines', t('lines'), bus.baseline_lines, bus.lines, count, countDelta);
  row('total_vehicles', t('vehicles'), bus.baseline_vehicles, bus.vehicles, count, countDelta);
  row('total_within_target', t('within_target'), bus.baseline_within_target_share, bus.within_target_share, pct, deltaCell);
  row('stops', t('stops'), bus.baseline_stops, bus.stops, count, countDelta);
  const parts = [h, table];
  const stale = bus.stale_lines || [];
  if (stale.length) {
    const note = document.createElement('p');
    note.id = 'bus-stale-note';
    note.className = 'stale-note';
    note.textContent = t('stale_note', { n: stale.length, lines: stale.join(', ') });
    parts.push(note);
  }
  return parts;
}
function countDelta(now, base) {
  if (now === null || now === undefined || base === null || base === undefined) return cell('td', '');
  const d = now - base;
  return cell('td', d === 0 ? '0' : (d > 0 ? '+' : '−') + Math.abs(d).toLocaleString(), d > 0 ? 'up' : d < 0 ? 'down' : null);
}
function requiredCategory(key) { const c = summary.categories.find((x) => x.key === key); return c && c.required; }
function renderCategories() {
  const select = document.getElementById('category-select');
  const value = select.value;
  select.replaceChildren(...summary.categories.map((c) => new Option(c.label, c.key)));
  if (summary.categories.some((c) => c.key === value)) select.value = value;
}
function renderLines() {
  const select = document.getElementById('line-select');
  const value = select.value;
  const lines = ((data.bus_lines || emptyFc()).features || []).map((f) => f.properties);
  const seen = new Set();
  const options = [new Option(t('proposed_line'), '')];
  for (const l of lines) if (!seen.has(l.id)) { seen.add(l.id); options.push(new Option(l.name || l.id, l.id)); }
  select.replaceChildren(...options);
  if (seen.has(value)) select.value = value;
}
function renderLegend() {
  const box = document.getElementById('legend');
  const entries = summary.categories.map((c) => [categoryStyle(c.key), c.label]);
  entries.push([{ shape: 'square', colour: '#222' }, t('gates')], [{ shape: 'circle', colour: '#fff', stroke: '#b00' }, t('stops')]);
  if (summary.bus) entries.push([{ line: STALE_LINE, key: 'stale' }, t('stale')]);
  box.replaceChildren(...entries.map(([s, label]) => {
    const span = document.createElement('span');
    const c = document.createElement('canvas');
    c.width = 14; c.height = 14;
    const ctx = c.getContext('2d');
    ctx.beginPath();
    if (s.line) {
      ctx.setLineDash([4, 3]);
      ctx.moveTo(0, 7); ctx.lineTo(14, 7);
      ctx.strokeStyle = s.line.color; ctx.lineWidth = 2.5; ctx.stroke();
    } else {
      drawShape(ctx, s.shape, 7, 7, 4.5);
      ctx.fillStyle = s.colour; ctx.fill();
      ctx.strokeStyle = s.stroke || '#fff'; ctx.lineWidth = 1; ctx.stroke();
    }
    if (s.key) span.dataset.legend = s.key;
    span.append(c, label);
    return span;
  }));
}

function selectPark(id) {
  selectedPark = id;
  renderPanel();
  drawn.parks = null;
  drawLayers();
  const p = summary.parks.find((x) => x.id === id);
  if (!p) return;
  const feature = ((data.parks || emptyFc()).features || []).find((f) => f.properties.id === id);
  const zoom = feature ? Math.min(16, map.getBoundsZoom(L.geoJSON(feature).getBounds().pad(0.4))) : 15;
  // Centre on the park's own point (inside it, unlike the middle of its box).
  map.setView([p.lat, p.lon], zoom, { animate: false });
}

// ---- Tools ---------------------------------------------------------------------------------------
const MOVABLE = { facility: 'facilities', gate: 'gates', stop: 'stops' };
function setTool(name) {
  tool = tool === name ? null : name;
  picked = null;
  drawing = [];
  groups.draft.clearLayers();
  for (const b of document.querySelectorAll('[data-tool]')) b.classList.toggle('active', b.dataset.tool === tool);
  document.getElementById('drawing').hidden = !(tool === 'draw-outline' || tool === 'add-park');
  map.getContainer().classList.toggle('map-drawing', !!tool);
  renderHint();
}
function renderHint() {
  delete document.getElementById('tool-hint').dataset.notice;
  document.getElementById('tool-hint').textContent = !tool ? '' : picked ? t('hint_picked') : t('hint_' + tool.replace('-', '_'));
}
function featureClicked(kind, f, e) {
  if (!tool || !tool.endsWith('-' + kind)) return; // let the click reach the map
  L.DomEvent.stopPropagation(e);
  if (tool === 'add-stop') return stopAlreadyHere(f.properties);
  const id = encodeURIComponent(f.properties.id);
  if (tool.startsWith('delete-')) {
    edit('DELETE', '/api/' + MOVABLE[kind] + '/' + id);
  }
  // move-: picking and dropping happen on mousedown / mouseup (startDrag, endDrag).
}

/** Adding a stop on a stop: no edit (it would be the same stop); the hint says so. */
function stopAlreadyHere(p) {
  const hint = document.getElementById('tool-hint');
  hint.textContent = t('stop_here', { name: [p.name, p.id].filter(Boolean).join(' · ') });
  hint.dataset.notice = 'stop-here';
}

// ---- Drag to move ----------------------------------------------------------------------------------
// With a move tool, a facility, gate or stop is dragged to its new place: one PUT on drop. A
// press without a drag picks it instead, and the next click on the map moves it there.
let dragging = null;        // {kind, id, layer, from, start, moved} while the mouse is down on a marker
const DRAG_MIN_PX = 4;
function startDrag(kind, f, layer, e) {
  if (tool !== 'move-' + kind || e.originalEvent.button !== 0) return;
  L.DomEvent.stop(e.originalEvent);
  map.dragging.disable();
  dragging = { kind, id: encodeURIComponent(f.properties.id), layer, from: e.containerPoint, start: layer.getLatLng(), moved: false };
}
map.on('mousemove', (e) => {
  if (!dragging) return;
  if (!dragging.moved && e.containerPoint.distanceTo(dragging.from) < DRAG_MIN_PX) return;
  dragging.moved = true;
  dragging.layer.setLatLng(e.latlng);
});
function endDrag(latlng) {
  const d = dragging;
  dragging = null;
  map.dragging.enable();
  if (!d) return;
  if (!d.moved) {
    picked = { kind: d.kind, id: d.id };
    return renderHint();
  }
  if (!latlng) return d.layer.setLatLng(d.start); // dropped outside the map: nothing moves
  picked = null;
  renderHint();
  edit('PUT', '/api/' + MOVABLE[d.kind] + '/' + d.id, { lon: +latlng.lng.toFixed(7), lat: +latlng.lat.toFixed(7) })
    .then((ok) => { if (!ok) d.layer.setLatLng(d.start); });
}
map.on('mouseup', (e) => endDrag(e.latlng));
document.addEventListener('mouseup', () => { if (dragging) endDrag(null); });
map.on('click', (e) => {
  if (!tool) return;
  const lon = +e.latlng.lng.toFixed(7), lat = +e.latlng.lat.toFixed(7);
  if (tool === 'add-facility') {
    edit('POST', '/api/facilities', { lon, lat, category: document.getElementById('category-select').value });
  } else if (tool === 'add-gate') {
    if (!selectedPark) return showError(new ApiError(t('no_park')));
    edit('POST', '/api/gates', { park: selectedPark, lon, lat });
  } else if (tool === 'add-stop') {
    const line = document.getElementById('line-select').value;
    edit('POST', '/api/stops', { line: line || null, lon, lat });
  } else if (tool.startsWith('move-') && picked) {
    const { kind, id } = picked;
    picked = null;
    renderHint();
    edit('PUT', '/api/' + MOVABLE[kind] + '/' + id, { lon, lat });
  } else if (tool === 'draw-outline' || tool === 'add-park') {
    drawing.push([lon, lat]);
    groups.draft.clearLayers(); // drawn on the labels pane, which takes no clicks (a canvas there would hide the markers below)
    groups.draft.addLayer(L.polyline(drawing.map(([x, y]) => [y, x]), { renderer: renderers.labels, color: '#2f6fd6', weight: 2, dashArray: '5 4', interactive: false }));
    for (const [x, y] of drawing) groups.draft.addLayer(L.circleMarker([y, x], { renderer: renderers.labels, radius: 3, color: '#2f6fd6', interactive: false }));
  }
});
map.on('dblclick', () => { if (drawing.length) finishDrawing(); });
function finishDrawing() {
  const ring = drawing.slice();
  if (ring.length < 3) return showError(new ApiError(t('need_ring')));
  ring.push(ring[0]);
  const which = tool;
  setTool(null);
  if (which === 'draw-outline') {
    if (!selectedPark) return showError(new ApiError(t('no_park')));
    edit('PUT', '/api/parks/' + encodeURIComponent(selectedPark) + '/outline', { ring });
  } else {
    const name = window.prompt(t('ask_park'));
    if (name) edit('POST', '/api/parks', { name, ring });
  }
}
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && tool) setTool(null);
  if (e.key === 'Enter' && drawing.length) finishDrawing();
});

// ---- Buttons -----------------------------------------------------------------------------------
for (const b of document.querySelectorAll('[data-tool]')) b.addEventListener('click', () => setTool(b.dataset.tool));
document.getElementById('finish-drawing').addEventListener('click', finishDrawing);
document.getElementById('cancel-drawing').addEventListener('click', () => setTool(null));
document.getElementById('undo').addEventListener('click', () => edit('POST', '/api/undo'));
document.getElementById('redo').addEventListener('click', () => edit('POST', '/api/redo'));
document.getElementById('park-select').addEventListener('change', (e) => selectPark(e.target.value));
document.getElementById('lang-select').addEventListener('change', (e) => edit('POST', '/api/lang', { lang: e.target.value }));
for (const id of ['show-bands', 'show-gaps', 'show-sites', 'show-reach', 'show-bus']) document.getElementById(id).addEventListener('change', applyToggles);
document.getElementById('save').addEventListener('click', async () => {
  const name = window.prompt(t('ask_name'), 'scenario-1');
  if (!name) return;
  clearError();
  try {
    const { json } = await api('POST', '/api/save', { name });
    const out = document.getElementById('result');
    const code = document.createElement('code');
    code.textContent = json.command;
    out.replaceChildren(t('saved', { dir: json.dir }), code);
  } catch (e) { showError(e); }
});
document.getElementById('export').addEventListener('click', async () => {
  clearError();
  try {
    const { json } = await api('POST', '/api/export');
    document.getElementById('result').replaceChildren(t('exported', { dir: json.dir }));
  } catch (e) { showError(e); }
});
document.getElementById('replan').addEventListener('click', async () => {
  clearError();
  try {
    const { json } = await api('POST', '/api/replan');
    if (json && json.version !== undefined) await applySummary(json);
    pollReplan();
  } catch (e) { showError(e); }
});
async function pollReplan() {
  try {
    const { json } = await api('GET', '/api/summary');
    await applySummary(json);
    if (json.replan && json.replan.running) setTimeout(pollReplan, 250);
    else await refreshLayers(null);
  } catch (e) { showError(e); }
}
// Another tab may edit the same scenario: follow its version.
async function follow() {
  try {
    const { json } = await api('GET', '/api/summary');
    if (summary && json.version !== summary.version) await applySummary(json, undefined, true);
  } catch (e) { /* the next edit reports it */ }
  setTimeout(follow, 3000);
}

// ---- Start ---------------------------------------------------------------------------------------
map.on('moveend', () => { loadBasemap(); drawLabels(); });
map.on('zoomstart movestart', () => { labelCanvas.style.visibility = 'hidden'; });
map.on('moveend', () => { labelCanvas.style.visibility = ''; });

async function start() {
  const status = document.getElementById('status');
  status.textContent = t('loading');
  try {
    const { json } = await api('GET', '/api/summary');
    summary = json;
    lang = json.lang === 'zh' ? 'zh' : 'en';
    await refreshLayers(null);
    renderPanel();
    const parks = L.geoJSON(data.parks || emptyFc());
    if (parks.getLayers().length) map.fitBounds(parks.getBounds().pad(0.1), { animate: false });
    else map.setView([0, 0], 3);
    await loadBasemap();
    status.dataset.state = 'ready';
    status.textContent = t('ready');
    setTimeout(follow, 3000);
  } catch (e) {
    status.dataset.state = 'error';
    status.textContent = 'error';
    showError(e);
  }
}
start();
