import { describe, expect, it } from 'vitest';
import { checkComponent } from '../src/claims/check.ts';
import { linear } from '../src/claims/components/linear.ts';
import { relu } from '../src/claims/components/relu.ts';
import type { Claim, Component } from '../src/claims/types.ts';
import { BUDGETS } from '../src/stats/budget.ts';
import { criticalValue, decide } from '../src/stats/verdict.ts';
import { useEngine } from './support/engine.ts';

const engine = useEngine();

describe('decision rule', () => {
  const base = { predicted: 1, measured: 1.008, stderr: 0.002, tolerance: 0, scale: 1 };
  it('holds when the gap is within noise and the resolution reaches the precision', () => {
    expect(decide(base, 5, 0.02).verdict).toBe('holds');
  });
  it('deviates when the gap exceeds critical value times standard error plus tolerance', () => {
    expect(decide({ ...base, measured: 1.02 }, 5, 0.02).verdict).toBe('deviates');
    expect(decide({ ...base, measured: 1.02, tolerance: 0.02 }, 5, 0.02).verdict).toBe('holds');
  });
  it('is inconclusive when noise is too large to have caught an error of the precision', () => {
    expect(decide({ ...base, stderr: 0.01 }, 5, 0.02).verdict).toBe('inconclusive');
  });
  it('splits the false-alarm budget over comparisons, spends it over looks, with t tails for few replicates', () => {
    const single = { replicates: 1e6, initialReplicates: 1e6, maxReplicates: 1e6 };
    // one look: alpha = 1e-3/100 two-sided, z = 4.42
    expect(criticalValue(1e-3, 100, single)).toBeCloseTo(4.42, 2);
    const look = (replicates: number) => ({ replicates, initialReplicates: 16, maxReplicates: 256 });
    // an early look gets a small share of alpha and few degrees of freedom: a larger critical value
    expect(criticalValue(1e-3, 100, look(16))).toBeGreaterThan(criticalValue(1e-3, 100, look(256)));
    expect(criticalValue(1e-3, 1000, look(64))).toBeGreaterThan(criticalValue(1e-3, 100, look(64)));
  });
});

/** A copy of a claim whose formula is off by a factor, as a wrong formula would be. */
function perturbed(claim: Claim, factor: number): Claim {
  return { ...claim, id: `${claim.id}.x${factor}`, predict: (c) => factor * claim.predict(c) };
}

async function verdictsOf(component: Component, claims: Claim[], config: Record<string, number>) {
  const results = await checkComponent(component, claims, config, {
    budget: BUDGETS.standard,
    seed: 3,
    engine: engine(),
    comparisons: 20,
  });
  return Object.fromEntries(results.map((r) => [r.claim, r.verdict]));
}

describe('a formula perturbed by 5% deviates; the correct one holds (standard budget, real simulation)', () => {
  // a covariance is judged against the output variance, so a 5% error in it shows as 5% of
  // scale only at high correlation: rX = 0.9 makes the covariance ~0.87 of the variance
  it('ReLU forward variance and covariance', async () => {
    const [, variance, cov] = relu.claims;
    const verdicts = await verdictsOf(
      relu,
      [variance, perturbed(variance, 1.05), cov, perturbed(cov, 0.95)],
      {
        sigmaX: 1.3,
        rX: 0.9,
        sigmaG: 0.8,
        rG: 0.6,
        d: 16,
        seqLen: 64,
      },
    );
    expect(verdicts).toEqual({
      'relu.forward.var': 'holds',
      'relu.forward.var.x1.05': 'deviates',
      'relu.forward.cov': 'holds',
      'relu.forward.cov.x0.95': 'deviates',
    });
  });

  it('Linear forward covariance with a large input mean', async () => {
    const cov = linear.claims[2];
    const verdicts = await verdictsOf(linear, [cov, perturbed(cov, 1.05)], {
      muX: 2,
      sigmaX: 1,
      rX: 0.5,
      sigmaG: 1,
      rG: 0.3,
      dIn: 64,
      dOut: 64,
      sigmaW: 0.125,
      seqLen: 32,
    });
    expect(verdicts).toEqual({ 'linear.forward.cov': 'holds', 'linear.forward.cov.x1.05': 'deviates' });
  });
});
