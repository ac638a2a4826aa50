/**
 * 地名地址 (/command/places): a search box; the candidates of /api/v1/places/locate on the map
 * (numbered markers, the best one opened) and in a list saying what matched (名称/别名/简称/路口/
 * 包含/近似), the confidence and the county/township. ?q=… searches at once. The import form
 * (bureaus only) posts the file to /api/v1/places/import and lists every bad row.
 * Each result item carries data-kind and data-matched-on; the map node data-state="ready".
 */
import { byId, clear, el, append } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { pageData } from '../../js/components/context.js';
import { bindTextTooltip, createMap, districtLayer, fitTo, leaflet, nodeIcon, roadLayer } from '../../js/components/map.js';

const kinds = pageData.kinds || {};

function kindLabel(kind) {
  return kinds[kind] || '地点';
}

function divisionText(m, names) {
  const parts = [names.get(m.county_code), names.get(m.township_code)].filter(Boolean);
  return parts.length ? parts.join(' · ') : '区划未知';
}

export function start() {
  const L = leaflet();
  const mapNode = byId('map');
  const statusNode = byId('map-status');
  const form = byId('places-search');
  const input = byId('places-q');
  const list = byId('places-results');
  const count = byId('places-count');
  const names = new Map();
  const map = createMap(mapNode, { zoomControl: true });
  const layer = L.layerGroup().addTo(map);
  roadLayer(map);
  districtLayer('county', { interactive: false, style: { color: '#5b6b7f', weight: 1.2, fill: false } })
    .then(({ layer: counties, features }) => {
      counties.addTo(map);
      for (const f of features) names.set(f.properties.code, f.properties.name);
      fitTo(map, counties.getBounds(), { padding: [10, 10] });
      statusNode.textContent = '';
      mapNode.dataset.state = 'ready';
    })
    .catch((e) => { statusNode.textContent = e.message; mapNode.dataset.state = 'error'; });

  async function search(q) {
    clear(list);
    layer.clearLayers();
    count.textContent = '';
    statusNode.textContent = '正在定位…';
    let answer;
    try {
      answer = await api('/places/locate', { query: { q, limit: 8 } });
    } catch (e) {
      statusNode.textContent = e.message;
      return;
    }
    statusNode.textContent = '';
    const matches = answer.matches || [];
    count.textContent = `（${matches.length}）`;
    if (!matches.length) {
      append(list, el('li', { class: 'muted', text: '没有匹配的地名。可导入道路、地标名称后再试。' }));
      return;
    }
    const markers = [];
    matches.forEach((m, i) => {
      const marker = L.marker([m.lat, m.lon], {
        icon: nodeIcon({ className: 'place-marker', iconSize: [22, 22], build: () => el('span', { text: String(i + 1) }) }),
        title: m.name,
      }).addTo(layer);
      bindTextTooltip(marker, () => `${i + 1}. ${m.name}（${m.matched_on}）`);
      markers.push(marker);
      const item = el('li', { dataset: { kind: m.kind, matchedOn: m.matched_on } },
        el('strong', { text: m.name }), ' ',
        el('span', { class: 'place-how', text: m.matched_on }), ' ',
        el('span', { class: 'place-conf', text: `置信度 ${(m.confidence * 100).toFixed(0)}%` }),
        el('div', { class: 'muted small', text: `${kindLabel(m.kind)} · ${divisionText(m, names)} · 匹配“${m.matched_text}”` }),
        el('div', { class: 'muted small', text: `${m.lon.toFixed(5)}, ${m.lat.toFixed(5)}（WGS84）` }));
      item.addEventListener('click', () => { map.setView([m.lat, m.lon], 15); marker.openTooltip(); });
      append(list, item);
    });
    map.setView([matches[0].lat, matches[0].lon], 14);
    markers[0].openTooltip();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (q) {
      const url = new URL(window.location.href);
      url.searchParams.set('q', q);
      window.history.replaceState(null, '', url);
      search(q);
    }
  });
  const initial = new URLSearchParams(window.location.search).get('q');
  if (initial) { input.value = initial; search(initial); }

  const importForm = byId('places-import');
  if (importForm) {
    const out = byId('places-import-result');
    importForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(out);
      const data = new FormData(importForm);
      if (!data.get('dry_run')) data.set('dry_run', 'false');
      try {
        const r = await api('/places/import', { method: 'POST', form: data });
        append(out, el('p', { text: `共 ${r.total_rows} 行，${r.dry_run ? '可导入' : '已导入'} ${r.imported} 行${r.committed ? '' : '（未提交）'}` }));
        const ul = el('ul');
        for (const err of r.errors) append(ul, el('li', { text: `第 ${err.row} 行：${err.message}` }));
        append(out, ul);
      } catch (err) {
        append(out, el('p', { class: 'error', text: err.message }));
      }
    });
  }
}
