import type { EngineInfo } from '../backend/engine.ts';
import type { ClaimResult } from '../claims/check.ts';
import type { Config } from '../claims/types.ts';
import type { Verdict } from '../stats/verdict.ts';
import { num } from './format.ts';

/** A predicted and a measured value of one statistic of a whole profile. */
export interface LawValue {
  predicted: number;
  measured: number;
  stderr: number;
}

/** The growth laws the atlas's summary table reports per scheme and depth. */
export interface DepthStatistics {
  /** slope of the stream variance against layer over the deeper half (linear growth reads as a constant) */
  varianceSlope: LawValue;
  /** slope of log stream variance against layer over the whole depth (exponential growth reads as a constant) */
  varianceLogSlope: LawValue;
  /** slope of log gradient variance against layer over the whole depth */
  gradientLogSlope: LawValue;
  /** gradient variance at the input over that at the top */
  gradientRatio: LawValue;
}

/** What `sigprop atlas` writes as atlas.json and renders as atlas.md and atlas.html. */
export interface AtlasReport {
  schema: 'sigprop-atlas';
  schemaVersion: 1;
  run: {
    command: 'atlas';
    budget: string;
    precision: number;
    familyAlpha: number;
    seed: number;
    engine: EngineInfo;
    wallSeconds: number;
    cpuSeconds: number;
    comparisons: number;
    /**
     * set when the report merges atlases run as separate processes over disjoint schemes: each
     * part split its own false-alarm budget over its own comparisons, so the merged run's
     * family-wise budget is the sum of the parts' (parts x familyAlpha)
     */
    parts?: number;
    plan: {
      schemes: string[];
      layers: number[];
      d: number;
      heads: number;
      seqLen: number;
      dropout: number;
      attentionDropout: number;
      rX: number;
      replicates: { initial: number; max: number };
      shape?: string;
    };
  };
  schemes: {
    key: string;
    name: string;
    placement: string;
    residual: string;
    init: string;
    promise: string;
    source: string;
  }[];
  runs: AtlasRun[];
}

export type Statistic = 'variance' | 'correlation' | 'gradVariance';
export type VerdictCounts = Record<Verdict, number>;

export interface AtlasCell {
  /** in layers: boundary i sits at i/2 */
  depth: number;
  predicted: number;
  measured: number;
  stderr: number;
  verdict: Verdict;
}

/** One scheme at one depth. */
export interface AtlasRun {
  scheme: string;
  family: string;
  layers: number;
  config: Config;
  replicates: number;
  /** replicates of the N/2 model that N-independence promises compare against (0 if none) */
  halfReplicates: number;
  wallSeconds: number;
  cpuSeconds: number;
  cells: Record<Statistic, AtlasCell[]>;
  counts: Record<Statistic, VerdictCounts>;
  /** the depth laws: the scheme's promises and growth laws */
  laws: ClaimResult[];
  statistics: DepthStatistics;
}

export const STATISTICS: readonly { key: Statistic; title: string }[] = [
  { key: 'variance', title: 'forward variance' },
  { key: 'correlation', title: 'token correlation' },
  { key: 'gradVariance', title: 'gradient variance (top = 1)' },
];

export const runsOf = (r: AtlasReport, scheme: string) =>
  r.runs.filter((x) => x.scheme === scheme).sort((a, b) => a.layers - b.layers);

export function sumCounts(counts: readonly VerdictCounts[]): VerdictCounts {
  return counts.reduce(
    (a, c) => ({
      holds: a.holds + c.holds,
      deviates: a.deviates + c.deviates,
      inconclusive: a.inconclusive + c.inconclusive,
    }),
    { holds: 0, deviates: 0, inconclusive: 0 },
  );
}

export const countsText = (c: VerdictCounts) =>
  `${c.holds} holds, ${c.deviates} deviates, ${c.inconclusive} inconclusive`;

/** "1.23 (2.0 ± 0.1)": predicted, then measured ± se. */
export const lawText = (v: LawValue) =>
  `${num(v.predicted, 3)} (${num(v.measured, 3)} \u00b1 ${num(v.stderr, 2)})`;

/** A law claim's short name (its id after the family) with its verdict and numbers. */
export const lawResultText = (l: ClaimResult) =>
  `${l.claim.split('.').slice(2).join('.')}: ${l.verdict} (${num(l.measured, 3)} \u00b1 ${num(l.stderr, 2)} vs ${num(l.predicted, 3)})`;

/**
 * Whether a scheme keeps its promise, over every depth it ran at: kept when every promise claim
 * holds; broken at the depths where one deviates; undecided otherwise. Pre-LN's two growth laws
 * are rival predictions, not a promise: for Pre-LN the verdict names the one that holds.
 */
export function promiseVerdict(runs: readonly AtlasRun[]): string {
  const laws = runs.flatMap((r) => r.laws.map((l) => ({ l, layers: r.layers })));
  if (laws.length === 0) return 'no promise claim at these depths';
  if (runs[0]?.family === 'preln') {
    const verdictsOf = (suffix: string) =>
      laws
        .filter((x) => x.l.claim.endsWith(suffix))
        .map((x) => `N=${x.layers}: ${x.l.verdict}`)
        .join(', ');
    return `linear (Kedia et al.): ${verdictsOf('growth.linear')}; exponential (Sun et al.): ${verdictsOf('growth.exponential')}`;
  }
  const broken = laws.filter((x) => x.l.verdict === 'deviates');
  if (broken.length)
    return `broken: ${broken.map((x) => `${x.l.claim.split('.').slice(2).join('.')} at N=${x.layers}`).join(', ')}`;
  if (laws.every((x) => x.l.verdict === 'holds')) return 'kept at every depth';
  return 'undecided (inconclusive at the budget)';
}

export function renderAtlasMarkdown(r: AtlasReport): string {
  const p = r.run.plan;
  const lines = [
    `# sigprop atlas: ${r.schemes.length} depth schemes at ${p.layers.join(', ')} layers`,
    '',
    atlasCaption(r),
    '',
    '## Summary: growth laws predicted (measured \u00b1 se)',
    '',
    'Variance slope: least-squares slope of the stream variance per layer over the deeper half (linear growth: a constant). ' +
      'Log-slopes: of log variance per layer over the whole depth (exponential growth: a constant). Gradient ratio: input over top.',
    '',
    '| scheme | N | variance slope | variance log-slope | gradient log-slope | gradient ratio in/top | promise and growth-law claims | cost |',
    '|---|---|---|---|---|---|---|---|',
    ...r.runs.map((x) => {
      const s = x.statistics;
      return (
        `| ${x.scheme} | ${x.layers} | ${lawText(s.varianceSlope)} | ${lawText(s.varianceLogSlope)} | ${lawText(s.gradientLogSlope)} | ${lawText(s.gradientRatio)} | ` +
        `${x.laws.map(lawResultText).join('; ') || '\u2013'} | ${num(x.wallSeconds, 3)} s wall, ${num(x.cpuSeconds, 3)} s CPU, R = ${x.replicates}${x.halfReplicates ? ` (+${x.halfReplicates} at N/2)` : ''} |`
      );
    }),
    '',
    '## Promises',
    '',
    '| scheme | definition | promise | verdict |',
    '|---|---|---|---|',
    ...r.schemes.map(
      (s) => `| ${s.name} | ${s.residual}; ${s.init} | ${s.promise} | ${promiseVerdict(runsOf(r, s.key))} |`,
    ),
    '',
    '## Per-boundary verdicts',
    '',
    '| scheme | N | forward variance | correlation | gradient variance |',
    '|---|---|---|---|---|',
    ...r.runs.map(
      (x) =>
        `| ${x.scheme} | ${x.layers} | ${countsText(x.counts.variance)} | ${countsText(x.counts.correlation)} | ${countsText(x.counts.gradVariance)} |`,
    ),
    '',
    '## Sources',
    '',
    ...r.schemes.map((s) => `- ${s.name}: ${s.source}`),
    '',
    'Plots: atlas.html (small multiples, one row per scheme).',
    '',
  ];
  return lines.join('\n');
}

export function atlasCaption(r: AtlasReport): string {
  const p = r.run.plan;
  return (
    `${p.shape ? `shape ${p.shape}: ` : ''}d = ${p.d}, heads = ${p.heads}, L = ${p.seqLen}, dropout ${p.dropout} (attention ${p.attentionDropout}), input r = ${p.rX}; ` +
    `budget ${r.run.budget} (precision ${r.run.precision}), ${p.replicates.initial} to ${p.replicates.max} replicates per run (jackknife errors), ` +
    (r.run.parts
      ? `${r.run.parts} parts run as concurrent processes, each splitting a family-wise false-alarm budget of ${r.run.familyAlpha} over its own comparisons (${r.run.comparisons} in all); `
      : `${r.run.comparisons} comparisons under a family-wise false-alarm budget of ${r.run.familyAlpha}; `) +
    `seed ${r.run.seed}; ${num(r.run.wallSeconds, 4)} s wall${r.run.parts ? ' (the longest part)' : ''}, ${num(r.run.cpuSeconds, 4)} s CPU on ${r.run.engine.name}.`
  );
}

/**
 * Merges atlases of disjoint schemes run with the same plan otherwise (e.g. as concurrent
 * processes): the runs and schemes side by side, comparisons and CPU summed, wall the longest
 * part's (they ran at once). A part with another plan, engine or budget is refused.
 */
export function mergeAtlasReports(parts: readonly AtlasReport[]): AtlasReport {
  if (parts.length === 0) throw new Error('nothing to merge');
  const [first] = parts;
  const same = ({ schemes: _s, layers: _l, replicates: _r, ...rest }: AtlasReport['run']['plan']) =>
    JSON.stringify(rest);
  for (const p of parts) {
    if (p.schema !== 'sigprop-atlas') throw new Error(`not an atlas report (schema ${String(p.schema)})`);
    if (
      same(p.run.plan) !== same(first.run.plan) ||
      p.run.budget !== first.run.budget ||
      p.run.seed !== first.run.seed ||
      p.run.engine.name !== first.run.engine.name
    )
      throw new Error('atlas parts differ in plan, budget, seed or engine');
  }
  const runKeys = parts.flatMap((p) => p.runs.map((r) => `${r.scheme}@${r.layers}`));
  if (new Set(runKeys).size !== runKeys.length) throw new Error('atlas parts share a scheme at a depth');
  const keys = [...new Set(parts.flatMap((p) => p.schemes.map((s) => s.key)))];
  const replicates = parts.map((p) => p.run.plan.replicates);
  return {
    ...first,
    run: {
      ...first.run,
      wallSeconds: Math.max(...parts.map((p) => p.run.wallSeconds)),
      cpuSeconds: parts.reduce((a, p) => a + p.run.cpuSeconds, 0),
      comparisons: parts.reduce((a, p) => a + p.run.comparisons, 0),
      parts: parts.reduce((a, p) => a + (p.run.parts ?? 1), 0),
      plan: {
        ...first.run.plan,
        schemes: keys,
        layers: [...new Set(parts.flatMap((p) => p.run.plan.layers))].sort((a, b) => a - b),
        replicates: {
          initial: Math.min(...replicates.map((r) => r.initial)),
          max: Math.max(...replicates.map((r) => r.max)),
        },
      },
    },
    schemes: keys.map((k) => parts.flatMap((p) => p.schemes).find((s) => s.key === k)!),
    runs: parts.flatMap((p) => p.runs),
  };
}
