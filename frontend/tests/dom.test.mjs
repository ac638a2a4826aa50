import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { parseHTML } from 'linkedom';

let dom;
const PAYLOADS = [
  '<img src=x data-xss-canary onerror="window.__xss=1">',
  '"><svg data-xss-canary onload=alert(1)>',
  '</script><script>window.__xss=1</script>',
  "'; alert(1); '",
  '&lt;b&gt;already escaped&lt;/b&gt;',
];

before(async () => {
  const { document, window } = parseHTML('<!doctype html><html><body></body></html>');
  globalThis.document = document;
  globalThis.window = window;
  dom = await import('../../src/yingji/web/static/js/lib/dom.js');
});

test('text is set as text, whatever it contains', () => {
  for (const payload of PAYLOADS) {
    const node = dom.el('div', { class: 'x' }, payload, dom.el('span', { text: payload }));
    assert.equal(node.textContent, payload + payload);
    assert.equal(node.querySelector('[data-xss-canary], img, svg, script, b'), null);
    assert.equal(node.children.length, 1);   // only the span we built
  }
});

test('attribute values stay attribute values', () => {
  const payload = PAYLOADS[1];
  const node = dom.el('li', { title: payload, dataset: { name: payload }, 'aria-label': payload });
  assert.equal(node.getAttribute('title'), payload);
  assert.equal(node.dataset.name, payload);
  const holder = dom.el('div', null, node);
  assert.equal(holder.querySelectorAll('*').length, 1);
  assert.equal(holder.querySelector('[data-xss-canary]'), null);
});

test('event handlers are functions; handler strings are refused', () => {
  let clicked = 0;
  const button = dom.el('button', { onclick: () => { clicked += 1; } });
  button.dispatchEvent(new globalThis.window.Event('click'));
  assert.equal(clicked, 1);
  assert.equal(button.getAttribute('onclick'), null);
  assert.throws(() => dom.el('img', { onerror: 'window.__xss=1' }), TypeError);
  assert.throws(() => dom.el('div', { style: 'background:url(x)' }), TypeError);
});

test('URLs that would run script are neutralised', () => {
  for (const url of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>', 'vbscript:x']) {
    assert.equal(dom.el('a', { href: url }).getAttribute('href'), '#', url);
  }
  assert.equal(dom.el('a', { href: '/supervision/units/3?q=a:b' }).getAttribute('href'), '/supervision/units/3?q=a:b');
  assert.equal(dom.safeUrl('https://example.org/javascript:x'), 'https://example.org/javascript:x');
});

test('children: arrays are flattened, nothing-values skipped, numbers as text', () => {
  const node = dom.el('p', null, ['a', null, ['b', false, undefined]], 0, dom.el('i'));
  assert.equal(node.textContent, 'ab0');
  assert.equal(node.childNodes.length, 4);
  dom.replace(node, 'c');
  assert.equal(node.textContent, 'c');
  assert.equal(dom.clear(node).childNodes.length, 0);
});

test('classes from a list, true as an empty attribute, false left out', () => {
  const node = dom.el('input', { class: ['a', null, 'b'], required: true, disabled: false, maxlength: 20 });
  assert.equal(node.getAttribute('class'), 'a b');
  assert.equal(node.getAttribute('required'), '');
  assert.equal(node.hasAttribute('disabled'), false);
  assert.equal(node.getAttribute('maxlength'), '20');
});
