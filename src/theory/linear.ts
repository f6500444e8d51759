import type { ComponentMoments } from './moments.ts';

export interface LinearConfig {
  muX: number;
  sigmaX: number;
  rX: number;
  sigmaG: number;
  rG: number;
  /** per-element std of W (s_w) */
  sigmaW: number;
  dIn: number;
  dOut: number;
  seqLen: number;
}

/** FORMULAS.md 3.1, `y = x W`. Exact in expectation over data and weights. */
export function linearMoments(c: LinearConfig): ComponentMoments {
  const s2x = c.sigmaX ** 2;
  const s2w = c.sigmaW ** 2;
  const s2g = c.sigmaG ** 2;
  const mu2 = c.muX ** 2;
  return {
    mean: 0,
    variance: c.dIn * s2w * (s2x + mu2),
    // one W multiplies every token, so the input mean survives into the token covariance
    tokenCovariance: c.dIn * s2w * (c.rX * s2x + mu2),
    gradVariance: c.dOut * s2w * s2g,
    gradTokenCovariance: c.dOut * s2w * c.rG * s2g,
  };
}
