/* 隐患排查治理 / 挂牌督办 / 执法检查 pages. Uses window.yingji (api, el, fmt, toast). */
(function () {
  'use strict';
  var Y = window.yingji, el = Y.el;
  var LEVEL = { county: '县级挂牌督办', city: '市级挂牌督办' };
  function data() { var n = document.getElementById('hz-page-data'); return n ? JSON.parse(n.textContent) : {}; }
  function $(id) { return document.getElementById(id); }
  function dt(v) { return v ? Y.fmt.datetime(v).slice(0, 16) : ''; }
  function day(v) { return v ? Y.fmt.datetime(v).slice(0, 10) : ''; }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); return n; }
  function localMidnight(dateStr) { return dateStr ? dateStr + 'T00:00:00+08:00' : null; }
  function localEnd(dateStr) { return dateStr ? dateStr + 'T23:59:00+08:00' : null; }
  function stateBadge(h) {
    return el('span', { class: 'hz-badge hz-state-' + h.state, text: h.state_label || h.state });
  }
  function fail(box) { return function (e) { if (box) box.textContent = e.message; else Y.toast(e.message, 'error'); }; }
  function formObj(form) { var o = {}; new FormData(form).forEach(function (v, k) { o[k] = v; }); return o; }

  /* Division names for the unit picker (GET /divisions/{code}, cached). */
  var divisionLookups = {};
  function divisionText(code, node) {
    var known = Y.divisionName(code);
    if (known) { node.textContent = known; return; }
    node.textContent = code;
    if (!divisionLookups[code]) divisionLookups[code] = Y.api('/divisions/' + code).then(function (d) {
      if (Y.rememberDivisions) Y.rememberDivisions([d]); return d.name;
    }).catch(function () { return code; });
    divisionLookups[code].then(function (name) { node.textContent = name; });
  }

  /* Search-as-you-type unit picker (ARIA combobox + listbox) over GET /units?q=, which is
     already limited to the user's jurisdiction. Markup: #<p>-unit-search (text), #<p>-unit (hidden
     unit_id), #<p>-unit-list (listbox), #<p>-unit-status (live region). onSelect(unit|null). */
  function unitPicker(prefix, onSelect) {
    var input = $(prefix + '-unit-search'), hidden = $(prefix + '-unit'), list = $(prefix + '-unit-list');
    var status = $(prefix + '-unit-status');
    if (!input || !hidden || !list) return null;
    var items = [], active = -1, timer = null, ctrl = null, seq = 0, chosen = null;
    function setStatus(t) { if (status) status.textContent = t; }
    function close() {
      list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1;
    }
    function highlight(i) {
      var opts = list.querySelectorAll('[role=option]');
      active = i;
      Array.prototype.forEach.call(opts, function (o, k) { o.setAttribute('aria-selected', k === i ? 'true' : 'false'); });
      if (i >= 0 && opts[i]) { input.setAttribute('aria-activedescendant', opts[i].id); if (opts[i].scrollIntoView) opts[i].scrollIntoView({ block: 'nearest' }); }
      else input.removeAttribute('aria-activedescendant');
    }
    function choose(u) {
      chosen = u; hidden.value = u ? String(u.id) : ''; input.value = u ? u.name : input.value;
      input.setCustomValidity(''); close();
      if (u) setStatus('已选择 ' + u.name);
      if (onSelect) onSelect(u);
    }
    function render() {
      clear(list);
      if (!items.length) {
        list.appendChild(el('li', { class: 'hz-picker-empty', role: 'option', 'aria-disabled': 'true', id: prefix + '-unit-none', text: '没有匹配的单位（仅显示本辖区）' }));
      }
      items.forEach(function (u, k) {
        var div = el('span', { class: 'hz-picker-division' });
        divisionText(u.division_code, div);
        list.appendChild(el('li', { role: 'option', id: prefix + '-unit-opt-' + k, 'aria-selected': 'false', 'data-unit-id': u.id,
          class: 'hz-picker-option',
          onmousedown: function (e) { e.preventDefault(); choose(u); } },
          el('span', { class: 'hz-picker-name', text: u.name }),
          el('span', { class: 'hz-picker-meta' }, el('span', { class: 'hz-picker-code', text: u.credit_code }), ' · ', div)));
      });
      list.hidden = false; input.setAttribute('aria-expanded', 'true'); highlight(items.length ? 0 : -1);
      setStatus(items.length ? '找到 ' + items.length + ' 个单位，用上下方向键选择' : '没有匹配的单位');
    }
    function search() {
      var q = input.value.trim(), mine = ++seq;
      if (!q) { items = []; close(); return; }
      if (ctrl && ctrl.abort) ctrl.abort();
      ctrl = window.AbortController ? new AbortController() : null;
      Y.api('/units', { query: { q: q, page_size: 20 }, signal: ctrl ? ctrl.signal : undefined }).then(function (d) {
        if (mine !== seq) return;
        items = d.items || []; render();
      }).catch(function (e) { if (e && e.name === 'AbortError') return; setStatus(e.message); });
    }
    input.addEventListener('input', function () {
      if (chosen) { chosen = null; hidden.value = ''; if (onSelect) onSelect(null); }
      clearTimeout(timer); timer = setTimeout(search, 200);
    });
    input.addEventListener('keydown', function (e) {
      if (input.readOnly) return;
      var open = !list.hidden;
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        if (!open) { search(); return; }
        if (items.length) highlight((active + 1) % items.length);
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        if (open && items.length) highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (e.key === 'Enter') {
        if (open) { e.preventDefault(); if (active >= 0 && items[active]) choose(items[active]); }
      } else if (e.key === 'Escape') {
        if (open) { e.preventDefault(); close(); }
      } else if (e.key === 'Tab') {
        if (open && active >= 0 && items[active] && !chosen) choose(items[active]); else close();
      }
    });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
    var form = input.form;
    if (form) form.addEventListener('submit', function (e) {
      if (!hidden.value) { e.preventDefault(); e.stopImmediatePropagation(); input.setCustomValidity('请从列表中选择单位'); input.reportValidity(); }
    }, true);
    input.addEventListener('change', function () { input.setCustomValidity(''); });
    return {
      set: function (u) { choose(u); },
      reset: function () { chosen = null; hidden.value = ''; input.value = ''; items = []; close(); setStatus(''); },
      value: function () { return chosen; }
    };
  }

  /* 摘牌 with a required reason, in a modal <dialog> (keyboard: Esc cancels, focus on the reason). */
  function liftDialog(listing, hazardId, done) {
    var reason = el('textarea', { id: 'hz-lift-reason', name: 'reason', required: 'required', maxlength: 2000, rows: 3 });
    var err = el('p', { class: 'hz-error', role: 'alert' });
    var dlg = el('dialog', { class: 'hz-dialog', 'aria-labelledby': 'hz-lift-title' });
    var form = el('form', { class: 'hz-form', method: 'dialog' },
      el('h2', { id: 'hz-lift-title', text: '摘牌：' + LEVEL[listing.level] + '（' + listing.notice_no + '）' }),
      el('label', { for: 'hz-lift-reason' }, '摘牌原因（必填）'), reason, err,
      el('div', { class: 'hz-buttons' },
        el('button', { type: 'submit', class: 'btn btn-primary', id: 'hz-lift-confirm', text: '确认摘牌' }),
        el('button', { type: 'button', class: 'btn', text: '取消', onclick: function () { dlg.close(); } })));
    dlg.appendChild(form);
    document.body.appendChild(dlg);
    dlg.addEventListener('close', function () { if (dlg.parentNode) dlg.parentNode.removeChild(dlg); });
    form.addEventListener('submit', function (e) {
      e.preventDefault(); err.textContent = '';
      if (!reason.value.trim()) { err.textContent = '请填写摘牌原因'; reason.focus(); return; }
      Y.api('/hazards/' + hazardId + '/listings/' + listing.id + '/lift', { method: 'POST', body: { reason: reason.value } })
        .then(function (x) { dlg.close(); Y.toast('已摘牌', 'ok'); if (done) done(x); })
        .catch(function (e2) { err.textContent = e2.message; });
    });
    if (dlg.showModal) dlg.showModal(); else dlg.setAttribute('open', 'open');
    reason.focus();
  }
  function canLift(flags, x) { return !x.lifted_at && flags && (flags.lift_levels || []).indexOf(x.level) >= 0; }

  function list() {
    var form = $('hz-filters'), page = 1, size = 50;
    function query() {
      var f = formObj(form), q = {};
      ['state', 'tier', 'overdue', 'supervision_level', 'industry', 'q'].forEach(function (k) { if (f[k]) q[k] = f[k]; });
      if (f.since_date) q.since = localMidnight(f.since_date);
      if (f.until_date) q.until = localEnd(f.until_date);
      if (Y.division && !Y.division.isScope) q.division = Y.division.code;
      return q;
    }
    function load() {
      var q = Object.assign(query(), { page: page, page_size: size });
      var ex = new URLSearchParams(query()).toString();
      $('hz-export').setAttribute('href', Y.root + '/api/v1/hazards/export.xlsx' + (ex ? '?' + ex : ''));
      Y.api('/hazards', { query: q }).then(function (d) {
        var body = clear(document.querySelector('#hz-table tbody'));
        d.items.forEach(function (h) {
          body.appendChild(el('tr', { class: h.overdue ? 'hz-overdue' : '' },
            el('td', null, el('a', { href: Y.root + '/supervision/hazards/' + h.id, text: h.code })),
            el('td', null, h.title), el('td', null, h.unit_name),
            el('td', null, el('span', { class: 'hz-tier hz-tier-' + h.tier, text: h.tier_label })),
            el('td', null, stateBadge(h), h.overdue ? el('span', { class: 'hz-badge hz-badge-overdue', text: '逾期' }) : null),
            el('td', null, day(h.deadline)),
            el('td', null, h.supervision_level ? el('span', { class: 'hz-badge hz-listed', text: LEVEL[h.supervision_level] }) : ''),
            el('td', null, dt(h.discovered_at))));
        });
        if (!d.items.length) body.appendChild(el('tr', null, el('td', { colspan: 8, class: 'muted', text: '没有符合条件的隐患' })));
        $('hz-summary').textContent = '共 ' + d.total + ' 条';
        $('hz-page').textContent = ' 第 ' + page + ' / ' + Math.max(1, Math.ceil(d.total / size)) + ' 页 ';
        $('hz-prev').disabled = page <= 1; $('hz-next').disabled = page * size >= d.total;
      }).catch(fail());
    }
    form.addEventListener('submit', function (e) { e.preventDefault(); page = 1; load(); });
    $('hz-prev').addEventListener('click', function () { page -= 1; load(); });
    $('hz-next').addEventListener('click', function () { page += 1; load(); });
    var run = $('run-escalation');
    if (run) run.addEventListener('click', function () {
      run.disabled = true;
      Y.api('/hazards/escalation/run', { method: 'POST', body: {} }).then(function (r) {
        Y.toast('逾期检查完成：检查 ' + r.checked + ' 条，新标记逾期 ' + r.overdue_marked + '，县级挂牌 ' + r.county_listed + '，市级挂牌 ' + r.city_listed, 'ok');
        load();
      }).catch(fail()).then(function () { run.disabled = false; });
    });
    Y.onDivision(function () { page = 1; load(); });
    if (!Y.division) load();
  }

  function detail() {
    var cfg = data(), id = cfg.hazard_id, current = null;
    function render(h) {
      current = h;
      $('hz-title').textContent = h.code + ' ' + h.title;
      $('hz-sub').textContent = h.unit_name + ' · ' + h.tier_label;
      var badges = clear($('hz-badges'));
      badges.appendChild(stateBadge(h));
      if (h.overdue) badges.appendChild(el('span', { class: 'hz-badge hz-badge-overdue', text: '逾期' }));
      if (h.supervision_level) badges.appendChild(el('span', { class: 'hz-badge hz-listed', id: 'hz-listed-badge', text: '挂牌督办：' + LEVEL[h.supervision_level] }));
      var info = clear($('hz-info'));
      [['隐患编号', h.code], ['分级', h.tier_label], ['状态', h.state_label], ['单位', h.unit_name], ['区划', h.division_code],
       ['发现时间', dt(h.discovered_at)], ['整改期限', dt(h.deadline)], ['销号时间', dt(h.closed_at)], ['描述', h.description]]
        .forEach(function (p) { info.appendChild(el('dt', null, p[0])); info.appendChild(el('dd', null, p[1] || '—')); });
      var btns = clear($('hz-buttons'));
      var needsReason = false;
      if (cfg.flags.can_write) h.allowed_actions.forEach(function (a) {
        if (a.action === 'reject') needsReason = true;
        btns.appendChild(el('button', { type: 'button', class: 'btn' + (a.action === 'reject' ? ' btn-danger' : ' btn-primary'),
          'data-action': a.action, text: a.label, onclick: function () { act(a.action); } }));
      });
      if (!btns.childNodes.length) btns.appendChild(el('span', { class: 'muted', text: h.state === 'closed' ? '已销号，流程结束' : '无可执行的操作' }));
      $('hz-reason-box').hidden = !needsReason;
      var note = $('hz-plan-note');
      note.textContent = h.plan_required ? (h.missing_plan_fields.length ? '（重大隐患，尚缺：' + h.missing_plan_fields.map(function (f) { return f.label; }).join('、') + '）' : '（已落实）') : '（一般隐患可不填）';
      var pf = $('hz-plan-form'), plan = h.plan || {};
      ['measures', 'funds', 'responsible_person', 'contingency_plan', 'safety_measures'].forEach(function (k) {
        if (plan[k] !== undefined && document.activeElement !== pf.elements[k]) pf.elements[k].value = plan[k];
      });
      if (plan.deadline) pf.elements.deadline.value = day(plan.deadline);
      var locked = h.state === 'accepted' || h.state === 'closed' || !cfg.flags.can_write;
      Array.prototype.forEach.call(pf.elements, function (x) { x.disabled = locked; });
      var ls = clear($('hz-listings'));
      h.listings.forEach(function (x) {
        ls.appendChild(el('li', { 'data-listing-id': x.id, class: x.lifted_at ? 'hz-lifted' : '' }, el('strong', null, LEVEL[x.level]), ' ', x.listed_by, ' · ', x.notice_no,
          ' · 期限 ', day(x.deadline), x.automatic ? '（逾期自动升级）' : '',
          x.lifted_at ? ' · 已摘牌 ' + day(x.lifted_at) + (x.lift_reason ? '（' + x.lift_reason + '）' : '') : '',
          canLift(cfg.flags, x) ? el('button', { type: 'button', class: 'btn btn-small hz-lift', 'data-listing-id': x.id, text: '摘牌',
            'aria-label': '摘牌：' + LEVEL[x.level] + ' ' + x.notice_no, onclick: function () { liftDialog(x, id, load); } }) : null));
      });
      if (!h.listings.length) ls.appendChild(el('li', { class: 'muted', text: '未挂牌' }));
      var at = clear($('hz-attachments'));
      h.attachments.forEach(function (a) {
        at.appendChild(el('li', null, el('a', { href: Y.root + '/api/v1/hazards/' + id + '/attachments/' + a.id, target: '_blank', text: a.filename }),
          ' (' + Math.ceil(a.size / 1024) + ' KB)'));
      });
      var tl = clear($('hz-timeline')), entries = [];
      h.timeline.forEach(function (t) {
        entries.push({ at: t.at, node: el('li', null, el('time', null, dt(t.at)), ' ', el('strong', null, actionLabel(t.action)), ' ',
          t.from_state ? stateName(t.from_state) + ' → ' : '', stateName(t.to_state), ' · ', t.actor, t.reason ? '（原因：' + t.reason + '）' : '') });
      });
      h.listings.forEach(function (x) {
        entries.push({ at: x.listed_at, node: el('li', { class: 'hz-tl-listing' }, el('time', null, dt(x.listed_at)), ' ', el('strong', null, LEVEL[x.level]), ' ',
          x.listed_by, ' · ', x.notice_no, x.automatic ? '（逾期自动升级）' : '') });
        if (x.lifted_at) entries.push({ at: x.lifted_at, node: el('li', { class: 'hz-tl-lift' }, el('time', null, dt(x.lifted_at)), ' ', el('strong', null, '摘牌'), ' ',
          LEVEL[x.level], ' · ', x.notice_no, x.lifted_by ? ' · ' + x.lifted_by : '', x.lift_reason ? '（原因：' + x.lift_reason + '）' : '') });
      });
      entries.sort(function (a, b) { return new Date(a.at) - new Date(b.at); });  // stable: transitions first at equal times
      entries.forEach(function (e) { tl.appendChild(e.node); });
      var ns = clear($('hz-notices'));
      h.notifications.forEach(function (n) { ns.appendChild(el('li', null, dt(n.at), ' → ', n.recipients, '：', n.message)); });
      if (!h.notifications.length) ns.appendChild(el('li', { class: 'muted', text: '暂无' }));
    }
    var ACTIONS = { report: '上报', confirm: '确认隐患', start_rectification: '开始整改', submit_acceptance: '提交验收', accept: '验收通过', reject: '验收不通过', close: '销号' };
    var STATES = { reported: '已上报', confirmed: '已确认', rectifying: '整改中', submitted: '待验收', accepted: '已验收', closed: '已销号' };
    function actionLabel(a) { return ACTIONS[a] || a; }
    function stateName(s) { return STATES[s] || s; }
    function planBody() {
      var f = formObj($('hz-plan-form')), p = {};
      ['measures', 'responsible_person', 'contingency_plan', 'safety_measures'].forEach(function (k) { if (f[k] && f[k].trim()) p[k] = f[k]; });
      if (f.funds !== undefined && f.funds !== '') { p.funds = Number(f.funds); p.funds_unit = '万元'; }
      if (f.deadline) p.deadline = localEnd(f.deadline);
      return p;
    }
    function load() { return Y.api('/hazards/' + id).then(render).catch(fail($('hz-error'))); }
    function act(action) {
      $('hz-error').textContent = '';
      var body = { action: action };
      if (action === 'reject') body.reason = $('hz-reason').value;
      if (action === 'start_rectification') { var p = planBody(); if (Object.keys(p).length) body.plan = p; }
      Y.api('/hazards/' + id + '/transitions', { method: 'POST', body: body }).then(function (h) {
        render(h); Y.toast(actionLabel(action) + '：成功', 'ok');
      }).catch(fail($('hz-error')));
    }
    $('hz-plan-form').addEventListener('submit', function (e) {
      e.preventDefault();
      Y.api('/hazards/' + id + '/plan', { method: 'PUT', body: planBody() }).then(function (h) { render(h); Y.toast('整改方案已保存', 'ok'); })
        .catch(fail($('hz-error')));
    });
    var lf = $('hz-listing-form');
    if (lf) lf.addEventListener('submit', function (e) {
      e.preventDefault();
      var f = formObj(lf);
      Y.api('/hazards/' + id + '/listings', { method: 'POST', body: { level: f.level, listed_by: f.listed_by, notice_no: f.notice_no, deadline: localEnd(f.deadline) } })
        .then(function () { Y.toast('已挂牌督办', 'ok'); load(); }).catch(fail($('hz-error')));
    });
    var up = $('hz-upload');
    if (up) up.addEventListener('submit', function (e) {
      e.preventDefault();
      var fd = new FormData(up);
      fetch(Y.root + '/api/v1/hazards/' + id + '/attachments', { method: 'POST', body: fd, credentials: 'same-origin',
        headers: { 'X-CSRF-Token': (Y.user && Y.user.csrf_token) || '' } }).then(function (r) {
        return r.json().then(function (b) { if (!r.ok) throw new Error((b.error && b.error.message) || '上传失败'); });
      }).then(function () { Y.toast('已上传', 'ok'); up.reset(); load(); }).catch(fail($('hz-error')));
    });
    load();
  }

  function inspection() {
    var cfg = data(), lists = {}, pre = cfg.prefill || {}, planned = pre.planned || null;
    cfg.checklists.forEach(function (c) { lists[c.industry] = c.items; });
    var form = $('insp-form');
    var now = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 16);
    form.elements.inspected_at.value = now;
    function showChecklist(u) {
      var body = clear(document.querySelector('#insp-items tbody'));
      var items = u ? (lists[u.industry] || []) : [];
      if (!items.length) body.appendChild(el('tr', null, el('td', { colspan: 4, class: 'muted', text: u ? '该行业暂无检查表' : '请先选择单位' })));
      items.forEach(function (it) {
        var tierSel = el('select', { name: 'tier_' + it.code, 'aria-label': it.code + ' 分级' });
        cfg.tiers.forEach(function (t) { var o = el('option', { value: t.key, text: t.label }); if (t.key === it.suggested_tier) o.selected = true; tierSel.appendChild(o); });
        var res = el('select', { name: 'result_' + it.code, 'aria-label': it.code + ' 结果' },
          el('option', { value: 'pass', text: '合格' }), el('option', { value: 'fail', text: '不合格' }), el('option', { value: 'na', text: '不适用' }));
        body.appendChild(el('tr', { 'data-code': it.code }, el('td', null, it.code + ' ' + it.text), el('td', null, res), el('td', null, tierSel),
          el('td', null, el('input', { name: 'note_' + it.code, maxlength: 500, 'aria-label': it.code + ' 说明' }))));
      });
    }
    var picker = unitPicker('insp', showChecklist);
    if (pre.unit && picker) picker.set(pre.unit);
    var saving = false;
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (saving) return;
      $('insp-error').textContent = '';
      var f = formObj(form), items = [];
      Array.prototype.forEach.call(document.querySelectorAll('#insp-items tbody tr[data-code]'), function (tr) {
        var c = tr.getAttribute('data-code'), r = f['result_' + c];
        items.push({ code: c, result: r, note: f['note_' + c] || '', tier: r === 'fail' ? f['tier_' + c] : null });
      });
      var body = { unit_id: Number(f.unit_id), kind: f.kind, inspector: f.inspector, inspected_at: f.inspected_at + ':00+08:00', items: items };
      if (f.department) body.department = f.department;
      if (f.deadline) body.deadline = localEnd(f.deadline);
      if (f.planned_inspection_id) body.planned_inspection_id = Number(f.planned_inspection_id);
      saving = true; $('insp-submit').disabled = true;
      Y.api('/hazards/inspections', { method: 'POST', body: body }).then(function (r) {
        var box = clear($('insp-result'));
        box.appendChild(el('p', { class: 'hz-ok', id: 'insp-saved' }, '检查记录已保存（',
          el('a', { href: Y.root + '/supervision/inspections/' + r.id, text: '检查记录 #' + r.id }),
          '），不合格 ' + r.failed_count + ' 项，生成隐患 ' + r.hazard_ids.length + ' 条' + (r.hazard_ids.length ? '：' : '。')));
        var ul = el('ul', { class: 'hz-list' });
        r.hazard_ids.forEach(function (hid) { ul.appendChild(el('li', null, el('a', { class: 'hz-new-hazard', href: Y.root + '/supervision/hazards/' + hid, text: '隐患 #' + hid }))); });
        box.appendChild(ul);
        if (r.planned_inspection_id && planned) {
          box.appendChild(el('p', { class: 'hz-ok', id: 'insp-plan-done' }, '计划检查 #' + r.planned_inspection_id + ' 已完成。',
            el('a', { href: Y.root + '/supervision/enforcement?plan=' + planned.plan_id + '&month=' + planned.month, text: '返回执法检查计划' })));
        } else {
          $('insp-submit').disabled = false;  // another inspection may follow; a planned visit is done once
        }
        saving = false;
      }).catch(function (err) { saving = false; $('insp-submit').disabled = false; fail($('insp-error'))(err); });
    });
  }

  function inspectionDetail() {
    var cfg = data(), id = cfg.inspection_id;
    var RESULT = { pass: '合格', fail: '不合格', na: '不适用' };
    Y.api('/hazards/inspections/' + id).then(function (x) {
      $('insp-sub').textContent = (x.kind === 'department' ? '部门检查' : '企业自查') + ' · ' + dt(x.inspected_at);
      var info = clear($('insp-info')), unitNode = el('span', null, '#' + x.unit_id);
      Y.api('/units/' + x.unit_id).then(function (u) { unitNode.textContent = u.name; $('insp-title').textContent = u.name + ' 检查记录 #' + x.id; }).catch(function () {});
      [['单位', unitNode], ['检查类型', x.kind === 'department' ? '部门检查' : '企业自查'], ['检查人员', x.inspector], ['检查部门', x.department],
       ['检查时间', dt(x.inspected_at)], ['不合格项', String(x.failed_count)],
       ['年度计划', x.planned_inspection_id ? el('a', { href: Y.root + '/supervision/enforcement', text: '计划检查 #' + x.planned_inspection_id }) : '—'],
       ['备注', x.notes], ['登记人', x.created_by]]
        .forEach(function (p) { info.appendChild(el('dt', null, p[0])); info.appendChild(el('dd', null, p[1] || '—')); });
      var body = clear(document.querySelector('#insp-detail-items tbody'));
      (x.items || []).forEach(function (it) {
        body.appendChild(el('tr', { class: it.result === 'fail' ? 'hz-overdue' : '' }, el('td', null, it.code + ' ' + (it.text || '')),
          el('td', null, RESULT[it.result] || it.result), el('td', null, it.tier || ''), el('td', null, it.note || '')));
      });
      if (!(x.items || []).length) body.appendChild(el('tr', null, el('td', { colspan: 4, class: 'muted', text: '无检查项' })));
    }).catch(fail($('insp-error')));
  }

  function ledger() {
    var cfg = data(), form = $('ledger-filters');
    function q() { var f = formObj(form), o = {}; ['level', 'active', 'q'].forEach(function (k) { if (f[k]) o[k] = f[k]; });
      if (Y.division && !Y.division.isScope) o.division = Y.division.code; return o; }
    function load() {
      var query = q(), ex = new URLSearchParams(query).toString();
      $('ledger-export').setAttribute('href', Y.root + '/api/v1/hazards/ledger/export.xlsx' + (ex ? '?' + ex : ''));
      Y.api('/hazards/ledger', { query: Object.assign({ page_size: 200 }, query) }).then(function (d) {
        var body = clear(document.querySelector('#ledger-table tbody'));
        d.items.forEach(function (r) {
          body.appendChild(el('tr', { class: r.overdue && !r.lifted_at ? 'hz-overdue' : '' },
            el('td', null, el('a', { href: Y.root + '/supervision/hazards/' + r.hazard_id, text: r.hazard_code })), el('td', null, r.hazard_title),
            el('td', null, r.unit_name), el('td', null, LEVEL[r.level]), el('td', null, r.listed_by), el('td', null, r.notice_no),
            el('td', null, day(r.deadline)), el('td', null, dt(r.listed_at)), el('td', null, r.lifted_at ? '已摘牌' : r.hazard_state_label),
            el('td', { class: 'hz-lift-cell' }, r.lifted_at ? dt(r.lifted_at) + (r.lift_reason ? '（' + r.lift_reason + '）' : '') : ''),
            el('td', null, canLift(cfg.flags, r) ? el('button', { type: 'button', class: 'btn btn-small hz-lift', 'data-listing-id': r.id, text: '摘牌',
              'aria-label': '摘牌：' + r.hazard_code + ' ' + r.notice_no, onclick: function () { liftDialog(r, r.hazard_id, load); } }) : '')));
        });
        $('ledger-summary').textContent = '共 ' + d.total + ' 条' + (d.total > 200 ? '（显示前 200 条，完整台账请导出 Excel）' : '');
      }).catch(fail());
    }
    form.addEventListener('submit', function (e) { e.preventDefault(); load(); });
    var sf = $('stats-form'), now = new Date(Date.now() + 8 * 3600 * 1000);
    sf.elements.year.value = now.getUTCFullYear(); sf.elements.quarter.value = String(Math.floor(now.getUTCMonth() / 3) + 1);
    function table(node, rows) {
      clear(node).appendChild(el('tr', null, ['名称', '发现', '整改销号', '逾期', '整改率'].map(function (h) { return el('th', null, h); })));
      rows.forEach(function (r) { node.appendChild(el('tr', null, el('td', null, r.name), el('td', null, r.found), el('td', null, r.fixed),
        el('td', null, r.overdue), el('td', null, r.closure_rate === null ? '—' : r.closure_rate + '%'))); });
    }
    function stats() {
      var f = formObj(sf), query = { year: f.year, quarter: f.quarter };
      if (Y.division && !Y.division.isScope) query.division = Y.division.code;
      Y.api('/hazards/stats/quarterly', { query: query }).then(function (s) {
        table($('stats-district'), s.by_district.concat([s.total])); table($('stats-industry'), s.by_industry);
        var chart = clear($('stats-chart')), max = 1;
        s.by_district.forEach(function (r) { max = Math.max(max, r.found, r.fixed); });
        s.by_district.forEach(function (r) {
          chart.appendChild(el('div', { class: 'hz-bar-row' }, el('span', { class: 'hz-bar-label', text: r.name }),
            el('span', { class: 'hz-bar hz-bar-found', style: 'width:' + (100 * r.found / max) + '%', title: '发现 ' + r.found }, String(r.found)),
            el('span', { class: 'hz-bar hz-bar-fixed', style: 'width:' + (100 * r.fixed / max) + '%', title: '整改 ' + r.fixed }, String(r.fixed))));
        });
        if (!s.by_district.length) chart.appendChild(el('p', { class: 'muted', text: '本季度无数据' }));
      }).catch(fail());
    }
    sf.addEventListener('submit', function (e) { e.preventDefault(); stats(); });
    Y.onDivision(function () { load(); stats(); });
    if (!Y.division) { load(); stats(); }
  }

  function enforcement() {
    var cfg = data(), params = new URLSearchParams(window.location.search);
    function plans() {
      Y.api('/enforcement/plans', { query: { page_size: 100 } }).then(function (d) {
        var body = clear(document.querySelector('#plans-table tbody'));
        d.items.forEach(function (p) {
          body.appendChild(el('tr', null, el('td', null, p.year), el('td', null, Y.divisionName ? (Y.divisionName(p.division_code) || p.division_code) : p.division_code),
            el('td', null, p.item_count), el('td', null, dt(p.generated_at)),
            el('td', null, el('button', { type: 'button', class: 'btn', text: '查看日历', onclick: function () { calendar(p.id); } }))));
        });
        var want = Number(params.get('plan')), month = Number(params.get('month'));
        var chosen = d.items.filter(function (p) { return p.id === want; })[0] || d.items[0];
        if (chosen) calendar(chosen.id);
        if (chosen && chosen.id === want && month >= 1 && month <= 12) items(chosen.id, month);
      }).catch(fail());
    }
    function calendar(id) {
      Y.api('/enforcement/plans/' + id).then(function (s) {
        var box = clear($('plan-calendar')), max = 1;
        s.by_month.forEach(function (m) { max = Math.max(max, m.planned); });
        s.by_month.forEach(function (m) {
          box.appendChild(el('button', { type: 'button', class: 'hz-month', onclick: function () { items(id, m.month); } },
            el('strong', null, m.month + ' 月'), el('span', { class: 'hz-bar hz-bar-found', style: 'width:' + (100 * m.planned / max) + '%' }),
            el('span', null, '计划 ' + m.planned + ' · 完成 ' + m.done)));
        });
      }).catch(fail());
    }
    function items(id, month) {
      Y.api('/enforcement/plans/' + id + '/items', { query: { month: month, page_size: 500 } }).then(function (d) {
        var box = clear($('plan-items')), t = el('table', { class: 'hz-table', id: 'plan-items-table' });
        t.appendChild(el('tr', null, ['日期', '单位', '第几次', '风险等级', '完成'].map(function (h) { return el('th', null, h); })));
        d.items.forEach(function (i) {
          var done = i.done_inspection_id
            ? el('span', { class: 'hz-done' }, el('span', { class: 'hz-badge hz-state-accepted', text: '已完成' }),
                el('a', { href: Y.root + '/supervision/inspections/' + i.done_inspection_id, text: '检查记录 #' + i.done_inspection_id }))
            : cfg.can_inspect ? el('a', { class: 'btn btn-small hz-plan-inspect', 'data-item-id': i.id,
                href: Y.root + '/supervision/inspections/new?unit_id=' + i.unit_id + '&planned_inspection_id=' + i.id,
                'aria-label': '登记检查：' + i.unit_name + ' ' + i.planned_date, text: '登记检查' }) : el('span', { class: 'muted', text: '未完成' });
          t.appendChild(el('tr', { 'data-item-id': i.id }, el('td', null, i.planned_date), el('td', null, i.unit_name), el('td', null, i.sequence),
            el('td', null, i.level || '未评级'), el('td', null, done)));
        });
        box.appendChild(el('h3', null, month + ' 月计划检查（' + d.total + ' 次）')); box.appendChild(t);
      }).catch(fail());
    }
    function penalties() {
      Y.api('/enforcement/penalties', { query: { page_size: 100 } }).then(function (d) {
        var body = clear(document.querySelector('#penalties-table tbody'));
        d.items.forEach(function (p) { body.appendChild(el('tr', null, el('td', null, p.decision_no), el('td', null, p.unit_name),
          el('td', null, Y.fmt.number(p.amount_yuan, 2)), el('td', null, day(p.decided_at)))); });
      }).catch(fail());
    }
    function blacklist() {
      Y.api('/enforcement/blacklist', { query: { page_size: 100 } }).then(function (d) {
        var body = clear(document.querySelector('#blacklist-table tbody'));
        d.items.forEach(function (b) {
          var btn = !b.removed_at && cfg.can_write ? el('button', { type: 'button', class: 'btn', text: '移出', onclick: function () {
            var reason = window.prompt('移出黑名单的原因（必填）');
            if (!reason) return;
            Y.api('/enforcement/blacklist/' + b.id + '/removal', { method: 'POST', body: { removal_reason: reason } }).then(blacklist).catch(fail());
          } }) : null;
          body.appendChild(el('tr', null, el('td', null, b.unit_name), el('td', null, b.reason), el('td', null, day(b.listed_at)),
            el('td', null, b.removed_at ? day(b.removed_at) + '（' + (b.removal_reason || '') + '）' : ''), el('td', null, btn)));
        });
      }).catch(fail());
    }
    var pf = $('plan-form');
    if (pf) pf.addEventListener('submit', function (e) {
      e.preventDefault(); $('plan-error').textContent = '';
      var f = formObj(pf);
      Y.api('/enforcement/plans', { method: 'POST', body: { year: Number(f.year), division_code: f.division_code, replace: !!f.replace } })
        .then(function (p) { Y.toast('已生成 ' + p.item_count + ' 次检查', 'ok'); plans(); }).catch(fail($('plan-error')));
    });
    var pen = $('penalty-form'), penPicker = unitPicker('penalty');
    if (pen) pen.addEventListener('submit', function (e) {
      e.preventDefault(); var f = formObj(pen); $('penalty-error').textContent = '';
      Y.api('/enforcement/penalties', { method: 'POST', body: { unit_id: Number(f.unit_id), decision_no: f.decision_no, amount_yuan: f.amount_yuan,
        reason: f.reason, decided_at: localMidnight(f.decided_at) } }).then(function () { pen.reset(); if (penPicker) penPicker.reset(); penalties(); }).catch(fail($('penalty-error')));
    });
    var bl = $('blacklist-form'), blPicker = unitPicker('blacklist');
    if (bl) bl.addEventListener('submit', function (e) {
      e.preventDefault(); var f = formObj(bl); $('blacklist-error').textContent = '';
      Y.api('/enforcement/blacklist', { method: 'POST', body: { unit_id: Number(f.unit_id), reason: f.reason } })
        .then(function () { bl.reset(); if (blPicker) blPicker.reset(); blacklist(); }).catch(fail($('blacklist-error')));
    });
    plans(); penalties(); blacklist();
  }

  window.hazardsPages = { list: list, detail: detail, inspection: inspection, inspectionDetail: inspectionDetail, ledger: ledger, enforcement: enforcement };
  // the page to start is named by this script tag's data-page (no inline script: CSP)
  var startPage = document.currentScript && document.currentScript.getAttribute('data-page');
  if (startPage && Object.prototype.hasOwnProperty.call(window.hazardsPages, startPage)) window.hazardsPages[startPage]();
})();
