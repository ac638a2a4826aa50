/**
 * The page context: the JSON the server renders into every page (<script type="application/json"
 * id="yingji-context">) — the signed-in user (with the CSRF token and permission patterns), the
 * reverse-proxy root, the time zone, the map settings, code → label tables, the page's module
 * and the page's own data. Read once; never HTML.
 */
import { createFormat } from '../lib/format.js';
import { allows } from '../lib/permissions.js';

function read() {
  const node = document.getElementById('yingji-context');
  try {
    return (node && JSON.parse(node.textContent)) || {};
  } catch {
    return {};
  }
}

export const ctx = read();
export const user = ctx.user || null;
export const root = ctx.root || '';
export const pageData = ctx.data || {};
export const fmt = createFormat(ctx.timezone || 'Asia/Shanghai');

/** An in-app URL honouring the reverse-proxy root: appUrl('/supervision/units/3'). */
export function appUrl(path) {
  return root + path;
}

/** Whether the signed-in user's role includes a permission (to show or hide a control only). */
export function can(permission) {
  return !!user && allows(user.permissions, permission);
}

export function labelOf(table, key) {
  const labels = (ctx.labels && ctx.labels[table]) || {};
  return labels[key] || key || '';
}
