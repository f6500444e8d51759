import { linearSimulator } from '../../sim/components/linear.ts';
import { linearMoments, type LinearConfig } from '../../theory/linear.ts';
import { MU_X, param, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X, weightStd } from '../params.ts';
import { defineRegime, inputAndGradient, logInt, logRange, range } from '../space.ts';
import { standardClaims } from '../standardClaims.ts';
import { defineComponent } from '../types.ts';

export const linear = defineComponent({
  key: 'linear',
  describe: 'Linear map y = xW with Gaussian W',
  section: '3.1',
  params: [
    MU_X,
    SIGMA_X,
    R_X,
    SIGMA_G,
    R_G,
    param({ key: 'dIn', describe: 'fan-in', min: 1, max: 100_000, integer: true, default: 128 }),
    param({ key: 'dOut', describe: 'fan-out', min: 1, max: 100_000, integer: true, default: 128 }),
    weightStd('sigmaW', 'weight std', 1, 'dIn'),
    SEQ_LEN,
  ],
  simulator: linearSimulator,
  regimes: [
    defineRegime({
      name: 'theory',
      describe: 'any input mean, weight gain sigmaW*sqrt(dIn) from 0.1 to 10',
      space: (budget) => ({
        muX: range(-10, 10),
        ...inputAndGradient,
        dIn: logInt(1, budget.maxSize),
        dOut: logInt(1, budget.maxSize),
        gain: logRange(0.1, 10),
        seqLen: logInt(2, budget.maxSize),
      }),
      toConfig: ({ gain, ...c }): LinearConfig => ({ ...c, sigmaW: gain / Math.sqrt(c.dIn) }),
    }),
  ],
  claims: standardClaims('linear', linearMoments),
});
