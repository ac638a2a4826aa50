/** 监测设备: the device list (type, online filter, search), each row linking to its history page. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, fmt } from '../../js/components/context.js';
import { divisionQuery, onDivision } from '../../js/components/divisions.js';
import { formValues } from '../../js/components/forms.js';
import { toast } from '../../js/components/toast.js';
import { labels } from './common.js';

export function start() {
  const form = byId('device-filters');
  const body = byId('device-table').querySelector('tbody');
  const pager = byId('device-pager');
  let page = 1;

  async function load() {
    const f = formValues(form);
    const query = { ...divisionQuery(), page, page_size: 50 };
    for (const k of ['device_type', 'online', 'q']) if (f[k]) query[k] = f[k];
    try {
      const data = await api('/monitoring/points', { query });
      replace(body, ...(data.items.length ? data.items.map((p) => el('tr', { dataset: { pointId: p.id } },
        el('td', { text: p.code }),
        el('td', null, el('a', { href: appUrl(`/monitoring/devices/${p.id}`), text: p.name })),
        el('td', { text: labels.type(p.device_type) }),
        el('td', { class: p.online ? '' : 'mon-bad', text: p.online ? '在线' : '离线' })))
        : [el('tr', null, el('td', { colspan: 4, class: 'muted', text: '无监测设备' }))]));
      const pages = Math.max(1, Math.ceil(data.total / data.page_size));
      replace(pager,
        el('button', { type: 'button', class: 'btn btn-small', disabled: page <= 1, text: '上一页', onclick: () => { page -= 1; load(); } }),
        el('span', { text: ` 第 ${page}/${pages} 页，共 ${fmt.number(data.total)} 个 ` }),
        el('button', { type: 'button', class: 'btn btn-small', disabled: page >= pages, text: '下一页', onclick: () => { page += 1; load(); } }));
    } catch (e) {
      toast(e.message, 'error');
    }
  }
  form.addEventListener('change', () => { page = 1; load(); });
  form.addEventListener('submit', (e) => { e.preventDefault(); page = 1; load(); });
  onDivision(() => { page = 1; load(); });
}
