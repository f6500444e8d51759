import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { MODEL_CLAIMS } from '../../claims/models/claims.ts';
import { isDecoder, isEncDec, validateModelConfig, type Family } from '../../claims/models/config.ts';
import type { ClaimResult } from '../../claims/check.ts';
import { POSITIONS } from '../../theory/positions.ts';
import { checkModel, countModelComparisons } from '../../claims/models/run.ts';
import { InputError } from '../../claims/params.ts';
import { depthFiles } from '../../report/depthHtml.ts';
import type { MeasuredProfile } from '../../sim/model/profile.ts';
import type { ModelPrediction } from '../../theory/schemes.ts';
import { buildDepthReport, depthVerdicts, type DepthReport } from '../../report/depthReport.ts';
import { num } from '../../report/format.ts';
import { engine, note, out, type SetExit, EXIT } from '../io.ts';
import { budgetOption, parseBudget, parseExpect, parseInteger, seedOption } from '../options.ts';
import { checkOutputDir, makeOutputDir } from '../paths.ts';

/**
 * --arch values: every scheme of src/theory/schemes.ts; dslm is DSLM with Pre-LN (the sheet's
 * figures), dslm-postln the Post-LN variant.
 */
export const ARCHS: Record<string, { family: Family; postLn: number }> = {
  preln: { family: 'preln', postLn: 0 },
  postln: { family: 'postln', postLn: 1 },
  dslm: { family: 'dslm', postLn: 0 },
  'dslm-preln': { family: 'dslm', postLn: 0 },
  'dslm-postln': { family: 'dslm', postLn: 1 },
  ...Object.fromEntries(
    (['deepnorm', 'depth-mup', 'lns', 'tfixup', 'admin', 'skipinit'] as const).map((f) => [
      f,
      { family: f, postLn: 0 },
    ]),
  ),
  'decoder-preln': { family: 'decoder.preln', postLn: 0 },
  'decoder-postln': { family: 'decoder.postln', postLn: 1 },
  'decoder-dslm': { family: 'decoder.dslm', postLn: 0 },
  'decoder-dslm-postln': { family: 'decoder.dslm', postLn: 1 },
  'encdec-dslm': { family: 'encdec', postLn: 0 },
  'encdec-dslm-postln': { family: 'encdec', postLn: 1 },
};

/** CLI flag of each config key, so a bad value is reported under the name the user typed. */
const FLAGS: Record<string, string> = {
  layers: 'layers',
  d: 'width',
  heads: 'heads',
  seqLen: 'seq',
  dropout: 'dropout',
  attentionDropout: 'attention-dropout',
  rX: 'rx',
  k: 'k',
  batch: 'batch',
};

interface DepthCliOptions {
  arch: string;
  layers: string;
  width: string;
  heads: string;
  seq: string;
  dropout: string;
  attentionDropout?: string;
  rx: string;
  k: string;
  batch: string;
  budget: string;
  seed: string;
  out?: string;
  expect?: string;
  json?: boolean;
}

function parseNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InputError(`${flag}: expected a number, got '${value}'`);
  return n;
}

function parseDepthConfig(o: DepthCliOptions) {
  const arch = ARCHS[o.arch];
  if (!arch)
    throw new InputError(
      `arch: unknown architecture '${o.arch}' (expected ${Object.keys(ARCHS).join(', ')})`,
    );
  const given = {
    layers: parseNumber('layers', o.layers),
    d: parseNumber('width', o.width),
    heads: parseNumber('heads', o.heads),
    seqLen: parseNumber('seq', o.seq),
    dropout: parseNumber('dropout', o.dropout),
    attentionDropout: parseNumber('attention-dropout', o.attentionDropout ?? o.dropout),
    rX: parseNumber('rx', o.rx),
    k: parseNumber('k', o.k),
    batch: parseNumber('batch', o.batch),
    postLn: arch.postLn,
  };
  try {
    return { ...arch, config: validateModelConfig(given) };
  } catch (error) {
    // resolveConfig names config keys; say the flag instead
    if (error instanceof InputError)
      throw new InputError(error.message.replace(/^config\.(\w+)/, (_, key: string) => FLAGS[key] ?? key));
    throw error;
  }
}

async function depthCommand(o: DepthCliOptions): Promise<number> {
  const { family, config } = parseDepthConfig(o);
  const budget = parseBudget(o.budget);
  const seed = parseInteger('seed', o.seed, 0);
  const expected = parseExpect(o.expect);
  const outDir = checkOutputDir('out', o.out ?? join('reports', `depth-${o.arch}`));
  const info = await engine();
  const started = Date.now();
  const claims = MODEL_CLAIMS.filter((c) => c.family === family);
  const comparisons = countModelComparisons(claims, config);
  const check = await checkModel(family, claims, config, {
    budget,
    seed,
    engine: info,
    comparisons,
    regime: o.arch,
    onLook: (replicates, undecided, final) =>
      note(
        `sigprop: depth ${o.arch}: ${replicates} replicates, ${undecided} of ${comparisons} comparisons undecided${final && undecided ? ' (inconclusive at the last look)' : ''} (${num((Date.now() - started) / 1000, 3)} s)`,
      ),
  });
  const run = {
    command: 'depth' as const,
    arch: o.arch,
    budget: budget.name,
    precision: budget.precision,
    familyAlpha: budget.familyAlpha,
    seed,
    engine: info,
    wallSeconds: (Date.now() - started) / 1000,
    comparisons,
    replicates: check.replicates,
  };
  // an encoder-decoder gets one report per stack (its claims are model.encdec.<stack>.*), in
  // <out>/encoder and <out>/decoder
  const parts: { name: string; family: string; report: DepthReport }[] = isEncDec(family)
    ? (['encoder', 'decoder'] as const).map((stack) => {
        const slice = stackSlice(check.prediction, check.profile, stack, config.layers);
        const prefix = `model.encdec.${stack}.`;
        const results = check.results.filter((r) => r.claim.startsWith(prefix));
        return {
          name: stack,
          family: `encdec.${stack}`,
          report: buildDepthReport(run, config, `encdec.${stack}`, slice.prediction, slice.profile, results),
        };
      })
    : [
        {
          name: '',
          family,
          report: buildDepthReport(run, config, family, check.prediction, check.profile, check.results),
        },
      ];
  const dir = makeOutputDir(outDir);
  const written = parts.map((part) => {
    const at = part.name ? join(dir, part.name) : dir;
    return { ...part, dir: at, plots: writeDepth(part.report, at, part.family) };
  });
  // inconclusive is undecided and contradicts nothing, as in verify
  const unexpected = check.results.filter(
    (r) => r.verdict !== 'inconclusive' && !expected.includes(r.verdict),
  ).length;
  if (o.json)
    out(
      JSON.stringify(
        written.length === 1 ? written[0].report : Object.fromEntries(written.map((w) => [w.name, w.report])),
        null,
        2,
      ),
    );
  else {
    const lines: string[] = [];
    for (const { name, family: partFamily, report, dir: at, plots } of written) {
      const pick = (i: number) => report.boundaries[i];
      const rows = [0, Math.round(report.boundaries.length / 2) - 1, report.boundaries.length - 1]
        .map(pick)
        .map(
          (b) =>
            `  boundary ${b.index} (${b.after}): variance ${num(b.variance.predicted)} vs ${num(b.variance.measured)}, gradient ${num(b.gradVariance.predicted)} vs ${num(b.gradVariance.measured)}`,
        );
      lines.push(
        `${o.arch}${name ? ` ${name}` : ''}, ${config.layers} layers: ${depthVerdicts(report)}; ${unexpected} unexpected (expected ${expected.join(' or ')}); predicted vs measured:`,
        ...rows,
        ...(isDecoder(family) || name === 'decoder' ? positionRows(report, partFamily) : []),
        `Report: ${join(at, 'depth.html')}, depth.md, depth.json and ${plots.join(', ')}`,
      );
    }
    out(lines.join('\n'));
  }
  return unexpected > 0 ? EXIT.unexpected : EXIT.ok;
}

/** One stack of an encoder-decoder's flattened prediction and profile (src/theory/encdec.ts). */
function stackSlice(
  prediction: ModelPrediction,
  profile: MeasuredProfile,
  stack: 'encoder' | 'decoder',
  layers: number,
): { prediction: ModelPrediction; profile: MeasuredProfile } {
  const [from, to] = stack === 'encoder' ? [0, 2 * layers + 1] : [2 * layers + 1, 5 * layers + 2];
  const per = stack === 'encoder' ? 2 : 3;
  const cut = <T>(values: readonly T[]) => values.slice(from, to);
  return {
    prediction: {
      ...prediction,
      variance: cut(prediction.variance),
      correlation: cut(prediction.correlation),
      gradVariance: cut(prediction.gradVariance),
      gradCorrelation: cut(prediction.gradCorrelation),
      // 2N encoder sublayer kinds, then 3N decoder ones
      sublayers:
        stack === 'encoder'
          ? prediction.sublayers.slice(0, 2 * layers)
          : prediction.sublayers.slice(2 * layers),
      ...(prediction.labels ? { labels: cut(prediction.labels) } : {}),
      depths: Array.from({ length: to - from }, (_, i) => i / per),
    },
    profile: {
      ...profile,
      variance: cut(profile.variance),
      correlation: cut(profile.correlation),
      gradVariance: cut(profile.gradVariance),
      gradCorrelation: cut(profile.gradCorrelation),
    },
  };
}

/**
 * A decoder's per-position view: the first token attends only to itself, so its stream and
 * stream can drift differently with depth from the middle and last tokens'. The stream variance
 * at the top, per position (model.<family>.<position>.forward.var).
 */
function positionRows(report: DepthReport, family: string): string[] {
  const top = report.boundaries.length - 1;
  const at = (claim: string, boundary: number) =>
    report.results.find((r) => r.claim === `model.${family}.${claim}` && r.config.boundary === boundary);
  const cell = (r: ClaimResult | undefined) =>
    r ? `${num(r.predicted)} vs ${num(r.measured)} +- ${num(r.stderr)} (${r.verdict})` : 'not measured';
  return [
    '  per position, stream variance at the top (the first token attends only to itself):',
    ...POSITIONS.map((p) => `    ${p} token: ${cell(at(`${p}.forward.var`, top))}`),
    ...(report.results.some(
      (r) => r.claim.endsWith('.backward.var') && POSITIONS.some((p) => r.claim.includes(`.${p}.`)),
    )
      ? [
          '  per position, gradient variance at the input (L x L recurrence; the first token is attended by every row):',
          ...POSITIONS.map((p) => `    ${p} token: ${cell(at(`${p}.backward.var`, 0))}`),
        ]
      : []),
  ];
}

/** Writes depth.json, depth.md, depth.html and the three profile plots; returns the plot file names. */
export function writeDepth(report: DepthReport, dir: string, family: string): string[] {
  makeOutputDir(dir);
  const files = depthFiles(report, family);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files).filter((name) => name.endsWith('.svg'));
}

export function registerDepth(program: Command, setExit: SetExit): void {
  program
    .command('depth')
    .description(
      'simulate a whole model layer by layer against the section 6/7 predictions; JSON, Markdown table and SVG plots',
    )
    .option(
      '--arch <arch>',
      `architecture: ${Object.keys(ARCHS).join(' | ')} (dslm = DSLM with Pre-LN)`,
      'preln',
    )
    .option('--layers <n>', 'transformer layers N', '48')
    .option('--width <d>', 'model width d', '64')
    .option('--heads <h>', 'attention heads', '4')
    .option('--seq <L>', 'tokens per sample', '32')
    .option('--dropout <p>', 'hidden dropout (and attention dropout unless --attention-dropout)', '0.1')
    .option('--attention-dropout <p>', 'attention dropout')
    .option('--rx <r>', 'token correlation of the input stream', '0.2')
    .option('--k <k>', 'DSLM: beta^2 = k/N', '1')
    .option(
      '--batch <n>',
      'samples per replicate (precision comes from replicates: each redraws the weights)',
      '1',
    )
    .addOption(budgetOption())
    .addOption(seedOption())
    .option(
      '--out <dir>',
      'where depth.json, depth.md, depth.html and the SVG plots go (default reports/depth-<arch>)',
    )
    .option(
      '--expect <verdicts>',
      "holds, deviates, or 'holds,deviates': the verdicts that count as expected (default holds); exit 1 on any other decided one",
    )
    .option('--json', 'print the report JSON to stdout')
    .action(async (o) => setExit(await depthCommand(o)));
}
