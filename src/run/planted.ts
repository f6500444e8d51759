import { initEngine, type EngineInfo } from '../backend/engine.ts';
import { clopperPearson } from '../stats/binomial.ts';
import { cornerFault, interiorFault, type PlantedFault } from '../calibrate/planted.ts';
import type { PlantedJudged, PlantedRow, PlantedTrial } from '../calibrate/result.ts';
import { ALL_CLAIMS, COMPONENTS, findClaim } from '../claims/registry.ts';
import { runJobsInWorkers, type JobRunner, type JobSpec } from '../parallel/pool.ts';
import { centre } from '../search/design.ts';
import { cubeOf } from '../search/objective.ts';
import type { Budget } from '../stats/budget.ts';
import { huntTask, planHunt, type HuntRecord } from './hunt.ts';

export type FaultKind = PlantedFault['kind'];

/** The forward variance of each exact component: its prediction is its scale, so x1.10 is a 10% error. */
export const PLANTED_CLAIMS = [
  'relu.forward.var',
  'dropout.forward.var',
  'gelu.forward.var',
  'linear.forward.var',
];

/** What determines the planted-fault trials: plain data, so workers rebuild them. */
export interface PlantedPlan {
  budget: Budget;
  seeds: readonly number[];
  claims?: readonly string[];
  kinds?: readonly FaultKind[];
  /** also run the random-sampling baseline (default true) */
  baseline?: boolean;
  /** the search's deterministic designs (default true; false is the tests' ablation) */
  designs?: boolean;
}

interface Job {
  claim: string;
  kind: FaultKind;
  seed: number;
}

const jobsOf = (plan: PlantedPlan): Job[] =>
  (plan.claims ?? PLANTED_CLAIMS).flatMap((claim) =>
    (plan.kinds ?? ['corner', 'interior']).flatMap((kind) =>
      plan.seeds.map((seed) => ({ claim, kind, seed })),
    ),
  );

/**
 * One trial: the fault planted where the seed says (calibrate/planted.ts), the hunt run on the
 * faulty claim at the budget's default evaluations, and random sampling given the same number of
 * search simulations and the same confirmation. Both are judged as `verify` judges a hunt: the
 * confirmed error is a finding. The confirmation's critical value is the one of a default hunt
 * over every claim, so the rate is the one a real run has.
 */
async function trial(job: Job, plan: PlantedPlan, engine: EngineInfo): Promise<PlantedTrial> {
  const started = performance.now();
  const comparisons = planHunt(ALL_CLAIMS).reduce((n, t) => n + t.claims.length, 0);
  const original = findClaim(job.claim);
  const component = COMPONENTS.find((c) => c.key === original.component)!;
  const regime = component.regimes[0];
  const cube = cubeOf(regime, plan.budget);
  const plant = job.kind === 'corner' ? cornerFault : interiorFault;
  const fault = plant(
    original,
    cube.space,
    cube.toConfig(centre(cube.keys.length)),
    `${job.seed}|${job.claim}`,
  );
  const task = { key: component.key, component, regime, claims: [fault.claim] };
  const judge = (r: HuntRecord): PlantedJudged => ({
    finding: r.finding,
    inside: fault.factor(r.worst.config) - 1 > plan.budget.precision,
    error: r.worst.error,
    errorStderr: r.worst.errorStderr,
    replicates: r.replicates,
    evaluations: r.evaluations,
    config: r.worst.config,
  });
  const options = {
    budget: plan.budget,
    seed: job.seed,
    engine,
    comparisons,
    maps: false,
    ...(plan.designs === false ? { designs: false } : {}),
  };
  const [hunted] = await huntTask(task, options);
  // random sampling draws as many simulations as the whole hunt spent (search, race and
  // confirmation), then confirms its worst the same way on top: equal cost, counted in its favour
  const sampled =
    plan.baseline === false
      ? undefined
      : (
          await huntTask(task, {
            ...options,
            strategy: 'random',
            evaluations: Math.ceil(hunted.evaluations),
          })
        )[0];
  return {
    claim: job.claim,
    kind: job.kind,
    seed: job.seed,
    fault: fault.describe,
    hunt: judge(hunted),
    ...(sampled ? { random: judge(sampled) } : {}),
    seconds: (performance.now() - started) / 1000,
  };
}

export interface PlantedRunOptions {
  engine: EngineInfo;
  workers?: number;
  onTrial?: (done: number, total: number, trial: PlantedTrial) => void;
}

/** Every trial of the plan (on worker threads when asked), summarised per claim and fault kind. */
export async function runPlanted(plan: PlantedPlan, options: PlantedRunOptions): Promise<PlantedRow[]> {
  const jobs = jobsOf(plan);
  const trials: PlantedTrial[] = [];
  let done = 0;
  const record = (index: number, t: PlantedTrial) => {
    trials[index] = t;
    options.onTrial?.(++done, jobs.length, t);
  };
  if (Math.min(options.workers ?? 1, jobs.length) > 1) {
    const spec: JobSpec<PlantedPlan> = { runner: import.meta.url, data: plan };
    await runJobsInWorkers<PlantedTrial>(spec, {
      workers: options.workers!,
      engine: options.engine.name,
      order: jobs.map((_, i) => i),
      onResult: record,
    });
  } else {
    for (const [index, job] of jobs.entries()) record(index, await trial(job, plan, options.engine));
  }
  const rows: PlantedRow[] = [];
  for (const claim of plan.claims ?? PLANTED_CLAIMS) {
    for (const kind of plan.kinds ?? ['corner', 'interior']) {
      const mine = trials.filter((t) => t.claim === claim && t.kind === kind);
      const rate = (events: number) => ({
        comparisons: mine.length,
        events,
        rate: events / mine.length,
        ci: clopperPearson(events, mine.length),
      });
      const withBaseline = mine.filter((t) => t.random);
      rows.push({
        claim,
        kind,
        hunt: rate(mine.filter((t) => t.hunt.finding).length),
        huntLocated: rate(mine.filter((t) => t.hunt.inside).length),
        ...(withBaseline.length
          ? {
              random: rate(withBaseline.filter((t) => t.random!.finding).length),
              randomLocated: rate(withBaseline.filter((t) => t.random!.inside).length),
            }
          : {}),
        meanEvaluations: mine.reduce((s, t) => s + t.hunt.evaluations, 0) / mine.length,
        ...(withBaseline.length
          ? {
              meanRandomEvaluations:
                withBaseline.reduce((s, t) => s + t.random!.evaluations, 0) / withBaseline.length,
            }
          : {}),
        trials: mine,
      });
    }
  }
  return rows;
}

/** A worker's side of runPlanted. */
export const runner: JobRunner<PlantedPlan> = (plan) => {
  const jobs = jobsOf(plan);
  return async (index) => trial(jobs[index], plan, await initEngine());
};
