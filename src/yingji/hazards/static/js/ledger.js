/* 挂牌督办台账 (filters in the URL, sortable, exportable; 摘牌 in a dialog) and the quarterly statistics. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, fmt } from '../../js/components/context.js';
import { divisionQuery, onDivision } from '../../js/components/divisions.js';
import { listPage } from '../../js/components/list.js';
import { toast } from '../../js/components/toast.js';
import { canLift, day, dt, liftDialog, supervisionName } from './common.js';

const QUARTER_HEAD = ['名称', '发现', '整改销号', '逾期', '整改率'];

export function start() {
  const ledger = listPage({
    id: 'ledger', path: '/hazards/ledger', exportPath: '/hazards/ledger/export.xlsx', pageSize: 50,
    form: byId('ledger-filters'), table: byId('ledger-table'), pager: byId('ledger-pager'), summary: byId('ledger-summary'),
    exportLink: byId('ledger-export'), empty: '没有符合条件的挂牌督办记录',
    row: (r) => el('tr', { class: r.overdue && !r.lifted_at ? 'hz-overdue' : null, dataset: { listingId: r.id } },
      el('td', null, el('a', { href: appUrl(`/supervision/hazards/${r.hazard_id}`), text: r.hazard_code })),
      el('td', { text: r.hazard_title }), el('td', { text: r.unit_name }), el('td', { class: 'nowrap', text: supervisionName(r.level) }),
      el('td', { text: r.listed_by }), el('td', { text: r.notice_no }), el('td', { class: 'nowrap', text: day(r.deadline) }), el('td', { class: 'nowrap', text: dt(r.listed_at) }),
      el('td', { class: 'nowrap', text: r.lifted_at ? '已摘牌' : r.hazard_state_label }),
      el('td', { class: 'hz-lift-cell', text: r.lifted_at ? `${dt(r.lifted_at)}${r.lift_reason ? `（${r.lift_reason}）` : ''}` : '' }),
      el('td', null, canLift(r) ? el('button', { type: 'button', class: 'btn btn-small hz-lift', dataset: { listingId: r.id }, text: '摘牌',
        'aria-label': `摘牌：${r.hazard_code} ${r.notice_no}`, onclick: () => liftDialog(r, r.hazard_id).then((done) => { if (done) ledger.reload(); }) }) : null)),
  });

  // quarterly statistics of the chosen year and quarter (default: now, in the configured time zone)
  const statsForm = byId('stats-form');
  const now = fmt.parts(new Date());
  statsForm.elements.year.value = now.year;
  statsForm.elements.quarter.value = String(Math.floor((Number(now.month) - 1) / 3) + 1);
  const table = (node, rows) => replace(node, el('tr', null, QUARTER_HEAD.map((h) => el('th', { text: h }))),
    rows.map((r) => el('tr', null, el('td', { text: r.name }), el('td', { class: 'num', text: fmt.number(r.found) }),
      el('td', { class: 'num', text: fmt.number(r.fixed) }), el('td', { class: 'num', text: fmt.number(r.overdue) }),
      el('td', { class: 'num', text: r.closure_rate === null ? '—' : `${r.closure_rate}%` }))));
  async function stats() {
    try {
      const s = await api('/hazards/stats/quarterly', {
        query: { year: statsForm.elements.year.value, quarter: statsForm.elements.quarter.value, ...divisionQuery() } });
      table(byId('stats-district'), s.by_district.concat([s.total]));
      table(byId('stats-industry'), s.by_industry);
      const max = Math.max(1, ...s.by_district.map((r) => Math.max(r.found, r.fixed)));
      replace(byId('stats-chart'), s.by_district.length ? s.by_district.map((r) => el('div', { class: 'hz-bar-row' },
        el('span', { class: 'hz-bar-label', text: r.name }),
        el('span', { class: 'hz-bar hz-bar-found', style: { width: `${(100 * r.found) / max}%` }, title: `发现 ${r.found}`, text: String(r.found) }),
        el('span', { class: 'hz-bar hz-bar-fixed', style: { width: `${(100 * r.fixed) / max}%` }, title: `整改 ${r.fixed}`, text: String(r.fixed) })))
        : el('p', { class: 'muted', text: '本季度无数据' }));
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  statsForm.addEventListener('submit', (e) => { e.preventDefault(); stats(); });
  onDivision(() => stats());
}
