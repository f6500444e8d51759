import fc from 'fast-check';
import { dropoutSimulator } from '../../sim/components/dropout.ts';
import { dropoutMoments } from '../../theory/dropout.ts';
import { inputAndGradient, logInteger, uniform } from '../draw.ts';
import { DROPOUT, FEATURES, MU_X, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X } from '../params.ts';
import { standardClaims } from '../standardClaims.ts';
import type { Component } from '../types.ts';
import { untyped, untypedSimulator } from './shared.ts';

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
