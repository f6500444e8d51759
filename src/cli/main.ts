import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { EngineUnavailable, initEngine, type EngineInfo } from '../backend/engine.ts';
import { checkComponent, type ClaimResult } from '../claims/check.ts';
import { loadExpectedVerdicts } from '../claims/expected.ts';
import { describeDefault, describeRange, InputError, resolveConfig } from '../claims/params.ts';
import { ALL_CLAIMS, componentOf, COMPONENTS, findClaim, selectClaims } from '../claims/registry.ts';
import { countComparisons, planVerification, runVerification } from '../claims/verify.ts';
import { num, percent } from '../report/format.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { buildReport, type Report } from '../report/model.ts';
import { parseBudget, parseConfigJson, parseInteger, parseShard } from './options.ts';
import { Progress } from './progress.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const DEFAULT_SEED = 1;

/** Exit codes of the CLI contract (DESIGN.md), plus 3 for a failure inside sigprop itself. */
export const EXIT = { ok: 0, unexpected: 1, usage: 2, internal: 3 } as const;

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const note = (text: string) => process.stderr.write(`${text}\n`);

async function engine(): Promise<EngineInfo> {
  const info = await initEngine();
  note(`sigprop: engine ${info.name} (tfjs ${info.tfjsVersion}, backend ${info.backend})`);
  return info;
}

function listCommand(options: { json?: boolean }) {
  if (options.json) {
    const components = COMPONENTS.map((c) => ({
      component: c.key,
      describe: c.describe,
      section: c.section,
      params: c.params.map((p) => ({ key: p.key, describe: p.describe, range: describeRange(p), default: describeDefault(p) })),
      regimes: c.regimes.map((r) => ({ name: r.name, describe: r.describe })),
      claims: c.claims.map((k) => ({ id: k.id, describe: k.describe, tolerance: k.tolerance })),
    }));
    out(JSON.stringify(components, null, 2));
    return;
  }
  for (const c of COMPONENTS) {
    out(`${c.key}: ${c.describe} (FORMULAS.md ${c.section})`);
    out(`  config: ${c.params.map((p) => `${p.key} ${describeRange(p)} = ${describeDefault(p)}`).join('; ')}`);
    out(`  regimes: ${c.regimes.map((r) => `${r.name} (${r.describe})`).join('; ')}`);
    for (const k of c.claims) out(`  ${k.id.padEnd(32)} ${k.describe}${k.tolerance ? `, tolerance ${percent(k.tolerance)}` : ', exact in expectation'}`);
  }
}

interface CheckOptions {
  config: string;
  seed: string;
  budget: string;
  family: string;
  json?: boolean;
}

async function checkCommand(claimId: string, options: CheckOptions) {
  const claim = findClaim(claimId);
  const component = componentOf(claim);
  const config = resolveConfig(component.params, parseConfigJson(options.config), component.key);
  const budget = parseBudget(options.budget);
  const seed = parseInteger('seed', options.seed, 0);
  const comparisons = parseInteger('family', options.family, 1);
  const info = await engine();
  const [result] = await checkComponent(component, [claim], config, { budget, seed, engine: info, comparisons });
  out(options.json ? JSON.stringify({ ...result, budget: budget.name }, null, 2) : describeResult(result, budget.name));
  return EXIT.ok;
}

function describeResult(r: ClaimResult, budget: string): string {
  return [
    `${r.claim}: ${r.verdict}`,
    `  predicted ${num(r.predicted)}, measured ${num(r.measured)} +- ${num(r.stderr)} (standard error), ratio ${num(r.ratio)}`,
    `  error ${percent(r.relError)} of scale ${num(r.scale)}; this measurement resolves errors above ${percent(r.resolution)}`,
    `  config ${JSON.stringify(r.config)}`,
    `  ${r.replicates} replicates x ${r.batch} samples, budget ${budget}, seed ${r.seed}, engine ${r.backend}, ${num(r.elapsedMs / 1000, 3)} s`,
  ].join('\n');
}

interface VerifyCliOptions {
  claims: string;
  budget: string;
  seed: string;
  out: string;
  json?: boolean;
  shard?: string;
}

async function verifyCommand(options: VerifyCliOptions) {
  const claims = selectClaims(options.claims);
  const budget = parseBudget(options.budget);
  const seed = parseInteger('seed', options.seed, 0);
  const shard = options.shard ? parseShard(options.shard) : undefined;
  const expected = loadExpectedVerdicts();
  const info = await engine();
  const startedAt = new Date();
  const allTasks = planVerification(claims, budget, seed);
  const tasks = shard ? planVerification(claims, budget, seed, shard) : allTasks;
  const comparisons = countComparisons(allTasks);
  const progress = new Progress(`verify ${budget.name}`);
  let stopRequested = false;
  const onInterrupt = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    note('\nsigprop: stopping after the current config (Ctrl-C again to abort without a report)');
  };
  process.on('SIGINT', onInterrupt);
  const tensorsBefore = tf.memory().numTensors;
  const { results, complete } = await runVerification(tasks, {
    budget,
    seed,
    engine: info,
    expected,
    comparisons,
    shouldStop: () => stopRequested,
    onTask: (done, total, verified) => {
      const first = verified[0];
      const verdicts = verified.map((r) => r.verdict[0]).join('');
      progress.update(done, total, `${first.component}/${first.regime} ${verdicts}${verified.some((r) => r.unexpected) ? ' (unexpected)' : ''}`);
    },
  });
  progress.finish();
  process.off('SIGINT', onInterrupt);
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
      engine: info,
      node: process.version,
      startedAt: startedAt.toISOString(),
      wallSeconds: (Date.now() - startedAt.getTime()) / 1000,
      complete,
      comparisons,
    },
    results,
    VERSION,
    (id) => findClaim(id).describe,
  );
  const dir = writeReport(report, options.out);
  if (options.json) out(JSON.stringify(report, null, 2));
  else out(summaryLine(report, dir));
  return report.summary.unexpected > 0 ? EXIT.unexpected : EXIT.ok;
}

function writeReport(report: Report, dir: string): string {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(target, 'report.md'), renderMarkdown(report));
  return target;
}

function summaryLine(report: Report, dir: string): string {
  const s = report.summary;
  const findings = report.claims.filter((c) => c.counts.deviates > 0).map((c) => `${c.claim} (${c.regime})`);
  return [
    `${s.results} comparisons: ${s.holds} holds, ${s.deviates} deviates, ${s.inconclusive} inconclusive; ${s.unexpected} unexpected. ${num(report.run.wallSeconds, 3)} s on ${report.run.engine.name}.`,
    findings.length ? `Findings: ${findings.join(', ')}` : 'No claim deviates.',
    `Report: ${join(dir, 'report.md')} and report.json`,
  ].join('\n');
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('sigprop')
    .description('Property-based Monte-Carlo verification of transformer signal-propagation theory')
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError(false);
  const budgetOption = () => new Option('--budget <name>', 'quick | standard | thorough').default('quick');
  const seedOption = () => new Option('--seed <n>', 'run seed').default(String(DEFAULT_SEED));
  program
    .command('list')
    .description('claims, their config keys, domains and tolerances')
    .option('--json', 'machine-readable output')
    .action((o) => listCommand(o));
  program
    .command('check <claim>')
    .description('check one claim at one config')
    .option('--config <json>', 'config as JSON; keys left out take their defaults', '{}')
    .addOption(seedOption())
    .addOption(budgetOption())
    .option('--family <n>', 'comparisons in the family the false-alarm budget is split over (a verify replay passes its own)', '1')
    .option('--json', 'machine-readable output')
    .action(async (claim, o) => setExit(await checkCommand(claim, o)));
  program
    .command('verify')
    .description('check every selected claim over configs drawn from its regimes, and write a report')
    .option('--claims <pattern>', "claim ids, globs allowed, comma-separated (e.g. 'relu.*')", '*')
    .addOption(budgetOption())
    .addOption(seedOption())
    .option('--out <dir>', 'where report.json and report.md go', 'reports/latest')
    .option('--shard <i/n>', 'run only the i-th of n deterministic parts (0-based)')
    .option('--json', 'print the report JSON to stdout')
    .action(async (o) => setExit(await verifyCommand(o)));
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await buildProgram((c) => (code = c)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed its one-line message; help and version are successes
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof InputError || error instanceof EngineUnavailable) {
      note(`sigprop: ${error.message}`);
      return EXIT.usage;
    }
    note(`sigprop: internal error: ${(error as Error).message ?? String(error)}${process.env.SIGPROP_DEBUG ? `\n${(error as Error).stack}` : ' (set SIGPROP_DEBUG=1 for the stack)'}`);
    return EXIT.internal;
  }
}
