import { crossAttentionSimulator } from '../../sim/components/crossAttention.ts';
import { crossAttentionMoments, type CrossAttentionConfig } from '../../theory/crossAttention.ts';
import { DROPOUT, param, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X, weightStd } from '../params.ts';
import { defineRegime, logInt, std } from '../space.ts';
import { standardClaims } from '../standardClaims.ts';
import { defineComponent, type Claim } from '../types.ts';
import {
  attentionSpace,
  correlationAxis,
  lengthAxis,
  DSLM_SCORES,
  SMALL_SCORES,
  XAVIER_SCORES,
  type AttentionRegimeSpec,
} from './attentionDomain.ts';

const K = 'cross-attention';

const params = [
  { ...SIGMA_X, describe: 'decoder-stream std (the queries)' },
  { ...R_X, describe: 'decoder-stream token correlation' },
  { ...SIGMA_X, key: 'sigmaE' as const, describe: 'encoder-stream std (the keys and values)' },
  { ...R_X, key: 'rE' as const, describe: 'encoder-stream token correlation' },
  SIGMA_G,
  R_G,
  param({
    key: 'dIn',
    describe: 'width d_in of both streams',
    min: 1,
    max: 100_000,
    integer: true,
    default: 128,
  }),
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
  { ...SEQ_LEN, describe: 'decoder tokens L_d', min: 1 },
  { ...SEQ_LEN, key: 'encoderLen' as const, describe: 'encoder tokens L_e', min: 1 },
];

/** As SHA's regimes, with an encoder stream of its own: s2s = d_in^2*s2d*s2e*sq^2*sk^2 sets sigma_q = sigma_k. */
function regime(name: string, describe: string, spec: AttentionRegimeSpec) {
  return defineRegime({
    name,
    describe,
    space: (budget) => ({
      ...attentionSpace(spec, budget),
      sigmaE: std,
      rE: correlationAxis(spec),
      // decoder length: independent of the encoder's, from the same range
      encoderLen: lengthAxis(spec.seqLen, budget),
      dIn: logInt(16, budget.maxSize),
      dOut: logInt(8, Math.min(256, budget.maxSize)),
    }),
    toConfig: ({ gainV, scoreVariance, ...c }): CrossAttentionConfig => {
      const sq = scoreVariance ** 0.25 / Math.sqrt(c.dIn * c.sigmaX * c.sigmaE);
      return { ...c, sigmaQ: sq, sigmaK: sq, sigmaV: gainV / Math.sqrt(c.dIn) };
    },
  });
}

const regimes = [
  regime('small-scores', "the theory's domain without dropout: s2s <= 0.13, any lengths", {
    scoreVariance: SMALL_SCORES,
    attentionDropout: [0, 0],
    seqLen: [2],
  }),
  regime(
    'small-scores-dropout-short',
    'small s2s, attention dropout 1/3 to 2/3, correlated streams (r >= 0.5), 2 to 4 tokens',
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

const theory = crossAttentionMoments;

/** The encoder-side gradient: the claims standardClaims does not make. */
const encoderClaims: Claim<CrossAttentionConfig>[] = [
  {
    id: `${K}.backward.encoder.var`,
    describe: 'encoder-stream gradient variance (through keys and values)',
    component: K,
    observation: 'encoderGrad',
    moment: 'variance',
    predict: (c) => theory(c).encoderGradVariance,
    scale: (c) => Math.abs(theory(c).encoderGradVariance),
    tolerance: 0,
  },
  {
    id: `${K}.backward.encoder.cov`,
    describe: 'encoder-stream gradient covariance of two encoder tokens',
    component: K,
    observation: 'encoderGrad',
    moment: 'covariance',
    predict: (c) => theory(c).encoderGradTokenCovariance,
    scale: (c) => Math.max(Math.abs(theory(c).encoderGradTokenCovariance), theory(c).encoderGradVariance),
    tolerance: 0,
  },
];

export const crossAttention = defineComponent({
  key: K,
  describe:
    'single-head cross-attention: queries from a decoder stream, keys and values from an encoder stream',
  section: 'ext-3',
  params,
  simulator: crossAttentionSimulator,
  regimes,
  claims: [...standardClaims(K, theory), ...encoderClaims],
});
