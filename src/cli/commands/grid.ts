import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { mergeGridFiles } from '../../grid/merge.ts';
import { gridComponent, PUBLISHED } from '../../grid/grids.ts';
import { renderGridTable } from '../../grid/markdown.ts';
import { gridPlanConfigs, summarise, type GridPlan, type GridPoint } from '../../grid/points.ts';
import { runGrid } from '../../run/grid.ts';
import { SHARED_WEIGHTS } from '../../grid/sharedWeights.ts';
import { NOISE_GROUPS } from '../../grid/simulate.ts';
import { InputError } from '../../claims/params.ts';
import { num } from '../../report/format.ts';
import { planDigest } from '../../report/shards.ts';
import { engine, EXIT, note, out, stopOnInterrupt, VERSION, type SetExit } from '../io.ts';
import { jobsFor, parseJobs } from '../jobs.ts';
import { checkOutputDir, makeOutputDir } from '../paths.ts';
import { parseBudget, parseInteger, parseShard, seedOption } from '../options.ts';
import { Progress } from '../progress.ts';

interface GridCliOptions {
  samples?: string;
  subset?: string;
  limit?: string;
  out?: string;
  seed: string;
  verdictBudget: string;
  merge?: string;
  jobs?: string;
  runs?: string;
  allowPartial?: boolean;
  json?: boolean;
}

/** parseShard's rule, with the error naming this command's field. */
function parseSubset(value: string) {
  try {
    return parseShard(value);
  } catch (error) {
    throw error instanceof InputError ? new InputError(error.message.replace(/^shard:/, 'subset:')) : error;
  }
}

async function gridCommand(name: string, o: GridCliOptions) {
  const { component, grid } = gridComponent(name);
  const samples = o.samples === undefined ? grid.samples : parseInteger('samples', o.samples, 2);
  const subset = o.subset ? parseSubset(o.subset) : undefined;
  const limit = o.limit === undefined ? undefined : parseInteger('limit', o.limit, 1);
  const seed = parseInteger('seed', o.seed, 0);
  const verdictBudget = o.verdictBudget === 'none' ? undefined : parseBudget(o.verdictBudget);
  if (o.runs !== undefined && !SHARED_WEIGHTS[component.key])
    throw new InputError(
      `runs: only grids whose samples share one weight draw take --runs (${Object.keys(SHARED_WEIGHTS).join(', ')}); ${name} splits its B samples into groups`,
    );
  const sharedRuns = o.runs === undefined ? undefined : parseInteger('runs', o.runs, 1);
  const plan: GridPlan = {
    component: name,
    samples,
    seed,
    ...(sharedRuns ? { sharedRuns } : {}),
    ...(subset ? { subset } : {}),
    ...(limit ? { limit } : {}),
    ...(verdictBudget ? { verdictBudget: verdictBudget.name } : {}),
  };
  const asked = parseJobs(o.jobs);
  const outDir = checkOutputDir('out', o.out ?? join('reports', 'grid', name));
  if (o.allowPartial && !o.merge) throw new InputError('allow-partial: only with --merge');
  let configs = gridPlanConfigs(plan).configs;
  let points: GridPoint[];
  let wallSeconds: number;
  let engineName: string;
  let jobs: number | undefined;
  let partial = '';
  let interrupted = false;
  if (o.merge) {
    // percentiles over the union of earlier --subset runs; nothing is simulated
    const merged = mergeGridFiles(
      o.merge
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
      o.allowPartial ?? false,
    );
    if (merged.component !== name)
      throw new InputError(`merge: the files hold ${merged.component}, not ${name}`);
    if (!merged.complete)
      partial = ` (PARTIAL merge: ${merged.missing.length ? `subsets ${merged.missing.map((i) => `${i}/${merged.count}`).join(', ')} missing` : 'a subset was stopped early'})`;
    points = merged.points;
    configs = [...new Map(points.map((p) => [JSON.stringify(p.config), p.config])).values()];
    wallSeconds = merged.wallSeconds;
    engineName = 'merged';
  } else {
    const info = await engine();
    engineName = info.name;
    jobs = jobsFor(info.name, asked);
    const started = performance.now();
    const progress = new Progress(`grid ${name}`);
    const interrupt = stopOnInterrupt();
    const run = await runGrid(plan, {
      engine: info,
      workers: jobs,
      shouldStop: interrupt.requested,
      onConfig: (d, t) => progress.update(d, t, ''),
    });
    interrupt.release();
    progress.finish();
    wallSeconds = (performance.now() - started) / 1000;
    points = run.points;
    if (!run.complete) {
      interrupted = true;
      partial = ` (PARTIAL, stopped early: ${run.configsDone} of ${configs.length} configs)`;
      note(`sigprop: grid stopped early; the report covers the ${run.configsDone} configs that finished`);
      configs = [...new Map(points.map((p) => [JSON.stringify(p.config), p.config])).values()];
    }
  }
  const rows = summarise(points, PUBLISHED[name]);
  const header = `${name}: ${configs.length} of ${grid.configs} grid configs${subset ? ` (subset ${o.subset})` : ''}${partial}, B = ${samples} (reference B = ${grid.samples}), seed ${seed}, engine ${engineName}${jobs ? `, ${jobs} worker${jobs > 1 ? 's' : ''}` : ''}, ${num(wallSeconds, 3)} s${o.merge ? ' (summed over the merged runs)' : ''}`;
  const table = renderGridTable(rows);
  const dir = makeOutputDir(outDir);
  // a merge is the whole grid again (subset 0 of 1) of the same plan
  const { subset: _subset, ...whole } = plan;
  const stamp = {
    index: o.merge ? 0 : (subset?.index ?? 0),
    count: o.merge ? 1 : (subset?.count ?? 1),
    digest: planDigest({ ...whole, version: VERSION }),
  };
  const result = {
    component: name,
    samples,
    referenceSamples: grid.samples,
    sharedRuns: sharedRuns ?? null,
    seed,
    subset: o.subset ?? null,
    limit: limit ?? null,
    plan: stamp,
    configs: configs.length,
    complete: partial === '',
    gridConfigs: grid.configs,
    engine: engineName,
    jobs: jobs ?? null,
    verdictBudget: verdictBudget?.name ?? null,
    wallSeconds,
    rows,
    points,
  };
  writeFileSync(join(dir, 'grid.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(
    join(dir, 'grid.md'),
    `# Reference protocol: ${name}\n\n${header}.\n\nErrors in percent as the reference computes them (FORMULAS.md section 2), percentile = sorted[floor(n*q/100)]. "Noise alone" is the protocol's own standard error at B in the same metric; sigprop's verdicts use budget ${verdictBudget?.name ?? 'none'}.\n\n${table}`,
  );
  out(
    o.json
      ? JSON.stringify(result, null, 2)
      : `${header}\n\n${table}\nReport: ${join(dir, 'grid.md')} and grid.json`,
  );
  if (interrupted) return EXIT.interrupted;
  // the grid is a measurement beside the published table; only a partial merge fails it
  return partial ? EXIT.unexpected : EXIT.ok;
}

export function registerGrid(program: Command, setExit: SetExit): void {
  program
    .command('grid <component>')
    .description("the authors' reference grid and protocol, percentile table beside the published one")
    .option('--samples <B>', "samples per config (default: the reference's B)")
    .option('--subset <i/n>', 'only every n-th config from the i-th (0-based), to run the grid in pieces')
    .option('--limit <K>', 'only the first K configs (after --subset)')
    .option('--out <dir>', 'where grid.json and grid.md go (default reports/grid/<component>)')
    .addOption(seedOption())
    .option(
      '--runs <n>',
      `shared-weight grids (sha): independent runs per config for the standard error (default ${NOISE_GROUPS}); 1 is the reference's own work, without one`,
    )
    .option(
      '--jobs <n>',
      'worker threads, each with its own engine (default: one per core on wasm and cpu, 1 on GPU engines)',
    )
    .option(
      '--merge <files>',
      'comma-separated grid.json files of --subset runs: summarise them together instead of simulating',
    )
    .option(
      '--allow-partial',
      'with --merge: merge even with subsets missing or stopped early (marked incomplete, exit 1)',
    )
    .option('--json', 'print grid.json to stdout')
    .addOption(
      new Option(
        '--verdict-budget <name>',
        "sigprop's own verdict per config: quick | standard | thorough | none",
      ).default('quick'),
    )
    .action(async (component, o) => setExit(await gridCommand(component, o)));
}
