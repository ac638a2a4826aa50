/* Starts Swagger UI on /docs (external script: the Content-Security-Policy allows no inline JS).
 * Served by yingji.core.apidocs; Swagger UI itself comes from the pinned npm package swagger-ui-dist.
 * "Try it out" works with the signed-in web session: writes carry the session's CSRF token. */
/* global SwaggerUIBundle */
(function () {
  'use strict';
  const node = document.getElementById('swagger-ui');
  let csrf = '';

  fetch(node.getAttribute('data-me-url'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (resp) { return resp.ok ? resp.json() : null; })
    .then(function (me) { csrf = (me && me.csrf_token) || ''; })
    .catch(function () { csrf = ''; });

  SwaggerUIBundle({
    url: node.getAttribute('data-openapi-url'),
    dom_id: '#swagger-ui',
    deepLinking: true,
    layout: 'BaseLayout',
    presets: [SwaggerUIBundle.presets.apis],
    validatorUrl: null,           // never ask validator.swagger.io (isolated networks, privacy)
    showExtensions: true,
    showCommonExtensions: true,
    requestInterceptor: function (request) {
      const method = (request.method || 'GET').toUpperCase();
      if (csrf && method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
        request.headers['X-CSRF-Token'] = csrf;
      }
      return request;
    }
  });
})();
