/** 调派单: print it; record departures, arrivals and returns of its units (live: other users' changes reload it). */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { labelOf, pageData } from '../../js/components/context.js';
import { onEvent } from '../../js/components/ticker.js';
import { toast } from '../../js/components/toast.js';

const NEXT = { dispatched: ['en_route', 'on_scene', 'available'], en_route: ['on_scene', 'returning', 'available'], on_scene: ['returning'] };

export function start() {
  byId('dp-print').addEventListener('click', () => window.print());
  const flags = pageData.flags || {};
  const cells = [...document.querySelectorAll('#dp-units td.dp-status-cell')];
  const mine = new Set(cells.map((c) => Number(c.dataset.vehicle)));
  cells.forEach((cell) => {
    const status = cell.dataset.status;
    const text = status === 'released' ? '已归队' : labelOf('dispatch_statuses', status);
    const next = flags.can_set_status ? NEXT[status] || [] : [];
    if (!next.length) {
      replace(cell, el('span', { class: ['badge', `dp-s-${status}`], text }));
      return;
    }
    const sel = el('select', { class: 'dp-status-select no-print', 'aria-label': '变更状态' },
      el('option', { value: '', text }), next.map((s) => el('option', { value: s, text: `→ ${labelOf('dispatch_statuses', s)}` })));
    sel.addEventListener('change', async () => {
      if (!sel.value) return;
      try {
        await api(`/dispatch/vehicles/${cell.dataset.vehicle}/status`, { method: 'POST', body: { status: sel.value } });
        window.location.reload();
      } catch (err) {
        toast(err.message, 'error');
        sel.value = '';
      }
    });
    replace(cell, sel);
  });
  let pending = null;
  onEvent((evt) => {
    const p = evt.payload || {};
    if (evt.type === 'dispatch.vehicle_status' && mine.has(p.vehicle_id) && !pending) {
      pending = setTimeout(() => window.location.reload(), 800);
    }
  });
}
