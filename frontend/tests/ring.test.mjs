import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ringSegments, ringText } from '../../src/yingji/web/static/js/lib/ring.js';

test('each part of a ring is its share of the circumference, one after the other', () => {
  const segs = ringSegments([{ key: 'major', value: 3 }, { key: 'general', value: 0 }, { key: 'low', value: 1 }], 100);
  assert.deepEqual(segs.map((s) => [s.key, s.length, s.offset]), [['major', 75, -0], ['low', 25, -75]]);
  assert.equal(segs.reduce((sum, s) => sum + s.length, 0), 100);
});

test('a ring of one part is full; nothing to draw gives no parts', () => {
  assert.deepEqual(ringSegments([{ key: 'low', value: 7 }], 10).map((s) => [s.length, s.share]), [[10, 1]]);
  assert.deepEqual(ringSegments([], 10), []);
  assert.deepEqual(ringSegments([{ key: 'x', value: 0 }], 10), []);
  assert.deepEqual(ringSegments([{ key: 'x', value: 2 }], 0), []);
});

test('the ring reads in words with percentages', () => {
  const segs = ringSegments([{ key: 'major', value: 1 }, { key: 'low', value: 3 }], 1);
  assert.equal(ringText(segs, (s) => ({ major: '红', low: '蓝' })[s.key]), '红 1（25%）、蓝 3（75%）');
});
