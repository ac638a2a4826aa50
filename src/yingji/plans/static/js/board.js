/*
 * 任务看板: the tasks of a started plan in three columns (待办 / 进行中 / 完成), each with its owner,
 * deadline and a live countdown; overdue tasks are flagged. Other users' changes arrive as platform
 * events (plan.task_updated, plan.task_overdue …) and refresh the board.
 */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { pageData } from '../../js/components/context.js';
import { confirmDialog, promptDialog } from '../../js/components/dialog.js';
import { onEvent } from '../../js/components/ticker.js';
import { toast } from '../../js/components/toast.js';
import { clock, dt, label } from './common.js';

const id = pageData.activation_id;
const canRespond = Boolean(pageData.flags && pageData.flags.can_respond);
let board = null;
let skew = 0; // server clock − browser clock (ms)
let timer = null;

function serverNow() { return Date.now() + skew; }

function move(task, status) {
  return api(`/plans/tasks/${task.id}`, { method: 'PATCH', body: { status } })
    .then(() => load())
    .catch((err) => toast(err.message, 'error'));
}

async function assign(task) {
  const person = await promptDialog({ title: '指派责任人', label: `“${task.title}”的责任人`, value: task.person || '',
    multiline: false, maxlength: 100, ids: { input: 'bd-person', confirm: 'bd-person-confirm' },
    submit: (text) => api(`/plans/tasks/${task.id}`, { method: 'PATCH', body: { person: text } }) });
  if (person) await load();
}

function card(t) {
  const buttons = [];
  if (canRespond && board.state === 'active') {
    if (t.status === 'todo') buttons.push(el('button', { type: 'button', class: 'btn btn-small', dataset: { move: 'doing' }, text: '开始', onclick: () => move(t, 'doing') }));
    if (t.status !== 'done') buttons.push(el('button', { type: 'button', class: 'btn btn-small btn-primary', dataset: { move: 'done' }, text: '完成', onclick: () => move(t, 'done') }));
    if (t.status !== 'todo') buttons.push(el('button', { type: 'button', class: 'btn btn-small', dataset: { move: 'todo' }, text: '退回待办', onclick: () => move(t, 'todo') }));
    buttons.push(el('button', { type: 'button', class: 'btn btn-small', dataset: { assign: t.id }, text: t.person ? '改派' : '指派', onclick: () => assign(t) }));
  }
  return el('li', { class: ['pl-task', t.overdue && 'pl-task-overdue'], dataset: { taskId: t.id, status: t.status, due: t.due_at } },
    el('div', { class: 'pl-task-title', text: t.title }),
    el('div', { class: 'muted small', text: `${t.role}${t.group ? ` · ${t.group}` : ''}${t.owner ? ` · ${t.owner}` : ''}${t.person ? ` · ${t.person}` : ''}` }),
    el('div', { class: 'small' }, `时限：启动后 ${t.deadline_minutes} 分钟（${dt(t.due_at)}）`,
      t.overdue ? el('span', { class: 'pl-badge pl-overdue', text: '逾期' }) : null),
    t.status === 'done' ? el('div', { class: 'small muted', text: `完成于 ${dt(t.done_at)}` })
      : el('div', { class: 'pl-timer', dataset: { due: t.due_at } }),
    buttons.length ? el('div', { class: 'pl-task-actions' }, buttons) : null);
}

function tick() {
  const now = serverNow();
  byId('bd-clock').textContent = `北京时间 ${dt(new Date(now).toISOString())}`;
  for (const node of document.querySelectorAll('.pl-timer')) {
    const left = (Date.parse(node.dataset.due) - now) / 1000;
    node.textContent = left >= 0 ? `剩余 ${clock(left)}` : clock(left);
    node.classList.toggle('pl-late', left < 0);
    const li = node.closest('.pl-task');
    if (li && left < 0) li.classList.add('pl-task-overdue');
  }
}

function render() {
  byId('bd-title').textContent = `任务看板 · ${board.plan_title}`;
  byId('bd-meta').textContent = `${board.title} · ${label('incident_types', board.incident_type)} · `
    + `${label('response_levels', board.response_level)} · 启动于 ${dt(board.activated_at)}（${board.activated_by}）`
    + `${board.incident_id ? ` · 事件 #${board.incident_id}` : ''}${board.state === 'closed' ? ` · 已于 ${dt(board.closed_at)} 响应终止` : ''}`;
  byId('bd-progress').textContent = `完成 ${board.tasks_done} / ${board.tasks_total} 项${board.tasks_overdue ? `，逾期 ${board.tasks_overdue} 项` : ''}`;
  for (const status of ['todo', 'doing', 'done']) {
    const tasks = board.tasks.filter((t) => t.status === status);
    replace(byId(`bd-${status}`), tasks.length ? tasks.map(card) : el('li', { class: 'muted', text: '无' }));
  }
  replace(byId('bd-resources'), board.resources.length ? board.resources.map((r) => el('li', null,
    `${label('unit_types', r.unit_type)} × ${r.count}`, r.note ? el('span', { class: 'muted', text: ` ${r.note}` }) : null))
    : el('li', { class: 'muted', text: '预案未列出调用资源' }));
  const close = byId('bd-close');
  close.hidden = !(canRespond && board.state === 'active');
  tick();
}

async function load() {
  board = await api(`/plans/activations/${id}`);
  skew = Date.parse(board.now) - Date.now();
  render();
  document.documentElement.dataset.boardLoaded = String(Date.now());
}

export async function start() {
  await load();
  timer = setInterval(tick, 1000);
  window.addEventListener('pagehide', () => clearInterval(timer));
  onEvent((evt) => {
    const p = (evt && evt.payload) || {};
    if (String(evt.type || '').startsWith('plan.') && Number(p.activation_id) === Number(id)) {
      load().catch((err) => toast(err.message, 'error'));
    }
  });
  byId('bd-close').addEventListener('click', async () => {
    if (!await confirmDialog({ title: '响应终止', message: '确认终止本次预案响应？终止后任务不能再修改。', danger: true, confirmText: '终止' })) return;
    try {
      await api(`/plans/activations/${id}/close`, { method: 'POST' });
      await load();
    } catch (err) {
      toast(err.message, 'error');
    }
  });
}
