/**
 * Plane geometry of GeoJSON polygons for labelling maps (pure, no DOM): ring areas, the largest
 * part of a multipolygon, and the point where a name reads best (the pole of inaccessibility).
 */

export function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return Math.abs(a / 2);
}
export function largestPolygon(geometry) {
  if (!geometry) return null;
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type !== 'MultiPolygon') return null;
  let best = null;
  let bestArea = -1;
  for (const poly of geometry.coordinates) {
    const a = ringArea(poly[0]);
    if (a > bestArea) { bestArea = a; best = poly; }
  }
  return best;
}

/**
 * Label point: the "pole of inaccessibility" of the largest part (the interior point farthest
 * from the edge, after Mapbox's polylabel, ISC). Centroids fall outside concave shapes such as
 * a county that wraps around the central districts. Returns [lat, lon].
 */
export function labelPoint(geometry) {
  const poly = largestPolygon(geometry);
  if (!poly || !poly[0] || poly[0].length < 3) return null;
  const outer = poly[0];
  let minX = Infinity; let minY = Infinity; let maxX = -Infinity; let maxY = -Infinity;
  for (const p of outer) {
    minX = Math.min(minX, p[0]); minY = Math.min(minY, p[1]);
    maxX = Math.max(maxX, p[0]); maxY = Math.max(maxY, p[1]);
  }
  const k = Math.cos(((minY + maxY) / 2) * Math.PI / 180);   // metric-ish x scale
  const rings = poly.map((r) => r.map((p) => [p[0] * k, p[1]]));
  minX *= k; maxX *= k;
  const width = maxX - minX;
  const height = maxY - minY;
  const cellSize = Math.min(width, height);
  if (cellSize === 0) return [outer[0][1], outer[0][0]];
  const precision = Math.max(width, height) / 400;

  function dist(x, y) {
    let inside = false;
    let min = Infinity;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
        const a = ring[i];
        const b = ring[j];
        if ((a[1] > y) !== (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) inside = !inside;
        const dx = b[0] - a[0];
        const dy = b[1] - a[1];
        let px = a[0];
        let py = a[1];
        if (dx !== 0 || dy !== 0) {
          const t = ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy);
          if (t > 1) { px = b[0]; py = b[1]; } else if (t > 0) { px += dx * t; py += dy * t; }
        }
        const ex = x - px;
        const ey = y - py;
        min = Math.min(min, ex * ex + ey * ey);
      }
    }
    return (inside ? 1 : -1) * Math.sqrt(min);
  }
  const cell = (x, y, h) => { const d = dist(x, y); return { x, y, h, d, max: d + h * Math.SQRT2 }; };

  const queue = [];
  const push = (c) => {   // sorted by .max ascending; pop() takes the most promising
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (queue[mid].max < c.max) lo = mid + 1; else hi = mid; }
    queue.splice(lo, 0, c);
  };
  let h = cellSize / 2;
  for (let x = minX; x < maxX; x += cellSize) for (let y = minY; y < maxY; y += cellSize) push(cell(x + h, y + h, h));
  let best = cell(minX + width / 2, minY + height / 2, 0);
  let guard = 0;
  while (queue.length && guard < 4000) {
    guard += 1;
    const c = queue.pop();
    if (c.d > best.d) best = c;
    if (c.max - best.d > precision) {
      h = c.h / 2;
      push(cell(c.x - h, c.y - h, h)); push(cell(c.x + h, c.y - h, h));
      push(cell(c.x - h, c.y + h, h)); push(cell(c.x + h, c.y + h, h));
    }
  }
  return [best.y, best.x / k];
}

