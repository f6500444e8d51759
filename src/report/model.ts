import type { EngineInfo } from '../backend/engine.ts';
import type { VerifiedResult } from '../claims/expected.ts';
import type { PinReplay } from '../claims/pins.ts';
import type { Verdict } from '../stats/verdict.ts';
import { configJson } from './format.ts';
import type { ShardStamp } from './shards.ts';

export const REPORT_SCHEMA = 'sigprop-report';
export const REPORT_SCHEMA_VERSION = 1;

export interface RunInfo {
  command: string;
  budget: string;
  precision: number;
  familyAlpha: number;
  seed: number;
  claims: string;
  shard?: string;
  /** which shard of how many, and the digest of the run's plan (a whole run is shard 0 of 1); merges check it */
  plan?: ShardStamp;
  /** a merge made with --allow-partial: the shards it lacked, as `i/n` */
  missingShards?: string[];
  engine: EngineInfo;
  /** worker threads the run used (absent in reports from before it was recorded) */
  jobs?: number;
  node: string;
  startedAt: string;
  wallSeconds: number;
  /** false when the run was stopped early (Ctrl-C); the results so far are still valid */
  complete: boolean;
  comparisons: number;
  /** wall seconds of the hunt (src/search), part of wallSeconds, when the run hunted */
  huntSeconds?: number;
}

/** Verdict counts and error range of one claim in one regime. */
export interface ClaimSummary {
  claim: string;
  describe: string;
  component: string;
  regime: string;
  expected: Verdict[] | null;
  counts: Record<Verdict, number>;
  unexpected: number;
  maxRelError: number;
  /** range of measured/predicted over its configs (null where the prediction is 0) */
  ratioRange: [number, number] | null;
  /** the result with the largest relative error, for the replay command */
  worst: VerifiedResult;
}

/** The hunt's worst found config of one claim in one regime (COORDINATION.md's contract). */
export interface HuntRecord {
  claim: string;
  regime: string;
  worst: {
    config: Record<string, number>;
    predicted: number;
    measured: number;
    stderr: number;
    ratio: number | null;
    /** (measured - predicted) / scale: positive where the formula under-predicts */
    error: number;
    errorStderr: number;
  };
  /** from the screen, largest |effect| first */
  drivers: { key: string; effect: number }[];
  /** simulations spent */
  evaluations: number;
  seed: number;
  replay: string;
  /** confirmed |error| beyond the budget's precision (plus noise) */
  finding: boolean;
  /** validity map over the two top drivers; boundary stated in words */
  map?: {
    x: string;
    y: string;
    xs: number[];
    ys: number[];
    error: number[][];
    errorStderr: number[][];
    /** replicates behind each cell: coarse away from the precision contour, more near it */
    replicates?: number[][];
    boundary?: string;
  };
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'sigprop'; version: string };
  run: RunInfo;
  summary: Record<Verdict | 'unexpected' | 'results', number>;
  claims: ClaimSummary[];
  results: VerifiedResult[];
  /** the search for each claim's worst config, when the run hunted */
  hunt?: HuntRecord[];
  /** the pinned findings (fixtures/pins.json) of the run's claims, replayed; absent in shards */
  pins?: PinReplay[];
}

export function summarise(
  results: readonly VerifiedResult[],
  describe: (claim: string) => string,
): ClaimSummary[] {
  const groups = new Map<string, VerifiedResult[]>();
  for (const r of results) {
    const key = `${r.claim}\u0000${r.regime}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0];
    const counts: Record<Verdict, number> = { holds: 0, deviates: 0, inconclusive: 0 };
    group.forEach((r) => counts[r.verdict]++);
    const ratios = group.map((r) => r.ratio).filter(Number.isFinite);
    const worst = group.reduce((a, b) => (b.relError > a.relError ? b : a));
    return {
      claim: first.claim,
      describe: describe(first.claim),
      component: first.component,
      regime: first.regime,
      expected: first.expected,
      counts,
      unexpected: group.filter((r) => r.unexpected).length,
      maxRelError: worst.relError,
      ratioRange: ratios.length ? [Math.min(...ratios), Math.max(...ratios)] : null,
      worst,
    };
  });
}

export function buildReport(
  run: RunInfo,
  results: VerifiedResult[],
  version: string,
  describe: (claim: string) => string,
): Report {
  const count = (v: Verdict) => results.filter((r) => r.verdict === v).length;
  return {
    schema: REPORT_SCHEMA,
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'sigprop', version },
    run,
    summary: {
      results: results.length,
      holds: count('holds'),
      deviates: count('deviates'),
      inconclusive: count('inconclusive'),
      unexpected: results.filter((r) => r.unexpected).length,
    },
    claims: summarise(results, describe),
    results,
  };
}

/**
 * The command that reproduces one result exactly (same seed, budget and family size). A whole
 * model is one simulation for all its layers, so its results replay by re-running its claim in
 * verify, which redraws the same model configs from the same seed.
 */
export function replayCommand(r: VerifiedResult, run: Pick<RunInfo, 'budget' | 'comparisons'>): string {
  if (r.component.startsWith('model.'))
    return `npx sigprop verify --claims '${r.claim}' --seed ${r.seed} --budget ${run.budget}`;
  return `npx sigprop check ${r.claim} --config '${configJson(r.config)}' --seed ${r.seed} --budget ${run.budget} --family ${run.comparisons}`;
}
