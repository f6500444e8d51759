import type { HuntRecord } from './model.ts';

/** The map as the hunt writes it, with the precision its contour is drawn at. */
type ValidityMap = NonNullable<HuntRecord['map']> & { precision?: number };

const esc = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
const fmt = (v: number) => String(Number(v.toPrecision(3)));

/**
 * Diverging colour for a signed error: white at 0, red where the formula under-predicts
 * (measured above predicted), blue where it over-predicts, full colour at +-`limit`.
 */
export function divergingColour(error: number, limit: number): string {
  const t = Math.max(-1, Math.min(1, error / limit));
  const [r, g, b] = t >= 0 ? [201, 42, 42] : [24, 100, 171];
  const mix = (c: number) => Math.round(255 + (c - 255) * Math.abs(t));
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/**
 * Marching squares over cell centres: the segments where |error| crosses `level`, in grid units
 * (cell i's centre at i + 0.5), linearly interpolated along each cell edge.
 */
export function contourSegments(
  values: readonly (readonly number[])[],
  level: number,
): [number, number, number, number][] {
  const segments: [number, number, number, number][] = [];
  const f = (i: number, j: number) => Math.abs(values[j][i]) - level;
  for (let j = 0; j + 1 < values.length; j++) {
    for (let i = 0; i + 1 < values[j].length; i++) {
      const corners: [number, number, number][] = [
        [i, j, f(i, j)],
        [i + 1, j, f(i + 1, j)],
        [i + 1, j + 1, f(i + 1, j + 1)],
        [i, j + 1, f(i, j + 1)],
      ];
      const crossings: [number, number][] = [];
      for (let k = 0; k < 4; k++) {
        const [x0, y0, v0] = corners[k];
        const [x1, y1, v1] = corners[(k + 1) % 4];
        if (v0 > 0 !== v1 > 0) {
          const t = v0 / (v0 - v1);
          crossings.push([x0 + t * (x1 - x0) + 0.5, y0 + t * (y1 - y0) + 0.5]);
        }
      }
      // two crossings: one segment; four (a saddle): two, paired in order
      for (let k = 0; k + 1 < crossings.length; k += 2) segments.push([...crossings[k], ...crossings[k + 1]]);
    }
  }
  return segments;
}

/**
 * The validity map of a hunt record as an inline SVG (about 420 px wide, no script): the measured
 * error over the two top drivers, coloured on a diverging scale centred on 0 (+- the larger of
 * 3x precision and the largest |error|), the precision contour in black, the worst config marked,
 * and the boundary in words below when one fits. Null without a map.
 */
export function validityMapSvg(record: HuntRecord): string | null {
  const map = record.map as ValidityMap | undefined;
  if (!map) return null;
  const n = map.xs.length;
  const m = map.ys.length;
  const cell = Math.floor(300 / Math.max(n, m));
  const left = 70;
  const top = 24;
  const width = left + n * cell + 60;
  const height = top + m * cell + 54 + (map.boundary ? 18 : 0);
  const precision = map.precision ?? 0;
  const largest = Math.max(...map.error.flat().map(Math.abs).filter(Number.isFinite), 1e-12);
  const limit = Math.max(3 * precision, largest);
  // row j = 0 (the y axis's low end) at the bottom
  const px = (i: number) => left + i * cell;
  const py = (j: number) => top + (m - j) * cell;
  const cells = map.error.flatMap((row, j) =>
    row.map(
      (e, i) =>
        `<rect x="${px(i)}" y="${py(j + 1)}" width="${cell}" height="${cell}" fill="${divergingColour(e, limit)}"><title>${esc(`${map.x} ${fmt(map.xs[i])}, ${map.y} ${fmt(map.ys[j])}: ${fmt(100 * e)}% +- ${fmt(100 * map.errorStderr[j][i])}%${map.replicates ? ` (${map.replicates[j][i]} replicates)` : ''}`)}</title></rect>`,
    ),
  );
  const contour =
    precision > 0
      ? contourSegments(map.error, precision).map(
          ([x0, y0, x1, y1]) =>
            `<line x1="${(px(0) + x0 * cell).toFixed(1)}" y1="${(py(0) - y0 * cell).toFixed(1)}" x2="${(px(0) + x1 * cell).toFixed(1)}" y2="${(py(0) - y1 * cell).toFixed(1)}"/>`,
        )
      : [];
  const ticks = (values: readonly number[], place: (k: number) => string) =>
    [0, Math.floor((values.length - 1) / 2), values.length - 1].map((k) => place(k));
  const xTicks = ticks(
    map.xs,
    (k) => `<text x="${px(k) + cell / 2}" y="${py(0) + 14}" text-anchor="middle">${fmt(map.xs[k])}</text>`,
  );
  const yTicks = ticks(
    map.ys,
    (k) => `<text x="${left - 4}" y="${py(k + 1) + cell / 2 + 4}" text-anchor="end">${fmt(map.ys[k])}</text>`,
  );
  const legend = [-1, -0.5, 0, 0.5, 1].map(
    (t, k) =>
      `<rect x="${left + n * cell + 12}" y="${top + k * 20}" width="12" height="20" fill="${divergingColour(t * limit, limit)}"/><text x="${left + n * cell + 28}" y="${top + k * 20 + 14}">${fmt(100 * t * limit)}%</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="validity-map" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="11" font-family="system-ui,sans-serif">`,
    `<title>${esc(`${record.claim} (${record.regime}): error over ${map.x} and ${map.y}`)}</title>`,
    `<text x="${left}" y="14">error in % of scale; black: |error| = ${fmt(100 * precision)}%</text>`,
    ...cells,
    `<g stroke="#000" stroke-width="2" fill="none">${contour.join('')}</g>`,
    ...xTicks,
    ...yTicks,
    `<text x="${left + (n * cell) / 2}" y="${py(0) + 30}" text-anchor="middle">${esc(map.x)}</text>`,
    `<text x="12" y="${top + (m * cell) / 2}" text-anchor="middle" transform="rotate(-90 12 ${top + (m * cell) / 2})">${esc(map.y)}</text>`,
    ...legend,
    map.boundary ? `<text x="${left}" y="${py(0) + 48}">${esc(map.boundary)}</text>` : '',
    '</svg>',
  ].join('');
}
