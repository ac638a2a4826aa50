/* Source page: assessment form (LEC / risk matrix, live preview of level and colour) and measures. */
(function () {
  'use strict';
  var Y = window.yingji;
  var R = window.riskUi;
  var grading = JSON.parse(document.getElementById('risk-grading').textContent || '{}');
  R.setLevels(grading.levels);
  var sourceId = document.querySelector('[data-source-id]').dataset.sourceId;
  var form = document.getElementById('assess-form');

  function band(bands, x) {
    for (var i = 0; i < bands.length; i++) {
      var b = bands[i];
      if (b.op === null || b.bound === null) return b.key;
      if (b.op === 'gt' && x > b.bound + 1e-9) return b.key;
      if (b.op === 'gte' && x >= b.bound - 1e-9) return b.key;
    }
    return bands.length ? bands[bands.length - 1].key : null;
  }
  function method() { var c = form.querySelector('input[name=method]:checked'); return c ? c.value : 'lec'; }
  function values() {
    var m = method();
    if (m === 'lec') return { method: 'lec', l: Number(form.elements.lec_l.value), e: Number(form.elements.lec_e.value), c: Number(form.elements.lec_c.value) };
    return { method: 'ls', l: Number(form.elements.ls_l.value), s: Number(form.elements.ls_s.value) };
  }
  function preview() {
    var v = values();
    Array.prototype.forEach.call(form.querySelectorAll('fieldset[data-method]'), function (fs) { fs.hidden = fs.dataset.method !== v.method; });
    var score = v.method === 'lec' ? Math.round(v.l * v.e * v.c * 100) / 100 : v.l * v.s;
    var key = band(v.method === 'lec' ? grading.lec_levels : grading.ls_levels, score);
    var out = document.getElementById('assess-preview');
    out.textContent = '';
    out.appendChild(Y.el('span', { text: (v.method === 'lec' ? 'D = ' : 'R = ') + score + '　' }));
    out.appendChild(R.badge(key));
  }
  if (form) {
    form.addEventListener('change', preview);
    preview();
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var err = document.getElementById('assess-error');
      R.showError(err, null);
      var body = values();
      if (form.elements.assessor.value.trim()) body.assessor = form.elements.assessor.value.trim();
      if (form.elements.note.value.trim()) body.note = form.elements.note.value.trim();
      document.getElementById('assess-submit').disabled = true;
      Y.api('/risk/sources/' + sourceId + '/assess', { method: 'POST', body: body }).then(function (res) {
        var lvNode = document.getElementById('source-level');
        lvNode.textContent = '';
        lvNode.appendChild(R.badge(res.source.level));
        document.getElementById('source-tier').textContent = res.source.management_tier || '—';
        document.getElementById('source-score').textContent = (res.source.method === 'lec' ? 'LEC ' : '风险矩阵 ') + res.source.score;
        Y.toast('评估已保存：' + R.levelText(res.source.level), 'ok');
        setTimeout(function () { window.location.reload(); }, 800);
      }).catch(function (ex) { R.showError(err, ex); }).then(function () {
        document.getElementById('assess-submit').disabled = false;
      });
    });
  }
  var mform = document.getElementById('measure-form');
  if (mform) {
    mform.addEventListener('submit', function (e) {
      e.preventDefault();
      var err = document.getElementById('measure-error');
      Y.api('/risk/sources/' + sourceId + '/measures', { method: 'POST', body: R.formJson(mform) })
        .then(function () { window.location.reload(); }).catch(function (ex) { R.showError(err, ex); });
    });
  }
})();
