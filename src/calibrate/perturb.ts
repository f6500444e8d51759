import { findClaim } from '../claims/registry.ts';
import type { Claim } from '../claims/types.ts';

/** Components whose formulas are exact in expectation (FORMULAS.md 3.1 to 3.4): a `deviates` is a false alarm. */
export const EXACT_COMPONENTS = ['linear', 'dropout', 'relu', 'gelu'] as const;
export const isExactComponent = (key: string) => (EXACT_COMPONENTS as readonly string[]).includes(key);
const isExact = (claim: Claim) => isExactComponent(claim.component);

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
    appliesTo: isExact,
    wrap: (claim) => ({
      ...claim,
      id: `${claim.id}@x${factor.toFixed(2)}`,
      predict: (c) => factor * claim.predict(c),
    }),
  };
}

/** The correlation of the paired observation: rX for the output, rG for the input gradient. */
const correlationKey = (claim: Claim) => (claim.observation === 'inputGrad' ? 'rG' : 'rX');

export const dropCorrelation: Perturbation = {
  name: 'r=0',
  describe: 'covariance predicted as if the correlation were 0',
  appliesTo: (claim) =>
    isExact(claim) && claim.moment === 'covariance' && claim.observation !== 'outputFeatures',
  wrap: (claim) => ({
    ...claim,
    id: `${claim.id}@r=0`,
    predict: (c) => claim.predict({ ...c, [correlationKey(claim)]: 0 }),
  }),
};

const SOFTMAX_FORMS = /^(softmax\..*)\.(full|approx)$/;

/**
 * Softmax's variance predicted with the other form (FORMULAS.md 3.6: full <-> approx). Neither
 * form is exact, so this measures whether a run tells the two apart where they differ by more
 * than the budget's precision, not a false-alarm rate.
 */
export const swapSoftmaxForm: Perturbation = {
  name: 'swap',
  describe: 'softmax variance predicted with the other form (full <-> approx)',
  appliesTo: (claim) => SOFTMAX_FORMS.test(claim.id),
  wrap: (claim) => {
    const [, stem, form] = SOFTMAX_FORMS.exec(claim.id)!;
    const other = findClaim(`${stem}.${form === 'full' ? 'approx' : 'full'}`);
    return { ...claim, id: `${claim.id}@swap`, predict: (c) => other.predict(c) };
  },
};

export const DEFAULT_PERTURBATIONS: readonly Perturbation[] = [
  scaled(1.01),
  scaled(1.03),
  scaled(1.1),
  dropCorrelation,
  swapSoftmaxForm,
];

/** Components the power phase simulates: the exact ones, and softmax for the form swap. */
export const POWER_COMPONENTS: readonly string[] = [...EXACT_COMPONENTS, 'softmax'];
