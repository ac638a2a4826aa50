/* Login form: POST /api/v1/auth/login, then go to ?next= (an in-app path only) or the home page. */
(function () {
  'use strict';
  var ctxNode = document.getElementById('yingji-context');
  var ctx = {};
  try { ctx = JSON.parse(ctxNode.textContent) || {}; } catch (e) { ctx = {}; }
  var root = ctx.root || '';

  var form = document.getElementById('login-form');
  var error = document.getElementById('login-error');
  var submit = document.getElementById('login-submit');
  var username = document.getElementById('login-username');
  var password = document.getElementById('login-password');

  function safeNext(target) {
    if (!target || target.charAt(0) !== '/' || target.slice(0, 2) === '//' || target.indexOf('\\') >= 0) return '/';
    return target;
  }
  function showError(message, focus) {
    error.textContent = message;
    error.hidden = false;
    if (focus) { focus.focus(); focus.select && focus.select(); }
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    error.hidden = true;
    var user = username.value.trim();
    var pass = password.value;
    if (!user) { showError('请输入用户名', username); return; }
    if (!pass) { showError('请输入密码', password); return; }
    submit.disabled = true;
    submit.textContent = '正在登录…';
    fetch(root + '/api/v1/auth/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify({ username: user, password: pass })
    }).then(function (resp) {
      if (resp.ok) {
        window.location.assign(root + safeNext(form.dataset.next));
        return 'ok';
      }
      return resp.json().catch(function () { return null; }).then(function (data) {
        var message = data && data.error && data.error.message;
        if (resp.status === 401) showError(message || '用户名或密码错误', password);
        else if (resp.status === 429) showError(message || '登录尝试过于频繁，请稍后再试');
        else if (resp.status === 403) showError(message || '该账号已被停用，请联系系统管理员');
        else if (resp.status >= 500) showError('服务器内部错误，请稍后重试或联系系统管理员');
        else showError(message || '登录失败（HTTP ' + resp.status + '）');
      });
    }, function () {
      showError('无法连接服务器，请检查网络后重试');
    }).then(function (result) {
      if (result === 'ok') return;   // keep the button disabled while the next page loads
      submit.disabled = false;
      submit.textContent = '登录';
    });
  });
})();
