import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../claims/params.ts';
import { findClaim } from '../../claims/registry.ts';
import { checkReport, mergeReports } from '../../report/merge.ts';
import type { Report } from '../../report/model.ts';
import { EXIT, note, out, type SetExit } from '../io.ts';
import { checkOutputDir } from '../paths.ts';
import { parseReporters } from '../reporters.ts';
import { writeReport, writeReporters } from './verify.ts';

function readReport(path: string): { name: string; report: Report } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return { name: path, report: JSON.parse(text) as Report };
  } catch {
    throw new InputError(`${path}: not JSON`);
  }
}

function mergeCommand(
  files: string[],
  options: { out: string; allowPartial?: boolean; reporter?: string; json?: boolean },
): number {
  const reporters = parseReporters(options.reporter);
  checkOutputDir('out', options.out);
  const inputs = files.map(readReport);
  const report = mergeReports(inputs, (id) => findClaim(id).describe, options.allowPartial);
  const engines = new Set(inputs.map((i) => i.report.run.engine.name));
  if (engines.size > 1)
    note(
      `sigprop: warning: shards ran on different engines (${[...engines].join(', ')}); the merged report names ${inputs[0].report.run.engine.name}`,
    );
  const dir = writeReport(report, options.out);
  writeReporters(report, dir, reporters);
  const s = report.summary;
  const lacking = report.run.missingShards?.length
    ? `shards ${report.run.missingShards.join(', ')} missing`
    : 'a shard was stopped early';
  const partial = report.run.complete
    ? ''
    : `PARTIAL merge (${lacking}): ${s.results} of ${report.run.comparisons} comparisons. `;
  if (options.json) out(JSON.stringify(report, null, 2));
  else
    out(
      `${partial}${files.length} reports merged: ${s.results} comparisons, ${s.holds} holds, ${s.deviates} deviates, ${s.inconclusive} inconclusive; ${s.unexpected} unexpected.\nReport: ${join(dir, 'report.html')}, report.md and report.json`,
    );
  // a partial merge allowed by --allow-partial is not a passing run
  return !report.run.complete || s.unexpected > 0 ? EXIT.unexpected : EXIT.ok;
}

/** Re-renders report.md and report.html (and the plot pages) from one report.json, as verify wrote it. */
function renderCommand(file: string, options: { out: string }): number {
  checkOutputDir('out', options.out);
  const { report } = readReport(file);
  checkReport(report, file);
  const dir = writeReport(report, options.out);
  out(`Report: ${join(dir, 'report.html')}, report.md and report.json`);
  return report.summary.unexpected > 0 ? EXIT.unexpected : EXIT.ok;
}

export function registerReport(program: Command, setExit: SetExit): void {
  const report = program.command('report').description('work with report.json files');
  report
    .command('merge')
    .description('merge the report.json files of one sharded run into one report (json, md, html)')
    .argument('<files...>', 'report.json files written by verify --shard')
    .option('--out <dir>', 'where the merged report goes', 'reports/merged')
    .option(
      '--allow-partial',
      'merge even with shards missing or stopped early: the report is marked incomplete and the exit code is 1',
    )
    .option('--reporter <names>', 'junit and/or github, as for verify')
    .option('--json', 'print the merged report JSON to stdout')
    .action(
      (files: string[], o: { out: string; allowPartial?: boolean; reporter?: string; json?: boolean }) =>
        setExit(mergeCommand(files, o)),
    );
  report
    .command('render')
    .description('write report.md and report.html again from a report.json (e.g. after upgrading sigprop)')
    .argument('<file>', 'a report.json')
    .option('--out <dir>', 'where the rendered report goes', 'reports/rendered')
    .action((file: string, o: { out: string }) => setExit(renderCommand(file, o)));
}
