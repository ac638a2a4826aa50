/**
 * The geometry of a ring (donut) chart drawn with SVG circle strokes: each part is a dash of the
 * circle's outline whose length is its share of the total. Pure (no DOM), unit-tested.
 *
 *   ringSegments([{key: 'major', value: 3}, {key: 'low', value: 1}], 100)
 *   → [{key: 'major', value: 3, share: 0.75, length: 75, offset: 0}, {key: 'low', …, length: 25, offset: -75}]
 *
 * `offset` is the stroke-dashoffset that starts the part where the previous one ended (clockwise
 * from 12 o'clock when the circle is rotated by -90°). Parts of value 0 are left out; a single
 * part fills the whole ring.
 */
export function ringSegments(parts, circumference) {
  const kept = (parts || []).filter((p) => Number.isFinite(Number(p.value)) && Number(p.value) > 0);
  const total = kept.reduce((sum, p) => sum + Number(p.value), 0);
  if (!total || !(circumference > 0)) return [];
  let start = 0;
  return kept.map((p) => {
    const share = Number(p.value) / total;
    const length = share * circumference;
    const seg = { ...p, value: Number(p.value), share, length, offset: -start };
    start += length;
    return seg;
  });
}

/** '红 3（60%）、蓝 2（40%）' — the ring's content in words (for its title and screen readers). */
export function ringText(segments, labelOf = (s) => s.key) {
  return segments.map((s) => `${labelOf(s)} ${s.value}（${Math.round(s.share * 100)}%）`).join('、');
}
