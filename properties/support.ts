import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { initEngine, type EngineInfo } from '../src/backend/engine.ts';
import { checkComponent } from '../src/claims/check.ts';
import { expectedFor, loadExpectedVerdicts } from '../src/claims/expected.ts';
import type { Component } from '../src/claims/types.ts';
import { BUDGETS, type Budget } from '../src/stats/budget.ts';

/** Fixed by default so CI replays the same draws; set SIGPROP_PROPERTY_SEED to explore others. */
export const PROPERTY_SEED = Number(process.env.SIGPROP_PROPERTY_SEED ?? 20240311);

/** At least this share of verdicts must be decisive, or the property could pass on `inconclusive` alone. */
const MIN_DECISIVE_SHARE = 0.7;

/**
 * For every regime of a component: configs drawn from the regime's domain are simulated and each
 * claim's verdict must be one the project expects there (fixtures/verdicts.json). A failure prints
 * fast-check's seed and path, which replay the counterexample.
 */
export function componentProperties(component: Component, numRuns: number, budget: Budget = BUDGETS.quick): void {
  const expected = loadExpectedVerdicts();
  let engine: EngineInfo;
  beforeAll(async () => {
    engine = await initEngine();
  });
  const tally = { decisive: 0, total: 0 };
  describe(`${component.key} (FORMULAS.md ${component.section})`, () => {
    for (const regime of component.regimes) {
      // the family is every comparison this file makes, as in a verify run
      const comparisons = numRuns * component.regimes.length * component.claims.length;
      test.prop([regime.domain(budget)], { numRuns, seed: PROPERTY_SEED, endOnFailure: true })(
        `${regime.name} regime: verdicts as expected`,
        async (config) => {
          const results = await checkComponent(component, component.claims, config, { budget, seed: PROPERTY_SEED, engine, comparisons, regime: regime.name });
          for (const r of results) {
            const allowed = expectedFor(expected, r.claim, regime.name, budget.name);
            expect(allowed, `${r.claim} has no expected verdict for regime ${regime.name}`).toBeDefined();
            tally.total++;
            if (r.verdict === 'inconclusive') continue;
            tally.decisive++;
            expect(allowed, `${r.claim} ${JSON.stringify(config)}: measured ${r.measured} +- ${r.stderr}, predicted ${r.predicted}`).toContain(r.verdict);
          }
        },
      );
    }
  });
  afterAll(() => {
    expect(tally.total).toBeGreaterThan(0);
    expect(tally.decisive / tally.total, `only ${tally.decisive} of ${tally.total} verdicts were decisive`).toBeGreaterThanOrEqual(MIN_DECISIVE_SHARE);
  });
}

export { fc };
