import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelPoint, largestPolygon, ringArea } from '../../src/yingji/web/static/js/lib/geometry.js';

const square = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]];

test('ring area and the largest part of a multipolygon', () => {
  assert.equal(ringArea(square), 16);
  const small = [[[10, 10], [11, 10], [11, 11], [10, 11], [10, 10]]];
  assert.deepEqual(largestPolygon({ type: 'MultiPolygon', coordinates: [small, [square]] }), [square]);
  assert.equal(largestPolygon({ type: 'Point', coordinates: [0, 0] }), null);
});

test('the label of a concave shape lies inside it (not at its centroid)', () => {
  // a "U": its centroid falls in the empty middle
  const u = [[0, 0], [6, 0], [6, 6], [4, 6], [4, 2], [2, 2], [2, 6], [0, 6], [0, 0]];
  const [lat, lon] = labelPoint({ type: 'Polygon', coordinates: [u] });
  const inMiddleGap = lon > 2 && lon < 4 && lat > 2;
  assert.ok(!inMiddleGap, `label at ${lon},${lat} is in the gap`);
  assert.ok(lon >= 0 && lon <= 6 && lat >= 0 && lat <= 6);
});
