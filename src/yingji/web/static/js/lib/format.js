/**
 * Formatting for people, in the platform's configured time zone (Settings.timezone, handed to the
 * page in its context; Asia/Shanghai for a Chinese city) — never the browser's own zone.
 *
 *   const fmt = createFormat('Asia/Shanghai');
 *   fmt.datetime('2026-01-10T01:30:00Z')   → '2026-01-10 09:30:00'
 *   fmt.toInstant('2026-01-10', '23:59')   → '2026-01-10T23:59:00+08:00'
 *   fmt.compact(123456789)                 → '1.23 亿'
 */

const pad = (n, w = 2) => String(n).padStart(w, '0');

function toDate(value) {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function isNumber(value) {
  return value !== null && value !== undefined && value !== '' && value !== true && value !== false &&
    Number.isFinite(Number(value));
}

export function createFormat(timeZone = 'Asia/Shanghai', locale = 'zh-CN') {
  const partsFormat = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  });

  /** {year, month, day, hour, minute, second} (strings, zero-padded) of an instant in the zone. */
  function parts(value) {
    const d = toDate(value);
    if (!d) return null;
    const out = {};
    for (const p of partsFormat.formatToParts(d)) if (p.type !== 'literal') out[p.type] = p.value;
    out.year = pad(out.year, 4);
    return out;
  }

  /** Minutes the zone is ahead of UTC at an instant (480 for Beijing time). */
  function offsetAt(ms) {
    const p = parts(new Date(ms));
    const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
    return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
  }

  function offsetText(minutes) {
    const sign = minutes < 0 ? '-' : '+';
    const m = Math.abs(minutes);
    return `${sign}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
  }

  const fmt = {
    timeZone,
    parts,
    offsetAt,

    /** 2026-01-10 09:30:00 */
    datetime(value) {
      const p = parts(value);
      if (!p) return value ? String(value) : '';
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    },
    /** 2026-01-10 09:30 */
    minute(value) {
      const p = parts(value);
      return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : '';
    },
    /** 2026-01-10 */
    date(value) {
      const p = parts(value);
      return p ? `${p.year}-${p.month}-${p.day}` : '';
    },
    /** 09:30:05 today, else 01-10 09:30 */
    shortTime(value, now = new Date()) {
      const p = parts(value);
      if (!p) return '';
      const t = parts(now);
      if (p.year !== t.year || p.month !== t.month || p.day !== t.day) return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
      return `${p.hour}:${p.minute}:${p.second}`;
    },
    /** Today's date in the zone: 2026-01-10 */
    today(now = new Date()) { return fmt.date(now); },
    /** The value of an <input type="datetime-local"> for now: 2026-01-10T09:30 */
    localInputNow(now = new Date()) {
      const p = parts(now);
      return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
    },

    /**
     * The instant of a wall-clock date (and time) in the zone, as ISO 8601 with its offset —
     * what an API date field expects: toInstant('2026-01-10', '23:59') → '2026-01-10T23:59:00+08:00'.
     */
    toInstant(dateText, timeText = '00:00:00') {
      const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(dateText || '').trim());
      const tm = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(String(timeText || '').trim());
      if (!dm || !tm) return null;
      const wall = Date.UTC(+dm[1], +dm[2] - 1, +dm[3], +tm[1], +tm[2], +(tm[3] || 0));
      let offset = offsetAt(wall);
      offset = offsetAt(wall - offset * 60000);  // the offset in force at that wall time
      return `${dm[1]}-${dm[2]}-${dm[3]}T${tm[1]}:${tm[2]}:${tm[3] || '00'}${offsetText(offset)}`;
    },

    /** 12,345 (or 12,345.67 with digits=2); '—' for nothing */
    number(value, digits = 0) {
      if (!isNumber(value)) return '—';
      return Number(value).toLocaleString(locale, { maximumFractionDigits: digits });
    },
    /** 9,999 · 1.2 万 · 3.45 亿 — counts and amounts the way Chinese tables read them */
    compact(value, digits = 2) {
      if (!isNumber(value)) return '—';
      const n = Number(value);
      const abs = Math.abs(n);
      if (abs >= 1e8) return `${(n / 1e8).toLocaleString(locale, { maximumFractionDigits: digits })} 亿`;
      if (abs >= 1e4) return `${(n / 1e4).toLocaleString(locale, { maximumFractionDigits: digits })} 万`;
      return n.toLocaleString(locale, { maximumFractionDigits: digits });
    },
    /** 669,090 人（66.9 万） */
    population(value) {
      if (!isNumber(value)) return '暂无数据';
      const n = Number(value);
      const text = `${n.toLocaleString(locale)} 人`;
      return n >= 1e4 ? `${text}（${fmt.compact(n, 1)}）` : text;
    },
    /** 1,234.5 km² */
    area(value) {
      if (!isNumber(value)) return '暂无数据';
      return `${Number(value).toLocaleString(locale, { maximumFractionDigits: 1 })} km²`;
    },
    /** 12.5 KB */
    bytes(value) {
      if (!isNumber(value)) return '—';
      const n = Number(value);
      if (n < 1024) return `${n} B`;
      if (n < 1024 * 1024) return `${(n / 1024).toLocaleString(locale, { maximumFractionDigits: 1 })} KB`;
      return `${(n / 1024 / 1024).toLocaleString(locale, { maximumFractionDigits: 1 })} MB`;
    },
  };
  return fmt;
}
