/* A hazard's page: facts, the next steps of its lifecycle, the 五到位 plan, 挂牌督办 and 摘牌, attachments, timeline. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api, apiUrl } from '../../js/components/api.js';
import { fmt, pageData } from '../../js/components/context.js';
import { divisionLabel } from '../../js/components/divisions.js';
import { clearErrors, showErrors } from '../../js/components/forms.js';
import { toast } from '../../js/components/toast.js';
import { actionName, canLift, dayEnd, day, dt, flags, liftDialog, stateBadge, stateName, supervisionName } from './common.js';

const PLAN_TEXT_FIELDS = ['measures', 'responsible_person', 'contingency_plan', 'safety_measures'];

export function start() {
  const id = pageData.hazard_id;
  const errorBox = byId('hz-error');
  const planForm = byId('hz-plan-form');

  function timeline(h) {
    const entries = h.timeline.map((t) => ({
      at: t.at,
      node: el('li', null, el('time', { text: dt(t.at) }), ' ', el('strong', { text: actionName(t.action) }), ' ',
        t.from_state ? `${stateName(t.from_state)} → ` : '', stateName(t.to_state), ' · ', t.actor_name || t.actor,
        t.reason ? `（原因：${t.reason}）` : ''),
    }));
    for (const x of h.listings) {
      entries.push({ at: x.listed_at, node: el('li', { class: 'hz-tl-listing' }, el('time', { text: dt(x.listed_at) }), ' ',
        el('strong', { text: supervisionName(x.level) }), ' ', x.listed_by, ' · ', x.notice_no, x.automatic ? '（逾期自动升级）' : '') });
      if (x.lifted_at) {
        entries.push({ at: x.lifted_at, node: el('li', { class: 'hz-tl-lift' }, el('time', { text: dt(x.lifted_at) }), ' ',
          el('strong', { text: '摘牌' }), ' ', supervisionName(x.level), ' · ', x.notice_no,
          x.lifted_by ? ` · ${x.lifted_by_name || x.lifted_by}` : '',
          x.lift_reason ? `（原因：${x.lift_reason}）` : '') });
      }
    }
    entries.sort((a, b) => new Date(a.at) - new Date(b.at));  // stable: transitions first at equal times
    return entries.map((e) => e.node);
  }

  function render(h) {
    byId('hz-title').textContent = `${h.code} ${h.title}`;
    byId('hz-sub').textContent = `${h.unit_name} · ${h.tier_label}`;
    replace(byId('hz-badges'), stateBadge(h),
      h.overdue ? el('span', { class: 'hz-badge hz-badge-overdue', text: '逾期' }) : null,
      h.supervision_level ? el('span', { class: 'hz-badge hz-listed', id: 'hz-listed-badge', text: `挂牌督办：${supervisionName(h.supervision_level)}` }) : null);
    replace(byId('hz-info'), [['隐患编号', h.code], ['分级', h.tier_label], ['状态', h.state_label], ['单位', h.unit_name],
      ['区划', divisionLabel(h.division_code)], ['上报人', h.reported_by_name], ['发现时间', dt(h.discovered_at)],
      ['整改期限', dt(h.deadline)], ['销号时间', dt(h.closed_at)],
      ['描述', h.description]].map(([k, v]) => [el('dt', { text: k }), el('dd', null, v || '—')]));

    let needsReason = false;
    const buttons = flags.can_write ? h.allowed_actions.map((a) => {
      if (a.action === 'reject') needsReason = true;
      return el('button', { type: 'button', class: a.action === 'reject' ? 'btn btn-danger' : 'btn btn-primary',
        dataset: { action: a.action }, text: a.label, onclick: () => act(a.action) });
    }) : [];
    replace(byId('hz-buttons'), buttons.length ? buttons : el('span', { class: 'muted', text: h.state === 'closed' ? '已销号，流程结束' : '无可执行的操作' }));
    byId('hz-reason-box').hidden = !needsReason;

    byId('hz-plan-note').textContent = h.plan_required
      ? (h.missing_plan_fields.length ? `（重大隐患，尚缺：${h.missing_plan_fields.map((f) => f.label).join('、')}）` : '（已落实）')
      : '（一般隐患可不填）';
    const plan = h.plan || {};
    for (const k of [...PLAN_TEXT_FIELDS, 'funds']) {
      if (plan[k] !== undefined && plan[k] !== null && document.activeElement !== planForm.elements[k]) planForm.elements[k].value = plan[k];
    }
    if (plan.deadline) planForm.elements.deadline.value = day(plan.deadline);
    const locked = h.state === 'accepted' || h.state === 'closed' || !flags.can_write;
    for (const control of planForm.elements) control.disabled = locked;

    replace(byId('hz-listings'), h.listings.length ? h.listings.map((x) => el('li', { dataset: { listingId: x.id }, class: x.lifted_at ? 'hz-lifted' : null },
      el('strong', { text: supervisionName(x.level) }), ' ', x.listed_by, ' · ', x.notice_no, ' · 期限 ', day(x.deadline),
      x.automatic ? '（逾期自动升级）' : '',
      x.lifted_at ? ` · 已摘牌 ${day(x.lifted_at)}${x.lift_reason ? `（${x.lift_reason}）` : ''}` : '',
      canLift(x) ? el('button', { type: 'button', class: 'btn btn-small hz-lift', dataset: { listingId: x.id }, text: '摘牌',
        'aria-label': `摘牌：${supervisionName(x.level)} ${x.notice_no}`, onclick: () => liftDialog(x, id).then((done) => { if (done) load(); }) }) : null))
      : el('li', { class: 'muted', text: '未挂牌' }));

    // 挂牌督办: only the levels this user may still list this hazard at (none once closed or listed higher)
    const listingForm = byId('hz-listing-form');
    if (listingForm) {
      const allowed = h.listing_levels || [];
      listingForm.hidden = !allowed.length;
      for (const option of listingForm.elements.level.options) option.hidden = !allowed.includes(option.value);
      if (allowed.length && !allowed.includes(listingForm.elements.level.value)) listingForm.elements.level.value = allowed[0];
    }

    replace(byId('hz-attachments'), h.attachments.map((a) => el('li', null,
      el('a', { href: apiUrl(`/hazards/${id}/attachments/${a.id}`), target: '_blank', rel: 'noopener', text: a.filename }),
      ` （${fmt.bytes(a.size)}，${a.uploaded_by_name || a.uploaded_by}上传）`)));
    replace(byId('hz-timeline'), timeline(h));
    replace(byId('hz-notices'), h.notifications.length
      ? h.notifications.map((n) => (n.kind === 'todo'
        ? el('li', { class: ['hz-todo', n.done_at && 'hz-todo-done'], dataset: { notice: n.id, open: n.done_at ? 'false' : 'true' } },
          el('strong', { text: n.done_at ? '已办结的待办' : '待办' }), ' ', dt(n.at), ' → ', n.recipients, '：', n.message,
          n.done_at ? `（${dt(n.done_at)} 办结）` : '')
        : el('li', null, dt(n.at), ' → ', n.recipients, '：', n.message)))
      : el('li', { class: 'muted', text: '暂无' }));
  }

  function planBody() {
    const f = planForm.elements;
    const p = {};
    for (const k of PLAN_TEXT_FIELDS) if (f[k].value.trim()) p[k] = f[k].value;
    if (f.funds.value !== '') { p.funds = Number(f.funds.value); p.funds_unit = '万元'; }
    if (f.deadline.value) p.deadline = dayEnd(f.deadline.value);
    return p;
  }
  async function load() {
    try {
      render(await api(`/hazards/${id}`));
    } catch (err) {
      showErrors(null, err, errorBox);
    }
  }
  async function act(action) {
    clearErrors(planForm, errorBox);
    const body = { action };
    if (action === 'reject') body.reason = byId('hz-reason').value;
    if (action === 'start_rectification') { const p = planBody(); if (Object.keys(p).length) body.plan = p; }
    try {
      render(await api(`/hazards/${id}/transitions`, { method: 'POST', body }));
      clearErrors(planForm, errorBox);   // an old error must not outlive the success
      if (action === 'reject') byId('hz-reason').value = '';
      toast(`${actionName(action)}：成功`, 'success');
    } catch (err) {
      showErrors(planForm, err, errorBox);
    }
  }

  planForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(planForm, errorBox);
    try {
      render(await api(`/hazards/${id}/plan`, { method: 'PUT', body: planBody() }));
      clearErrors(planForm, errorBox);
      toast('整改方案已保存', 'success');
    } catch (err) {
      showErrors(planForm, err, errorBox);
    }
  });

  const listingForm = byId('hz-listing-form');
  if (listingForm) {
    listingForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(listingForm, errorBox);
      const f = listingForm.elements;
      try {
        await api(`/hazards/${id}/listings`, { method: 'POST',
          body: { level: f.level.value, listed_by: f.listed_by.value, notice_no: f.notice_no.value, deadline: dayEnd(f.deadline.value) } });
        clearErrors(listingForm, errorBox);
        toast('已挂牌督办', 'success');
        load();
      } catch (err) {
        showErrors(listingForm, err, errorBox);
      }
    });
  }

  const upload = byId('hz-upload');
  if (upload) {
    upload.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(upload, errorBox);
      try {
        await api(`/hazards/${id}/attachments`, { method: 'POST', form: new FormData(upload) });
        clearErrors(upload, errorBox);
        toast('已上传', 'success');
        upload.reset();
        load();
      } catch (err) {
        showErrors(upload, err, errorBox);
      }
    });
  }
  load();
  if (new URLSearchParams(window.location.search).get('new')) {
    toast('隐患已上报，可在“照片与附件”中上传现场照片；监管部门确认后进入整改', 'success');
  }
}
