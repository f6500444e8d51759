/**
 * FORMULAS.md 4: `n_e` summed embedding tables with entries N(0, s2e), then inverted dropout p.
 * Two different tokens of one sample share an entry of a table exactly when they share its index
 * (token id, position, segment); shared entries are what correlate them.
 */
export interface EmbeddingConfig {
  /** n_e: number of summed tables (BERT: word, position, token type = 3) */
  tables: number;
  /** s_e: per-entry std of every table */
  sigmaE: number;
  dropout: number;
  /** P(same token) for two different positions; sum_v p_v^2 for unigram tokens */
  pSameToken: number;
  /**
   * P(same position). Two different tokens of one sample never share a position, so under the
   * section-1 definition of r this is 0; kept because the sheet lists it.
   */
  pSamePosition: number;
  /** P(same segment) for two different positions of one sample */
  pSameSegment: number;
}

export interface EmbeddingMoments {
  mean: number;
  variance: number;
  tokenCovariance: number;
  tokenCorrelation: number;
}

/** mu = 0, s2 = n_e*s2e/(1-p), r = (1-p)*[P(same token) + P(same position) + P(same segment)]/n_e */
export function embeddingMoments(c: EmbeddingConfig): EmbeddingMoments {
  const s2e = c.sigmaE ** 2;
  const keep = 1 - c.dropout;
  const shared = c.pSameToken + c.pSamePosition + c.pSameSegment;
  const variance = (c.tables * s2e) / keep;
  // dropout masks are independent across tokens, so the covariance is not rescaled
  const tokenCovariance = s2e * shared;
  return { mean: 0, variance, tokenCovariance, tokenCorrelation: (keep * shared) / c.tables };
}

/** The table std that starts the residual stream at variance 1 (DSLM): s2e = (1-p)/n_e. */
export function unitVarianceEmbeddingStd(tables: number, dropout: number): number {
  return Math.sqrt((1 - dropout) / tables);
}

/** P(same token) for i.i.d. unigram tokens: sum_v p_v^2. */
export function unigramRepeatProbability(probabilities: readonly number[]): number {
  let sum = 0;
  for (const p of probabilities) sum += p * p;
  return sum;
}

/** Zipf unigram distribution over ranks 1..vocab: p_v proportional to v^-exponent. */
export function zipfProbabilities(vocab: number, exponent: number): number[] {
  if (!Number.isInteger(vocab) || vocab < 1)
    throw new RangeError(`vocab must be a positive integer, got ${vocab}`);
  const weights = Array.from({ length: vocab }, (_, i) => (i + 1) ** -exponent);
  // sum smallest first: the tail terms would otherwise be lost against the head
  let total = 0;
  for (let i = vocab - 1; i >= 0; i--) total += weights[i];
  return weights.map((w) => w / total);
}
