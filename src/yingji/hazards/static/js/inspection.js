/* A recorded inspection: its facts and checklist results. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, labelOf, pageData } from '../../js/components/context.js';
import { dt } from './common.js';

// code → label tables from the server (the label registry)
const result = (key) => labelOf('inspection_results', key);
const kind = (key) => labelOf('inspection_kinds', key);

export async function start() {
  const id = pageData.inspection_id;
  const tiers = Object.fromEntries(((pageData.catalog || {}).tiers || []).map((t) => [t.key, t.label]));
  try {
    const x = await api(`/hazards/inspections/${id}`);
    byId('insp-sub').textContent = `${kind(x.kind)} · ${dt(x.inspected_at)}`;
    const unitNode = el('span', { text: `#${x.unit_id}` });
    api(`/units/${x.unit_id}`).then((u) => {
      unitNode.textContent = u.name;
      byId('insp-title').textContent = `${u.name} 检查记录 #${x.id}`;
    }).catch(() => {});
    replace(byId('insp-info'), [['单位', unitNode], ['检查类型', kind(x.kind)], ['检查人员', x.inspector], ['检查部门', x.department],
      ['检查时间', dt(x.inspected_at)], ['不合格项', String(x.failed_count)],
      ['年度计划', x.planned_inspection_id ? el('a', { href: appUrl('/supervision/enforcement'), text: `计划检查 #${x.planned_inspection_id}` }) : null],
      ['备注', x.notes], ['登记人', x.created_by_name || x.created_by]].map(([k, v]) => [el('dt', { text: k }), el('dd', null, v || '—')]));
    const items = x.items || [];
    replace(byId('insp-detail-items').tBodies[0], items.length ? items.map((it) => el('tr', { class: it.result === 'fail' ? 'hz-overdue' : null },
      el('td', { text: `${it.code} ${it.text || ''}` }), el('td', { text: result(it.result) }),
      el('td', { text: tiers[it.tier] || it.tier || '' }), el('td', { text: it.note || '' })))
      : el('tr', null, el('td', { colspan: 4, class: 'muted', text: '无检查项' })));
  } catch (err) {
    byId('insp-error').textContent = err.message;
  }
}
