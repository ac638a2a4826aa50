/** What the monitoring pages share: level / state / type labels from the server's catalog. */
import { el } from '../../js/lib/dom.js';
import { pageData } from '../../js/components/context.js';

const catalog = pageData.catalog || {};
const levelMap = new Map((catalog.levels || []).map((lv) => [lv.key, lv]));
const typeMap = new Map((catalog.types || []).map((t) => [t.key, t]));

export const labels = {
  level: (key) => (levelMap.get(key) || {}).label || key || '',
  state: (key) => (catalog.states || {})[key] || key || '',
  action: (key) => (catalog.actions || {})[key] || key || '',
  type: (key) => (typeMap.get(key) || {}).label || key || '',
  metric(typeKey, metric) {
    const m = ((typeMap.get(typeKey) || {}).metrics || []).find((x) => x.key === metric);
    return m ? { label: m.label, unit: m.unit } : { label: metric, unit: '' };
  },
};

export const levelRank = (key) => (levelMap.get(key) || {}).rank || 0;
export const types = () => catalog.types || [];

export function levelChip(level) {
  return el('span', { class: ['mon-chip', `mon-level-${level}`], dataset: { level }, text: labels.level(level) });
}
