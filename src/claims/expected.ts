import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BudgetName } from '../stats/budget.ts';
import type { Verdict } from '../stats/verdict.ts';
import type { ClaimResult } from './check.ts';
import type { Config } from './types.ts';

/**
 * A part of a regime where one verdict is expected: each named config key within [min, max]
 * (a whole-model comparison's config includes its `boundary`).
 */
export interface ExpectedRegion {
  where: Record<string, [number, number]>;
  expect: Verdict[];
  /** the budgets the region's expectation was measured at (all when absent) */
  budgets?: BudgetName[];
}

/**
 * What the project currently observes for a claim in a regime (fixtures/verdicts.json). An entry
 * expects one verdict, or, where the regime straddles the boundary of a finding, both `holds` and
 * `deviates` with a `reason` that states, measured, where each holds; `regions` make the parts of
 * that statement that are single-valued checkable (the first region containing a config decides
 * its expectation).
 */
export interface ExpectedVerdict {
  expect: Verdict[];
  byBudget?: Partial<Record<BudgetName, Verdict[]>>;
  /** why both verdicts are allowed: where each holds, with the measurement that says so */
  reason?: string;
  regions?: ExpectedRegion[];
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

const inside = (region: ExpectedRegion, config: Config, budget: BudgetName) =>
  (region.budgets?.includes(budget) ?? true) &&
  Object.entries(region.where).every(
    ([key, [min, max]]) => config[key] !== undefined && config[key] >= min && config[key] <= max,
  );

export function expectedFor(
  all: ExpectedVerdicts,
  claim: string,
  regime: string,
  budget: BudgetName,
  config?: Config,
): Verdict[] | undefined {
  const entry = all[claim]?.[regime];
  if (!entry) return undefined;
  const region = config && entry.regions?.find((r) => inside(r, config, budget));
  return region?.expect ?? entry.byBudget?.[budget] ?? entry.expect;
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
