/* 预警列表与历史 + 审批队列 (filters in the URL) and the CAP import form. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, pageData } from '../../js/components/context.js';
import { listPage } from '../../js/components/list.js';
import { toast } from '../../js/components/toast.js';
import { dt, label, levelBadge } from './common.js';

export function start() {
  listPage({
    id: 'wn', path: '/warnings', form: byId('wn-filters'), table: byId('wn-table'), pager: byId('wn-pager'),
    summary: byId('wn-summary'), empty: '没有符合条件的预警', pageSize: 50,
    row: (w) => el('tr', { dataset: { warningId: w.id } },
      el('td', null, levelBadge(w.level)),
      el('td', { text: label('warning_types', w.hazard_type) }),
      el('td', null, el('a', { href: appUrl(`/monitoring/warnings/${w.id}`), text: w.headline })),
      el('td', { text: w.area_desc }),
      el('td', { class: 'nowrap', text: label('warning_status', w.status) }),
      el('td', { class: 'nowrap', text: label('warning_review', w.review) }),
      el('td', { class: 'num', text: String(w.version) }),
      el('td', { text: label('warning_sources', w.source) }),
      el('td', { class: 'nowrap', text: dt(w.published_at) }),
      el('td', { class: 'nowrap', text: dt(w.updated_at) })),
  });
  const form = byId('wn-import-form');
  if (!form || !(pageData.flags || {}).can_write) return;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const out = byId('wn-import-result');
    try {
      const r = await api('/warnings/import', { method: 'POST', body: { xml: byId('wn-import-xml').value, strict: byId('wn-import-strict').checked } });
      replace(out, el('li', null, r.duplicate ? '该消息已导入过（按发布者与标识去重），未重复导入。' : '已导入。',
        r.warning_id ? el('a', { href: appUrl(`/monitoring/warnings/${r.warning_id}`), text: '查看预警' }) : null),
      r.faults.map((f) => el('li', { class: 'wn-reject', text: f })));
      toast(r.duplicate ? '重复消息，未导入' : `已导入（${r.faults.length} 处问题）`);
    } catch (err) {
      const details = (err.details || []).map((d) => el('li', { class: 'wn-reject', text: d.reason }));
      replace(out, el('li', { class: 'wn-reject', text: err.message }), details);
    }
  });
}
