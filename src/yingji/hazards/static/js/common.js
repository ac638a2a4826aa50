/* What the 隐患排查治理 pages share: code → label tables from the page context, badges, dates, 摘牌. */
import { el } from '../../js/lib/dom.js';
import { api } from '../../js/components/api.js';
import { fmt, labelOf, pageData } from '../../js/components/context.js';
import { promptDialog } from '../../js/components/dialog.js';
import { toast } from '../../js/components/toast.js';

const catalog = pageData.catalog || {};
const table = (items) => Object.fromEntries((items || []).map((i) => [i.key, i.label]));
export const STATES = table(catalog.states);
export const ACTIONS = table(catalog.actions);
export const TIERS = table(catalog.tiers);
export const SUPERVISION = pageData.supervision_labels || {};
export const flags = pageData.flags || {};

export const stateName = (key) => STATES[key] || key || '';
export const actionName = (key) => ACTIONS[key] || labelOf('hazard_actions', key) || '';
export const supervisionName = (key) => SUPERVISION[key] || key || '';

/** 2026-01-10 09:30 (the configured time zone) */
export const dt = (value) => fmt.minute(value);
/** 2026-01-10 */
export const day = (value) => fmt.date(value);
/** The start and the end of a day in the configured time zone, as API instants. */
export const dayStart = (date) => (date ? fmt.toInstant(date, '00:00') : null);
export const dayEnd = (date) => (date ? fmt.toInstant(date, '23:59') : null);

export function stateBadge(h) {
  return el('span', { class: `hz-badge hz-state-${h.state}`, text: h.state_label || stateName(h.state) });
}

export function canLift(listing) {
  return !listing.lifted_at && (flags.lift_levels || []).includes(listing.level);
}

/** 摘牌 with a required reason, in a modal dialog; resolves the lifted listing (null when cancelled). */
export function liftDialog(listing, hazardId) {
  return promptDialog({
    title: `摘牌：${supervisionName(listing.level)}（${listing.notice_no}）`,
    label: '摘牌原因（必填）', confirmText: '确认摘牌', maxlength: 2000,
    ids: { input: 'hz-lift-reason', confirm: 'hz-lift-confirm', dialog: 'hz-lift-dialog' },
    submit: async (reason) => {
      const lifted = await api(`/hazards/${hazardId}/listings/${listing.id}/lift`, { method: 'POST', body: { reason } });
      toast('已摘牌', 'success');
      return lifted;
    },
  });
}
