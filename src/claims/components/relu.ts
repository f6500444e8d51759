import fc from 'fast-check';
import { reluSimulator } from '../../sim/components/relu.ts';
import { reluMoments } from '../../theory/relu.ts';
import { inputAndGradient, logInteger } from '../draw.ts';
import { FEATURES, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X } from '../params.ts';
import { standardClaims } from '../standardClaims.ts';
import type { Component, Regime } from '../types.ts';
import { untyped, untypedSimulator } from './shared.ts';

export const activationParams = [SIGMA_X, R_X, SIGMA_G, R_G, FEATURES, SEQ_LEN];

/** The theory states a zero-mean Gaussian input and nothing about sizes (ReLU's and GeLU's alike). */
export const zeroMeanGaussian: Regime = {
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
