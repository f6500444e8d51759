import fc from 'fast-check';
import { dropoutSimulator, geluSimulator, reluSimulator } from '../../sim/components/elementwise.ts';
import { dropoutMoments } from '../../theory/dropout.ts';
import { geluMoments } from '../../theory/gelu.ts';
import { reluMoments } from '../../theory/relu.ts';
import { inputAndGradient, logInteger, uniform } from '../draw.ts';
import { DROPOUT, FEATURES, MU_X, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X } from '../params.ts';
import { standardClaims } from '../standardClaims.ts';
import type { Component, Regime } from '../types.ts';
import { untyped, untypedSimulator } from './shared.ts';

const activationParams = [SIGMA_X, R_X, SIGMA_G, R_G, FEATURES, SEQ_LEN];

/** The theory states a zero-mean Gaussian input and nothing about sizes. */
const zeroMeanGaussian: Regime = {
  name: 'theory',
  describe: 'zero-mean Gaussian input',
  domain: (budget) =>
    fc.record({
      ...inputAndGradient(),
      d: logInteger(1, budget.maxSize),
      seqLen: logInteger(2, budget.maxSize),
    }),
};

export const relu: Component = {
  key: 'relu',
  describe: 'ReLU',
  section: '3.3',
  params: activationParams,
  simulator: untypedSimulator(reluSimulator),
  regimes: [zeroMeanGaussian],
  claims: standardClaims('relu', untyped(reluMoments)),
};

export const gelu: Component = {
  key: 'gelu',
  describe: 'GeLU, exact erf form',
  section: '3.4',
  params: activationParams,
  simulator: untypedSimulator(geluSimulator),
  regimes: [zeroMeanGaussian],
  claims: standardClaims('gelu', untyped(geluMoments)),
};

export const dropout: Component = {
  key: 'dropout',
  describe: 'inverted dropout',
  section: '3.2',
  params: [MU_X, SIGMA_X, R_X, SIGMA_G, R_G, DROPOUT, FEATURES, SEQ_LEN],
  simulator: untypedSimulator(dropoutSimulator),
  regimes: [
    {
      name: 'theory',
      describe: 'any input mean, dropout 0 to 0.7',
      domain: (budget) =>
        fc.record({
          muX: uniform(-10, 10),
          ...inputAndGradient(),
          dropout: uniform(0, 0.7),
          d: logInteger(1, budget.maxSize),
          seqLen: logInteger(2, budget.maxSize),
        }),
    },
  ],
  claims: standardClaims('dropout', untyped(dropoutMoments)),
};
