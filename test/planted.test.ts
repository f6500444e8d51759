import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine, type EngineInfo } from '../src/backend/engine.ts';
import { runPlanted } from '../src/run/planted.ts';
import { BUDGETS } from '../src/stats/budget.ts';

let engine: EngineInfo;
beforeAll(async () => {
  engine = await initEngine();
});

/**
 * The fast subset of `sigprop calibrate --phases planted` (issue 12.4): the quick budget's search,
 * precision, confirmation and critical value, on a cheap claim at tiny sizes (widths and sequence
 * lengths up to 16, replicates of 4096 elements), so four seeds take a few seconds.
 */
const budget = { ...BUDGETS.quick, maxSize: 16, replicateElements: 1 << 12 };
const seeds = [11, 12, 13, 14];

describe('planted corner fault (relu.forward.var x1.10 where three keys are jointly in their top 10%)', () => {
  it('the hunt confirms it at every seed; random sampling at the same cost rarely does', async () => {
    const before = tf.memory().numTensors;
    const [row] = await runPlanted(
      { budget, seeds, claims: ['relu.forward.var'], kinds: ['corner'] },
      { engine },
    );
    expect(row.trials.map((t) => t.hunt.finding)).toEqual(seeds.map(() => true));
    expect(row.trials.every((t) => t.hunt.inside)).toBe(true);
    // a 0.1% corner: random sampling's ~100 draws land in it about one time in ten
    expect(row.random!.events).toBeLessThanOrEqual(1);
    // equal cost: the baseline drew at least as many simulations as the whole hunt spent
    for (const t of row.trials) expect(t.random!.evaluations).toBeGreaterThanOrEqual(t.hunt.evaluations);
    // the confirmed error is the planted one (-10% of the prediction), not an inflated search maximum
    for (const t of row.trials)
      expect(Math.abs(t.hunt.error + 0.1)).toBeLessThan(4 * t.hunt.errorStderr + 0.005);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without its corner designs (edges, screen, joint corners) the same search mostly misses it', async () => {
    const [row] = await runPlanted(
      { budget, seeds, claims: ['relu.forward.var'], kinds: ['corner'], baseline: false, designs: false },
      { engine },
    );
    expect(row.hunt.events).toBeLessThanOrEqual(1);
  });
});
