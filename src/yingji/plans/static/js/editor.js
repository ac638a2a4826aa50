/*
 * 预案编辑: the structured form of a plan (triggers, response levels, command groups, roles and tasks,
 * resources, revision notes — each an editable table), its lifecycle buttons, its versions with a
 * readable diff, and the activation form that starts the plan and opens its task board.
 */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, pageData } from '../../js/components/context.js';
import { promptDialog } from '../../js/components/dialog.js';
import { toast } from '../../js/components/toast.js';
import { catalog, dt, label, levelsText, parseLevels, stateBadge } from './common.js';

const ACTION_LABELS = { approve: '审批通过', file: '备案', revise: '启动修订' };
const LEVEL_OPTIONS = { 1: 'Ⅰ级', 2: 'Ⅱ级', 3: 'Ⅲ级', 4: 'Ⅳ级' };
let plan = null;
const tables = {};

/* --- a generic editable table: columns [{key, label, type: text|number|select|levels, options}] --- */
function editableTable(sectionId, title, columns, rows, editable) {
  const body = el('tbody');
  function addRow(values = {}) {
    const tr = el('tr');
    for (const c of columns) {
      const v = values[c.key];
      let input;
      if (c.type === 'select') {
        input = el('select', { name: c.key, disabled: !editable, 'aria-label': c.label },
          Object.entries(c.options).map(([k, text]) => el('option', { value: k, text })));
        input.value = v === undefined || v === null ? Object.keys(c.options)[0] : String(v);
      } else {
        input = el('input', { name: c.key, type: c.type === 'number' ? 'number' : 'text', min: c.type === 'number' ? 0 : null,
          readonly: !editable, 'aria-label': c.label, class: c.wide ? 'pl-wide' : null,
          placeholder: c.type === 'levels' ? '各级' : null });
        input.value = c.type === 'levels' ? levelsText(v) : (v === undefined || v === null ? '' : String(v));
      }
      tr.append(el('td', null, input));
    }
    tr.append(el('td', null, editable ? el('button', { type: 'button', class: 'btn btn-small', text: '删除', 'aria-label': `删除此行（${title}）`, onclick: () => tr.remove() }) : null));
    body.append(tr);
  }
  (rows || []).forEach(addRow);
  replace(byId(sectionId),
    el('h3', { class: 'pl-sub', text: title }),
    el('div', { class: 'table-scroll' }, el('table', { class: 'data-table pl-edit-table', dataset: { section: sectionId } },
      el('thead', null, el('tr', null, columns.map((c) => el('th', { text: c.label })), el('th', { text: '' }))), body)),
    editable ? el('button', { type: 'button', class: 'btn btn-small pl-add', text: `添加${title}`, onclick: () => addRow() }) : null);
  tables[sectionId] = { columns, body };
}

function readTable(sectionId) {
  const { columns, body } = tables[sectionId];
  const out = [];
  for (const tr of body.rows) {
    const row = {};
    let empty = true;
    columns.forEach((c, i) => {
      const input = tr.cells[i].firstChild;
      const raw = input.value.trim();
      if (raw && c.type !== 'select') empty = false;
      if (c.type === 'number') row[c.key] = raw === '' ? 0 : Number(raw);
      else if (c.type === 'levels') row[c.key] = parseLevels(raw);
      else if (c.type === 'select' && c.numeric) row[c.key] = raw === '' ? null : Number(raw);
      else row[c.key] = raw;
    });
    if (!empty) out.push(row);
  }
  return out;
}

function render() {
  const c = plan.content;
  const editable = plan.can_edit;
  byId('pl-title').textContent = plan.title;
  byId('pl-meta').textContent = `${plan.kind_label} · ${plan.level_label} · ${plan.division_name || plan.division_code}`
    + `${plan.department ? ` · ${plan.department}` : ''} · 第 ${plan.version} 版${plan.filing_no ? ` · 备案号 ${plan.filing_no}` : ''}`;
  replace(byId('pl-badges'), stateBadge(plan.state), plan.synthetic ? el('span', { class: 'pl-badge pl-synthetic', text: '合成演示数据' }) : null);
  byId('pl-edit-state').textContent = editable ? '（可编辑）' : '（只读：已审批或备案的预案须先“启动修订”）';
  byId('pl-summary').value = c.summary || '';
  byId('pl-hq').value = c.command.headquarters || '';
  byId('pl-commander').value = c.command.commander || '';
  for (const id of ['pl-summary', 'pl-hq', 'pl-commander']) byId(id).readOnly = !editable;
  byId('pl-save-row').hidden = !editable;
  const types = catalog.incident_types || {};
  editableTable('pl-sec-triggers', '启动条件', [
    { key: 'incident_type', label: '事件类型', type: 'select', options: types },
    { key: 'grades', label: '事件等级', type: 'levels' },
    { key: 'response_level', label: '响应级别', type: 'select', options: LEVEL_OPTIONS, numeric: true },
    { key: 'condition', label: '启动条件说明', wide: true }], c.triggers, editable);
  editableTable('pl-sec-levels', '响应分级', [
    { key: 'level', label: '级别', type: 'select', options: LEVEL_OPTIONS, numeric: true },
    { key: 'name', label: '名称' }, { key: 'criteria', label: '启动标准', wide: true }, { key: 'commander', label: '指挥长' }],
  c.response_levels, editable);
  editableTable('pl-sec-groups', '工作组', [
    { key: 'name', label: '工作组' }, { key: 'lead', label: '牵头单位' }, { key: 'members', label: '成员单位', wide: true }],
  c.command.groups, editable);
  const taskRows = [];
  for (const role of c.roles) {
    for (const t of role.tasks || []) taskRows.push({ name: role.name, group: role.group, owner: role.owner, ...t });
    if (!(role.tasks || []).length) taskRows.push({ name: role.name, group: role.group, owner: role.owner });
  }
  editableTable('pl-sec-tasks', '职责任务', [
    { key: 'name', label: '角色' }, { key: 'group', label: '所属工作组' }, { key: 'owner', label: '责任单位' },
    { key: 'title', label: '任务', wide: true }, { key: 'deadline_minutes', label: '时限（分钟）', type: 'number' },
    { key: 'levels', label: '适用响应级别', type: 'levels' }], taskRows, editable);
  editableTable('pl-sec-resources', '调用资源', [
    { key: 'unit_type', label: '力量类型', type: 'select', options: catalog.unit_types || {} },
    { key: 'count', label: '数量', type: 'number' }, { key: 'note', label: '说明', wide: true },
    { key: 'levels', label: '适用响应级别', type: 'levels' }], c.resources, editable);
  editableTable('pl-sec-notes', '修订事项', [{ key: 'text', label: '事项', wide: true }], c.revision_notes, editable);

  replace(byId('pl-actions'), (plan.actions || []).map((a) => el('button', {
    type: 'button', class: a === 'revise' ? 'btn' : 'btn btn-primary', dataset: { action: a }, text: ACTION_LABELS[a],
    onclick: () => transition(a),
  })));
  const card = byId('pl-activate-card');
  card.hidden = !plan.can_activate;
  if (plan.can_activate) {
    const sel = byId('pl-act-type');
    const mine = (c.triggers || []).map((t) => t.incident_type).filter((t) => t !== '*');
    const keys = mine.length ? [...new Set(mine)] : Object.keys(types).filter((k) => k !== '*');
    replace(sel, keys.map((k) => el('option', { value: k, text: label('incident_types', k) })));
  }
}

function collect() {
  const roles = [];
  const byName = new Map();
  for (const r of readTable('pl-sec-tasks')) {
    if (!r.name) throw new Error('职责任务：每一行都须填写角色');
    let role = byName.get(r.name);
    if (!role) { role = { name: r.name, group: r.group, owner: r.owner, tasks: [] }; byName.set(r.name, role); roles.push(role); }
    if (r.title) role.tasks.push({ title: r.title, deadline_minutes: r.deadline_minutes, levels: r.levels });
  }
  const notes = readTable('pl-sec-notes').map((n, i) => ({ ...(plan.content.revision_notes[i] || { source: 'manual' }), text: n.text }));
  return {
    summary: byId('pl-summary').value,
    triggers: readTable('pl-sec-triggers').map((t) => ({ ...t, response_level: t.response_level || null })),
    response_levels: readTable('pl-sec-levels'),
    command: { headquarters: byId('pl-hq').value.trim(), commander: byId('pl-commander').value.trim(), groups: readTable('pl-sec-groups') },
    roles,
    resources: readTable('pl-sec-resources'),
    revision_notes: notes,
  };
}

async function transition(action) {
  const body = { action };
  if (action === 'file') {
    const no = await promptDialog({ title: '预案备案', label: '备案编号', multiline: false, maxlength: 64, ids: { input: 'pl-filing-no', confirm: 'pl-filing-confirm' } });
    if (!no) return;
    body.filing_no = no;
  }
  try {
    plan = await api(`/plans/${plan.id}/transitions`, { method: 'POST', body });
    toast(`已${ACTION_LABELS[action]}`, 'success');
    render();
    loadVersions();
  } catch (err) {
    byId('pl-error').textContent = err.message;
  }
}

async function loadVersions() {
  const versions = await api(`/plans/${plan.id}/versions`);
  replace(byId('pl-versions'), versions.map((v) => el('li', null,
    el('strong', { text: `第 ${v.number} 版` }), ` ${label('states', v.state)} · ${dt(v.created_at)} · ${v.created_by}`,
    v.note ? el('div', { class: 'muted', text: v.note }) : null)));
  const opts = () => versions.map((v) => el('option', { value: v.number, text: `第 ${v.number} 版` }));
  replace(byId('pl-diff-from'), opts());
  replace(byId('pl-diff-to'), opts());
  if (versions.length > 1) byId('pl-diff-from').value = String(versions[1].number);
}

const OPS = { added: '新增', removed: '删除', changed: '修改' };
async function showDiff() {
  const d = await api(`/plans/${plan.id}/diff`, { query: { from: byId('pl-diff-from').value, to: byId('pl-diff-to').value } });
  replace(byId('pl-diff'), d.changes.length ? el('ul', null, d.changes.map((ch) => el('li', { class: `pl-diff-${ch.op}` },
    el('span', { class: 'pl-badge', text: OPS[ch.op] }), ` ${ch.section}：`,
    ch.before ? el('del', { text: ch.before }) : null, ch.before && ch.after ? ' → ' : null,
    ch.after ? el('ins', { text: ch.after }) : null)))
    : el('p', { class: 'muted', text: `第 ${d.from_version} 版与第 ${d.to_version} 版内容相同` }));
}

async function loadRelated() {
  const [acts, drills] = await Promise.all([
    api('/plans/activations', { query: { plan_id: plan.id, page_size: 10 } }),
    api('/plans/drills', { query: { plan_id: plan.id, page_size: 10 } })]);
  replace(byId('pl-plan-activations'), acts.items.length ? acts.items.map((a) => el('li', null,
    el('a', { href: appUrl(`/command/plans/activations/${a.id}`), text: `启动：${a.title}` }),
    el('span', { class: 'muted', text: ` ${dt(a.activated_at)} · ${label('response_levels', a.response_level)}${a.state === 'closed' ? ' · 已结束' : ''}` })))
    : el('li', { class: 'muted', text: '尚未启动过' }));
  replace(byId('pl-plan-drills'), drills.items.length ? drills.items.map((d) => el('li', null,
    el('a', { href: appUrl('/command/drills'), text: `演练：${d.title}` }),
    el('span', { class: 'muted', text: ` ${dt(d.held_at)}${d.score !== null ? ` · ${d.score} 分` : ''}` })))
    : el('li', { class: 'muted', text: '尚无演练记录' }));
}

export async function start() {
  plan = await api(`/plans/${pageData.plan_id}`);
  render();
  await loadVersions();
  loadRelated().catch((err) => toast(err.message, 'error'));
  byId('pl-diff-show').addEventListener('click', () => showDiff().catch((err) => toast(err.message, 'error')));
  byId('pl-content-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = byId('pl-save');
    byId('pl-error').textContent = '';
    button.disabled = true;
    try {
      plan = await api(`/plans/${plan.id}`, { method: 'PATCH', body: { content: collect(), note: byId('pl-note').value.trim() } });
      byId('pl-note').value = '';
      toast(`已保存为第 ${plan.version} 版`, 'success');
      render();
      loadVersions();
    } catch (err) {
      byId('pl-error').textContent = err.field ? `${err.message}（${err.field}）` : err.message;
    } finally {
      button.disabled = false;
    }
  });
  byId('pl-activate-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target;
    const body = { incident_type: f.incident_type.value, grade: Number(f.grade.value), title: f.title.value.trim() };
    if (f.incident_id.value) body.incident_id = Number(f.incident_id.value);
    if (f.lon.value && f.lat.value) { body.lon = Number(f.lon.value); body.lat = Number(f.lat.value); }
    byId('pl-activate').disabled = true;
    try {
      const board = await api(`/plans/${plan.id}/activations`, { method: 'POST', body });
      window.location.assign(appUrl(`/command/plans/activations/${board.id}`));
    } catch (err) {
      byId('pl-error').textContent = err.message;
      byId('pl-activate').disabled = false;
    }
  });
}
