import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../claims/params.ts';
import { countsText, mergeAtlasReports, type AtlasReport } from '../../report/atlas.ts';
import { atlasFiles } from '../../report/atlasHtml.ts';
import { num } from '../../report/format.ts';
import {
  ATLAS_DEFAULTS,
  ATLAS_SCHEMES,
  atlasComparisons,
  runAtlas,
  SHAPES,
  type AtlasPlan,
} from '../../run/atlas.ts';
import type { Arch } from '../../theory/models.ts';
import { engine, note, out, type SetExit, EXIT } from '../io.ts';
import { checkSampleSize } from '../../claims/limits.ts';
import { budgetOption, parseBudget, parseInteger, seedOption } from '../options.ts';
import { checkOutputDir, makeOutputDir } from '../paths.ts';

interface AtlasCliOptions {
  schemes?: string;
  layers?: string;
  shape?: string;
  width?: string;
  heads?: string;
  seq?: string;
  dropout: string;
  rx: string;
  replicates?: string;
  budget: string;
  seed: string;
  out?: string;
  json?: boolean;
  merge?: string;
}

function parseList<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InputError(`${flag}: empty list`);
  for (const item of items)
    if (!allowed.includes(item as T))
      throw new InputError(`${flag}: unknown '${item}' (expected ${allowed.join(', ')})`);
  return items as T[];
}

function parseNumber(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new InputError(`${flag}: expected a number in [${min}, ${max}], got '${value}'`);
  return n;
}

/** Flags over the budget's defaults; a shape sets width, heads, tokens and (unless --layers) its depth. */
export function parseAtlasPlan(o: AtlasCliOptions): AtlasPlan {
  const budget = parseBudget(o.budget).name;
  const defaults = ATLAS_DEFAULTS[budget];
  const shape = o.shape === undefined ? undefined : SHAPES[o.shape];
  if (o.shape !== undefined && !shape)
    throw new InputError(`shape: unknown shape '${o.shape}' (expected ${Object.keys(SHAPES).join(', ')})`);
  const layers =
    o.layers === undefined
      ? shape
        ? [shape.layers]
        : defaults.layers
      : o.layers.split(',').map((v) => parseInteger('layers', v.trim(), 1));
  const d = o.width === undefined ? (shape?.d ?? defaults.d) : parseInteger('width', o.width, 2);
  const heads = o.heads === undefined ? (shape?.heads ?? defaults.heads) : parseInteger('heads', o.heads, 1);
  if (d % heads !== 0) throw new InputError(`heads: ${heads} does not divide width ${d}`);
  const seqLen = o.seq === undefined ? (shape?.seqLen ?? defaults.seqLen) : parseInteger('seq', o.seq, 2);
  // the deepest model must fit: the same sample limit as depth's models (claims/limits.ts)
  const deepest = Math.max(...layers);
  checkSampleSize(
    'a model',
    { layers: deepest, seqLen, d, heads },
    deepest * seqLen * (6 * d + heads * seqLen),
    ['layers', 'seqLen', 'd', 'heads'],
  );
  const fixed = o.replicates === undefined ? undefined : parseInteger('replicates', o.replicates, 2);
  const dropout = parseNumber('dropout', o.dropout, 0, 0.9);
  return {
    schemes:
      o.schemes === undefined ? [...ATLAS_SCHEMES] : parseList<Arch>('schemes', o.schemes, ATLAS_SCHEMES),
    layers,
    d,
    heads,
    seqLen,
    dropout,
    attentionDropout: dropout,
    rX: parseNumber('rx', o.rx, 0, 0.999),
    budget,
    seed: parseInteger('seed', o.seed, 0),
    replicates: fixed === undefined ? defaults.replicates : { initial: fixed, max: fixed },
    ...(o.shape ? { shape: o.shape } : {}),
  };
}

const atlasDir = (o: AtlasCliOptions) => o.out ?? join('reports', 'atlas');

function writeAtlas(report: AtlasReport, o: AtlasCliOptions): void {
  const dir = makeOutputDir(atlasDir(o));
  for (const [name, text] of Object.entries(atlasFiles(report))) writeFileSync(join(dir, name), text);
  if (o.json) out(JSON.stringify(report, null, 2));
  else
    out(
      `atlas: ${report.runs.length} runs in ${num(report.run.wallSeconds, 4)} s (${num(report.run.cpuSeconds, 4)} s CPU). Report: ${join(dir, 'atlas.html')}, atlas.md, atlas.json`,
    );
}

function mergeCommand(o: AtlasCliOptions & { merge: string }): number {
  checkOutputDir('out', atlasDir(o));
  const parts = o.merge.split(',').map((file) => {
    try {
      return JSON.parse(readFileSync(file.trim(), 'utf8')) as AtlasReport;
    } catch (error) {
      throw new InputError(
        `merge: cannot read '${file.trim()}' as JSON (${(error as Error).message.split('\n')[0]})`,
      );
    }
  });
  let merged: AtlasReport;
  try {
    merged = mergeAtlasReports(parts);
  } catch (error) {
    throw new InputError(`merge: ${(error as Error).message}`);
  }
  writeAtlas(merged, o);
  return EXIT.ok;
}

async function atlasCommand(o: AtlasCliOptions): Promise<number> {
  if (o.merge !== undefined) return mergeCommand({ ...o, merge: o.merge });
  const plan = parseAtlasPlan(o);
  checkOutputDir('out', atlasDir(o));
  const info = await engine();
  note(
    `sigprop: atlas: ${plan.schemes.length} schemes x ${plan.layers.length} depths (${plan.layers.join(', ')}), d = ${plan.d}, L = ${plan.seqLen}, ${atlasComparisons(plan)} comparisons`,
  );
  const report = await runAtlas(plan, {
    engine: info,
    onRun: (run, done, total) =>
      note(
        `sigprop: atlas ${done}/${total}: ${run.scheme} N=${run.layers}: ${num(run.wallSeconds, 3)} s wall, ${num(run.cpuSeconds, 3)} s CPU, R = ${run.replicates}; variance ${countsText(run.counts.variance)}`,
      ),
  });
  writeAtlas(report, o);
  // a measurement, not a verification against expected verdicts (that is `verify --claims 'model.*'`)
  return EXIT.ok;
}

export function registerAtlas(program: Command, setExit: SetExit): void {
  program
    .command('atlas')
    .description(
      'every depth scheme at several depths against its chained prediction: small multiples (HTML), summary table, JSON and Markdown',
    )
    .option('--schemes <list>', `comma-separated: ${ATLAS_SCHEMES.join(', ')} (default all)`)
    .option(
      '--layers <list>',
      'depths, e.g. 12,48,192 (default by budget: quick 6,12,24; standard and thorough 12,48,192)',
    )
    .option(
      '--shape <name>',
      `a real model shape: ${Object.keys(SHAPES).join(', ')} (sets width, heads, seq and depth)`,
    )
    .option('--width <d>', 'model width (default by budget: quick 64, else 256)')
    .option('--heads <h>', 'attention heads (default 4)')
    .option('--seq <L>', 'tokens per sample (default by budget: quick 16, standard 32, thorough 64)')
    .option('--dropout <p>', 'hidden and attention dropout', '0.1')
    .option('--rx <r>', 'token correlation of the input stream', '0.2')
    .option(
      '--replicates <n>',
      'fixed replicates per run (default by budget: quick 8-16, standard 16-32, thorough 32-128)',
    )
    .addOption(budgetOption())
    .addOption(seedOption())
    .option('--out <dir>', 'where atlas.html, atlas.md and atlas.json go (default reports/atlas)')
    .option('--json', 'print the report JSON to stdout')
    .option(
      '--merge <files>',
      'comma-separated atlas.json files of disjoint schemes (run as separate processes) to merge into one report',
    )
    .action(async (o) => setExit(await atlasCommand(o)));
}
