/**
 * Accessible modal dialogs on the native <dialog> element (focus moves into the dialog and back
 * to where it was, Esc cancels, the page behind is inert) — instead of window.confirm/prompt.
 *
 *   if (await confirmDialog({ title: '删除', message: '确定删除？', danger: true })) …
 *   const entry = await promptDialog({ title: '移出黑名单', label: '原因（必填）',
 *                                      submit: (reason) => api(…, { body: { reason } }) });
 *   // entry === null when cancelled; errors of submit() are shown inside the dialog
 *   const saved = await formDialog({ title: '修改用户', content: fieldsNode, submit: (form) => api(…) });
 */
import { el } from '../lib/dom.js';

let counter = 0;

function open({ title, content, actions, className, onSubmit, ids = {} }) {
  const n = (counter += 1);
  const titleId = ids.title || `dialog-${n}-title`;
  const error = el('p', { class: 'dialog-error form-error', role: 'alert', id: ids.error || `dialog-${n}-error`, hidden: true });
  const form = el('form', { method: 'dialog', class: 'dialog-form' },
    el('h2', { class: 'dialog-title', id: titleId, text: title }),
    content, error,
    el('div', { class: 'dialog-actions' }, actions));
  const dialog = el('dialog', { class: ['dialog', className], 'aria-labelledby': titleId, id: ids.dialog || null }, form);
  const opener = document.activeElement;
  let settle;
  const done = new Promise((resolve) => { settle = resolve; });
  let result = null;
  const finish = (value) => { result = value; dialog.close(); };
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && typeof opener.focus === 'function' && document.contains(opener)) opener.focus();
    settle(result);
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (e.submitter && e.submitter.value === 'cancel') { finish(null); return; }
    error.hidden = true;
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const value = await onSubmit();
      finish(value === undefined ? true : value);
    } catch (err) {
      error.textContent = (err && err.message) || String(err);
      error.hidden = false;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  return { dialog, done, error };
}

/** Ask a yes/no question; resolves true (confirmed) or false. */
export function confirmDialog({ title, message, confirmText = '确定', cancelText = '取消', danger = false, ids = {} }) {
  const confirm = el('button', { type: 'submit', value: 'ok', class: danger ? 'btn btn-danger' : 'btn btn-primary', id: ids.confirm || null, text: confirmText });
  const cancel = el('button', { type: 'submit', value: 'cancel', class: 'btn', formnovalidate: true, text: cancelText });
  const { done } = open({ title, content: el('p', { class: 'dialog-message', text: message }), actions: [cancel, confirm],
    className: 'dialog-confirm', ids, onSubmit: async () => true });
  confirm.focus();
  return done.then((value) => value === true);
}

/**
 * Ask for a text. `submit(value)` (optional) runs before the dialog closes; what it returns is the
 * result, what it throws is shown in the dialog. Resolves null when cancelled.
 */
export function promptDialog({ title, label, value = '', required = true, multiline = true, maxlength = 2000,
  confirmText = '确定', cancelText = '取消', danger = false, hint = '', ids = {}, submit = null }) {
  const n = counter + 1;
  const inputId = ids.input || `dialog-${n}-input`;
  const attrs = { id: inputId, name: 'value', maxlength, required, 'aria-describedby': hint ? `${inputId}-hint` : null };
  const input = multiline ? el('textarea', { ...attrs, rows: 3 }) : el('input', { ...attrs, type: 'text' });
  input.value = value;
  const content = el('div', { class: 'dialog-field' },
    el('label', { for: inputId, text: label }), input,
    hint ? el('p', { class: 'muted small', id: `${inputId}-hint`, text: hint }) : null);
  const confirm = el('button', { type: 'submit', value: 'ok', class: danger ? 'btn btn-danger' : 'btn btn-primary', id: ids.confirm || null, text: confirmText });
  const cancel = el('button', { type: 'submit', value: 'cancel', class: 'btn', formnovalidate: true, text: cancelText });
  const { done } = open({
    title, content, actions: [cancel, confirm], className: 'dialog-prompt', ids,
    onSubmit: async () => {
      const text = input.value.trim();
      if (required && !text) {
        input.focus();
        throw new Error(`请填写${label.replace(/[（(].*$/, '')}`);
      }
      return submit ? submit(text) : text;
    },
  });
  input.focus();
  return done;
}

/**
 * A dialog around form fields (`content`: nodes with named controls). `submit(form)` runs before the
 * dialog closes — what it returns is the result, what it throws is shown in the dialog, next to the
 * field it names (error.field) when there is one. Resolves null when cancelled.
 */
export function formDialog({ title, content, confirmText = '保存', cancelText = '取消', danger = false, ids = {},
  submit, className = 'dialog-form-wide' }) {
  const confirm = el('button', { type: 'submit', value: 'ok', class: danger ? 'btn btn-danger' : 'btn btn-primary', id: ids.confirm || null, text: confirmText });
  const cancel = el('button', { type: 'submit', value: 'cancel', class: 'btn', formnovalidate: true, text: cancelText });
  let formNode = null;
  const { done, dialog } = open({
    title, content: el('div', { class: 'dialog-fields' }, content), actions: [cancel, confirm], className, ids,
    onSubmit: async () => {
      formNode.querySelectorAll('.field-message').forEach((n) => n.remove());
      formNode.querySelectorAll('[aria-invalid="true"]').forEach((n) => n.removeAttribute('aria-invalid'));
      try {
        return await submit(formNode);
      } catch (err) {
        const control = err && err.field ? formNode.elements.namedItem(String(err.field).split('.').pop()) : null;
        if (control && control.setAttribute) {
          control.setAttribute('aria-invalid', 'true');
          (control.closest('label') || control.parentElement).appendChild(el('span', { class: 'field-message', text: err.message }));
        }
        throw err;
      }
    },
  });
  formNode = dialog.querySelector('form');
  const first = formNode.querySelector('input:not([type=hidden]), select, textarea');
  if (first) first.focus();
  return done;
}
