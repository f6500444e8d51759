import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, type EngineInfo } from '../src/backend/engine.ts';
import { checkComponent } from '../src/claims/check.ts';
import { resolveConfig } from '../src/claims/params.ts';
import { COMPONENTS } from '../src/claims/registry.ts';
import { BUDGETS } from '../src/stats/budget.ts';

/**
 * Memory stays flat over many checks: no tensor outlives its check, and resident memory does not
 * creep. The wasm heap grows to the largest replicate once and is reused, so growth belongs to the
 * first checks; after that RSS may move only by allocator and GC noise.
 */
const CHECKS = 30;
/**
 * Allowed RSS growth between the medians of checks 10-19 and 20-29. A replicate here is
 * 2^15-element tensors (128 KiB each) and a check runs 32 replicates, so leaking even one tensor
 * per replicate adds 4 MiB per check, 40 MiB between the two medians. Medians, not the maximum:
 * a single GC-timing spike of RSS (seen up to ~20 MiB on a busy machine) must not fail the test.
 */
const RSS_BOUND_BYTES = 16 * 2 ** 20;

const SIZES = { dIn: 64, dOut: 64, d: 64, seqLen: 32 };

// the quick budget with fewer looks, so 30 checks take seconds; the code path is the same
const budget = { ...BUDGETS.quick, maxReplicates: 32 };

describe('memory over repeated checks', () => {
  let engine: EngineInfo;
  beforeAll(async () => {
    engine = await initEngine();
  });

  it(`returns to the baseline tensor count after each of ${CHECKS} checks and keeps RSS within 16 MiB from the second third to the last`, async () => {
    const baseline = tf.memory().numTensors;
    const rss: number[] = [];
    for (let i = 0; i < CHECKS; i++) {
      const component = COMPONENTS[i % COMPONENTS.length];
      // small enough to be quick, large enough that a leaked replicate shows in RSS; each
      // component takes the size keys it has and defaults for the rest
      const sizes = Object.fromEntries(Object.entries(SIZES).filter(([key]) => component.params.some((p) => p.key === key)));
      const config = resolveConfig(component.params, sizes, component.key);
      await checkComponent(component, component.claims, config, { budget, seed: i, engine, comparisons: component.claims.length });
      expect(tf.memory().numTensors, `after check ${i} (${component.key})`).toBe(baseline);
      rss.push(process.memoryUsage().rss);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const growth = median(rss.slice(20, 30)) - median(rss.slice(10, 20));
    expect(growth, `RSS per check: ${rss.map((b) => (b / 2 ** 20).toFixed(0)).join(', ')} MiB`).toBeLessThan(RSS_BOUND_BYTES);
  });
});
