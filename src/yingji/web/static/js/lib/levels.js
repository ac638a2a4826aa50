/**
 * Lookup of graded levels (the four risk levels 重大/较大/一般/低 shown as 红/橙/黄/蓝, or any
 * other graded scale) from the list the server sends — keys, labels, colours and their order
 * come from the configuration, never from this file.
 *
 *   const levels = levelTable(ctx.data.levels);   // [{key, label, short_label, colour_label, hex, rank}, …]
 *   levels.text('major')  → '红 · 重大风险';  levels.text(null) → '未评估'
 */

export const UNASSESSED = Object.freeze({ key: '', label: '未评估', short_label: '未', colour_label: '灰', hex: '#9aa3ad' });

export function levelTable(levels, { prefix = 'level' } = {}) {
  const list = [...(levels || [])].map((lv, i) => ({ ...lv, rank: Number.isFinite(lv.rank) ? lv.rank : i + 1 }))
    .sort((a, b) => a.rank - b.rank);
  const byKey = new Map(list.map((lv) => [lv.key, lv]));
  const get = (key) => (key === null || key === undefined ? null : byKey.get(key) || null);
  const order = (key) => { const i = list.indexOf(get(key)); return i < 0 ? list.length : i; };
  return {
    list,
    keys: list.map((lv) => lv.key),
    get,
    has: (key) => byKey.has(key),
    /** '红 · 重大风险' (colour always with its meaning) or '未评估' */
    text: (key) => { const lv = get(key); return lv ? `${lv.colour_label} · ${lv.label}` : UNASSESSED.label; },
    label: (key) => (get(key) || UNASSESSED).label,
    short: (key) => (get(key) || UNASSESSED).short_label,
    hex: (key) => (get(key) || UNASSESSED).hex,
    /** 0 for the highest level, list.length for an unknown or missing one */
    order,
    /** the highest of several keys (null when none is a level) */
    highest(keys) {
      let best = null;
      for (const key of keys) if (byKey.has(key) && (best === null || order(key) < order(best))) best = key;
      return best;
    },
    /** CSS class of a level: `${prefix}-major`, or `${prefix}-none` */
    className: (key) => `${prefix}-${byKey.has(key) ? key : 'none'}`,
  };
}
