import {
  attentionBlockSimulator,
  causalAttentionBlockSimulator,
} from '../../sim/components/attentionBlock.ts';
import {
  causalAttentionBlockMoments,
  causalBlockAllPathsGradVariance,
  causalBlockLastGradVariance,
} from '../../theory/causalAttention.ts';
import { withVariants } from '../variant.ts';
import type { Position } from '../../theory/positions.ts';
import { lastTokenAllPaths, positionAllPaths, positionClaims } from '../positionClaims.ts';
import {
  attentionBlockMoments,
  type AttentionBlockConfig,
  type AttentionForm,
} from '../../theory/attentionBlock.ts';
import type { Budget } from '../../stats/budget.ts';
import type { Constraint } from '../limits.ts';
import { DROPOUT, param, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X, weightStd } from '../params.ts';
import { defineRegime, intRange, logInt, logRange, range } from '../space.ts';
import { standardClaims } from '../standardClaims.ts';
import { defineComponent, type Claim } from '../types.ts';
import {
  attentionSpace,
  DSLM_SCORES,
  queryKeyStd,
  SMALL_SCORES,
  XAVIER_SCORES,
  type AttentionRegimeSpec,
} from './attentionDomain.ts';

const K = 'attention-block';

export const attentionBlockParams = [
  SIGMA_X,
  R_X,
  SIGMA_G,
  R_G,
  param({
    key: 'd',
    describe: 'model width (a multiple of heads)',
    min: 1,
    max: 100_000,
    integer: true,
    default: 128,
  }),
  param({
    key: 'heads',
    describe: 'attention heads h, d_k = d/h',
    min: 1,
    max: 1024,
    integer: true,
    default: 4,
  }),
  SEQ_LEN,
  weightStd('sigmaQ', 'std of W_q', 0.5, 'd'),
  weightStd('sigmaK', 'std of W_k', 0.5, 'd'),
  weightStd('sigmaV', 'std of W_v', 1, 'd'),
  weightStd('sigmaO', 'std of W_o', 1, 'd'),
  { ...DROPOUT, describe: 'hidden dropout p_h on the block output' },
  {
    ...DROPOUT,
    key: 'attentionDropout' as const,
    describe: 'attention dropout p_a on the probabilities',
    default: 0.1,
  },
];

/**
 * Heads 1, 2, 4 or 8 (drawn as log2 h); head widths 8 to 64 with d = h*d_k capped by the budget
 * (the cap clamps d_k, so wide heads meet many heads only as far as the budget allows).
 */
function regime(name: string, describe: string, spec: AttentionRegimeSpec) {
  return defineRegime({
    name,
    describe,
    space: (budget: Budget) => ({
      ...attentionSpace(spec, budget),
      headsLog2: intRange(0, 3),
      dHead: logInt(Math.min(8, budget.maxSize), Math.min(64, budget.maxSize)),
      gainO: logRange(0.316, 3.16),
      dropout: range(0, 0.5),
    }),
    toConfig: ({ gainV, gainO, scoreVariance, dHead, headsLog2, ...c }, budget): AttentionBlockConfig => {
      const heads = 2 ** headsLog2;
      const d = heads * Math.max(1, Math.min(dHead, Math.floor(budget.maxSize / heads)));
      const sq = queryKeyStd(scoreVariance, d, c.sigmaX);
      return {
        ...c,
        heads,
        d,
        sigmaQ: sq,
        sigmaK: sq,
        sigmaV: gainV / Math.sqrt(d),
        sigmaO: gainO / Math.sqrt(d),
      };
    },
  });
}

export const attentionBlockRegimes = [
  regime(
    'small-scores',
    "the theory's domain: s2s <= 0.13, both dropouts up to 1/2, sequences of 64 and up",
    {
      scoreVariance: SMALL_SCORES,
      attentionDropout: [0, 0.5],
      seqLen: [64],
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

/** Block moments with the mean the block has (0: W_o is zero-mean), for standardClaims. */
const theory = (form: AttentionForm) => (c: AttentionBlockConfig) => ({
  mean: 0,
  ...attentionBlockMoments(c, form),
});

/**
 * The sheet states a variance and a correlation; a covariance judged against the variance (the
 * standard scale) has the error of the correlation, so `forward.cov` tests r_out*s2_out.
 */
const full = standardClaims(K, theory('full'));
const small: Claim<AttentionBlockConfig>[] = standardClaims(K, theory('small'))
  .filter((c) => !c.id.endsWith('.mean'))
  .map((c) => ({ ...c, id: `${c.id}.small`, describe: `${c.describe}, small-s2s closed form` }));

const HEADS_DIVIDE_D: Constraint<AttentionBlockConfig> = {
  describe: 'heads divides d',
  violation: (c) => (c.d % c.heads === 0 ? undefined : `config.heads: ${c.heads} does not divide d = ${c.d}`),
};

export const attentionBlock = defineComponent({
  key: K,
  describe: 'multi-head attention block: h heads, W_o, attention and hidden dropout',
  section: '5.2',
  params: attentionBlockParams,
  constraints: [HEADS_DIVIDE_D],
  simulator: attentionBlockSimulator,
  regimes: attentionBlockRegimes,
  claims: [...full, ...small],
});

const causal = (c: AttentionBlockConfig, position?: Position) => ({
  mean: 0,
  ...causalAttentionBlockMoments(c, position),
});

/** The causal attention block (docs/theory-extensions.md 2): 5.2's chain with causal heads. */
export const attentionBlockCausal = defineComponent({
  key: 'attention-block.causal',
  describe: 'multi-head attention block with a causal mask: h heads, W_o, attention and hidden dropout',
  section: 'ext-2',
  params: attentionBlockParams,
  constraints: [HEADS_DIVIDE_D],
  simulator: causalAttentionBlockSimulator,
  regimes: [
    ...attentionBlockRegimes,
    // the first tokens of a causal row are short rows: where attention dropout's term is large (sha's short regime)
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
  ],
  claims: withVariants(
    [
      ...standardClaims('attention-block.causal', (c: AttentionBlockConfig) => causal(c)),
      ...positionClaims('attention-block.causal', causal),
    ],
    [
      ...positionAllPaths('attention-block.causal', causalBlockAllPathsGradVariance),
      lastTokenAllPaths('attention-block.causal', causalBlockLastGradVariance),
    ],
  ),
});
