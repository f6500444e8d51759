import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ENGINE_NAMES, releaseEngine, type EngineName } from '../../backend/engine.ts';
import { InputError } from '../../claims/params.ts';
import { COMPONENTS } from '../../claims/registry.ts';
import { BUDGET_NAMES, type BudgetName } from '../../stats/budget.ts';
import { EXIT, note, type SetExit } from '../io.ts';
import { parseInteger } from '../options.ts';
import { checkOutputFile } from '../paths.ts';

interface BenchCliOptions {
  engines: string;
  configs: string;
  samples: string;
  iterations: string;
  minSeconds: string;
  budgets: string;
  components?: string;
  clock: string;
  out: string;
}

function parsePositive(what: string, text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value))
    throw new InputError(`${what}: expected a positive number, got '${text}'`);
  return value;
}

function list<T extends string>(what: string, text: string, allowed: readonly T[]): T[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items)
    if (!(allowed as readonly string[]).includes(item))
      throw new InputError(`${what}: unknown '${item}' (expected ${allowed.join(', ')})`);
  return items as T[];
}

/**
 * bench/ is a development tool (it times the seedrandom generator it replaced, a devDependency), so
 * the package does not ship it: the command runs it from a source checkout, through tsx.
 */
async function loadBench(): Promise<(options: Record<string, unknown>) => Promise<void>> {
  const entry = new URL('../../../bench/index.ts', import.meta.url);
  if (!existsSync(entry))
    throw new InputError('bench: runs from a source checkout of sigprop (bench/ is not in the package)');
  if (!import.meta.url.endsWith('.ts')) (await import('tsx/esm/api')).register();
  return ((await import(entry.href)) as { runBench: (options: Record<string, unknown>) => Promise<void> })
    .runBench;
}

/**
 * The same measurements as `npm run bench` (bench/index.ts), lighter by default: the wasm engine
 * only, two reference configs per component, 4e6 samples per timing and the quick budget.
 */
async function benchCommand(o: BenchCliOptions) {
  const samples = Number(o.samples);
  if (!(samples > 0)) throw new InputError(`samples: expected a positive number, got '${o.samples}'`);
  if (o.clock !== 'cpu' && o.clock !== 'wall')
    throw new InputError(`clock: expected cpu or wall, got '${o.clock}'`);
  const components =
    o.components === undefined
      ? undefined
      : list(
          'components',
          o.components,
          COMPONENTS.map((c) => c.key),
        );
  if (components?.length === 0) throw new InputError('components: empty list');
  checkOutputFile('out', o.out);
  const runBench = await loadBench();
  await runBench({
    engines: list<EngineName>('engines', o.engines, ENGINE_NAMES),
    configs: parseInteger('configs', o.configs, 1),
    maxSamples: samples,
    iterations: parseInteger('iterations', o.iterations, 1),
    minSeconds: parsePositive('min-seconds', o.minSeconds),
    clock: o.clock,
    budgets: o.budgets === 'none' ? [] : list<BudgetName>('budgets', o.budgets, BUDGET_NAMES),
    ...(components ? { components } : {}),
    out: o.out,
    log: note,
  });
  await releaseEngine();
  return EXIT.ok;
}

export function registerBench(program: Command, setExit: SetExit): void {
  program
    .command('bench')
    .description('samples/s per component beside the reference figures, and time to verdict per claim family')
    .option(
      '--engines <list>',
      'engines to time, comma-separated (webgpu on a software adapter is slow)',
      'wasm',
    )
    .option('--configs <n>', 'reference configs per component', '2')
    .option('--samples <n>', 'samples per timed iteration (at most the reference count)', '4e6')
    .option('--iterations <n>', 'least timed iterations per config', '2')
    .option('--min-seconds <s>', 'least clock per config (repeats iterations until spent)', '2')
    .option('--budgets <list>', "budgets for time to verdict, or 'none'", 'quick')
    .option('--components <list>', 'only these components')
    .option('--clock <cpu|wall>', 'process CPU time (robust on shared machines) or wall time', 'cpu')
    .option('--out <file>', 'where the JSON goes', 'reports/bench/bench.json')
    .action(async (o) => setExit(await benchCommand(o)));
}
