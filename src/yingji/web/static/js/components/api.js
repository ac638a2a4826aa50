/**
 * The API client: JSON in and out, the CSRF token on every write, errors as ApiError with the
 * server's Chinese message and the field it names; a 401 sends the browser to the login page.
 */
import { toQueryString } from '../lib/query.js';
import { root, user } from './context.js';

export class ApiError extends Error {
  constructor(status, code, message, field = null, details = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

export function defaultMessage(status) {
  if (status === 400 || status === 422) return '输入有误，请检查后重试';
  if (status === 401) return '登录已失效，请重新登录';
  if (status === 403) return '没有权限执行此操作';
  if (status === 404) return '未找到（或不在您的管辖范围内）';
  if (status === 409) return '操作与当前数据状态冲突，请刷新后重试';
  if (status === 413) return '文件过大';
  if (status === 429) return '请求过于频繁，请稍后再试';
  if (status >= 500) return '服务器内部错误，请稍后重试或联系系统管理员';
  return `请求失败（HTTP ${status}）`;
}

export function goLogin() {
  const here = window.location.pathname + window.location.search + window.location.hash;
  window.location.assign(`${root}/login?next=${encodeURIComponent(here.slice(root.length) || '/')}`);
}

/** The URL of an API path with its query: apiUrl('/hazards/export.xlsx', {state: 'closed'}). */
export function apiUrl(path, query) {
  return `${root}/api/v1${path}${toQueryString(query)}`;
}

/**
 * fetch an API path. opts: method, query, body (JSON), form (FormData: a multipart upload),
 * signal, noLoginRedirect.
 */
export async function api(path, opts = {}) {
  const method = (opts.method || 'GET').toUpperCase();
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', signal: opts.signal };
  if (opts.form !== undefined) {
    init.body = opts.form;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && user && user.csrf_token) headers['X-CSRF-Token'] = user.csrf_token;
  let resp;
  try {
    resp = await fetch(apiUrl(path, opts.query), init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
  }
  const type = resp.headers.get('content-type') || '';
  let data = null;
  if (resp.status !== 204) {
    try {
      data = type.includes('json') ? await resp.json() : (await resp.text(), null);
    } catch (e) {
      if (e && e.name === 'AbortError') throw e;
      data = null;
    }
  }
  if (resp.ok) return data;
  const err = (data && data.error) || {};
  if (resp.status === 401 && user && !opts.noLoginRedirect) goLogin();
  throw new ApiError(resp.status, err.code || `http_${resp.status}`, err.message || defaultMessage(resp.status),
    err.field || null, err.details || null);
}

/** Every item of a paginated list endpoint (bounded: at most `maxPages` pages of 200). */
export async function listAll(path, query = {}, maxPages = 50) {
  let items = [];
  for (let page = 1; page <= maxPages; page += 1) {
    const data = await api(path, { query: { ...query, page, page_size: 200 } });
    const got = (data && data.items) || (Array.isArray(data) ? data : []);
    items = items.concat(got);
    const total = data && typeof data.total === 'number' ? data.total : items.length;
    if (!got.length || items.length >= total) break;
  }
  return items;
}
