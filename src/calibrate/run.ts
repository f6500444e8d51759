import fc from 'fast-check';
import type { EngineInfo } from '../backend/engine.ts';
import { checkComponent, type ClaimResult } from '../claims/check.ts';
import { COMPONENTS, ALL_CLAIMS } from '../claims/registry.ts';
import type { Claim, Component, Config } from '../claims/types.ts';
import { countComparisons, planVerification } from '../claims/verify.ts';
import type { Budget } from '../stats/budget.ts';
import { binomialTest, clopperPearson, type Interval } from './binomial.ts';
import { kolmogorovSmirnov, qqPoints, tCdf, type QQPoint } from './distribution.ts';
import { DEFAULT_PERTURBATIONS, type Perturbation } from './perturb.ts';

/** Components whose formulas are exact in expectation (FORMULAS.md 3.1 to 3.4): a `deviates` is a false alarm. */
export const EXACT_COMPONENTS = ['linear', 'dropout', 'relu', 'gelu'] as const;

export interface CalibrationOptions {
  budget: Budget;
  seed: number;
  engine: EngineInfo;
  /** configs per component for the single-look false-alarm and z-score phase */
  configs: number;
  /** configs per component for the adaptive false-alarm phase and the power phase */
  adaptiveConfigs: number;
  /** per-comparison alpha of the false-alarm phases */
  alpha: number;
  components?: readonly Component[];
  claims?: (claim: Claim) => boolean;
  perturbations?: readonly Perturbation[];
  phases?: readonly Phase[];
  onProgress?: (phase: Phase, done: number, total: number) => void;
}

export type Phase = 'fixed' | 'adaptive' | 'power';

export interface Rate {
  comparisons: number;
  events: number;
  rate: number;
  /** 95% Clopper-Pearson */
  ci: Interval;
}

export interface FalseAlarms extends Rate {
  nominal: number;
  /** two-sided exact binomial test of rate = nominal (fixed look) */
  pValue: number;
  byClaim: Record<string, { comparisons: number; events: number }>;
}

export interface PowerRow {
  perturbation: string;
  describe: string;
  all: Rate;
  /** comparisons whose induced error |p' - p|/scale is at least the budget's precision */
  visible: Rate;
  holds: number;
  inconclusive: number;
}

export interface CalibrationResult {
  budget: string;
  precision: number;
  seed: number;
  engine: string;
  alpha: number;
  fixedLook?: FalseAlarms & {
    replicates: number;
    degreesOfFreedom: number;
    ksStudentT: { statistic: number; pValue: number };
    zScores: { claim: string; z: number }[];
    qq: QQPoint[];
  };
  adaptive?: FalseAlarms & { meanReplicates: number; maxReplicates: number };
  power?: {
    /** comparisons of a default `verify` at this budget: the family the budget's alpha is split over */
    family: number;
    familyAlpha: number;
    exactFalseAlarms: Rate;
    rows: PowerRow[];
  };
  /** seconds per phase, to see where a run's time goes */
  phaseSeconds: Partial<Record<Phase, number>>;
  wallSeconds: number;
}

function stringSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function rate(events: number, comparisons: number): Rate {
  return { comparisons, events, rate: comparisons ? events / comparisons : Number.NaN, ci: clopperPearson(events, comparisons) };
}

interface Task {
  component: Component;
  config: Config;
  claims: Claim[];
}

/** Configs drawn from every regime of every component, deterministic in the seed and phase. */
function drawTasks(components: readonly Component[], select: (c: Claim) => boolean, budget: Budget, seed: number, phase: string, count: number): Task[] {
  return components.flatMap((component) =>
    component.regimes.flatMap((regime) =>
      fc
        .sample(
          regime.domain(budget),
          { seed: (seed ^ stringSeed(`${phase}/${component.key}/${regime.name}`)) | 0, numRuns: count },
        )
        .map((config) => ({ component, config, claims: component.claims.filter(select) })),
    ),
  );
}

function falseAlarms(results: ClaimResult[], nominal: number): FalseAlarms {
  const byClaim: FalseAlarms['byClaim'] = {};
  for (const r of results) {
    const entry = (byClaim[r.claim] ??= { comparisons: 0, events: 0 });
    entry.comparisons++;
    if (r.verdict === 'deviates') entry.events++;
  }
  const events = results.filter((r) => r.verdict === 'deviates').length;
  return { ...rate(events, results.length), nominal, pValue: binomialTest(events, results.length, nominal), byClaim };
}

/**
 * Measures the verdict procedure on claims whose truth is known.
 *  - fixed: one look at R0 replicates, each comparison alone at `alpha`: the false-alarm rate of
 *    an exact claim must be alpha (the t critical value is exact for normal pseudo-values), and
 *    z = (m - p)/se must follow t(R0 - 1).
 *  - adaptive: the full doubling loop with the group-sequential spending, each comparison alone
 *    at `alpha`: the rate must be at most alpha (a `holds` stops early, so it is usually below).
 *  - power: the budget as `verify` runs it (its family-wise alpha split over a default run's
 *    comparisons), on exact claims and on perturbed copies; the rate of `deviates` per
 *    perturbation is the power.
 */
export async function runCalibration(options: CalibrationOptions): Promise<CalibrationResult> {
  const started = performance.now();
  const { budget, seed, alpha } = options;
  const components = options.components ?? COMPONENTS.filter((c) => (EXACT_COMPONENTS as readonly string[]).includes(c.key));
  const select = options.claims ?? (() => true);
  const phases = options.phases ?? ['fixed', 'adaptive', 'power'];
  const result: CalibrationResult = { budget: budget.name, precision: budget.precision, seed, engine: options.engine.name, alpha, phaseSeconds: {}, wallSeconds: 0 };

  const runTasks = async (phase: Phase, tasks: Task[], runBudget: Budget, comparisons: number, extra: (t: Task) => Claim[] = () => []) => {
    const results: { task: Task; results: ClaimResult[] }[] = [];
    const phaseStarted = performance.now();
    for (const [i, task] of tasks.entries()) {
      const claims = [...task.claims, ...extra(task)];
      results.push({ task, results: await checkComponent(task.component, claims, task.config, { budget: runBudget, seed, engine: options.engine, comparisons }) });
      options.onProgress?.(phase, i + 1, tasks.length);
    }
    result.phaseSeconds[phase] = (performance.now() - phaseStarted) / 1000;
    return results;
  };

  if (phases.includes('fixed')) {
    const single: Budget = { ...budget, familyAlpha: alpha, maxReplicates: budget.initialReplicates };
    const done = await runTasks('fixed', drawTasks(components, select, budget, seed, 'fixed', options.configs), single, 1);
    const flat = done.flatMap((d) => d.results);
    const df = budget.initialReplicates - 1;
    const zScores = flat.map((r) => ({ claim: r.claim, z: (r.measured - r.predicted) / r.stderr })).filter((z) => Number.isFinite(z.z));
    const zs = zScores.map((z) => z.z);
    result.fixedLook = {
      ...falseAlarms(flat, alpha),
      replicates: budget.initialReplicates,
      degreesOfFreedom: df,
      ksStudentT: kolmogorovSmirnov(zs, (x) => tCdf(x, df)),
      zScores,
      qq: qqPoints(zs, df),
    };
  }

  if (phases.includes('adaptive')) {
    const done = await runTasks('adaptive', drawTasks(components, select, budget, seed, 'adaptive', options.adaptiveConfigs), { ...budget, familyAlpha: alpha }, 1);
    const flat = done.flatMap((d) => d.results);
    result.adaptive = {
      ...falseAlarms(flat, alpha),
      meanReplicates: flat.reduce((s, r) => s + r.replicates, 0) / Math.max(1, flat.length),
      maxReplicates: budget.maxReplicates,
    };
  }

  if (phases.includes('power')) {
    const perturbations = options.perturbations ?? DEFAULT_PERTURBATIONS;
    const family = countComparisons(planVerification(ALL_CLAIMS, budget, seed));
    const wrapped = new Map<string, { perturbation: Perturbation; original: Claim }>();
    const extra = (task: Task) =>
      perturbations.flatMap((p) =>
        task.claims.filter((c) => p.appliesTo(c)).map((c) => {
          const w = p.wrap(c);
          wrapped.set(w.id, { perturbation: p, original: c });
          return w;
        }),
      );
    const done = await runTasks('power', drawTasks(components, select, budget, seed, 'power', options.adaptiveConfigs), budget, family, extra);
    const exact = done.flatMap((d) => d.results.filter((r) => !wrapped.has(r.claim)));
    const rows = perturbations.map((p): PowerRow => {
      const mine = done.flatMap((d) =>
        d.results
          .filter((r) => wrapped.get(r.claim)?.perturbation === p)
          .map((r) => ({ r, induced: Math.abs(r.predicted - wrapped.get(r.claim)!.original.predict(d.task.config)) / r.scale })),
      );
      const visible = mine.filter((m) => m.induced >= budget.precision);
      const detected = (list: typeof mine) => list.filter((m) => m.r.verdict === 'deviates').length;
      return {
        perturbation: p.name,
        describe: p.describe,
        all: rate(detected(mine), mine.length),
        visible: rate(detected(visible), visible.length),
        holds: mine.filter((m) => m.r.verdict === 'holds').length,
        inconclusive: mine.filter((m) => m.r.verdict === 'inconclusive').length,
      };
    });
    result.power = {
      family,
      familyAlpha: budget.familyAlpha,
      exactFalseAlarms: rate(exact.filter((r) => r.verdict === 'deviates').length, exact.length),
      rows,
    };
  }

  result.wallSeconds = (performance.now() - started) / 1000;
  return result;
}
