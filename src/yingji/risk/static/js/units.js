/* 生产经营单位: the units list (filters in the URL, sortable, paged, exportable) and the register form. */
import { byId, el } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
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
