import { initEngine, type EngineInfo } from '../backend/engine.ts';
import { REGISTRY, isModelEntry, selectClaims } from '../claims/registry.ts';
import { runJobsInWorkers, type JobRunner, type JobSpec } from '../parallel/pool.ts';
import type { Claim, Component, Config } from '../claims/types.ts';
import { fromUnit, type Regime, type Space } from '../claims/space.ts';
import { cellsToRefine, fitBoundary, mapPoints } from '../search/map.ts';
import type { Point } from '../search/design.ts';
import { componentObjective, type ClaimMeasurement } from '../search/objective.ts';
import { modelObjective } from '../search/modelObjective.ts';
import type { ModelClaim } from '../claims/models/claims.ts';
import { MODEL_REPLICATES } from '../claims/models/run.ts';
import type { ModelSuite } from '../claims/models/suites.ts';
import {
  pointKey,
  randomSearch,
  score,
  searchWorst,
  type NoisyObjective,
  type SearchOptions,
  type SearchOutcome,
} from '../search/search.ts';
import type { HuntRecord as ReportHuntRecord } from '../report/model.ts';
import { BUDGETS, type Budget, type BudgetName } from '../stats/budget.ts';
import { criticalValue } from '../stats/verdict.ts';
import { claimsModuleSetup } from '../claims/userModules.ts';

/**
 * report.json's hunt record (COORDINATION.md, typed in report/model.ts) with two more fields:
 * `seed` is the confirmation's run seed (`check --seed` with it draws the confirmation's
 * replicates), `huntSeed` the seed the hunt was asked for, `replicates` the confirmation's,
 * `taskSeconds` the wall time of the component and regime's whole hunt (shared by its claims),
 * `mapSeconds` the part of it its validity maps took.
 */
export type HuntRecord = ReportHuntRecord & {
  huntSeed: number;
  replicates: number;
  taskSeconds: number;
  mapSeconds: number;
};

export interface HuntTaskOptions {
  budget: Budget;
  seed: number;
  engine: EngineInfo;
  /** simulations per component and regime before confirmation; default the budget's */
  evaluations?: number;
  /** only this regime */
  regime?: string;
  /** the random-sampling baseline at the same cost instead of the search (calibration) */
  strategy?: 'search' | 'random';
  /** validity maps of the findings (default true) */
  maps?: boolean;
  /** the search's deterministic designs (search.ts SearchOptions.designs; default true) */
  designs?: boolean;
}

type ValidityMap = NonNullable<HuntRecord['map']> & { precision: number };

/**
 * The validity map of every finding (issue 12.5): its measured error over two keys on a
 * budget.mapSize square grid, the other keys at the worst config, and the boundary in words where
 * a simple one fits (search/map.ts). Findings whose worst configs coincide share one grid, over
 * the keys that move them most together (mapAxes): one simulation serves every claim of a
 * component, and in the reference hunt of 2026-12-02, 121 maps were drawn at 93 distinct worst
 * configs. Cells are measured coarse to fine, pooled with the search's replicates where it visited
 * them: every cell at a quarter of the base replicates, then at half of it only the cells where
 * some claim's interval |error| +- REFINE_Z standard errors still straddles the precision beside
 * a cell on the other side of the contour (search/map.ts `cellsToRefine`). Only such cells move
 * where the map says a claim stops holding: at a uniform half-base count, standard hunts of the
 * causal components spent four fifths of their simulations on maps, many cells tens of standard
 * errors from the contour.
 * Refining on to the base count cost more than the uniform maps had: at precision 0.02 a cell
 * whose error is near 0 still straddles the contour at 8 replicates.
 */
export async function validityMaps(
  objective: NoisyObjective<ClaimMeasurement> & { space: Space },
  outcome: SearchOutcome<ClaimMeasurement>,
  budget: Budget,
  base: number,
): Promise<(ValidityMap | undefined)[]> {
  const maps: (ValidityMap | undefined)[] = outcome.claims.map(() => undefined);
  if (objective.keys.length < 2) return maps;
  const coarse = Math.max(2, base / 4);
  // findings whose worst configs coincide share one grid (one simulation serves every claim)
  const groups = new Map<string, number[]>();
  for (const [c, claim] of outcome.claims.entries()) {
    if (!claim.worst.finding) continue;
    const key = pointKey(claim.worst.point);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const claims of groups.values()) {
    const worst = outcome.claims[claims[0]].worst.point;
    const [x, y] = await mapAxes(objective, worst, claims, coarse, base);
    const grid = mapPoints(worst, x, y, budget.mapSize);
    const cells: ClaimMeasurement[][][] = [];
    for (const row of grid) {
      const measured = [];
      for (const point of row) measured.push(await objective.measure(point, coarse));
      cells.push(measured);
    }
    for (let replicates = 2 * coarse; replicates <= base / 2; replicates *= 2) {
      const refine = cellsToRefine(cells, claims, budget.precision);
      for (const [j, row] of grid.entries())
        for (const [i, point] of row.entries())
          if (refine[j][i]) cells[j][i] = await objective.measure(point, replicates);
    }
    const [xKey, yKey] = [objective.keys[x], objective.keys[y]];
    const axis = (key: string, values: number[]) => ({
      key,
      values,
      log: objective.space[key].scale === 'log' || objective.space[key].scale === 'logInteger',
    });
    const xs = grid[0].map((p) => fromUnit(objective.space[xKey], p[x]));
    const ys = grid.map((row) => fromUnit(objective.space[yKey], row[0][y]));
    for (const c of claims) {
      const error = cells.map((row) => row.map((m) => m[c].error));
      const boundary = fitBoundary(axis(xKey, xs), axis(yKey, ys), error, budget.precision);
      maps[c] = {
        x: xKey,
        y: yKey,
        xs,
        ys,
        error,
        errorStderr: cells.map((row) => row.map((m) => m[c].errorStderr)),
        replicates: cells.map((row) => row.map((m) => m[c].replicates ?? coarse)),
        precision: budget.precision,
        ...(boundary ? { boundary: boundary.words } : {}),
      };
    }
  }
  return maps;
}

/**
 * The two keys a map at `worst` is drawn over: each key moved to its opposite end once, ranked per
 * claim by how much the claim's lower bound (search.ts `score`) drops, the ranks of the claims
 * sharing the point summed (a Borda count: no claim's scale outweighs another's, and for one claim
 * it is that claim's order). The screen's main effects are averages over the whole cube and, at
 * base replicates, are swayed by the regime's noisiest corners (a variance over 256 tokens
 * correlated at 0.95 is skewed: its mean over 8 runs moved by -5% with no fault at all, measured
 * on relu); this asks the question the map answers.
 *
 * Successive halving: every move is measured at the map's coarse count first, and only the
 * AXIS_FIELD best are taken on to the base count and ranked again (a move's replicates are pooled,
 * so a finalist's measurement is the one it would have had at base directly). The final choice is
 * made at base because at half of it noise chose a key that is not the fault's in
 * test/hunt.test.ts's relu corner fault. A move that takes the fault's key away from its end
 * drops the lower bound by the fault's size, far beyond a coarse cell's noise, so it reaches the
 * field; the keys that do not matter are the ones it spares, and moving a size key to its large
 * end is a map's costliest measurement (41% of attention-block.causal/dslm-init's map time).
 */
async function mapAxes(
  objective: NoisyObjective<ClaimMeasurement>,
  worst: Point,
  claims: readonly number[],
  coarse: number,
  base: number,
): Promise<[number, number]> {
  const at = await objective.measure(worst, base);
  const moved = (j: number) => worst.map((v, k) => (k === j ? (v > 0.5 ? 0 : 1) : v));
  const rank = async (keys: readonly number[], replicates: number) => {
    const measured: ClaimMeasurement[][] = [];
    for (const j of keys) measured.push(await objective.measure(moved(j), replicates));
    const votes = keys.map(() => 0);
    for (const c of claims)
      keys
        .map((_, i) => ({ i, drop: score(at[c]) - score(measured[i][c]) }))
        .sort((a, b) => b.drop - a.drop)
        .forEach(({ i }, place) => (votes[i] += keys.length - place));
    return keys
      .map((j, i) => ({ j, v: votes[i] }))
      .sort((a, b) => b.v - a.v)
      .map((d) => d.j);
  };
  const all = worst.map((_, j) => j);
  const field = all.length > AXIS_FIELD ? (await rank(all, coarse)).slice(0, AXIS_FIELD) : all;
  const [x, y] = await rank(field, base);
  return [x, y];
}

/** How many keys mapAxes takes on from its coarse round to the base count: the search's corner keys' k. */
export const AXIS_FIELD = 4;

/** Stable unsigned integer from a string (the same mixing verify uses for its config draws). */
function stringSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A component's claims in one of its regimes, or (with `suite`) a model family's. */
export interface HuntTask {
  /** the component's key, or `model.<family>` */
  key: string;
  component?: Component;
  suite?: ModelSuite;
  regime: Regime<Config>;
  claims: Claim[];
}

/** One task per registry entry (component, then model family) and regime with selected claims. */
export function planHunt(claims: readonly Claim[], regime?: string): HuntTask[] {
  const inRegime = (r: Regime<Config>) => regime === undefined || r.name === regime;
  return REGISTRY.flatMap((entry) => {
    const selected = claims.filter((c) => c.component === entry.key);
    if (selected.length === 0) return [];
    return entry.regimes.filter(inRegime).map((r): HuntTask => ({
      key: entry.key,
      ...(isModelEntry(entry) ? { suite: entry } : { component: entry }),
      regime: r,
      claims: selected,
    }));
  });
}

/**
 * The objective and the replicate schedule of a task. Whole models cost a forward and backward
 * pass of every layer per replicate, so they are searched on their own smaller schedule
 * (MODEL_REPLICATES, budget.huntModelEvaluations).
 */
function objectiveOf(task: HuntTask, budget: Budget, seeds: { search: number; confirm: number }) {
  if (task.suite) {
    const { initial, max } = MODEL_REPLICATES[budget.name];
    const base = Math.max(4, initial / 2);
    return {
      objective: modelObjective(
        task.suite.family,
        task.claims as ModelClaim[],
        task.regime,
        budget,
        seeds,
        base,
      ),
      base,
      max,
      evaluations: budget.huntModelEvaluations,
    };
  }
  const base = budget.initialReplicates;
  return {
    objective: componentObjective(task.component!, task.claims, task.regime, budget, seeds, base),
    base,
    max: budget.maxReplicates,
    evaluations: budget.huntEvaluations,
  };
}

/** Hunts one component in one regime for the worst config of each of its selected claims. */
export async function huntTask(
  task: HuntTask,
  options: HuntTaskOptions & { comparisons: number },
): Promise<HuntRecord[]> {
  const started = performance.now();
  const { budget } = options;
  const where = `${task.key}/${task.regime.name}`;
  const seeds = {
    search: stringSeed(`hunt|${options.seed}|${where}`),
    confirm: stringSeed(`confirm|${options.seed}|${where}`),
  };
  const { objective, base, max, evaluations } = objectiveOf(task, budget, seeds);
  const search: SearchOptions = {
    evaluations: options.evaluations ?? evaluations,
    baseReplicates: base,
    maxReplicates: max,
    precision: budget.precision,
    critical: (replicates, maxReplicates) =>
      criticalValue(budget.familyAlpha, options.comparisons, {
        replicates,
        initialReplicates: base,
        maxReplicates,
      }),
    seed: `${options.seed}|${where}`,
    ...(options.designs === false ? { designs: false } : {}),
  };
  const outcome: SearchOutcome<ClaimMeasurement> = await (
    options.strategy === 'random' ? randomSearch : searchWorst
  )(objective, search);
  // a model's map would be mapSize^2 whole-model measurements per finding: components only (design-notes.md)
  const mapsStarted = performance.now();
  const maps =
    options.strategy === 'random' || options.maps === false || task.suite
      ? []
      : await validityMaps(objective, outcome, budget, base);
  return outcome.claims.map((c, i) => {
    const m = c.worst.confirmed as ClaimMeasurement & { boundary?: number };
    const point = objective.toConfig(c.worst.point);
    const config = m.boundary === undefined ? point : { ...point, boundary: m.boundary };
    return {
      claim: c.claim,
      regime: task.regime.name,
      worst: {
        config,
        predicted: m.predicted,
        measured: m.measured,
        stderr: m.stderr,
        ratio: m.predicted === 0 ? null : m.measured / m.predicted,
        error: m.error,
        errorStderr: m.errorStderr,
      },
      drivers: c.drivers.map((d) => ({ key: d.key, effect: d.effect, effectStderr: d.effectStderr })),
      seed: seeds.confirm,
      huntSeed: options.seed,
      // a model claim is not `check`-able one config at a time: its hunt replays (every seed derives from it)
      replay: task.suite
        ? `npx sigprop hunt ${c.claim} --regime ${task.regime.name} --seed ${options.seed} --budget ${budget.name}`
        : `npx sigprop check ${c.claim} --config '${JSON.stringify(config)}' --seed ${seeds.confirm} --budget ${budget.name}`,
      finding: c.worst.finding,
      replicates: c.worst.replicates,
      taskSeconds: (performance.now() - started) / 1000,
      mapSeconds: (performance.now() - mapsStarted) / 1000,
      ...(maps[i] ? { map: maps[i] } : {}),
      // every simulation of the task, maps included
      evaluations: Math.round(objective.spent() * 10) / 10,
    };
  });
}

/** Everything that determines a hunt's task list: plain data, so a worker can rebuild it. */
export interface HuntPlan {
  claims: string;
  budget: BudgetName;
  seed: number;
  evaluations?: number;
  regime?: string;
  /** keep every n-th task, as verify's shards do */
  shard?: { index: number; count: number };
}

export function huntTasksOf(plan: HuntPlan): HuntTask[] {
  const tasks = planHunt(selectClaims(plan.claims), plan.regime);
  return plan.shard ? tasks.filter((_, i) => i % plan.shard!.count === plan.shard!.index) : tasks;
}

/** Hunt records of a whole run count as its comparisons: the family the confirmations' alpha is split over. */
export const huntComparisons = (plan: HuntPlan) =>
  planHunt(selectClaims(plan.claims), plan.regime).reduce((n, t) => n + t.claims.length, 0);

export interface HuntRunOptions {
  engine: EngineInfo;
  /** worker threads (src/parallel); 1 runs on this thread */
  workers?: number;
  onTask?: (done: number, total: number, records: HuntRecord[]) => void;
  shouldStop?: () => boolean;
}

/**
 * Hunts every task of the plan, serially or on worker threads; records come back in task order
 * and are the same numbers either way (every seed derives from the plan's seed and the task).
 */
export async function runHunt(
  plan: HuntPlan,
  options: HuntRunOptions,
): Promise<{ records: HuntRecord[]; complete: boolean }> {
  const tasks = huntTasksOf(plan);
  const comparisons = huntComparisons(plan);
  const byTask: HuntRecord[][] = [];
  let done = 0;
  const record = (index: number, found: HuntRecord[]) => {
    byTask[index] = found;
    options.onTask?.(++done, tasks.length, found);
  };
  let complete = true;
  if (Math.min(options.workers ?? 1, tasks.length) > 1) {
    const spec: JobSpec<HuntJobs> = {
      runner: import.meta.url,
      setup: claimsModuleSetup(),
      data: { plan, comparisons },
    };
    // attention comes last among the components and costs most: handed out first
    const order = tasks.map((_, i) => tasks.length - 1 - i);
    complete = await runJobsInWorkers<HuntRecord[]>(spec, {
      workers: options.workers!,
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
      record(
        index,
        await huntTask(task, {
          budget: BUDGETS[plan.budget],
          seed: plan.seed,
          engine: options.engine,
          evaluations: plan.evaluations,
          comparisons,
        }),
      );
    }
  }
  return { records: byTask.flatMap((r) => r ?? []), complete };
}

interface HuntJobs {
  plan: HuntPlan;
  comparisons: number;
}

/** A worker's side of runHunt: it rebuilds the task list from the plan. */
export const runner: JobRunner<HuntJobs> = ({ plan, comparisons }) => {
  const tasks = huntTasksOf(plan);
  return async (index) =>
    huntTask(tasks[index], {
      budget: BUDGETS[plan.budget],
      seed: plan.seed,
      engine: await initEngine(),
      evaluations: plan.evaluations,
      comparisons,
    });
};

/** What `sigprop hunt --json` prints, and what the programmatic `hunt` returns. */
export interface HuntDocument {
  budget: BudgetName;
  precision: number;
  engine: string;
  wallSeconds: number;
  results: HuntRecord[];
}

/**
 * Hunts the claims matching `pattern` (`sigprop hunt`'s first argument): the public API's entry
 * point, returning the same document as the CLI's --json. The engine is the one initEngine gives.
 */
export async function hunt(
  pattern: string,
  options: Omit<HuntPlan, 'claims' | 'shard'> & Partial<HuntRunOptions> = { budget: 'quick', seed: 1 },
): Promise<HuntDocument> {
  const started = performance.now();
  const { engine: given, workers, onTask, shouldStop, ...plan } = options;
  const engine = given ?? (await initEngine());
  const { records } = await runHunt({ ...plan, claims: pattern }, { engine, workers, onTask, shouldStop });
  return {
    budget: plan.budget,
    precision: BUDGETS[plan.budget].precision,
    engine: engine.name,
    wallSeconds: (performance.now() - started) / 1000,
    results: records,
  };
}
