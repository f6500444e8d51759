import fc from 'fast-check';
import { ffnBlockSimulator } from '../../sim/components/ffnBlock.ts';
import { ffnBlockMoments, type FfnBlockConfig } from '../../theory/ffnBlock.ts';
import type { Budget } from '../../stats/budget.ts';
import { inputAndGradient, logInteger, logUniform, uniform } from '../draw.ts';
import { DROPOUT, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X, type ParamSpec } from '../params.ts';
import { standardClaims } from '../standardClaims.ts';
import type { Component, Config, Regime } from '../types.ts';
import { untypedSimulator } from './shared.ts';

const std1: ParamSpec = {
  key: 'sigma1',
  describe: 'std of W1',
  min: 0,
  minOpen: true,
  max: 1e6,
  default: { text: '1/sqrt(d)', from: (c) => 1 / Math.sqrt(c.d) },
};
const std2: ParamSpec = {
  key: 'sigma2',
  describe: 'std of W2',
  min: 0,
  minOpen: true,
  max: 1e6,
  default: { text: '1/sqrt(dFf)', from: (c) => 1 / Math.sqrt(c.dFf) },
};

export const ffnParams: ParamSpec[] = [
  SIGMA_X,
  R_X,
  SIGMA_G,
  R_G,
  { key: 'd', describe: 'model width', min: 1, max: 100_000, integer: true, default: 64 },
  {
    key: 'dFf',
    describe: 'hidden width d_f',
    min: 1,
    max: 100_000,
    integer: true,
    default: { text: '4*d', from: (c) => 4 * c.d },
  },
  std1,
  std2,
  { ...DROPOUT, describe: 'hidden dropout on the block output' },
  SEQ_LEN,
];

/** Widths d from `min`; d_f from d to 4d; weight gains 0.3 to 3 over the fan-in. */
const ffnDomain = (widths: (budget: Budget) => fc.Arbitrary<number>) => (budget: Budget) =>
  widths(budget)
    .chain((d) =>
      fc.record({
        ...inputAndGradient(),
        d: fc.constant(d),
        dFf: logInteger(d, 4 * d),
        gain1: logUniform(0.3, 3),
        gain2: logUniform(0.3, 3),
        dropout: uniform(0, 0.5),
        seqLen: logInteger(2, budget.maxSize),
      }),
    )
    .map(({ gain1, gain2, ...c }) => ({
      ...c,
      sigma1: gain1 / Math.sqrt(c.d),
      sigma2: gain2 / Math.sqrt(c.dFf),
    })) as fc.Arbitrary<Config>;

// Given W1 the pre-activations are exactly Gaussian with token correlation r (x is), and ReLU is
// scale-free, so the section-5.1 moments are exact in expectation at every width: one regime
// covers the theory's domain; a second keeps narrow layers, where weights dominate the noise.
export const ffnRegimes: Regime[] = [
  {
    name: 'wide',
    describe: 'widths d from 16',
    domain: ffnDomain((b) => logInteger(Math.min(16, b.maxSize), b.maxSize)),
  },
  { name: 'narrow', describe: 'widths d from 1 to 15', domain: ffnDomain(() => logInteger(1, 15)) },
];

const ffnTheory = (c: Config) => ({ mean: 0, ...ffnBlockMoments(c as unknown as FfnBlockConfig) });

/**
 * `forward.cov` is r_out*s2_out judged against s2_out (standardClaims' scale), so its relative
 * error is the error of the correlation r_out; likewise `backward.cov` for r_gin.
 */
export const ffnBlock: Component = {
  key: 'ffn-block',
  describe: 'FFN block Linear(d -> d_f) -> ReLU -> Linear(d_f -> d) -> dropout',
  section: '5.1',
  params: ffnParams,
  simulator: untypedSimulator(ffnBlockSimulator),
  regimes: ffnRegimes,
  claims: standardClaims('ffn-block', ffnTheory),
};
