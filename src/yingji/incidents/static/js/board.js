/* 事件看板 (/command/incidents): the list of incidents, reloaded live when an incident event arrives. */
import { byId, el } from '../../js/lib/dom.js';
import { appUrl } from '../../js/components/context.js';
import { listPage } from '../../js/components/list.js';
import { onEvent } from '../../js/components/ticker.js';
import { casualties, dt, dueText, labels } from './common.js';

export function start() {
  const board = listPage({
    id: 'board', path: '/incidents', form: byId('board-filters'), table: byId('board-table'), pager: byId('board-pager'),
    summary: byId('board-summary'), empty: '没有符合条件的事件', unit: '起',
    row: (i) => el('tr', { dataset: { incidentId: i.id } },
      el('td', null, el('a', { href: appUrl(`/command/incidents/${i.id}`), text: i.code })),
      el('td', { text: i.title }), el('td', { text: i.division_name }), el('td', { class: 'nowrap', text: dt(i.received_at) }),
      el('td', { text: labels.status(i.status) }), el('td', { text: `${i.grade_label}（${i.response_label}）` }),
      el('td', { text: casualties(i) }),
      el('td', { class: i.overdue_reports ? 'inc-overdue' : null, text: dueText(i.next_due) })),
  });
  let timer = null;
  onEvent((evt) => {
    if (!evt || !String(evt.type || '').startsWith('incident')) return;
    clearTimeout(timer);
    timer = setTimeout(() => board.reload(), 300);
  });
}
