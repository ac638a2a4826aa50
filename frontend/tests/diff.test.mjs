import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changes } from '../../src/yingji/web/static/js/lib/diff.js';

const fields = { state: '状态', title: '名称', active: '启用' };
const valueLabel = (key, value) => ({ state: { reported: '已上报', confirmed: '已确认' } }[key] || {})[value] || null;

test('only what changed, with Chinese field names and value labels', () => {
  const out = changes({ state: 'reported', title: 'x', active: true }, { state: 'confirmed', title: 'x', active: false },
    { fields, valueLabel });
  assert.deepEqual(out, [
    { key: 'state', label: '状态', before: '已上报', after: '已确认' },
    { key: 'active', label: '启用', before: '是', after: '否' },
  ]);
});

test('a creation lists what was set; unknown fields keep their key', () => {
  const out = changes(null, { title: '储罐', extra: null, items: ['a', 'b'] }, { fields });
  assert.deepEqual(out, [
    { key: 'title', label: '名称', before: null, after: '储罐' },
    { key: 'extra', label: 'extra', before: null, after: '—' },
    { key: 'items', label: 'items', before: null, after: 'a、b' },
  ]);
});

test('nested values (a plan) are named field by field', () => {
  const out = changes(null, { plan: { measures: '更换阀门', funds: 5 } }, { fields: { plan: '整改方案', measures: '整改措施', funds: '整改资金' } });
  assert.deepEqual(out, [{ key: 'plan', label: '整改方案', before: null, after: '整改措施：更换阀门；整改资金：5' }]);
});
