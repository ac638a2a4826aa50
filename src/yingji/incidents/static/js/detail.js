/**
 * 事件详情 (/command/incidents/{id}): facts, counts (核报 → regrade), grade history, the report
 * schedule with deadlines (拟写 a report for any open item), each report's text editable until
 * submitted (保存草稿 keeps an edit; 报送), then 签收 with who received it; the timeline. Reloads on this incident's events.
 */
import { byId, clear, el, append, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { pageData } from '../../js/components/context.js';
import { fillForm, formValues } from '../../js/components/forms.js';
import { onEvent } from '../../js/components/ticker.js';
import { toast } from '../../js/components/toast.js';
import { casualties, dt, labels } from './common.js';

const id = pageData.incident_id;
const NEXT = { received: [['handling', '开始处置'], ['closed', '结束']], handling: [['closed', '结束']], closed: [] };
const CHANGE = { initial: '初判', raised: '上调', lowered: '下调', unchanged: '未变' };

async function act(path, method, body, done) {
  try {
    await api(path, { method, body });
    await done();
  } catch (err) { toast(err.message, 'error'); }
}

export function start() {
  const countsForm = byId('counts-form');
  let current = null;

  function reportBox(r, reload) {
    const text = el('textarea', { name: 'text', 'aria-label': '报告正文', readonly: r.submitted_at ? 'readonly' : null });
    text.value = r.text;
    const buttons = [];
    if (!r.submitted_at && current.can_write) {
      buttons.push(el('button', { type: 'button', class: 'btn', text: '保存草稿', dataset: { action: 'save-draft' },
        onclick: () => act(`/incidents/reports/${r.id}`, 'PUT', { text: text.value },
          async () => { toast('草稿已保存', 'success'); await reload(); }) }));
      buttons.push(el('button', { type: 'button', class: 'btn btn-primary', text: '报送',
        onclick: () => act(`/incidents/reports/${r.id}/submit`, 'POST', { text: text.value }, reload) }));
    }
    if (r.submitted_at && !r.received_at && current.can_write) {
      const who = el('input', { name: 'received_by', maxlength: '200', placeholder: '接收单位与姓名', 'aria-label': '接收人' });
      buttons.push(who, el('button', { type: 'button', class: 'btn', text: '签收',
        onclick: () => act(`/incidents/reports/${r.id}/receive`, 'POST', { received_by: who.value }, reload) }));
    }
    const state = r.submitted_at
      ? `${dt(r.submitted_at)} 已报送${r.on_time ? '（按时）' : '（超时）'}${r.received_at ? `；${r.received_by} ${dt(r.received_at)} 签收` : ''}`
      : `草稿，截止 ${dt(r.due_at)}`;
    return el('div', { class: 'inc-report', dataset: { reportId: r.id, kind: r.kind } },
      el('strong', { text: `${r.kind === 'first' ? '首报' : r.kind === 'followup' ? '续报' : '终报'} · ${labels.level(r.level)}` }),
      el('span', { class: 'muted', text: ` ${state}` }), text, el('div', { class: 'inc-actions' }, ...buttons));
  }

  async function load() {
    let d;
    try { d = await api(`/incidents/${id}`); } catch (err) { toast(err.message, 'error'); return; }
    current = d;
    const i = d.incident;
    byId('inc-title').textContent = `${i.code} ${i.title}`;
    byId('inc-sub').textContent = `${labels.status(i.status)} · ${i.grade_label}事故 · ${i.response_label}响应`;
    replace(byId('inc-facts'), ...[['类型', `${i.category ? `${i.category}／` : ''}${i.type}`], ['地点', `${i.division_name} ${i.place_text}`],
      ['接警', dt(i.received_at)], ['伤亡', casualties(i)], ['涉险/疏散', `${i.endangered} / ${i.evacuated}`],
      ['直接损失', `${i.loss_wan} 万元`], ['危险因素', i.hazards.join('、') || '无'], ['较大涉险', i.risk_flags.length ? '是' : '否']]
      .flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
    const actions = byId('inc-actions');
    clear(actions);
    if (d.can_write) {
      append(actions, ...NEXT[i.status].map(([s, label]) => el('button', { type: 'button', class: 'btn', dataset: { status: s }, text: label,
        onclick: () => act(`/incidents/${id}/status`, 'POST', { status: s }, load) })));
    }
    countsForm.hidden = !(d.can_write && i.status !== 'closed');
    fillForm(countsForm, { dead: i.dead, missing: i.missing, seriously_injured: i.seriously_injured, injured: i.injured,
      trapped: i.trapped, endangered: i.endangered, evacuated: i.evacuated, loss_wan: i.loss_wan, note: '' });
    replace(byId('inc-grades'), ...d.grades.map((g) => el('li', { text: `${dt(g.at)} ${CHANGE[g.change] || g.change}：${labels.grade(g.grade)}（${g.response_level}）${g.reasons.length ? ` — ${g.reasons.join('；')}` : ''}` })));
    const drafts = new Set(d.reports.filter((r) => !r.submitted_at).map((r) => `${r.kind}:${r.level}`));
    replace(byId('inc-schedule').tBodies[0], ...d.schedule.map((s) => el('tr', { class: s.overdue ? 'inc-overdue' : null },
      el('td', { text: s.kind_label }), el('td', { text: s.level_label }), el('td', { class: 'nowrap', text: dt(s.due_at) }),
      el('td', { text: s.submitted_at ? `${dt(s.submitted_at)}${s.late ? '（超时）' : ''}` : '' }),
      el('td', null, s.submitted_at ? '已报' : (s.overdue ? '已逾期 ' : '待报 '),
        !s.submitted_at && d.can_write && !drafts.has(`${s.kind}:${s.level}`)
          ? el('button', { type: 'button', class: 'btn btn-small', dataset: { kind: s.kind, level: s.level }, text: '拟写',
            onclick: () => act(`/incidents/${id}/reports`, 'POST', { kind: s.kind, level: s.level }, load) }) : null))));
    replace(byId('inc-reports'), ...d.reports.slice().reverse().map((r) => reportBox(r, load)));
    replace(byId('inc-timeline'), ...d.timeline.map((t) => el('li', { text: `${dt(t.at)} ${t.text}（${t.actor}）` })));
  }

  countsForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(countsForm);
    const body = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'note' ? (x || '') : Number(x || 0)]));
    act(`/incidents/${id}/counts`, 'PUT', body, load);
  });
  onEvent((evt) => { if (evt && evt.payload && evt.payload.incident_id === id) load(); });
  load();
}
