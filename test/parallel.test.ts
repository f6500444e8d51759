import { describe, expect, it } from 'vitest';
import { runCalibration } from '../src/run/calibrate.ts';
import { loadExpectedVerdicts } from '../src/claims/expected.ts';
import { runVerification, tasksOf, type VerifyPlan } from '../src/run/verify.ts';
import type { GridPlan } from '../src/grid/points.ts';
import { runGrid } from '../src/run/grid.ts';
import { BUDGETS } from '../src/stats/budget.ts';
import { useEngine } from './support/engine.ts';

const engine = useEngine();

/** Everything but the timing, which is the one field allowed to differ between runs. */
const numbers = (results: { elapsedMs: number }[]) => results.map(({ elapsedMs: _elapsed, ...rest }) => rest);

describe('verify on worker threads', () => {
  // components of three kinds (element-wise, softmax rows, a block) and a whole model, so the
  // workers rebuild every kind of task from the plan
  const plan: VerifyPlan = {
    claims: 'relu.forward.*,softmax.forward.var.full,ffn-block.forward.var,model.preln.forward.*',
    budget: 'quick',
    seed: 3,
  };

  it('gives the same results, in the same order, as the serial run', { timeout: 240_000 }, async () => {
    const tasks = tasksOf(plan);
    expect(new Set(tasks.map((t) => t.component.key)).size).toBeGreaterThanOrEqual(4);
    const options = {
      budget: BUDGETS.quick,
      seed: plan.seed,
      engine: engine(),
      expected: loadExpectedVerdicts(),
    };
    const progress: number[] = [];
    const serial = await runVerification(tasks, options);
    const parallel = await runVerification(tasks, {
      ...options,
      parallel: { workers: 2, plan },
      onTask: (done) => progress.push(done),
    });
    expect(parallel.complete).toBe(true);
    expect(numbers(parallel.results)).toEqual(numbers(serial.results));
    expect(progress).toEqual(tasks.map((_, i) => i + 1));
  });

  it(
    'stops handing out tasks on a stop request and says the run is incomplete',
    { timeout: 120_000 },
    async () => {
      const tasks = tasksOf(plan);
      let done = 0;
      const { results, complete } = await runVerification(tasks, {
        budget: BUDGETS.quick,
        seed: plan.seed,
        engine: engine(),
        expected: loadExpectedVerdicts(),
        parallel: { workers: 2, plan },
        onTask: () => done++,
        shouldStop: () => done >= 1,
      });
      expect(complete).toBe(false);
      // the first result stops the hand-out; the other worker finishes the task it holds
      expect(done).toBeGreaterThanOrEqual(1);
      expect(done).toBeLessThanOrEqual(2);
      expect(results.length).toBeGreaterThan(0);
    },
  );

  it('reports a task that fails inside a worker as an error', { timeout: 60_000 }, async () => {
    const bad: VerifyPlan = { ...plan, claims: 'relu.forward.var' };
    const tasks = tasksOf(bad);
    // the worker rebuilds its list from a plan that lacks this many tasks: tasks[index] is undefined
    await expect(
      runVerification([...tasks, ...tasks], {
        budget: BUDGETS.quick,
        seed: plan.seed,
        engine: engine(),
        expected: loadExpectedVerdicts(),
        parallel: { workers: 2, plan: bad },
      }),
    ).rejects.toThrow();
  });
});

describe('calibrate on worker threads', () => {
  it('measures the same false alarms and z-scores as the serial run', { timeout: 120_000 }, async () => {
    const options = {
      budget: BUDGETS.quick,
      seed: 4,
      engine: engine(),
      configs: 1,
      adaptiveConfigs: 0,
      alpha: 0.05,
      phases: ['fixed' as const],
    };
    const [serial, parallel] = [
      await runCalibration(options),
      await runCalibration({ ...options, workers: 2 }),
    ];
    expect(parallel.fixedLook!.comparisons).toBeGreaterThan(0);
    expect(parallel.fixedLook!.zScores).toEqual(serial.fixedLook!.zScores);
    expect(parallel.fixedLook!.events).toBe(serial.fixedLook!.events);
  });
});

describe('grid on worker threads', () => {
  // SHA shares one weight draw per run (its own path in simulateProtocol); relu has none
  const plans: GridPlan[] = [
    { component: 'relu', subset: { index: 1, count: 90 }, samples: 64, seed: 5, verdictBudget: 'quick' },
    { component: 'sha', subset: { index: 0, count: 6561 }, limit: 3, samples: 4, seed: 5 },
  ];

  it.each(plans)(
    "gives the serial run's points, in config order ($component)",
    { timeout: 240_000 },
    async (plan) => {
      const serial = await runGrid(plan, { engine: engine() });
      const parallel = await runGrid(plan, { engine: engine(), workers: 2 });
      expect(serial.complete && parallel.complete).toBe(true);
      expect(serial.configsDone).toBeGreaterThanOrEqual(3);
      expect(parallel.points).toEqual(serial.points);
    },
  );

  it('stops on request with the finished configs only', { timeout: 120_000 }, async () => {
    let done = 0;
    const run = await runGrid(plans[0], {
      engine: engine(),
      onConfig: () => done++,
      shouldStop: () => done >= 2,
    });
    expect(run.complete).toBe(false);
    expect(run.configsDone).toBe(2);
    expect(new Set(run.points.map((p) => JSON.stringify(p.config))).size).toBe(2);
  });
});
