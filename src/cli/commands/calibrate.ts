import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { renderCalibration } from '../../calibrate/markdown.ts';
import { InputError } from '../../claims/params.ts';
import { runCalibration } from '../../run/calibrate.ts';
import { PLANTED_CLAIMS, runPlanted } from '../../run/planted.ts';
import { num } from '../../report/format.ts';
import { engine, EXIT, out, type SetExit } from '../io.ts';
import { jobsFor, parseJobs } from '../jobs.ts';
import { checkOutputDir, makeOutputDir } from '../paths.ts';
import { budgetOption, parseBudget, parseInteger, seedOption } from '../options.ts';
import { Progress } from '../progress.ts';

interface CalibrateCliOptions {
  budget: string;
  seed: string;
  seeds: string;
  out: string;
  jobs?: string;
  phases: string;
  plantedSeeds: string;
  plantedClaims?: string;
  plantedElements?: string;
  json?: boolean;
}

const PHASES = ['fixed', 'adaptive', 'power', 'planted'] as const;

function parsePhases(value: string): (typeof PHASES)[number][] {
  const phases = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of phases)
    if (!(PHASES as readonly string[]).includes(p))
      throw new InputError(`phases: unknown phase '${p}' (expected ${PHASES.join(', ')})`);
  return phases as (typeof PHASES)[number][];
}

/** Per-comparison alpha of the false-alarm phases: large enough that a few hundred comparisons measure it. */
const CALIBRATION_ALPHA = 0.05;

async function calibrateCommand(o: CalibrateCliOptions) {
  const budget = parseBudget(o.budget);
  const seed = parseInteger('seed', o.seed, 0);
  const configs = parseInteger('seeds', o.seeds, 1);
  const phases = parsePhases(o.phases);
  const plantedSeeds = parseInteger('planted-seeds', o.plantedSeeds, 1);
  const plantedClaims = o.plantedClaims
    ?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  for (const id of plantedClaims ?? []) {
    if (!PLANTED_CLAIMS.includes(id))
      throw new InputError(`planted-claims: '${id}' is not one of ${PLANTED_CLAIMS.join(', ')}`);
  }
  // a smaller replicate makes 50 seeds affordable; the search, its evaluations and precision stay the budget's
  const plantedBudget =
    o.plantedElements === undefined
      ? budget
      : { ...budget, replicateElements: parseInteger('planted-elements', o.plantedElements, 256) };
  const asked = parseJobs(o.jobs);
  checkOutputDir('out', o.out);
  const info = await engine();
  const workers = jobsFor(info.name, asked);
  let progress: Progress | undefined;
  let phase = '';
  const result = await runCalibration({
    budget,
    seed,
    engine: info,
    configs,
    // the adaptive and power phases run up to maxReplicates per config: a quarter of the configs
    adaptiveConfigs: Math.max(1, Math.ceil(configs / 4)),
    alpha: CALIBRATION_ALPHA,
    workers,
    phases: phases.filter((p) => p !== 'planted'),
    onProgress: (p, done, total) => {
      if (p !== phase) {
        progress?.finish();
        progress = new Progress(`calibrate ${budget.name} ${p}`);
        phase = p;
      }
      progress!.update(done, total, '');
    },
  });
  progress?.finish();
  if (phases.includes('planted')) {
    const started = performance.now();
    const bar = new Progress(`calibrate ${budget.name} planted`);
    const rows = await runPlanted(
      {
        budget: plantedBudget,
        seeds: Array.from({ length: plantedSeeds }, (_, i) => seed + i),
        ...(plantedClaims ? { claims: plantedClaims } : {}),
      },
      {
        engine: info,
        workers,
        onTrial: (done, total, t) =>
          bar.update(
            done,
            total,
            `${t.claim} ${t.kind} seed ${t.seed}: hunt ${t.hunt.finding ? 'found' : 'missed'}${t.random ? `, random ${t.random.finding ? 'found' : 'missed'}` : ''}`,
          ),
      },
    );
    bar.finish();
    result.planted = {
      seeds: plantedSeeds,
      evaluations: budget.huntEvaluations,
      replicateElements: plantedBudget.replicateElements,
      rows,
      seconds: (performance.now() - started) / 1000,
    };
    result.wallSeconds += result.planted.seconds;
  }
  const dir = makeOutputDir(o.out);
  writeFileSync(join(dir, 'calibration.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(dir, 'calibration.md'), renderCalibration(result));
  const f = result.fixedLook;
  if (o.json) {
    out(JSON.stringify(result, null, 2));
    return EXIT.ok;
  }
  const planted = result.planted?.rows
    .map((r) => `${r.claim} ${r.kind} ${r.hunt.events}/${r.hunt.comparisons}`)
    .join(', ');
  out(
    [
      f
        ? `false alarms ${f.events}/${f.comparisons} at nominal ${CALIBRATION_ALPHA} (p = ${num(f.pValue, 3)})`
        : '',
      planted ? `planted faults found by the hunt: ${planted}` : '',
      `${num(result.wallSeconds, 3)} s. Report: ${join(dir, 'calibration.md')} and calibration.json`,
    ]
      .filter(Boolean)
      .join('; '),
  );
  return EXIT.ok;
}

export function registerCalibrate(program: Command, setExit: SetExit): void {
  program
    .command('calibrate')
    .description(
      'measure false-alarm rate, power and z-score calibration of the verdict procedure on exact claims',
    )
    .addOption(budgetOption())
    .addOption(seedOption())
    .option(
      '--seeds <n>',
      'configs per component drawn for the false-alarm phase (a quarter of them for the adaptive and power phases)',
      '40',
    )
    .option('--out <dir>', 'where calibration.json and calibration.md go', 'reports/calibration')
    .option('--jobs <n>', 'worker threads (default: one per core on wasm and cpu, 1 on GPU engines)')
    .option('--phases <list>', `which phases, comma-separated (${PHASES.join(', ')})`, PHASES.join(','))
    .option(
      '--planted-seeds <n>',
      'seeds per planted fault (each: one hunt and one random search at equal cost)',
      '50',
    )
    .option(
      '--planted-elements <n>',
      "elements per replicate in the planted-fault trials (default: the budget's)",
    )
    .option('--planted-claims <list>', `claims to plant faults in (default ${PLANTED_CLAIMS.join(', ')})`)
    .option('--json', 'print calibration.json to stdout')
    .action(async (o) => setExit(await calibrateCommand(o)));
}
