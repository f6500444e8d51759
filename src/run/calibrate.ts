import fc from 'fast-check';
import { initEngine, type EngineInfo } from '../backend/engine.ts';
import { checkComponent, type ClaimResult } from '../claims/check.ts';
import { COMPONENTS, ALL_CLAIMS } from '../claims/registry.ts';
import type { Claim, Component, Config } from '../claims/types.ts';
import { arbitraryOf } from '../claims/space.ts';
import { binomialTest, clopperPearson } from '../stats/binomial.ts';
import { kolmogorovSmirnov, qqPoints, tCdf } from '../stats/distribution.ts';
import {
  DEFAULT_PERTURBATIONS,
  EXACT_COMPONENTS,
  isExactComponent,
  POWER_COMPONENTS,
  type Perturbation,
} from '../calibrate/perturb.ts';
import type { CalibrationResult, FalseAlarms, Phase, PowerRow, Rate } from '../calibrate/result.ts';
import { BUDGETS, type Budget, type BudgetName } from '../stats/budget.ts';
import { runJobsInWorkers, type JobRunner, type JobSpec } from '../parallel/pool.ts';
import { countComparisons, planVerification } from './verify.ts';
import { claimsModuleSetup } from '../claims/userModules.ts';

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
  /**
   * Worker threads for the simulations (results do not depend on it). Workers rebuild each
   * phase's tasks from `budget`, `seed`, `alpha` and the config counts, so `components`,
   * `claims` and `perturbations` must be left at their defaults when this is above 1.
   */
  workers?: number;
}

/** What determines the calibration's tasks: plain data, so a worker can rebuild them. */
export interface CalibrationPlan {
  budget: BudgetName;
  seed: number;
  alpha: number;
  configs: number;
  adaptiveConfigs: number;
}

function stringSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function rate(events: number, comparisons: number): Rate {
  return {
    comparisons,
    events,
    rate: comparisons ? events / comparisons : Number.NaN,
    ci: clopperPearson(events, comparisons),
  };
}

interface Task {
  component: Component;
  config: Config;
  claims: Claim[];
}

/** Configs drawn from every regime of every component, deterministic in the seed and phase. */
function drawTasks(
  components: readonly Component[],
  select: (c: Claim) => boolean,
  budget: Budget,
  seed: number,
  phase: string,
  count: number,
): Task[] {
  return components.flatMap((component) =>
    component.regimes.flatMap((regime) =>
      fc
        .sample(arbitraryOf(regime, budget), {
          seed: (seed ^ stringSeed(`${phase}/${component.key}/${regime.name}`)) | 0,
          numRuns: count,
        })
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
  return {
    ...rate(events, results.length),
    nominal,
    pValue: binomialTest(events, results.length, nominal),
    byClaim,
  };
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
  const phases = options.phases ?? ['fixed', 'adaptive', 'power'];
  const result: CalibrationResult = {
    budget: budget.name,
    precision: budget.precision,
    seed,
    engine: options.engine.name,
    alpha,
    phaseSeconds: {},
    wallSeconds: 0,
  };
  const workers = options.workers ?? 1;
  if (workers > 1 && (options.components || options.claims || options.perturbations)) {
    throw new Error('calibration on worker threads needs the default components, claims and perturbations');
  }
  const plan: CalibrationPlan = {
    budget: budget.name,
    seed,
    alpha,
    configs: options.configs,
    adaptiveConfigs: options.adaptiveConfigs,
  };

  const runTasks = async (phase: Phase) => {
    const planned = phasePlan(phase, options);
    const { tasks, wrapped } = planned;
    const byTask: ClaimResult[][] = [];
    let done = 0;
    const record = (i: number, results: ClaimResult[]) => {
      byTask[i] = results;
      options.onProgress?.(phase, ++done, tasks.length);
    };
    const phaseStarted = performance.now();
    if (workers > 1) {
      const spec: JobSpec<CalibrationJobs> = {
        runner: import.meta.url,
        setup: claimsModuleSetup(),
        data: { plan, phase },
      };
      await runJobsInWorkers<ClaimResult[]>(spec, {
        workers,
        engine: options.engine.name,
        order: tasks.map((_, i) => i),
        onResult: record,
      });
    } else {
      for (const [i] of tasks.entries()) record(i, await runPhaseTask(planned, i, seed, options.engine));
    }
    result.phaseSeconds[phase] = (performance.now() - phaseStarted) / 1000;
    return {
      done: tasks.map((task, i) => ({ task, results: byTask[i] })),
      wrapped,
      comparisons: planned.comparisons,
    };
  };

  if (phases.includes('fixed')) {
    const { done } = await runTasks('fixed');
    const flat = done.flatMap((d) => d.results);
    const df = budget.initialReplicates - 1;
    const zScores = flat
      .map((r) => ({ claim: r.claim, z: (r.measured - r.predicted) / r.stderr }))
      .filter((z) => Number.isFinite(z.z));
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
    const { done } = await runTasks('adaptive');
    const flat = done.flatMap((d) => d.results);
    result.adaptive = {
      ...falseAlarms(flat, alpha),
      meanReplicates: flat.reduce((s, r) => s + r.replicates, 0) / Math.max(1, flat.length),
      maxReplicates: budget.maxReplicates,
    };
  }

  if (phases.includes('power')) {
    const perturbations = options.perturbations ?? DEFAULT_PERTURBATIONS;
    const { done, wrapped, comparisons: family } = await runTasks('power');
    // softmax's own forms are approximations with recorded findings, not exact claims
    const exact = done.flatMap((d) =>
      d.results.filter((r) => !wrapped.has(r.claim) && isExactComponent(r.component)),
    );
    const rows = perturbations.map((p): PowerRow => {
      const mine = done.flatMap((d) =>
        d.results
          .filter((r) => wrapped.get(r.claim)?.perturbation === p)
          .map((r) => ({
            r,
            induced: Math.abs(r.predicted - wrapped.get(r.claim)!.original.predict(d.task.config)) / r.scale,
          })),
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
        byClaim: Object.fromEntries(
          [...new Set(mine.map((m) => wrapped.get(m.r.claim)!.original.id))].map((id) => {
            const own = mine.filter((m) => wrapped.get(m.r.claim)!.original.id === id);
            const induced = own.map((m) => m.induced).sort((a, b) => a - b);
            return [
              id,
              {
                comparisons: own.length,
                detected: detected(own),
                visible: own.filter((m) => m.induced >= budget.precision).length,
                medianInduced: induced[Math.floor(induced.length / 2)],
              },
            ];
          }),
        ),
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

type PlanOptions = Pick<
  CalibrationOptions,
  'budget' | 'seed' | 'alpha' | 'configs' | 'adaptiveConfigs' | 'components' | 'claims' | 'perturbations'
>;

/**
 * The budget each phase judges with, and the family its alpha is split over:
 *  - fixed: one look at R0, each comparison alone at alpha;
 *  - adaptive: the full doubling loop, each comparison alone at alpha;
 *  - power: the budget exactly as a default `verify` at this budget runs it.
 */
function phaseBudget(
  phase: Phase,
  budget: Budget,
  alpha: number,
  seed: number,
): { budget: Budget; comparisons: number } {
  switch (phase) {
    case 'fixed':
      return {
        budget: { ...budget, familyAlpha: alpha, maxReplicates: budget.initialReplicates },
        comparisons: 1,
      };
    case 'adaptive':
      return { budget: { ...budget, familyAlpha: alpha }, comparisons: 1 };
    case 'power':
      return { budget, comparisons: countComparisons(planVerification(ALL_CLAIMS, budget, seed)) };
  }
}

/**
 * One phase's tasks, each with its claims (for power, the exact claims and their perturbed
 * copies), and which claim ids are perturbations of which: deterministic in the options, so the
 * main thread and every worker build the same list.
 */
export function phasePlan(phase: Phase, options: PlanOptions) {
  const defaults: readonly string[] = phase === 'power' ? POWER_COMPONENTS : EXACT_COMPONENTS;
  const components = options.components ?? COMPONENTS.filter((c) => defaults.includes(c.key));
  const select = options.claims ?? (() => true);
  const count = phase === 'fixed' ? options.configs : options.adaptiveConfigs;
  const drawn = drawTasks(components, select, options.budget, options.seed, phase, count);
  const wrapped = new Map<string, { perturbation: Perturbation; original: Claim }>();
  const perturbations = phase === 'power' ? (options.perturbations ?? DEFAULT_PERTURBATIONS) : [];
  const tasks = drawn.map((task) => ({
    ...task,
    claims: [
      ...task.claims,
      ...perturbations.flatMap((p) =>
        task.claims
          .filter((c) => p.appliesTo(c))
          .map((c) => {
            const w = p.wrap(c);
            wrapped.set(w.id, { perturbation: p, original: c });
            return w;
          }),
      ),
    ],
  }));
  return { tasks, wrapped, ...phaseBudget(phase, options.budget, options.alpha, options.seed) };
}

export type PhasePlan = ReturnType<typeof phasePlan>;

/** Runs task `index` of a phase: what the serial loop and a worker both call. */
export async function runPhaseTask(
  plan: PhasePlan,
  index: number,
  seed: number,
  engine: EngineInfo,
): Promise<ClaimResult[]> {
  const task = plan.tasks[index];
  return checkComponent(task.component, task.claims, task.config, {
    budget: plan.budget,
    seed,
    engine,
    comparisons: plan.comparisons,
  });
}

/** The plan a worker receives, back to options (default components, claims and perturbations). */
export function planOptions(plan: CalibrationPlan): PlanOptions {
  return { ...plan, budget: BUDGETS[plan.budget] };
}

interface CalibrationJobs {
  plan: CalibrationPlan;
  phase: Phase;
}

/** A worker's side of one phase: it rebuilds the phase's tasks from the plan. */
export const runner: JobRunner<CalibrationJobs> = ({ plan, phase }) => {
  const planned = phasePlan(phase, planOptions(plan));
  return async (index) => runPhaseTask(planned, index, plan.seed, await initEngine());
};
