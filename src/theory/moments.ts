/**
 * What every component formula predicts: the first two moments of its output `y` and of the
 * gradient `gin` at its input, with the cross-token covariance (FORMULAS.md section 1 notation).
 */
export interface ComponentMoments {
  /** mu_y */
  mean: number;
  /** s2y */
  variance: number;
  /** Cov_y: two different tokens, same feature, same sample */
  tokenCovariance: number;
  /** s2gin */
  gradVariance: number;
  /** Cov_gin */
  gradTokenCovariance: number;
}

/** LayerNorm also predicts the covariance of two different features of one token. */
export interface LayerNormMoments extends ComponentMoments {
  featureCovariance: number;
}
