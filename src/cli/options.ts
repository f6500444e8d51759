import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { InputError } from '../claims/params.ts';
import { BUDGET_NAMES, BUDGETS, type Budget } from '../stats/budget.ts';
import type { Verdict } from '../stats/verdict.ts';

export function parseBudget(value: string): Budget {
  if (!(BUDGET_NAMES as readonly string[]).includes(value)) {
    throw new InputError(`budget: unknown budget '${value}' (expected ${BUDGET_NAMES.join(', ')})`);
  }
  return BUDGETS[value as Budget['name']];
}

export function parseInteger(field: string, value: string, min: number): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InputError(`${field}: expected an integer, got '${value}'`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new InputError(`${field}: must be an integer >= ${min}, got '${value}'`);
  return n;
}

export function parseConfigJson(text: string, where = 'config'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${where}: malformed JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

/** `--config`: inline JSON, `@file.json`, or `-` for standard input. */
export function readConfigArg(value: string): unknown {
  if (value === '-' || value.startsWith('@')) {
    const source = value === '-' ? 'standard input' : value.slice(1);
    let text: string;
    try {
      text = readFileSync(value === '-' ? 0 : value.slice(1), 'utf8');
    } catch (error) {
      throw new InputError(
        `config: cannot read ${source} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
    return parseConfigJson(text, `config (${source})`);
  }
  return parseConfigJson(value);
}

export const configOption = () =>
  new Option(
    '--config <json>',
    'config as JSON, @file.json, or - to read it from stdin; keys left out take their defaults',
  ).default('{}');

/** `i/n` with 0 <= i < n: this runner's part of a run split over n runners. */
export function parseShard(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index >= count)
    throw new InputError(`shard: expected i/n with 0 <= i < n, got '${value}'`);
  return { index, count };
}

export const DEFAULT_SEED = 1;
export const budgetOption = () =>
  new Option('--budget <name>', 'quick | standard | thorough').default('quick');
export const seedOption = () => new Option('--seed <n>', 'run seed').default(String(DEFAULT_SEED));

/** `--expect`: the decided verdicts that count as expected; default `holds`, the formula's own claim. */
export function parseExpect(value: string | undefined): Verdict[] {
  if (value === undefined) return ['holds'];
  const verdicts = value.split(',').map((v) => v.trim());
  for (const v of verdicts)
    if (v !== 'holds' && v !== 'deviates')
      throw new InputError(`expect: unknown verdict '${v}' (expected holds, deviates or 'holds,deviates')`);
  return verdicts as Verdict[];
}
