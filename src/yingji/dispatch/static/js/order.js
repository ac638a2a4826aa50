/** 调派单: print it. */
import { byId } from '../../js/lib/dom.js';

export function start() {
  byId('dp-print').addEventListener('click', () => window.print());
}
