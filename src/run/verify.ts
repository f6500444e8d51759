import fc from 'fast-check';
import { initEngine, type EngineInfo } from '../backend/engine.ts';
import { BUDGETS, type Budget, type BudgetName } from '../stats/budget.ts';
import { runJobsInWorkers, type JobRunner, type JobSpec } from '../parallel/pool.ts';
import { checkComponent } from '../claims/check.ts';
import {
  expectedFor,
  loadExpectedVerdicts,
  type ExpectedVerdicts,
  type VerifiedResult,
} from '../claims/expected.ts';
import type { ModelClaim } from '../claims/models/claims.ts';
import { checkModel, countModelComparisons } from '../claims/models/run.ts';
import { VERIFY_MODEL_CONFIGS, type ModelSuite } from '../claims/models/suites.ts';
import { REGISTRY, isModelEntry, selectClaims } from '../claims/registry.ts';
import type { Claim, Component, Config, Regime } from '../claims/types.ts';
import { arbitraryOf } from '../claims/space.ts';
import { claimsModuleSetup } from '../claims/userModules.ts';

/** One simulation to run: a component at a config, for the selected claims of one regime. */
export interface VerificationTask {
  component: Component;
  regime: Regime;
  claims: Claim[];
  config: Config;
}

/** A whole model at a config, for the selected claims of its family: one depth profile. */
export interface ModelVerificationTask {
  /**
   * the family's registry entry (key model.preln, ...), so code that lists tasks by component key
   * sees models too
   */
  component: ModelSuite;
  regime: Regime;
  claims: ModelClaim[];
  config: Config;
}

export type AnyVerificationTask = VerificationTask | ModelVerificationTask;
const isModelTask = (t: AnyVerificationTask): t is ModelVerificationTask => isModelEntry(t.component);

/** Stable small integer from a string, so each (component, regime) draws its own configs. */
function stringSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The configs a run checks: per component and regime, `configsPerComponent` draws from the
 * regime's domain, deterministic in the run seed. `shard` keeps every n-th task so n runners
 * split one run.
 */
export function planVerification(
  claims: readonly Claim[],
  budget: Budget,
  seed: number,
  shard?: { index: number; count: number },
): AnyVerificationTask[] {
  const tasks: AnyVerificationTask[] = [];
  for (const entry of REGISTRY) {
    const model = isModelEntry(entry);
    const selected = model
      ? entry.claims.filter((c) => claims.includes(c))
      : claims.filter((c) => c.component === entry.key);
    if (selected.length === 0) continue;
    for (const regime of entry.regimes) {
      // whole models: fewer configs per regime; a task whose claims make no comparison at its
      // depth (a slope at N = 1) is dropped
      const configs = fc.sample(arbitraryOf(regime, budget), {
        seed: (seed ^ stringSeed(`${entry.key}/${regime.name}`)) | 0,
        numRuns: model ? VERIFY_MODEL_CONFIGS[budget.name] : budget.configsPerComponent,
      });
      for (const config of configs)
        if (!isModelEntry(entry)) tasks.push({ component: entry, regime, claims: selected, config });
        else if (countModelComparisons(selected as ModelClaim[], config) > 0)
          tasks.push({ component: entry, regime, claims: selected as ModelClaim[], config });
    }
  }
  return shard ? tasks.filter((_, i) => i % shard.count === shard.index) : tasks;
}

/** Every comparison of the run: one per claim for a component, one per boundary or law for a model. */
export function countComparisons(tasks: readonly AnyVerificationTask[]): number {
  return tasks.reduce(
    (n, t) => n + (isModelTask(t) ? countModelComparisons(t.claims, t.config) : t.claims.length),
    0,
  );
}

export interface VerifyOptions {
  budget: Budget;
  seed: number;
  engine: EngineInfo;
  expected: ExpectedVerdicts;
  /** the whole run's comparison count when this is one shard of it */
  comparisons?: number;
  onTask?: (done: number, total: number, results: VerifiedResult[]) => void;
  /** checked between tasks: a stop request ends the run early with what it has */
  shouldStop?: () => boolean;
  /**
   * Run the tasks on this many worker threads. `plan` must be what made `tasks`: each worker
   * rebuilds the same list from it (tasks hold functions, which cannot cross threads).
   */
  parallel?: { workers: number; plan: VerifyPlan };
}

/** Everything that determines a run's task list; plain data, so it can be sent to a worker. */
export interface VerifyPlan {
  claims: string;
  budget: BudgetName;
  seed: number;
  shard?: { index: number; count: number };
}

export function tasksOf(plan: VerifyPlan): AnyVerificationTask[] {
  return planVerification(selectClaims(plan.claims), BUDGETS[plan.budget], plan.seed, plan.shard);
}

/** Runs one task and records each comparison's verdict against the expected ones. */
export async function verifyTask(
  task: AnyVerificationTask,
  options: Omit<VerifyOptions, 'onTask' | 'shouldStop' | 'parallel'> & { comparisons: number },
): Promise<VerifiedResult[]> {
  const checkOptions = {
    budget: options.budget,
    seed: options.seed,
    engine: options.engine,
    comparisons: options.comparisons,
    regime: task.regime.name,
  };
  const checked = isModelTask(task)
    ? (await checkModel(task.component.family, task.claims, task.config, checkOptions)).results
    : await checkComponent(task.component, task.claims, task.config, checkOptions);
  return checked.map((r) => {
    const expected =
      expectedFor(options.expected, r.claim, task.regime.name, options.budget.name, r.config) ?? null;
    return {
      ...r,
      regime: task.regime.name,
      expected,
      unexpected: expected === null || (r.verdict !== 'inconclusive' && !expected.includes(r.verdict)),
    };
  });
}

/**
 * Runs the tasks, serially or on worker threads. Results come back in task order either way, and
 * are the same numbers: each task's seeds depend on the run seed and its config only.
 */
export async function runVerification(
  tasks: readonly AnyVerificationTask[],
  options: VerifyOptions,
): Promise<{ results: VerifiedResult[]; complete: boolean }> {
  const comparisons = options.comparisons ?? countComparisons(tasks);
  const byTask: VerifiedResult[][] = [];
  let done = 0;
  const record = (index: number, verified: VerifiedResult[]) => {
    byTask[index] = verified;
    options.onTask?.(++done, tasks.length, verified);
  };
  let complete = true;
  if (options.parallel && options.parallel.workers > 1) {
    const spec: JobSpec<VerifyJobs> = {
      runner: import.meta.url,
      setup: claimsModuleSetup(),
      data: { plan: options.parallel.plan, comparisons },
    };
    // models and attention come last in the plan and cost most: handing them out first keeps the
    // workers busy to the end
    const order = tasks.map((_, i) => tasks.length - 1 - i);
    complete = await runJobsInWorkers<VerifiedResult[]>(spec, {
      workers: options.parallel.workers,
      engine: options.engine.name,
      order,
      onResult: record,
      shouldStop: options.shouldStop,
    });
  } else {
    for (const [index, task] of tasks.entries()) {
      if (options.shouldStop?.()) {
        complete = false;
        break;
      }
      record(index, await verifyTask(task, { ...options, comparisons }));
    }
  }
  return { results: byTask.flatMap((r) => r ?? []), complete };
}

interface VerifyJobs {
  plan: VerifyPlan;
  comparisons: number;
}

/** A worker's side of runVerification: it rebuilds the task list from the plan. */
export const runner: JobRunner<VerifyJobs> = ({ plan, comparisons }) => {
  const tasks = tasksOf(plan);
  const expected = loadExpectedVerdicts();
  const budget = BUDGETS[plan.budget];
  return async (index) =>
    verifyTask(tasks[index], { budget, seed: plan.seed, engine: await initEngine(), expected, comparisons });
};
