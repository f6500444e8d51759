import { BUDGETS, checkComponent, initEngine } from 'sigprop';
import { claimProperty } from 'sigprop/vitest';
import { expect, it } from 'vitest';
import { components, expected, rmsnorm } from '../src/rmsnorm.ts';
import { exactGradVariance, expectedCosine } from '../src/theory.ts';

claimProperty(rmsnorm, { numRuns: 3, maxSize: 64, expected });

it('the exact token covariance is r at d -> infinity and 1 at r = 1', () => {
  expect(expectedCosine(0.5, 1e6)).toBeCloseTo(0.5, 5);
  expect(expectedCosine(1 - 1e-12, 8)).toBeCloseTo(1, 4);
  expect(expectedCosine(0, 8)).toBe(0);
});

it('one-off: at d = 4 the d -> infinity gradient variance deviates by about 1/(d-2), the exact form holds', async () => {
  const engine = await initEngine();
  const config = { sigmaX: 1, rX: 0.5, sigmaG: 1, rG: 0.3, d: 4, seqLen: 8 };
  const claims = rmsnorm.claims.filter((c) => c.id.startsWith('rmsnorm.backward.var'));
  const results = await checkComponent(rmsnorm, claims, config, {
    budget: BUDGETS.quick,
    seed: 1,
    engine,
    comparisons: 2,
  });
  const byId = (id: string) => results.filter((r) => r.claim === id);
  expect(exactGradVariance(config)).toBeCloseTo(1.5, 12);
  await expect(byId('rmsnorm.backward.var')).toDeviate({ atLeast: 0.2 });
  await expect(byId('rmsnorm.backward.var.exact')).toHold();
  expect(components).toContain(rmsnorm);
});
