import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../claims/params.ts';
import { findClaim } from '../../claims/registry.ts';
import { mergeReports } from '../../report/merge.ts';
import type { Report } from '../../report/model.ts';
import { EXIT, note, out, type SetExit } from '../io.ts';
import { writeReport } from './verify.ts';

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

function mergeCommand(files: string[], options: { out: string }): number {
  const inputs = files.map(readReport);
  const engines = new Set(inputs.map((i) => i.report.run.engine.name));
  if (engines.size > 1) note(`sigprop: warning: shards ran on different engines (${[...engines].join(', ')}); the merged report names ${inputs[0].report.run.engine.name}`);
  const report = mergeReports(inputs, (id) => findClaim(id).describe);
  const dir = writeReport(report, options.out);
  const s = report.summary;
  out(`${files.length} reports merged: ${s.results} comparisons, ${s.holds} holds, ${s.deviates} deviates, ${s.inconclusive} inconclusive; ${s.unexpected} unexpected.\nReport: ${join(dir, 'report.html')}, report.md and report.json`);
  return s.unexpected > 0 ? EXIT.unexpected : EXIT.ok;
}

export function registerReport(program: Command, setExit: SetExit): void {
  const report = program.command('report').description('work with report.json files');
  report
    .command('merge')
    .description('merge the report.json files of one sharded run into one report (json, md, html)')
    .argument('<files...>', 'report.json files written by verify --shard')
    .option('--out <dir>', 'where the merged report goes', 'reports/merged')
    .action((files: string[], o: { out: string }) => setExit(mergeCommand(files, o)));
}
