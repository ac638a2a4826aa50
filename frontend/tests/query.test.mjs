import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cleanQuery, pageInfo, parseSort, readState, sortDirection, toggleSort, toQueryString, writeState,
} from '../../src/yingji/web/static/js/lib/query.js';

test('empty filter values are not sent', () => {
  assert.deepEqual(cleanQuery({ a: '', b: null, c: undefined, d: '  ', e: 'x ', f: 0, g: false }), { e: 'x', f: '0', g: 'false' });
  assert.equal(toQueryString({ q: '液氨 储罐', level: '', page: 2 }), '?q=%E6%B6%B2%E6%B0%A8+%E5%82%A8%E7%BD%90&page=2');
  assert.equal(toQueryString({}), '');
});

test('a header click sorts ascending, then descending, then back to the default order', () => {
  assert.equal(toggleSort('', 'deadline'), 'deadline');
  assert.equal(toggleSort('deadline', 'deadline'), '-deadline');
  assert.equal(toggleSort('-deadline', 'deadline'), '');
  assert.equal(toggleSort('-deadline,id', 'deadline'), '');
  assert.equal(toggleSort('deadline,id', 'deadline'), '-deadline');
  assert.equal(toggleSort('-deadline', 'code'), 'code');
});

test('the sorted column is announced (aria-sort) from the first key', () => {
  assert.equal(sortDirection('deadline', 'deadline'), 'ascending');
  assert.equal(sortDirection('-deadline,id', 'deadline'), 'descending');
  assert.equal(sortDirection('-deadline,id', 'id'), 'none');
  assert.equal(sortDirection('', 'id'), 'none');
});

test('sort expressions keep only well-formed, allowed keys', () => {
  assert.deepEqual(parseSort('-discovered_at, id'), [{ key: 'discovered_at', desc: true }, { key: 'id', desc: false }]);
  assert.deepEqual(parseSort('name,-evil;drop,Caps', ['name']), [{ key: 'name', desc: false }]);
  assert.deepEqual(parseSort(null), []);
});

test('the URL gives back filters, page and sort — and nothing it was not asked for', () => {
  const state = readState('?q=%E5%8C%96%E5%B7%A5&level=major&page=3&sort=-name,bogus&other=1&industry=',
    { filters: ['q', 'level', 'industry'], sortKeys: ['name', 'risk_level'] });
  assert.deepEqual(state, { filters: { q: '化工', level: 'major' }, page: 3, sort: '-name' });
  assert.equal(readState('?page=0').page, 1);
  assert.equal(readState('?page=-2').page, 1);
  assert.equal(readState('?page=abc').page, 1);
  assert.equal(readState('?page=2.5').page, 1);
});

test('a list state round-trips through the URL; page 1 and the default order are left out', () => {
  const state = { filters: { q: '化工', level: '' }, page: 1, sort: '' };
  assert.equal(writeState(state).toString(), 'q=%E5%8C%96%E5%B7%A5');
  const full = { filters: { q: 'a b', state: 'closed' }, page: 4, sort: '-deadline' };
  assert.deepEqual(readState(writeState(full), { filters: ['q', 'state'], sortKeys: ['deadline'] }), full);
});

test('pages of a total', () => {
  assert.deepEqual(pageInfo(1, 50, 0), { page: 1, pages: 1, first: true, last: true });
  assert.deepEqual(pageInfo(2, 50, 120), { page: 2, pages: 3, first: false, last: false });
  assert.deepEqual(pageInfo(9, 50, 120), { page: 3, pages: 3, first: false, last: true });
});
