import { expect, it } from 'vitest';
import { initEngine } from '../src/backend/engine.ts';
import { checkComponent } from '../src/claims/check.ts';
import { COMPONENTS } from '../src/claims/registry.ts';
import { BUDGETS } from '../src/stats/budget.ts';

/**
 * Random numbers are drawn in JS from the replicate seed, so every engine simulates the same
 * draws: the float64-reducing cpu backend is then a reference for the default engine's arithmetic.
 */
it('cpu and the default engine measure the same moments from the same seed', async () => {
  const budget = { ...BUDGETS.quick, maxReplicates: BUDGETS.quick.initialReplicates };
  const configs: Record<string, Record<string, number>> = {
    linear: { muX: 3, sigmaX: 1, rX: 0.5, sigmaG: 1, rG: 0.3, dIn: 32, dOut: 16, sigmaW: 0.2, seqLen: 16 },
    dropout: { muX: -10, sigmaX: 0.3, rX: 0.9, sigmaG: 2, rG: 0.1, dropout: 0.5, d: 8, seqLen: 32 },
    relu: { sigmaX: 2, rX: 0.3, sigmaG: 1, rG: 0.6, d: 4, seqLen: 64 },
    gelu: { sigmaX: 0.5, rX: 0.7, sigmaG: 1, rG: 0.2, d: 4, seqLen: 64 },
    layernorm: { muX: 5, sigmaX: 1.5, rX: 0.6, sigmaG: 1, rG: 0.4, d: 24, seqLen: 16 },
  };
  const components = COMPONENTS.filter((c) => c.key in configs);
  const measure = async (engineName: 'cpu' | undefined) => {
    const engine = await initEngine(engineName);
    const all = [];
    for (const component of components) {
      all.push(
        ...(await checkComponent(component, component.claims, configs[component.key], {
          budget,
          seed: 11,
          engine,
          comparisons: 1,
        })),
      );
    }
    return { engine: engine.name, results: all };
  };
  const fallback = await measure(undefined);
  const reference = await measure('cpu');
  expect(reference.engine).toBe('cpu');
  expect(components).toHaveLength(Object.keys(configs).length);
  expect(reference.results).toHaveLength(components.reduce((n, c) => n + c.claims.length, 0));
  reference.results.forEach((r, i) => {
    const other = fallback.results[i];
    expect(other.claim).toBe(r.claim);
    // float32 kernels differ in rounding only: far below the statistical error
    expect(Math.abs(other.measured - r.measured), `${r.claim} on ${fallback.engine}`).toBeLessThan(
      1e-4 * r.scale + 1e-3 * r.stderr,
    );
  });
});
