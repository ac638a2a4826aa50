/* Shared by the warnings pages: labels, level badges, area layers on a Leaflet map. */
import { el } from '../../js/lib/dom.js';
import { fmt, pageData } from '../../js/components/context.js';
import { leaflet } from '../../js/components/map.js';

export const COLOURS = { blue: '#1f6fd1', yellow: '#e6b800', orange: '#f07800', red: '#d81e06' };

export function label(table, key) {
  const t = (pageData.labels || {})[table] || {};
  return t[key] || key || '';
}

export function levelBadge(level, text = null) {
  return el('span', { class: `wn-level-badge wn-level-${level}`, text: text || label('warning_levels', level) });
}

export function dt(value) { return value ? fmt.datetime(value) : '—'; }

/** Draw an area's polygons and circles (and division shapes given as GeoJSON) into a layer group. */
export function drawArea(group, area, colour, geometries = {}) {
  const L = leaflet();
  const style = { color: colour, weight: 2, fillOpacity: 0.18 };
  for (const code of area.divisions || []) {
    const g = geometries[code];
    if (g) L.geoJSON(g, { style }).addTo(group);
  }
  for (const ring of area.polygons || []) L.polygon(ring.map(([lon, lat]) => [lat, lon]), style).addTo(group);
  for (const c of area.circles || []) L.circle([c.lat, c.lon], { ...style, radius: c.radius_m }).addTo(group);
  return group;
}
