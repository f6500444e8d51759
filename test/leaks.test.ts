import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { loadExpectedVerdicts } from '../src/claims/expected.ts';
import { ALL_CLAIMS } from '../src/claims/registry.ts';
import { planVerification, runVerification } from '../src/run/verify.ts';
import { BUDGETS } from '../src/stats/budget.ts';
import { useEngine } from './support/engine.ts';

const engine = useEngine();

// every component and whole-model family runs here, so sizes and looks are cut to the minimum:
// the tensor bookkeeping under test is the same at any size
it('a verify run over every component and regime leaves no tensor behind', { timeout: 240_000 }, async () => {
  const budget = {
    ...BUDGETS.quick,
    configsPerComponent: 1,
    maxSize: 16,
    maxReplicates: BUDGETS.quick.initialReplicates,
  };
  const tasks = planVerification(ALL_CLAIMS, budget, 5);
  expect(new Set(tasks.map((t) => t.component.key)).size).toBeGreaterThanOrEqual(5);
  const before = tf.memory().numTensors;
  const perTask: number[] = [];
  const { results } = await runVerification(tasks, {
    budget,
    seed: 5,
    engine: engine(),
    expected: loadExpectedVerdicts(),
    onTask: () => perTask.push(tf.memory().numTensors),
  });
  expect(results.length).toBeGreaterThan(0);
  expect(perTask.every((n) => n === before)).toBe(true);
  expect(tf.memory().numTensors).toBe(before);
});
