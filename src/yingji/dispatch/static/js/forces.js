/** 救援力量一张图: forces on the map, the status board beside it, statuses updated live. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { fmt, labelOf, pageData } from '../../js/components/context.js';
import { onDivision } from '../../js/components/divisions.js';
import { bindNodePopup, createMap, districtLayer, fitTo, leaflet, roadLayer } from '../../js/components/map.js';
import { onEvent } from '../../js/components/ticker.js';
import { toast } from '../../js/components/toast.js';
import { forceIcon, statusBadge, typeLabel } from './common.js';

export function start() {
  const L = leaflet();
  const flags = pageData.flags || {};
  const statuses = (pageData.catalog && pageData.catalog.statuses) || {};
  const map = createMap(byId('map'));
  const markers = L.layerGroup().addTo(map);
  const form = byId('dp-filter');
  let forces = [];
  const vehicles = new Map();

  function statusControl(v) {
    if (!flags.can_set_status) return statusBadge(v.status);
    const next = { available: ['out_of_service'], dispatched: ['en_route', 'on_scene', 'available'], en_route: ['on_scene', 'returning', 'available'],
      on_scene: ['returning'], returning: ['available'], out_of_service: ['available'] }[v.status] || [];
    const sel = el('select', { class: 'dp-status-select', dataset: { vehicle: String(v.id) }, 'aria-label': `${v.callsign} 状态` },
      el('option', { value: '', text: labelOf('dispatch_statuses', v.status) }),
      next.map((s) => el('option', { value: s, text: `→ ${statuses[s] || s}` })));
    sel.addEventListener('change', async () => {
      if (!sel.value) return;
      try {
        const out = await api(`/dispatch/vehicles/${v.id}/status`, { method: 'POST', body: { status: sel.value } });
        Object.assign(v, out);
        render();
      } catch (err) {
        toast(err.message, 'error');
        sel.value = '';
      }
    });
    return el('span', null, statusBadge(v.status), sel);
  }

  function render() {
    const kind = form.elements.kind.value;
    const shown = forces.filter((f) => !kind || f.kind === kind);
    const counts = {};
    shown.forEach((f) => f.vehicles.forEach((v) => { counts[v.status] = (counts[v.status] || 0) + 1; }));
    replace(byId('dp-counts'), Object.keys(statuses).map((s) => el('span', { class: 'dp-count' }, statusBadge(s), el('strong', { text: String(counts[s] || 0) }))));
    byId('dp-total').textContent = `${shown.length} 支力量`;
    replace(byId('dp-board'), shown.map((f) => el('details', { class: 'dp-force', dataset: { force: String(f.id) } },
      el('summary', null, el('strong', { text: f.name }), ' ', el('span', { class: 'muted small', text: labelOf('dispatch_force_kinds', f.kind) }),
        f.synthetic ? el('span', { class: 'badge badge-synthetic', text: '合成' }) : null,
        el('span', { class: 'muted small', text: ` 可调派 ${f.vehicles.filter((v) => v.status === 'available').length}/${f.vehicles.length}` })),
      el('table', { class: 'table dp-vtable' }, el('tbody', null, f.vehicles.map((v) => el('tr', { dataset: { vehicle: String(v.id) } },
        el('td', { text: v.callsign }), el('td', { text: typeLabel(v.vehicle_type) }), el('td', null, statusControl(v)),
        el('td', { class: 'muted small', text: fmt.shortTime(v.status_at) }))))))));
    markers.clearLayers();
    shown.forEach((f) => {
      const free = f.vehicles.filter((v) => v.status === 'available').length;
      const m = L.marker([f.lat, f.lon], { icon: forceIcon(f.kind, String(free)), title: f.name });
      bindNodePopup(m, () => el('div', null, el('strong', { text: f.name }),
        el('div', { class: 'small', text: `${labelOf('dispatch_force_kinds', f.kind)} ${f.station_level || ''}` }),
        el('div', { class: 'small', text: (f.specialties || []).map((s) => labelOf('dispatch_specialties', s)).join('、') }),
        el('ul', { class: 'plain-list small' }, f.vehicles.map((v) => el('li', null, `${v.callsign} ${typeLabel(v.vehicle_type)} `, statusBadge(v.status))))));
      markers.addLayer(m);
    });
  }

  async function load() {
    const status = byId('map-status');
    try {
      forces = await api('/dispatch/board');
      vehicles.clear();
      forces.forEach((f) => f.vehicles.forEach((v) => vehicles.set(v.id, v)));
      render();
      status.hidden = true;
      byId('map').dataset.state = 'ready';
      const pts = forces.map((f) => [f.lat, f.lon]);
      if (pts.length) fitTo(map, L.latLngBounds(pts));
    } catch (err) {
      status.textContent = err.message;
    }
  }

  onEvent((evt) => {
    if (evt.type !== 'dispatch.vehicle_status') return;
    const p = evt.payload || {};
    const v = vehicles.get(p.vehicle_id);
    if (!v) return;
    v.status = p.status;
    v.status_at = p.at || evt.occurred_at;
    v.order_id = p.order_id;
    render();
  });
  form.addEventListener('change', render);
  const importer = byId('dp-import');
  if (importer) {
    importer.addEventListener('submit', async (e) => {
      e.preventDefault();
      const data = new FormData();
      data.append('file', importer.elements.file.files[0]);
      data.append('mode', importer.elements.valid_only.checked ? 'valid_only' : 'all_or_nothing');
      try {
        const out = await api(`/dispatch/${importer.elements.what.value}/import`, { method: 'POST', form: data });
        byId('dp-import-result').textContent = `共 ${out.total_rows} 行，${out.committed ? `已导入 ${out.imported} 行` : '未导入'}，错误 ${out.errors.length} 行`;
        replace(byId('dp-import-errors'), out.errors.map((er) => el('li', { text: `第 ${er.row} 行：${er.message}` })));
        if (out.committed) load();
      } catch (err) {
        byId('dp-import-result').textContent = err.message;
      }
    });
  }
  roadLayer(map);
  districtLayer('county', { interactive: false, style: { color: '#5b6b7f', weight: 1.2, fill: false } })
    .then(({ layer }) => layer.addTo(map)).catch(() => {});
  onDivision(() => {});
  load();
}
