/**
 * 接警 (/command/calls): the transcript is sent to /api/v1/incidents/calls (a recording to
 * /calls/audio: transcribed when a speech engine is configured, else kept while the text is typed); the extracted form comes
 * back with a confidence and the words that gave each field; the place is shown on the map (drag the
 * marker to correct it); the grade is shown; the incident is created (or the call merged into an
 * incident proposed as the same one). The map node gets data-state="ready"; the created incident opens.
 */
import { byId, clear, el, append } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl } from '../../js/components/context.js';
import { createMap, districtLayer, fitTo, leaflet } from '../../js/components/map.js';
import { toast } from '../../js/components/toast.js';

const NUMBERS = ['trapped', 'injured', 'dead'];

function confText(f) {
  if (!f) return '';
  const pct = Math.round((f.confidence || 0) * 100);
  return `置信度 ${pct}%${f.evidence ? `：${f.evidence}` : ''}`;
}

export function start() {
  const L = leaflet();
  const mapNode = byId('map');
  const map = createMap(mapNode);
  let marker = null;
  districtLayer('county', { interactive: false, style: { color: '#5b6b7f', weight: 1.2, fill: false } })
    .then(({ layer }) => { layer.addTo(map); fitTo(map, layer.getBounds()); mapNode.dataset.state = 'ready'; })
    .catch(() => { mapNode.dataset.state = 'error'; });

  const callForm = byId('call-form');
  const form = byId('incident-form');
  let callId = null;

  function place(lon, lat) {
    if (marker) marker.remove();
    marker = null;
    if (lon === null || lat === null || lon === undefined || lat === undefined) return;
    marker = L.marker([lat, lon], { draggable: true, title: '事发地点（可拖动修正）' }).addTo(map);
    marker.on('dragend', () => {
      const p = marker.getLatLng();
      form.elements.lon.value = p.lng.toFixed(6);
      form.elements.lat.value = p.lat.toFixed(6);
    });
    map.setView([lat, lon], 15);
  }

  function fill(taken) {
    const f = taken.form;
    callId = taken.call.id;
    for (const key of ['type', 'category', 'place_text', 'division_code', ...NUMBERS, 'hazards', 'keywords']) {
      const field = f[key] || { value: null, confidence: 0 };
      const input = form.elements[key];
      const value = field.value;
      input.value = Array.isArray(value) ? value.join('，') : (value ?? (NUMBERS.includes(key) ? 0 : ''));
      const note = form.querySelector(`[data-conf="${key}"]`);
      if (note) {
        note.textContent = confText(field);
        note.classList.toggle('low', (field.confidence || 0) < 0.6);
      }
    }
    form.elements.lon.value = f.lon.value ?? '';
    form.elements.lat.value = f.lat.value ?? '';
    place(f.lon.value, f.lat.value);
    const g = taken.grade;
    byId('grade-line').textContent = `初判：${g.grade_label}事故，${g.response_label}响应${g.risk_flag_labels.length ? `；较大涉险：${g.risk_flag_labels.join('、')}` : ''}`;
    const box = byId('merge-candidates');
    clear(box);
    if (taken.merge_candidates.length) {
      append(box, el('p', { class: 'inc-overdue', text: '可能与以下在办事件是同一事件：' }),
        ...taken.merge_candidates.map((c) => el('div', null,
          el('a', { href: appUrl(`/command/incidents/${c.incident_id}`), text: `${c.code} ${c.title}` }),
          el('span', { class: 'muted', text: ` 相隔 ${c.minutes_apart} 分钟${c.distance_m !== null ? `、${c.distance_m} 米` : ''} ` }),
          el('button', { type: 'button', class: 'btn btn-small', text: '并入该事件', onclick: () => merge(c.incident_id) }))));
    }
    form.hidden = false;
  }

  async function merge(incidentId) {
    try {
      await api(`/incidents/calls/${callId}/merge`, { method: 'POST', body: { incident_id: incidentId } });
      window.location.assign(appUrl(`/command/incidents/${incidentId}`));
    } catch (err) { toast(err.message, 'error'); }
  }

  // a recorded call whose text is still to be typed (no speech engine, or it heard nothing)
  let pendingCallId = null;
  const speechNote = byId('call-speech');

  function note(text, level) {
    speechNote.textContent = text;
    speechNote.hidden = !text;
    speechNote.classList.toggle('inc-overdue', level === 'warn');
  }

  function timing(started, taken) {
    byId('call-timing').textContent = `识别用时 ${Math.round(performance.now() - started)} 毫秒（服务端 ${Math.round(taken.seconds * 1000)} 毫秒）`;
  }

  callForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const transcript = callForm.elements.transcript.value;
    if (!transcript.trim()) { toast('请输入来电内容', 'error'); return; }
    const started = performance.now();
    try {
      const taken = pendingCallId
        ? await api(`/incidents/calls/${pendingCallId}/transcript`, { method: 'POST', body: { transcript } })
        : await api('/incidents/calls', { method: 'POST', body: {
          transcript, caller_number: callForm.elements.caller_number.value } });
      if (pendingCallId) note('');
      pendingCallId = null;
      fill(taken);
      timing(started, taken);
    } catch (err) { toast(err.message, 'error'); }
  });

  byId('call-audio-upload').addEventListener('click', async () => {
    const file = callForm.elements.audio.files[0];
    if (!file) { toast('请先选择来电录音（WAV 文件）', 'error'); return; }
    const data = new FormData();
    data.append('file', file);
    data.append('caller_number', callForm.elements.caller_number.value);
    data.append('transcript', callForm.elements.transcript.value);
    const started = performance.now();
    try {
      const taken = await api('/incidents/calls/audio', { method: 'POST', form: data });
      const t = taken.transcription;
      if (taken.form) {
        pendingCallId = null;
        callForm.elements.transcript.value = taken.call.transcript;
        note(t.message, t.status === 'transcribed' ? 'info' : null);
        fill(taken);
        timing(started, taken);
      } else {
        pendingCallId = taken.call.id;
        note(t.message, 'warn');
        callForm.elements.transcript.focus();
      }
    } catch (err) { toast(err.message, 'error'); }
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = form.elements;
    const list = (s) => s.split(/[,，、\s]+/).map((x) => x.trim()).filter(Boolean);
    const num = (s) => (s === '' ? null : Number(s));
    const body = { type: v.type.value, category: v.category.value, place_text: v.place_text.value,
      division_code: v.division_code.value, lon: num(v.lon.value), lat: num(v.lat.value),
      trapped: Number(v.trapped.value || 0), injured: Number(v.injured.value || 0), dead: Number(v.dead.value || 0),
      hazards: list(v.hazards.value), keywords: list(v.keywords.value), call_id: callId };
    try {
      const inc = await api('/incidents', { method: 'POST', body });
      window.location.assign(appUrl(`/command/incidents/${inc.id}`));
    } catch (err) { toast(err.message, 'error'); }
  });
}
