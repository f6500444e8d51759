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

/**
 * Checks several claims of one component at one config from a single simulation. Replicates
 * double from the budget's initial count while any claim is undecided; each claim's verdict is
 * frozen at the first look that decides it, and each look spends its share of the comparison's
 * alpha (stats/spending.ts) in the critical value.
 */
export async function checkComponent(
  component: Component,
  claims: readonly Claim[],
  config: Config,
  options: CheckOptions,
): Promise<ClaimResult[]> {
  const started = performance.now();
  const batch = batchFor(component, config, options.budget);
  const budget = {
    ...options.budget,
    maxReplicates: replicateCap(options.budget, batch, component.simulator.elementsPerSample(config)),
  };
  const decided = new Map<Claim, Judgement>();
  const replicates: ReplicateMoments[] = [];
  let shifts: Partial<Record<ObservationName, number>> | undefined;
  for (let target = budget.initialReplicates; decided.size < claims.length; target *= 2) {
    const more = await simulateReplicates(component.simulator, config, {
      runSeed: options.seed,
      from: replicates.length,
      to: target,
      batch,
      shifts,
    });
    shifts = more.shifts;
    replicates.push(...more.replicates);
    const critical = criticalValue(budget.familyAlpha, options.comparisons, {
      replicates: replicates.length,
      initialReplicates: budget.initialReplicates,
      maxReplicates: budget.maxReplicates,
    });
    const lastLook = target >= budget.maxReplicates;
    for (const claim of claims) {
      if (decided.has(claim)) continue;
      const estimate = estimateMoment(
        replicates.map((r) => r[claim.observation]!),
        claim.moment,
      );
      const predicted = claim.predict(config);
      const scale = claim.scale(config);
      const result = judge(
        claim,
        { config, predicted, estimate, scale },
        { critical, replicates: replicates.length, batch, options },
      );
      if (result.verdict === 'inconclusive' && !lastLook) continue;
      decided.set(claim, result);
    }
  }
  const elapsedMs = performance.now() - started;
  const samples = replicates.length * batch * component.simulator.elementsPerSample(config);
  return claims.map((claim) => ({ ...decided.get(claim)!, samples, elapsedMs }));
}
