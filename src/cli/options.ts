import { Option } from 'commander';
import { InputError } from '../claims/params.ts';
import { BUDGET_NAMES, BUDGETS, type Budget } from '../stats/budget.ts';

export function parseBudget(value: string): Budget {
  if (!(BUDGET_NAMES as readonly string[]).includes(value)) {
    throw new InputError(`budget: unknown budget '${value}' (expected ${BUDGET_NAMES.join(', ')})`);
  }
  return BUDGETS[value as Budget['name']];
}

export function parseInteger(field: string, value: string, min: number): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InputError(`${field}: expected an integer, got '${value}'`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new InputError(`${field}: must be an integer >= ${min}, got '${value}'`);
  return n;
}

export function parseConfigJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`config: malformed JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

/** `i/n` with 0 <= i < n: this runner's part of a run split over n runners. */
export function parseShard(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index >= count) throw new InputError(`shard: expected i/n with 0 <= i < n, got '${value}'`);
  return { index, count };
}

export const DEFAULT_SEED = 1;
export const budgetOption = () => new Option('--budget <name>', 'quick | standard | thorough').default('quick');
export const seedOption = () => new Option('--seed <n>', 'run seed').default(String(DEFAULT_SEED));
