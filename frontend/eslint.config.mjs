// ESLint (flat config) for the browser modules of the shell and of every domain
// (src/yingji/**/static/**/*.js) and for the JS unit tests. Run from the repository root:
//   frontend/node_modules/.bin/eslint --config frontend/eslint.config.mjs --max-warnings 0 src/yingji frontend
import js from '@eslint/js';
import globals from 'globals';

// Text from users is text: no HTML from strings anywhere in our code. Leaflet's tooltips,
// popups and div icons take HTML strings too, so they are reached only through
// js/components/map.js, which hands Leaflet DOM nodes.
const noHtml = [
  { selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]", message: 'HTML from a string: build DOM nodes (lib/dom.js el()) instead.' },
  { selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln|createContextualFragment|parseFromString|setHTMLUnsafe)$/]", message: 'HTML from a string: build DOM nodes (lib/dom.js el()) instead.' },
  { selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^on/i]", message: 'Event handlers are functions (addEventListener), never attribute strings.' },
];
const leafletHtml = [
  { selector: "CallExpression[callee.property.name=/^(bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent|addAttribution|divIcon)$/]", message: 'Use js/components/map.js (bindTextTooltip, bindNodePopup, nodeIcon, nodeControl): Leaflet parses strings as HTML.' },
];

export default [
  { ignores: ['frontend/node_modules/**', '**/node_modules/**'] },
  js.configs.recommended,
  {
    files: ['src/yingji/**/static/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser } },
    rules: {
      'no-restricted-syntax': ['error', ...noHtml, ...leafletHtml],
      'no-restricted-globals': ['error',
        { name: 'prompt', message: 'Use promptDialog() (js/components/dialog.js).' },
        { name: 'confirm', message: 'Use confirmDialog() (js/components/dialog.js).' },
        { name: 'alert', message: 'Use toast() or a dialog.' },
        { name: 'L', message: 'Reach Leaflet through leaflet() in js/components/map.js.' }],
      'no-restricted-properties': ['error',
        { object: 'window', property: 'prompt', message: 'Use promptDialog() (js/components/dialog.js).' },
        { object: 'window', property: 'confirm', message: 'Use confirmDialog() (js/components/dialog.js).' },
        { object: 'window', property: 'alert', message: 'Use toast() or a dialog.' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-script-url': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      'eqeqeq': ['error', 'always'],
      'no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // the one place that talks to Leaflet's content APIs: every argument is a DOM node or a constant
    files: ['src/yingji/web/static/js/components/map.js'],
    rules: { 'no-restricted-syntax': ['error', ...noHtml] },
  },
  {
    files: ['frontend/**/*.{js,mjs}'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
  },
];
