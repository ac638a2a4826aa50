/*
 * The warning editor and detail page: template → text, the target area on the map (divisions
 * picker, drawn polygons and circles) with the live recipient count, the approval buttons the
 * server allows, the CAP version chain, the review trail and the delivery coverage.
 */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api, listAll } from '../../js/components/api.js';
import { appUrl, fmt, pageData } from '../../js/components/context.js';
import { createMap, districtLayer, leaflet } from '../../js/components/map.js';
import { promptDialog } from '../../js/components/dialog.js';
import { clearErrors, showErrors } from '../../js/components/forms.js';
import { toast } from '../../js/components/toast.js';
import { COLOURS, drawArea, dt, label, levelBadge } from './common.js';

const LEVEL_OF = { 6: 'county', 9: 'township', 12: 'village' };
const state = { warning: null, area: { divisions: [], polygons: [], circles: [] }, names: {}, geometries: {},
  drawing: null, vertices: [], mode: 'view' };
let map = null;
let areaGroup = null;
let sketch = null;
let countTimer = null;

const form = () => byId('wn-form');
const catalog = () => pageData.catalog || { types: [], levels: [] };

function fillTemplate(force) {
  const type = catalog().types.find((t) => t.key === byId('wn-type').value);
  const level = catalog().levels.find((l) => l.key === byId('wn-level').value);
  if (!type || !level) return;
  const entry = type.levels[level.key];
  byId('wn-criteria').textContent = `${type.label}${level.label}预警（${level.grade}）判定：${entry.criteria}`;
  if (!force) return;
  const where = state.area.divisions.length ? (state.names[state.area.divisions[0]] || '') : '';
  byId('wn-headline').value = `${where || '相关地区'}发布${type.label}${level.label}预警`;
  byId('wn-description').value = `${type.label}${level.label}预警（${level.grade}）：${entry.criteria}。`;
  byId('wn-instruction').value = entry.guidance.map((g, i) => `${i + 1}. ${g}`).join('\n');
}

/** An upgrade or downgrade takes the new level's 防御指南 (the rest of the text stays as written). */
function upgradeGuidance() {
  const type = catalog().types.find((t) => t.key === byId('wn-type').value);
  const entry = type && type.levels[byId('wn-level').value];
  if (entry) byId('wn-instruction').value = entry.guidance.map((g, i) => `${i + 1}. ${g}`).join('\n');
}

function localInput(iso) {
  if (!iso) return '';
  const p = fmt.parts(new Date(iso));
  return `${p.year}-${p.month}-${p.day}T${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}

function instant(value) {
  if (!value) return null;
  const [d, t] = value.split('T');
  return fmt.toInstant(d, `${t}:00`);
}

function body() {
  const f = form();
  return {
    hazard_type: f.elements.hazard_type.value, level: f.elements.level.value,
    headline: f.elements.headline.value.trim() || null, description: f.elements.description.value,
    instruction: f.elements.instruction.value, area: state.area,
    onset: instant(f.elements.onset.value), expires: instant(f.elements.expires.value),
  };
}

// -- the area --------------------------------------------------------------------------------------
async function divisionGeometry(code) {
  if (code in state.geometries) return;
  state.geometries[code] = null;
  try {
    const fc = await api('/divisions/geojson', { query: { division: code, level: LEVEL_OF[code.length] } });
    const f = (fc.features || []).find((x) => x.id === code || (x.properties || {}).code === code);
    if (f) state.geometries[code] = f.geometry;
  } catch { /* no geometry (villages): listed only */ }
}

function colour() { return COLOURS[byId('wn-level').value] || '#888'; }

function redraw() {
  if (!areaGroup) return;
  areaGroup.clearLayers();
  drawArea(areaGroup, state.area, colour(), state.geometries);
  const items = [];
  const editable = state.mode !== 'view';
  const remove = (fn) => (editable ? el('button', { type: 'button', 'aria-label': '移除', text: '×', onclick: () => { fn(); changed(); } }) : null);
  state.area.divisions.forEach((code, i) => items.push(el('li', null, state.names[code] || code,
    remove(() => state.area.divisions.splice(i, 1)))));
  state.area.polygons.forEach((ring, i) => items.push(el('li', null, `多边形 ${i + 1}（${ring.length - 1} 个顶点）`,
    remove(() => state.area.polygons.splice(i, 1)))));
  state.area.circles.forEach((c, i) => items.push(el('li', null, `圆 ${i + 1}（半径 ${(c.radius_m / 1000).toFixed(1)} 公里）`,
    remove(() => state.area.circles.splice(i, 1)))));
  replace(byId('wn-area-list'), items.length ? items : [el('li', { class: 'muted', text: '尚未选择发布范围' })]);
}

async function count() {
  const box = byId('wn-count');
  const a = state.area;
  if (!a.divisions.length && !a.polygons.length && !a.circles.length) { replace(box, el('span', { class: 'muted', text: '选择范围后显示覆盖的接收对象' })); return; }
  try {
    const r = await api('/warnings/count', { method: 'POST', body: { area: a } });
    const kinds = Object.entries(r.by_kind || {}).map(([k, n]) => `${label('broadcast_kinds', k) || k} ${fmt.number(n)}`);
    replace(box, el('span', null, '范围内接收对象 ', el('strong', { id: 'wn-count-recipients', text: fmt.number(r.recipients ?? 0) }),
      ' 个，覆盖人口 ', el('strong', { id: 'wn-count-population', text: fmt.number(r.population ?? 0) }), ' 人',
      kinds.length ? el('span', { class: 'muted', text: `（${kinds.join('，')}）` }) : null));
  } catch (err) {
    replace(box, el('span', { class: 'muted', text: `接收对象统计暂不可用：${err.message}` }));
  }
}

function changed() {
  redraw();
  clearTimeout(countTimer);
  countTimer = setTimeout(count, 300);
}

async function addDivision() {
  const code = byId('wn-division-village').value || byId('wn-division-township').value || byId('wn-division-county').value;
  if (!code) { toast('请先选择区县、乡镇或村', 'error'); return; }
  if (state.area.divisions.includes(code)) return;
  const sel = [byId('wn-division-village'), byId('wn-division-township'), byId('wn-division-county')].find((s) => s.value === code);
  state.names[code] = sel.options[sel.selectedIndex].textContent;
  state.area.divisions.push(code);
  await divisionGeometry(code);
  changed();
}

async function options(select, query, blank) {
  const rows = await listAll('/divisions', query);
  replace(select, el('option', { value: '', text: blank }), rows.map((d) => el('option', { value: d.code, text: d.name })));
}

function initPicker() {
  const county = byId('wn-division-county');
  const town = byId('wn-division-township');
  const village = byId('wn-division-village');
  options(county, { level: 'county', page_size: 200 }, '选择区县').catch(() => {});
  county.addEventListener('change', () => {
    replace(village, el('option', { value: '', text: '（整个乡镇）' }));
    if (county.value) options(town, { parent: county.value, page_size: 200 }, '（整个区县）').catch(() => {});
  });
  town.addEventListener('change', () => {
    if (town.value) options(village, { parent: town.value, page_size: 500 }, '（整个乡镇）').catch(() => {});
  });
  byId('wn-add-division').addEventListener('click', addDivision);
}

function stopDrawing() {
  state.drawing = null;
  state.vertices = [];
  if (sketch) { sketch.remove(); sketch = null; }
  byId('wn-finish').hidden = true;
  map.getContainer().classList.remove('wn-drawing');
}

function initDrawing() {
  const L = leaflet();
  byId('wn-draw-polygon').addEventListener('click', () => {
    stopDrawing();
    state.drawing = 'polygon';
    byId('wn-finish').hidden = false;
    toast('在地图上依次点击多边形的顶点，然后点“完成绘制”');
  });
  byId('wn-draw-circle').addEventListener('click', () => {
    stopDrawing();
    state.drawing = 'circle';
    toast('在地图上点击圆心');
  });
  byId('wn-finish').addEventListener('click', () => {
    if (state.vertices.length >= 3) {
      const ring = state.vertices.map((p) => [Number(p.lng.toFixed(6)), Number(p.lat.toFixed(6))]);
      ring.push(ring[0]);
      state.area.polygons.push(ring);
      changed();
    } else {
      toast('多边形至少需要 3 个顶点', 'error');
    }
    stopDrawing();
  });
  byId('wn-clear-area').addEventListener('click', () => {
    stopDrawing();
    state.area = { divisions: [], polygons: [], circles: [] };
    changed();
  });
  map.on('click', (e) => {
    if (state.drawing === 'circle') {
      const km = Number(byId('wn-radius').value) || 3;
      state.area.circles.push({ lon: Number(e.latlng.lng.toFixed(6)), lat: Number(e.latlng.lat.toFixed(6)), radius_m: Math.round(km * 1000) });
      stopDrawing();
      changed();
    } else if (state.drawing === 'polygon') {
      state.vertices.push(e.latlng);
      if (sketch) sketch.remove();
      sketch = L.polyline(state.vertices, { color: colour(), dashArray: '4 4' }).addTo(map);
    }
  });
}

// -- the warning ---------------------------------------------------------------------------------
function setEditable(on) {
  for (const c of form().elements) if (c.name) c.disabled = !on;
  for (const id of ['wn-add-division', 'wn-draw-polygon', 'wn-draw-circle', 'wn-clear-area', 'wn-division-county', 'wn-division-township', 'wn-division-village', 'wn-radius']) byId(id).disabled = !on;
  byId('wn-note-label').hidden = state.mode !== 'update';
  byId('wn-note').disabled = state.mode !== 'update';
}

function fill(w) {
  const f = form();
  f.elements.hazard_type.value = w.hazard_type;
  f.elements.level.value = w.level;
  f.elements.headline.value = w.headline;
  f.elements.description.value = w.description;
  f.elements.instruction.value = w.instruction;
  f.elements.onset.value = localInput(w.onset);
  f.elements.expires.value = localInput(w.expires);
  state.area = JSON.parse(JSON.stringify(w.area || { divisions: [], polygons: [], circles: [] }));
  state.area.divisions = state.area.divisions || [];
  state.area.polygons = state.area.polygons || [];
  state.area.circles = state.area.circles || [];
  fillTemplate(false);
}

async function act(path, payload, done) {
  const box = byId('wn-errors');
  clearErrors(form(), box);
  try {
    const w = await api(`/warnings/${state.warning.id}${path}`, { method: path ? 'POST' : 'PATCH', body: payload });
    toast(done);
    show(w);
  } catch (err) {
    showErrors(form(), err, box);
  }
}

function button(text, id, onclick, kind = 'btn') {
  return el('button', { type: 'button', class: kind, id, text, onclick });
}

function buttons(w) {
  const out = [];
  const allowed = new Set(w ? w.allowed : []);
  if (!w) {
    out.push(button('保存草稿', 'wn-save', async () => {
      const box = byId('wn-errors');
      clearErrors(form(), box);
      try {
        const created = await api('/warnings', { method: 'POST', body: body() });
        window.location.assign(appUrl(`/monitoring/warnings/${created.id}`));
      } catch (err) { showErrors(form(), err, box); }
    }, 'btn btn-primary'));
    return out;
  }
  if (state.mode === 'update') {
    out.push(button('提交更新（送审）', 'wn-send-update', () => act('/update', { ...body(), hazard_type: undefined, note: byId('wn-note').value.trim() }, '更新已提交审批'), 'btn btn-primary'));
    out.push(button('放弃', 'wn-cancel-edit', () => { state.mode = 'view'; show(w); }));
    return out;
  }
  if (allowed.has('edit')) out.push(button('保存修改', 'wn-save', () => act('', { ...body(), hazard_type: undefined }, '已保存')));
  if (allowed.has('submit')) out.push(button('提交审批', 'wn-submit', () => act('/submit', { text: '' }, '已提交审批'), 'btn btn-primary'));
  if (allowed.has('approve')) out.push(button('审批通过', 'wn-approve', () => act('/approve', { text: '' }, '已审批通过'), 'btn btn-primary'));
  if (allowed.has('reject')) {
    out.push(button('退回', 'wn-reject', async () => {
      const text = await promptDialog({ title: '退回预警', label: '退回原因', ids: { input: 'wn-reject-reason', confirm: 'wn-reject-confirm' } });
      if (text) act('/reject', { text }, '已退回');
    }));
  }
  if (allowed.has('publish')) out.push(button('签发', 'wn-publish', () => act('/publish', undefined, '已签发'), 'btn btn-danger'));
  if (allowed.has('update')) out.push(button('更新 / 升级 / 降级', 'wn-update', () => { state.mode = 'update'; show(w); }));
  if (allowed.has('cancel')) {
    out.push(button('解除预警', 'wn-cancel', async () => {
      const note = await promptDialog({ title: '解除预警', label: '解除原因', multiline: false, ids: { input: 'wn-cancel-reason', confirm: 'wn-cancel-confirm' } });
      if (note) act('/cancel', { note }, '解除申请已提交审批');
    }));
  }
  if (allowed.has('comment')) {
    out.push(button('添加意见', 'wn-comment', async () => {
      const text = await promptDialog({ title: '审批意见', label: '意见', ids: { input: 'wn-comment-text', confirm: 'wn-comment-confirm' } });
      if (text) act('/comments', { text }, '意见已记录');
    }));
  }
  return out;
}

function coverageView(c) {
  const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
  const secs = (s) => (s === null || s === undefined ? '未完成' : `${s} 秒`);
  const rows = Object.entries(c.by_district || {}).map(([code, d]) => el('tr', null,
    el('td', { text: state.names[code] || code }), el('td', { class: 'num', text: fmt.number(d.targeted) }),
    el('td', { class: 'num', text: fmt.number(d.delivered) }), el('td', { class: 'num', text: pct(d.rate) })));
  return [
    el('p', null, `第 ${c.version} 版 · 覆盖率 `, el('strong', { id: 'wn-coverage-rate', text: pct(c.rate) }),
      `（目标 ${pct(c.target_rate)}）· 已送达人口 ${fmt.number(c.delivered)} / ${fmt.number(c.targeted)} · 责任人 ${c.officials_delivered}/${c.officials}（${secs(c.officials_seconds)}）· 公众 90% 用时 ${secs(c.public_p90_seconds)}`),
    el('div', { class: 'wn-coverage-bar' }, el('div', { class: 'wn-coverage-fill', style: { width: `${Math.min(100, (c.rate || 0) * 100)}%` } })),
    rows.length ? el('table', { class: 'data-table' }, el('thead', null, el('tr', null, ['区县', '目标人口', '已送达', '覆盖率'].map((h) => el('th', { text: h })))), el('tbody', null, rows)) : null,
  ];
}

let coverageTimer = null;

function show(w) {
  state.warning = w;
  if (state.mode === 'update' && !(w.allowed || []).includes('update')) state.mode = 'view';
  if (state.mode !== 'update') state.mode = (w.allowed || []).includes('edit') ? 'edit' : 'view';
  fill(w);
  for (const code of state.area.divisions) state.names[code] = state.names[code] || code;
  Promise.all(state.area.divisions.map(divisionGeometry)).then(redraw);
  byId('wn-title').textContent = w.headline;
  replace(byId('wn-status'), levelBadge(w.level), el('span', { class: 'badge', id: 'wn-state', text: label('warning_status', w.status) }),
    el('span', { class: 'badge', id: 'wn-review', text: label('warning_review', w.review) }),
    el('span', { class: 'muted', text: `第 ${w.version} 版 · 修订 ${w.revision} · 起草 ${w.author}${w.approved_by ? ` · 审批 ${w.approved_by}` : ''}` }));
  byId('wn-subtitle').textContent = `${label('warning_types', w.hazard_type)} · ${w.area_desc} · 来源：${label('warning_sources', w.source)}`;
  setEditable(state.mode !== 'view');
  byId('wn-type').disabled = true;
  replace(byId('wn-buttons'), buttons(w));
  changed();
  byId('wn-history').hidden = !w.versions.length;
  replace(byId('wn-versions').tBodies[0], w.versions.map((v) => el('tr', null,
    el('td', { class: 'num', text: String(v.version) }), el('td', { text: label('warning_msg_types', v.msg_type) }),
    el('td', { class: 'mono', text: v.identifier }), el('td', { class: 'nowrap', text: dt(v.sent) }),
    el('td', null, levelBadge(v.level)), el('td', { class: 'mono small', text: v.references.split(' ').map((r) => r.split(',')[1] || '').join(' ') }),
    el('td', { text: `${v.author} / ${v.approved_by || '—'} / ${v.published_by}` }),
    el('td', null, el('a', { href: appUrl(`/api/v1/warnings/${w.id}/versions/${v.version}/cap.xml`), text: 'XML' })))));
  byId('wn-reviews-card').hidden = !w.reviews.length;
  replace(byId('wn-reviews'), w.reviews.map((r) => el('li', { class: r.kind === 'reject' ? 'wn-reject' : null },
    `${dt(r.at)} ${r.actor} ${label('warning_review_kinds', r.kind)}（修订 ${r.revision}）`, r.text ? `：${r.text}` : '')));
  byId('wn-coverage-card').hidden = !w.coverage;
  if (w.coverage) {
    replace(byId('wn-coverage'), coverageView(w.coverage));
    clearTimeout(coverageTimer);
    if (w.coverage.state !== 'done') coverageTimer = setTimeout(refresh, 2000);
  }
}

async function refresh() {
  try { show(await api(`/warnings/${state.warning.id}`)); } catch { /* keep the page */ }
}

export async function start() {
  map = createMap(byId('wn-map'));
  areaGroup = leaflet().featureGroup().addTo(map);
  districtLayer('county', { style: { color: '#8a96a3', weight: 1, fill: false } }).then(({ layer }) => layer.addTo(map)).catch(() => {});
  initPicker();
  initDrawing();
  byId('wn-type').addEventListener('change', () => fillTemplate(state.mode !== 'update'));
  byId('wn-level').addEventListener('change', () => {
    fillTemplate(state.mode !== 'update' && !state.warning);
    if (state.mode === 'update') upgradeGuidance();
    redraw();
  });
  if (pageData.warning_id) {
    show(await api(`/warnings/${pageData.warning_id}`));
  } else {
    state.mode = 'new';
    fillTemplate(true);
    setEditable(true);
    replace(byId('wn-buttons'), buttons(null));
    changed();
  }
}
