/**
 * 调派推荐: a point (click the map, or ?lon=&lat= from an incident) + type + grade inputs → the
 * recommendation (grade, required units, candidates ranked by travel time with their reasons,
 * routes drawn on the map) → the dispatcher accepts or edits the choice → 生成调派单.
 */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, pageData } from '../../js/components/context.js';
import { bindTextTooltip, createMap, districtLayer, leaflet, roadLayer } from '../../js/components/map.js';
import { clearErrors, formValues, showErrors } from '../../js/components/forms.js';
import { duration, forceIcon } from './common.js';

const FIELDS = ['lon', 'lat', 'incident_type', 'trapped', 'area_m2', 'building_type', 'fire_grade', 'incident_id', 'address'];

export function start() {
  const L = leaflet();
  const flags = pageData.flags || {};
  const map = createMap(byId('map'));
  const form = byId('dp-form');
  const routes = L.layerGroup().addTo(map);
  const stations = L.layerGroup().addTo(map);
  let scene = null;
  let current = null;

  function setPoint(lat, lon) {
    form.elements.lon.value = lon.toFixed(6);
    form.elements.lat.value = lat.toFixed(6);
    if (scene) scene.setLatLng([lat, lon]);
    else scene = L.circleMarker([lat, lon], { radius: 9, color: '#c81e1e', weight: 3, fillColor: '#ffdddd', fillOpacity: 0.9 }).addTo(map);
    byId('map-status').textContent = `事发地点：${lon.toFixed(5)}, ${lat.toFixed(5)}`;
  }

  function body() {
    const v = formValues(form);
    const out = { lon: Number(v.lon), lat: Number(v.lat), incident_type: v.incident_type,
      trapped: Number(v.trapped || 0), area_m2: Number(v.area_m2 || 0), use_plan: form.elements.use_plan.checked };
    if (v.building_type) out.building_type = v.building_type;
    if (v.fire_grade) out.fire_grade = Number(v.fire_grade);
    if (v.incident_id) out.incident_id = Number(v.incident_id);
    return out;
  }

  function candidateRow(group, c, checked) {
    const box = el('input', { type: 'checkbox', checked, disabled: !flags.can_dispatch,
      dataset: { vehicle: String(c.vehicle_id), unitType: group.unit_type }, 'aria-label': `调派 ${c.callsign}` });
    box.addEventListener('change', drawRoutes);
    return el('li', { class: ['dp-cand', c.within_standard ? 'dp-in' : 'dp-out'] },
      el('label', null, box, ' ', el('strong', { text: c.callsign }), ' ',
        el('span', { class: 'dp-time', text: duration(c.seconds) }),
        c.model === 'fallback' ? el('span', { class: 'badge dp-fallback', text: '估算' }) : null),
      el('div', { class: 'small muted dp-reason', text: c.reason }));
  }

  function render(rec) {
    current = rec;
    byId('dp-result').hidden = false;
    const badge = byId('dp-grade-badge');
    badge.textContent = rec.grade_label;
    badge.className = `dp-grade dp-g${rec.grade}`;
    badge.dataset.grade = String(rec.grade);
    replace(byId('dp-basis'), rec.grade_basis.map((b) => el('li', { text: b })));
    byId('dp-plan-note').textContent = rec.plan_note;
    byId('dp-routing-note').textContent = rec.routing_note ? `行驶时间：${rec.routing_note}` : '';
    replace(byId('dp-groups'), rec.groups.map((g) => el('section', { class: 'dp-group', dataset: { unitType: g.unit_type } },
      el('h3', { text: `${g.label} × ${g.count}${g.shortfall ? `（缺 ${g.shortfall}）` : ''}` },
        g.source !== 'grade' ? el('span', { class: 'badge', text: g.source === 'plan' ? '预案' : '等级+预案' }) : null),
      g.note ? el('p', { class: 'small muted', text: g.note }) : null,
      el('ul', { class: 'plain-list' }, g.selected.map((c) => candidateRow(g, c, true))),
      g.alternatives.length ? el('details', null, el('summary', { class: 'small', text: `备选 ${g.alternatives.length}` }),
        el('ul', { class: 'plain-list' }, g.alternatives.map((c) => candidateRow(g, c, false)))) : null)));
    replace(byId('dp-experts'), rec.experts.length ? [el('h3', { text: '建议专家' }),
      el('ul', { class: 'plain-list small' }, rec.experts.map((e) => el('li', null,
        el('label', null, el('input', { type: 'checkbox', dataset: { expert: String(e.id) } }), ` ${e.name}（${e.organisation}）${e.phone}`))))] : []);
    stations.clearLayers();
    const seen = new Set();
    rec.groups.forEach((g) => [...g.selected, ...g.alternatives].forEach((c) => {
      if (seen.has(c.force_id) || c.lat === null) return;
      seen.add(c.force_id);
      const m = L.marker([c.lat, c.lon], { icon: forceIcon('station', ''), title: c.force_name });
      bindTextTooltip(m, () => c.force_name);
      stations.addLayer(m);
    }));
    drawRoutes();
  }

  function chosen() {
    return [...byId('dp-groups').querySelectorAll('input[type=checkbox][data-vehicle]')].filter((b) => b.checked)
      .map((b) => ({ vehicle_id: Number(b.dataset.vehicle), unit_type: b.dataset.unitType }));
  }

  let drawing = 0;
  async function drawRoutes() {
    if (!current) return;
    const mine = ++drawing;
    routes.clearLayers();
    const byForce = new Map();
    current.groups.forEach((g) => [...g.selected, ...g.alternatives].forEach((c) => { byForce.set(c.vehicle_id, c); }));
    const forces = new Map();
    chosen().forEach((p) => { const c = byForce.get(p.vehicle_id); if (c && !forces.has(c.force_id)) forces.set(c.force_id, c); });
    const pts = [[current.lat, current.lon]];
    for (const c of [...forces.values()].slice(0, 12)) {
      try {
        const r = await api('/dispatch/routes', { method: 'POST', body: { vehicle_id: c.vehicle_id, lon: current.lon, lat: current.lat } });
        if (mine !== drawing) return;
        const line = L.polyline(r.coords.map(([x, y]) => [y, x]), { color: r.model === 'network' ? '#1f6fd1' : '#888',
          weight: 4, opacity: 0.75, dashArray: r.model === 'network' ? null : '6 6' });
        bindTextTooltip(line, () => `${c.force_name}：${duration(r.seconds)}（${r.model === 'network' ? '路网' : '估算'}）`);
        routes.addLayer(line);
        r.coords.forEach(([x, y]) => pts.push([y, x]));
      } catch { /* a route is decoration; the times are in the list */ }
    }
    if (mine === drawing && pts.length > 1) map.fitBounds(L.latLngBounds(pts), { padding: [30, 30] });
    byId('map').dataset.routes = String(routes.getLayers().length);
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form, byId('dp-error'));
    if (!form.elements.lon.value || !form.elements.lat.value) {
      byId('dp-error').textContent = '请先在地图上点击事发地点，或填写经纬度';
      return;
    }
    try {
      render(await api('/dispatch/recommendations', { method: 'POST', body: body() }));
    } catch (err) {
      showErrors(form, err, byId('dp-error'));
    }
  });

  const issue = byId('dp-issue');
  if (issue) {
    issue.addEventListener('click', async () => {
      const vehicles = chosen();
      byId('dp-issue-error').textContent = '';
      if (!vehicles.length) {
        byId('dp-issue-error').textContent = '请至少选择一辆车';
        return;
      }
      const experts = [...byId('dp-experts').querySelectorAll('input[data-expert]')].filter((b) => b.checked).map((b) => Number(b.dataset.expert));
      const data = { ...body(), address: form.elements.address.value || '', vehicles, expert_ids: experts,
        notes: byId('dp-notes').value || '' };
      if (current) data.division_code = current.division_code;
      issue.disabled = true;
      try {
        const order = await api('/dispatch/orders', { method: 'POST', body: data });
        window.location.assign(appUrl(`/command/dispatch/orders/${order.id}`));
      } catch (err) {
        byId('dp-issue-error').textContent = err.message;
        issue.disabled = false;
      }
    });
  }

  map.on('click', (e) => setPoint(e.latlng.lat, e.latlng.lng));
  const params = new URLSearchParams(window.location.search);
  FIELDS.forEach((f) => { if (params.get(f) && form.elements[f]) form.elements[f].value = params.get(f); });
  if (params.get('lon') && params.get('lat')) setPoint(Number(params.get('lat')), Number(params.get('lon')));
  byId('map').dataset.state = 'ready';
  roadLayer(map);
  districtLayer('county', { interactive: false, style: { color: '#5b6b7f', weight: 1.2, fill: false } })
    .then(({ layer }) => layer.addTo(map)).catch(() => {});
}
