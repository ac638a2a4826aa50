/* 生产经营单位: paged list with filters and the register-unit form. */
(function () {
  'use strict';
  var Y = window.yingji;
  var R = window.riskUi;
  var cfg = JSON.parse(document.getElementById('risk-config').textContent || '{}');
  var filters = document.getElementById('unit-filters');
  var body = document.querySelector('#units-table tbody');
  var page = 1;
  var total = 0;
  var names = {};

  function query() {
    var q = { page: page, page_size: 50 };
    Array.prototype.forEach.call(filters.elements, function (el) { if (el.name && el.value.trim()) q[el.name] = el.value.trim(); });
    if (Y.division && !Y.division.isScope) q.division = Y.division.code;
    return q;
  }

  function load() {
    var q = query();
    var exp = Object.assign({}, q);
    delete exp.page; delete exp.page_size;
    document.getElementById('units-export').href = Y.root + '/api/v1/risk/units/export.xlsx?' + new URLSearchParams(exp).toString();
    return Y.api('/units', { query: q }).then(function (data) {
      total = data.total;
      body.textContent = '';
      data.items.forEach(function (u) {
        body.appendChild(Y.el('tr', { dataset: { unitId: String(u.id) } },
          Y.el('td', {}, Y.el('a', { href: Y.root + '/supervision/units/' + u.id, text: u.name }),
            u.synthetic ? Y.el('span', { 'class': 'badge badge-synthetic', text: '合成' }) : null),
          Y.el('td', { text: u.credit_code }),
          Y.el('td', { text: cfg.industries[u.industry] || u.industry }),
          Y.el('td', { text: (Y.divisionName(u.division_code) || '') + ' ' + u.division_code }),
          Y.el('td', {}, R.badge(u.risk_level))));
      });
      if (!data.items.length) body.appendChild(Y.el('tr', {}, Y.el('td', { colspan: '5', 'class': 'muted', text: '没有符合条件的单位' })));
      var pages = Math.max(1, Math.ceil(total / 50));
      document.getElementById('units-page').textContent = '第 ' + page + ' / ' + pages + ' 页，共 ' + Y.fmt.number(total) + ' 家';
    }).catch(function (e) { Y.toast(e.message, 'error'); });
  }

  filters.addEventListener('submit', function (e) { e.preventDefault(); page = 1; load(); });
  document.getElementById('units-prev').addEventListener('click', function () { if (page > 1) { page--; load(); } });
  document.getElementById('units-next').addEventListener('click', function () { if (page * 50 < total) { page++; load(); } });
  if (Y.onDivision) Y.onDivision(function () { page = 1; load(); });
  setTimeout(function () { if (!body.dataset.loaded) { body.dataset.loaded = '1'; load(); } }, 1200);

  var form = document.getElementById('unit-form');
  if (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var err = document.getElementById('unit-form-error');
      R.showError(err, null);
      Y.api('/units', { method: 'POST', body: R.formJson(form) }).then(function (u) {
        Y.toast('已登记：' + u.name, 'ok');
        window.location.assign(Y.root + '/supervision/units/' + u.id);
      }).catch(function (ex) { R.showError(err, ex); });
    });
  }
})();
