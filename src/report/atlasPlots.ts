/*
 * The atlas's small multiples: one SVG panel per (scheme, statistic), the statistic against layer,
 * one colour per depth N: predicted line, measured dots with a +-2 stderr band. Observable Plot
 * on a linkedom document, as depthPlots.ts: pure JS, deterministic output.
 */
import { plotLibrary } from './plotLibrary.ts';
import { countsText, sumCounts, type AtlasRun, type Statistic } from './atlas.ts';

const COLOURS = ['#1c7ed6', '#e8590c', '#2b8a3e', '#ae3ec9', '#868e96'];

const escapeXml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A log axis where the values span more than a factor 30 (exponential growth or decay reads as a
 * straight line there); correlations stay linear.
 */
export function wantsLogAxis(runs: readonly AtlasRun[], key: Statistic): boolean {
  if (key === 'correlation') return false;
  const values = runs
    .flatMap((r) => r.cells[key].flatMap((c) => [c.predicted, c.measured]))
    .filter((v) => Number.isFinite(v));
  if (values.some((v) => v <= 0)) return false;
  return Math.max(...values) / Math.min(...values) > 30;
}

export function atlasPanel(
  runs: readonly AtlasRun[],
  key: Statistic,
  o: { title: string; width?: number; height?: number },
): string {
  const { Plot, document } = plotLibrary();
  const yLog = wantsLogAxis(runs, key);
  const width = o.width ?? 380;
  const height = o.height ?? 230;
  const finite = (v: number) => Number.isFinite(v) && (!yLog || v > 0);
  const points = runs.flatMap((r, k) =>
    r.cells[key]
      .filter((c) => finite(c.measured))
      .map((c) => ({
        x: c.depth,
        y: c.measured,
        lo: c.measured - 2 * c.stderr,
        hi: c.measured + 2 * c.stderr,
        k,
      })),
  );
  const floor = Math.min(...points.map((p) => p.y)) / 2;
  const band = points.map((p) => ({ ...p, lo: yLog ? Math.max(p.lo, floor) : p.lo, hi: p.hi }));
  // a prediction outside the formula's domain (non-finite) is left out of the line, not drawn at 0
  const lines = runs.flatMap((r, k) =>
    r.cells[key].filter((c) => finite(c.predicted)).map((c) => ({ x: c.depth, y: c.predicted, k })),
  );
  const colour = (k: number) => COLOURS[k % COLOURS.length];
  const svg = Plot.plot({
    document,
    width,
    height,
    marginLeft: 52,
    style: { fontSize: '11px', background: 'white' },
    x: { label: 'layer', labelAnchor: 'center' },
    y: { type: yLog ? 'log' : 'linear', label: null, grid: true, tickFormat: '~g' },
    marks: [
      Plot.frame({ stroke: '#dee2e6' }),
      ...runs.map((_, k) =>
        Plot.areaY(
          band.filter((p) => p.k === k),
          { x: 'x', y1: 'lo', y2: 'hi', fill: colour(k), fillOpacity: 0.15 },
        ),
      ),
      ...runs.map((_, k) =>
        Plot.line(
          lines.filter((p) => p.k === k),
          { x: 'x', y: 'y', stroke: colour(k), strokeWidth: 1.6 },
        ),
      ),
      ...runs.map((_, k) =>
        Plot.dot(
          points.filter((p) => p.k === k),
          { x: 'x', y: 'y', r: 1.8, fill: colour(k) },
        ),
      ),
    ],
  });
  const counts = sumCounts(runs.map((r) => r.counts[key]));
  const legend = runs
    .map(
      (r, k) =>
        `<rect x="${8 + k * 64}" y="34" width="10" height="10" fill="${colour(k)}"/><text x="${22 + k * 64}" y="43">N=${r.layers}</text>`,
    )
    .join('');
  const top = 50;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + top}" viewBox="0 0 ${width} ${height + top}" font-family="sans-serif" font-size="11">` +
    `<rect width="100%" height="100%" fill="white"/><text x="8" y="14" font-size="12" font-weight="bold">${escapeXml(o.title)}${yLog ? ' (log axis)' : ''}</text>` +
    `<text x="8" y="28" fill="#495057">${escapeXml(countsText(counts))}</text>${legend}` +
    `<g transform="translate(0,${top})">${svg.outerHTML}</g></svg>`
  );
}
