/* 应急演练: the drills list, recording a drill, its evaluation, and feeding its findings into a revision. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api, listAll } from '../../js/components/api.js';
import { appUrl, fmt } from '../../js/components/context.js';
import { submitForm } from '../../js/components/forms.js';
import { listPage } from '../../js/components/list.js';
import { toast } from '../../js/components/toast.js';
import { dt, label } from './common.js';

let evaluating = null;
let list = null;

function actions(d) {
  const out = [];
  if (byId('dr-eval-form')) {
    out.push(el('button', { type: 'button', class: 'btn btn-small', dataset: { evaluate: d.id }, text: d.evaluated_at ? '重新评估' : '评估', onclick: () => {
      evaluating = d;
      const form = byId('dr-eval-form');
      form.hidden = false;
      byId('dr-eval-title').textContent = d.title;
      form.score.value = d.score === null ? '' : d.score;
      form.findings.value = (d.findings || []).map((f) => f.text).join('\n');
      form.score.focus();
    } }));
    if (d.findings.length && d.revision_version === null) {
      out.push(el('button', { type: 'button', class: 'btn btn-small btn-primary', dataset: { revise: d.id }, text: '纳入预案修订', onclick: async () => {
        try {
          const p = await api(`/plans/drills/${d.id}/revision`, { method: 'POST' });
          toast(`已生成修订稿：第 ${p.version} 版`, 'success');
          window.location.assign(appUrl(`/command/plans/${p.id}`));
        } catch (err) { toast(err.message, 'error'); }
      } }));
    }
  }
  if (d.revision_version !== null) out.push(el('span', { class: 'muted small', text: `已纳入第 ${d.revision_version} 版修订稿` }));
  return out;
}

export async function start() {
  list = listPage({
    id: 'dr', path: '/plans/drills', table: byId('dr-table'), pager: byId('dr-pager'), empty: '尚无演练记录', unit: '次演练',
    row: (d) => el('tr', { dataset: { drillId: d.id } },
      el('td', { class: 'nowrap', text: dt(d.held_at) }), el('td', { text: d.title }), el('td', { text: label('drill_kinds', d.kind) }),
      el('td', null, el('a', { href: appUrl(`/command/plans/${d.plan_id}`), text: d.plan_title })),
      el('td', { text: d.score === null ? '未评估' : `${d.score} 分` }),
      el('td', null, d.findings.length ? el('ul', { class: 'pl-findings' }, d.findings.map((f) => el('li', { text: f.text }))) : '—'),
      el('td', null, actions(d))),
  });
  const form = byId('dr-new-form');
  if (!form) return;
  const plans = await listAll('/plans');
  replace(byId('dr-plan'), plans.map((p) => el('option', { value: p.id, text: `${p.title}（${p.kind_label}）` })));
  form.held_at.value = fmt.localInputNow();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitForm(form, async (v) => {
      const [date, time] = v.held_at.split('T');
      await api('/plans/drills', { method: 'POST', body: { plan_id: Number(v.plan_id), title: v.title, kind: v.kind,
        held_at: fmt.toInstant(date, time), location: v.location || '', participants: v.participants || '', scenario: v.scenario || '' } });
      toast('已登记演练', 'success');
      form.reset();
      form.held_at.value = fmt.localInputNow();
      list.reload();
    });
  });
  const ev = byId('dr-eval-form');
  ev.addEventListener('submit', (e) => {
    e.preventDefault();
    submitForm(ev, async (v) => {
      const findings = String(v.findings || '').split('\n').map((t) => t.trim()).filter((t) => t.length >= 2).map((text) => ({ text }));
      await api(`/plans/drills/${evaluating.id}/evaluation`, { method: 'POST', body: { score: Number(v.score), findings } });
      toast('已保存评估', 'success');
      ev.hidden = true;
      list.reload();
    });
  });
}
