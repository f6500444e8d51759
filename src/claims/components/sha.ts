import fc from 'fast-check';
import { causalShaSimulator, shaSimulator } from '../../sim/components/sha.ts';
import { causalLastGradVariance, causalShaAt, causalShaMoments } from '../../theory/causalAttention.ts';
import { withVariants } from '../variant.ts';
import type { ShaConfig } from '../../theory/sha.ts';
import { lastTokenAllPaths, positionClaims } from '../positionClaims.ts';
import { shaMoments } from '../../theory/sha.ts';
import type { Budget } from '../../stats/budget.ts';
import { logInteger } from '../draw.ts';
import { DROPOUT, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X, weightStd, type ParamSpec } from '../params.ts';
import { standardClaims } from '../standardClaims.ts';
import type { Component, Config, Regime } from '../types.ts';
import {
  attentionCommon,
  DSLM_SCORES,
  queryKeyStd,
  SMALL_SCORES,
  XAVIER_SCORES,
  type AttentionRegimeSpec,
} from './attentionDomain.ts';
import { untyped, untypedSimulator } from './shared.ts';

export const shaParams: ParamSpec[] = [
  SIGMA_X,
  R_X,
  SIGMA_G,
  R_G,
  { key: 'dIn', describe: 'input width d_in', min: 1, max: 100_000, integer: true, default: 128 },
  { key: 'dOut', describe: 'head width d_k = d_v', min: 1, max: 100_000, integer: true, default: 64 },
  weightStd('sigmaQ', 'std of W_q', 0.5, 'dIn'),
  weightStd('sigmaK', 'std of W_k', 0.5, 'dIn'),
  weightStd('sigmaV', 'std of W_v', 1, 'dIn'),
  { ...DROPOUT, key: 'attentionDropout', describe: 'attention dropout on the probabilities', default: 0 },
  SEQ_LEN,
];

const lengths =
  (min: number, max = Infinity) =>
  (budget: Budget) =>
    logInteger(Math.min(min, budget.maxSize), Math.min(max, budget.maxSize));

function regime(name: string, describe: string, spec: AttentionRegimeSpec): Regime {
  return {
    name,
    describe,
    domain: (budget) =>
      fc
        .record({
          ...attentionCommon(spec, budget),
          dIn: logInteger(16, budget.maxSize),
          dOut: logInteger(8, Math.min(256, budget.maxSize)),
        })
        .map(({ gainV, scoreVariance, ...c }) => {
          const sq = queryKeyStd(scoreVariance, c.dIn, c.sigmaX);
          return { ...c, sigmaQ: sq, sigmaK: sq, sigmaV: gainV / Math.sqrt(c.dIn) };
        }) as fc.Arbitrary<Config>,
  };
}

export const shaRegimes: Regime[] = [
  regime('small-scores', "the theory's domain without dropout: s2s <= 0.13 (reference grid), any length", {
    scoreVariance: SMALL_SCORES,
    attentionDropout: [0, 0],
    seqLen: lengths(2),
  }),
  regime('small-scores-dropout', 'small s2s with attention dropout 0.1 to 2/3, sequences of 128 and up', {
    scoreVariance: SMALL_SCORES,
    attentionDropout: [0.1, 2 / 3],
    seqLen: lengths(128),
  }),
  // where the sheet's missing dropout term is large: its relative error is r*p/(r*(1-p)*(L-1) + 1)
  // at s2s = 0, at least 8% for L <= 4, r >= 0.5, p >= 1/3 (and under 1.5% from L = 128)
  regime(
    'small-scores-dropout-short',
    'small s2s, attention dropout 1/3 to 2/3, correlated input (r >= 0.5) on 2 to 4 tokens',
    {
      scoreVariance: SMALL_SCORES,
      attentionDropout: [1 / 3, 2 / 3],
      seqLen: lengths(2, 4),
      correlation: [0.5, 0.95],
    },
  ),
  regime('dslm-init', 'DSLM initialisation: s2s 0.8 to 1.25, attention dropout up to 0.1', {
    scoreVariance: DSLM_SCORES,
    attentionDropout: [0, 0.1],
    seqLen: lengths(16),
  }),
  regime('xavier-init', 'Xavier initialisation at width ~1024: s2s 2 to 4, attention dropout up to 0.1', {
    scoreVariance: XAVIER_SCORES,
    attentionDropout: [0, 0.1],
    seqLen: lengths(16),
  }),
];

export const sha: Component = {
  key: 'sha',
  describe: 'single-head scaled dot-product attention, no output projection',
  section: '3.7',
  params: shaParams,
  simulator: untypedSimulator(shaSimulator),
  regimes: shaRegimes,
  claims: standardClaims('sha', untyped(shaMoments)),
};

/** Causal SHA (docs/theory-extensions.md 1): the same keys and regimes, pooled and per-position claims. */
export const shaCausal: Component = {
  key: 'sha.causal',
  describe: 'single-head attention with a causal mask: token t attends to tokens 0..t',
  section: 'ext-1',
  params: shaParams,
  simulator: untypedSimulator(causalShaSimulator),
  regimes: shaRegimes,
  claims: withVariants(
    [
      ...standardClaims('sha.causal', untyped(causalShaMoments)),
      ...positionClaims('sha.causal', (c, position) => causalShaAt(c as unknown as ShaConfig, position)),
    ],
    [lastTokenAllPaths('sha.causal', untyped(causalLastGradVariance))],
  ),
};
