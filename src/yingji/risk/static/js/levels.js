/**
 * The risk levels of this installation (from the grading configuration, handed over in the page
 * context) and the level badge: the colour always comes with its meaning in words.
 */
import { el } from '../../js/lib/dom.js';
import { levelTable } from '../../js/lib/levels.js';
import { pageData } from '../../js/components/context.js';

export const levels = levelTable(pageData.levels || [], { prefix: 'risk' });

/** <span class="risk-badge risk-major" data-level="major"><i class="risk-dot"></i>红 · 重大风险</span> */
export function levelBadge(key) {
  return el('span', { class: ['risk-badge', levels.className(key)], dataset: { level: levels.has(key) ? key : '' } },
    el('i', { class: 'risk-dot', 'aria-hidden': 'true' }), levels.text(key));
}
