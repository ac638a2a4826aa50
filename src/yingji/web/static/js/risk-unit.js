/* Unit page: its four-colour map (一图, no tiles) and the register-source form. */
(function () {
  'use strict';
  var Y = window.yingji;
  var R = window.riskUi;
  var node = document.getElementById('unit-map');
  var unitId = document.querySelector('[data-unit-id]').dataset.unitId;
  var COLOURS = { major: '#d9001b', significant: '#ff7d00', general: '#ffd400', low: '#1e6fd9' };
  if (node && window.L) {
    var points = JSON.parse(node.dataset.points || '[]');
    var map = L.map(node, { attributionControl: false });
    var group = L.featureGroup().addTo(map);
    points.forEach(function (p) {
      L.circleMarker([p[2], p[1]], { radius: 9, color: '#333', weight: 1, fillColor: COLOURS[p[3]] || '#9aa3ad',
                                     fillOpacity: 0.9, className: 'risk-point risk-' + (p[3] || 'none') })
        .bindTooltip(p[4] + '：' + R.levelText(p[3])).addTo(group);
    });
    if (points.length) map.fitBounds(group.getBounds().pad(0.5), { maxZoom: 16 });
    else map.setView([26.08, 119.3], 10);
  }
  var form = document.getElementById('source-form');
  if (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var err = document.getElementById('source-form-error');
      R.showError(err, null);
      var body = R.formJson(form);
      body.unit_id = Number(unitId);
      Y.api('/risk/sources', { method: 'POST', body: body }).then(function (s) {
        window.location.assign(Y.root + '/supervision/sources/' + s.id);
      }).catch(function (ex) { R.showError(err, ex); });
    });
  }
})();
