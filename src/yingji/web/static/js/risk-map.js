/*
 * 安全风险一张图: county outlines (no tiles), risk sources as level-coloured markers in a
 * marker cluster (fluid with 10k+ points), filters, per-district counts, live refresh on
 * "risk.assessed" events. Each marker element carries data-source-id and data-level and the
 * class risk-<level>; ?focus=<source id> zooms to one source.
 */
(function () {
  'use strict';
  var Y = window.yingji;
  var R = window.riskUi || {};
  var mapNode = document.getElementById('map');
  var statusNode = document.getElementById('map-status');
  var form = document.getElementById('risk-filters');
  var RANK = { major: 1, significant: 2, general: 3, low: 4 };
  var TEXT = { major: '红 · 重大风险', significant: '橙 · 较大风险', general: '黄 · 一般风险', low: '蓝 · 低风险' };
  var SHORT = { major: '重大', significant: '较大', general: '一般', low: '低' };
  var focus = parseInt(new URLSearchParams(window.location.search).get('focus') || '', 10) || null;

  var map = L.map('map', { zoomControl: true, attributionControl: false, preferCanvas: false,
                           minZoom: 6, maxZoom: 18 }).setView([26.08, 119.3], 9);
  L.control.scale({ position: 'bottomleft', imperial: false }).addTo(map);

  function clusterIcon(cluster) {
    var worst = 'none';
    var best = 99;
    cluster.getAllChildMarkers().forEach(function (m) {
      var r = RANK[m.options.level] || 9;
      if (r < best) { best = r; worst = m.options.level || 'none'; }
    });
    var n = cluster.getChildCount();
    return L.divIcon({
      className: 'risk-cluster risk-' + worst,
      html: '<span title="' + n + ' 个风险源，最高：' + (TEXT[worst] || '未评估') + '">' + n + '</span>',
      iconSize: [34, 34]
    });
  }

  var cluster = L.markerClusterGroup({ chunkedLoading: true, chunkInterval: 150, showCoverageOnHover: false,
                                       maxClusterRadius: 50, iconCreateFunction: clusterIcon });
  map.addLayer(cluster);
  var markers = {};

  function markerIcon(id, level) {
    var key = level || 'none';
    return L.divIcon({
      className: 'risk-marker risk-' + key,
      html: '<span data-source-id="' + id + '" data-level="' + (level || '') + '" title="' + (TEXT[level] || '未评估') + '">' +
            (SHORT[level] || '未') + '</span>',
      iconSize: [22, 22]
    });
  }

  function popup(id) {
    var node = Y.el('div', { 'class': 'risk-popup' }, '加载中…');
    Y.api('/risk/sources/' + id).then(function (s) {
      node.textContent = '';
      node.appendChild(Y.el('strong', { text: s.name }));
      node.appendChild(Y.el('div', {}, R.badge ? R.badge(s.level) : (TEXT[s.level] || '未评估')));
      node.appendChild(Y.el('div', { 'class': 'muted', text: s.code }));
      node.appendChild(Y.el('a', { href: Y.root + '/supervision/sources/' + s.id, text: '查看详情 / 评估' }));
    }).catch(function (e) { node.textContent = e.message; });
    return node;
  }

  function filters() {
    var q = {};
    Array.prototype.forEach.call(form.elements, function (el) { if (el.name && el.value) q[el.name] = el.value; });
    if (Y.division && !Y.division.isScope) q.division = Y.division.code;
    return q;
  }

  function renderTotals(data) {
    var box = document.getElementById('risk-totals');
    box.textContent = '';
    (data.levels || []).forEach(function (lv) {
      box.appendChild(Y.el('div', { 'class': 'risk-total risk-' + lv.key },
        Y.el('span', { text: lv.colour_label + ' · ' + lv.label }), Y.el('strong', { text: Y.fmt.number(data.totals[lv.key] || 0) })));
    });
    box.appendChild(Y.el('div', { 'class': 'risk-total risk-none' }, Y.el('span', { text: '灰 · 未评估' }),
      Y.el('strong', { text: Y.fmt.number(data.totals.unassessed || 0) })));
    document.getElementById('risk-total').textContent = '共 ' + Y.fmt.number(data.totals.all || 0) + ' 个风险源';
    var body = document.querySelector('#district-table tbody');
    body.textContent = '';
    data.districts.forEach(function (d) {
      var tr = Y.el('tr', { dataset: { county: d.key } }, Y.el('td', { text: d.name }));
      (data.levels || []).forEach(function (lv) { tr.appendChild(Y.el('td', { 'class': 'num', text: Y.fmt.number(d.counts[lv.key] || 0) })); });
      tr.appendChild(Y.el('td', { 'class': 'num', text: Y.fmt.number(d.counts.unassessed || 0) }));
      tr.appendChild(Y.el('td', { 'class': 'num', text: Y.fmt.number(d.total) }));
      body.appendChild(tr);
    });
    if (!data.districts.length) body.appendChild(Y.el('tr', {}, Y.el('td', { colspan: '7', 'class': 'muted', text: '无符合条件的风险源' })));
  }

  var loading = null;
  function load() {
    if (loading) loading.abort();
    var ctrl = loading = new AbortController();
    statusNode.textContent = '正在加载风险源…';
    statusNode.hidden = false;
    mapNode.dataset.state = 'loading';
    return Y.api('/risk/map', { query: filters(), signal: ctrl.signal }).then(function (data) {
      if (ctrl !== loading) return;
      loading = null;
      renderTotals(data);
      cluster.clearLayers();
      markers = {};
      var list = [];
      data.points.rows.forEach(function (p) {
        var m = L.marker([p[2], p[1]], { icon: markerIcon(p[0], p[3]), level: p[3], sourceId: p[0], keyboard: false });
        m.bindPopup(function () { return popup(p[0]); });
        markers[p[0]] = m;
        list.push(m);
      });
      cluster.addLayers(list);
      statusNode.textContent = data.points.truncated ? '风险点过多，仅显示前 ' + list.length + ' 个，请缩小筛选范围' : '';
      statusNode.hidden = !data.points.truncated;
      mapNode.dataset.state = 'ready';
      mapNode.dataset.points = String(list.length);
      if (focus && markers[focus]) {
        cluster.zoomToShowLayer(markers[focus], function () { mapNode.dataset.focused = String(focus); });
      }
    }).catch(function (e) {
      if (e && e.name === 'AbortError') return;
      statusNode.textContent = '加载失败：' + e.message;
      mapNode.dataset.state = 'error';
    });
  }

  function outlines() {
    return Y.api('/divisions/geojson', { query: { level: 'county' } }).then(function (fc) {
      var layer = L.geoJSON(fc, { interactive: false,
        style: { color: '#5b6b7f', weight: 1.2, fill: true, fillColor: '#ffffff', fillOpacity: 0.35 } }).addTo(map);
      layer.bringToBack();
      if (!focus && layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    }).catch(function () { /* outlines are decoration */ });
  }

  // live refresh: a new assessment changes one marker in place (and the counts on next reload)
  var refreshTimer = null;
  document.addEventListener('yingji:event', function (e) {
    var evt = e.detail || {};
    if (evt.type !== 'risk.assessed' && evt.type !== 'risk.source_created') return;
    var p = evt.payload || {};
    if (evt.type === 'risk.assessed' && markers[p.source_id]) {
      var m = markers[p.source_id];
      m.options.level = p.level;
      m.setIcon(markerIcon(p.source_id, p.level));
      cluster.refreshClusters(m);
    }
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(load, 1500);
  });

  form.addEventListener('change', function (e) {
    if (e.target.name === 'class_code') {
      var cls = e.target.value;
      Array.prototype.forEach.call(form.elements.subclass_code.options, function (o) {
        o.hidden = !!(cls && o.dataset.class && o.dataset.class !== cls);
      });
      form.elements.subclass_code.value = '';
    }
    load();
  });
  form.addEventListener('submit', function (e) { e.preventDefault(); load(); });

  var started = false;
  outlines().then(function () {
    if (Y.onDivision) {
      Y.onDivision(function () { started = true; load(); });
      setTimeout(function () { if (!started) { started = true; load(); } }, 1500);
    } else { load(); }
  });
  window.riskMap = { map: map, cluster: cluster, markers: function () { return markers; }, reload: load };
})();
