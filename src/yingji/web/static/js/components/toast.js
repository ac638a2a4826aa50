/** Short notices in the corner of the page (role=status; errors stay longer). */
import { el } from '../lib/dom.js';

export function toast(message, kind = 'info') {
  const area = document.getElementById('toast-area');
  if (!area) return;
  const node = el('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status', text: message });
  area.appendChild(node);
  const stay = kind === 'error' ? 8000 : 4000;
  setTimeout(() => node.classList.add('toast-out'), stay);
  setTimeout(() => node.remove(), stay + 600);
}
