/** What the dispatch pages share: labels of codes, status badges, the force marker. */
import { el } from '../../js/lib/dom.js';
import { labelOf } from '../../js/components/context.js';
import { nodeIcon } from '../../js/components/map.js';

export const KIND_CLASS = { station: 'dp-k-station', professional: 'dp-k-pro', social: 'dp-k-social', volunteer: 'dp-k-vol', military: 'dp-k-mil' };

export function statusBadge(status) {
  return el('span', { class: ['badge', `dp-s-${status}`], dataset: { status }, text: labelOf('dispatch_statuses', status) });
}

export function typeLabel(t) { return labelOf('dispatch_unit_types', t); }

export function forceIcon(kind, text = '') {
  return nodeIcon({ className: 'dp-marker-wrap', iconSize: [22, 22],
    build: () => el('span', { class: ['dp-marker', KIND_CLASS[kind] || ''], text }) });
}

export function duration(seconds) {
  const s = Math.round(Number(seconds) || 0);
  if (s < 60) return `${s}秒`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}分${String(s % 60).padStart(2, '0')}秒`;
  return `${Math.floor(m / 60)}小时${String(m % 60).padStart(2, '0')}分`;
}
