import { ffnBlockSimulator, type FfnBlockSimConfig } from '../../sim/components/ffnBlock.ts';
import { ffnBlockMoments } from '../../theory/ffnBlock.ts';
import type { Budget } from '../../stats/budget.ts';
import { DROPOUT, param, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X } from '../params.ts';
import { defineRegime, inputAndGradient, logInt, logRange, range, type Axis } from '../space.ts';
import { standardClaims } from '../standardClaims.ts';
import { defineComponent } from '../types.ts';

export const ffnParams = [
  SIGMA_X,
  R_X,
  SIGMA_G,
  R_G,
  param({ key: 'd', describe: 'model width', min: 1, max: 100_000, integer: true, default: 64 }),
  param({
    key: 'dFf',
    describe: 'hidden width d_f',
    min: 1,
    max: 100_000,
    integer: true,
    default: { text: '4*d', from: (c) => 4 * c.d },
  }),
  param({
    key: 'sigma1',
    describe: 'std of W1',
    min: 0,
    minOpen: true,
    max: 1e6,
    default: { text: '1/sqrt(d)', from: (c) => 1 / Math.sqrt(c.d) },
  }),
  param({
    key: 'sigma2',
    describe: 'std of W2',
    min: 0,
    minOpen: true,
    max: 1e6,
    default: { text: '1/sqrt(dFf)', from: (c) => 1 / Math.sqrt(c.dFf) },
  }),
  { ...DROPOUT, describe: 'hidden dropout on the block output' },
  SEQ_LEN,
];

/**
 * Widths d on `widths`; d_f from d to 4d (drawn as the ratio d_f/d, log-uniform); weight gains
 * 0.3 to 3 over the fan-in.
 */
export const ffnSpace = (widths: Axis, budget: Budget) => ({
  ...inputAndGradient,
  d: widths,
  hiddenRatio: logRange(1, 4),
  gain1: logRange(0.3, 3),
  gain2: logRange(0.3, 3),
  dropout: range(0, 0.5),
  seqLen: logInt(2, budget.maxSize),
});

type FfnPoint = { [K in keyof ReturnType<typeof ffnSpace>]: number };

export function ffnConfig({ hiddenRatio, gain1, gain2, ...c }: FfnPoint): FfnBlockSimConfig {
  const dFf = Math.round(c.d * hiddenRatio);
  return { ...c, dFf, sigma1: gain1 / Math.sqrt(c.d), sigma2: gain2 / Math.sqrt(dFf) };
}

/** d from 16 (capped by the budget). */
export const wideFfnSpace = (budget: Budget) =>
  ffnSpace(logInt(Math.min(16, budget.maxSize), budget.maxSize), budget);

// Given W1 the pre-activations are exactly Gaussian with token correlation r (x is), and ReLU is
// scale-free, so the section-5.1 moments are exact in expectation at every width: one regime
// covers the theory's domain; a second keeps narrow layers, where weights dominate the noise.
export const ffnRegimes = [
  defineRegime({ name: 'wide', describe: 'widths d from 16', space: wideFfnSpace, toConfig: ffnConfig }),
  defineRegime({
    name: 'narrow',
    describe: 'widths d from 1 to 15',
    space: (budget: Budget) => ffnSpace(logInt(1, 15), budget),
    toConfig: ffnConfig,
  }),
];

const ffnTheory = (c: FfnBlockSimConfig) => ({ mean: 0, ...ffnBlockMoments(c) });

/**
 * `forward.cov` is r_out*s2_out judged against s2_out (standardClaims' scale), so its relative
 * error is the error of the correlation r_out; likewise `backward.cov` for r_gin.
 */
export const ffnBlock = defineComponent({
  key: 'ffn-block',
  describe: 'FFN block Linear(d -> d_f) -> ReLU -> Linear(d_f -> d) -> dropout',
  section: '5.1',
  params: ffnParams,
  simulator: ffnBlockSimulator,
  regimes: ffnRegimes,
  claims: standardClaims('ffn-block', ffnTheory),
});
