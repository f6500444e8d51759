/*
 * Report data -> inline SVG strings, rendered in Node with Observable Plot on a linkedom document.
 *
 * Why Plot + linkedom (measured 2026-11 on this repo's quick report, 102 points, 40 plots):
 *   - @observablehq/plot 0.6 + linkedom 0.18: 16 MB installed, 62 packages, pure JS (no canvas,
 *     no browser, no install scripts); 40 log-log plots with error bars in ~0.6 s; ~22 kB per plot;
 *     byte-identical output across processes. Log scales, ruleX/ruleY error bars and symbols are
 *     built in.
 *   - vega 6 + vega-lite 6 (view.toSVG(), renderer 'none'): 25 MB, 79 packages, also deterministic,
 *     but ~5.7x slower (3.5 s for 40 plots) and ~3x larger SVG (70 kB per plot).
 * Plot wants a DOM only to build elements; linkedom is enough since nothing is laid out.
 */
import type { Markish } from '@observablehq/plot';
import { plotLibrary } from './plotLibrary.ts';
import type { VerifiedResult } from '../claims/expected.ts';
import type { Verdict } from '../stats/verdict.ts';
import { configJson, num, signedPercent } from './format.ts';
import { signedError } from './triage.ts';

export const VERDICT_COLOURS: Record<Verdict, string> = {
  holds: '#2b8a3e',
  deviates: '#d6336c',
  inconclusive: '#adb5bd',
};
const VERDICTS = Object.keys(VERDICT_COLOURS) as Verdict[];
export const REGIME_SYMBOLS = ['circle', 'square', 'triangle', 'diamond', 'star', 'cross', 'wye'] as const;

export interface PlotPoint {
  x: number;
  y: number;
  /** error bar ends; omitted when there is none */
  lo?: number;
  hi?: number;
  verdict: Verdict;
  /** index into REGIME_SYMBOLS */
  symbol: number;
  unexpected: boolean;
  /** tooltip ('' for none) */
  title: string;
}

export interface ScatterOptions {
  xLabel: string;
  yLabel: string;
  xLog: boolean;
  yLog: boolean;
  /** draw y = x over a shared square domain */
  diagonal?: boolean;
  /** a dashed horizontal reference line (e.g. the budget's precision) */
  yRule?: number;
  /** text at the rule's right end */
  yRuleLabel?: string;
  width: number;
  height: number;
}

/** Smallest and largest of the positive values (log axes cannot show the rest). */
function extent(values: number[], log: boolean): [number, number] {
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = Math.min(...usable);
  let hi = Math.max(...usable);
  if (lo === hi) [lo, hi] = log ? [lo / 2, hi * 2] : [lo - 1, hi + 1];
  return log ? [lo / 1.3, hi * 1.3] : [lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05];
}

/**
 * Rounds coordinates in attributes (full float precision only costs bytes) and drops Plot's
 * per-plot <style>, which the page's stylesheet replaces once for all plots.
 */
const compact = (svg: string) =>
  svg
    .replace(/<style>[^<]*<\/style>/, '')
    .replace(/="([^"]*)"/g, (attr: string) => attr.replace(/(\d\.\d)\d+/g, '$1'));

/**
 * Ticks for a log axis: whole decades when there are two or more, else 1-2-5 steps, else 1..9.
 * d3's default labels only some of its ticks, which a custom tick format would undo.
 */
function logTicks([lo, hi]: [number, number]): number[] {
  const within = (mantissas: number[]) => {
    const ticks = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
      for (const m of mantissas)
        if (m * 10 ** e >= lo && m * 10 ** e <= hi) ticks.push(Number((m * 10 ** e).toPrecision(3)));
    return ticks;
  };
  const decades = within([1]);
  if (decades.length >= 2) return decades.filter((_, i) => i % Math.ceil(decades.length / 4) === 0);
  const steps = within([1, 2, 5]);
  return steps.length >= 2 ? steps : within([1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

/** Short tick labels: plain between 1e-3 and 1e4, else 1e-5 style. */
const tickLabel = (d: number) =>
  d !== 0 && (Math.abs(d) < 1e-3 || Math.abs(d) >= 1e4)
    ? d.toExponential(0).replace('e+', 'e')
    : String(Number(d.toPrecision(3)));

/**
 * The one plot of the report: points coloured by verdict, shaped by regime, with optional error
 * bars, y = x line and reference rule. Non-positive values on a log axis are dropped (the caller
 * says how many in its caption); error bars that reach below a log axis are cut at its edge.
 */
export function scatter(points: PlotPoint[], o: ScatterOptions): string {
  const { Plot, document } = plotLibrary();
  const shown = points.filter(
    (p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!o.xLog || p.x > 0) && (!o.yLog || p.y > 0),
  );
  const ys = shown.flatMap((p) => [p.y, ...(p.lo !== undefined ? [p.lo, p.hi ?? p.y] : [])]);
  let xDomain = extent(
    shown.map((p) => p.x),
    o.xLog,
  );
  let yDomain = extent(o.yRule !== undefined ? [...ys, o.yRule] : ys, o.yLog);
  if (o.diagonal) xDomain = yDomain = [Math.min(xDomain[0], yDomain[0]), Math.max(xDomain[1], yDomain[1])];
  const bars = shown
    .filter((p) => p.lo !== undefined && p.hi !== undefined)
    .map((p) => ({
      ...p,
      lo: Math.max(p.lo as number, yDomain[0]),
      hi: Math.min(p.hi as number, yDomain[1]),
    }));
  const marks: Markish[] = [Plot.frame({ stroke: '#dee2e6' })];
  if (o.diagonal)
    marks.push(
      Plot.line(
        [
          [xDomain[0], xDomain[0]],
          [xDomain[1], xDomain[1]],
        ],
        { stroke: '#868e96', strokeDasharray: '4,3' },
      ),
    );
  if (o.yRule !== undefined) marks.push(Plot.ruleY([o.yRule], { stroke: '#868e96', strokeDasharray: '4,3' }));
  if (o.yRule !== undefined && o.yRuleLabel)
    marks.push(
      Plot.text([o.yRuleLabel], {
        frameAnchor: 'top-right',
        dy: 4,
        dx: -4,
        fill: '#495057',
        text: (d: string) => d,
      }),
    );
  marks.push(
    Plot.ruleX(bars, { x: 'x', y1: 'lo', y2: 'hi', stroke: 'verdict', strokeOpacity: 0.6 }),
    Plot.dot(
      shown.filter((p) => p.unexpected),
      { x: 'x', y: 'y', r: 7, stroke: '#000', strokeWidth: 2 },
    ),
    Plot.dot(shown, {
      x: 'x',
      y: 'y',
      r: 3.5,
      fill: 'verdict',
      symbol: (p: PlotPoint) => REGIME_SYMBOLS[p.symbol % REGIME_SYMBOLS.length],
      ...(shown.some((p) => p.title) ? { title: 'title' } : {}),
    }),
  );
  const svg = Plot.plot({
    document,
    width: o.width,
    height: o.height,
    marginLeft: 54,
    marginBottom: 38,
    marginRight: 14,
    // 12 px: tick labels readable at 100% zoom
    style: { fontSize: '12px', background: 'white' },
    x: {
      type: o.xLog ? 'log' : 'linear',
      domain: xDomain,
      label: o.xLabel,
      labelAnchor: 'center',
      ticks: o.xLog ? logTicks(xDomain) : 3,
      tickFormat: tickLabel,
    },
    y: {
      type: o.yLog ? 'log' : 'linear',
      domain: yDomain,
      label: o.yLabel,
      labelAnchor: 'center',
      ticks: o.yLog ? logTicks(yDomain) : 3,
      tickFormat: tickLabel,
    },
    color: { domain: VERDICTS, range: VERDICTS.map((v) => VERDICT_COLOURS[v]) },
    marks,
  });
  return compact(svg.outerHTML);
}

const tooltip = (r: VerifiedResult) =>
  `${r.regime}: ${r.verdict}${r.unexpected ? ' (unexpected)' : ''}\npredicted ${num(r.predicted)}, measured ${num(r.measured)} \u00b1 ${num(r.stderr)}\n` +
  `error ${signedPercent(signedError(r))} of scale\n${configJson(r.config)}`;

const base = (r: VerifiedResult, regimes: string[], title: string) => ({
  verdict: r.verdict,
  symbol: regimes.indexOf(r.regime),
  unexpected: r.unexpected,
  title,
});

/**
 * Measured against predicted with +-2 stderr bars; a formula that holds sits on y = x. Where every
 * prediction and measurement is positive (variances) the axes are log |values|; elsewhere (means,
 * covariances, whose predictions can be 0 or negative) linear, in units of each config's scale.
 */
export function predictedVsMeasured(
  results: VerifiedResult[],
  regimes: string[],
): { svg: string; dropped: number; log: boolean } {
  const log = results.every((r) => r.predicted > 0 && r.measured > 0);
  const points = results.map((r) => {
    const [x, y, bar] = log
      ? [r.predicted, r.measured, r.stderr]
      : [r.predicted / r.scale, r.measured / r.scale, r.stderr / r.scale];
    return { ...base(r, regimes, tooltip(r)), x, y, lo: y - 2 * bar, hi: y + 2 * bar };
  });
  const dropped = points.filter((p) => !(Number.isFinite(p.x) && Number.isFinite(p.y))).length;
  const size = { width: 320, height: 280 };
  if (dropped === points.length) return { svg: '', dropped, log };
  // one prediction for every config (a mean of 0): measured per config against that line
  const constant = !log && points.every((p) => p.x === points[0].x);
  const svg = constant
    ? scatter(
        points.map((p, i) => ({ ...p, x: i + 1 })),
        {
          ...size,
          xLabel: 'config',
          yLabel: 'measured / scale',
          xLog: false,
          yLog: false,
          yRule: points[0].x,
          yRuleLabel: `predicted ${num(points[0].x)}`,
        },
      )
    : scatter(points, {
        ...size,
        xLabel: log ? 'predicted' : 'predicted / scale',
        yLabel: log ? 'measured' : 'measured / scale',
        xLog: log,
        yLog: log,
        diagonal: true,
      });
  return { svg, dropped, log };
}

/** Numeric config parameters that vary across these results, in first-seen order. */
export function varyingParameters(results: VerifiedResult[]): string[] {
  const values = new Map<string, Set<number>>();
  for (const r of results)
    for (const [k, v] of Object.entries(r.config))
      if (typeof v === 'number') values.set(k, (values.get(k) ?? new Set()).add(v));
  return [...values].filter(([, v]) => v.size > 1).map(([k]) => k);
}

/**
 * Relative error against one config parameter, +-2 stderr/scale bars and the budget's precision
 * as a dashed line, so the parameter range where a formula breaks stands out. Wide positive
 * ranges get a log axis, since parameters like d and sigma are drawn log-uniformly.
 */
export function errorByParameter(
  results: VerifiedResult[],
  regimes: string[],
  parameter: string,
  precision: number,
): string {
  const withValue = results.filter((r) => typeof r.config[parameter] === 'number');
  const xs = withValue.map((r) => r.config[parameter] as number);
  const xLog = Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) > 20;
  const points = withValue.map((r, i) => {
    const band = (2 * r.stderr) / r.scale;
    // no tooltip: the config is on the predicted-vs-measured point (and 13k titles cost 0.8 MB)
    return { ...base(r, regimes, ''), x: xs[i], y: r.relError, lo: r.relError - band, hi: r.relError + band };
  });
  return scatter(points, {
    xLabel: parameter,
    yLabel: '|error| / scale',
    xLog,
    yLog: true,
    yRule: precision,
    width: 236,
    height: 184,
  });
}
