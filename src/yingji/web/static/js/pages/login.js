/* Login form: POST /api/v1/auth/login, then go to ?next= (an in-app path only) or the home page. */
import { byId } from '../lib/dom.js';
import { root } from '../components/context.js';

export function safeNext(target) {
  if (!target || target[0] !== '/' || target.startsWith('//') || target.includes('\\')) return '/';
  return target;
}

export function start() {
  const form = byId('login-form');
  const error = byId('login-error');
  const submit = byId('login-submit');
  const username = byId('login-username');
  const password = byId('login-password');

  function showError(message, focus) {
    error.textContent = message;
    error.hidden = false;
    if (focus) { focus.focus(); if (focus.select) focus.select(); }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    const user = username.value.trim();
    const pass = password.value;
    if (!user) { showError('请输入用户名', username); return; }
    if (!pass) { showError('请输入密码', password); return; }
    submit.disabled = true;
    submit.textContent = '正在登录…';
    try {
      const resp = await fetch(`${root}/api/v1/auth/login`, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ username: user, password: pass }),
      });
      if (resp.ok) {
        try { sessionStorage.clear(); } catch { /* nothing to forget */ }
        window.location.assign(root + safeNext(form.dataset.next));
        return;   // keep the button disabled while the next page loads
      }
      const data = await resp.json().catch(() => null);
      const message = data && data.error && data.error.message;
      if (resp.status === 401) showError(message || '用户名或密码错误', password);
      else if (resp.status === 429) showError(message || '登录尝试过于频繁，请稍后再试');
      else if (resp.status === 403) showError(message || '该账号已被停用，请联系系统管理员');
      else if (resp.status >= 500) showError('服务器内部错误，请稍后重试或联系系统管理员');
      else showError(message || `登录失败（HTTP ${resp.status}）`);
    } catch {
      showError('无法连接服务器，请检查网络后重试');
    }
    submit.disabled = false;
    submit.textContent = '登录';
  });
}
