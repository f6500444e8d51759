import { describe, expect, it } from 'vitest';
import { expectedFor, loadExpectedVerdicts, type ExpectedVerdicts } from '../src/claims/expected.ts';

describe('expected verdicts', () => {
  const all: ExpectedVerdicts = {
    c: {
      r: {
        expect: ['holds', 'deviates'],
        reason: 'deviates where d <= 8',
        byBudget: { thorough: ['deviates'] },
        regions: [{ where: { d: [2, 8] }, expect: ['deviates'], budgets: ['standard'] }],
      },
    },
  };
  it('lets the first region that contains the config decide, at the budgets it was measured at', () => {
    expect(expectedFor(all, 'c', 'r', 'standard', { d: 4 })).toEqual(['deviates']);
    expect(expectedFor(all, 'c', 'r', 'standard', { d: 9 })).toEqual(['holds', 'deviates']);
    expect(expectedFor(all, 'c', 'r', 'quick', { d: 4 })).toEqual(['holds', 'deviates']);
    expect(expectedFor(all, 'c', 'r', 'thorough', { d: 9 })).toEqual(['deviates']);
    // a config without the region's key is outside it
    expect(expectedFor(all, 'c', 'r', 'standard', { seqLen: 4 })).toEqual(['holds', 'deviates']);
    expect(expectedFor(all, 'c', 'other', 'standard', { d: 4 })).toBeUndefined();
  });

  it('no entry of fixtures/verdicts.json allows both verdicts without a stated reason', () => {
    const fixture = loadExpectedVerdicts();
    const unexplained: string[] = [];
    for (const [claim, regimes] of Object.entries(fixture)) {
      for (const [regime, entry] of Object.entries(regimes)) {
        const lists = [
          entry.expect,
          ...Object.values(entry.byBudget ?? {}),
          ...(entry.regions ?? []).map((r) => r.expect),
        ];
        const both = lists.some((l) => l.includes('holds') && l.includes('deviates'));
        if (both && !(entry.reason && entry.reason.length > 40)) unexplained.push(`${claim} ${regime}`);
        for (const region of entry.regions ?? [])
          expect(region.expect, `${claim} ${regime} region`).toHaveLength(1);
      }
    }
    expect(unexplained).toEqual([]);
  });
});
