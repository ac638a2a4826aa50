import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sseParser } from '../../src/yingji/web/static/js/lib/sse.js';

function collect(chunks) {
  const got = [];
  const retries = [];
  const feed = sseParser((m) => got.push(m), (ms) => retries.push(ms));
  chunks.forEach(feed);
  return { got, retries };
}

test('events with ids, types and multi-line data; comments ignored', () => {
  const { got, retries } = collect(['retry: 3000\n: connected\n\n',
    'id: 7\nevent: hazard.listed\ndata: {"a":1}\n\n', 'data: line 1\ndata: line 2\n\n']);
  assert.deepEqual(retries, [3000]);
  assert.deepEqual(got, [
    { id: '7', type: 'hazard.listed', data: '{"a":1}' },
    { id: null, type: 'message', data: 'line 1\nline 2' },
  ]);
});

test('events split across chunks anywhere, with any line ending', () => {
  const { got } = collect(['id: 1\r', '\nevent: x\r\nda', 'ta: {"b"', ':2}\r\n\r', '\n', 'id: 2\rdata: y\r\r', ': ping\n']);   // a final CR waits for the next chunk
  assert.deepEqual(got, [{ id: '1', type: 'x', data: '{"b":2}' }, { id: '2', type: 'message', data: 'y' }]);
});

test('an id without data still moves the last event id', () => {
  assert.deepEqual(collect(['id: 9\n\n']).got, [{ id: '9', type: '', data: null }]);
});
