/* 值班值守 (/command/duty): on duty now, the week's roster, hand-overs (with their summary), the log. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, fmt, pageData } from '../../js/components/context.js';
import { formValues } from '../../js/components/forms.js';
import { toast } from '../../js/components/toast.js';

export function start() {
  const dt = (v) => (v ? fmt.minute(v) : '');
  const roles = pageData.roles || {};
  async function load() {
    try {
      const [roster, handovers, log] = await Promise.all([api('/duty/roster'), api('/duty/handovers', { query: { page_size: 10 } }),
        api('/duty/log', { query: { page_size: 30 } })]);
      replace(byId('duty-now'), ...(roster.on_duty.length ? roster.on_duty.map((p) => el('li', { text: `${p.role_label} ${p.name} ${p.phone}（${p.division_name}）` }))
        : [el('li', { class: 'muted', text: '当前无人在岗（请排班）' })]));
      replace(byId('duty-roster').tBodies[0], ...roster.shifts.map((s) => el('tr', null, el('td', { text: s.day }),
        el('td', { text: s.division_code }), el('td', { text: roles[s.role] || s.role }), el('td', { text: s.name }), el('td', { text: s.phone }))));
      replace(byId('duty-handovers'), ...handovers.items.map((h) => el('li', null,
        `${dt(h.at)} ${h.from_name} → ${h.to_name}：未结事件 ${h.summary.open_incidents.length} 起，逾期报告 ${h.summary.overdue_reports.length} 份`,
        el('ul', null, ...h.summary.open_incidents.map((i) => el('li', null, el('a', { href: appUrl(`/command/incidents/${i.id}`), text: `${i.code} ${i.title}（${i.status}，${i.grade}）` })))))));
      replace(byId('duty-log'), ...log.items.map((e) => el('li', null, `${dt(e.at)} ${e.text}（${e.author}）`,
        e.incident_id ? el('a', { href: appUrl(`/command/incidents/${e.incident_id}`), text: ` 事件 ${e.incident_id}` }) : null)));
    } catch (err) { toast(err.message, 'error'); }
  }
  function wire(id, path, shape) {
    const form = byId(id);
    if (!form) return;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await api(path, { method: 'POST', body: shape(formValues(form)) });
        form.reset();
        load();
      } catch (err) { toast(err.message, 'error'); }
    });
  }
  wire('shift-form', '/duty/roster', (v) => v);
  wire('handover-form', '/duty/handovers', (v) => v);
  wire('log-form', '/duty/log', (v) => ({ ...v, incident_id: v.incident_id ? Number(v.incident_id) : null }));
  load();
}
