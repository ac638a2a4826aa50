/* 应急预案库: filter the plans, see the responses under way, create a draft or import a template. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl } from '../../js/components/context.js';
import { submitForm } from '../../js/components/forms.js';
import { listPage } from '../../js/components/list.js';
import { toast } from '../../js/components/toast.js';
import { dt, label, stateBadge } from './common.js';

async function loadActivations() {
  const box = byId('pl-activations');
  try {
    const data = await api('/plans/activations', { query: { state: 'active', page_size: 20 } });
    replace(box, data.items.length ? data.items.map((a) => el('li', { class: a.tasks_overdue ? 'pl-act-overdue' : null },
      el('a', { href: appUrl(`/command/plans/activations/${a.id}`), text: `${a.plan_title} · ${a.title}` }),
      el('span', { class: 'muted', text: ` ${label('response_levels', a.response_level)} · 启动于 ${dt(a.activated_at)} · 完成 ${a.tasks_done}/${a.tasks_total}` }),
      a.tasks_overdue ? el('span', { class: 'pl-badge pl-overdue', text: `逾期 ${a.tasks_overdue}` }) : null))
      : el('li', { class: 'muted', text: '当前没有响应中的预案' }));
  } catch (err) {
    replace(box, el('li', { class: 'form-error', text: `加载失败：${err.message}` }));
  }
}

export function start() {
  listPage({
    id: 'pl', path: '/plans', form: byId('pl-filters'), table: byId('pl-table'), pager: byId('pl-pager'),
    summary: byId('pl-summary'), empty: '没有符合条件的预案', unit: '个预案',
    row: (p) => el('tr', { dataset: { planId: p.id } },
      el('td', null, el('a', { href: appUrl(`/command/plans/${p.id}`), text: p.title }),
        p.synthetic ? el('span', { class: 'pl-badge pl-synthetic', text: '合成' }) : null),
      el('td', { text: p.kind_label }), el('td', { text: p.level_label }),
      el('td', { text: p.division_name || p.division_code }),
      el('td', { text: p.incident_types.map((t) => label('incident_types', t)).join('、') }),
      el('td', null, stateBadge(p.state)), el('td', { text: `第 ${p.version} 版` }),
      el('td', { class: 'nowrap', text: dt(p.updated_at) }),
      el('td', null, el('a', { class: 'btn btn-small', href: appUrl(`/command/plans/${p.id}`), text: '打开' }))),
  });
  loadActivations();

  const form = byId('pl-new-form');
  if (form) {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submitForm(form, async (v) => {
        const p = await api('/plans', { method: 'POST', body: { title: v.title, kind: v.kind, level: v.level, division_code: v.division_code, department: v.department || '' } });
        window.location.assign(appUrl(`/command/plans/${p.id}`));
      }, { box: byId('pl-new-error') });
    });
  }
  const imp = byId('pl-import-form');
  if (imp) {
    imp.addEventListener('submit', async (e) => {
      e.preventDefault();
      const file = byId('pl-import-file').files[0];
      if (!file) { toast('请选择模板文件', 'error'); return; }
      const data = new FormData();
      data.append('file', file);
      data.append('dry_run', byId('pl-import-dry').checked ? 'true' : 'false');
      const button = byId('pl-import-submit');
      button.disabled = true;
      try {
        const r = await api('/plans/import', { method: 'POST', form: data });
        const list = byId('pl-import-errors');
        if (r.errors.length) {
          replace(list, r.errors.map((x) => el('li', { class: 'form-error', text: `${x.where}：${x.message}` })));
        } else if (r.plan_id) {
          window.location.assign(appUrl(`/command/plans/${r.plan_id}`));
        } else {
          replace(list, el('li', { text: `检查通过：${r.title}（未导入）` }));
        }
      } catch (err) {
        toast(err.message, 'error');
      } finally {
        button.disabled = false;
      }
    });
  }
}
