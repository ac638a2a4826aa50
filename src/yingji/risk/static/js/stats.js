/*
 * 风险统计 follows the division picker: the page is rendered for `?division=` (its charts are
 * server-side SVG, core.charts), so choosing another division in the picker reloads it for that
 * division — the figures always say what the picker says.
 */
import { pageData } from '../../js/components/context.js';
import { onDivision } from '../../js/components/divisions.js';

export function start() {
  const shown = pageData.division || '';
  onDivision((division) => {
    const wanted = division && !division.isScope ? division.code : '';
    if (wanted === shown) return;
    const params = new URLSearchParams(window.location.search);
    if (wanted) params.set('division', wanted); else params.delete('division');
    const query = params.toString();
    window.location.replace(window.location.pathname + (query ? `?${query}` : ''));
  });
}
