/*
 * 政务管理: users (list with filters; add — an enterprise account with its unit; edit, deactivate /
 * reactivate, reset the password, delete an account that never acted) and the hash-chained audit log
 * (filters: who, what, object, when — the division from the picker —, each record's before/after
 * shown readably with Chinese field names and value labels). Whether a control is offered follows
 * core/permissions.py (page data flags, can_delete per user); the API enforces the same rules.
 */
import { byId, el, replace } from '../lib/dom.js';
import { changes } from '../lib/diff.js';
import { api, listAll } from '../components/api.js';
import { ctx, fmt, labelOf, pageData, user } from '../components/context.js';
import { confirmDialog, formDialog } from '../components/dialog.js';
import { divisionLabel, divisionName, rememberDivisions } from '../components/divisions.js';
import { clearErrors, showErrors, submitForm } from '../components/forms.js';
import { listPage } from '../components/list.js';
import { toast } from '../components/toast.js';
import { unitPicker } from '../components/unit-picker.js';

const labels = ctx.labels || {};
const table = (name) => labels[name] || {};
const cell = (text, cls = null) => el('td', { class: cls, text: text === null || text === undefined || text === '' ? '—' : text });

/** A random password that satisfies the policy (crypto-grade, no look-alike characters). */
function randomPassword(length = 14) {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_';
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Chinese label of a value in an audit snapshot, by the field it belongs to. */
function valueLabel(key, value) {
  const byField = {
    role: 'roles', state: 'hazard_states', to_state: 'hazard_states', from_state: 'hazard_states', tier: 'hazard_tiers',
    level: 'risk_levels', risk_level: 'risk_levels', unit_level: 'risk_levels', industry: 'industries',
    supervision_level: 'supervision_levels', method: 'risk_methods', kind: 'inspection_kinds', scope: 'token_scopes',
    reason: 'login_failure_reasons', subclass_code: 'risk_subclasses', class_code: 'risk_classes', action: 'hazard_actions',
  }[key];
  if (byField && table(byField)[value]) return table(byField)[value];
  if (/^(scope_code|division_code)$/.test(key) && typeof value === 'string') return divisionName(value) || null;
  if (/(_at|deadline|until)$/.test(key) && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return fmt.minute(value);
  return null;
}

export function start() {
  const flags = pageData.flags || {};
  const roleLabels = table('roles');
  const divisions = Promise.all([listAll('/divisions', { level: 'county' }), listAll('/divisions', { level: 'township' })])
    .then(([counties, townships]) => {
      rememberDivisions(counties); rememberDivisions(townships);
      return { counties, townships };
    })
    .catch((error) => ({ counties: [], townships: [], error }));

  // ---------------------------------------------------------------- the choices of role and jurisdiction

  function roleOptions(selected = '') {
    return [el('option', { value: '', text: '请选择角色' }),
      Object.entries(roleLabels).map(([key, label]) => el('option', { value: key, text: label, selected: key === selected }))];
  }
  async function scopeOptions(selected = '') {
    const { counties, townships, error } = await divisions;
    if (error) throw error;
    const options = [el('option', { value: '', text: '请选择管辖范围' })];
    if (user && user.scope_code && !counties.some((c) => c.code === user.scope_code)) {
      options.push(el('option', { value: user.scope_code, text: `${user.scope_name}（全部）`, selected: selected === user.scope_code }));
    }
    const byParent = {};
    townships.forEach((t) => { (byParent[t.parent_code] = byParent[t.parent_code] || []).push(t); });
    counties.forEach((c) => {
      options.push(el('optgroup', { label: c.name },
        el('option', { value: c.code, text: `${c.name}（区县全部）`, selected: selected === c.code }),
        (byParent[c.code] || []).map((t) => el('option', { value: t.code, text: `\u3000${t.name}`, selected: selected === t.code }))));
    });
    if (!counties.length) townships.forEach((t) => options.push(el('option', { value: t.code, text: t.name, selected: selected === t.code })));
    return options;
  }

  // ---------------------------------------------------------------- users

  const usersTable = byId('users-table');
  let users = null;

  function unitCell(u) {
    if (!u.unit_id) return null;
    const node = el('span', { class: 'muted small', text: ' · 单位加载中…' });
    api(`/units/${u.unit_id}`).then((unit) => { node.textContent = ` · ${unit.name}`; })
      .catch(() => { node.textContent = ' · （单位不在您的管辖范围内）'; });
    return node;
  }
  function actionsCell(u) {
    if (!flags.can_manage_users) return el('td');
    const self = user && u.id === user.user_id;
    const buttons = [
      el('button', { type: 'button', class: 'btn btn-small user-edit', dataset: { action: 'edit' }, text: '修改', onclick: () => editUser(u) }),
      el('button', { type: 'button', class: 'btn btn-small user-reset', dataset: { action: 'reset' }, text: '重置密码', onclick: () => resetPassword(u) }),
    ];
    if (!self) {
      buttons.push(u.active
        ? el('button', { type: 'button', class: 'btn btn-small user-disable', dataset: { action: 'disable' }, text: '停用', onclick: () => setActive(u, false) })
        : el('button', { type: 'button', class: 'btn btn-small user-enable', dataset: { action: 'enable' }, text: '启用', onclick: () => setActive(u, true) }));
      if (u.can_delete) {
        buttons.push(el('button', { type: 'button', class: 'btn btn-small btn-danger user-delete', dataset: { action: 'delete' },
          text: '删除', title: '该账号从未登录或操作过，可以删除', onclick: () => deleteUser(u) }));
      }
    }
    return el('td', { class: 'row-actions' }, buttons);
  }
  if (usersTable) {
    users = listPage({
      id: 'users', path: '/users', table: usersTable, pager: byId('users-pager'), form: byId('user-filters'),
      summary: byId('users-count'), unit: '人', pageSize: 50, urlState: false, empty: '没有符合条件的用户',
      row: (u) => el('tr', { dataset: { username: u.username, userId: u.id, active: String(u.active) }, class: u.active ? null : 'row-inactive' },
        el('td', null, el('code', { text: u.username })),
        el('td', { class: 'name-cell' }, u.display_name, unitCell(u)),
        cell(u.role_label || roleLabels[u.role]),
        el('td', null, divisionLabel(u.scope_code)),
        el('td', null, u.active ? el('span', { class: 'badge badge-ready', text: '启用' }) : el('span', { class: 'badge badge-planned', text: '停用' })),
        actionsCell(u)),
    });
    replace(byId('user-filter-role'), el('option', { value: '', text: '全部' }),
      Object.entries(roleLabels).map(([key, label]) => el('option', { value: key, text: label })));
  }

  async function patchUser(u, body, done) {
    const saved = await api(`/users/${u.id}`, { method: 'PATCH', body });
    toast(done(saved), 'success');
    if (users) users.reload();
    if (audit) audit.reload();
    return saved;
  }

  async function editUser(u) {
    const content = [
      el('label', null, '姓名', el('input', { name: 'display_name', value: u.display_name, maxlength: 200, required: true })),
      el('label', null, '角色', el('select', { name: 'role', disabled: user && u.id === user.user_id }, roleOptions(u.role))),
      el('label', { class: 'field-wide' }, '管辖范围', el('select', { name: 'scope_code' }, await scopeOptions(u.scope_code))),
      el('label', { class: 'field-wide' }, '所属单位 ID（企业安全管理员）',
        el('input', { name: 'unit_id', type: 'number', min: 1, value: u.unit_id || '' })),
      el('p', { class: 'hint', text: '更改角色或管辖范围会结束该用户现有的登录会话。' }),
    ];
    await formDialog({
      title: `修改用户：${u.display_name}`, content, ids: { dialog: 'user-edit-dialog', confirm: 'user-edit-save' },
      submit: (form) => {
        const f = form.elements;
        const body = {};
        if (f.display_name.value.trim() !== u.display_name) body.display_name = f.display_name.value.trim();
        if (!f.role.disabled && f.role.value !== u.role) body.role = f.role.value;
        if (f.scope_code.value && f.scope_code.value !== u.scope_code) body.scope_code = f.scope_code.value;
        const unitId = f.unit_id.value ? Number(f.unit_id.value) : null;
        if (unitId !== (u.unit_id || null) && ((body.role || u.role) === 'enterprise_manager')) body.unit_id = unitId;
        if (!Object.keys(body).length) return true;
        return patchUser(u, body, (s) => `已修改用户 ${s.display_name}`);
      },
    });
  }

  async function resetPassword(u) {
    const input = el('input', { name: 'password', type: 'text', required: true, autocomplete: 'new-password', spellcheck: 'false',
      minlength: pageData.password_min || 10, id: 'user-reset-password' });
    const content = [
      el('label', { class: 'field-wide' }, '新密码', input),
      el('div', { class: 'field-wide' }, el('button', { type: 'button', class: 'btn btn-small', text: '生成随机密码',
        onclick: () => { input.value = randomPassword(); input.select(); } })),
      el('p', { class: 'hint', text: `至少 ${pageData.password_min || 10} 个字符，不能由同一个字符重复组成，不能与用户名相同。重置后该用户的所有会话结束、API 令牌吊销。` }),
    ];
    await formDialog({
      title: `重置密码：${u.display_name}`, content, confirmText: '重置密码', ids: { dialog: 'user-reset-dialog', confirm: 'user-reset-save' },
      submit: () => patchUser(u, { password: input.value }, () => `已重置 ${u.display_name} 的密码，请通过安全渠道告知本人`),
    });
  }

  async function setActive(u, active) {
    const ok = await confirmDialog({
      title: active ? `启用用户：${u.display_name}` : `停用用户：${u.display_name}`,
      message: active ? '启用后该用户可以重新登录。' : '停用后该用户立即退出、不能再登录，其 API 令牌全部吊销；审计记录保留。',
      confirmText: active ? '启用' : '停用', danger: !active, ids: { dialog: 'user-active-dialog', confirm: 'user-active-confirm' },
    });
    if (!ok) return;
    try {
      await patchUser(u, { active }, () => (active ? `已启用 ${u.display_name}` : `已停用 ${u.display_name}`));
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  async function deleteUser(u) {
    const ok = await confirmDialog({
      title: `删除用户：${u.display_name}`,
      message: `账号 ${u.username} 从未登录或操作过，删除后不可恢复。若该账号已有操作记录，系统会拒绝删除，请改为停用。`,
      confirmText: '删除', danger: true, ids: { dialog: 'user-delete-dialog', confirm: 'user-delete-confirm' },
    });
    if (!ok) return;
    try {
      await api(`/users/${u.id}`, { method: 'DELETE' });
      toast(`已删除用户 ${u.display_name}`, 'success');
      if (users) users.reload();
      if (audit) audit.reload();
    } catch (err) {
      toast(err.message, 'error');
      if (users) users.reload();
    }
  }

  // ---------------------------------------------------------------- add a user

  async function setupForm() {
    const form = byId('user-form');
    if (!form) return;
    const roleSel = byId('user-role');
    const scopeSel = byId('user-scope');
    const error = byId('user-form-error');
    const unitBox = byId('user-unit-picker');
    const password = byId('user-password');
    let chosenUnit = null;
    const picker = unitPicker('user', (unit) => {
      chosenUnit = unit;
      if (unit) scopeSel.value = unit.division_code;   // an enterprise manager's jurisdiction: its unit's township
    }, { required: false });   // required for enterprise managers only (checked below)
    function showUnit() {
      const enterprise = roleSel.value === 'enterprise_manager';
      unitBox.hidden = !enterprise;
      byId('user-scope-field').hidden = enterprise;
      if (!enterprise && picker) picker.reset();
    }
    roleSel.addEventListener('change', showUnit);
    byId('user-password-generate').addEventListener('click', () => {
      password.type = 'text';
      password.value = randomPassword();
      password.select();
    });
    replace(roleSel, roleOptions());
    try {
      replace(scopeSel, await scopeOptions());
    } catch (err) {
      error.textContent = `表单选项加载失败：${err.message}`;
      error.hidden = false;
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form, error);
      const body = Object.fromEntries(new FormData(form).entries());
      for (const key of Object.keys(body)) if (typeof body[key] === 'string' && key !== 'password') body[key] = body[key].trim();
      const enterprise = body.role === 'enterprise_manager';
      if (enterprise && chosenUnit) body.scope_code = chosenUnit.division_code;
      const missing = [['username', '用户名'], ['display_name', '姓名'], ['role', '角色'],
        enterprise ? ['unit_id', '所属单位'] : ['scope_code', '管辖范围'], ['password', '初始密码']].filter(([key]) => !body[key]);
      if (missing.length) {
        showErrors(form, { message: `请填写${missing.map(([, label]) => label).join('、')}`, field: missing[0][0] }, error);
        return;
      }
      if (body.unit_id) body.unit_id = Number(body.unit_id); else delete body.unit_id;
      await submitForm(form, async () => {
        await api('/users', { method: 'POST', body });
        toast(`已新增用户 ${body.username}`, 'success');
        form.reset();
        password.type = 'password';
        if (picker) picker.reset();
        showUnit();
        if (users) users.reload();
        if (audit) audit.reload();
      }, { box: error, button: byId('user-submit') });
    });
  }

  // ---------------------------------------------------------------- audit log

  const auditTable = byId('audit-table');
  const auditForm = byId('audit-filters');
  if (auditForm) {
    const options = (select, tbl) => replace(select, el('option', { value: '', text: '全部' }),
      Object.entries(table(tbl)).sort((a, b) => a[1].localeCompare(b[1], 'zh-CN')).map(([key, label]) => el('option', { value: key, text: label })));
    options(byId('audit-action'), 'audit_actions');
    options(byId('audit-entity'), 'entity_types');
  }
  function detailRow(a, columns) {
    const fields = table('fields');
    const list = changes(a.before, a.after, { fields, valueLabel });
    const title = a.before && a.after ? '变更内容' : a.after ? '记录内容' : '变更前内容';
    return el('tr', { class: 'audit-detail', dataset: { detailFor: a.seq } }, el('td', { colspan: columns },
      list.length ? el('table', { class: 'table audit-changes', 'aria-label': title },
        el('thead', null, el('tr', null, el('th', { text: '项目' }), a.before ? el('th', { text: '变更前' }) : null, a.after ? el('th', { text: a.before ? '变更后' : '内容' }) : null)),
        el('tbody', null, list.map((c) => el('tr', { dataset: { field: c.key } },
          el('td', { class: 'name-cell', text: c.label }),
          a.before ? el('td', { text: c.before }) : null,
          a.after ? el('td', { text: c.after }) : null))))
        : el('p', { class: 'muted', text: '无变更内容' }),
      el('p', { class: 'muted small' }, '完整哈希：', el('code', { text: a.hash }))));
  }
  const audit = auditTable ? listPage({
    id: 'audit', path: '/audit', table: auditTable, pager: byId('audit-pager'), form: auditForm, pageSize: 20, urlState: false,
    empty: '没有符合条件的审计记录',
    toQuery: ({ since_date: since, until_date: until, ...rest }) => ({
      ...rest, since: since ? fmt.toInstant(since, '00:00') : null, until: until ? fmt.toInstant(until, '23:59:59') : null }),
    row(a) {
      const id = a.entity_id !== null && a.entity_id !== undefined && a.entity_id !== '' && a.entity_id !== '-' ? String(a.entity_id) : '';
      // the object by name where the registry or the division names know it, else by number
      const named = a.entity_type === 'dataset' ? table('datasets')[id] : a.entity_type === 'division' ? divisionName(id) : '';
      const entity = labelOf('entity_types', a.entity_type) + (named ? `：${named}` : id && /^\d+$/.test(id) ? ` #${id}` : id ? ` ${id}` : '');
      const action = labelOf('audit_actions', a.action);
      const tr = el('tr', { dataset: { seq: a.seq, action: a.action }, class: 'audit-row', tabindex: 0, title: '点击查看变更前后的内容' },
        cell(a.seq, 'num'),
        cell(fmt.datetime(a.occurred_at), 'nowrap'),
        el('td', { class: 'name-cell', title: a.actor }, a.actor_name || a.actor || '系统'),
        el('td', { class: 'name-cell' }, action === a.action ? el('code', { text: a.action }) : action),
        cell(entity, 'name-cell'),
        el('td', null, a.division_code ? divisionLabel(a.division_code) : '—'),
        el('td', null, el('code', { class: 'hash', title: a.hash || '', text: a.hash ? `${String(a.hash).slice(0, 10)}…` : '—' })));
      const toggle = () => {
        const next = tr.nextElementSibling;
        if (next && next.classList.contains('audit-detail')) { next.remove(); tr.classList.remove('is-open'); return; }
        tr.after(detailRow(a, tr.children.length));
        tr.classList.add('is-open');
      };
      tr.addEventListener('click', toggle);
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') toggle(); });
      return tr;
    },
  }) : null;

  const verifyButton = byId('audit-verify');
  const verifyResult = byId('audit-verify-result');
  if (verifyButton) {
    verifyButton.addEventListener('click', async () => {
      verifyButton.disabled = true;
      verifyResult.hidden = false;
      verifyResult.className = 'verify-result';
      verifyResult.textContent = '正在校验…';
      try {
        const res = await api('/audit/verify');
        const problems = (res && res.problems) || [];
        const when = fmt.datetime(new Date());
        if (res && res.ok) {
          verifyResult.className = 'verify-result verify-ok';
          replace(verifyResult, el('strong', { text: '审计链完整' }), `：已校验 ${fmt.number(res.checked || 0)} 条记录，未发现篡改或缺失（${when}）。`);
        } else {
          verifyResult.className = 'verify-result verify-bad';
          replace(verifyResult, el('strong', { text: '审计链校验未通过' }),
            `：已校验 ${fmt.number((res && res.checked) || 0)} 条记录，发现 ${problems.length} 处问题（${when}）。`,
            el('ul', null, problems.slice(0, 50).map((p) => el('li', { text: `序号 ${p.seq}：${p.message}` })),
              problems.length > 50 ? el('li', { text: `……其余 ${problems.length - 50} 处未列出` }) : null));
        }
      } catch (err) {
        verifyResult.className = 'verify-result verify-bad';
        verifyResult.textContent = `校验请求失败：${err.message}`;
      } finally {
        verifyButton.disabled = false;
      }
    });
  }

  setupForm();
}
