/**
 * Maps (Leaflet 1.9, a UMD global loaded by <script> before the modules): the centre, zoom and
 * bounds come from the settings in the page context — no place is written into the code; no
 * online tiles (the platform runs on an isolated network). Tooltips, popups and icons are built
 * from DOM nodes whose text is set as text: never an HTML string.
 */
import { el, svgEl } from '../lib/dom.js';
import { ringSegments, ringText } from '../lib/ring.js';
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

/**
 * A ring (donut) icon built from SVG nodes: one arc per part, its length the part's share, and the
 * total in the middle. parts: [{key, value, colour, label}]. For marker clusters that show the
 * mix of what they hold (e.g. the four risk levels) instead of only its worst member.
 */
export function ringIcon({ parts, total = null, size = 38, className = '', title = '' }) {
  const r = size / 2 - 4;
  const c = 2 * Math.PI * r;
  const segs = ringSegments(parts, c);
  const count = total === null ? segs.reduce((sum, s) => sum + s.value, 0) : total;
  const text = title || ringText(segs, (s) => s.label || s.key);
  return nodeIcon({
    className: `ring-icon ${className}`.trim(), iconSize: [size, size],
    build: () => svgEl('svg', { width: size, height: size, viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': text },
      svgEl('title', { text }),
      svgEl('circle', { cx: size / 2, cy: size / 2, r: r + 2.5, class: 'ring-bg' }),
      svgEl('g', { transform: `rotate(-90 ${size / 2} ${size / 2})` },
        segs.map((s) => svgEl('circle', {
          cx: size / 2, cy: size / 2, r, fill: 'none', stroke: s.colour, 'stroke-width': 5,
          'stroke-dasharray': `${s.length.toFixed(2)} ${(c - s.length).toFixed(2)}`, 'stroke-dashoffset': s.offset.toFixed(2),
          'data-key': s.key, 'data-value': s.value,
        }))),
      svgEl('text', { x: size / 2, y: size / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central', class: 'ring-count',
        text: count >= 10000 ? `${Math.round(count / 1000) / 10}万` : String(count) })),
  });
}

// road classes by rank: 1 motorways/trunk roads … 5 streets (the layer's "rank" property)
const ROAD_STYLE = {
  1: { color: '#8a939e', weight: 2.4 }, 2: { color: '#98a1ab', weight: 1.8 }, 3: { color: '#a9b1ba', weight: 1.3 },
  4: { color: '#b7bec6', weight: 1 }, 5: { color: '#c3c9d0', weight: 0.8 },
};
let roadsData = null;

/**
 * The offline base map's roads (GET /api/v1/basemap/roads: the city's road network, pre-thinned)
 * as a light, non-interactive layer under the map's own data. Each road class appears from its
 * `min_zoom` on. Adds the OpenStreetMap attribution (ODbL) — or, with `attribution: false`, leaves it
 * to the caller as `group.attributionText`. Resolves the layer group, or null when the city ships no
 * road layer.
 */
export async function roadLayer(map, { pane = 'roadPane', zIndex = 405, attribution = true } = {}) {
  const L = leaflet();
  if (!map.getPane(pane)) {
    map.createPane(pane).style.zIndex = zIndex;
    map.getPane(pane).style.pointerEvents = 'none';
  }
  if (!roadsData) roadsData = api('/basemap/roads');
  let fc;
  try {
    fc = await roadsData;
  } catch {
    roadsData = null;
    return null;
  }
  const renderer = L.canvas({ pane, padding: 0.3 });
  const classes = (fc.features || []).map((f) => ({
    minZoom: Number(f.properties.min_zoom) || 0,
    layer: L.geoJSON(f, { pane, interactive: false, renderer,
      style: () => ({ ...(ROAD_STYLE[f.properties.rank] || ROAD_STYLE[5]), opacity: 0.85, lineCap: 'round', lineJoin: 'round' }) }),
  }));
  const group = L.layerGroup().addTo(map);
  const update = () => {
    const zoom = map.getZoom();
    for (const c of classes) {
      const show = zoom >= c.minZoom;
      if (show && !group.hasLayer(c.layer)) group.addLayer(c.layer);
      if (!show && group.hasLayer(c.layer)) group.removeLayer(c.layer);
    }
  };
  map.on('zoomend', update);
  update();
  group.attributionText = fc.attribution || '';
  if (attribution && fc.attribution) {
    nodeControl(map, el('span', { class: 'road-attribution', text: fc.attribution }), { className: 'leaflet-control-attribution' });
  }
  return group;
}
