/**
 * Form helpers: read a form as JSON, show the API's errors at the field they name (error.field
 * and error.details[].field), and clear old errors when a save succeeds.
 */
import { el } from '../lib/dom.js';
import { toast } from './toast.js';

/**
 * The values of a form's named controls: trimmed text (empty ones left out unless keepEmpty),
 * numbers for type=number, booleans for checkboxes, the checked radio only.
 */
export function formValues(form, { keepEmpty = false } = {}) {
  const out = {};
  for (const control of form.elements) {
    if (!control.name || control.disabled || ['submit', 'button', 'reset', 'file'].includes(control.type)) continue;
    if (control.type === 'radio' && !control.checked) continue;
    if (control.type === 'checkbox') { out[control.name] = control.checked; continue; }
    const value = typeof control.value === 'string' ? control.value.trim() : control.value;
    if (value === '' && !keepEmpty) continue;
    out[control.name] = control.type === 'number' && value !== '' ? Number(value) : value;
  }
  return out;
}

/** Fill named controls from an object (for filters read from the URL). */
export function fillForm(form, values) {
  for (const control of form.elements) {
    if (!control.name || !(control.name in values)) continue;
    if (control.type === 'checkbox') control.checked = values[control.name] === true || values[control.name] === 'true';
    else if (control.type === 'radio') control.checked = control.value === values[control.name];
    else control.value = values[control.name];
  }
}

/** The control an API field name points at: 'plan.measures' → [name=measures] (or plan_measures). */
export function controlFor(form, field) {
  if (!form || !field) return null;
  const parts = String(field).split('.').filter((p) => p && p !== 'body' && !/^\d+$/.test(p));
  const names = [parts.join('.'), parts.join('_'), parts[parts.length - 1]];
  for (const name of names) {
    const control = name && form.elements.namedItem(name);
    if (control) return control instanceof RadioNodeList ? control[0] : control;
  }
  return null;
}

function holder(control) {
  return control.closest('.field, label, .hz-field') || control.parentElement;
}

export function clearErrors(form, box = null) {
  if (box) { box.textContent = ''; if (box.classList.contains('form-error')) box.hidden = true; }
  if (!form) return;
  form.querySelectorAll('.field-invalid').forEach((n) => n.classList.remove('field-invalid'));
  form.querySelectorAll('[aria-invalid="true"]').forEach((n) => n.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field-message').forEach((n) => n.remove());
}

/**
 * Show an error: its message in `box` (the form's alert line) and, for each field it names, a
 * message next to that control; the first such control gets the focus.
 */
export function showErrors(form, err, box = null) {
  clearErrors(form, box);
  const message = (err && err.message) || String(err);
  if (box) { box.textContent = message; box.hidden = false; }
  const fields = [];
  if (err && Array.isArray(err.details)) for (const d of err.details) if (d && d.field) fields.push([d.field, d.message]);
  if (err && err.field && !fields.some(([f]) => f === err.field)) fields.unshift([err.field, message]);
  let first = null;
  for (const [field, text] of fields) {
    const control = controlFor(form, field);
    if (!control || control.getAttribute('aria-invalid') === 'true') continue;
    control.setAttribute('aria-invalid', 'true');
    const where = holder(control);
    where.classList.add('field-invalid');
    where.appendChild(el('span', { class: 'field-message', text: text || message }));
    first = first || control;
  }
  if (first && typeof first.focus === 'function') first.focus();
  if (!box && !first) toast(message, 'error');
}

/**
 * Run `work(values)` for a form submit: the button is disabled meanwhile, old errors are cleared
 * before and after a success, a failure is shown with showErrors. Resolves work's result (or
 * undefined after a failure).
 */
export async function submitForm(form, work, { box = null, button = null } = {}) {
  const submit = button || form.querySelector('[type=submit]');
  clearErrors(form, box);
  if (submit) submit.disabled = true;
  try {
    const result = await work(formValues(form));
    clearErrors(form, box);
    return result;
  } catch (err) {
    showErrors(form, err, box);
    return undefined;
  } finally {
    if (submit) submit.disabled = false;
  }
}
