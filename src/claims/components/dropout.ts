import { dropoutSimulator } from '../../sim/components/dropout.ts';
import { dropoutMoments, type DropoutConfig } from '../../theory/dropout.ts';
import { DROPOUT, FEATURES, MU_X, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X } from '../params.ts';
import { defineRegime, inputAndGradient, logInt, range } from '../space.ts';
import { standardClaims } from '../standardClaims.ts';
import { defineComponent } from '../types.ts';

export const dropout = defineComponent({
  key: 'dropout',
  describe: 'inverted dropout',
  section: '3.2',
  params: [MU_X, SIGMA_X, R_X, SIGMA_G, R_G, DROPOUT, FEATURES, SEQ_LEN],
  simulator: dropoutSimulator,
  regimes: [
    defineRegime({
      name: 'theory',
      describe: 'any input mean, dropout 0 to 0.7',
      space: (budget) => ({
        muX: range(-10, 10),
        ...inputAndGradient,
        dropout: range(0, 0.7),
        d: logInt(1, budget.maxSize),
        seqLen: logInt(2, budget.maxSize),
      }),
      toConfig: (p): DropoutConfig => ({ ...p }),
    }),
  ],
  claims: standardClaims('dropout', dropoutMoments),
});
