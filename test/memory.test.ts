import * as tf from '@tensorflow/tfjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, type EngineInfo } from '../src/backend/engine.ts';
import { checkComponent } from '../src/claims/check.ts';
import { resolveConfig } from '../src/claims/params.ts';
import { COMPONENTS } from '../src/claims/registry.ts';
import { BUDGETS } from '../src/stats/budget.ts';

// a full collection before each reading: RSS then measures what is retained, not when V8 last
// collected (without it, concurrent test files on 2 cores moved the window medians by up to 16 MiB)
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Memory stays flat over many checks: no tensor outlives its check, and resident memory does not
 * creep. The wasm heap, V8's heap and malloc's arenas grow to the largest replicate of each
 * component and are then reused, so growth belongs to the first visits; after that RSS may move
 * only by allocator and GC noise.
 *
 * Checks cycle through every component. RSS is compared between two windows that each span whole
 * cycles, so both hold the same mix of components, after a warm-up of whole cycles: a window that
 * holds different components (or first visits) measures which components it caught, not a leak.
 * Two warm-up cycles because on CI's busy 2-core machine RSS was still climbing at check 29 of a
 * single-cycle warm-up (130 -> 185 MiB, every tensor count at baseline, no collection forced).
 */
const CYCLES_WARM_UP = 2;
const CYCLES_PER_WINDOW = 2;
const CHECKS = COMPONENTS.length * (CYCLES_WARM_UP + 2 * CYCLES_PER_WINDOW);
/**
 * Allowed RSS growth between the medians of the two windows. A replicate here is 2^15-element
 * tensors (128 KiB each) and a check runs 32 replicates, so leaking even one tensor per replicate
 * adds 4 MiB per check: 4 MiB x the window length (88 MiB for 22 checks) between the two medians.
 * Medians, not the maximum: one reading caught mid-way through malloc's arena growth must not
 * fail the test.
 */
const RSS_BOUND_BYTES = 16 * 2 ** 20;

const SIZES = { dIn: 64, dOut: 64, d: 64, seqLen: 32 };

// the quick budget with fewer looks, so the checks take seconds; the code path is the same
const budget = { ...BUDGETS.quick, maxReplicates: 32 };

describe('memory over repeated checks', () => {
  let engine: EngineInfo;
  beforeAll(async () => {
    engine = await initEngine();
  });

  it(`returns to the baseline tensor count after each of ${CHECKS} checks and keeps RSS within 16 MiB between two windows of whole component cycles after warm-up`, async () => {
    const baseline = tf.memory().numTensors;
    const rss: number[] = [];
    for (let i = 0; i < CHECKS; i++) {
      const component = COMPONENTS[i % COMPONENTS.length];
      // small enough to be quick, large enough that a leaked replicate shows in RSS; each
      // component takes the size keys it has and defaults for the rest
      const sizes = Object.fromEntries(
        Object.entries(SIZES).filter(([key]) => component.params.some((p) => p.key === key)),
      );
      const config = resolveConfig(component.params, sizes, component.key);
      await checkComponent(component, component.claims, config, {
        budget,
        seed: i,
        engine,
        comparisons: component.claims.length,
      });
      expect(tf.memory().numTensors, `after check ${i} (${component.key})`).toBe(baseline);
      gc();
      rss.push(process.memoryUsage().rss);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const window = COMPONENTS.length * CYCLES_PER_WINDOW;
    const warmUp = COMPONENTS.length * CYCLES_WARM_UP;
    const growth = median(rss.slice(warmUp + window)) - median(rss.slice(warmUp, warmUp + window));
    expect(growth, `RSS per check: ${rss.map((b) => (b / 2 ** 20).toFixed(0)).join(', ')} MiB`).toBeLessThan(
      RSS_BOUND_BYTES,
    );
  });
});
