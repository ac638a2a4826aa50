/*
 * 上报隐患: a hazard in the reporter's own words — unit (an enterprise user's own, fixed), a free-text
 * name and description, the tier, when it was found; optionally matched to a checklist item of the
 * unit's industry (which suggests wording and tier, all still editable). Then its page, for photos.
 */
import { byId, el, replace } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { appUrl, fmt, pageData } from '../../js/components/context.js';
import { submitForm } from '../../js/components/forms.js';
import { toast } from '../../js/components/toast.js';
import { unitPicker } from '../../js/components/unit-picker.js';
import { dayEnd } from './common.js';

export function start() {
  const catalog = pageData.catalog || {};
  const prefill = pageData.prefill || {};
  const lists = Object.fromEntries((catalog.checklists || []).map((c) => [c.industry, c.items]));
  const form = byId('hz-new-form');
  const itemSelect = byId('hz-new-item');
  form.elements.discovered_at.value = fmt.localInputNow();
  let items = [];

  function showChecklist(unit) {
    items = unit ? lists[unit.industry] || [] : [];
    replace(itemSelect, el('option', { value: '', text: '（不对照检查表，自行描述）' }),
      items.map((it) => el('option', { value: it.code, text: it.text.length > 60 ? `${it.text.slice(0, 60)}…` : it.text })));
    itemSelect.disabled = !items.length;
  }
  itemSelect.addEventListener('change', () => {
    const item = items.find((it) => it.code === itemSelect.value);
    if (!item) return;
    if (!form.elements.title.value.trim()) form.elements.title.value = item.text.slice(0, 200);
    if (!form.elements.description.value.trim()) form.elements.description.value = item.text;
    const tier = form.querySelector(`input[name=tier][value="${item.suggested_tier}"]`);
    if (tier) tier.checked = true;
  });
  const picker = unitPicker('hz-new', showChecklist);
  if (prefill.unit) {
    if (picker) picker.set(prefill.unit); else showChecklist(prefill.unit);
  } else {
    showChecklist(null);
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitForm(form, async (v) => {
      const [date, time] = String(v.discovered_at || '').split('T');
      const body = { unit_id: Number(v.unit_id), title: v.title || '', description: v.description || '', tier: v.tier,
        discovered_at: date ? fmt.toInstant(date, time || '00:00') : undefined };
      if (v.checklist_item_code) body.checklist_item_code = v.checklist_item_code;
      if (v.deadline) body.deadline = dayEnd(v.deadline);
      const hazard = await api('/hazards', { method: 'POST', body });
      toast(`已上报：${hazard.code}`, 'success');
      window.location.assign(appUrl(`/supervision/hazards/${hazard.id}?new=1`));
    }, { box: byId('hz-new-error'), button: byId('hz-new-submit') });
  });
}
