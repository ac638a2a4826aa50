/* A unit's page: its four-colour map (一图, no tiles; names shown as text) and the register-source form. */
import { byId, el } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, pageData } from '../../js/components/context.js';
import { submitForm } from '../../js/components/forms.js';
import { bindTextTooltip, createMap, fitTo, leaflet } from '../../js/components/map.js';
import { levels } from './levels.js';

export function start() {
  const node = byId('unit-map');
  if (node) {
    const L = leaflet();
    const map = createMap(node, { zoom: 10 });
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
