import type { EngineInfo } from '../backend/engine.ts';
import { simulateReplicates, type ReplicateMoments } from '../sim/run.ts';
import type { ObservationName } from '../sim/simulator.ts';
import type { Budget } from '../stats/budget.ts';
import { estimateMoment, type Estimate } from '../stats/estimate.ts';
import { replicateCap, replicatesFor } from '../stats/sizing.ts';
import { criticalValue, decide, type Verdict } from '../stats/verdict.ts';
import type { Claim, Component, Config } from './types.ts';

/** One (claim, config) comparison, as `check --json` prints it and reports store it. */
export interface ClaimResult {
  claim: string;
  component: string;
  regime?: string;
  config: Config;
  predicted: number;
  measured: number;
  stderr: number;
  /** |measured - predicted| / scale */
  relError: number;
  /** measured / predicted (NaN when the prediction is 0) */
  ratio: number;
  scale: number;
  /** critical value x stderr / scale: the smallest relative error this measurement could see */
  resolution: number;
  criticalValue: number;
  tolerance: number;
  verdict: Verdict;
  replicates: number;
  /**
   * inconclusive only: the replicates its resolution would need to reach the budget's precision
   * (stats/sizing.ts), against `replicates`, the budget's cap for this config
   */
  replicatesNeeded?: number;
  /** samples per replicate */
  batch: number;
  seed: number;
  backend: string;
  /** input + upstream-gradient elements drawn for this config (shared by its claims) */
  samples: number;
  elapsedMs: number;
}

export interface CheckOptions {
  budget: Budget;
  seed: number;
  engine: EngineInfo;
  /** comparisons in the whole run, for the family-wise false-alarm budget */
  comparisons: number;
  regime?: string;
}

export type Judgement = Omit<ClaimResult, 'elapsedMs' | 'samples'>;

/**
 * One comparison at one look: DESIGN.md's verdict and the record reports keep of it. Shared by
 * the component runner below and the whole-model runner.
 */
export function judge(
  claim: Claim,
  c: { config: Config; predicted: number; estimate: Estimate; scale: number },
  look: { critical: number; replicates: number; batch: number; options: CheckOptions },
): Judgement {
  const { options } = look;
  const decision = decide(
    {
      predicted: c.predicted,
      measured: c.estimate.value,
      stderr: c.estimate.stderr,
      tolerance: claim.tolerance,
      scale: c.scale,
    },
    look.critical,
    options.budget.precision,
  );
  return {
    claim: claim.id,
    component: claim.component,
    ...(options.regime ? { regime: options.regime } : {}),
    config: c.config,
    predicted: c.predicted,
    measured: c.estimate.value,
    stderr: c.estimate.stderr,
    relError: decision.relError,
    ratio: c.predicted === 0 ? Number.NaN : c.estimate.value / c.predicted,
    scale: c.scale,
    resolution: decision.resolution,
    criticalValue: look.critical,
    tolerance: claim.tolerance,
    verdict: decision.verdict,
    replicates: look.replicates,
    ...(decision.verdict === 'inconclusive'
      ? {
          replicatesNeeded: replicatesFor(
            { replicates: look.replicates, stderr: c.estimate.stderr, critical: look.critical },
            c.scale,
            options.budget.precision,
          ),
        }
      : {}),
    batch: look.batch,
    seed: options.seed,
    backend: options.engine.name,
  };
}

/** Samples per replicate that reach the budget's replicate size. */
export function batchFor(component: Component, config: Config, budget: Budget): number {
  return Math.max(1, Math.round(budget.replicateElements / component.simulator.elementsPerSample(config)));
}

/** One comparison a look yields: which claim, at which config, and (lazily) what it measured. */
export interface LookComparison {
  /** the comparison's identity across looks: its verdict is frozen under this key */
  key: string;
  claim: Claim;
  /** the estimate and what it is compared with; only called while the comparison is undecided */
  measure(): { config: Config; predicted: number; estimate: Estimate; scale: number };
}

/**
 * The adaptive loop of every check (components and whole models): replicates double from the
 * schedule's initial count while any comparison is undecided; each comparison's verdict is frozen
 * at the first look that decides it; each look spends its share of the comparison's alpha
 * (stats/spending.ts) in the critical value. What a look simulates and which comparisons it yields
 * is the caller's `look`, which draws replicates up to `target` and returns how many it holds.
 * Returns the decided comparisons in the order they were first decided.
 */
export async function adaptiveLoop(spec: {
  schedule: { initial: number; max: number };
  /** comparisons the loop must decide (the last look decides the rest as inconclusive) */
  total: number;
  batch: number;
  options: CheckOptions;
  look(target: number): Promise<{ replicates: number; comparisons: Iterable<LookComparison> }>;
  /** after each look, the comparisons still undecided (at the last look: those left inconclusive) */
  onLook?: (replicates: number, undecided: number, final: boolean) => void;
  /** stop at the look that decides the comparison with this key */
  focus?: string;
}): Promise<Map<string, Judgement>> {
  const { schedule, options } = spec;
  const decided = new Map<string, Judgement>();
  for (let target = schedule.initial; ; target *= 2) {
    const look = await spec.look(target);
    const critical = criticalValue(options.budget.familyAlpha, options.comparisons, {
      replicates: look.replicates,
      initialReplicates: schedule.initial,
      maxReplicates: schedule.max,
    });
    const lastLook = target >= schedule.max;
    for (const cmp of look.comparisons) {
      if (decided.has(cmp.key)) continue;
      const result = judge(cmp.claim, cmp.measure(), {
        critical,
        replicates: look.replicates,
        batch: spec.batch,
        options,
      });
      if (result.verdict === 'inconclusive' && !lastLook) continue;
      decided.set(cmp.key, result);
    }
    const focused = spec.focus === undefined ? undefined : decided.get(spec.focus);
    const final =
      decided.size >= spec.total || lastLook || (focused !== undefined && focused.verdict !== 'inconclusive');
    if (spec.onLook) {
      const undecided = spec.total - [...decided.values()].filter((r) => r.verdict !== 'inconclusive').length;
      spec.onLook(look.replicates, undecided, final);
    }
    if (final) return decided;
  }
}

/** Checks several claims of one component at one config from a single simulation (adaptiveLoop). */
export async function checkComponent(
  component: Component,
  claims: readonly Claim[],
  config: Config,
  options: CheckOptions,
): Promise<ClaimResult[]> {
  if (claims.length === 0) return [];
  const started = performance.now();
  const batch = batchFor(component, config, options.budget);
  const initial = options.budget.initialReplicates;
  const max = replicateCap(options.budget, batch, component.simulator.elementsPerSample(config));
  const replicates: ReplicateMoments[] = [];
  let shifts: Partial<Record<ObservationName, number>> | undefined;
  const decided = await adaptiveLoop({
    schedule: { initial, max },
    total: claims.length,
    batch,
    options,
    look: async (target) => {
      const more = await simulateReplicates(component.simulator, config, {
        runSeed: options.seed,
        from: replicates.length,
        to: target,
        batch,
        shifts,
      });
      shifts = more.shifts;
      replicates.push(...more.replicates);
      return {
        replicates: replicates.length,
        comparisons: claims.map((claim, i) => ({
          key: String(i),
          claim,
          measure: () => ({
            config,
            predicted: claim.predict(config),
            estimate: estimateMoment(
              replicates.map((r) => r[claim.observation]!),
              claim.moment,
            ),
            scale: claim.scale(config),
          }),
        })),
      };
    },
  });
  const elapsedMs = performance.now() - started;
  const samples = replicates.length * batch * component.simulator.elementsPerSample(config);
  return claims.map((_, i) => ({ ...decided.get(String(i))!, samples, elapsedMs }));
}
