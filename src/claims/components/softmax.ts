import { softmaxSimulator } from '../../sim/components/softmax.ts';
import {
  softmaxGradVarianceApprox,
  softmaxGradVarianceFull,
  softmaxMean,
  softmaxVarianceApprox,
  softmaxVarianceFull,
  type SoftmaxConfig,
} from '../../theory/softmax.ts';
import type { Budget } from '../../stats/budget.ts';
import { param, R_X, SIGMA_G, SIGMA_X } from '../params.ts';
import { defineRegime, logInt, logRange, range } from '../space.ts';
import { defineComponent } from '../types.ts';
import { momentClaim } from './momentClaim.ts';

/**
 * Softmax rows are cheap (no weights, 2L elements a row), so rows run ten times longer than the
 * budget's width cap: the reference grid goes to L = 10000, which `thorough` reaches.
 */
const maxRow = (budget: Budget) => Math.min(10_000, 10 * budget.maxSize);

const rows = (min: number, budget: Budget) => logInt(Math.min(min, maxRow(budget)), maxRow(budget));

/** The reference grid's ranges: sigma_x 0.01..1, r 0..0.8, sigma_g 0.316..3.16, L 300..10000. */
const reference = defineRegime({
  name: 'reference',
  describe: 'reference grid ranges: t2 = (1-r)*s2x up to 1, rows of 300 to 10000',
  space: (budget) => ({
    sigmaX: logRange(0.01, 1),
    rX: range(0, 0.8),
    sigmaG: logRange(0.316, 3.16),
    seqLen: rows(300, budget),
  }),
  toConfig: (p): SoftmaxConfig => ({ ...p }),
});

/**
 * Attention rows at real initialisations: score variance ~1 (DSLM) to ~4 (Xavier at d = 1024),
 * i.e. t2 from 1 to 4 with r = 0, and rows as short as 16 tokens.
 */
const attentionScores = defineRegime({
  name: 'attention-init',
  describe: 'attention rows at real initialisations: t2 from 1 to 4, rows of 16 and up',
  space: (budget) => ({ t2: range(1, 4), sigmaG: logRange(0.316, 3.16), seqLen: rows(16, budget) }),
  toConfig: ({ t2, ...c }): SoftmaxConfig => ({ sigmaX: Math.sqrt(t2), rX: 0, ...c }),
});

const k = 'softmax';

export const softmax = defineComponent({
  key: k,
  describe: 'softmax over a row of length L (seqLen)',
  section: '3.6',
  params: [
    SIGMA_X,
    { ...R_X, describe: 'correlation of the entries along the row' },
    { ...SIGMA_G, describe: 'upstream gradient std (i.i.d., r_g = 0)' },
    param({ key: 'seqLen', describe: 'row length L', min: 2, max: 100_000, integer: true, default: 1000 }),
  ],
  simulator: softmaxSimulator,
  regimes: [reference, attentionScores],
  claims: [
    // exact, but every row sums to 1 only to float32 rounding on the engines (a relative 2e-10 was
    // seen at L = 16 against a standard error of 3e-10): the tolerance declares that measurement
    // limit, 1e-6, far below any precision a budget asks for
    {
      ...momentClaim(
        k,
        'forward.mean',
        'output mean 1/L',
        'output',
        'mean',
        softmaxMean,
        (c: SoftmaxConfig) => Math.max(1 / c.seqLen, Math.sqrt(softmaxVarianceApprox(c))),
      ),
      tolerance: 1e-6,
    },
    momentClaim(
      k,
      'forward.var.full',
      'output variance, full form',
      'output',
      'variance',
      softmaxVarianceFull,
      softmaxVarianceFull,
    ),
    momentClaim(
      k,
      'forward.var.approx',
      'output variance, (exp(t2)-1)/L^2',
      'output',
      'variance',
      softmaxVarianceApprox,
      softmaxVarianceApprox,
    ),
    momentClaim(
      k,
      'backward.var.full',
      'input-gradient variance, full form',
      'inputGrad',
      'variance',
      softmaxGradVarianceFull,
      softmaxGradVarianceFull,
    ),
    momentClaim(
      k,
      'backward.var.approx',
      'input-gradient variance, exp(t2)*s2g/L^2',
      'inputGrad',
      'variance',
      softmaxGradVarianceApprox,
      softmaxGradVarianceApprox,
    ),
  ],
});
