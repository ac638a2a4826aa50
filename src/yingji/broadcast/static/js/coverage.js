/* 预警覆盖分析: every campaign's coverage and times against the aims; a campaign's townships. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { fmt } from '../../js/components/context.js';
import { listPage } from '../../js/components/list.js';
import { toast } from '../../js/components/toast.js';
import { aimNote, campaignName, colourSwatch, duration, names, rateCell, stateName } from './common.js';

async function detail(c) {
  try {
    const cov = await api(`/broadcast/campaigns/${c.id}/coverage`);
    byId('cov-detail').hidden = false;
    byId('cov-title').textContent = `${campaignName(c)}：分乡镇（街道）覆盖率`;
    const rows = Object.entries(cov.by_township || {}).sort((a, b) => a[0].localeCompare(b[0]));
    replace(byId('cov-townships'), el('tr', null, ['乡镇（街道）', '所属区县', '目标人口', '已覆盖', '覆盖率'].map((h) => el('th', { text: h }))),
      rows.map(([code, d]) => el('tr', null, el('td', { text: names[code] || code }), el('td', { text: names[code.slice(0, 6)] || code.slice(0, 6) }),
        el('td', { class: 'num', text: fmt.number(d.targeted) }), el('td', { class: 'num', text: fmt.number(d.delivered) }), rateCell(d.rate))));
  } catch (err) {
    toast(err.message, 'error');
  }
}

function timeCell(seconds, aim) {
  const note = aimNote(seconds, aim);
  return el('td', { class: `nowrap ${seconds === null ? '' : note.cls}`, text: duration(seconds) });
}

export function start() {
  listPage({
    id: 'cov', path: '/broadcast/campaigns', pageSize: 30, table: byId('cov-table'), pager: byId('cov-pager'),
    empty: '还没有发布任务',
    row: (c) => {
      const rate = c.targeted_population ? c.delivered_population / c.targeted_population : null;
      const seconds = (at) => (at ? (new Date(at) - new Date(c.published_at)) / 1000 : null);
      return el('tr', null,
        el('td', { class: 'nowrap', text: fmt.datetime(c.published_at) }),
        el('td', null, el('button', { type: 'button', class: 'btn btn-small', text: campaignName(c), onclick: () => detail(c) })),
        el('td', null, colourSwatch(c.severity_colour)),
        el('td', { class: 'num', text: fmt.number(c.targeted_population) }),
        rateCell(rate),
        timeCell(seconds(c.officials_done_at), 60),
        timeCell(seconds(c.public_p90_at), 300),
        el('td', { text: stateName(c.state) }));
    },
  });
}
