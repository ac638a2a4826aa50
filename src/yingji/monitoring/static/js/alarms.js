/** 告警处置: open alarms (or by state), acknowledge / handle (with a note) / close; live refresh on alarm events. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, can, fmt } from '../../js/components/context.js';
import { divisionQuery, onDivision } from '../../js/components/divisions.js';
import { confirmDialog, promptDialog } from '../../js/components/dialog.js';
import { formValues } from '../../js/components/forms.js';
import { onEvent } from '../../js/components/ticker.js';
import { toast } from '../../js/components/toast.js';
import { labels, levelChip } from './common.js';

const NEXT = { raised: 'acknowledge', acknowledged: 'handle', handled: 'close' };

export function start() {
  const form = byId('alarm-filters');
  const body = byId('alarm-table').querySelector('tbody');
  const mayWrite = can('monitoring:write');

  async function act(a, action) {
    let note = '';
    if (action === 'handle') {
      note = await promptDialog({ title: '处置告警', label: '处置说明', value: '' });
      if (note === null) return;
    } else if (action === 'close') {
      if (!(await confirmDialog({ title: '关闭告警', message: `关闭告警“${a.title}”？` }))) return;
    }
    try {
      await api(`/monitoring/alarms/${a.id}/actions`, { method: 'POST', body: { action, note } });
      toast(`已${labels.action(action)}`, 'success');
      load();
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  function row(a) {
    const next = NEXT[a.state];
    const notices = (a.notices || []).map((n) => n.label).filter((v, i, all) => all.indexOf(v) === i).join('、');
    return el('tr', { dataset: { alarmId: a.id, state: a.state, level: a.level } },
      el('td', null, levelChip(a.level)),
      el('td', null, el('a', { href: appUrl(`/monitoring/devices/${a.point_id}`), text: a.title }),
        a.escalated_at ? el('span', { class: 'mon-chip mon-escalated', text: '已升级' }) : null),
      el('td', { text: labels.type(a.device_type) }),
      el('td', { text: fmt.datetime(a.raised_at) }),
      el('td', { class: 'num', text: String(a.repeat_count) }),
      el('td', { text: labels.state(a.state) }),
      el('td', { class: 'small', text: notices }),
      el('td', null, mayWrite && next ? el('button', { type: 'button', class: 'btn btn-small', dataset: { action: next },
        text: labels.action(next), onclick: () => act(a, next) }) : null));
  }

  async function load() {
    const f = formValues(form);
    const query = { ...divisionQuery(), page_size: 200, sort: '-raised_at' };
    if (f.state) query.state = f.state; else query.open = true;
    if (f.level) query.level = f.level;
    if (f.device_type) query.device_type = f.device_type;
    try {
      const page = await api('/monitoring/alarms', { query });
      replace(body, ...(page.items.length ? page.items.map(row) : [el('tr', null, el('td', { colspan: 8, class: 'muted', text: '无告警' }))]));
      byId('alarm-total').textContent = `共 ${fmt.number(page.total)} 条`;
      document.documentElement.dataset.alarms = 'loaded';
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  let timer = null;
  onEvent((evt) => {
    if (!String(evt.type || '').startsWith('monitoring.alarm_')) return;
    clearTimeout(timer);
    timer = setTimeout(load, 300);
  });
  form.addEventListener('change', load);
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  onDivision(() => load());
}
