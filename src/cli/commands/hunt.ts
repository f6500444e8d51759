import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../claims/params.ts';
import { findClaim, selectClaims } from '../../claims/registry.ts';
import { num, percent } from '../../report/format.ts';
import { hunt, planHunt, type HuntRecord } from '../../run/hunt.ts';
import { engine, EXIT, out, type SetExit } from '../io.ts';
import { jobsFor, parseJobs } from '../jobs.ts';
import { checkOutputDir, makeOutputDir } from '../paths.ts';
import { budgetOption, parseBudget, parseInteger, seedOption } from '../options.ts';
import { Progress } from '../progress.ts';

interface HuntCliOptions {
  regime?: string;
  budget: string;
  evaluations?: string;
  seed: string;
  json?: boolean;
  out?: string;
  jobs?: string;
}

async function huntCommand(pattern: string, options: HuntCliOptions) {
  const claims = selectClaims(pattern);
  const budget = parseBudget(options.budget);
  const seed = parseInteger('seed', options.seed, 0);
  const evaluations =
    options.evaluations === undefined ? undefined : parseInteger('evaluations', options.evaluations, 1);
  const tasks = planHunt(claims, options.regime);
  if (tasks.length === 0) {
    throw new InputError(
      `regime: no searchable regime${options.regime ? ` named '${options.regime}'` : ''} for the claims '${pattern}'`,
    );
  }
  const asked = parseJobs(options.jobs);
  if (options.out) checkOutputDir('out', options.out);
  const info = await engine();
  const jobs = jobsFor(info.name, asked);
  const progress = new Progress(`hunt ${budget.name}`);
  const document = await hunt(pattern, {
    budget: budget.name,
    seed,
    ...(evaluations ? { evaluations } : {}),
    ...(options.regime ? { regime: options.regime } : {}),
    engine: info,
    workers: jobs,
    onTask: (done, total, records) =>
      progress.update(done, total, `${findClaim(records[0].claim).component}/${records[0].regime}`),
  });
  progress.finish();
  const results = document.results;
  if (options.out) {
    const dir = makeOutputDir(options.out);
    writeFileSync(join(dir, 'hunt.json'), `${JSON.stringify(document, null, 2)}\n`);
  }
  out(
    options.json
      ? JSON.stringify(document, null, 2)
      : results.map((r) => describeRecord(r, budget.precision)).join('\n\n'),
  );
  return EXIT.ok;
}

function describeRecord(r: HuntRecord, precision: number): string {
  const w = r.worst;
  return [
    `${r.claim} (${r.regime}): worst error ${percent(w.error)} +- ${percent(w.errorStderr)} of scale${r.finding ? `, a FINDING (beyond ${percent(precision)})` : ''}`,
    `  predicted ${num(w.predicted)}, measured ${num(w.measured)} +- ${num(w.stderr)}, ratio ${w.ratio === null ? '-' : num(w.ratio)}`,
    `  config ${JSON.stringify(w.config)}`,
    `  drivers ${
      r.drivers
        .slice(0, 4)
        .map((d) => `${d.key} ${d.effect >= 0 ? '+' : ''}${percent(d.effect)}`)
        .join(', ') || '-'
    }`,
    `  ${r.evaluations} simulations, confirmed on ${r.replicates} replicates; replay: ${r.replay}`,
  ].join('\n');
}

export function registerHunt(program: Command, setExit: SetExit): void {
  program
    .command('hunt <claims>')
    .description("search each claim's regimes for the config where it is most wrong, and confirm it")
    .option('--regime <name>', 'only this regime')
    .addOption(budgetOption())
    .option(
      '--evaluations <n>',
      "simulations per component and regime before confirmation (default: the budget's)",
    )
    .addOption(seedOption())
    .option('--json', 'print the results as JSON')
    .option('--out <dir>', 'also write hunt.json there')
    .option(
      '--jobs <n>',
      'worker threads, each with its own engine (default: one per core on wasm and cpu, 1 on GPU engines)',
    )
    .action(async (claims, o) => setExit(await huntCommand(claims, o)));
}
