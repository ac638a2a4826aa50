import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allows } from '../../src/yingji/web/static/js/lib/permissions.js';

test('permission patterns match like the server\'s fnmatch', () => {
  assert.equal(allows(['*'], 'users:manage'), true);
  assert.equal(allows(['*:read'], 'hazards:read'), true);
  assert.equal(allows(['*:read'], 'hazards:write'), false);
  assert.equal(allows(['*:read', 'hazards:write'], 'hazards:write'), true);
  assert.equal(allows(['hazards:writ?'], 'hazards:write'), true);
  assert.equal(allows(['a.b'], 'axb'), false);   // '.' is a literal dot
  assert.equal(allows([], 'hazards:read'), false);
  assert.equal(allows(undefined, 'hazards:read'), false);
});
