/* 预警发布控制台: the campaigns, the chosen one's live delivery progress, channels and coverage per district. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { fmt, pageData } from '../../js/components/context.js';
import { bindTextTooltip, createMap, districtLayer, fitTo } from '../../js/components/map.js';
import { toast } from '../../js/components/toast.js';
import { TARGET, aimNote, campaignName, colourSwatch, duration, names, pct, rateCell, stateName } from './common.js';

const POLL_MS = 2000;
let current = null;
let timer = null;
let districts = null;
let lastCoverage = {};

function setNote(id, note) {
  const node = byId(id);
  node.textContent = note.text;
  node.className = note.cls;
}

function rateColour(rate) {
  if (rate === null || rate === undefined) return '#d9dee5';
  if (rate >= TARGET) return '#2e9d57';
  if (rate >= 0.5) return '#e8a317';
  return '#d7263d';
}

function paintMap() {
  if (!districts) return;
  districts.setStyle((f) => {
    const d = lastCoverage[f.properties.code];
    return { color: '#5b6b7f', weight: 1, fillOpacity: d ? 0.6 : 0.15, fillColor: rateColour(d ? d.rate : null) };
  });
}

async function loadMap() {
  const map = createMap(byId('bc-map'), { zoomControl: true });
  try {
    const { layer } = await districtLayer('county', { interactive: true });
    districts = layer;
    layer.eachLayer((l) => bindTextTooltip(l, () => {
      const code = l.feature.properties.code;
      const d = lastCoverage[code];
      return el('span', { text: `${l.feature.properties.name}：${d ? `覆盖率 ${pct(d.rate)}（${fmt.number(d.delivered)} / ${fmt.number(d.targeted)} 人）` : '不在发布范围'}` });
    }, { sticky: true }));
    layer.addTo(map);
    fitTo(map, layer.getBounds(), { padding: [8, 8] });
    paintMap();
  } catch {
    /* the outlines are decoration */
  }
}

function render(c) {
  byId('bc-empty').hidden = true;
  byId('bc-body').hidden = false;
  replace(byId('bc-title'), colourSwatch(c.severity_colour), ` ${campaignName(c)}`);
  byId('bc-rate').textContent = pct(c.rate);
  byId('bc-rate').className = c.rate !== null && c.rate >= TARGET ? 'bc-ok' : '';
  byId('bc-rate-note').textContent = `${fmt.number(c.delivered)} / ${fmt.number(c.targeted)} 人（目标 ${pct(c.target_rate)}）`;
  byId('bc-officials').textContent = `${fmt.number(c.officials_delivered)} / ${fmt.number(c.officials)} · ${duration(c.officials_seconds)}`;
  setNote('bc-officials-note', aimNote(c.officials_seconds, c.officials_aim_seconds));
  byId('bc-public').textContent = duration(c.public_p90_seconds);
  setNote('bc-public-note', aimNote(c.public_p90_seconds, c.public_aim_seconds));
  byId('bc-count').textContent = `${fmt.number(c.delivered_recipients)} / ${fmt.number(c.recipients)}`;
  byId('bc-state').textContent = `${stateName(c.state)}${c.failed ? `，失败 ${fmt.number(c.failed)}` : ''}`;
  const width = Math.min(100, Math.round((c.rate || 0) * 1000) / 10);
  byId('bc-progress-bar').style.width = `${width}%`;
  byId('bc-progress').setAttribute('aria-valuenow', String(width));
  const channels = Object.entries(c.channels || {});
  replace(byId('bc-channels'), el('tr', null, ['渠道', '已送达', '待投递', '失败'].map((h) => el('th', { text: h }))),
    channels.map(([ch, n]) => el('tr', null, el('td', { text: (pageData.channels || {})[ch] || ch }),
      el('td', { class: 'num', text: fmt.number(n.delivered) }), el('td', { class: 'num', text: fmt.number(n.pending) }),
      el('td', { class: 'num', text: fmt.number(n.failed) }))));
  lastCoverage = c.by_district || {};
  const rows = Object.entries(lastCoverage).sort((a, b) => a[0].localeCompare(b[0]));
  replace(byId('bc-districts'), el('tr', null, ['区县', '目标人口', '已覆盖', '覆盖率'].map((h) => el('th', { text: h }))),
    rows.map(([code, d]) => el('tr', { dataset: { code } }, el('td', { text: names[code] || code }),
      el('td', { class: 'num', text: fmt.number(d.targeted) }), el('td', { class: 'num', text: fmt.number(d.delivered) }),
      rateCell(d.rate))));
  paintMap();
}

async function poll() {
  clearTimeout(timer);
  if (current === null) return;
  try {
    const c = await api(`/broadcast/campaigns/${current}/coverage`);
    render(c);
    if (c.state !== 'done') timer = setTimeout(poll, POLL_MS);
  } catch (err) {
    toast(err.message, 'error');
  }
}

function choose(id) {
  current = id;
  for (const b of document.querySelectorAll('#bc-campaigns button')) b.setAttribute('aria-current', String(Number(b.dataset.id) === id));
  poll();
}

async function loadCampaigns(select = null) {
  const page = await api('/broadcast/campaigns', { query: { page_size: 30 } });
  replace(byId('bc-campaigns'), page.items.length ? page.items.map((c) => el('li', null,
    el('button', { type: 'button', dataset: { id: c.id }, onclick: () => choose(c.id) },
      colourSwatch(c.severity_colour), el('span', { text: ` ${campaignName(c)}` }),
      el('div', { class: 'muted small', text: `${stateName(c.state)} · ${fmt.number(c.delivered)} / ${fmt.number(c.targeted)}` }))))
    : el('li', { class: 'muted', text: '还没有发布任务' }));
  const want = select ?? Number(new URLSearchParams(window.location.search).get('campaign'));
  const first = page.items.find((c) => c.id === want) || page.items[0];
  if (first) choose(first.id);
}

export function start() {
  loadMap();
  loadCampaigns().catch((err) => toast(err.message, 'error'));
  const form = byId('bc-drill');
  if (form) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const c = await api('/broadcast/drills', { method: 'POST', body: {
          area: { divisions: [form.elements.division.value] }, text: form.elements.text.value, severity_colour: 'blue' } });
        toast('演练消息已发布，责任人优先投递', 'success');
        await loadCampaigns(c.id);
      } catch (err) {
        toast(err.message, 'error');
      }
    });
  }
}
