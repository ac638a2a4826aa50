/* 登记检查记录: pick the unit, check its industry's checklist item by item; failed items become hazards. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, fmt, pageData } from '../../js/components/context.js';
import { clearErrors, showErrors } from '../../js/components/forms.js';
import { unitPicker } from '../../js/components/unit-picker.js';
import { dayEnd } from './common.js';

const RESULTS = [['pass', '合格'], ['fail', '不合格'], ['na', '不适用']];

export function start() {
  const catalog = pageData.catalog || {};
  const prefill = pageData.prefill || {};
  const planned = prefill.planned || null;
  const lists = Object.fromEntries((catalog.checklists || []).map((c) => [c.industry, c.items]));
  const form = byId('insp-form');
  const errorBox = byId('insp-error');
  const submit = byId('insp-submit');
  const itemsBody = byId('insp-items').tBodies[0];
  form.elements.inspected_at.value = fmt.localInputNow();

  function showChecklist(unit) {
    const items = unit ? lists[unit.industry] || [] : [];
    replace(itemsBody, items.length ? items.map((it) => el('tr', { dataset: { code: it.code } },
      el('td', { text: `${it.code} ${it.text}` }),
      el('td', null, el('select', { name: `result_${it.code}`, 'aria-label': `${it.code} 结果` },
        RESULTS.map(([value, label]) => el('option', { value, text: label })))),
      el('td', null, el('select', { name: `tier_${it.code}`, 'aria-label': `${it.code} 分级` },
        (catalog.tiers || []).map((t) => el('option', { value: t.key, text: t.label, selected: t.key === it.suggested_tier })))),
      el('td', null, el('input', { name: `note_${it.code}`, maxlength: 500, 'aria-label': `${it.code} 说明` }))))
      : el('tr', null, el('td', { colspan: 4, class: 'muted', text: unit ? '该行业暂无检查表' : '请先选择单位' })));
  }
  const picker = unitPicker('insp', showChecklist);
  if (prefill.unit && picker) picker.set(prefill.unit);

  let saving = false;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (saving) return;
    clearErrors(form, errorBox);
    const f = form.elements;
    const items = [...itemsBody.querySelectorAll('tr[data-code]')].map((tr) => {
      const code = tr.dataset.code;
      const result = f[`result_${code}`].value;
      return { code, result, note: f[`note_${code}`].value.trim(), tier: result === 'fail' ? f[`tier_${code}`].value : null };
    });
    const [date, time] = f.inspected_at.value.split('T');
    const body = { unit_id: Number(f.unit_id.value), kind: f.kind.value, inspector: f.inspector.value,
      inspected_at: fmt.toInstant(date, time), items };
    if (f.department.value.trim()) body.department = f.department.value;
    if (f.deadline.value) body.deadline = dayEnd(f.deadline.value);
    if (f.planned_inspection_id && f.planned_inspection_id.value) body.planned_inspection_id = Number(f.planned_inspection_id.value);
    saving = true;
    submit.disabled = true;
    try {
      const r = await api('/hazards/inspections', { method: 'POST', body });
      clearErrors(form, errorBox);
      replace(byId('insp-result'),
        el('p', { class: 'ok-text', id: 'insp-saved' }, '检查记录已保存（',
          el('a', { href: appUrl(`/supervision/inspections/${r.id}`), text: `检查记录 #${r.id}` }),
          `），不合格 ${r.failed_count} 项，生成隐患 ${r.hazard_ids.length} 条${r.hazard_ids.length ? '：' : '。'}`),
        el('ul', { class: 'plain-list' }, r.hazard_ids.map((hid) => el('li', null,
          el('a', { class: 'hz-new-hazard', href: appUrl(`/supervision/hazards/${hid}`), text: `隐患 #${hid}` })))),
        r.planned_inspection_id && planned ? el('p', { class: 'ok-text', id: 'insp-plan-done' }, `计划检查 #${r.planned_inspection_id} 已完成。`,
          el('a', { href: appUrl(`/supervision/enforcement?plan=${planned.plan_id}&month=${planned.month}`), text: '返回执法检查计划' })) : null);
      // another inspection may follow; a planned visit is done once
      if (!(r.planned_inspection_id && planned)) submit.disabled = false;
    } catch (err) {
      submit.disabled = false;
      showErrors(form, err, errorBox);
    } finally {
      saving = false;
    }
  });
}
