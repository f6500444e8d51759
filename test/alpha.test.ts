import { describe, expect, it } from 'vitest';
import { BUDGETS, BUDGET_NAMES, looksOf } from '../src/stats/budget.ts';
import { alphaAtLook, lookFractions, pocockSpending } from '../src/stats/spending.ts';
import { criticalValue } from '../src/stats/verdict.ts';
import { replicateCap } from '../src/stats/sizing.ts';

describe('alpha spending over adaptive looks', () => {
  it('spends nothing at t = 0 and exactly alpha at t = 1', () => {
    expect(pocockSpending(0.05, 0)).toBe(0);
    expect(pocockSpending(0.05, 1)).toBeCloseTo(0.05, 15);
  });

  it('is monotone in the information fraction', () => {
    let previous = 0;
    for (let i = 1; i <= 1000; i++) {
      const spent = pocockSpending(1e-3, i / 1000);
      expect(spent).toBeGreaterThan(previous);
      previous = spent;
    }
  });

  for (const name of BUDGET_NAMES) {
    const b = BUDGETS[name];
    it(`${name}: per-look increments are positive and sum to alpha over the schedule`, () => {
      const fractions = lookFractions(b.initialReplicates, b.maxReplicates);
      expect(fractions).toHaveLength(looksOf(b));
      let total = 0;
      for (let r = b.initialReplicates; r <= b.maxReplicates; r *= 2) {
        const a = alphaAtLook(0.01, r, b.initialReplicates, b.maxReplicates);
        expect(a).toBeGreaterThan(0);
        total += a;
      }
      expect(total).toBeCloseTo(0.01, 14);
    });

    it(`${name}: the last look gets a larger share than an equal Bonferroni split`, () => {
      const last = alphaAtLook(1, b.maxReplicates, b.initialReplicates, b.maxReplicates);
      expect(last).toBeGreaterThan(1 / looksOf(b));
    });
  }

  it('a single-look schedule tests at the full alpha', () => {
    // t_{0.975, 15}
    expect(criticalValue(0.05, 1, { replicates: 16, initialReplicates: 16, maxReplicates: 16 })).toBeCloseTo(
      2.1314,
      3,
    );
  });

  it('splits the family budget over comparisons before spending it over looks', () => {
    const look = { replicates: 64, initialReplicates: 16, maxReplicates: 256 };
    expect(criticalValue(0.01, 10, look)).toBeCloseTo(criticalValue(0.001, 1, look), 12);
    expect(criticalValue(0.01, 10, look)).toBeGreaterThan(criticalValue(0.01, 1, look));
  });
});

describe('replicate cap per config', () => {
  for (const name of BUDGET_NAMES) {
    const b = BUDGETS[name];
    it(`${name}: a config never simulates more than maxReplicates replicates of replicateElements, and the capped schedule still spends exactly alpha`, () => {
      // a sample the size of a replicate: the full schedule
      expect(replicateCap(b, 1, b.replicateElements)).toBe(b.maxReplicates);
      expect(replicateCap(b, 4, b.replicateElements / 4)).toBe(b.maxReplicates);
      for (const factor of [1.5, 2, 3, 8, 100, 1e6]) {
        const cap = replicateCap(b, 1, factor * b.replicateElements);
        expect(Number.isInteger(Math.log2(cap / b.initialReplicates))).toBe(true);
        expect(cap).toBeGreaterThanOrEqual(b.initialReplicates);
        // within the budget's work unless the first look alone exceeds it
        if (cap > b.initialReplicates) expect(cap * factor).toBeLessThanOrEqual(b.maxReplicates);
        // and the largest doubling schedule that fits: one more look would exceed it
        if (cap < b.maxReplicates) expect(2 * cap * factor).toBeGreaterThan(b.maxReplicates);
        let total = 0;
        for (let r = b.initialReplicates; r <= cap; r *= 2)
          total += alphaAtLook(0.01, r, b.initialReplicates, cap);
        expect(total).toBeCloseTo(0.01, 14);
      }
    });
  }
});
