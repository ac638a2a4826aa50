/**
 * The DOM builder every page uses. Text is always set as text (a Text node or textContent) and
 * never parsed as HTML, whatever it contains; event handlers are functions, never strings;
 * styles go through the CSSOM (allowed by a Content-Security-Policy without 'unsafe-inline').
 *
 *   el('a', { href: url, class: 'btn', dataset: { id: 3 }, onclick: fn }, '文字', childNode, [more])
 */

const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href']);

function doc() { return globalThis.document; }

/** A URL attribute value that cannot run script: `javascript:`/`data:`/`vbscript:` become '#'. */
export function safeUrl(value) {
  const text = String(value);
  // browsers ignore ASCII whitespace and control characters inside the scheme
  // eslint-disable-next-line no-control-regex
  const scheme = text.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
  return /^(javascript|data|vbscript):/.test(scheme) ? '#' : text;
}

function setAttributes(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') {
      node.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value));
    } else if (key === 'text') {
      node.textContent = String(value);
    } else if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) node.dataset[k] = String(v);
    } else if (key === 'style') {
      if (typeof value !== 'object') throw new TypeError('el(): style must be an object of CSS properties');
      for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) node.style.setProperty(k, String(v));
    } else if (/^on/i.test(key)) {
      if (typeof value !== 'function') throw new TypeError(`el(): ${key} must be a function`);
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (value === true) {
      node.setAttribute(key, '');
    } else {
      node.setAttribute(key, URL_ATTRS.has(key.toLowerCase()) ? safeUrl(value) : String(value));
    }
  }
}

/** Append children: nodes as they are, anything else as a Text node; arrays are flattened. */
export function append(node, ...children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, ...child);
    else node.appendChild(typeof child === 'object' && 'nodeType' in child ? child : doc().createTextNode(String(child)));
  }
  return node;
}

export function el(tag, attrs, ...children) {
  const node = doc().createElement(tag);
  if (attrs) setAttributes(node, attrs);
  return append(node, ...children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * An SVG element: attributes set with setAttribute (never parsed), children as for el() — text is
 * a Text node. For charts and map symbols: svgEl('circle', {cx: 10, cy: 10, r: 8, fill: '#f00'}).
 */
export function svgEl(tag, attrs, ...children) {
  const node = doc().createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (/^on/i.test(key)) throw new TypeError('svgEl(): use addEventListener for handlers');
    if (key === 'class') node.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value));
    else if (key === 'text') node.textContent = String(value);
    else node.setAttribute(key, URL_ATTRS.has(key.toLowerCase()) ? safeUrl(value) : String(value));
  }
  return append(node, ...children);
}

/** Remove every child; returns the node. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** Replace the children of `node`. */
export function replace(node, ...children) {
  return append(clear(node), ...children);
}

/** Set the text of an element by id (when it exists). */
export function setText(id, value) {
  const node = doc().getElementById(id);
  if (node) node.textContent = value === null || value === undefined ? '' : String(value);
  return node;
}

export const byId = (id) => doc().getElementById(id);
