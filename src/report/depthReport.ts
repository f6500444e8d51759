import type { ClaimResult } from '../claims/check.ts';
import type { Config } from '../claims/types.ts';
import type { EngineInfo } from '../backend/engine.ts';
import type { MeasuredProfile } from '../sim/model/profile.ts';
import type { Verdict } from '../stats/verdict.ts';
import type { ModelPrediction } from '../theory/schemes.ts';
import { num, signedPercent } from './format.ts';

/** What `sigprop depth` writes as depth.json and renders as depth.md and the SVG plots. */
export interface DepthReport {
  schema: 'sigprop-depth';
  schemaVersion: 1;
  run: {
    command: 'depth';
    arch: string;
    budget: string;
    precision: number;
    familyAlpha: number;
    seed: number;
    engine: EngineInfo;
    wallSeconds: number;
    comparisons: number;
    replicates: number;
  };
  config: Config;
  /** one row per sublayer boundary: 0 = input, then after each sublayer */
  boundaries: BoundaryRow[];
  /** the depth laws (one comparison each) */
  laws: ClaimResult[];
  summary: Record<Verdict, number>;
  results: ClaimResult[];
}

export interface Cell {
  predicted: number;
  measured: number;
  stderr: number;
  verdict?: Verdict;
}

export interface BoundaryRow {
  index: number;
  /** depth in layers (boundary i sits at i/2) */
  depth: number;
  /** which sublayer produced this stream ('input' at 0) */
  after: string;
  variance: Cell;
  correlation: Cell;
  gradVariance: Cell;
  /** Pre-LN only: the sheet's telescoped gradient v_N*s2_N/s2_l */
  gradVarianceTelescoped?: Cell;
}

export function buildDepthReport(
  run: DepthReport['run'],
  config: Config,
  family: string,
  prediction: ModelPrediction,
  profile: MeasuredProfile,
  results: ClaimResult[],
): DepthReport {
  const verdictOf = (suffix: string, index: number) =>
    results.find((r) => r.claim === `model.${family}.${suffix}` && r.config.boundary === index)?.verdict;
  const cell = (
    suffix: string,
    index: number,
    predicted: number,
    m: { value: number; stderr: number },
  ): Cell => ({
    predicted,
    measured: m.value,
    stderr: m.stderr,
    ...(verdictOf(suffix, index) ? { verdict: verdictOf(suffix, index) } : {}),
  });
  const boundaries = prediction.variance.map((_, i): BoundaryRow => {
    const telescoped = results.find(
      (r) => r.claim === `model.${family}.backward.var.telescoped` && r.config.boundary === i,
    );
    return {
      index: i,
      depth: prediction.depths?.[i] ?? i / 2,
      after:
        prediction.labels?.[i] ?? (i === 0 ? 'input' : `${Math.ceil(i / 2)}.${prediction.sublayers[i - 1]}`),
      variance: cell('forward.var', i, prediction.variance[i], profile.variance[i]),
      correlation: cell('forward.corr', i, prediction.correlation[i], profile.correlation[i]),
      gradVariance: cell('backward.var', i, prediction.gradVariance[i], profile.gradVariance[i]),
      ...(telescoped
        ? {
            gradVarianceTelescoped: {
              predicted: telescoped.predicted,
              measured: telescoped.measured,
              stderr: telescoped.stderr,
              verdict: telescoped.verdict,
            },
          }
        : {}),
    };
  });
  const count = (v: Verdict) => results.filter((r) => r.verdict === v).length;
  return {
    schema: 'sigprop-depth',
    schemaVersion: 1,
    run,
    config,
    boundaries,
    laws: results.filter((r) => r.config.boundary === undefined),
    summary: { holds: count('holds'), deviates: count('deviates'), inconclusive: count('inconclusive') },
    results,
  };
}

/** Enough digits that a gap resolved by a tiny stderr (e.g. LayerNorm's eps, ~1e-5) stays visible. */
const digits = (c: Cell) =>
  Math.min(9, Math.max(4, Math.ceil(Math.log10(Math.abs(c.measured) / c.stderr)) + 1 || 4));
const show = (c: Cell) =>
  `${num(c.predicted)} | ${num(c.measured, digits(c))} \u00b1 ${num(c.stderr, 2)} | ${c.verdict ?? ''}`;

/** The model config, replicates and budget in one line: captions of the plots and the report's lead. */
export function depthCaption(r: DepthReport): string {
  const c = r.config;
  const beta = r.run.arch.startsWith('dslm')
    ? `, beta^2 = ${c.k}/${c.sublayers ? 2 * c.layers : c.layers}`
    : '';
  return (
    `${r.run.arch}, ${c.layers} layers, d = ${c.d}, ${c.heads} heads, L = ${c.seqLen}, dropout ${c.dropout} (attention ${c.attentionDropout}), input r = ${c.rX}${beta}; ` +
    `${r.run.replicates} replicates of ${c.batch} sample${c.batch === 1 ? '' : 's'}, budget ${r.run.budget}, seed ${r.run.seed}`
  );
}

/** Verdict counts of all comparisons, said the same way in stdout, depth.md and depth.html. */
export function depthVerdicts(r: DepthReport): string {
  const { holds, deviates, inconclusive } = r.summary;
  return (
    `${r.run.comparisons} comparisons after ${r.run.replicates} replicates: ${holds} holds, ${deviates} deviates, ${inconclusive} inconclusive` +
    (inconclusive ? ` (${inconclusive} undecided at the last look)` : '')
  );
}

export interface DepthClaimRow {
  claim: string;
  counts: Record<Verdict, number>;
  /** the largest |error| in units of scale, signed: (measured - predicted) / scale */
  worst: number;
  /** where it is: the boundary index, or null for a depth law */
  at: number | null;
}

/** Per claim: verdict counts over its boundaries and its worst signed error. */
export function depthClaimRows(r: DepthReport): DepthClaimRow[] {
  const rows = new Map<string, DepthClaimRow>();
  for (const res of r.results) {
    const row = rows.get(res.claim) ?? {
      claim: res.claim,
      counts: { holds: 0, deviates: 0, inconclusive: 0 },
      worst: 0,
      at: null,
    };
    row.counts[res.verdict]++;
    const error = (res.measured - res.predicted) / res.scale;
    if (Math.abs(error) >= Math.abs(row.worst))
      [row.worst, row.at] = [error, typeof res.config.boundary === 'number' ? res.config.boundary : null];
    rows.set(res.claim, row);
  }
  return [...rows.values()];
}

/** Markdown that renders in a CI job summary: tables only, no images or relative links. */
export function renderDepthMarkdown(r: DepthReport, plots: string[]): string {
  const telescoped = r.boundaries.some((b) => b.gradVarianceTelescoped);
  const lines = [
    `# sigprop depth: ${r.run.arch}, ${r.config.layers} layers`,
    '',
    `${depthCaption(r)} (precision ${r.run.precision}); ${r.run.comparisons} comparisons under a family-wise false-alarm budget of ${r.run.familyAlpha}; ` +
      `${num(r.run.wallSeconds, 3)} s on ${r.run.engine.name}.`,
    '',
    `**${depthVerdicts(r)}.**`,
    '',
    '## Key numbers',
    '',
    '| claim | holds | deviates | inconclusive | worst error / scale | at boundary |',
    '|---|---:|---:|---:|---:|---|',
    ...depthClaimRows(r).map(
      (c) =>
        `| ${c.claim} | ${c.counts.holds} | ${c.counts.deviates} | ${c.counts.inconclusive} | ${signedPercent(c.worst)} | ${c.at === null ? '(depth law)' : `${c.at} (${r.boundaries[c.at]?.after ?? '?'})`} |`,
    ),
    '',
    'Errors are (measured \u2212 predicted) / scale, signed: + where the formula under-predicts.',
    '',
    '## Depth laws',
    '',
    '| claim | predicted | measured \u00b1 se | verdict |',
    '|---|---|---|---|',
    ...r.laws.map(
      (l) =>
        `| ${l.claim} | ${num(l.predicted)} | ${num(l.measured)} \u00b1 ${num(l.stderr, 2)} | ${l.verdict} |`,
    ),
    '',
    '## Per sublayer',
    '',
    `Variance and correlation of the residual stream after each sublayer, and the gradient variance there (top gradient: variance 1, correlation ${r.config.rG}).`,
    '',
    `| boundary | after | variance: predicted | measured \u00b1 se | verdict | correlation: predicted | measured \u00b1 se | verdict | gradient variance: predicted | measured \u00b1 se | verdict |${telescoped ? ' telescoped (sheet) | verdict |' : ''}`,
    `|---|---|---|---|---|---|---|---|---|---|---|${telescoped ? '---|---|' : ''}`,
    ...r.boundaries.map(
      (b) =>
        `| ${b.index} | ${b.after} | ${show(b.variance)} | ${show(b.correlation)} | ${show(b.gradVariance)} |` +
        (b.gradVarianceTelescoped
          ? ` ${num(b.gradVarianceTelescoped.predicted)} | ${b.gradVarianceTelescoped.verdict ?? ''} |`
          : ''),
    ),
    '',
    `Plots: depth.html, and ${plots.join(', ')} beside this file.`,
    '',
  ];
  return lines.join('\n');
}
