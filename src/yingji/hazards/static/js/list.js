/* 隐患排查治理: the hazards list (filters in the URL, sortable, paged, exportable) and the overdue check. */
import { byId, el } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl } from '../../js/components/context.js';
import { listPage } from '../../js/components/list.js';
import { toast } from '../../js/components/toast.js';
import { dayEnd, dayStart, day, dt, stateBadge, supervisionName } from './common.js';

export function start() {
  const list = listPage({
    id: 'hz', path: '/hazards', exportPath: '/hazards/export.xlsx',
    form: byId('hz-filters'), table: byId('hz-table'), pager: byId('hz-pager'), summary: byId('hz-summary'),
    exportLink: byId('hz-export'), empty: '没有符合条件的隐患',
    toQuery: ({ since_date: since, until_date: until, ...rest }) => ({ ...rest, since: dayStart(since), until: dayEnd(until) }),
    row: (h) => el('tr', { class: h.overdue ? 'hz-overdue' : null, dataset: { hazardId: h.id } },
      el('td', null, el('a', { href: appUrl(`/supervision/hazards/${h.id}`), text: h.code })),
      el('td', { text: h.title }),
      el('td', { text: h.unit_name }),
      el('td', null, el('span', { class: `hz-tier hz-tier-${h.tier}`, text: h.tier_label })),
      el('td', null, stateBadge(h), h.overdue ? el('span', { class: 'hz-badge hz-badge-overdue', text: '逾期' }) : null),
      el('td', { class: 'nowrap', text: day(h.deadline) }),
      el('td', null, h.supervision_level ? el('span', { class: 'hz-badge hz-listed', text: supervisionName(h.supervision_level) }) : null),
      el('td', { class: 'nowrap', text: dt(h.discovered_at) })),
  });

  const run = byId('run-escalation');
  if (run) {
    run.addEventListener('click', async () => {
      run.disabled = true;
      try {
        const r = await api('/hazards/escalation/run', { method: 'POST', body: {} });
        toast(`逾期检查完成：检查 ${r.checked} 条，新标记逾期 ${r.overdue_marked}，县级挂牌 ${r.county_listed}，市级挂牌 ${r.city_listed}`, 'success');
        list.reload();
      } catch (err) {
        toast(err.message, 'error');
      } finally {
        run.disabled = false;
      }
    });
  }
}
