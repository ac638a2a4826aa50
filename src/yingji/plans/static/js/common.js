/* 应急预案: shared helpers of the plans pages (labels, levels, times). */
import { el } from '../../js/lib/dom.js';
import { fmt, pageData } from '../../js/components/context.js';

export const catalog = pageData.catalog || {};
export const ROMAN = { 1: 'Ⅰ', 2: 'Ⅱ', 3: 'Ⅲ', 4: 'Ⅳ', 5: 'Ⅴ' };
const FROM_ROMAN = { 'Ⅰ': 1, 'Ⅱ': 2, 'Ⅲ': 3, 'Ⅳ': 4, 'Ⅴ': 5, I: 1, II: 2, III: 3, IV: 4, V: 5 };

export function label(table, key) {
  const t = catalog[table] || {};
  return t[key] !== undefined ? t[key] : (key || '');
}

/** [1, 2] → 'Ⅰ、Ⅱ'; [] → '' (every level). */
export function levelsText(levels) {
  return (levels || []).map((v) => ROMAN[v] || String(v)).join('、');
}

/** 'Ⅰ、Ⅱ' / '1,2' / 'I II' → [1, 2]; '' → []; throws on a word it cannot read. */
export function parseLevels(text) {
  const parts = String(text || '').split(/[、,，\s/]+/).map((p) => p.trim().replace(/级$/, '')).filter(Boolean);
  return [...new Set(parts.map((p) => {
    const n = /^\d$/.test(p) ? Number(p) : FROM_ROMAN[p.toUpperCase()] || FROM_ROMAN[p];
    if (!n) throw new Error(`无法识别的级别“${p}”（填 Ⅰ、Ⅱ、Ⅲ、Ⅳ 或 1–4）`);
    return n;
  }))].sort();
}

export function stateBadge(state) {
  return el('span', { class: `pl-badge pl-state-${state}`, text: label('states', state) });
}

export function dt(value) { return value ? fmt.datetime(value) : ''; }

/** 01:05:09 / -00:03:10 for a number of seconds. */
export function clock(seconds) {
  const neg = seconds < 0;
  let s = Math.abs(Math.trunc(seconds));
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const pad = (n) => String(n).padStart(2, '0');
  return `${neg ? '超时 ' : ''}${pad(h)}:${pad(m)}:${pad(s)}`;
}
