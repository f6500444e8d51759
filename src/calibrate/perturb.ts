import type { Claim } from '../claims/types.ts';

/**
 * Wrong formulas of known size, for measuring power: a claim whose prediction is scaled by a
 * factor, or whose covariance drops the correlation term (predicts the r = 0 covariance). The
 * scale (what precision is judged against) stays the original's, as it would for a real
 * wrong formula of the same statistic.
 */
export interface Perturbation {
  name: string;
  describe: string;
  /** claims it applies to */
  appliesTo(claim: Claim): boolean;
  wrap(claim: Claim): Claim;
}

export function scaled(factor: number): Perturbation {
  return {
    name: `x${factor.toFixed(2)}`,
    describe: `prediction scaled by ${factor}`,
    appliesTo: () => true,
    wrap: (claim) => ({ ...claim, id: `${claim.id}@x${factor.toFixed(2)}`, predict: (c) => factor * claim.predict(c) }),
  };
}

/** The correlation of the paired observation: rX for the output, rG for the input gradient. */
const correlationKey = (claim: Claim) => (claim.observation === 'inputGrad' ? 'rG' : 'rX');

export const dropCorrelation: Perturbation = {
  name: 'r=0',
  describe: 'covariance predicted as if the correlation were 0',
  appliesTo: (claim) => claim.moment === 'covariance' && claim.observation !== 'outputFeatures',
  wrap: (claim) => ({
    ...claim,
    id: `${claim.id}@r=0`,
    predict: (c) => claim.predict({ ...c, [correlationKey(claim)]: 0 }),
  }),
};

export const DEFAULT_PERTURBATIONS: readonly Perturbation[] = [scaled(1.01), scaled(1.03), scaled(1.1), dropCorrelation];
