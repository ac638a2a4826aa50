/* What the broadcast pages share: rates, durations against their aims, colour swatches. */
import { el } from '../../js/lib/dom.js';
import { fmt, pageData } from '../../js/components/context.js';

export const names = pageData.names || {};
export const TARGET = pageData.target_rate || 0.9;

export function pct(rate) {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 120) return `${seconds.toFixed(1)} 秒`;
  return `${(seconds / 60).toFixed(1)} 分钟`;
}

/** "达标" / "超时" against an aim in seconds (null: not reached yet). */
export function aimNote(seconds, aim) {
  if (seconds === null || seconds === undefined) return { text: `目标 ≤ ${duration(aim)}`, cls: 'muted small' };
  return seconds <= aim ? { text: `达标（目标 ≤ ${duration(aim)}）`, cls: 'small bc-ok' } : { text: `超时（目标 ≤ ${duration(aim)}）`, cls: 'small bc-bad' };
}

export function colourSwatch(colour) {
  return el('span', null, el('span', { class: `bc-colour bc-colour-${colour}`, 'aria-hidden': 'true' }),
    (pageData.colours || {})[colour] || colour);
}

export function campaignName(c) {
  const drill = c.message_key.startsWith('drill-');
  return `${drill ? '演练' : c.message_key}${drill ? '' : ` 第 ${c.version} 版`} · ${fmt.datetime(c.published_at)}`;
}

export function stateName(state) {
  return (pageData.states || {})[state] || state;
}

export function rateCell(rate) {
  const ok = rate !== null && rate >= TARGET;
  return el('td', { class: `nowrap ${rate === null ? '' : ok ? 'bc-ok' : 'bc-bad'}` },
    el('span', { class: 'bc-bar', style: { width: `${Math.round((rate || 0) * 80)}px` }, 'aria-hidden': 'true' }), pct(rate));
}
