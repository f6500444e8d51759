/**
 * sigprop/vitest: claims as vitest property tests. `claimProperty(component, options)` draws configs
 * from each of the component's regimes with @fast-check/vitest, checks every claim on one simulation
 * per config and asserts the verdict its expected verdicts allow; fast-check prints the seed and path
 * that replay a failing config. `toHold()` / `toDeviate({ atLeast })` judge one-off checks.
 * vitest and @fast-check/vitest are optional peer dependencies: only this entry point needs them.
 */
import { test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { initEngine, type EngineInfo } from './backend/engine.ts';
import { checkComponent, type ClaimResult } from './claims/check.ts';
import { expectedFor, loadExpectedVerdicts, type ExpectedVerdicts } from './claims/expected.ts';
import type { Component } from './claims/types.ts';
import { arbitraryOf } from './claims/space.ts';
import { BUDGETS, type Budget, type BudgetName } from './stats/budget.ts';

/** Fixed by default so CI replays the same draws; set SIGPROP_PROPERTY_SEED to explore others. */
export const PROPERTY_SEED = Number(process.env.SIGPROP_PROPERTY_SEED ?? 20240311);

export interface ClaimPropertyOptions {
  /** configs drawn per regime */
  numRuns: number;
  /** fast-check's seed and the simulation's run seed; default PROPERTY_SEED */
  seed?: number;
  /** precision and replicate plan; default quick */
  budget?: BudgetName | Budget;
  /** cap on drawn widths and lengths (default the budget's), to keep a test file short */
  maxSize?: number;
  /** fraction of verdicts that must be decided (holds or deviates) over the file; default 0.7 */
  minDecisive?: number;
  /** expected verdicts per claim and regime; default sigprop's fixtures/verdicts.json */
  expected?: ExpectedVerdicts;
}

/** Picks the engine the CLI would pick (or SIGPROP_BACKEND) once per test file. */
function useEngine(): () => EngineInfo {
  let info: EngineInfo | undefined;
  beforeAll(async () => {
    info = await initEngine();
  });
  return () => info!;
}

/**
 * For every regime of `component`: draws `numRuns` configs, checks all its claims on one
 * simulation per config, and asserts each decided verdict is one the expected verdicts allow
 * (`inconclusive` is undecided, not a contradiction; a claim without an expectation fails).
 * Afterwards at least `minDecisive` of all verdicts must be decided, so a harness that never
 * decides cannot pass.
 */
export function claimProperty(component: Component, options: ClaimPropertyOptions): void {
  const seed = options.seed ?? PROPERTY_SEED;
  const engine = useEngine();
  const expected = options.expected ?? loadExpectedVerdicts();
  const base = typeof options.budget === 'object' ? options.budget : BUDGETS[options.budget ?? 'quick'];
  const budget = { ...base, maxSize: options.maxSize ?? base.maxSize };
  // every comparison this file may make, for the family-wise false-alarm budget
  const comparisons = component.regimes.length * options.numRuns * component.claims.length;
  const tally = { decided: 0, total: 0 };
  describe(`${component.key} claims against simulation`, () => {
    for (const regime of component.regimes) {
      test.prop([arbitraryOf(regime, budget)], { numRuns: options.numRuns, seed, endOnFailure: true })(
        `regime ${regime.name}`,
        async (config) => {
          const results = await checkComponent(component, component.claims, config, {
            budget,
            seed,
            engine: engine(),
            comparisons,
            regime: regime.name,
          });
          for (const r of results) {
            tally.total++;
            if (r.verdict !== 'inconclusive') tally.decided++;
            const allowed = expectedFor(expected, r.claim, regime.name, budget.name);
            expect(allowed, `${r.claim} has no expected verdict for regime ${regime.name}`).toBeDefined();
            if (r.verdict === 'inconclusive') continue;
            const detail = `${r.claim} [${regime.name}] ${JSON.stringify(config)}: predicted ${r.predicted}, measured ${r.measured} +- ${r.stderr}`;
            expect(allowed, detail).toContain(r.verdict);
          }
        },
      );
    }
    afterAll(() => {
      expect(
        tally.decided / Math.max(1, tally.total),
        `decided ${tally.decided} of ${tally.total}`,
      ).toBeGreaterThanOrEqual(options.minDecisive ?? 0.7);
    });
  });
}

type Checked = ClaimResult | readonly ClaimResult[];

const describeResult = (r: ClaimResult) =>
  `${r.claim} ${JSON.stringify(r.config)}: ${r.verdict}, predicted ${r.predicted}, measured ${r.measured} +- ${r.stderr} (relative error ${r.relError.toPrecision(3)}, resolution ${r.resolution.toPrecision(3)})`;

async function judged(received: Checked | Promise<Checked>, pass: (r: ClaimResult) => boolean, what: string) {
  const results = [(await received) as Checked].flat() as ClaimResult[];
  const failing = results.filter((r) => !pass(r));
  const ok = results.length > 0 && failing.length === 0;
  return {
    pass: ok,
    message: () =>
      results.length === 0
        ? `expected results to ${what}, got none`
        : ok
          ? `expected not every result to ${what}:\n${results.map(describeResult).join('\n')}`
          : `expected every result to ${what}:\n${failing.map(describeResult).join('\n')}`,
  };
}

expect.extend({
  /** every result's verdict is `holds` */
  toHold(received: Checked | Promise<Checked>) {
    return judged(received, (r) => r.verdict === 'holds', 'hold');
  },
  /** every result deviates, by a relative error of at least `atLeast` (default 0) */
  toDeviate(received: Checked | Promise<Checked>, options: { atLeast?: number } = {}) {
    const atLeast = options.atLeast ?? 0;
    return judged(
      received,
      (r) => r.verdict === 'deviates' && r.relError >= atLeast,
      `deviate${atLeast ? ` by at least ${atLeast}` : ''}`,
    );
  },
});

interface ClaimMatchers<R = unknown> {
  /** every checked result's verdict is `holds` */
  toHold(): Promise<R>;
  /** every checked result deviates, with relative error |measured - predicted| / scale >= atLeast */
  toDeviate(options?: { atLeast?: number }): Promise<R>;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends ClaimMatchers<T> {}
}
