import { reluSimulator } from '../../sim/components/relu.ts';
import { reluMoments, type ActivationConfig } from '../../theory/relu.ts';
import { FEATURES, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X } from '../params.ts';
import { defineRegime, inputAndGradient, logInt } from '../space.ts';
import { standardClaims } from '../standardClaims.ts';
import { defineComponent } from '../types.ts';

export const activationParams = [SIGMA_X, R_X, SIGMA_G, R_G, FEATURES, SEQ_LEN];

/** The theory states a zero-mean Gaussian input and nothing about sizes (ReLU's and GeLU's alike). */
export const zeroMeanGaussian = defineRegime({
  name: 'theory',
  describe: 'zero-mean Gaussian input',
  space: (budget) => ({
    ...inputAndGradient,
    d: logInt(1, budget.maxSize),
    seqLen: logInt(2, budget.maxSize),
  }),
  toConfig: (p): ActivationConfig => ({ ...p }),
});

export const relu = defineComponent({
  key: 'relu',
  describe: 'ReLU',
  section: '3.3',
  params: activationParams,
  simulator: reluSimulator,
  regimes: [zeroMeanGaussian],
  claims: standardClaims('relu', reluMoments),
});
