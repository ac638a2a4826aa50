/**
 * A Server-Sent Events parser (the WHATWG event-stream rules) for streams read with fetch():
 * feed it text chunks as they arrive; it calls onMessage({id, type, data}) per event
 * (data null for an event that only sets the id) and onRetry(ms) for a retry field.
 */
export function sseParser(onMessage, onRetry = () => {}) {
  let buffer = '';
  let data = [];
  let type = '';
  let id = null;
  function dispatch() {
    if (data.length) onMessage({ id, type: type || 'message', data: data.join('\n') });
    else if (id !== null) onMessage({ id, type: '', data: null });
    data = []; type = ''; id = null;
  }
  function line(l) {
    if (l === '') { dispatch(); return; }
    if (l[0] === ':') return;
    const i = l.indexOf(':');
    const field = i < 0 ? l : l.slice(0, i);
    const value = i < 0 ? '' : l.slice(i + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry(parseInt(value, 10));
  }
  return (chunk) => {
    buffer += chunk;
    const lines = buffer.split(/\r\n|\r(?!$)|\n/);   // a final \r may be the first half of \r\n
    buffer = lines.pop();
    lines.forEach(line);
  };
}

