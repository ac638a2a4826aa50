import assert from 'node:assert/strict';
import { test } from 'node:test';
import { levelTable, UNASSESSED } from '../../src/yingji/web/static/js/lib/levels.js';

// as the server sends them (grading configuration), deliberately out of order
const LEVELS = [
  { key: 'low', label: '低风险', short_label: '低', colour_label: '蓝', hex: '#0070C0', rank: 4 },
  { key: 'major', label: '重大风险', short_label: '重大', colour_label: '红', hex: '#FF0000', rank: 1 },
  { key: 'general', label: '一般风险', short_label: '一般', colour_label: '黄', hex: '#FFD700', rank: 3 },
  { key: 'significant', label: '较大风险', short_label: '较大', colour_label: '橙', hex: '#FF8C00', rank: 2 },
];

test('levels are ordered by their configured rank', () => {
  assert.deepEqual(levelTable(LEVELS).keys, ['major', 'significant', 'general', 'low']);
});

test('a level reads as its colour and its meaning; no level reads 未评估', () => {
  const t = levelTable(LEVELS);
  assert.equal(t.text('major'), '红 · 重大风险');
  assert.equal(t.short('general'), '一般');
  assert.equal(t.text(null), '未评估');
  assert.equal(t.text('unknown'), '未评估');
  assert.equal(t.short(undefined), UNASSESSED.short_label);
  assert.equal(t.hex('significant'), '#FF8C00');
  assert.equal(t.hex(''), UNASSESSED.hex);
});

test('the highest of several levels is the one of lowest rank', () => {
  const t = levelTable(LEVELS);
  assert.equal(t.highest(['low', null, 'general', 'significant']), 'significant');
  assert.equal(t.highest([null, 'bogus']), null);
  assert.equal(t.highest([]), null);
});

test('css classes name known levels only', () => {
  const t = levelTable(LEVELS, { prefix: 'risk' });
  assert.equal(t.className('major'), 'risk-major');
  assert.equal(t.className('"><b'), 'risk-none');
  assert.equal(t.className(null), 'risk-none');
});

test('another configuration gives other levels, without code changes', () => {
  const t = levelTable([{ key: 'i', label: 'I 级', short_label: 'I', colour_label: '红', hex: '#f00' },
    { key: 'ii', label: 'II 级', short_label: 'II', colour_label: '橙', hex: '#f80' }]);
  assert.deepEqual(t.keys, ['i', 'ii']);   // no rank: the order sent
  assert.equal(t.text('ii'), '橙 · II 级');
  assert.equal(t.order('ii'), 1);
  assert.equal(t.order('major'), 2);
});
