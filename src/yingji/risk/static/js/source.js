/*
 * A risk source's page: the assessment form (LEC / risk matrix, live preview of level and colour)
 * and the control measures. Safe defaults: the form opens at the current assessment (or with no
 * factor chosen), submits nothing while a factor is missing, and asks for confirmation when the
 * level would change by more than one step (one careless submit must not turn a blue source red).
 */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { pageData } from '../../js/components/context.js';
import { confirmDialog } from '../../js/components/dialog.js';
import { clearErrors, showErrors, submitForm } from '../../js/components/forms.js';
import { toast } from '../../js/components/toast.js';
import { levelBadge, levels } from './levels.js';

/** The level key of a score from the configured bands (first match; op null = catch-all). */
export function band(bands, x) {
  for (const b of bands) {
    if (b.op === null || b.bound === null) return b.key;
    if (b.op === 'gt' && x > b.bound + 1e-9) return b.key;
    if (b.op === 'gte' && x >= b.bound - 1e-9) return b.key;
  }
  return bands.length ? bands[bands.length - 1].key : null;
}

const FIELDS = { lec: ['l', 'e', 'c'], ls: ['l', 's'] };

/** Choose, in a <select>, the option whose number equals `value` (10 matches "10.0"). */
function chooseNumber(select, value) {
  const option = [...select.options].find((o) => o.value !== '' && Number(o.value) === Number(value));
  if (option) select.value = option.value;
}

export function start() {
  const sourceId = pageData.source_id;
  const current = pageData.current || null;
  const form = byId('assess-form');
  const method = () => { const c = form.querySelector('input[name=method]:checked'); return c ? c.value : 'lec'; };
  const control = (m, k) => form.elements[`${m}_${k}`];

  /** {method, l, e, c | s} when every factor of the method is chosen, else {missing: [controls]}. */
  function values() {
    const m = method();
    const out = { method: m };
    const missing = [];
    for (const k of FIELDS[m]) {
      const c = control(m, k);
      if (c.value === '') missing.push(c); else out[k] = Number(c.value);
    }
    return missing.length ? { method: m, missing } : out;
  }
  function scoreOf(v) {
    return v.method === 'lec' ? Math.round(v.l * v.e * v.c * 100) / 100 : v.l * v.s;
  }
  function levelOf(v) {
    return band(v.method === 'lec' ? pageData.lec_levels : pageData.ls_levels, scoreOf(v));
  }
  function preview() {
    const v = values();
    form.querySelectorAll('fieldset[data-method]').forEach((fs) => { fs.hidden = fs.dataset.method !== v.method; });
    const out = byId('assess-preview');
    if (v.missing) {
      replace(out, el('span', { class: 'muted', text: `请选择全部评估因子（尚缺 ${v.missing.length} 项）` }));
      return;
    }
    const key = levelOf(v);
    const parts = [el('span', { text: `${v.method === 'lec' ? 'D' : 'R'} = ${scoreOf(v)}\u3000` }), levelBadge(key)];
    if (current && current.level && current.level !== key) {
      parts.push(el('span', { class: 'risk-change', text: `（当前 ${levels.text(current.level)}）` }));
    }
    replace(out, parts);
  }
  /** How many steps the level moves (0 = unchanged): 蓝 → 红 is 3. */
  function steps(from, to) {
    if (!from || !levels.has(from) || !levels.has(to)) return 0;
    return Math.abs(levels.order(from) - levels.order(to));
  }

  if (form) {
    if (current) {  // open at the current assessment
      const radio = form.querySelector(`input[name=method][value="${current.method}"]`);
      if (radio) radio.checked = true;
      for (const [k, value] of Object.entries(current.factors || {})) {
        const c = control(current.method, k);
        if (c) chooseNumber(c, value);
      }
    }
    form.addEventListener('change', preview);
    preview();
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const box = byId('assess-error');
      clearErrors(form, box);
      const v = values();
      if (v.missing) {
        showErrors(form, { message: '请选择全部评估因子', details: v.missing.map((c) => ({ field: c.name, message: '请选择' })) }, box);
        return;
      }
      const key = levelOf(v);
      const from = current && current.level;
      if (steps(from, key) > 1) {
        const ok = await confirmDialog({
          title: '风险等级变化较大，请确认',
          message: `本次评估将使风险等级从“${levels.text(from)}”变为“${levels.text(key)}”（跨越 ${steps(from, key)} 级）。`
            + '请核对各评估因子无误后再提交。',
          confirmText: '确认提交', danger: levels.order(key) < levels.order(from),
          ids: { dialog: 'assess-confirm-dialog', confirm: 'assess-confirm' },
        });
        if (!ok) return;
      }
      await submitForm(form, async () => {
        const body = { ...v };
        const assessor = form.elements.assessor.value.trim();
        const note = form.elements.note.value.trim();
        if (assessor) body.assessor = assessor;
        if (note) body.note = note;
        const res = await api(`/risk/sources/${sourceId}/assess`, { method: 'POST', body });
        replace(byId('source-level'), levelBadge(res.source.level));
        byId('source-tier').textContent = res.source.management_tier || '—';
        byId('source-score').textContent = `${res.source.method === 'lec' ? 'LEC ' : '风险矩阵 '}${res.source.score}`;
        toast(`评估已保存：${levels.text(res.source.level)}`, 'success');
        setTimeout(() => window.location.reload(), 800);
      }, { box, button: byId('assess-submit') });
    });
  }
  const measures = byId('measure-form');
  if (measures) {
    measures.addEventListener('submit', (e) => {
      e.preventDefault();
      submitForm(measures, async (body) => {
        await api(`/risk/sources/${sourceId}/measures`, { method: 'POST', body });
        window.location.reload();
      }, { box: byId('measure-error') });
    });
  }
}
