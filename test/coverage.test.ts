import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveComponentConfig } from '../src/claims/limits.ts';
import { validateModelConfig } from '../src/claims/models/config.ts';
import { COMPONENTS, REGISTRY, isModelEntry } from '../src/claims/registry.ts';
import { pointArbitrary, toUnit, type Point, type Regime, type Space } from '../src/claims/space.ts';
import type { Config } from '../src/claims/types.ts';
import { BUDGETS, type Budget } from '../src/stats/budget.ts';

/**
 * Coverage, derived from each regime's declaration (claims/space.ts): the draws a property or
 * `verify` makes must reach both ends of every draw-parameter (a generator that silently narrowed
 * its range would leave the formulas unchecked exactly where they are most likely to break), and
 * every drawn point must map to a valid config of its component: every key the component declares,
 * no other, each within its range, the cross-key constraints met. Each end must be hit, within 2%
 * of the axis in its own unit coordinates, by at least 1% of 1000 draws.
 */
const DRAWS = 1000;
const MIN_SHARE = 0.01;
const NEAR = 0.02;

function starvedEnds(
  regime: Regime<unknown>,
  budget: Budget,
  draw: (space: Space) => fc.Arbitrary<Point> = pointArbitrary,
): string[] {
  const space = regime.space(budget);
  const points = fc.sample(draw(space), { seed: 42, numRuns: DRAWS });
  const starved: string[] = [];
  for (const [key, axis] of Object.entries(space)) {
    if (axis.min === axis.max) continue;
    const units = points.map((p) => toUnit(axis, p[key]));
    for (const [label, hit] of [
      ['low', (u: number) => u <= NEAR],
      ['high', (u: number) => u >= 1 - NEAR],
    ] as const) {
      const hits = units.filter(hit).length;
      if (hits < MIN_SHARE * DRAWS) starved.push(`${key} ${label} end: ${hits}/${DRAWS}`);
    }
    const outside = points.filter((p) => p[key] < axis.min || p[key] > axis.max);
    if (outside.length) starved.push(`${key}: ${outside.length} draws outside [${axis.min}, ${axis.max}]`);
  }
  return starved;
}

const configsOf = (regime: Regime<unknown>, budget: Budget) =>
  fc
    .sample(pointArbitrary(regime.space(budget)), { seed: 7, numRuns: 200 })
    .map((p) => regime.toConfig(p, budget) as Config);

describe('every regime reaches both ends of every draw-parameter, and maps to valid configs', () => {
  for (const budget of [BUDGETS.quick, BUDGETS.thorough]) {
    for (const entry of REGISTRY) {
      for (const regime of entry.regimes) {
        it(`${budget.name} ${entry.key}/${regime.name}`, () => {
          expect(starvedEnds(regime, budget)).toEqual([]);
          if (isModelEntry(entry)) {
            for (const config of configsOf(regime, budget))
              expect(() => validateModelConfig(config)).not.toThrow();
            return;
          }
          const keys = entry.params.map((p) => p.key).sort();
          for (const config of configsOf(regime, budget)) {
            expect(Object.keys(config).sort()).toEqual(keys);
            // resolveComponentConfig throws, naming the field, on any key out of range or constraint broken
            expect(resolveComponentConfig(entry, config)).toEqual(config);
          }
        });
      }
    }
  }
});

describe('the coverage check can fail', () => {
  const relu = COMPONENTS.find((c) => c.key === 'relu')!;
  const regime = relu.regimes[0];
  it('flags a generator that stops at half of an axis', () => {
    const halved = (space: Space) => pointArbitrary(space).map((p) => ({ ...p, rX: p.rX / 2 }));
    expect(starvedEnds(regime, BUDGETS.quick, halved)).toEqual(['rX high end: 0/1000']);
  });
  it('flags a map to configs outside the component, naming the key', () => {
    const clamped: Regime<unknown> = {
      ...regime,
      toConfig: (p, b) => ({ ...(regime.toConfig(p, b) as Config), rX: 1 }),
    };
    expect(() => configsOf(clamped, BUDGETS.quick).forEach((c) => resolveComponentConfig(relu, c))).toThrow(
      /config\.rX/,
    );
  });
});
