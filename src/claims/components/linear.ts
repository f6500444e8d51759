import fc from 'fast-check';
import { linearSimulator } from '../../sim/components/linear.ts';
import { linearMoments } from '../../theory/linear.ts';
import { inputAndGradient, logInteger, logUniform, uniform } from '../draw.ts';
import { MU_X, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X, weightStd, type ParamSpec } from '../params.ts';
import { standardClaims } from '../standardClaims.ts';
import type { Component } from '../types.ts';
import { untyped, untypedSimulator } from './shared.ts';

const params: ParamSpec[] = [
  MU_X,
  SIGMA_X,
  R_X,
  SIGMA_G,
  R_G,
  { key: 'dIn', describe: 'fan-in', min: 1, max: 100_000, integer: true, default: 128 },
  { key: 'dOut', describe: 'fan-out', min: 1, max: 100_000, integer: true, default: 128 },
  weightStd('sigmaW', 'weight std', 1, 'dIn'),
  SEQ_LEN,
];

export const linear: Component = {
  key: 'linear',
  describe: 'Linear map y = xW with Gaussian W',
  section: '3.1',
  params,
  simulator: untypedSimulator(linearSimulator),
  regimes: [
    {
      name: 'theory',
      describe: 'any input mean, weight gain sigmaW*sqrt(dIn) from 0.1 to 10',
      domain: (budget) =>
        fc
          .record({
            muX: uniform(-10, 10),
            ...inputAndGradient(),
            dIn: logInteger(1, budget.maxSize),
            dOut: logInteger(1, budget.maxSize),
            gain: logUniform(0.1, 10),
            seqLen: logInteger(2, budget.maxSize),
          })
          .map(({ gain, ...c }) => ({ ...c, sigmaW: gain / Math.sqrt(c.dIn) })),
    },
  ],
  claims: standardClaims('linear', untyped(linearMoments)),
};
