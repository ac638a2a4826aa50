/* 执法检查: the annual inspection plan (calendar by month), penalties and the blacklist. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { levelTable } from '../../js/lib/levels.js';
import { api, listAll } from '../../js/components/api.js';
import { appUrl, fmt, pageData } from '../../js/components/context.js';
import { promptDialog } from '../../js/components/dialog.js';
import { divisionLabel } from '../../js/components/divisions.js';
import { submitForm } from '../../js/components/forms.js';
import { toast } from '../../js/components/toast.js';
import { unitPicker } from '../../js/components/unit-picker.js';

const date = (value) => fmt.date(value);

export function start() {
  const params = new URLSearchParams(window.location.search);
  const flags = pageData;
  // the units' risk levels are named as the grading configuration names them
  const levelsReady = api('/risk/levels').then((g) => levelTable(g.levels)).catch(() => levelTable([]));

  function failTo(box) {
    return (err) => { if (box) box.textContent = err.message; else toast(err.message, 'error'); };
  }

  async function calendar(planId) {
    try {
      const s = await api(`/enforcement/plans/${planId}`);
      const max = Math.max(1, ...s.by_month.map((m) => m.planned));
      replace(byId('plan-calendar'), s.by_month.map((m) => el('button', { type: 'button', class: 'plan-month', dataset: { month: m.month },
        onclick: () => items(planId, m.month) },
      el('strong', { text: `${m.month} 月` }),
      el('span', { class: 'plan-bar', style: { width: `${(100 * m.planned) / max}%` } }),
      el('span', { text: `计划 ${m.planned} · 完成 ${m.done}` }))));
    } catch (err) { failTo(null)(err); }
  }

  async function items(planId, month) {
    try {
      const [d, levels] = await Promise.all([api(`/enforcement/plans/${planId}/items`, { query: { month, page_size: 500 } }), levelsReady]);
      const rows = d.items.map((i) => {
        const done = i.done_inspection_id
          ? el('span', { class: 'plan-done' }, el('span', { class: 'badge badge-ready', text: '已完成' }),
            el('a', { href: appUrl(`/supervision/inspections/${i.done_inspection_id}`), text: `检查记录 #${i.done_inspection_id}` }))
          : flags.can_inspect ? el('a', { class: 'btn btn-small plan-inspect', dataset: { itemId: i.id },
            href: appUrl(`/supervision/inspections/new?unit_id=${i.unit_id}&planned_inspection_id=${i.id}`),
            'aria-label': `登记检查：${i.unit_name} ${i.planned_date}`, text: '登记检查' })
            : el('span', { class: 'muted', text: '未完成' });
        return el('tr', { dataset: { itemId: i.id } }, el('td', { text: i.planned_date }), el('td', { text: i.unit_name }),
          el('td', { text: String(i.sequence) }), el('td', { text: i.level ? levels.text(i.level) : '未评级' }), el('td', null, done));
      });
      replace(byId('plan-items'), el('h3', { text: `${month} 月计划检查（${d.total} 次）` }),
        el('table', { class: 'data-table', id: 'plan-items-table' },
          el('thead', null, el('tr', null, ['日期', '单位', '第几次', '风险等级', '完成'].map((h) => el('th', { text: h })))),
          el('tbody', null, rows)));
    } catch (err) { failTo(null)(err); }
  }

  async function plans() {
    try {
      const d = await api('/enforcement/plans', { query: { page_size: 100 } });
      replace(byId('plans-table').tBodies[0], d.items.length ? d.items.map((p) => el('tr', { dataset: { planId: p.id } },
        el('td', { text: String(p.year) }), el('td', null, divisionLabel(p.division_code)),
        el('td', { class: 'num', text: p.items_in_scope === p.item_count ? fmt.number(p.item_count)
          : `${fmt.number(p.items_in_scope)} / ${fmt.number(p.item_count)}` }),
        el('td', { text: fmt.minute(p.generated_at) }),
        el('td', null, el('button', { type: 'button', class: 'btn', text: '查看日历', onclick: () => calendar(p.id) }))))
        : el('tr', null, el('td', { colspan: 5, class: 'muted', text: '暂无检查计划' })));
      const want = Number(params.get('plan'));
      const month = Number(params.get('month'));
      // a month without a plan (e.g. from the home page): this year's plan, else the latest
      const thisYear = Number(fmt.parts(new Date()).year);
      const chosen = d.items.find((p) => p.id === want) || d.items.find((p) => p.year === thisYear) || d.items[0];
      if (chosen) calendar(chosen.id);
      if (chosen && (chosen.id === want || !want) && month >= 1 && month <= 12) items(chosen.id, month);
    } catch (err) { failTo(null)(err); }
  }

  async function penalties() {
    try {
      const d = await api('/enforcement/penalties', { query: { page_size: 100 } });
      replace(byId('penalties-table').tBodies[0], d.items.map((p) => el('tr', { dataset: { penaltyId: p.id } },
        el('td', { text: p.decision_no }), el('td', { text: p.unit_name }), el('td', { class: 'num', text: fmt.number(p.amount_yuan, 2) }),
        el('td', { text: date(p.decided_at) }), el('td', { class: 'reason-cell', text: p.reason }))));
    } catch (err) { failTo(null)(err); }
  }

  async function blacklist() {
    try {
      const d = await api('/enforcement/blacklist', { query: { page_size: 100 } });
      replace(byId('blacklist-table').tBodies[0], d.items.map((b) => el('tr', { dataset: { entryId: b.id } },
        el('td', { text: b.unit_name }), el('td', { text: b.reason }), el('td', { text: date(b.listed_at) }),
        el('td', { text: b.removed_at ? `${date(b.removed_at)}（${b.removal_reason || ''}）` : '' }),
        el('td', null, !b.removed_at && (flags.flags || {}).can_blacklist ? el('button', { type: 'button', class: 'btn btn-small bl-remove', dataset: { entryId: b.id },
          text: '移出', 'aria-label': `移出黑名单：${b.unit_name}`, onclick: () => removeFromBlacklist(b) }) : null))));
    } catch (err) { failTo(null)(err); }
  }

  async function removeFromBlacklist(entry) {
    const done = await promptDialog({
      title: `移出黑名单：${entry.unit_name}`, label: '移出原因（必填）', confirmText: '确认移出', maxlength: 2000,
      ids: { input: 'bl-removal-reason', confirm: 'bl-removal-confirm', dialog: 'bl-removal-dialog' },
      submit: (reason) => api(`/enforcement/blacklist/${entry.id}/removal`, { method: 'POST', body: { removal_reason: reason } }),
    });
    if (done) { toast('已移出黑名单', 'success'); blacklist(); }
  }

  const planForm = byId('plan-form');
  if (planForm) {
    // the divisions the plan may be for: the jurisdiction and the counties / townships inside it, by name
    listAll('/divisions', { level: 'county' }).then((counties) => {
      const select = byId('plan-division');
      for (const c of counties) if (c.code !== select.options[0].value) select.appendChild(el('option', { value: c.code, text: c.name }));
    }).catch(() => {});
    planForm.addEventListener('submit', (e) => {
      e.preventDefault();
      submitForm(planForm, async (f) => {
        const p = await api('/enforcement/plans', { method: 'POST', body: { year: Number(f.year), division_code: f.division_code, replace: !!f.replace } });
        toast(`已生成 ${p.item_count} 次检查`, 'success');
        plans();
      }, { box: byId('plan-error') });
    });
  }
  const penaltyForm = byId('penalty-form');
  const penaltyPicker = unitPicker('penalty');
  if (penaltyForm) {
    penaltyForm.addEventListener('submit', (e) => {
      e.preventDefault();
      submitForm(penaltyForm, async (f) => {
        await api('/enforcement/penalties', { method: 'POST', body: { unit_id: Number(f.unit_id), decision_no: f.decision_no,
          amount_yuan: f.amount_yuan, reason: f.reason, decided_at: fmt.toInstant(f.decided_at, '00:00') } });
        penaltyForm.reset();
        if (penaltyPicker) penaltyPicker.reset();
        penalties();
      }, { box: byId('penalty-error') });
    });
  }
  const blacklistForm = byId('blacklist-form');
  const blacklistPicker = unitPicker('blacklist');
  if (blacklistForm) {
    blacklistForm.addEventListener('submit', (e) => {
      e.preventDefault();
      submitForm(blacklistForm, async (f) => {
        await api('/enforcement/blacklist', { method: 'POST', body: { unit_id: Number(f.unit_id), reason: f.reason } });
        blacklistForm.reset();
        if (blacklistPicker) blacklistPicker.reset();
        blacklist();
      }, { box: byId('blacklist-error') });
    });
  }
  plans();
  penalties();
  blacklist();
}
