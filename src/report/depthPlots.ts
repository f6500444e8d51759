/*
 * SVG plots of a depth profile: measured (dots with a +-2 stderr band) against predicted (lines)
 * per sublayer boundary. Same library as the report plots (Observable Plot on a linkedom
 * document, see plots.ts for why): pure JS, no browser, deterministic output.
 */
import { plotLibrary } from './plotLibrary.ts';
import { depthCaption, type DepthReport } from './depthReport.ts';

export interface ProfileSeries {
  /** x of each point: depth in layers (boundary i sits at i/2) */
  depth: number[];
  measured: { value: number; stderr: number }[];
  /** one or more predicted curves, e.g. the chained prediction and the sheet's telescoped one */
  predicted: { name: string; values: number[] }[];
}

export interface ProfilePlotOptions {
  title: string;
  /** a second line under the title: the model config and budget, so a lone SVG says what it shows */
  subtitle?: string;
  yLabel: string;
  yLog?: boolean;
  width?: number;
  height?: number;
}

const PREDICTED_COLOURS = ['#1c7ed6', '#f08c00', '#868e96'];

export function profilePlot(s: ProfileSeries, o: ProfilePlotOptions): string {
  const { Plot, document } = plotLibrary();
  const points = s.depth.map((x, i) => {
    const { value, stderr } = s.measured[i];
    return { x, y: value, lo: value - 2 * stderr, hi: value + 2 * stderr };
  });
  // a log axis cannot show non-positive values: the band is cut at the smallest positive value
  const positive = (v: number, floor: number) => (o.yLog ? Math.max(v, floor) : v);
  const floor =
    Math.min(
      ...points.map((p) => p.y).filter((v) => v > 0),
      ...s.predicted.flatMap((p) => p.values.filter((v) => v > 0)),
    ) / 2;
  const shown = o.yLog ? points.filter((p) => p.y > 0) : points;
  const band = shown.map((p) => ({ x: p.x, lo: positive(p.lo, floor), hi: positive(p.hi, floor) }));
  const lines = s.predicted.flatMap((p, k) =>
    p.values.map((y, i) => ({ x: s.depth[i], y, name: p.name, k })).filter((q) => !o.yLog || q.y > 0),
  );
  const names = s.predicted.map((p) => p.name);
  const width = o.width ?? 560;
  const height = o.height ?? 320;
  const colours = ['#2b8a3e', ...names.map((_, k) => PREDICTED_COLOURS[k % PREDICTED_COLOURS.length])];
  const svg = Plot.plot({
    document,
    width,
    height,
    marginLeft: 56,
    style: { fontSize: '12px', background: 'white' },
    x: { label: 'layer', labelAnchor: 'center' },
    y: {
      type: o.yLog ? 'log' : 'linear',
      label: o.yLabel,
      labelAnchor: 'center',
      grid: true,
      tickFormat: '~g',
    },
    color: {
      domain: ['measured \u00b1 2 se', ...names],
      range: ['#2b8a3e', ...names.map((_, k) => PREDICTED_COLOURS[k % PREDICTED_COLOURS.length])],
    },
    marks: [
      Plot.frame({ stroke: '#dee2e6' }),
      Plot.areaY(band, { x: 'x', y1: 'lo', y2: 'hi', fill: '#2b8a3e', fillOpacity: 0.18 }),
      // the first prediction solid, the alternatives dashed (dasharray is not a channel in Plot)
      Plot.line(
        lines.filter((q) => q.k === 0),
        { x: 'x', y: 'y', z: 'name', stroke: 'name', strokeWidth: 1.8 },
      ),
      Plot.line(
        lines.filter((q) => q.k > 0),
        { x: 'x', y: 'y', z: 'name', stroke: 'name', strokeWidth: 1.5, strokeDasharray: '5,3' },
      ),
      Plot.dot(shown, { x: 'x', y: 'y', r: 2.2, fill: () => 'measured \u00b1 2 se' }),
    ],
  });
  // Plot wraps titles and legends in an HTML <figure>; a standalone .svg needs them in SVG
  // the subtitle's clauses (split at '; ') one per line, so a long config is not cut at the edge
  const sublines = o.subtitle ? o.subtitle.split('; ') : [];
  const top = 48 + 15 * sublines.length;
  const legend = ['measured \u00b1 2 se', ...names]
    .map(
      (name, i) =>
        `<rect x="${10 + i * 190}" y="${top - 18}" width="12" height="12" fill="${colours[i]}"/><text x="${26 + i * 190}" y="${top - 8}">${escapeXml(name)}</text>`,
    )
    .join('');
  const subtitle = sublines
    .map((line, i) => `<text x="10" y="${32 + 15 * i}" fill="#495057">${escapeXml(line)}</text>`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + top}" viewBox="0 0 ${width} ${height + top}" font-family="sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="white"/><text x="10" y="16" font-size="13" font-weight="bold">${escapeXml(o.title)}</text>${subtitle}${legend}` +
    `<g transform="translate(0,${top})">${svg.outerHTML}</g></svg>`
  );
}

const escapeXml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

type Quantity = 'variance' | 'correlation' | 'gradVariance';

/** The three profile plots of a depth report, by file name, captioned with its config and budget. */
export function depthPlots(report: DepthReport, family: string): Record<string, string> {
  const depth = report.boundaries.map((b) => b.depth);
  const series = (key: Quantity) =>
    report.boundaries.map((b) => ({ value: b[key].measured, stderr: b[key].stderr }));
  const predicted = (key: Quantity) => report.boundaries.map((b) => b[key].predicted);
  const { arch } = report.run;
  const subtitle = depthCaption(report);
  return {
    'forward-variance.svg': profilePlot(
      {
        depth,
        measured: series('variance'),
        predicted: [
          { name: 'predicted (chained)', values: predicted('variance') },
          ...(family === 'dslm' ? [{ name: 'section 7: 1', values: depth.map(() => 1) }] : []),
        ],
      },
      { title: `${arch}: forward variance of the residual stream`, subtitle, yLabel: 'variance' },
    ),
    'forward-correlation.svg': profilePlot(
      {
        depth,
        measured: series('correlation'),
        predicted: [{ name: 'predicted (chained)', values: predicted('correlation') }],
      },
      { title: `${arch}: token correlation of the stream`, subtitle, yLabel: 'correlation' },
    ),
    'gradient-variance.svg': profilePlot(
      {
        depth,
        measured: series('gradVariance'),
        predicted: [
          { name: 'predicted (chained)', values: predicted('gradVariance') },
          ...(family === 'preln'
            ? [
                {
                  name: 'sheet: v_N s2_N / s2_l',
                  values: report.boundaries.map((b) => b.gradVarianceTelescoped?.predicted ?? Number.NaN),
                },
              ]
            : []),
        ],
      },
      // Post-LN gradients change by orders of magnitude: the sheet's exponential law reads on a log axis
      {
        title: `${arch}: gradient variance (top = 1)`,
        subtitle,
        yLabel: 'gradient variance',
        yLog: family === 'postln',
      },
    ),
  };
}
