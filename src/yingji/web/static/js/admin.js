/* 政务管理: user management and the hash-chained audit log. */
(function () {
  'use strict';
  var Y = window.yingji;
  var el = Y.el;

  // ---------------------------------------------------------------- users

  // division names for every table on the page (scope selects, audit 区划 column)
  var divisionsLoaded = Promise.all([
    Y.listAll('/divisions', { level: 'county' }),
    Y.listAll('/divisions', { level: 'township' })
  ]).then(function (res) {
    Y.rememberDivisions(res[0]); Y.rememberDivisions(res[1]);
    return { counties: res[0], townships: res[1] };
  }).catch(function (err) {
    console.warn('divisions', err);
    return { counties: [], townships: [], error: err };
  });

  var usersTable = document.getElementById('users-table');
  var usersBody = usersTable ? usersTable.querySelector('tbody') : null;
  var usersCount = document.getElementById('users-count');
  var roleLabels = {};
  var scopeNames = {};

  function cell(text, cls) { return el('td', { class: cls || null, text: text === null || text === undefined || text === '' ? '—' : text }); }
  function messageRow(body, cols, text, cls) {
    body.textContent = '';
    body.appendChild(el('tr', null, el('td', { colspan: String(cols), class: cls || 'muted', text: text })));
  }

  function loadUsers(highlight) {
    if (!usersBody) return Promise.resolve();
    return Y.listAll('/users').then(function (users) {
      usersBody.textContent = '';
      usersCount.textContent = '共 ' + users.length + ' 人';
      if (!users.length) { messageRow(usersBody, 5, '暂无用户'); return; }
      users.forEach(function (u) {
        var scopeName = u.scope_name || scopeNames[u.scope_code] || Y.divisionName(u.scope_code) || '';
        var active = u.is_active === undefined ? u.active : u.is_active;
        var tr = el('tr', { dataset: { username: u.username } },
          el('td', null, el('code', { text: u.username })),
          cell(u.display_name),
          cell(u.role_label || roleLabels[u.role] || u.role),
          el('td', null, scopeName || '—', u.scope_code ? el('span', { class: 'muted small', text: ' ' + u.scope_code }) : null),
          active === false ? el('td', null, el('span', { class: 'badge badge-planned', text: '停用' })) : el('td', null, el('span', { class: 'badge badge-ready', text: '启用' })));
        if (highlight && u.username === highlight) tr.classList.add('row-new');
        usersBody.appendChild(tr);
      });
    }).catch(function (err) {
      usersCount.textContent = '';
      messageRow(usersBody, 5, err.status === 403 ? '您没有查看用户列表的权限' : '用户列表加载失败：' + err.message, 'form-error');
    });
  }

  var form = document.getElementById('user-form');
  function setupForm() {
    if (!form) return Promise.resolve();
    var roleSel = document.getElementById('user-role');
    var scopeSel = document.getElementById('user-scope');
    var error = document.getElementById('user-form-error');
    var submit = document.getElementById('user-submit');

    var roles = Y.api('/roles').then(function (data) {
      var items = (data && data.items) || [];
      roleSel.textContent = '';
      roleSel.appendChild(el('option', { value: '', text: '请选择角色' }));
      items.forEach(function (r) { roleLabels[r.key] = r.label; roleSel.appendChild(el('option', { value: r.key, text: r.label })); });
    });

    var scopes = divisionsLoaded.then(function (res) {
      if (res.error) throw res.error;
      var counties = res.counties, towns = res.townships;
      scopeSel.textContent = '';
      scopeSel.appendChild(el('option', { value: '', text: '请选择管辖范围' }));
      if (Y.user && Y.user.scope_code && !counties.some(function (c) { return c.code === Y.user.scope_code; })) {
        scopeNames[Y.user.scope_code] = Y.user.scope_name;
        scopeSel.appendChild(el('option', { value: Y.user.scope_code, text: Y.user.scope_name + '（全部）' }));
      }
      var byParent = {};
      towns.forEach(function (t) { (byParent[t.parent_code] = byParent[t.parent_code] || []).push(t); });
      counties.forEach(function (c) {
        scopeNames[c.code] = c.name;
        var group = el('optgroup', { label: c.name });
        group.appendChild(el('option', { value: c.code, text: c.name + '（区县全部）' }));
        (byParent[c.code] || []).forEach(function (t) {
          scopeNames[t.code] = t.name;
          group.appendChild(el('option', { value: t.code, text: '　' + t.name }));
        });
        scopeSel.appendChild(group);
      });
      if (!counties.length) towns.forEach(function (t) { scopeNames[t.code] = t.name; scopeSel.appendChild(el('option', { value: t.code, text: t.name })); });
    });

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      error.hidden = true;
      form.querySelectorAll('.field-invalid').forEach(function (n) { n.classList.remove('field-invalid'); });
      var body = {
        username: form.username.value.trim(),
        display_name: form.display_name.value.trim(),
        role: roleSel.value,
        scope_code: scopeSel.value,
        password: form.password.value
      };
      var missing = [['username', '用户名'], ['display_name', '姓名'], ['role', '角色'], ['scope_code', '管辖范围'], ['password', '初始密码']]
        .filter(function (f) { return !body[f[0]]; });
      if (missing.length) { fail('请填写' + missing.map(function (f) { return f[1]; }).join('、'), missing[0][0]); return; }
      submit.disabled = true;
      Y.api('/users', { method: 'POST', body: body }).then(function () {
        Y.toast('已新增用户 ' + body.username, 'success');
        form.reset();
        return loadUsers(body.username).then(function () { loadAudit(1); });
      }).catch(function (err) { fail(err.message, err.field); })
        .then(function () { submit.disabled = false; });
    });

    function fail(message, field) {
      error.textContent = message;
      error.hidden = false;
      var input = field && form.elements[field];
      if (input) { input.closest('.field').classList.add('field-invalid'); input.focus(); }
    }

    return Promise.all([roles, scopes]).catch(function (err) {
      error.textContent = '表单选项加载失败：' + err.message;
      error.hidden = false;
    });
  }

  // ---------------------------------------------------------------- audit log

  var auditTable = document.getElementById('audit-table');
  var auditBody = auditTable ? auditTable.querySelector('tbody') : null;
  var prev = document.getElementById('audit-prev');
  var next = document.getElementById('audit-next');
  var pageInfo = document.getElementById('audit-page-info');
  var PAGE_SIZE = 20;
  var auditPage = 1;

  var VERBS = {
    create: '新增', created: '新增', update: '修改', updated: '修改', delete: '删除', deleted: '删除',
    import: '导入', imported: '导入', login: '登录', logout: '退出', password_changed: '修改密码',
    activated: '启用', deactivated: '停用', revoked: '吊销', issued: '签发', approved: '批准', rejected: '退回'
  };
  var ENTITIES = { user: '用户', division: '行政区划', dataset: '数据集', token: 'API 令牌', api_token: 'API 令牌' };
  function entityLabel(type) { return ENTITIES[type] || type || ''; }
  function actionCell(action) {
    if (!action) return cell('');
    var parts = String(action).split('.');
    var verb = VERBS[parts[parts.length - 1]];
    var what = parts.length > 1 ? ENTITIES[parts[0]] || '' : '';
    if (!verb) return el('td', null, el('code', { text: action }));
    return el('td', { title: action }, verb + what);
  }
  function diffText(before, after) {
    var parts = [];
    if (before) parts.push('变更前：' + JSON.stringify(before));
    if (after) parts.push('变更后：' + JSON.stringify(after));
    return parts.join('\n');
  }

  function loadAudit(page) {
    if (!auditBody) return Promise.resolve();
    auditPage = page || 1;
    prev.disabled = next.disabled = true;
    return Y.api('/audit', { query: { page: auditPage, page_size: PAGE_SIZE } }).then(function (data) {
      var items = (data && data.items) || [];
      var total = data && typeof data.total === 'number' ? data.total : items.length;
      var pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      auditBody.textContent = '';
      if (!items.length) messageRow(auditBody, 7, '暂无审计记录');
      items.forEach(function (a) {
        var entity = entityLabel(a.entity_type) + (a.entity_id !== null && a.entity_id !== undefined && a.entity_id !== '' ? ' #' + a.entity_id : '');
        var actor = a.actor && typeof a.actor === 'object' ? a.actor.username || a.actor.display_name || JSON.stringify(a.actor) : a.actor;
        auditBody.appendChild(el('tr', { dataset: { seq: String(a.seq) }, title: diffText(a.before, a.after) },
          cell(a.seq, 'num'),
          cell(Y.fmt.datetime(a.occurred_at), 'nowrap'),
          cell(actor || '系统'),
          actionCell(a.action),
          cell(entity),
          cell(a.division_code ? (Y.divisionName(a.division_code) || a.division_code) : ''),
          el('td', null, el('code', { class: 'hash', title: a.hash || '', text: a.hash ? String(a.hash).slice(0, 12) + '…' : '—' }))));
      });
      pageInfo.textContent = '第 ' + auditPage + ' / ' + pages + ' 页，共 ' + total + ' 条';
      prev.disabled = auditPage <= 1;
      next.disabled = auditPage >= pages;
    }).catch(function (err) {
      messageRow(auditBody, 7, err.status === 403 ? '您没有查看审计日志的权限' : '审计日志加载失败：' + err.message, 'form-error');
      pageInfo.textContent = '';
    });
  }
  if (auditBody) {
    prev.addEventListener('click', function () { loadAudit(auditPage - 1); });
    next.addEventListener('click', function () { loadAudit(auditPage + 1); });
  }

  var verifyButton = document.getElementById('audit-verify');
  var verifyResult = document.getElementById('audit-verify-result');
  if (verifyButton) verifyButton.addEventListener('click', function () {
    verifyButton.disabled = true;
    verifyResult.hidden = false;
    verifyResult.className = 'verify-result';
    verifyResult.textContent = '正在校验…';
    Y.api('/audit/verify').then(function (res) {
      verifyResult.textContent = '';
      var problems = (res && res.problems) || [];
      var when = Y.fmt.datetime(new Date());
      if (res && res.ok) {
        verifyResult.className = 'verify-result verify-ok';
        verifyResult.appendChild(el('strong', { text: '审计链完整' }));
        verifyResult.appendChild(document.createTextNode('：已校验 ' + (res.checked || 0) + ' 条记录，未发现篡改或缺失（' + when + '）。'));
      } else {
        verifyResult.className = 'verify-result verify-bad';
        verifyResult.appendChild(el('strong', { text: '审计链校验未通过' }));
        verifyResult.appendChild(document.createTextNode('：已校验 ' + ((res && res.checked) || 0) + ' 条记录，发现 ' + problems.length + ' 处问题（' + when + '）。'));
        var ul = el('ul');
        problems.slice(0, 50).forEach(function (p) { ul.appendChild(el('li', { text: '序号 ' + p.seq + '：' + p.message })); });
        if (problems.length > 50) ul.appendChild(el('li', { text: '……其余 ' + (problems.length - 50) + ' 处未列出' }));
        verifyResult.appendChild(ul);
      }
    }).catch(function (err) {
      verifyResult.className = 'verify-result verify-bad';
      verifyResult.textContent = '校验请求失败：' + err.message;
    }).then(function () { verifyButton.disabled = false; });
  });

  // ---------------------------------------------------------------- start

  setupForm().then(function () { return divisionsLoaded; }).then(function () { loadUsers(); loadAudit(1); });
})();
