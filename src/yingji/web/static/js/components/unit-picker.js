/**
 * Search-as-you-type picker of a 生产经营单位 (ARIA combobox + listbox) over the units list API,
 * which only answers units inside the user's jurisdiction. Markup (ids by prefix):
 * #<p>-unit-search (text), #<p>-unit (hidden unit_id), #<p>-unit-list (listbox),
 * #<p>-unit-status (live region). onSelect(unit | null). With `required` (the default) the form is
 * not submitted until a unit is chosen.
 */
import { el, replace } from '../lib/dom.js';
import { api } from './api.js';
import { divisionLabel } from './divisions.js';

export const UNITS_API = '/units';

export function unitPicker(prefix, onSelect = null, { required = true } = {}) {
  const $ = (suffix) => document.getElementById(`${prefix}-${suffix}`);
  const input = $('unit-search');
  const hidden = $('unit');
  const list = $('unit-list');
  const status = $('unit-status');
  if (!input || !hidden || !list) return null;
  let items = [];
  let active = -1;
  let timer = null;
  let controller = null;
  let seq = 0;
  let chosen = null;
  const setStatus = (text) => { if (status) status.textContent = text; };

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function highlight(i) {
    const options = list.querySelectorAll('[role=option]');
    active = i;
    options.forEach((o, k) => o.setAttribute('aria-selected', k === i ? 'true' : 'false'));
    if (i >= 0 && options[i]) {
      input.setAttribute('aria-activedescendant', options[i].id);
      if (options[i].scrollIntoView) options[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }
  function choose(unit) {
    chosen = unit;
    hidden.value = unit ? String(unit.id) : '';
    if (unit) input.value = unit.name;
    input.setCustomValidity('');
    close();
    if (unit) setStatus(`已选择 ${unit.name}`);
    if (onSelect) onSelect(unit);
  }
  function render() {
    replace(list, items.length ? items.map((u, k) => {
      const where = divisionLabel(u.division_code);
      return el('li', {
        role: 'option', id: `${prefix}-unit-opt-${k}`, 'aria-selected': 'false', dataset: { unitId: u.id }, class: 'picker-option',
        onmousedown: (e) => { e.preventDefault(); choose(u); },
      }, el('span', { class: 'picker-name', text: u.name }),
      el('span', { class: 'picker-meta' }, el('span', { class: 'picker-code', text: u.credit_code }), ' · ', where));
    }) : el('li', { class: 'picker-empty', role: 'option', 'aria-disabled': 'true', id: `${prefix}-unit-none`, text: '没有匹配的单位（仅显示本辖区）' }));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(items.length ? 0 : -1);
    setStatus(items.length ? `找到 ${items.length} 个单位，用上下方向键选择` : '没有匹配的单位');
  }
  async function search() {
    const q = input.value.trim();
    const mine = (seq += 1);
    if (!q) { items = []; close(); return; }
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const data = await api(UNITS_API, { query: { q, page_size: 20 }, signal: controller.signal });
      if (mine !== seq) return;
      items = (data && data.items) || [];
      render();
    } catch (e) {
      if (e && e.name === 'AbortError') return;
      setStatus(e.message);
    }
  }

  input.addEventListener('input', () => {
    if (chosen) { chosen = null; hidden.value = ''; if (onSelect) onSelect(null); }
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener('keydown', (e) => {
    if (input.readOnly) return;
    const open = !list.hidden;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) { search(); return; }
      if (items.length) highlight((active + 1) % items.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (open && items.length) highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (e.key === 'Enter') {
      if (open) { e.preventDefault(); if (active >= 0 && items[active]) choose(items[active]); }
    } else if (e.key === 'Escape') {
      if (open) { e.preventDefault(); close(); }
    } else if (e.key === 'Tab') {
      if (open && active >= 0 && items[active] && !chosen) choose(items[active]); else close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  input.addEventListener('change', () => input.setCustomValidity(''));
  if (input.form && required) {
    input.form.addEventListener('submit', (e) => {
      if (!hidden.value) {
        e.preventDefault();
        e.stopImmediatePropagation();
        input.setCustomValidity('请从列表中选择单位');
        input.reportValidity();
      }
    }, true);
  }
  return {
    set: (unit) => choose(unit),
    reset() { chosen = null; hidden.value = ''; input.value = ''; items = []; close(); setStatus(''); },
    value: () => chosen,
  };
}
