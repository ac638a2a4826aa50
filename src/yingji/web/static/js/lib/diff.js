/**
 * Before/after of an audit record, readably: the fields that changed (or were set), each with its
 * Chinese name and its values as text. Pure (no DOM), unit-tested.
 *
 *   changes({state: 'reported', title: 'x'}, {state: 'confirmed', title: 'x'}, {fields: {state: '状态'}})
 *   → [{key: 'state', label: '状态', before: 'reported', after: 'confirmed'}]
 */

function text(value, valueLabel, key, fields = {}) {
  if (value === null || value === undefined || value === '') return '—';
  if (value === true) return '是';
  if (value === false) return '否';
  if (typeof value === 'string' || typeof value === 'number') {
    const named = valueLabel ? valueLabel(key, value) : null;
    return named || String(value);
  }
  if (Array.isArray(value)) return value.map((v) => text(v, valueLabel, key, fields)).join('、') || '—';
  return Object.entries(value).map(([k, v]) => `${fields[k] || k}：${text(v, valueLabel, k, fields)}`).join('；');
}

export function changes(before, after, { fields = {}, valueLabel = null } = {}) {
  const b = before && typeof before === 'object' && !Array.isArray(before) ? before : {};
  const a = after && typeof after === 'object' && !Array.isArray(after) ? after : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const out = [];
  for (const key of keys) {
    const was = text(b[key], valueLabel, key, fields);
    const now = text(a[key], valueLabel, key, fields);
    if (before && after && was === now) continue;   // unchanged
    out.push({ key, label: fields[key] || key, before: before ? was : null, after: after ? now : null });
  }
  return out;
}
