import { simulateModel, type ProfileReplicate } from '../../sim/model/measure.ts';
import { measuredProfile, type MeasuredProfile } from '../../sim/model/profile.ts';
import type { BudgetName } from '../../stats/budget.ts';
import type { ModelConfig } from '../../theory/models.ts';
import { predictAnyModel } from '../../theory/encdec.ts';
import type { ModelPrediction } from '../../theory/schemes.ts';
import { adaptiveLoop, type CheckOptions, type ClaimResult, type Judgement } from '../check.ts';
import type { Config } from '../types.ts';
import type { ModelClaim } from './claims.ts';
import { toModelConfig, type Family } from './config.ts';

/**
 * Replicates of a whole model: a replicate is a full forward and backward pass of up to hundreds
 * of sublayers, so the counts are smaller than the component budgets'. A model's weights are
 * shared by all its tokens, so precision comes from replicates, not from batch size.
 */
export const MODEL_REPLICATES: Record<BudgetName, { initial: number; max: number }> = {
  quick: { initial: 16, max: 32 },
  standard: { initial: 16, max: 128 },
  thorough: { initial: 32, max: 512 },
};

export function countModelComparisons(claims: readonly ModelClaim[], config: Config): number {
  return claims.reduce((n, c) => n + c.comparisons(config), 0);
}

export interface ModelCheck {
  results: ClaimResult[];
  prediction: ModelPrediction;
  profile: MeasuredProfile;
  replicates: number;
  /** the raw per-replicate moments, for statistics of the whole profile (the atlas's summary) */
  draws: { full: ProfileReplicate[]; half: ProfileReplicate[] };
}

/**
 * Checks the selected claims of one model family at one config from one simulation (plus one at
 * N/2 layers when an N-independence claim is selected), through the same adaptive loop as
 * checkComponent (adaptiveLoop): every look and every per-boundary comparison is paid for in the
 * critical value (`options.comparisons` must count them: countModelComparisons).
 */
export async function checkModel(
  family: Family,
  claims: readonly ModelClaim[],
  config: Config,
  options: CheckOptions & {
    /** after each look, the comparisons still undecided (at the last look: those left inconclusive) */
    onLook?: (replicates: number, undecided: number, final: boolean) => void;
    /** replaces the budget's replicate schedule (the atlas runs deep models on fewer) */
    replicates?: { initial: number; max: number };
    /**
     * stop at the look that decides this one comparison (a pin's): each comparison's result is
     * frozen at the look that decides it, so it is what the whole loop would have returned for it;
     * the other comparisons are left as that look found them
     */
    focus?: { claim: string; boundary?: number };
  },
): Promise<ModelCheck> {
  const { budget } = options;
  const started = performance.now();
  const schedule = MODEL_REPLICATES[budget.name];
  // a claim that needs more replicates to be decided raises the cap (it stays a power of 2 times initial)
  const { initial, max } = options.replicates ?? {
    ...schedule,
    max: Math.max(schedule.max, ...claims.map((c) => c.replicates?.[budget.name] ?? 0)),
  };
  const model = toModelConfig(family, config);
  const prediction = predictAnyModel(model);
  const halfModel: ModelConfig | undefined =
    claims.some((c) => c.needsHalfDepth) && config.layers >= 2
      ? { ...model, layers: Math.floor(config.layers / 2) }
      : undefined;
  const halfPrediction = halfModel && predictAnyModel(halfModel);
  const batch = config.batch;
  const replicates: ProfileReplicate[] = [];
  const halfReplicates: ProfileReplicate[] = [];
  let profile: MeasuredProfile | undefined;
  const decided = await adaptiveLoop({
    schedule: { initial, max },
    total: countModelComparisons(claims, config),
    batch,
    options,
    onLook: options.onLook,
    focus: options.focus && `${options.focus.claim}@${options.focus.boundary ?? ''}`,
    look: async (target) => {
      replicates.push(
        ...(await simulateModel(model, {
          runSeed: options.seed,
          from: replicates.length,
          to: target,
          batch,
        })),
      );
      if (halfModel)
        halfReplicates.push(
          ...(await simulateModel(halfModel, {
            runSeed: options.seed,
            from: halfReplicates.length,
            to: target,
            batch,
          })),
        );
      profile = measuredProfile(replicates);
      const evidence = {
        config,
        prediction,
        profile,
        replicates,
        ...(halfModel ? { half: { prediction: halfPrediction!, replicates: halfReplicates } } : {}),
      };
      return {
        replicates: replicates.length,
        comparisons: claims.flatMap((claim) =>
          claim.compare(evidence).map((cmp) => ({
            key: `${claim.id}@${cmp.boundary ?? ''}`,
            claim,
            measure: () => ({
              config: cmp.boundary === undefined ? config : { ...config, boundary: cmp.boundary },
              predicted: cmp.predicted,
              estimate: cmp.measured,
              scale: cmp.scale,
            }),
          })),
        ),
      };
    },
  });
  const elapsedMs = performance.now() - started;
  const elements = 2 * batch * config.seqLen * config.d;
  const samples = (replicates.length + halfReplicates.length) * elements;
  // in claim order, then boundary order, whatever look decided them
  const order = (r: Judgement) => claims.findIndex((c) => c.id === r.claim) * 1e6 + (r.config.boundary ?? -1);
  const results = [...decided.values()]
    .sort((a, b) => order(a) - order(b))
    .map((r) => ({ ...r, samples, elapsedMs }));
  return {
    results,
    prediction,
    // set by the first look
    profile: profile!,
    replicates: replicates.length,
    draws: { full: replicates, half: halfReplicates },
  };
}
