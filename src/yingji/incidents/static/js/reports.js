/* 信息报送 (/command/reports): what is still to report, the most urgent first; timeliness per county. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl } from '../../js/components/context.js';
import { onEvent } from '../../js/components/ticker.js';
import { toast } from '../../js/components/toast.js';
import { dt } from './common.js';

export function start() {
  async function load() {
    try {
      const [rows, stats] = await Promise.all([api('/incidents/reports/board'), api('/incidents/reports/timeliness')]);
      const body = byId('due-table').tBodies[0];
      replace(body, rows.length ? rows.map((r) => el('tr', { class: r.due.overdue ? 'inc-overdue' : null },
        el('td', null, el('a', { href: appUrl(`/command/incidents/${r.incident_id}`), text: `${r.code} ${r.title}` })),
        el('td', { text: r.division_name }), el('td', { text: r.due.kind_label }), el('td', { text: r.due.level_label }),
        el('td', { class: 'nowrap', text: dt(r.due.due_at) }), el('td', { text: r.due.overdue ? '已逾期' : '未到期' })))
        : el('tr', null, el('td', { colspan: '6', class: 'muted', text: '没有待报送的报告' })));
      const pct = (x) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
      replace(byId('rate-table').tBodies[0], stats.rows.map((r) => el('tr', null, el('td', { text: r.county_name }),
        el('td', { class: 'num', text: String(r.on_time) }), el('td', { class: 'num', text: String(r.counted) }),
        el('td', { class: r.rate !== null && r.rate < 1 ? 'inc-overdue num' : 'num', text: pct(r.rate) }),
        el('td', { class: 'num', text: '100%' }))).concat([el('tr', null, el('th', { text: '合计' }),
        el('td', { class: 'num', text: String(stats.on_time) }), el('td', { class: 'num', text: String(stats.counted) }),
        el('td', { class: 'num', text: pct(stats.rate) }), el('td', { class: 'num', text: '100%' }))]));
    } catch (err) { toast(err.message, 'error'); }
  }
  load();
  onEvent((evt) => { if (evt && String(evt.type || '').startsWith('incident')) load(); });
}
