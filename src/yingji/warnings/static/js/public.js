/* The public page: active warnings on a map (no login; data in the page). */
import { byId } from '../../js/lib/dom.js';
import { pageData } from '../../js/components/context.js';
import { createMap, fitTo, leaflet } from '../../js/components/map.js';
import { COLOURS, drawArea } from './common.js';

export function start() {
  const node = byId('wn-public-map');
  if (!node) return;
  const map = createMap(node);
  const group = leaflet().featureGroup().addTo(map);
  for (const w of pageData.items || []) drawArea(group, w.area || {}, COLOURS[w.level] || '#888', pageData.geometries || {});
  if ((pageData.items || []).length) fitTo(map, group.getBounds());
}
