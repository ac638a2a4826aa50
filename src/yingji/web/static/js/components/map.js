/**
 * Maps (Leaflet 1.9, a UMD global loaded by <script> before the modules): the centre, zoom and
 * bounds come from the settings in the page context — no place is written into the code; no
 * online tiles (the platform runs on an isolated network). Tooltips, popups and icons are built
 * from DOM nodes whose text is set as text: never an HTML string.
 */
import { el } from '../lib/dom.js';
import { api } from './api.js';
import { ctx } from './context.js';

export function leaflet() {
  const L = window.L;
  if (!L) throw new Error('地图组件加载失败（/vendor/leaflet 缺失）');
  return L;
}

export function mapSettings() {
  return { center: [26.08, 119.3], zoom: 9, min_zoom: 6, max_zoom: 18, bounds: null, ...(ctx.map || {}) };
}

export function toLatLngBounds(bounds) {
  if (!bounds) return null;
  const [south, west, north, east] = bounds;
  return leaflet().latLngBounds([south, west], [north, east]);
}

/**
 * A map in `node` at the configured centre and zoom, with Chinese zoom buttons and a metric scale.
 * `options` go to L.map (e.g. renderer, zoomSnap); the attribution control is off unless asked
 * for (its content is HTML: use sourcesControl() instead).
 */
export function createMap(node, options = {}) {
  const L = leaflet();
  const s = mapSettings();
  const map = L.map(node, {
    center: s.center, zoom: s.zoom, minZoom: s.min_zoom, maxZoom: s.max_zoom,
    zoomControl: false, attributionControl: false, ...options,
  });
  L.control.zoom({ position: 'topleft', zoomInTitle: '放大', zoomOutTitle: '缩小' }).addTo(map);
  L.control.scale({ position: 'bottomleft', imperial: false }).addTo(map);
  const bounds = toLatLngBounds(s.bounds);
  if (bounds) map.setMaxBounds(bounds);
  return map;
}

/** Fit the map to bounds (when valid); returns whether it did. */
export function fitTo(map, bounds, options = {}) {
  if (!bounds || !bounds.isValid || !bounds.isValid()) return false;
  map.fitBounds(bounds, { padding: [16, 16], ...options });
  return true;
}

function asNode(content) {
  if (content && typeof content === 'object' && 'nodeType' in content) return content;
  return el('span', { text: content === null || content === undefined ? '' : String(content) });
}

/** A tooltip built by `build(layer)` — a DOM node (a string is put in as text). */
export function bindTextTooltip(layer, build, options = {}) {
  // safe: Leaflet gets a function that returns a DOM node (text inside set as text), never a string
  return layer.bindTooltip((source) => asNode(build(source)), options);
}

/** A popup built by `build(layer)` — a DOM node (a string is put in as text). */
export function bindNodePopup(layer, build, options = {}) {
  // safe: Leaflet gets a function that returns a DOM node (text inside set as text), never a string
  return layer.bindPopup((source) => asNode(build(source)), options);
}

/**
 * A div icon whose content is the DOM node `build()` returns, made when the marker is drawn
 * (thousands of markers cost nothing until they are shown).
 */
export function nodeIcon({ className = '', iconSize = null, build }) {
  const L = leaflet();
  const NodeIcon = L.DivIcon.extend({
    createIcon(oldIcon) {
      const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);   // safe: html is '' (a constant)
      div.appendChild(asNode(build()));
      return div;
    },
  });
  return new NodeIcon({ className, iconSize, html: '' });
}

/**
 * The district boundaries of the jurisdiction (GeoJSON, WGS84) as a layer; `options` go to
 * L.geoJSON (style, onEachFeature, pane, interactive). Resolves {layer, features}.
 */
export async function districtLayer(level = 'county', options = {}) {
  const fc = await api('/divisions/geojson', { query: { level } });
  const features = (fc && fc.features) || [];
  return { layer: leaflet().geoJSON(fc, options), features };
}

/**
 * A control at the map's edge built from DOM nodes (Leaflet's own attribution control takes
 * HTML strings): sourcesControl(map, node, {position, className}).
 */
export function nodeControl(map, node, { position = 'bottomright', className = '' } = {}) {
  const L = leaflet();
  const Control = L.Control.extend({
    onAdd() {
      const box = el('div', { class: ['leaflet-control', className] }, node);
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
  });
  const control = new Control({ position });
  control.addTo(map);
  return control;
}
