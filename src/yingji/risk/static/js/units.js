/* 生产经营单位: the units list (filters in the URL, sortable, paged, exportable) and the register form. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api, listAll } from '../../js/components/api.js';
import { appUrl, pageData } from '../../js/components/context.js';
import { divisionLabel } from '../../js/components/divisions.js';
import { submitForm } from '../../js/components/forms.js';
import { listPage } from '../../js/components/list.js';
import { toast } from '../../js/components/toast.js';
import { levelBadge } from './levels.js';

export function start() {
  const industries = pageData.industries || {};
  listPage({
    id: 'units', path: '/units', exportPath: '/risk/units/export.xlsx', unit: '家',
    form: byId('unit-filters'), table: byId('units-table'), pager: byId('units-pager'), exportLink: byId('units-export'),
    empty: '没有符合条件的单位',
    row: (u) => el('tr', { dataset: { unitId: u.id } },
      el('td', null, el('a', { href: appUrl(`/supervision/units/${u.id}`), text: u.name }),
        u.synthetic ? el('span', { class: 'badge badge-synthetic', text: '合成' }) : null),
      el('td', { text: u.credit_code }),
      el('td', { text: industries[u.industry] || u.industry }),
      el('td', null, divisionLabel(u.division_code)),
      el('td', null, levelBadge(u.risk_level))),
  });

  const form = byId('unit-form');
  if (form) {
    // the township by name (grouped by county), inside the jurisdiction
    const select = byId('unit-division');
    Promise.all([listAll('/divisions', { level: 'county' }), listAll('/divisions', { level: 'township' })]).then(([counties, towns]) => {
      const byCounty = {};
      towns.forEach((t) => { (byCounty[t.parent_code] = byCounty[t.parent_code] || []).push(t); });
      const groups = counties.length ? counties.map((c) => el('optgroup', { label: c.name },
        (byCounty[c.code] || []).map((t) => el('option', { value: t.code, text: t.name }))))
        : towns.map((t) => el('option', { value: t.code, text: t.name }));
      replace(select, el('option', { value: '', text: '请选择乡镇（街道）' }), groups);
    }).catch((err) => replace(select, el('option', { value: '', text: `加载失败：${err.message}` })));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submitForm(form, async (body) => {
        const unit = await api('/units', { method: 'POST', body });
        toast(`已登记：${unit.name}`, 'success');
        window.location.assign(appUrl(`/supervision/units/${unit.id}`));
      }, { box: byId('unit-form-error') });
    });
  }
}
