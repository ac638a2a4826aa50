import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFormat } from '../../src/yingji/web/static/js/lib/format.js';

const fmt = createFormat('Asia/Shanghai');

test('instants are shown in the configured zone, not the machine\'s', () => {
  assert.equal(fmt.datetime('2026-01-09T16:30:05Z'), '2026-01-10 00:30:05');
  assert.equal(fmt.minute('2026-01-09T16:30:05Z'), '2026-01-10 00:30');
  assert.equal(fmt.date('2026-01-09T16:30:05Z'), '2026-01-10');
  assert.equal(createFormat('UTC').date('2026-01-09T16:30:05Z'), '2026-01-09');
});

test('missing or unreadable values format as nothing', () => {
  assert.equal(fmt.datetime(null), '');
  assert.equal(fmt.date(''), '');
  assert.equal(fmt.datetime('not a date'), 'not a date');
  assert.equal(fmt.minute('not a date'), '');
});

test('short time drops the date only for today', () => {
  const now = new Date('2026-01-10T02:00:00Z');   // 10:00 in Beijing
  assert.equal(fmt.shortTime('2026-01-10T01:02:03Z', now), '09:02:03');
  assert.equal(fmt.shortTime('2026-01-09T15:59:00Z', now), '01-09 23:59');
});

test('a wall-clock date becomes an instant with the zone\'s offset', () => {
  assert.equal(fmt.toInstant('2026-01-10', '23:59'), '2026-01-10T23:59:00+08:00');
  assert.equal(fmt.toInstant('2026-01-10'), '2026-01-10T00:00:00+08:00');
  assert.equal(fmt.toInstant('2026-01-10', '08:30:15'), '2026-01-10T08:30:15+08:00');
  assert.equal(fmt.toInstant('2026-1-10'), null);
  assert.equal(fmt.toInstant('', '10:00'), null);
});

test('the offset follows the zone\'s rules on that date (daylight saving)', () => {
  const berlin = createFormat('Europe/Berlin');
  assert.equal(berlin.toInstant('2026-01-15', '12:00'), '2026-01-15T12:00:00+01:00');
  assert.equal(berlin.toInstant('2026-07-15', '12:00'), '2026-07-15T12:00:00+02:00');
  assert.equal(createFormat('America/Sao_Paulo').toInstant('2026-07-15', '12:00'), '2026-07-15T12:00:00-03:00');
});

test('the input value for now is the wall clock of the zone', () => {
  assert.equal(fmt.localInputNow(new Date('2026-03-01T20:15:00Z')), '2026-03-02T04:15');
});

test('numbers read the way Chinese tables read them', () => {
  assert.equal(fmt.number(1234567), '1,234,567');
  assert.equal(fmt.number(1234.567, 2), '1,234.57');
  assert.equal(fmt.number(''), '—');
  assert.equal(fmt.number(null), '—');
  assert.equal(fmt.number('abc'), '—');
  assert.equal(fmt.number(0), '0');
});

test('万 and 亿 for large counts and amounts', () => {
  assert.equal(fmt.compact(9999), '9,999');
  assert.equal(fmt.compact(12345), '1.23 万');
  assert.equal(fmt.compact(8_291_000, 1), '829.1 万');
  assert.equal(fmt.compact(123_456_789), '1.23 亿');
  assert.equal(fmt.compact(-50_000), '-5 万');
  assert.equal(fmt.compact(undefined), '—');
});

test('population, area and sizes', () => {
  assert.equal(fmt.population(669090), '669,090 人（66.9 万）');
  assert.equal(fmt.population(5000), '5,000 人');
  assert.equal(fmt.population(null), '暂无数据');
  assert.equal(fmt.area(1234.56), '1,234.6 km²');
  assert.equal(fmt.bytes(512), '512 B');
  assert.equal(fmt.bytes(2048), '2 KB');
  assert.equal(fmt.bytes(3 * 1024 * 1024), '3 MB');
});
