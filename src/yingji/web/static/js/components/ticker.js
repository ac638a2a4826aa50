/**
 * The live ticker (实时动态): recent events, then the Server-Sent Events stream of new ones.
 *
 * The last event id seen is kept in sessionStorage; a page that opens a new stream passes it as
 * `last_event_id`, so the server can replay what happened while the browser moved between pages,
 * and a reconnect sends it as the Last-Event-ID header. The stream is read with fetch() rather
 * than EventSource: EventSource delivers a named event ("event: hazard.listed") only to a
 * listener registered for that exact name, and every domain adds names; reading the stream
 * ourselves delivers every type and stops cleanly when the session ends (401).
 *
 *   onEvent((evt) => …)   // every live event: {id, type, occurred_at, division_code, summary, payload}
 */
import { el, replace } from '../lib/dom.js';
import { api } from './api.js';
import { can, fmt, labelOf, root, user } from './context.js';
import { divisionName, levelOf, onDivision } from './divisions.js';
import { sseParser } from '../lib/sse.js';
import { toast } from './toast.js';

const MAX_EVENTS = 50;
const STORAGE_KEY = 'yingji.lastEventId';
const events = [];
const seen = new Set();
const listeners = [];

export function onEvent(cb) { listeners.push(cb); }

function eventKey(evt) {
  return evt.id !== undefined && evt.id !== null ? String(evt.id) : `${evt.type}|${evt.occurred_at}|${evt.summary}`;
}

function rememberId(id) {
  if (id === null || id === undefined || id === '') return;
  try { sessionStorage.setItem(STORAGE_KEY, String(id)); } catch { /* storage off: no replay across pages */ }
}
function lastId() {
  try { return sessionStorage.getItem(STORAGE_KEY); } catch { return null; }
}

/**
 * Whether an event hands the signed-in user a to-do: a hazard step's event carries `payload.todo`
 * {audience, audience_level, action, message} — the next step, addressed as the server addresses it.
 */
export function addressedToMe(evt) {
  const p = (evt && evt.payload) || {};
  const todo = p.todo;
  if (!user || !todo || !can('hazards:write')) return false;
  if (todo.audience === 'unit') return user.unit_id !== null && user.unit_id === p.unit_id;
  if (todo.audience !== 'government' || user.unit_id !== null) return false;
  const mine = levelOf(user.scope_code);
  return mine === 'township' || mine === 'county' ? true : mine === 'city' && todo.audience_level === 'city';
}

function eventItem(evt, long) {
  const where = divisionName(evt.division_code);
  const kind = labelOf('event_types', evt.type);
  return el('li', { class: ['ticker-item', addressedToMe(evt) && 'ticker-mine'], dataset: { type: evt.type || '' },
    title: `${fmt.datetime(evt.occurred_at)} ${kind && kind !== evt.type ? `［${kind}］` : ''}${evt.summary || ''}` },
    el('time', { datetime: evt.occurred_at, text: long ? fmt.datetime(evt.occurred_at) : fmt.shortTime(evt.occurred_at) }),
    where ? el('span', { class: 'ticker-where', text: where }) : null,
    el('span', { class: 'ticker-text', text: evt.summary || kind || '' }),
    addressedToMe(evt) ? el('span', { class: 'ticker-todo', text: '待我处理' }) : null);
}

function render(fresh = []) {
  const list = document.getElementById('ticker-list');
  const panel = document.getElementById('ticker-panel-list');
  if (!list) return;
  const freshKeys = new Set(fresh.map(eventKey));
  replace(list, events.length ? events.slice(0, 5).map((evt) => {
    const item = eventItem(evt, false);
    if (freshKeys.has(eventKey(evt))) item.classList.add('ticker-fresh');
    return item;
  }) : el('li', { class: 'ticker-empty', text: '暂无动态' }));
  if (panel) {
    replace(panel, events.length ? events.slice(0, 20).map((evt) => eventItem(evt, true)) : el('li', { class: 'muted', text: '暂无动态' }));
  }
}

function add(list, live) {
  const added = [];
  for (const evt of list) {
    if (!evt || typeof evt !== 'object') continue;
    const key = eventKey(evt);
    if (seen.has(key)) continue;
    seen.add(key);
    events.push(evt);
    added.push(evt);
  }
  if (!added.length) return;
  events.sort((a, b) => String(b.occurred_at).localeCompare(String(a.occurred_at)));
  if (events.length > MAX_EVENTS) events.length = MAX_EVENTS;
  render(live ? added : []);
  if (live) {
    for (const evt of added) {
      if (addressedToMe(evt)) toast(`新待办：${evt.payload.todo.message || evt.summary || ''}`, 'info');
      for (const cb of listeners) {
        try { cb(evt); } catch (e) { console.error(e); }
      }
    }
  }
}

function setState(state) {
  const dot = document.getElementById('ticker-dot');
  if (!dot) return;
  dot.className = `ticker-dot ticker-dot-${state}`;
  dot.title = { live: '实时连接正常', connecting: '正在连接…', down: '实时连接中断，正在重连' }[state] || '';
  const ticker = document.getElementById('event-ticker');
  if (ticker) ticker.dataset.state = state;
}

let retryMs = 3000;
let reconnecting = false;

async function connect() {
  setState('connecting');
  const headers = { Accept: 'text/event-stream' };
  const since = lastId();
  let url = `${root}/api/v1/events/stream`;
  if (reconnecting && since) headers['Last-Event-ID'] = since;          // what EventSource sends on reconnect
  else if (since) url += `?last_event_id=${encodeURIComponent(since)}`;  // a new page: ask for what it missed
  let wait = retryMs;
  try {
    const resp = await fetch(url, { headers, credentials: 'same-origin', cache: 'no-store' });
    if (resp.status === 401) { setState('down'); return; }
    if (!resp.ok || !resp.body) throw new Error(`HTTP ${resp.status}`);
    setState('live');
    const reader = resp.body.getReader();
    const decoder = new TextDecoder('utf-8');
    const feed = sseParser(({ id, type, data }) => {
      if (data !== null) {
        try {
          const evt = JSON.parse(data);
          if (evt && typeof evt === 'object') {
            if (!evt.type && type !== 'message') evt.type = type;
            add([evt], true);
          }
        } catch { /* not JSON: not for us */ }
      }
      if (id !== null) rememberId(id);
    }, (ms) => { retryMs = Math.max(1000, ms); });
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      feed(decoder.decode(chunk.value, { stream: true }));
    }
  } catch {
    wait = Math.min(retryMs * 2, 30000);
  }
  setState('down');
  reconnecting = true;
  setTimeout(connect, wait);
}

export function initTicker() {
  if (!document.getElementById('event-ticker') || !user) return;
  const more = document.getElementById('ticker-more');
  const panel = document.getElementById('ticker-panel');
  if (more && panel) {
    more.addEventListener('click', (e) => {
      e.stopPropagation();
      panel.hidden = !panel.hidden;
      more.setAttribute('aria-expanded', String(!panel.hidden));
    });
    document.addEventListener('click', (e) => {
      if (!panel.hidden && !panel.contains(e.target)) { panel.hidden = true; more.setAttribute('aria-expanded', 'false'); }
    });
  }
  api('/events', { query: { page_size: 20 } })
    .then((data) => {
      const items = (data && data.items) || [];
      add(items, false);
      // a first visit starts the stream after the newest event it has shown
      if (!lastId() && items.length) rememberId(items.reduce((a, b) => (Number(b.id) > Number(a.id) ? b : a)).id);
    })
    .catch((e) => console.warn('events', e))
    .then(connect);
  onDivision(() => render());  // division names arrive after the first render
}
