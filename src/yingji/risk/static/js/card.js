/* 风险告知卡: the print button (no inline handler). */
import { byId } from '../../js/lib/dom.js';

export function start() {
  const button = byId('card-print');
  if (button) button.addEventListener('click', () => window.print());
}
