// Snippets of docs/new-formula.md that are not in examples/new-formula/: type-checked against
// src/index.ts by test/docs-snippets.test.ts (tsc -p docs/new-formula).
import {
  defineClaim,
  defineComponent,
  defineRegime,
  FEATURES,
  fixed,
  logInt,
  param,
  R_G,
  R_X,
  range,
  SIGMA_G,
  SIGMA_X,
  std,
} from 'sigprop';
import { rmsNormSimulator } from '../../examples/new-formula/src/simulator.ts';
import type { RmsNormConfig } from '../../examples/new-formula/src/theory.ts';

const gradVariance = defineClaim({
  id: 'rmsnorm.backward.var',
  describe: 'input-gradient variance sigmaG^2/sigmaX^2',
  component: 'rmsnorm',
  observation: 'inputGrad', // one of the simulator's observations
  moment: 'variance', // mean | variance | covariance (of two tokens)
  predict: (c: RmsNormConfig) => c.sigmaG ** 2 / c.sigmaX ** 2,
  scale: (c) => c.sigmaG ** 2 / c.sigmaX ** 2, // what the error and the precision are relative to
  tolerance: 0, // the approximation error you claim, declared up front
});

const correlated = defineRegime({
  name: 'correlated',
  describe: 'input and gradient equally correlated, near 1; unit input std',
  space: (budget) => ({
    sigmaX: fixed(1),
    sigmaG: std,
    r: range(0.9, 0.99),
    d: logInt(4, budget.maxSize),
    seqLen: logInt(2, 64),
  }),
  toConfig: ({ r, ...p }): RmsNormConfig => ({ ...p, rX: r, rG: r }),
});

// a key of your own: literal name, range and default (`list` prints them, `check` validates them)
const SEQ_LEN_SHORT = param({
  key: 'seqLen',
  describe: 'tokens',
  min: 2,
  max: 4096,
  integer: true,
  default: 16,
});

export const rmsnormByHand = defineComponent({
  key: 'rmsnorm',
  describe: 'RMSNorm, claims written out',
  section: 'README.md',
  params: [SIGMA_X, R_X, SIGMA_G, R_G, FEATURES, SEQ_LEN_SHORT],
  simulator: rmsNormSimulator,
  regimes: [correlated],
  claims: [gradVariance],
});
