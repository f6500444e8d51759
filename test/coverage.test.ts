import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPONENTS } from '../src/claims/registry.ts';
import type { Config } from '../src/claims/types.ts';
import { BUDGETS, type Budget } from '../src/stats/budget.ts';

/**
 * Every regime's generator must reach every corner of its declared domain: correlations near 0
 * and near their top, the smallest and the largest widths and sequence lengths, dropout near 0 and
 * high, input means near +-10. A generator that silently narrowed its range (a wrong bound, a map
 * that clamps) would leave the formulas unchecked exactly where they are most likely to break.
 * Classification as with fc.statistics, but counted so it can be asserted: each class must hold at
 * least 1% of 1000 draws.
 */
const DRAWS = 1000;
const MIN_SHARE = 0.01;

/** Declared width ranges per regime (the regime's own bounds; the budget caps the top). */
const WIDTHS: Record<string, Record<string, { keys: string[]; min: number; max: number }>> = {
  linear: { theory: { keys: ['dIn', 'dOut'], min: 1, max: Infinity } },
  dropout: { theory: { keys: ['d'], min: 1, max: Infinity } },
  relu: { theory: { keys: ['d'], min: 1, max: Infinity } },
  gelu: { theory: { keys: ['d'], min: 1, max: Infinity } },
  layernorm: {
    reference: { keys: ['d'], min: 100, max: 1000 },
    transition: { keys: ['d'], min: 17, max: 99 },
    narrow: { keys: ['d'], min: 4, max: 16 },
  },
};

function classify(configs: Config[], component: string, regime: string, budget: Budget): Map<string, number> {
  const counts = new Map<string, number>();
  const mark = (label: string, hit: boolean) => counts.set(label, (counts.get(label) ?? 0) + (hit ? 1 : 0));
  const widths = WIDTHS[component][regime];
  const top = Math.min(widths.max, budget.maxSize);
  for (const c of configs) {
    for (const key of ['rX', 'rG']) {
      mark(`${key} < 0.05`, c[key] < 0.05);
      mark(`${key} > 0.9`, c[key] > 0.9);
    }
    for (const key of widths.keys) {
      mark(`${key} <= ${Math.max(4, widths.min)}`, c[key] <= Math.max(4, widths.min));
      mark(`${key} >= 0.8*${top}`, c[key] >= 0.8 * top);
    }
    mark('seqLen <= 4', c.seqLen <= 4);
    mark(`seqLen >= 0.8*${budget.maxSize}`, c.seqLen >= 0.8 * budget.maxSize);
    if ('dropout' in c) {
      mark('dropout < 0.05', c.dropout < 0.05);
      mark('dropout > 0.6', c.dropout > 0.6);
    }
    if ('muX' in c) {
      mark('muX < -9', c.muX < -9);
      mark('muX > 9', c.muX > 9);
    }
  }
  return counts;
}

describe('generator coverage of every regime domain', () => {
  for (const budget of [BUDGETS.quick, BUDGETS.thorough]) {
    for (const component of COMPONENTS) {
      for (const regime of component.regimes) {
        it(`${budget.name} ${component.key}/${regime.name}: every corner is drawn`, () => {
          const configs = fc.sample(regime.domain(budget), { seed: 42, numRuns: DRAWS });
          const counts = classify(configs, component.key, regime.name, budget);
          expect(counts.size).toBeGreaterThan(6);
          const starved = [...counts].filter(([, n]) => n < MIN_SHARE * DRAWS).map(([label, n]) => `${label}: ${n}/${DRAWS}`);
          expect(starved, `classes drawn in fewer than ${MIN_SHARE * 100}% of draws`).toEqual([]);
          // and nothing outside the declared domain
          for (const c of configs) {
            for (const key of WIDTHS[component.key][regime.name].keys) {
              expect(c[key]).toBeGreaterThanOrEqual(WIDTHS[component.key][regime.name].min);
              expect(c[key]).toBeLessThanOrEqual(Math.min(WIDTHS[component.key][regime.name].max, budget.maxSize));
            }
          }
        });
      }
    }
  }
});
