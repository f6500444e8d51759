import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../backend/tf.ts';
import type { Command } from 'commander';
import { loadExpectedVerdicts } from '../../claims/expected.ts';
import { loadPins } from '../../claims/pins.ts';
import { findClaim, selectClaims } from '../../claims/registry.ts';
import {
  countComparisons,
  planVerification,
  runVerification,
  tasksOf,
  type VerifyPlan,
} from '../../run/verify.ts';
import { replayPins } from '../../run/pins.ts';
import { num } from '../../report/format.ts';
import { renderHtmlFiles } from '../../report/html.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { buildReport, type HuntRecord as ReportHuntRecord, type Report } from '../../report/model.ts';
import { runHunt, type HuntRecord } from '../../run/hunt.ts';
import { verifyPlanStamp } from '../../report/shards.ts';
import type { BudgetName } from '../../stats/budget.ts';
import { engine, EXIT, note, out, stopOnInterrupt, VERSION, type SetExit } from '../io.ts';
import { jobsFor, parseJobs } from '../jobs.ts';
import { budgetOption, parseBudget, parseInteger, parseShard, seedOption } from '../options.ts';
import { checkOutputDir, makeOutputDir } from '../paths.ts';
import { Progress } from '../progress.ts';
import { parseReporters, renderGithub, renderJunit, type Reporter } from '../reporters.ts';

interface VerifyCliOptions {
  claims: string;
  budget: string;
  seed: string;
  out: string;
  json?: boolean;
  shard?: string;
  jobs?: string;
  reporter?: string;
  /** undefined: the budget decides (huntsByDefault); part of the plan digest, as it changes what a shard holds */
  hunt?: boolean;
}

async function verifyCommand(options: VerifyCliOptions) {
  const claims = selectClaims(options.claims);
  const budget = parseBudget(options.budget);
  const seed = parseInteger('seed', options.seed, 0);
  const shard = options.shard ? parseShard(options.shard) : undefined;
  const asked = parseJobs(options.jobs);
  const reporters = parseReporters(options.reporter);
  checkOutputDir('out', options.out);
  const expected = loadExpectedVerdicts();
  const info = await engine();
  const jobs = jobsFor(info.name, asked);
  const startedAt = new Date();
  const allTasks = planVerification(claims, budget, seed);
  const plan: VerifyPlan = { claims: options.claims, budget: budget.name, seed, ...(shard ? { shard } : {}) };
  const tasks = shard ? tasksOf(plan) : allTasks;
  const comparisons = countComparisons(allTasks);
  const progress = new Progress(`verify ${budget.name}`);
  const interrupt = stopOnInterrupt();
  const tensorsBefore = tf.memory().numTensors;
  const { results, complete } = await runVerification(tasks, {
    budget,
    seed,
    engine: info,
    expected,
    comparisons,
    parallel: { workers: jobs, plan },
    shouldStop: interrupt.requested,
    onTask: (done, total, verified) => {
      const first = verified[0];
      const verdicts = verified.map((r) => r.verdict[0]).join('');
      progress.update(
        done,
        total,
        `${first.component}/${first.regime} ${verdicts}${verified.some((r) => r.unexpected) ? ' (unexpected)' : ''}`,
      );
    },
  });
  progress.finish();
  const hunting = options.hunt ?? huntsByDefault(budget.name);
  const huntStarted = Date.now();
  const hunt = hunting
    ? await runHunt(
        { claims: options.claims, budget: budget.name, seed, ...(shard ? { shard } : {}) },
        { engine: info, workers: jobs, shouldStop: interrupt.requested, onTask: huntProgress(budget.name) },
      )
    : undefined;
  interrupt.release();
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) note(`sigprop: warning: ${leaked} tensors left allocated by the run`);
  const report = buildReport(
    {
      command: 'verify',
      budget: budget.name,
      precision: budget.precision,
      familyAlpha: budget.familyAlpha,
      seed,
      claims: options.claims,
      ...(options.shard ? { shard: options.shard } : {}),
      plan: verifyPlanStamp(
        { claims: options.claims, budget: budget.name, seed, version: VERSION, hunt: hunting },
        shard,
      ),
      engine: info,
      jobs,
      node: process.version,
      startedAt: startedAt.toISOString(),
      wallSeconds: (Date.now() - startedAt.getTime()) / 1000,
      complete: complete && (hunt?.complete ?? true),
      comparisons,
      ...(hunt ? { huntSeconds: (Date.now() - huntStarted) / 1000 } : {}),
    },
    results,
    VERSION,
    (id) => findClaim(id).describe,
  );
  if (hunt) report.hunt = hunt.records;
  // the pinned findings of the selected claims are replayed by a whole run (a shard leaves them
  // to the unsharded run: they are not split across shards)
  if (!shard && complete) {
    const selected = new Set(claims.map((c) => c.id));
    const pins = loadPins().filter((p) => selected.has(p.claim));
    if (pins.length) report.pins = await replayPins(pins, info, { workers: jobs });
  }
  const dir = writeReport(report, options.out);
  writeReporters(report, dir, reporters);
  if (options.json) out(JSON.stringify(report, null, 2));
  else out(summaryLine(report, dir));
  return exitCodeOf(report);
}

/** A stopped run is partial whatever its verdicts (130, as a shell reports Ctrl-C); else 1 on any unexpected verdict. */
export function exitCodeOf(report: Report): number {
  if (!report.run.complete) return EXIT.interrupted;
  const pinFailed = report.pins?.some((p) => !p.passed) ?? false;
  return report.summary.unexpected > 0 || pinFailed ? EXIT.unexpected : EXIT.ok;
}

/** `--reporter`: junit.xml beside report.json, GitHub annotations on stdout (where Actions reads them). */
export function writeReporters(report: Report, dir: string, reporters: readonly Reporter[]): void {
  if (reporters.includes('junit')) {
    writeFileSync(join(dir, 'junit.xml'), renderJunit(report));
    note(`sigprop: JUnit XML: ${join(dir, 'junit.xml')}`);
  }
  if (reporters.includes('github')) out(renderGithub(report));
}

export function writeReport(report: Report, dir: string): string {
  const target = makeOutputDir(dir);
  // a large report's plots are split into report-<family>.html pages: drop those of an earlier run
  for (const name of readdirSync(target)) if (/^report-.+\.html$/.test(name)) rmSync(join(target, name));
  const files = {
    'report.json': `${JSON.stringify(report, null, 2)}\n`,
    'report.md': renderMarkdown(report),
    ...renderHtmlFiles(report),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(target, name), text);
  return target;
}

function summaryLine(report: Report, dir: string): string {
  const s = report.summary;
  const findings = report.claims.filter((c) => c.counts.deviates > 0).map((c) => `${c.claim} (${c.regime})`);
  const partial = report.run.complete
    ? ''
    : `PARTIAL (stopped early): ${s.results} of ${report.run.comparisons} comparisons ran. `;
  return [
    `${partial}${s.results} comparisons: ${s.holds} holds, ${s.deviates} deviates, ${s.inconclusive} inconclusive; ${s.unexpected} unexpected. ${num(report.run.wallSeconds, 3)} s on ${report.run.engine.name}.`,
    findings.length ? `Findings: ${findings.join(', ')}` : 'No claim deviates.',
    ...(report.hunt ? [huntLine(report.hunt)] : []),
    ...(report.pins ? [pinsLine(report.pins)] : []),
    ...undecidedLines(report),
    `Report: ${join(dir, 'report.md')} and report.json`,
  ].join('\n');
}

/** The hunt runs by default where a run is meant to be thorough; quick stays a quick look. */
const huntsByDefault = (budget: BudgetName) => budget !== 'quick';

function huntProgress(budget: string) {
  const progress = new Progress(`hunt ${budget}`);
  return (done: number, total: number, records: HuntRecord[]) => {
    progress.update(
      done,
      total,
      `${records[0] ? findClaim(records[0].claim).component : ''}/${records[0]?.regime}${records.some((r) => r.finding) ? ' (finding)' : ''}`,
    );
    if (done === total) progress.finish();
  };
}

function huntLine(records: readonly ReportHuntRecord[]): string {
  const found = records
    .filter((r) => r.finding)
    .map((r) => `${r.claim} (${r.regime}) ${signed(r.worst.error)}`);
  return `Hunt: ${records.length} claims x regimes searched; ${found.length ? `confirmed beyond precision: ${found.join(', ')}` : 'no confirmed error beyond precision'}.`;
}

const signed = (error: number) => `${error >= 0 ? '+' : ''}${num(error * 100, 3)}%`;

/**
 * Claims most of whose comparisons were left undecided: not really checked at this budget. Says
 * what the budget would have to give (the median over them of stats/sizing.ts's estimate).
 */
function undecidedLines(report: Report): string[] {
  const undecided = report.claims.filter((c) => c.counts.inconclusive > c.counts.holds + c.counts.deviates);
  return undecided.map((c) => {
    const rs = report.results.filter(
      (r) => r.claim === c.claim && r.regime === c.regime && r.verdict === 'inconclusive',
    );
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const needed = median(rs.map((r) => r.replicatesNeeded ?? r.replicates));
    const total = c.counts.holds + c.counts.deviates + c.counts.inconclusive;
    return `Mostly undecided: ${c.claim} (${c.regime}): ${c.counts.inconclusive} of ${total} inconclusive; their resolution needs ~${needed} replicates, the budget gave ${median(rs.map((r) => r.replicates))}`;
  });
}

function pinsLine(pins: NonNullable<Report['pins']>): string {
  const failed = pins.filter((p) => !p.passed);
  return `Pinned findings: ${pins.length - failed.length} of ${pins.length} replayed as pinned${failed.map((p) => `\n  FAILED ${p.claim} (${p.regime}): ${p.failure}`).join('')}`;
}

export function registerVerify(program: Command, setExit: SetExit): void {
  program
    .command('verify')
    .description('check every selected claim over configs drawn from its regimes, and write a report')
    .option('--claims <pattern>', "claim ids, globs allowed, comma-separated (e.g. 'relu.*')", '*')
    .addOption(budgetOption())
    .addOption(seedOption())
    .option('--out <dir>', 'where report.json and report.md go', 'reports/latest')
    .option('--shard <i/n>', 'run only the i-th of n deterministic parts (0-based)')
    .option(
      '--jobs <n>',
      'worker threads, each with its own engine (default: one per core on wasm and cpu, 1 on GPU engines)',
    )
    .option('--json', 'print the report JSON to stdout')
    .option(
      '--reporter <names>',
      'also report for CI: junit (junit.xml in --out: a test case per claim and regime) and/or github (annotations on stdout), comma-separated',
    )
    .option(
      '--hunt',
      'also search every claim and regime for its worst config (default at standard and thorough)',
    )
    .option('--no-hunt', 'only the random draws')
    .action(async (o) => setExit(await verifyCommand(o)));
}
