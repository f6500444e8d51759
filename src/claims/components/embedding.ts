import {
  embeddingSimulator,
  embeddingTheoryConfig,
  type EmbeddingSimConfig,
} from '../../sim/components/embedding.ts';
import { embeddingMoments, unitVarianceEmbeddingStd } from '../../theory/embedding.ts';
import { DROPOUT, param, SEQ_LEN } from '../params.ts';
import { defineRegime, intRange, logInt, range, std } from '../space.ts';
import { defineComponent, type Claim } from '../types.ts';
import { momentClaim } from './momentClaim.ts';

const K = 'embedding';
const theory = (c: EmbeddingSimConfig) => embeddingMoments(embeddingTheoryConfig(c));

/** The covariance is r*s2 judged against s2, so its relative error is the correlation's error. */
const claims: Claim<EmbeddingSimConfig>[] = [
  momentClaim(
    K,
    'forward.mean',
    'output mean',
    'output',
    'mean',
    () => 0,
    (c) => Math.sqrt(theory(c).variance),
  ),
  momentClaim(
    K,
    'forward.var',
    'output variance n_e*s2e/(1-p)',
    'output',
    'variance',
    (c) => theory(c).variance,
    (c) => theory(c).variance,
  ),
  momentClaim(
    K,
    'forward.cov',
    'token covariance from repeat probabilities (error reads as correlation error)',
    'output',
    'covariance',
    (c) => theory(c).tokenCovariance,
    (c) => theory(c).variance,
  ),
];

export const embedding = defineComponent({
  key: K,
  describe: 'summed word/position/segment embeddings with dropout, Zipf tokens',
  section: '4',
  params: [
    param({
      key: 'tables',
      describe: 'summed tables: 1 word, 2 + position, 3 + segment',
      min: 1,
      max: 3,
      integer: true,
      default: 3,
    }),
    param({
      key: 'sigmaE',
      describe: 'table entry std',
      min: 0,
      minOpen: true,
      max: 1e6,
      default: {
        text: 'sqrt((1-dropout)/tables)',
        from: (c) => unitVarianceEmbeddingStd(c.tables, c.dropout),
      },
    }),
    DROPOUT,
    param({
      key: 'vocab',
      describe: 'vocabulary size',
      min: 1,
      max: 1_000_000,
      integer: true,
      default: 30522,
    }),
    param({
      key: 'zipfExponent',
      describe: 'Zipf exponent s of the unigram, p_v ~ v^-s',
      min: 0,
      max: 10,
      default: 1,
    }),
    SEQ_LEN,
    param({ key: 'd', describe: 'embedding width', min: 1, max: 100_000, integer: true, default: 64 }),
  ],
  simulator: embeddingSimulator,
  regimes: [
    defineRegime({
      name: 'theory',
      describe: 'any table count, vocabulary 2 to 30000, Zipf exponent 0.5 to 1.5, dropout up to 1/2',
      space: (budget) => ({
        tables: intRange(1, 3),
        sigmaE: std,
        dropout: range(0, 0.5),
        vocab: logInt(2, 30_000),
        zipfExponent: range(0.5, 1.5),
        seqLen: logInt(2, budget.maxSize),
        d: logInt(1, budget.maxSize),
      }),
      toConfig: (p): EmbeddingSimConfig => ({ ...p }),
    }),
    defineRegime({
      name: 'bert',
      describe: 'BERT-like: 3 tables, vocabulary 30522, Zipf 1, DSLM table std, dropout 0.1',
      space: (budget) => ({
        seqLen: logInt(Math.min(16, budget.maxSize), budget.maxSize),
        d: logInt(Math.min(16, budget.maxSize), budget.maxSize),
      }),
      toConfig: (c): EmbeddingSimConfig => ({
        tables: 3,
        sigmaE: unitVarianceEmbeddingStd(3, 0.1),
        dropout: 0.1,
        vocab: 30522,
        zipfExponent: 1,
        ...c,
      }),
    }),
  ],
  claims,
});
