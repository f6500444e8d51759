import { describe, expect, it } from 'vitest';
import { relu } from '../src/claims/components/relu.ts';
import { checkComponent } from '../src/claims/check.ts';
import { BUDGETS } from '../src/stats/budget.ts';
import { replicatesFor } from '../src/stats/sizing.ts';
import { useEngine } from './support/engine.ts';

const engine = useEngine();

describe('replicatesFor', () => {
  it('scales the replicates by the squared ratio of resolution to precision', () => {
    // resolution 5 * 0.01 / 1 = 5% against 2%: (5/2)^2 = 6.25 times 16
    expect(replicatesFor({ replicates: 16, stderr: 0.01, critical: 5 }, 1, 0.02)).toBe(100);
    expect(replicatesFor({ replicates: 16, stderr: 0.01, critical: 5 }, -2, 0.02)).toBe(25);
  });

  it('an inconclusive comparison given the replicates it asked for is decided', async () => {
    const claim = relu.claims.find((c) => c.id === 'relu.forward.var')!;
    const config = { sigmaX: 1, rX: 0.5, sigmaG: 1, rG: 0.5, d: 4, seqLen: 8 };
    const small = {
      ...BUDGETS.standard,
      initialReplicates: 16,
      maxReplicates: 16,
      replicateElements: 1 << 8,
    };
    const [first] = await checkComponent(relu, [claim], config, {
      budget: small,
      seed: 3,
      engine: engine(),
      comparisons: 1,
    });
    expect(first.verdict).toBe('inconclusive');
    const needed = first.replicatesNeeded!;
    expect(needed).toBeGreaterThan(16);
    const enough = 2 ** Math.ceil(Math.log2(needed));
    const [second] = await checkComponent(relu, [claim], config, {
      budget: { ...small, initialReplicates: enough, maxReplicates: enough },
      seed: 3,
      engine: engine(),
      comparisons: 1,
    });
    expect(second.resolution).toBeLessThanOrEqual(small.precision);
    expect(second.verdict).toBe('holds');
    expect(second.replicatesNeeded).toBeUndefined();
  });
});
