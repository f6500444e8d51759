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

const declared = (key: string) => key in WIDTHS;

describe('generator coverage of every regime domain', () => {
  for (const budget of [BUDGETS.quick, BUDGETS.thorough]) {
    for (const component of COMPONENTS.filter((c) => declared(c.key))) {
      for (const regime of component.regimes) {
        it(`${budget.name} ${component.key}/${regime.name}: every corner is drawn`, () => {
          const configs = fc.sample(regime.domain(budget), { seed: 42, numRuns: DRAWS });
          const counts = classify(configs, component.key, regime.name, budget);
          expect(counts.size).toBeGreaterThan(6);
          const starved = [...counts]
            .filter(([, n]) => n < MIN_SHARE * DRAWS)
            .map(([label, n]) => `${label}: ${n}/${DRAWS}`);
          expect(starved, `classes drawn in fewer than ${MIN_SHARE * 100}% of draws`).toEqual([]);
          // and nothing outside the declared domain
          for (const c of configs) {
            for (const key of WIDTHS[component.key][regime.name].keys) {
              expect(c[key]).toBeGreaterThanOrEqual(WIDTHS[component.key][regime.name].min);
              expect(c[key]).toBeLessThanOrEqual(
                Math.min(WIDTHS[component.key][regime.name].max, budget.maxSize),
              );
            }
          }
        });
      }
    }
  }
});

/**
 * Regimes without hand-declared corners (the attention family, whose keys are derived from score
 * variances and gains): each varying key must reach both ends of the range its generator spans,
 * i.e. the draws a property makes meet the extremes, not only the middle. Ends are measured over
 * 20000 draws; each must be hit, within 2% of the span, by 1% of 1000 draws.
 */
const DERIVED_WEIGHT_STD = /^sigma(?!X$|G$)/;

describe('generator coverage of the remaining regimes: both ends of every varying key', () => {
  for (const component of COMPONENTS.filter((c) => !declared(c.key))) {
    for (const regime of component.regimes) {
      it(`${component.key}/${regime.name}`, () => {
        const wide = fc.sample(regime.domain(BUDGETS.quick), { seed: 7, numRuns: 20 * DRAWS });
        const draws = fc.sample(regime.domain(BUDGETS.quick), { seed: 42, numRuns: DRAWS });
        // weight stds here are derived (from score variance, gain and width), so their extremes are
        // joint extremes of drawn keys; the drawn keys are what must reach their ends
        const varying = Object.keys(wide[0]).filter(
          (key) => !DERIVED_WEIGHT_STD.test(key) && new Set(wide.map((c) => c[key])).size > 1,
        );
        expect(varying.length).toBeGreaterThan(0);
        const starved: string[] = [];
        for (const key of varying) {
          const values = wide.map((c) => c[key]);
          const [lo, hi] = [Math.min(...values), Math.max(...values)];
          const near = (v: number, end: number) => Math.abs(v - end) <= 0.02 * (hi - lo);
          for (const [end, label] of [
            [lo, 'low'],
            [hi, 'high'],
          ] as const) {
            const hits = draws.filter((c) => near(c[key], end)).length;
            if (hits < MIN_SHARE * DRAWS) starved.push(`${key} ${label} end ${end}: ${hits}/${DRAWS}`);
          }
        }
        expect(starved).toEqual([]);
      });
    }
  }
});
