/* A unit's page: its four-colour map (一图, no tiles; names shown as text) and the register-source form. */
import { byId, el } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, pageData } from '../../js/components/context.js';
import { submitForm } from '../../js/components/forms.js';
import { bindTextTooltip, createMap, fitTo, leaflet, roadLayer } from '../../js/components/map.js';
import { toast } from '../../js/components/toast.js';
import { levels } from './levels.js';

export function start() {
  const node = byId('unit-map');
  if (node) {
    const L = leaflet();
    const map = createMap(node, { zoom: 10 });
    roadLayer(map);
    const group = L.featureGroup().addTo(map);
    for (const [id, lon, lat, level, name] of pageData.points || []) {
      const marker = L.circleMarker([lat, lon], {
        radius: 9, color: '#333', weight: 1, fillColor: levels.hex(level), fillOpacity: 0.9,
        className: `risk-point ${levels.className(level)}`,
      }).addTo(group);
      bindTextTooltip(marker, () => el('span', { class: 'risk-tooltip', dataset: { sourceId: id } },
        el('strong', { text: name }), `：${levels.text(level)}`));
      marker.on('click', () => window.location.assign(appUrl(`/supervision/sources/${id}`)));
    }
    if (group.getLayers().length) fitTo(map, group.getBounds().pad(0.5), { maxZoom: 16, padding: [0, 0] });
  }

  // 修改单位信息: only the fields this user may change are in the form (units/permissions.py)
  const edit = byId('unit-edit-form');
  if (edit) {
    edit.addEventListener('submit', (e) => {
      e.preventDefault();
      submitForm(edit, async () => {
        const before = pageData.editable || {};
        const body = {};
        for (const control of edit.elements) {
          if (!control.name || !(control.name in before)) continue;
          const raw = control.value.trim();
          const value = control.type === 'number' ? (raw === '' ? null : Number(raw)) : raw;
          const was = before[control.name] === undefined ? null : before[control.name];
          if (value !== was && !(value === '' && was === null)) body[control.name] = value;
        }
        if (!Object.keys(body).length) { toast('没有需要保存的修改'); return; }
        const unit = await api(`/units/${pageData.unit_id}`, { method: 'PATCH', body });
        toast(`已保存：${unit.name}`, 'success');
        setTimeout(() => window.location.reload(), 600);
      }, { box: byId('unit-edit-error'), button: byId('unit-edit-submit') });
    });
  }

  const form = byId('source-form');
  if (form) {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submitForm(form, async (body) => {
        const source = await api('/risk/sources', { method: 'POST', body: { ...body, unit_id: Number(pageData.unit_id) } });
        window.location.assign(appUrl(`/supervision/sources/${source.id}`));
      }, { box: byId('source-form-error') });
    });
  }
}
