/**
 * A list page: a filters form whose values live in the URL's query string, a table whose column
 * headers sort (`<th data-sort="key">` → `sort=key` / `sort=-key`), a pager and an export link
 * that carries the same filters. The division picker's choice is added to every query.
 *
 *   const list = listPage({
 *     id: 'units', path: '/units', exportPath: '/risk/units/export.xlsx',
 *     form: byId('unit-filters'), table: byId('units-table'), pager: byId('units-pager'),
 *     row: (unit) => el('tr', …), empty: '没有符合条件的单位',
 *   });
 */
import { el, replace } from '../lib/dom.js';
import { cleanQuery, pageInfo, readState, sortDirection, toggleSort, writeState } from '../lib/query.js';
import { api, apiUrl } from './api.js';
import { fmt } from './context.js';
import { divisionQuery, onDivision } from './divisions.js';
import { formValues, fillForm } from './forms.js';
import { toast } from './toast.js';

function filterNames(form) {
  if (!form) return [];
  return [...new Set([...form.elements].filter((c) => c.name && !['submit', 'button'].includes(c.type)).map((c) => c.name))];
}

function sortableHeaders(table, onSort) {
  const headers = [...table.querySelectorAll('thead th[data-sort]')];
  for (const th of headers) {
    const key = th.dataset.sort;
    const label = th.textContent.trim();
    const button = el('button', { type: 'button', class: 'sort-button', dataset: { sortKey: key }, title: `按“${label}”排序`, onclick: () => onSort(key) },
      label, el('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
    replace(th, button);
  }
  return headers;
}

export function listPage({
  id, path, exportPath = null, form = null, table, pager = null, summary = null, exportLink = null,
  row, empty = '没有符合条件的记录', pageSize = 50, toQuery = (filters) => filters, urlState = true,
  onData = null, unit = '条',
}) {
  const body = table.tBodies[0] || table.appendChild(el('tbody'));
  const columns = table.querySelectorAll('thead th').length || 1;
  const names = filterNames(form);
  let headers = [];
  const initial = urlState ? readState(window.location.search, { filters: names, sortKeys: [...table.querySelectorAll('thead th[data-sort]')].map((th) => th.dataset.sort) })
    : { filters: {}, page: 1, sort: '' };
  const state = { ...initial, total: 0 };
  if (form) fillForm(form, state.filters);
  let controller = null;
  let started = false;

  // pager: 上一页 · 第 x / y 页，共 n 条 · 下一页
  let prev = null;
  let next = null;
  let info = null;
  if (pager) {
    prev = el('button', { type: 'button', class: 'btn btn-small', id: `${id}-prev`, text: '上一页', onclick: () => go(state.page - 1) });
    info = el('span', { class: 'pager-info muted', id: `${id}-page`, 'aria-live': 'polite' });
    next = el('button', { type: 'button', class: 'btn btn-small', id: `${id}-next`, text: '下一页', onclick: () => go(state.page + 1) });
    replace(pager, prev, info, next);
  }

  function apiQuery() {
    return cleanQuery({ ...toQuery({ ...state.filters }), ...divisionQuery(), sort: state.sort });
  }

  function syncUrl() {
    if (!urlState) return;
    const query = writeState(state).toString();
    const url = window.location.pathname + (query ? `?${query}` : '') + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) window.history.replaceState(null, '', url);
  }

  function showSort() {
    for (const th of headers) {
      const direction = sortDirection(state.sort, th.dataset.sort);
      th.setAttribute('aria-sort', direction);
      th.classList.toggle('sorted', direction !== 'none');
    }
  }

  async function load() {
    started = true;
    if (controller) controller.abort();
    const mine = (controller = new AbortController());
    const query = apiQuery();
    if (exportLink && exportPath) exportLink.setAttribute('href', apiUrl(exportPath, query));
    syncUrl();
    showSort();
    table.setAttribute('aria-busy', 'true');
    try {
      const data = await api(path, { query: { ...query, page: state.page, page_size: pageSize }, signal: mine.signal });
      if (mine !== controller) return;
      const items = (data && data.items) || [];
      state.total = data && typeof data.total === 'number' ? data.total : items.length;
      const pages = pageInfo(state.page, pageSize, state.total);
      replace(body, items.length ? items.map(row) : el('tr', { class: 'empty-row' }, el('td', { colspan: columns, class: 'muted', text: empty })));
      if (info) info.textContent = `第 ${pages.page} / ${pages.pages} 页，共 ${fmt.number(state.total)} ${unit}`;
      if (prev) prev.disabled = pages.first;
      if (next) next.disabled = pages.last;
      if (summary) summary.textContent = `共 ${fmt.number(state.total)} ${unit}`;
      table.dataset.loaded = 'true';
      if (onData) onData(data, state);
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      replace(body, el('tr', null, el('td', { colspan: columns, class: 'form-error', text: `加载失败：${err.message}` })));
      toast(err.message, 'error');
    } finally {
      if (mine === controller) { controller = null; table.removeAttribute('aria-busy'); }
    }
  }

  function go(page) {
    state.page = Math.max(1, page);
    load();
  }

  headers = sortableHeaders(table, (key) => {
    state.sort = toggleSort(state.sort, key);
    state.page = 1;
    load();
  });

  if (form) {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      state.filters = cleanQuery(formValues(form));
      state.page = 1;
      load();
    });
    form.addEventListener('reset', () => setTimeout(() => { state.filters = {}; state.page = 1; load(); }, 0));
  }
  // the first load waits for the division picker; a change of division starts again at page 1
  onDivision((division, source) => { if (started && source !== 'now') state.page = 1; load(); });
  return { reload: load, state, go };
}
