import fc from 'fast-check';
import type { EngineInfo } from '../backend/engine.ts';
import type { Budget } from '../stats/budget.ts';
import type { Verdict } from '../stats/verdict.ts';
import { checkComponent, type ClaimResult } from './check.ts';
import { expectedFor, type ExpectedVerdicts } from './expected.ts';
import { COMPONENTS } from './registry.ts';
import type { Claim, Component, Config, Regime } from './types.ts';

export interface VerifiedResult extends ClaimResult {
  regime: string;
  expected: Verdict[] | null;
  /**
   * a decided verdict that is not among the expected ones, or any verdict where nothing is
   * expected; `inconclusive` is undecided, not a contradiction, and is counted on its own
   */
  unexpected: boolean;
}

/** One simulation to run: a component at a config, for the selected claims of one regime. */
export interface VerificationTask {
  component: Component;
  regime: Regime;
  claims: Claim[];
  config: Config;
}

/** Stable small integer from a string, so each (component, regime) draws its own configs. */
function stringSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The configs a run checks: per component and regime, `configsPerComponent` draws from the
 * regime's domain, deterministic in the run seed. `shard` keeps every n-th task so n runners
 * split one run.
 */
export function planVerification(claims: readonly Claim[], budget: Budget, seed: number, shard?: { index: number; count: number }): VerificationTask[] {
  const tasks: VerificationTask[] = [];
  for (const component of COMPONENTS) {
    const selected = claims.filter((c) => c.component === component.key);
    if (selected.length === 0) continue;
    for (const regime of component.regimes) {
      const configs = fc.sample(regime.domain(budget), {
        seed: (seed ^ stringSeed(`${component.key}/${regime.name}`)) | 0,
        numRuns: budget.configsPerComponent,
      });
      for (const config of configs) tasks.push({ component, regime, claims: selected, config });
    }
  }
  return shard ? tasks.filter((_, i) => i % shard.count === shard.index) : tasks;
}

export function countComparisons(tasks: readonly VerificationTask[]): number {
  return tasks.reduce((n, t) => n + t.claims.length, 0);
}

export interface VerifyOptions {
  budget: Budget;
  seed: number;
  engine: EngineInfo;
  expected: ExpectedVerdicts;
  /** the whole run's comparison count when this is one shard of it */
  comparisons?: number;
  onTask?: (done: number, total: number, results: VerifiedResult[]) => void;
  /** checked between tasks: a stop request ends the run early with what it has */
  shouldStop?: () => boolean;
}

export async function runVerification(tasks: readonly VerificationTask[], options: VerifyOptions): Promise<{ results: VerifiedResult[]; complete: boolean }> {
  const comparisons = options.comparisons ?? countComparisons(tasks);
  const results: VerifiedResult[] = [];
  for (const [index, task] of tasks.entries()) {
    if (options.shouldStop?.()) return { results, complete: false };
    const checked = await checkComponent(task.component, task.claims, task.config, {
      budget: options.budget,
      seed: options.seed,
      engine: options.engine,
      comparisons,
      regime: task.regime.name,
    });
    const verified = checked.map((r) => {
      const expected = expectedFor(options.expected, r.claim, task.regime.name, options.budget.name) ?? null;
      return { ...r, regime: task.regime.name, expected, unexpected: expected === null || (r.verdict !== 'inconclusive' && !expected.includes(r.verdict)) };
    });
    results.push(...verified);
    options.onTask?.(index + 1, tasks.length, verified);
  }
  return { results, complete: true };
}
