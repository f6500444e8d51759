/**
 * A claims module: `sigprop verify --claims-module dist/rmsnorm.js` (or `import` it in a vitest
 * file) registers the component, its claims and variants, and their expected verdicts.
 */
import {
  fc,
  FEATURES,
  inputAndGradient,
  logInteger,
  R_G,
  R_X,
  SEQ_LEN,
  SIGMA_G,
  SIGMA_X,
  standardClaims,
  untyped,
  untypedSimulator,
  variant,
  withVariants,
  type Component,
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

const standard = standardClaims('rmsnorm', untyped(rmsNormMoments));
const byId = (id: string) => standard.find((c) => c.id === id)!;
const typed = (f: (c: RmsNormConfig) => number) => untyped(f);

const variants = [
  variant(
    byId('rmsnorm.forward.cov'),
    'exact',
    'token covariance E[cos] (Gaussian, exact)',
    typed(exactTokenCovariance),
  ),
  variant(
    byId('rmsnorm.forward.cov'),
    'first-order',
    'token covariance r(1-(1-r^2)/(2d))',
    typed(firstOrderTokenCovariance),
  ),
  variant(
    byId('rmsnorm.backward.var'),
    'exact',
    'input-gradient variance sG^2(d-1)/(sX^2(d-2))',
    typed(exactGradVariance),
  ),
  variant(
    byId('rmsnorm.backward.cov'),
    'first-order',
    'input-gradient covariance rG sG^2/sX^2 (1+(3rX^2-1)/(2d))',
    typed(firstOrderGradTokenCovariance),
  ),
];

export const rmsnorm: Component = {
  key: 'rmsnorm',
  describe: 'RMSNorm y = x / sqrt(mean_d(x^2) + eps), no gain',
  section: 'examples/new-formula/README.md',
  params: [SIGMA_X, R_X, SIGMA_G, R_G, FEATURES, SEQ_LEN],
  simulator: untypedSimulator(rmsNormSimulator),
  regimes: [
    {
      name: 'theory',
      describe: 'zero-mean Gaussian tokens, d from 4',
      domain: (budget) =>
        fc.record({
          ...inputAndGradient(),
          d: logInteger(4, budget.maxSize),
          seqLen: logInteger(2, budget.maxSize),
        }),
    },
  ],
  claims: withVariants(standard, variants),
};

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
