import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { renderCalibration } from '../../calibrate/markdown.ts';
import { runCalibration } from '../../run/calibrate.ts';
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
  json?: boolean;
}

/** Per-comparison alpha of the false-alarm phases: large enough that a few hundred comparisons measure it. */
const CALIBRATION_ALPHA = 0.05;

async function calibrateCommand(o: CalibrateCliOptions) {
  const budget = parseBudget(o.budget);
  const seed = parseInteger('seed', o.seed, 0);
  const configs = parseInteger('seeds', o.seeds, 1);
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
  const dir = makeOutputDir(o.out);
  writeFileSync(join(dir, 'calibration.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(dir, 'calibration.md'), renderCalibration(result));
  const f = result.fixedLook!;
  if (o.json) {
    out(JSON.stringify(result, null, 2));
    return EXIT.ok;
  }
  out(
    `false alarms ${f.events}/${f.comparisons} at nominal ${CALIBRATION_ALPHA} (p = ${num(f.pValue, 3)}); ${num(result.wallSeconds, 3)} s. Report: ${join(dir, 'calibration.md')} and calibration.json`,
  );
  return EXIT.ok;
}

export function registerCalibrate(program: Command, setExit: SetExit): void {
  program
    .command('calibrate')
    .description('measure false-alarm rate, power and z-score calibration of the verdict procedure on exact claims')
    .addOption(budgetOption())
    .addOption(seedOption())
    .option('--seeds <n>', 'configs per component drawn for the false-alarm phase (a quarter of them for the adaptive and power phases)', '40')
    .option('--out <dir>', 'where calibration.json and calibration.md go', 'reports/calibration')
    .option('--jobs <n>', 'worker threads (default: one per core on wasm and cpu, 1 on GPU engines)')
    .option('--json', 'print calibration.json to stdout')
    .action(async (o) => setExit(await calibrateCommand(o)));
}
