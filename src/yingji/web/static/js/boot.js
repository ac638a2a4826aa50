/**
 * The page bootstrap — the one module every page loads (base.html, login.html). It reads the page
 * context, starts the shell (logout, division picker, live ticker) and then the page's own module
 * (ctx.module, e.g. /static/v/<version>/risk/js/map.js), calling its exported start(ctx).
 * When the page is up, <html data-booted="true"> (or "error").
 */
import { api } from './components/api.js';
import { ctx, root } from './components/context.js';
import { initDivisionPicker, startWithoutPicker } from './components/divisions.js';
import { initTicker } from './components/ticker.js';
import { toast } from './components/toast.js';

function initLogout() {
  const button = document.getElementById('logout-button');
  if (!button) return;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api('/auth/logout', { method: 'POST', noLoginRedirect: true });
    } catch { /* leave anyway */ }
    try { sessionStorage.clear(); } catch { /* nothing to forget */ }
    window.location.assign(`${root}/login`);
  });
}

// A form sent before the page's module has taken it over would go out as a plain GET with its
// fields in the URL: hold every submit until the page is up.
let booted = false;
document.addEventListener('submit', (e) => { if (!booted) e.preventDefault(); }, true);

async function boot() {
  initLogout();
  initDivisionPicker();
  initTicker();
  if (ctx.module) {
    const page = await import(ctx.module);
    if (typeof page.start !== 'function') throw new Error(`${ctx.module}: no start(ctx)`);
    await page.start(ctx);
  }
  startWithoutPicker();
}

boot().then(() => {
  booted = true;
  document.documentElement.dataset.booted = 'true';
}, (err) => {
  console.error(err);
  document.documentElement.dataset.booted = 'error';
  toast(`页面脚本加载失败：${err.message}`, 'error');
});
