/* Shared bits of the incidents pages: labels from the page data, date formatting, counts text. */
import { fmt, pageData } from '../../js/components/context.js';

export const labels = {
  status: (k) => (pageData.status_labels || {})[k] || k,
  grade: (k) => (pageData.grade_labels || {})[k] || k,
  level: (k) => (pageData.level_labels || {})[k] || k,
};

export function dt(value) {
  return value ? fmt.minute(value) : '';
}

export function casualties(i) {
  const parts = [['死亡', i.dead], ['失踪', i.missing], ['重伤', i.seriously_injured], ['受伤', i.injured], ['被困', i.trapped]]
    .filter(([, n]) => n > 0).map(([label, n]) => `${label}${n}`);
  return parts.length ? parts.join('、') : '无';
}

export function dueText(d) {
  if (!d) return '—';
  return `${d.kind_label}（${d.level_label}）${dt(d.due_at)}${d.overdue ? ' 已逾期' : ''}`;
}
