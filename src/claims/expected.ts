import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BudgetName } from '../stats/budget.ts';
import type { Verdict } from '../stats/verdict.ts';
import type { ClaimResult } from './check.ts';

/**
 * What the project currently observes for a claim in a regime (fixtures/verdicts.json). Most
 * claims expect one verdict; a claim whose error sits near a budget's precision lists the verdicts
 * that budget may honestly return.
 */
export interface ExpectedVerdict {
  expect: Verdict[];
  byBudget?: Partial<Record<BudgetName, Verdict[]>>;
  /** measured / predicted where it deviates, for the report */
  ratio?: string;
  evidence?: string;
}

export type ExpectedVerdicts = Record<string, Record<string, ExpectedVerdict>>;

export const VERDICTS_FILE = fileURLToPath(new URL('../../fixtures/verdicts.json', import.meta.url));

/** Expected verdicts of user modules' claims (claims/userModules.ts), merged into every load. */
const registered: ExpectedVerdicts = {};

export function registerExpectedVerdicts(expected: ExpectedVerdicts): void {
  Object.assign(registered, expected);
}

export function loadExpectedVerdicts(path = VERDICTS_FILE): ExpectedVerdicts {
  return { ...(JSON.parse(readFileSync(path, 'utf8')) as ExpectedVerdicts), ...registered };
}

export function expectedFor(all: ExpectedVerdicts, claim: string, regime: string, budget: BudgetName): Verdict[] | undefined {
  const entry = all[claim]?.[regime];
  if (!entry) return undefined;
  return entry.byBudget?.[budget] ?? entry.expect;
}

/** A comparison of a run with what was expected of its claim in its regime. */
export interface VerifiedResult extends ClaimResult {
  regime: string;
  expected: Verdict[] | null;
  /**
   * a decided verdict that is not among the expected ones, or any verdict where nothing is
   * expected; `inconclusive` is undecided, not a contradiction, and is counted on its own
   */
  unexpected: boolean;
}
