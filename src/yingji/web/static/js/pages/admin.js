/* 政务管理: user management and the hash-chained audit log. */
import { byId, el, replace } from '../lib/dom.js';
import { api, listAll } from '../components/api.js';
import { fmt, user } from '../components/context.js';
import { divisionName, rememberDivisions } from '../components/divisions.js';
import { showErrors, clearErrors, formValues } from '../components/forms.js';
import { listPage } from '../components/list.js';
import { toast } from '../components/toast.js';

// Audit action codes → words (until the server names its actions in Chinese itself).
const VERBS = {
  create: '新增', created: '新增', update: '修改', updated: '修改', delete: '删除', deleted: '删除',
  import: '导入', imported: '导入', login: '登录', logout: '退出', password_changed: '修改密码',
  activated: '启用', deactivated: '停用', revoked: '吊销', issued: '签发', approved: '批准', rejected: '退回',
};
const ENTITIES = { user: '用户', division: '行政区划', dataset: '数据集', token: 'API 令牌', api_token: 'API 令牌' };

const cell = (text, cls = null) => el('td', { class: cls, text: text === null || text === undefined || text === '' ? '—' : text });

function actionCell(action) {
  if (!action) return cell('');
  const parts = String(action).split('.');
  const verb = VERBS[parts[parts.length - 1]];
  const what = parts.length > 1 ? ENTITIES[parts[0]] || '' : '';
  if (!verb) return el('td', null, el('code', { text: action }));
  return el('td', { title: action }, verb + what);
}
function diffText(before, after) {
  const parts = [];
  if (before) parts.push(`变更前：${JSON.stringify(before)}`);
  if (after) parts.push(`变更后：${JSON.stringify(after)}`);
  return parts.join('\n');
}

export function start() {
  const roleLabels = {};
  const scopeNames = {};
  const divisions = Promise.all([listAll('/divisions', { level: 'county' }), listAll('/divisions', { level: 'township' })])
    .then(([counties, townships]) => {
      rememberDivisions(counties); rememberDivisions(townships);
      return { counties, townships };
    })
    .catch((error) => ({ counties: [], townships: [], error }));

  // ---------------------------------------------------------------- users

  const usersTable = byId('users-table');
  const usersBody = usersTable ? usersTable.tBodies[0] : null;
  const usersCount = byId('users-count');

  async function loadUsers(highlight = null) {
    if (!usersBody) return;
    try {
      const users = await listAll('/users');
      usersCount.textContent = `共 ${users.length} 人`;
      replace(usersBody, users.length ? users.map((u) => {
        const scopeName = u.scope_name || scopeNames[u.scope_code] || divisionName(u.scope_code) || '';
        const active = u.is_active === undefined ? u.active : u.is_active;
        return el('tr', { dataset: { username: u.username }, class: highlight && u.username === highlight ? 'row-new' : null },
          el('td', null, el('code', { text: u.username })),
          cell(u.display_name),
          cell(u.role_label || roleLabels[u.role] || u.role),
          el('td', null, scopeName || '—', u.scope_code ? el('span', { class: 'muted small', text: ` ${u.scope_code}` }) : null),
          el('td', null, active === false ? el('span', { class: 'badge badge-planned', text: '停用' }) : el('span', { class: 'badge badge-ready', text: '启用' })));
      }) : el('tr', null, el('td', { colspan: 5, class: 'muted', text: '暂无用户' })));
    } catch (err) {
      usersCount.textContent = '';
      replace(usersBody, el('tr', null, el('td', { colspan: 5, class: 'form-error', text: err.status === 403 ? '您没有查看用户列表的权限' : `用户列表加载失败：${err.message}` })));
    }
  }

  async function setupForm() {
    const form = byId('user-form');
    if (!form) return;
    const roleSel = byId('user-role');
    const scopeSel = byId('user-scope');
    const error = byId('user-form-error');
    const submit = byId('user-submit');

    const roles = api('/roles').then((data) => {
      const items = (data && data.items) || [];
      items.forEach((r) => { roleLabels[r.key] = r.label; });
      replace(roleSel, el('option', { value: '', text: '请选择角色' }), items.map((r) => el('option', { value: r.key, text: r.label })));
    });
    const scopes = divisions.then(({ counties, townships, error: failed }) => {
      if (failed) throw failed;
      const options = [el('option', { value: '', text: '请选择管辖范围' })];
      if (user && user.scope_code && !counties.some((c) => c.code === user.scope_code)) {
        scopeNames[user.scope_code] = user.scope_name;
        options.push(el('option', { value: user.scope_code, text: `${user.scope_name}（全部）` }));
      }
      const byParent = {};
      townships.forEach((t) => { (byParent[t.parent_code] = byParent[t.parent_code] || []).push(t); });
      counties.forEach((c) => {
        scopeNames[c.code] = c.name;
        options.push(el('optgroup', { label: c.name },
          el('option', { value: c.code, text: `${c.name}（区县全部）` }),
          (byParent[c.code] || []).map((t) => { scopeNames[t.code] = t.name; return el('option', { value: t.code, text: `\u3000${t.name}` }); })));
      });
      if (!counties.length) townships.forEach((t) => { scopeNames[t.code] = t.name; options.push(el('option', { value: t.code, text: t.name })); });
      replace(scopeSel, options);
    });

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form, error);
      const body = formValues(form);
      const missing = [['username', '用户名'], ['display_name', '姓名'], ['role', '角色'], ['scope_code', '管辖范围'], ['password', '初始密码']]
        .filter(([key]) => !body[key]);
      if (missing.length) {
        showErrors(form, { message: `请填写${missing.map(([, label]) => label).join('、')}`, field: missing[0][0] }, error);
        return;
      }
      if (body.password !== undefined) body.password = form.elements.password.value;   // as typed
      submit.disabled = true;
      try {
        await api('/users', { method: 'POST', body });
        clearErrors(form, error);
        toast(`已新增用户 ${body.username}`, 'success');
        form.reset();
        await loadUsers(body.username);
        if (audit) audit.reload();
      } catch (err) {
        showErrors(form, err, error);
      } finally {
        submit.disabled = false;
      }
    });

    try {
      await Promise.all([roles, scopes]);
    } catch (err) {
      error.textContent = `表单选项加载失败：${err.message}`;
      error.hidden = false;
    }
  }

  // ---------------------------------------------------------------- audit log

  const auditTable = byId('audit-table');
  const audit = auditTable ? listPage({
    id: 'audit', path: '/audit', table: auditTable, pager: byId('audit-pager'), pageSize: 20, urlState: false,
    empty: '暂无审计记录',
    row(a) {
      const entity = (ENTITIES[a.entity_type] || a.entity_type || '') + (a.entity_id !== null && a.entity_id !== undefined && a.entity_id !== '' ? ` #${a.entity_id}` : '');
      const actor = a.actor && typeof a.actor === 'object' ? a.actor.username || a.actor.display_name || JSON.stringify(a.actor) : a.actor;
      return el('tr', { dataset: { seq: a.seq }, title: diffText(a.before, a.after) },
        cell(a.seq, 'num'),
        cell(fmt.datetime(a.occurred_at), 'nowrap'),
        cell(actor || '系统'),
        actionCell(a.action),
        cell(entity),
        cell(a.division_code ? divisionName(a.division_code) || a.division_code : ''),
        el('td', null, el('code', { class: 'hash', title: a.hash || '', text: a.hash ? `${String(a.hash).slice(0, 12)}…` : '—' })));
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
          replace(verifyResult, el('strong', { text: '审计链完整' }), `：已校验 ${res.checked || 0} 条记录，未发现篡改或缺失（${when}）。`);
        } else {
          verifyResult.className = 'verify-result verify-bad';
          replace(verifyResult, el('strong', { text: '审计链校验未通过' }),
            `：已校验 ${(res && res.checked) || 0} 条记录，发现 ${problems.length} 处问题（${when}）。`,
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

  setupForm().then(() => divisions).then(() => loadUsers());
}
