import { initEngine, type EngineInfo } from '../backend/engine.ts';
import { gridPlanConfigs, gridPointsAt, type GridPlan, type GridPoint } from '../grid/points.ts';
import { runJobsInWorkers, type JobRunner, type JobSpec } from '../parallel/pool.ts';
import { claimsModuleSetup } from '../claims/userModules.ts';

export interface GridOptions {
  engine: EngineInfo;
  onConfig?: (done: number, total: number) => void;
  /** checked between configs: a stop request ends the run with the configs done so far */
  shouldStop?: () => boolean;
  /** worker threads (wasm and cpu compute on the calling thread); 1 runs in this thread */
  workers?: number;
}

/**
 * Runs the plan's configs, here or on worker threads; points come back in config order and are
 * the same numbers either way (each config's seeds derive from the run seed and the config).
 * `complete` is false when a stop request ended the run early: the points are then those of the
 * configs that finished.
 */
export async function runGrid(
  plan: GridPlan,
  options: GridOptions,
): Promise<{ points: GridPoint[]; configsDone: number; complete: boolean }> {
  const { component, configs } = gridPlanConfigs(plan);
  const byConfig: GridPoint[][] = [];
  let done = 0;
  const record = (index: number, points: GridPoint[]) => {
    byConfig[index] = points;
    done++;
    options.onConfig?.(done, configs.length);
  };
  let complete = true;
  if ((options.workers ?? 1) > 1) {
    const spec: JobSpec<GridPlan> = { runner: import.meta.url, setup: claimsModuleSetup(), data: plan };
    complete = await runJobsInWorkers<GridPoint[]>(spec, {
      workers: options.workers!,
      engine: options.engine.name,
      order: configs.map((_, i) => i),
      onResult: record,
      shouldStop: options.shouldStop,
    });
  } else {
    for (const index of configs.keys()) {
      if (options.shouldStop?.()) {
        complete = false;
        break;
      }
      record(index, await gridPointsAt(plan, component, configs, index, options.engine));
    }
  }
  return { points: byConfig.flatMap((p) => p ?? []), configsDone: done, complete };
}

/** A worker's side of runGrid: it rebuilds the configs from the plan. */
export const runner: JobRunner<GridPlan> = (plan) => {
  const { component, configs } = gridPlanConfigs(plan);
  return async (index) => gridPointsAt(plan, component, configs, index, await initEngine());
};
