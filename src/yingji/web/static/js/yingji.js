/*
 * yingji web shell: API client, formatting helpers, division picker and live event ticker.
 *
 * Exposes window.yingji:
 *   user            the signed-in user ({username, display_name, role, role_label, scope_code, scope_name, csrf_token})
 *   api(path, opts) fetch /api/v1<path>; JSON in/out; CSRF header on writes; throws yingji.ApiError (Chinese message)
 *   listAll(path, query)  follow pagination of an {items,total,page,page_size} endpoint
 *   division        the chosen division {code, name, level, isScope}; isScope = the user's whole jurisdiction
 *   onDivision(cb)  call cb(division) now (if known) and on every change; also a 'yingji:division' DOM event
 *   divisionName(code)  the Chinese name of a division code, if the picker has seen it
 *   events          recent events, newest first; a 'yingji:event' DOM event fires for each live event
 *   fmt             formatting helpers (Asia/Shanghai time, numbers)
 *   el(tag, attrs, ...children)  small DOM builder (text is always set as text, never as HTML)
 */
(function () {
  'use strict';

  var ctxNode = document.getElementById('yingji-context');
  var ctx = {};
  try { ctx = ctxNode ? JSON.parse(ctxNode.textContent) || {} : {}; } catch (e) { ctx = {}; }

  var Y = window.yingji = window.yingji || {};
  Y.user = ctx.user || null;
  Y.root = ctx.root || '';
  Y.page = ctx.page || '';
  Y.division = null;
  Y.events = [];

  // ------------------------------------------------------------------ DOM + formatting helpers

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key === 'style') node.style.cssText = value; // CSSOM: allowed by the CSP (a style attribute is not)
        else if (key === 'dataset') Object.keys(value).forEach(function (k) { node.dataset[k] = value[k]; });
        else if (key.slice(0, 2) === 'on' && typeof value === 'function') node.addEventListener(key.slice(2), value);
        else if (value === true) node.setAttribute(key, '');
        else node.setAttribute(key, value);
      });
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  Y.el = el;

  var TZ = 'Asia/Shanghai';
  function partsOf(value) {
    var d = value instanceof Date ? value : new Date(value);
    if (isNaN(d.getTime())) return null;
    var parts = {};
    new Intl.DateTimeFormat('zh-CN', {
      timeZone: TZ, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit'
    }).formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
    return parts;
  }
  Y.fmt = {
    /** 2024-05-01 08:30:00 (Beijing time) */
    datetime: function (value) {
      var p = partsOf(value); if (!p) return value ? String(value) : '';
      return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute + ':' + p.second;
    },
    /** 08:30:05, or 05-01 08:30 when not today (Beijing time) */
    shortTime: function (value) {
      var p = partsOf(value); if (!p) return '';
      var today = partsOf(new Date());
      if (today && (p.year !== today.year || p.month !== today.month || p.day !== today.day)) {
        return p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute;
      }
      return p.hour + ':' + p.minute + ':' + p.second;
    },
    number: function (value, digits) {
      if (value === null || value === undefined || value === '' || isNaN(Number(value))) return '—';
      return Number(value).toLocaleString('zh-CN', { maximumFractionDigits: digits === undefined ? 0 : digits });
    },
    /** 669,090 人 (66.9 万) */
    population: function (value) {
      if (value === null || value === undefined || isNaN(Number(value))) return '暂无数据';
      var n = Number(value);
      var text = n.toLocaleString('zh-CN') + ' 人';
      if (n >= 10000) text += '（' + (n / 10000).toLocaleString('zh-CN', { maximumFractionDigits: 1 }) + ' 万）';
      return text;
    },
    area: function (value) {
      if (value === null || value === undefined || isNaN(Number(value))) return '暂无数据';
      return Number(value).toLocaleString('zh-CN', { maximumFractionDigits: 1 }) + ' km²';
    }
  };

  // ------------------------------------------------------------------ API client

  function ApiError(status, code, message, field) {
    this.name = 'ApiError';
    this.status = status; this.code = code; this.message = message; this.field = field || null;
  }
  ApiError.prototype = Object.create(Error.prototype);
  ApiError.prototype.constructor = ApiError;
  Y.ApiError = ApiError;

  function defaultMessage(status) {
    if (status === 400 || status === 422) return '输入有误，请检查后重试';
    if (status === 401) return '登录已失效，请重新登录';
    if (status === 403) return '没有权限执行此操作';
    if (status === 404) return '未找到（或不在您的管辖范围内）';
    if (status === 409) return '操作与当前数据状态冲突，请刷新后重试';
    if (status >= 500) return '服务器内部错误，请稍后重试或联系系统管理员';
    return '请求失败（HTTP ' + status + '）';
  }

  function toQuery(query) {
    if (!query) return '';
    var parts = [];
    Object.keys(query).forEach(function (k) {
      var v = query[k];
      if (v === null || v === undefined || v === '') return;
      parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  function goLogin() {
    var here = window.location.pathname + window.location.search + window.location.hash;
    window.location.assign(Y.root + '/login?next=' + encodeURIComponent(here));
  }

  Y.api = function (path, opts) {
    opts = opts || {};
    var method = (opts.method || 'GET').toUpperCase();
    var headers = { 'Accept': 'application/json' };
    var init = { method: method, headers: headers, credentials: 'same-origin', signal: opts.signal };
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(opts.body);
    }
    if (method !== 'GET' && method !== 'HEAD' && Y.user && Y.user.csrf_token) {
      headers['X-CSRF-Token'] = Y.user.csrf_token;
    }
    var url = Y.root + '/api/v1' + path + toQuery(opts.query);
    return fetch(url, init).then(function (resp) {
      var type = resp.headers.get('content-type') || '';
      var body = type.indexOf('json') >= 0 ? resp.json().catch(function () { return null; }) : resp.text().then(function () { return null; });
      return body.then(function (data) {
        if (resp.ok) return data;
        var err = (data && data.error) || {};
        if (resp.status === 401 && Y.user && !opts.noLoginRedirect) goLogin();
        throw new ApiError(resp.status, err.code || 'http_' + resp.status, err.message || defaultMessage(resp.status), err.field);
      });
    }, function (e) {
      if (e && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
    });
  };

  /** All items of a paginated list endpoint (bounded: at most `maxPages` pages). */
  Y.listAll = function (path, query, maxPages) {
    var items = [];
    var pageSize = 200;
    maxPages = maxPages || 50;
    function next(page) {
      var q = Object.assign({}, query || {}, { page: page, page_size: pageSize });
      return Y.api(path, { query: q }).then(function (data) {
        var got = (data && data.items) || (Array.isArray(data) ? data : []);
        items = items.concat(got);
        var total = data && typeof data.total === 'number' ? data.total : items.length;
        if (got.length > 0 && items.length < total && page < maxPages) return next(page + 1);
        return items;
      });
    }
    return next(1);
  };

  Y.toast = function (message, kind) {
    var area = document.getElementById('toast-area');
    if (!area) return;
    var node = el('div', { class: 'toast toast-' + (kind || 'info'), role: 'status', text: message });
    area.appendChild(node);
    setTimeout(function () { node.classList.add('toast-out'); }, 4000);
    setTimeout(function () { node.remove(); }, 4600);
  };

  // ------------------------------------------------------------------ divisions

  var divisionNames = {};
  Y.divisionName = function (code) { return code ? divisionNames[code] || '' : ''; };
  Y.rememberDivisions = function (items) {
    (items || []).forEach(function (d) { if (d && d.code) divisionNames[d.code] = d.name; });
  };

  /** GB/T 2260 / NBS code → level: 350000 province, 350100 city, 350102 county, 350102001 township. */
  Y.levelOf = function (code) {
    code = String(code || '');
    if (code.length > 6) return 'township';
    if (/0000$/.test(code)) return 'province';
    if (/00$/.test(code)) return 'city';
    return 'county';
  };
  Y.levelLabel = function (level) {
    return { province: '省', city: '市', county: '区县', township: '乡镇（街道）', village: '村（社区）' }[level] || level || '';
  };

  var divisionListeners = [];
  Y.onDivision = function (cb) {
    divisionListeners.push(cb);
    if (Y.division) { try { cb(Y.division); } catch (e) { console.error(e); } }
  };
  function setDivision(division, source) {
    Y.division = division;
    divisionListeners.forEach(function (cb) { try { cb(division, source); } catch (e) { console.error(e); } });
    document.dispatchEvent(new CustomEvent('yingji:division', { detail: division }));
  }

  function scopeDivision() {
    var u = Y.user || {};
    return { code: u.scope_code || '', name: u.scope_name || '', level: Y.levelOf(u.scope_code), isScope: true };
  }

  function initDivisionPicker() {
    var countySel = document.getElementById('division-county');
    var townSel = document.getElementById('division-township');
    if (!countySel || !townSel || !Y.user) return;
    var storageKey = 'yingji.division.' + Y.user.username;
    var scope = scopeDivision();
    if (scope.code) divisionNames[scope.code] = scope.name;
    var counties = [];
    var townshipsByCounty = {};

    function stored() {
      try { return JSON.parse(localStorage.getItem(storageKey) || 'null'); } catch (e) { return null; }
    }
    function store(division) {
      try {
        if (!division || division.isScope) localStorage.removeItem(storageKey);
        else localStorage.setItem(storageKey, JSON.stringify({ code: division.code, name: division.name, level: division.level, parent_code: division.parent_code || null }));
      } catch (e) { /* private mode: the choice just is not remembered */ }
    }
    function fill(select, firstLabel, items) {
      select.textContent = '';
      if (firstLabel !== null) select.appendChild(el('option', { value: '', text: firstLabel }));
      items.forEach(function (d) { select.appendChild(el('option', { value: d.code, text: d.name })); });
    }
    function townships(countyCode) {
      if (townshipsByCounty[countyCode]) return Promise.resolve(townshipsByCounty[countyCode]);
      var query = countyCode ? { level: 'township', parent: countyCode } : { level: 'township' };
      return Y.listAll('/divisions', query).then(function (items) {
        Y.rememberDivisions(items);
        townshipsByCounty[countyCode] = items;
        return items;
      });
    }
    function divisionOf(item) {
      return { code: item.code, name: item.name, level: item.level || Y.levelOf(item.code), parent_code: item.parent_code || null, isScope: item.code === scope.code };
    }
    function showTownships(countyCode, selected) {
      if (!countyCode) {
        fill(townSel, '全部乡镇（街道）', []);
        townSel.disabled = true;
        return Promise.resolve();
      }
      townSel.disabled = true;
      return townships(countyCode).then(function (items) {
        fill(townSel, '全部乡镇（街道）', items);
        townSel.disabled = items.length === 0;
        if (selected) townSel.value = selected;
      });
    }
    function currentCounty() {
      var code = countySel.value;
      for (var i = 0; i < counties.length; i++) if (counties[i].code === code) return counties[i];
      return null;
    }

    countySel.addEventListener('change', function () {
      var county = currentCounty();
      showTownships(county ? county.code : '').then(function () {
        var division = county ? divisionOf(county) : scopeDivision();
        store(division);
        setDivision(division, 'picker');
      }).catch(reportError);
    });
    townSel.addEventListener('change', function () {
      var county = currentCounty();
      var list = townshipsByCounty[county ? county.code : ''] || [];
      var town = null;
      for (var i = 0; i < list.length; i++) if (list[i].code === townSel.value) town = list[i];
      var division = town ? divisionOf(town) : county ? divisionOf(county) : scopeDivision();
      store(division);
      setDivision(division, 'picker');
    });

    function reportError(err) {
      console.error(err);
      countySel.disabled = true;
      fill(countySel, scope.name || '区划加载失败', []);
      if (!Y.division) setDivision(scope, 'init');
    }

    Y.listAll('/divisions', { level: 'county' }).then(function (items) {
      counties = items;
      Y.rememberDivisions(items);
      var saved = stored();
      if (counties.length === 0) {
        // township-level jurisdiction: no county to choose, only the townships inside the scope
        countySel.hidden = true;
        return townships('').then(function (towns) {
          fill(townSel, towns.length > 1 ? '全部（' + scope.name + '）' : null, towns);
          townSel.disabled = towns.length <= 1;
          var pick = saved && towns.filter(function (t) { return t.code === saved.code; })[0];
          if (pick) townSel.value = pick.code;
          else if (towns.length === 1) townSel.value = towns[0].code;
          setDivision(pick ? divisionOf(pick) : scope, 'init');
        });
      }
      var onlyOwnCounty = counties.length === 1 && counties[0].code === scope.code;
      fill(countySel, onlyOwnCounty ? null : '全部（' + (scope.name || '管辖范围') + '）', counties);
      countySel.disabled = onlyOwnCounty;
      var countyCode = onlyOwnCounty ? counties[0].code : '';
      var townCode = '';
      if (saved && saved.code) {
        var match = counties.filter(function (c) { return c.code === saved.code || c.code === saved.parent_code; })[0];
        if (match) { countyCode = match.code; if (saved.code !== match.code) townCode = saved.code; }
      }
      countySel.value = countyCode;
      return showTownships(countyCode, townCode).then(function () {
        var county = currentCounty();
        var list = townshipsByCounty[countyCode] || [];
        var town = townCode ? list.filter(function (t) { return t.code === townCode; })[0] : null;
        if (townCode && !town) townSel.value = '';
        setDivision(town ? divisionOf(town) : county ? divisionOf(county) : scope, 'init');
      });
    }).catch(reportError);

    /** Let a page (e.g. a map click) set the picker programmatically. */
    Y.selectDivision = function (code) {
      if (!code || code === scope.code) {
        if (!countySel.disabled) countySel.value = '';
        countySel.dispatchEvent(new Event('change'));
        return;
      }
      if (Y.levelOf(code) === 'county') {
        countySel.value = code;
        countySel.dispatchEvent(new Event('change'));
      } else {
        var countyCode = code.slice(0, 6);
        if (counties.some(function (c) { return c.code === countyCode; })) {
          countySel.value = countyCode;
          showTownships(countyCode, code).then(function () { townSel.dispatchEvent(new Event('change')); });
        } else {
          townSel.value = code;
          townSel.dispatchEvent(new Event('change'));
        }
      }
    };
  }

  // ------------------------------------------------------------------ live event ticker

  var MAX_EVENTS = 50;
  var seen = {};

  function eventKey(evt) { return evt.id !== undefined && evt.id !== null ? String(evt.id) : evt.type + '|' + evt.occurred_at + '|' + evt.summary; }

  function addEvents(list, live) {
    var added = [];
    list.forEach(function (evt) {
      if (!evt || typeof evt !== 'object') return;
      var key = eventKey(evt);
      if (seen[key]) return;
      seen[key] = true;
      Y.events.push(evt);
      added.push(evt);
    });
    if (!added.length) return;
    Y.events.sort(function (a, b) { return String(b.occurred_at).localeCompare(String(a.occurred_at)); });
    if (Y.events.length > MAX_EVENTS) Y.events.length = MAX_EVENTS;
    renderTicker(live ? added : []);
    if (live) added.forEach(function (evt) { document.dispatchEvent(new CustomEvent('yingji:event', { detail: evt })); });
  }

  function eventItem(evt, long) {
    var where = Y.divisionName(evt.division_code);
    return el('li', { class: 'ticker-item', dataset: { type: evt.type || '' }, title: Y.fmt.datetime(evt.occurred_at) + ' ' + (evt.summary || '') },
      el('time', { datetime: evt.occurred_at, text: long ? Y.fmt.datetime(evt.occurred_at) : Y.fmt.shortTime(evt.occurred_at) }),
      where ? el('span', { class: 'ticker-where', text: where }) : null,
      el('span', { class: 'ticker-text', text: evt.summary || evt.type || '' }));
  }

  function renderTicker(fresh) {
    var list = document.getElementById('ticker-list');
    var panel = document.getElementById('ticker-panel-list');
    if (!list) return;
    list.textContent = '';
    if (!Y.events.length) { list.appendChild(el('li', { class: 'ticker-empty', text: '暂无动态' })); }
    var freshKeys = {};
    (fresh || []).forEach(function (e) { freshKeys[eventKey(e)] = true; });
    Y.events.slice(0, 5).forEach(function (evt) {
      var item = eventItem(evt, false);
      if (freshKeys[eventKey(evt)]) item.classList.add('ticker-fresh');
      list.appendChild(item);
    });
    if (panel) {
      panel.textContent = '';
      Y.events.slice(0, 20).forEach(function (evt) { panel.appendChild(eventItem(evt, true)); });
      if (!Y.events.length) panel.appendChild(el('li', { class: 'muted', text: '暂无动态' }));
    }
  }

  function setStreamState(state) {
    var dot = document.getElementById('ticker-dot');
    if (!dot) return;
    dot.className = 'ticker-dot ticker-dot-' + state;
    dot.title = { live: '实时连接正常', connecting: '正在连接…', down: '实时连接中断，正在重连' }[state] || '';
  }

  /*
   * Server-Sent Events over fetch(): EventSource only delivers named events ("event: <type>")
   * to listeners registered for that exact name, and the set of event types grows with every
   * domain. Reading the stream ourselves delivers every type, sends Last-Event-ID on reconnect
   * and stops cleanly when the session ends (401).
   */
  var lastEventId = null;
  var retryMs = 3000;
  function connectStream() {
    setStreamState('connecting');
    var headers = { 'Accept': 'text/event-stream' };
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    fetch(Y.root + '/api/v1/events/stream', { headers: headers, credentials: 'same-origin', cache: 'no-store' }).then(function (resp) {
      if (resp.status === 401) { setStreamState('down'); return null; }
      if (!resp.ok || !resp.body) throw new Error('HTTP ' + resp.status);
      setStreamState('live');
      var reader = resp.body.getReader();
      var decoder = new TextDecoder('utf-8');
      var buffer = '';
      var data = [], type = '', id = null;
      function dispatch() {
        if (data.length) {
          var text = data.join('\n');
          try {
            var evt = JSON.parse(text);
            if (evt && typeof evt === 'object') {
              if (!evt.type && type) evt.type = type;
              addEvents([evt], true);
            }
          } catch (e) { /* not JSON: ignore */ }
        }
        if (id !== null) lastEventId = id;
        data = []; type = ''; id = null;
      }
      function line(l) {
        if (l === '') { dispatch(); return; }
        if (l.charAt(0) === ':') return;
        var i = l.indexOf(':');
        var field = i < 0 ? l : l.slice(0, i);
        var value = i < 0 ? '' : l.slice(i + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'event') type = value;
        else if (field === 'id') id = value;
        else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Math.max(1000, parseInt(value, 10));
      }
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return;
          buffer += decoder.decode(chunk.value, { stream: true });
          var lines = buffer.split(/\r\n|\r|\n/);
          buffer = lines.pop();
          lines.forEach(line);
          return pump();
        });
      }
      return pump().then(function () { return 'closed'; });
    }).then(function (result) {
      if (result === null) return;
      setStreamState('down');
      setTimeout(connectStream, retryMs);
    }).catch(function () {
      setStreamState('down');
      setTimeout(connectStream, Math.min(retryMs * 2, 30000));
    });
  }

  function initTicker() {
    if (!document.getElementById('event-ticker') || !Y.user) return;
    var more = document.getElementById('ticker-more');
    var panel = document.getElementById('ticker-panel');
    if (more && panel) {
      more.addEventListener('click', function (e) {
        e.stopPropagation();
        panel.hidden = !panel.hidden;
        more.setAttribute('aria-expanded', String(!panel.hidden));
      });
      document.addEventListener('click', function (e) {
        if (!panel.hidden && !panel.contains(e.target)) { panel.hidden = true; more.setAttribute('aria-expanded', 'false'); }
      });
    }
    Y.api('/events', { query: { limit: 20 } }).then(function (data) {
      addEvents((data && data.items) || [], false);
    }).catch(function (e) { console.warn('events', e); }).then(connectStream);
    // names of divisions arrive after the first render: refresh the labels once they do
    Y.onDivision(function () { renderTicker([]); });
  }

  // ------------------------------------------------------------------ logout

  function initLogout() {
    var button = document.getElementById('logout-button');
    if (!button) return;
    button.addEventListener('click', function () {
      button.disabled = true;
      Y.api('/auth/logout', { method: 'POST', noLoginRedirect: true }).catch(function () { /* leave anyway */ })
        .then(function () { window.location.assign(Y.root + '/login'); });
    });
  }

  // buttons marked data-action="print" print the page (no inline onclick: CSP)
  function initPrintButtons() {
    document.addEventListener('click', function (e) {
      var target = e.target && e.target.closest ? e.target.closest('[data-action="print"]') : null;
      if (target) window.print();
    });
  }

  function init() {
    initPrintButtons();
    initLogout();
    initDivisionPicker();
    initTicker();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
