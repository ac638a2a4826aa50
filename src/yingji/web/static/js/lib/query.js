/**
 * Query strings of list pages: the filters, the page and the sort order live in the page's URL
 * (so a list can be bookmarked, reloaded and shared) and go to the API in the same words.
 *
 * Sort: comma-separated keys, `-key` = descending (`sort=-discovered_at,id`).
 */

const empty = (v) => v === null || v === undefined || v === '' || (typeof v === 'string' && v.trim() === '');

/** A copy without empty values; every value as a string (trimmed). */
export function cleanQuery(query) {
  const out = {};
  for (const [key, value] of Object.entries(query || {})) {
    if (!empty(value)) out[key] = String(value).trim();
  }
  return out;
}

/** '?a=1&b=x%20y' (or '' when there is nothing to send). */
export function toQueryString(query) {
  const text = new URLSearchParams(cleanQuery(query)).toString();
  return text ? `?${text}` : '';
}

/** [{key, desc}] of a sort expression; `allowed` (optional) drops unknown keys. */
export function parseSort(sort, allowed) {
  return String(sort || '').split(',').map((part) => part.trim()).filter(Boolean)
    .map((part) => (part.startsWith('-') ? { key: part.slice(1), desc: true } : { key: part, desc: false }))
    .filter((s) => /^[a-z][a-z0-9_]*$/.test(s.key) && (!allowed || allowed.includes(s.key)));
}

export function formatSort(list) {
  return list.map((s) => (s.desc ? `-${s.key}` : s.key)).join(',');
}

/**
 * The sort after a click on the header of `key`: ascending first, then descending, then back to
 * the server's default order. A click on another column sorts by that column alone.
 */
export function toggleSort(sort, key) {
  const [first] = parseSort(sort);
  if (!first || first.key !== key) return key;
  return first.desc ? '' : `-${key}`;
}

/** 'ascending' | 'descending' | 'none' — the aria-sort of a column header. */
export function sortDirection(sort, key) {
  const [first] = parseSort(sort);
  if (!first || first.key !== key) return 'none';
  return first.desc ? 'descending' : 'ascending';
}

function positiveInt(value) {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 1e6 ? n : 1;
}

/**
 * The list state in a URL query: {filters: {name: value}, page, sort}. Only the given filter
 * names and sort keys are taken; anything else in the URL is ignored.
 */
export function readState(params, { filters = [], sortKeys = [] } = {}) {
  const p = params instanceof URLSearchParams ? params : new URLSearchParams(params || '');
  const out = {};
  for (const name of filters) {
    const value = p.get(name);
    if (!empty(value)) out[name] = value.trim();
  }
  return { filters: out, page: positiveInt(p.get('page') || 1), sort: formatSort(parseSort(p.get('sort'), sortKeys)) };
}

/** The URL query of a list state (page 1 and the default order are left out). */
export function writeState({ filters = {}, page = 1, sort = '' } = {}) {
  const q = cleanQuery(filters);
  if (page > 1) q.page = String(page);
  if (sort) q.sort = sort;
  return new URLSearchParams(q);
}

/** Page numbers: {page, pages, first, last} for `total` rows shown `size` at a time. */
export function pageInfo(page, size, total) {
  const pages = Math.max(1, Math.ceil((total || 0) / size));
  const current = Math.min(Math.max(1, page), pages);
  return { page: current, pages, first: current <= 1, last: current >= pages };
}
