import { phasePlan, planOptions, runPhaseTask, type CalibrationPlan, type Phase } from '../calibrate/run.ts';
import { loadExpectedVerdicts } from '../claims/expected.ts';
import { tasksOf, verifyTask, type VerifyPlan } from '../claims/verify.ts';
import { gridPlanConfigs, gridPointsAt, type GridPlan } from '../grid/run.ts';
import { initEngine } from '../backend/engine.ts';
import { BUDGETS } from '../stats/budget.ts';

/** A job list a worker can rebuild from plain data, and the job kinds it knows. */
export type JobSpec =
  | { kind: 'verify'; plan: VerifyPlan; comparisons: number }
  | { kind: 'calibrate'; plan: CalibrationPlan; phase: Phase }
  | { kind: 'grid'; plan: GridPlan };

/** Inside a worker: the function that runs job `index` of `spec`. */
export function jobRunner(spec: JobSpec): (index: number) => Promise<unknown> {
  switch (spec.kind) {
    case 'verify': {
      const tasks = tasksOf(spec.plan);
      const expected = loadExpectedVerdicts();
      const budget = BUDGETS[spec.plan.budget];
      return async (index) => verifyTask(tasks[index], { budget, seed: spec.plan.seed, engine: await initEngine(), expected, comparisons: spec.comparisons });
    }
    case 'calibrate': {
      const plan = phasePlan(spec.phase, planOptions(spec.plan));
      return async (index) => runPhaseTask(plan, index, spec.plan.seed, await initEngine());
    }
    case 'grid': {
      const { component, configs } = gridPlanConfigs(spec.plan);
      return async (index) => gridPointsAt(spec.plan, component, configs, index, await initEngine());
    }
  }
}
