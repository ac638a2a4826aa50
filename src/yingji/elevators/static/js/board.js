/** 电梯困人救援看板: open rescues with live timers (elapsed, time left to the 30-minute arrival deadline), steps. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { can, fmt, pageData } from '../../js/components/context.js';
import { onEvent } from '../../js/components/ticker.js';
import { toast } from '../../js/components/toast.js';

const NEXT = { notified: 'acknowledge', acknowledged: 'arrive', arrived: 'release' };

function mmss(ms) {
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  return `${ms < 0 ? '-' : ''}${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function start() {
  const labels = pageData.labels || {};
  const body = byId('rescue-table').querySelector('tbody');
  let rescues = [];

  async function act(r, action) {
    try {
      await api(`/elevators/rescues/${r.id}/actions`, { method: 'POST', body: { action } });
      load();
    } catch (e) { toast(e.message, 'error'); }
  }

  function render() {
    const now = Date.now();
    replace(body, ...(rescues.length ? rescues.map((r) => {
      const next = NEXT[r.state];
      const left = new Date(r.arrival_deadline).getTime() - now;
      return el('tr', { dataset: { rescueId: r.id, state: r.state, tier: r.tier } },
        el('td', { text: `电梯 ${r.elevator_id}（${r.maintenance_company}）` }),
        el('td', { text: fmt.datetime(r.detected_at) }),
        el('td', { class: 'num', text: mmss(now - new Date(r.detected_at).getTime()) }),
        el('td', { class: ['num', left < 0 && !r.arrived_at ? 'mon-bad' : ''], text: r.arrived_at ? '已到场' : mmss(left) }),
        el('td', { text: (labels.tiers || {})[r.tier] || r.tier }),
        el('td', { text: (labels.states || {})[r.state] || r.state }),
        el('td', null, can('monitoring:write') && next ? el('button', { type: 'button', class: 'btn btn-small',
          dataset: { action: next }, text: (labels.actions || {})[next] || next, onclick: () => act(r, next) }) : null));
    }) : [el('tr', null, el('td', { colspan: 7, class: 'muted', text: '当前没有困人救援' }))]));
  }

  async function load() {
    try { rescues = await api('/elevators/rescues'); render(); } catch (e) { toast(e.message, 'error'); }
  }
  onEvent((evt) => { if (String(evt.type || '').startsWith('elevator.rescue')) load(); });
  setInterval(render, 1000);
  load();
}
