/* A risk source's page: the assessment form (LEC / risk matrix, live preview of level and colour) and measures. */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { pageData } from '../../js/components/context.js';
import { submitForm } from '../../js/components/forms.js';
import { toast } from '../../js/components/toast.js';
import { levelBadge, levels } from './levels.js';

/** The level key of a score from the configured bands (first match; op null = catch-all). */
export function band(bands, x) {
  for (const b of bands) {
    if (b.op === null || b.bound === null) return b.key;
    if (b.op === 'gt' && x > b.bound + 1e-9) return b.key;
    if (b.op === 'gte' && x >= b.bound - 1e-9) return b.key;
  }
  return bands.length ? bands[bands.length - 1].key : null;
}

export function start() {
  const sourceId = pageData.source_id;
  const form = byId('assess-form');
  const method = () => { const c = form.querySelector('input[name=method]:checked'); return c ? c.value : 'lec'; };
  function values() {
    const f = form.elements;
    if (method() === 'lec') return { method: 'lec', l: Number(f.lec_l.value), e: Number(f.lec_e.value), c: Number(f.lec_c.value) };
    return { method: 'ls', l: Number(f.ls_l.value), s: Number(f.ls_s.value) };
  }
  function preview() {
    const v = values();
    form.querySelectorAll('fieldset[data-method]').forEach((fs) => { fs.hidden = fs.dataset.method !== v.method; });
    const score = v.method === 'lec' ? Math.round(v.l * v.e * v.c * 100) / 100 : v.l * v.s;
    const key = band(v.method === 'lec' ? pageData.lec_levels : pageData.ls_levels, score);
    replace(byId('assess-preview'), el('span', { text: `${v.method === 'lec' ? 'D' : 'R'} = ${score}\u3000` }), levelBadge(key));
  }
  if (form) {
    form.addEventListener('change', preview);
    preview();
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submitForm(form, async () => {
        const body = values();
        const assessor = form.elements.assessor.value.trim();
        const note = form.elements.note.value.trim();
        if (assessor) body.assessor = assessor;
        if (note) body.note = note;
        const res = await api(`/risk/sources/${sourceId}/assess`, { method: 'POST', body });
        replace(byId('source-level'), levelBadge(res.source.level));
        byId('source-tier').textContent = res.source.management_tier || '—';
        byId('source-score').textContent = `${res.source.method === 'lec' ? 'LEC ' : '风险矩阵 '}${res.source.score}`;
        toast(`评估已保存：${levels.text(res.source.level)}`, 'success');
        setTimeout(() => window.location.reload(), 800);
      }, { box: byId('assess-error'), button: byId('assess-submit') });
    });
  }
  const measures = byId('measure-form');
  if (measures) {
    measures.addEventListener('submit', (e) => {
      e.preventDefault();
      submitForm(measures, async (body) => {
        await api(`/risk/sources/${sourceId}/measures`, { method: 'POST', body });
        window.location.reload();
      }, { box: byId('measure-error') });
    });
  }
}
