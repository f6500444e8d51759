/**
 * FORMULAS.md 5: blocks chained from the section-3 components. The input is zero-mean with
 * variance s2x and token correlation r; the upstream gradient has s2g and r_g.
 */
export interface BlockMoments {
  variance: number;
  tokenCovariance: number;
  tokenCorrelation: number;
  gradVariance: number;
  gradTokenCovariance: number;
  gradTokenCorrelation: number;
}

/** Variance and cross-token covariance of one stream (activations or gradients). */
export interface SecondMoments {
  variance: number;
  tokenCovariance: number;
}

/** Rounding can push a correlation computed as a ratio a few ulps past 1, where asin is NaN. */
export function clampCorrelation(r: number): number {
  return Math.min(1, Math.max(-1, r));
}

/** A block's moments with the correlations they imply. */
export function withCorrelations(
  variance: number,
  tokenCovariance: number,
  gradVariance: number,
  gradTokenCovariance: number,
): BlockMoments {
  return {
    variance,
    tokenCovariance,
    tokenCorrelation: tokenCovariance / variance,
    gradVariance,
    gradTokenCovariance,
    gradTokenCorrelation: gradTokenCovariance / gradVariance,
  };
}
