/**
 * 安全风险一张图: county outlines over the offline road layer (no tiles), risk sources as
 * level-coloured markers in a marker cluster (fluid with 10k+ points), filters (kept in the URL),
 * per-district counts, live refresh on "risk.assessed" events. A cluster is a ring of the four
 * levels' shares (colours from the grading configuration) with the count in the middle, so the map
 * says where risk concentrates — not only where one red source hides. Each marker element carries
 * data-source-id and data-level and the class risk-<level>; each ring's arcs data-key/data-value;
 * ?focus=<source id> zooms to one source. Sources whose monitoring points are alarming (the read
 * hook risk.live_alarms, answered by the monitoring domain) get a pulsing ring above the clusters
 * (.risk-alarm with data-source-id / data-level) and a line in 实时告警, refreshed on every
 * monitoring.alarm_* event.
 */
import { byId, el, replace } from '../../js/lib/dom.js';
import { cleanQuery, readState, writeState } from '../../js/lib/query.js';
import { api } from '../../js/components/api.js';
import { appUrl, fmt } from '../../js/components/context.js';
import { divisionQuery, onDivision } from '../../js/components/divisions.js';
import { fillForm, formValues } from '../../js/components/forms.js';
import { bindNodePopup, createMap, districtLayer, fitTo, leaflet, nodeIcon, ringIcon, roadLayer } from '../../js/components/map.js';
import { onEvent } from '../../js/components/ticker.js';
import { levelBadge, levels } from './levels.js';

function markerIcon(id, level) {
  return nodeIcon({
    className: `risk-marker ${levels.className(level)}`, iconSize: [22, 22],
    build: () => el('span', { dataset: { sourceId: id, level: levels.has(level) ? level : '' }, title: levels.text(level), text: levels.short(level) }),
  });
}

/** A cluster: a ring of the levels' shares among its sources (unassessed in grey), the count inside. */
function clusterIcon(cluster) {
  const counts = new Map();
  for (const m of cluster.getAllChildMarkers()) {
    const key = levels.has(m.options.level) ? m.options.level : '';
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const n = cluster.getChildCount();
  const parts = [...levels.list.map((lv) => lv.key), ''].map((key) => ({
    key: key || 'unassessed', value: counts.get(key) || 0, colour: levels.hex(key || null), label: levels.text(key || null),
  }));
  const worst = levels.highest([...counts.keys()]);
  const size = n >= 1000 ? 50 : n >= 100 ? 44 : 38;
  return ringIcon({ parts, total: n, size, className: `risk-cluster ${levels.className(worst)}`,
    title: `${n} 个风险源：${parts.filter((p) => p.value).map((p) => `${p.label} ${p.value}`).join('，')}` });
}

const ALARM_LEVELS = { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色' };
const ALARM_STATES = { raised: '待确认', acknowledged: '已确认', handled: '已处置' };

function alarmIcon(s) {
  return nodeIcon({
    className: `risk-alarm risk-alarm-${ALARM_LEVELS[s.level] ? s.level : 'red'}`, iconSize: [36, 36],
    build: () => el('span', { dataset: { sourceId: s.source_id, level: s.level, state: s.state },
      title: `实时告警（${ALARM_LEVELS[s.level] || s.level}）：${s.title}` }),
  });
}

function alarmPopup(s) {
  return el('div', { class: 'risk-popup', dataset: { sourceId: s.source_id } },
    el('strong', { class: 'risk-popup-name', text: s.name || `风险源 ${s.source_id}` }),
    el('div', { text: `${ALARM_LEVELS[s.level] || s.level}告警 · ${ALARM_STATES[s.state] || s.state}` }),
    el('div', { class: 'muted', text: s.title }),
    el('a', { href: appUrl("/monitoring/alarms?open=true"), text: '查看告警' }), ' ',
    el('a', { href: appUrl(`/supervision/sources/${s.source_id}`), text: '风险源详情' }));
}

function popupNode(id) {
  const node = el('div', { class: 'risk-popup', dataset: { sourceId: id } }, '加载中…');
  api(`/risk/sources/${id}`).then((s) => {
    replace(node,
      el('strong', { class: 'risk-popup-name', text: s.name }),
      el('div', null, levelBadge(s.level)),
      el('div', { class: 'muted', text: s.code }),
      el('a', { href: appUrl(`/supervision/sources/${s.id}`), text: '查看详情 / 评估' }));
  }).catch((e) => { node.textContent = e.message; });
  return node;
}

export function start() {
  const L = leaflet();
  const mapNode = byId('map');
  const statusNode = byId('map-status');
  const form = byId('risk-filters');
  const params = new URLSearchParams(window.location.search);
  const focus = parseInt(params.get('focus') || '', 10) || null;
  const names = [...form.elements].filter((c) => c.name).map((c) => c.name);
  fillForm(form, readState(params, { filters: names }).filters);
  showSubclasses(false);

  const map = createMap(mapNode, { zoomControl: false });
  // markers are added in chunks (the page stays responsive with 10k+ points); `whenAdded` runs after the last one
  let whenAdded = null;
  const cluster = L.markerClusterGroup({ chunkedLoading: true, chunkInterval: 150, showCoverageOnHover: false,
    maxClusterRadius: 50, iconCreateFunction: clusterIcon,
    chunkProgress: (done, total) => {
      if (done === total && whenAdded) { const then = whenAdded; whenAdded = null; setTimeout(then, 0); }
    } });
  map.addLayer(cluster);
  let markers = new Map();

  function filters() {
    return cleanQuery(formValues(form));
  }

  function syncUrl() {
    const q = writeState({ filters: filters() });
    if (focus) q.set('focus', String(focus));
    const text = q.toString();
    window.history.replaceState(null, '', window.location.pathname + (text ? `?${text}` : ''));
  }

  function renderTotals(data) {
    const list = data.levels || levels.list;
    replace(byId('risk-totals'),
      list.map((lv) => el('div', { class: ['risk-total', levels.className(lv.key)] },
        el('span', { text: levels.text(lv.key) }), el('strong', { text: fmt.number(data.totals[lv.key] || 0) }))),
      el('div', { class: 'risk-total risk-none' }, el('span', { text: `${levels.text(null)}` }), el('strong', { text: fmt.number(data.totals.unassessed || 0) })));
    byId('risk-total').textContent = `共 ${fmt.number(data.totals.all || 0)} 个风险源`;
    replace(byId('district-table').tBodies[0], data.districts.length ? data.districts.map((d) => el('tr', { dataset: { county: d.key } },
      el('td', { text: d.name }),
      list.map((lv) => el('td', { class: 'num', text: fmt.number(d.counts[lv.key] || 0) })),
      el('td', { class: 'num', text: fmt.number(d.counts.unassessed || 0) }),
      el('td', { class: 'num', text: fmt.number(d.total) })))
      : el('tr', null, el('td', { colspan: list.length + 3, class: 'muted', text: '无符合条件的风险源' })));
  }

  let loading = null;
  async function load() {
    if (loading) loading.abort();
    const mine = (loading = new AbortController());
    statusNode.textContent = '正在加载风险源…';
    statusNode.hidden = false;
    mapNode.dataset.state = 'loading';
    syncUrl();
    try {
      const data = await api('/risk/map', { query: { ...filters(), ...divisionQuery() }, signal: mine.signal });
      if (mine !== loading) return;
      loading = null;
      renderTotals(data);
      cluster.clearLayers();
      markers = new Map();
      const list = data.points.rows.map(([id, lon, lat, level]) => {
        const m = L.marker([lat, lon], { icon: markerIcon(id, level), level, sourceId: id, keyboard: false });
        bindNodePopup(m, () => popupNode(id));
        markers.set(id, m);
        return m;
      });
      statusNode.textContent = data.points.truncated ? `风险点过多，仅显示前 ${list.length} 个，请缩小筛选范围` : '';
      statusNode.hidden = !data.points.truncated;
      whenAdded = () => {
        if (mine.signal.aborted) return;
        mapNode.dataset.state = 'ready';
        mapNode.dataset.points = String(list.length);
        if (focus && markers.has(focus)) cluster.zoomToShowLayer(markers.get(focus), () => { mapNode.dataset.focused = String(focus); });
      };
      if (list.length) cluster.addLayers(list); else { const then = whenAdded; whenAdded = null; then(); }
    } catch (e) {
      if (e && e.name === 'AbortError') return;
      statusNode.textContent = `加载失败：${e.message}`;
      mapNode.dataset.state = 'error';
    }
  }

  function showSubclasses(reset) {
    const cls = form.elements.class_code.value;
    for (const o of form.elements.subclass_code.options) o.hidden = !!(cls && o.dataset.class && o.dataset.class !== cls);
    if (reset) form.elements.subclass_code.value = '';
  }

  // live alarms of monitored sources: a layer above the clusters, never clustered away
  const alarmLayer = L.layerGroup().addTo(map);
  let alarmLoading = null;
  async function loadAlarms() {
    if (alarmLoading) alarmLoading.abort();
    const mine = (alarmLoading = new AbortController());
    try {
      const data = await api('/risk/live-alarms', { signal: mine.signal });
      if (mine !== alarmLoading) return;
      alarmLoading = null;
      alarmLayer.clearLayers();
      for (const s of data.sources) {
        if (typeof s.lon !== 'number' || typeof s.lat !== 'number') continue;
        const m = L.marker([s.lat, s.lon], { icon: alarmIcon(s), zIndexOffset: 1000, keyboard: false });
        bindNodePopup(m, () => alarmPopup(s));
        alarmLayer.addLayer(m);
      }
      const panel = byId('risk-alarms-panel');
      panel.hidden = !data.available;
      replace(byId('risk-alarms'), data.sources.length ? data.sources.map((s) => el('li', { dataset: { sourceId: s.source_id, level: s.level } },
        el('i', { class: `risk-alarm-dot risk-alarm-${ALARM_LEVELS[s.level] ? s.level : 'red'}` }), ' ',
        el('a', { href: appUrl(`/supervision/risk-map?focus=${s.source_id}`), text: s.name || `风险源 ${s.source_id}` }),
        el('span', { class: 'muted', text: ` ${ALARM_LEVELS[s.level] || s.level}告警 · ${ALARM_STATES[s.state] || s.state}` })))
        : el('li', { class: 'muted', text: '当前没有监测告警' }));
      mapNode.dataset.alarms = data.sources.map((s) => `${s.source_id}:${s.level}`).join(',');
    } catch (e) {
      if (e && e.name === 'AbortError') return;
      byId('risk-alarms').textContent = `实时告警加载失败：${e.message}`;
    }
  }
  let alarmTimer = null;
  onEvent((evt) => {
    if (!String(evt.type || '').startsWith('monitoring.alarm_')) return;
    clearTimeout(alarmTimer);
    alarmTimer = setTimeout(loadAlarms, 300);
  });

  // live: a new assessment recolours one marker at once (and the counts on the next reload)
  let refreshTimer = null;
  onEvent((evt) => {
    if (evt.type !== 'risk.assessed' && evt.type !== 'risk.source_created') return;
    const p = evt.payload || {};
    const m = evt.type === 'risk.assessed' ? markers.get(p.source_id) : null;
    if (m) {
      m.options.level = p.level;
      m.setIcon(markerIcon(p.source_id, p.level));
      cluster.refreshClusters(m);
    }
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(load, 1500);
  });

  form.addEventListener('change', (e) => {
    if (e.target.name === 'class_code') showSubclasses(true);
    load();
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });

  roadLayer(map);
  districtLayer('county', { interactive: false, style: { color: '#5b6b7f', weight: 1.2, fill: true, fillColor: '#ffffff', fillOpacity: 0.35 } })
    .then(({ layer }) => {
      layer.addTo(map);
      layer.bringToBack();
      if (!focus) fitTo(map, layer.getBounds(), { padding: [10, 10] });
    })
    .catch(() => { /* outlines are decoration */ })
    .then(() => onDivision(() => { load(); loadAlarms(); }));
}
