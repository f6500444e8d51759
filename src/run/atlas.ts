import type { EngineInfo } from '../backend/engine.ts';
import type { ClaimResult } from '../claims/check.ts';
import { MODEL_CLAIMS, type ModelClaim } from '../claims/models/claims.ts';
import { familyOfArch, validateModelConfig } from '../claims/models/config.ts';
import { checkModel, countModelComparisons } from '../claims/models/run.ts';
import type { Config } from '../claims/types.ts';
import type { AtlasCell, AtlasReport, AtlasRun } from '../report/atlas.ts';
import { BUDGETS, type BudgetName } from '../stats/budget.ts';
import type { Verdict } from '../stats/verdict.ts';
import type { Arch } from '../theory/models.ts';
import { schemeOf } from '../theory/schemes.ts';
import { depthStatistics } from './atlasSummary.ts';

/**
 * `sigprop atlas`: every selected scheme at every selected depth, one model check each (the
 * scheme's per-boundary claims and its promises, plus a run at N/2 where a promise needs one),
 * gathered into one report of small multiples and a summary table (src/report/atlas*.ts).
 */

/** What a budget runs by default: depths, width, heads, tokens and the replicate schedule. */
export interface AtlasDefaults {
  layers: number[];
  d: number;
  heads: number;
  seqLen: number;
  /** few replicates with jackknife errors: a deep replicate is a whole forward and backward pass */
  replicates: { initial: number; max: number };
}

export const ATLAS_DEFAULTS: Record<BudgetName, AtlasDefaults> = {
  quick: { layers: [6, 12, 24], d: 64, heads: 4, seqLen: 16, replicates: { initial: 8, max: 16 } },
  standard: { layers: [12, 48, 192], d: 256, heads: 4, seqLen: 32, replicates: { initial: 16, max: 32 } },
  thorough: { layers: [12, 48, 192], d: 256, heads: 4, seqLen: 64, replicates: { initial: 32, max: 128 } },
};

/** Real model shapes (issue 15.2): width, heads, tokens and depth as published. */
export interface Shape {
  describe: string;
  d: number;
  heads: number;
  seqLen: number;
  layers: number;
}

export const SHAPES: Record<string, Shape> = {
  'bert-base': { describe: 'BERT-base', d: 768, heads: 12, seqLen: 512, layers: 12 },
  'bert-large': { describe: 'BERT-large', d: 1024, heads: 16, seqLen: 512, layers: 24 },
  'gpt2-small': {
    describe: 'GPT-2 small (encoder layers: no causal mask here)',
    d: 768,
    heads: 12,
    seqLen: 1024,
    layers: 12,
  },
  'gpt2-medium': { describe: 'GPT-2 medium (no causal mask)', d: 1024, heads: 16, seqLen: 1024, layers: 24 },
  'gpt2-large': { describe: 'GPT-2 large (no causal mask)', d: 1280, heads: 20, seqLen: 1024, layers: 36 },
  'deep-96': { describe: '96 layers at d = 512', d: 512, heads: 8, seqLen: 128, layers: 96 },
  'deep-192': { describe: '192 layers at d = 256', d: 256, heads: 4, seqLen: 128, layers: 192 },
};

/** Every scheme, DSLM in both placements. */
export const ATLAS_SCHEMES: readonly Arch[] = [
  'preln',
  'postln',
  'dslm-preln',
  'dslm-postln',
  'deepnorm',
  'depth-mup',
  'lns',
  'tfixup',
  'admin',
  'skipinit',
];

export interface AtlasPlan {
  schemes: Arch[];
  layers: number[];
  d: number;
  heads: number;
  seqLen: number;
  dropout: number;
  attentionDropout: number;
  rX: number;
  budget: BudgetName;
  seed: number;
  replicates: { initial: number; max: number };
  shape?: string;
}

interface Task {
  arch: Arch;
  claims: ModelClaim[];
  config: Config;
}

function tasksOf(plan: AtlasPlan): Task[] {
  return plan.schemes.flatMap((arch) => {
    const { family, postLn } = familyOfArch(arch);
    const claims = MODEL_CLAIMS.filter((c) => c.family === family);
    return plan.layers.map((layers) => ({
      arch,
      claims,
      config: validateModelConfig({
        layers,
        d: plan.d,
        heads: plan.heads,
        seqLen: plan.seqLen,
        dropout: plan.dropout,
        attentionDropout: plan.attentionDropout,
        rX: plan.rX,
        postLn,
        batch: 1,
      }),
    }));
  });
}

/** Comparisons of the whole atlas: every run's per-boundary claims and laws share one false-alarm budget. */
export function atlasComparisons(plan: AtlasPlan): number {
  return tasksOf(plan).reduce((n, t) => n + countModelComparisons(t.claims, t.config), 0);
}

const STATISTIC_CLAIMS = {
  variance: 'forward.var',
  correlation: 'forward.corr',
  gradVariance: 'backward.var',
} as const;

function cellsOf(results: readonly ClaimResult[], suffix: string): AtlasCell[] {
  return results
    .filter((r) => r.claim.endsWith(`.${suffix}`) && r.config.boundary !== undefined)
    .sort((a, b) => (a.config.boundary as number) - (b.config.boundary as number))
    .map((r) => ({
      depth: (r.config.boundary as number) / 2,
      predicted: r.predicted,
      measured: r.measured,
      stderr: r.stderr,
      verdict: r.verdict,
    }));
}

const countVerdicts = (cells: readonly { verdict: Verdict }[]) => ({
  holds: cells.filter((c) => c.verdict === 'holds').length,
  deviates: cells.filter((c) => c.verdict === 'deviates').length,
  inconclusive: cells.filter((c) => c.verdict === 'inconclusive').length,
});

export async function runAtlas(
  plan: AtlasPlan,
  options: { engine: EngineInfo; onRun?: (run: AtlasRun, done: number, total: number) => void },
): Promise<AtlasReport> {
  const budget = BUDGETS[plan.budget];
  const tasks = tasksOf(plan);
  const comparisons = atlasComparisons(plan);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const runs: AtlasRun[] = [];
  for (const task of tasks) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const { family } = familyOfArch(task.arch);
    const check = await checkModel(family, task.claims, task.config, {
      budget,
      seed: plan.seed,
      engine: options.engine,
      comparisons,
      regime: task.arch,
      replicates: plan.replicates,
    });
    const cpu = process.cpuUsage(c0);
    const cells = Object.fromEntries(
      Object.entries(STATISTIC_CLAIMS).map(([key, suffix]) => [key, cellsOf(check.results, suffix)]),
    ) as AtlasRun['cells'];
    const run: AtlasRun = {
      scheme: task.arch,
      family,
      layers: task.config.layers,
      config: task.config,
      replicates: check.replicates,
      halfReplicates: check.draws.half.length,
      wallSeconds: (performance.now() - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      cells,
      counts: {
        variance: countVerdicts(cells.variance),
        correlation: countVerdicts(cells.correlation),
        gradVariance: countVerdicts(cells.gradVariance),
      },
      laws: check.results.filter((r) => r.config.boundary === undefined),
      statistics: depthStatistics(check.prediction, check.draws.full),
    };
    runs.push(run);
    options.onRun?.(run, runs.length, tasks.length);
  }
  const cpu = process.cpuUsage(cpuStarted);
  return {
    schema: 'sigprop-atlas',
    schemaVersion: 1,
    run: {
      command: 'atlas',
      budget: plan.budget,
      precision: budget.precision,
      familyAlpha: budget.familyAlpha,
      seed: plan.seed,
      engine: options.engine,
      wallSeconds: (performance.now() - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      comparisons,
      plan,
    },
    schemes: plan.schemes.map((arch) => {
      const s = schemeOf(arch);
      return {
        key: arch,
        name: s.name,
        placement: s.placement,
        residual: s.residual,
        init: s.init,
        promise: s.promise,
        source: s.source,
      };
    }),
    runs,
  };
}
