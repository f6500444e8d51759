/**
 * A claims module: `sigprop verify --claims-module dist/rmsnorm.js` (or `import` it in a vitest
 * file) registers the component, its claims and variants, and their expected verdicts.
 */
import {
  defineComponent,
  defineRegime,
  FEATURES,
  inputAndGradient,
  logInt,
  R_G,
  R_X,
  SEQ_LEN,
  SIGMA_G,
  SIGMA_X,
  standardClaims,
  variant,
  withVariants,
  type ExpectedVerdicts,
} from 'sigprop';
import { rmsNormSimulator } from './simulator.ts';
import {
  exactGradVariance,
  exactTokenCovariance,
  firstOrderGradTokenCovariance,
  firstOrderTokenCovariance,
  rmsNormMoments,
  type RmsNormConfig,
} from './theory.ts';

const standard = standardClaims('rmsnorm', rmsNormMoments);
const byId = (id: string) => standard.find((c) => c.id === id)!;

const variants = [
  variant(
    byId('rmsnorm.forward.cov'),
    'exact',
    'token covariance E[cos] (Gaussian, exact)',
    exactTokenCovariance,
  ),
  variant(
    byId('rmsnorm.forward.cov'),
    'first-order',
    'token covariance r(1-(1-r^2)/(2d))',
    firstOrderTokenCovariance,
  ),
  variant(
    byId('rmsnorm.backward.var'),
    'exact',
    'input-gradient variance sG^2(d-1)/(sX^2(d-2))',
    exactGradVariance,
  ),
  variant(
    byId('rmsnorm.backward.cov'),
    'first-order',
    'input-gradient covariance rG sG^2/sX^2 (1+(3rX^2-1)/(2d))',
    firstOrderGradTokenCovariance,
  ),
];

/** The draws: zero-mean Gaussian tokens, input and gradient as the reference grids draw them. */
const theoryRegime = defineRegime({
  name: 'theory',
  describe: 'zero-mean Gaussian tokens, d from 4',
  space: (budget) => ({
    ...inputAndGradient,
    d: logInt(4, budget.maxSize),
    seqLen: logInt(2, budget.maxSize),
  }),
  toConfig: (p): RmsNormConfig => ({ ...p }),
});

export const rmsnorm = defineComponent({
  key: 'rmsnorm',
  describe: 'RMSNorm y = x / sqrt(mean_d(x^2) + eps), no gain',
  section: 'examples/new-formula/README.md',
  params: [SIGMA_X, R_X, SIGMA_G, R_G, FEATURES, SEQ_LEN],
  simulator: rmsNormSimulator,
  regimes: [theoryRegime],
  claims: withVariants(standard, variants),
});

export const components = [rmsnorm];

const holds = { expect: ['holds' as const] };
/** What we measured (README, "Verdicts"); the d -> infinity forms deviate at small d. */
export const expected: ExpectedVerdicts = {
  'rmsnorm.forward.mean': { theory: holds },
  'rmsnorm.forward.var': { theory: holds },
  'rmsnorm.forward.cov': {
    theory: {
      expect: ['holds', 'deviates'],
      evidence: 'r(1-(1-r^2)/(2d)) vs r: 1/d bias, visible at small d',
    },
  },
  'rmsnorm.forward.cov.exact': { theory: holds },
  'rmsnorm.forward.cov.first-order': { theory: holds },
  'rmsnorm.backward.var': { theory: { expect: ['holds', 'deviates'], evidence: '(d-1)/(d-2) at small d' } },
  'rmsnorm.backward.var.exact': { theory: holds },
  'rmsnorm.backward.cov': { theory: { expect: ['holds', 'deviates'], evidence: '1/d bias at small d' } },
  'rmsnorm.backward.cov.first-order': {
    theory: { expect: ['holds', 'deviates'], evidence: 'O(1/d^2) remainder at d = 4' },
  },
};
