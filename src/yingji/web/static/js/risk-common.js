/* Supervision / risk pages: shared helpers (level badges; colour is never shown without its text). */
(function () {
  'use strict';
  var Y = window.yingji;
  var LEVELS = {
    major: { label: '重大风险', colour_label: '红' },
    significant: { label: '较大风险', colour_label: '橙' },
    general: { label: '一般风险', colour_label: '黄' },
    low: { label: '低风险', colour_label: '蓝' }
  };
  var R = window.riskUi = {};
  R.LEVELS = LEVELS;
  R.setLevels = function (levels) {
    (levels || []).forEach(function (lv) { LEVELS[lv.key] = lv; });
  };
  R.levelText = function (key) {
    var lv = LEVELS[key];
    return lv ? lv.colour_label + ' · ' + lv.label : '未评估';
  };
  R.badge = function (key) {
    return Y.el('span', { 'class': 'risk-badge risk-' + (LEVELS[key] ? key : 'none'), dataset: { level: key || '' } },
      Y.el('i', { 'class': 'risk-dot', 'aria-hidden': 'true' }), R.levelText(key));
  };
  R.formJson = function (form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === 'submit' || el.type === 'button') return;
      if (el.type === 'radio' && !el.checked) return;
      var v = el.value.trim();
      if (v === '') return;
      out[el.name] = el.type === 'number' ? Number(v) : v;
    });
    return out;
  };
  R.showError = function (node, err) {
    if (!node) return;
    node.textContent = err ? (err.message || String(err)) : '';
  };
})();
