/**
 * 监测一张图: every point in the jurisdiction as a small circle per device-type layer (colour: its worst
 * open alarm, grey when offline), the major hazard sources with an alarming point as a marker that
 * turns red (data-source-id, data-level), live: an alarm event reloads at once, values refresh every 30 s.
 */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, fmt } from '../../js/components/context.js';
import { divisionQuery, onDivision } from '../../js/components/divisions.js';
import { bindNodePopup, createMap, districtLayer, fitTo, leaflet, nodeIcon, roadLayer } from '../../js/components/map.js';
import { onEvent } from '../../js/components/ticker.js';
import { labels, levelChip, types } from './common.js';

const COLOURS = { red: '#d7263d', orange: '#f08a24', yellow: '#e0b000', blue: '#2f80ed' };

function pointPopup(p) {
  const rows = Object.entries(p.latest || {}).map(([metric, v]) => {
    const m = labels.metric(p.device_type, metric);
    return el('li', null, `${m.label}：${fmt.number(v.value, 2)} ${m.unit}（${fmt.datetime(v.ts)}）`);
  });
  return el('div', { class: 'mon-popup', dataset: { pointId: p.id } },
    el('strong', { text: p.name }),
    el('div', { class: 'muted', text: `${labels.type(p.device_type)} · ${p.code}${p.online ? '' : ' · 离线'}` }),
    p.alarm ? el('div', null, levelChip(p.alarm.level), ` ${p.alarm.title}`) : null,
    el('ul', null, ...rows),
    el('a', { href: appUrl(`/monitoring/devices/${p.id}`), text: '查看历史曲线' }));
}

function sourceIcon(s) {
  return nodeIcon({
    className: `mon-source mon-level-${s.level}`, iconSize: [26, 26],
    build: () => el('span', { dataset: { sourceId: s.source_id, level: s.level }, title: `${s.name}：${s.title}`, text: '危' }),
  });
}

export function start() {
  const L = leaflet();
  const mapNode = byId('map');
  const statusNode = byId('map-status');
  const form = byId('mon-layers');
  const map = createMap(mapNode, { zoomControl: false });
  const layers = new Map(types().map((t) => [t.key, L.layerGroup().addTo(map)]));
  const sourceLayer = L.layerGroup().addTo(map);

  function showLayers() {
    for (const [key, layer] of layers) {
      const box = form.elements[key];
      if (box && box.checked) layer.addTo(map); else layer.remove();
    }
  }

  function renderSide(data) {
    const alarming = data.points.filter((p) => p.alarm).sort((a, b) => (b.alarm.alarm_id - a.alarm.alarm_id)).slice(0, 30);
    replace(byId('mon-alarms'), ...(alarming.length ? alarming.map((p) => el('li', { dataset: { alarmId: p.alarm.alarm_id } },
      levelChip(p.alarm.level), ' ', el('a', { href: appUrl(`/monitoring/devices/${p.id}`), text: p.alarm.title })))
      : [el('li', { class: 'muted', text: '无未关闭告警' })]));
    replace(byId('mon-sources'), ...(data.sources.length ? data.sources.map((s) => el('li', { dataset: { sourceId: s.source_id, level: s.level } },
      levelChip(s.level), ' ', el('a', { href: appUrl(`/supervision/sources/${s.source_id}`), text: s.name || `风险源 ${s.source_id}` }),
      el('div', { class: 'muted small', text: s.title })))
      : [el('li', { class: 'muted', text: '无' })]));
    const counts = new Map();
    for (const p of data.points) counts.set(p.device_type, (counts.get(p.device_type) || 0) + 1);
    for (const node of form.querySelectorAll('[data-count]')) node.textContent = `(${fmt.number(counts.get(node.dataset.count) || 0)})`;
  }

  let loading = null;
  async function load() {
    if (loading) loading.abort();
    const mine = (loading = new AbortController());
    try {
      const data = await api('/monitoring/live', { query: divisionQuery(), signal: mine.signal });
      if (mine !== loading) return;
      loading = null;
      for (const layer of layers.values()) layer.clearLayers();
      sourceLayer.clearLayers();
      for (const p of data.points) {
        const layer = layers.get(p.device_type);
        if (!layer) continue;
        const level = p.alarm ? p.alarm.level : null;
        const colour = level ? COLOURS[level] : (p.online ? '#2e7d32' : '#9e9e9e');
        const m = L.circleMarker([p.lat, p.lon], { radius: level ? 7 : 4, color: colour, weight: 1, fillColor: colour,
          fillOpacity: 0.85, className: `mon-point mon-type-${p.device_type}${level ? ` mon-level-${level}` : ''}` });
        bindNodePopup(m, () => pointPopup(p));
        m.addTo(layer);
      }
      for (const s of data.sources) {
        if (s.lat === null || s.lon === null || s.lat === undefined) continue;
        L.marker([s.lat, s.lon], { icon: sourceIcon(s), zIndexOffset: 1000, keyboard: false }).addTo(sourceLayer);
      }
      renderSide(data);
      statusNode.hidden = true;
      mapNode.dataset.state = 'ready';
      mapNode.dataset.points = String(data.points.length);
      mapNode.dataset.sources = data.sources.map((s) => `${s.source_id}:${s.level}`).join(',');
    } catch (e) {
      if (e && e.name === 'AbortError') return;
      statusNode.textContent = `加载失败：${e.message}`;
      statusNode.hidden = false;
      mapNode.dataset.state = 'error';
    }
  }

  let timer = null;
  onEvent((evt) => {
    if (!String(evt.type || '').startsWith('monitoring.alarm_')) return;
    clearTimeout(timer);
    timer = setTimeout(load, 300);
  });
  setInterval(load, 30000);
  form.addEventListener('change', showLayers);
  roadLayer(map);
  districtLayer('county', { interactive: false, style: { color: '#5b6b7f', weight: 1.2, fill: true, fillColor: '#ffffff', fillOpacity: 0.35 } })
    .then(({ layer }) => { layer.addTo(map); layer.bringToBack(); fitTo(map, layer.getBounds(), { padding: [10, 10] }); })
    .catch(() => { /* outlines are decoration */ })
    .then(() => onDivision(() => load()));
}
