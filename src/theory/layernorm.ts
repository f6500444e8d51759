import type { LayerNormMoments } from './moments.ts';

export interface LayerNormConfig {
  muX: number;
  sigmaX: number;
  rX: number;
  sigmaG: number;
  rG: number;
  /** features normalised together */
  d: number;
  seqLen: number;
}

/** FORMULAS.md 3.5: gamma = 1, beta = 0, biased variance, eps = 1e-5. The input mean drops out. */
export function layerNormMoments(c: LayerNormConfig): LayerNormMoments {
  const s2x = c.sigmaX ** 2;
  const s2g = c.sigmaG ** 2;
  return {
    mean: 0,
    variance: 1,
    tokenCovariance: c.rX * (1 - 1 / c.d),
    featureCovariance: -1 / (c.d - 1),
    gradVariance: s2g / s2x,
    gradTokenCovariance: (c.rG * s2g) / s2x,
  };
}
