import { causalShaSimulator, shaSimulator } from '../../sim/components/sha.ts';
import {
  causalAllPathsGradVariance,
  causalLastGradVariance,
  causalShaAt,
  causalShaMoments,
} from '../../theory/causalAttention.ts';
import { withVariants } from '../variant.ts';
import { lastTokenAllPaths, positionAllPaths, positionClaims } from '../positionClaims.ts';
import { shaMoments, type ShaConfig } from '../../theory/sha.ts';
import { DROPOUT, param, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X, weightStd } from '../params.ts';
import { defineRegime, logInt } from '../space.ts';
import { standardClaims } from '../standardClaims.ts';
import { defineComponent } from '../types.ts';
import {
  attentionSpace,
  DSLM_SCORES,
  queryKeyStd,
  SMALL_SCORES,
  XAVIER_SCORES,
  type AttentionRegimeSpec,
} from './attentionDomain.ts';

export const shaParams = [
  SIGMA_X,
  R_X,
  SIGMA_G,
  R_G,
  param({ key: 'dIn', describe: 'input width d_in', min: 1, max: 100_000, integer: true, default: 128 }),
  param({ key: 'dOut', describe: 'head width d_k = d_v', min: 1, max: 100_000, integer: true, default: 64 }),
  weightStd('sigmaQ', 'std of W_q', 0.5, 'dIn'),
  weightStd('sigmaK', 'std of W_k', 0.5, 'dIn'),
  weightStd('sigmaV', 'std of W_v', 1, 'dIn'),
  {
    ...DROPOUT,
    key: 'attentionDropout' as const,
    describe: 'attention dropout on the probabilities',
    default: 0,
  },
  SEQ_LEN,
];

function regime(name: string, describe: string, spec: AttentionRegimeSpec) {
  return defineRegime({
    name,
    describe,
    space: (budget) => ({
      ...attentionSpace(spec, budget),
      dIn: logInt(16, budget.maxSize),
      dOut: logInt(8, Math.min(256, budget.maxSize)),
    }),
    toConfig: ({ gainV, scoreVariance, ...c }): ShaConfig => {
      const sq = queryKeyStd(scoreVariance, c.dIn, c.sigmaX);
      return { ...c, sigmaQ: sq, sigmaK: sq, sigmaV: gainV / Math.sqrt(c.dIn) };
    },
  });
}

export const shaRegimes = [
  regime('small-scores', "the theory's domain without dropout: s2s <= 0.13 (reference grid), any length", {
    scoreVariance: SMALL_SCORES,
    attentionDropout: [0, 0],
    seqLen: [2],
  }),
  regime('small-scores-dropout', 'small s2s with attention dropout 0.1 to 2/3, sequences of 128 and up', {
    scoreVariance: SMALL_SCORES,
    attentionDropout: [0.1, 2 / 3],
    seqLen: [128],
  }),
  // where the sheet's missing dropout term is large: its relative error is r*p/(r*(1-p)*(L-1) + 1)
  // at s2s = 0, at least 8% for L <= 4, r >= 0.5, p >= 1/3 (and under 1.5% from L = 128)
  regime(
    'small-scores-dropout-short',
    'small s2s, attention dropout 1/3 to 2/3, correlated input (r >= 0.5) on 2 to 4 tokens',
    {
      scoreVariance: SMALL_SCORES,
      attentionDropout: [1 / 3, 2 / 3],
      seqLen: [2, 4],
      correlation: [0.5, 0.95],
    },
  ),
  regime('dslm-init', 'DSLM initialisation: s2s 0.8 to 1.25, attention dropout up to 0.1', {
    scoreVariance: DSLM_SCORES,
    attentionDropout: [0, 0.1],
    seqLen: [16],
  }),
  regime('xavier-init', 'Xavier initialisation at width ~1024: s2s 2 to 4, attention dropout up to 0.1', {
    scoreVariance: XAVIER_SCORES,
    attentionDropout: [0, 0.1],
    seqLen: [16],
  }),
];

export const sha = defineComponent({
  key: 'sha',
  describe: 'single-head scaled dot-product attention, no output projection',
  section: '3.7',
  params: shaParams,
  simulator: shaSimulator,
  regimes: shaRegimes,
  claims: standardClaims('sha', shaMoments),
});

/** Causal SHA (docs/theory-extensions.md 1): the same keys and regimes, pooled and per-position claims. */
export const shaCausal = defineComponent({
  key: 'sha.causal',
  describe: 'single-head attention with a causal mask: token t attends to tokens 0..t',
  section: 'ext-1',
  params: shaParams,
  simulator: causalShaSimulator,
  regimes: shaRegimes,
  claims: withVariants(
    [...standardClaims('sha.causal', causalShaMoments), ...positionClaims('sha.causal', causalShaAt)],
    [
      ...positionAllPaths('sha.causal', causalAllPathsGradVariance),
      lastTokenAllPaths('sha.causal', causalLastGradVariance),
    ],
  ),
});
