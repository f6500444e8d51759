import type { ComponentMoments } from './moments.ts';

/**
 * FORMULAS.md 3.7: single-head scaled dot-product attention without output projection.
 * `dIn` is the input width, `dOut` the head width d_k = d_v, `attentionDropout` the attention dropout p
 * (applied to the softmax output A). The input is zero-mean.
 */
export interface ShaConfig {
  sigmaX: number;
  rX: number;
  sigmaG: number;
  rG: number;
  sigmaQ: number;
  sigmaK: number;
  sigmaV: number;
  dIn: number;
  dOut: number;
  attentionDropout: number;
  seqLen: number;
}

const { exp } = Math;

/** s2s = d_in^2*s2x^2*sq^2*sk^2: the variance of one attention score Q.K/sqrt(d_k). It does not depend on d_k. */
export function scoreVariance(c: Pick<ShaConfig, 'sigmaX' | 'sigmaQ' | 'sigmaK' | 'dIn'>): number {
  return c.dIn ** 2 * c.sigmaX ** 4 * c.sigmaQ ** 2 * c.sigmaK ** 2;
}

/**
 * The sheet's SHA moments. Derived for small s2s (near-uniform attention); the backward pass only
 * follows the path through V (the softmax/Q/K path is neglected), which is why it has no s2s.
 */
export function shaMoments(c: ShaConfig): ComponentMoments {
  const s2x = c.sigmaX ** 2;
  const s2g = c.sigmaG ** 2;
  const s2v = c.sigmaV ** 2;
  const L = c.seqLen;
  const r = c.rX;
  const keep = 1 - c.attentionDropout;
  const s2s = scoreVariance(c);
  const u = 1 - r;
  const gainV = c.dIn * s2v * s2x;
  const variance =
    gainV *
    (r + ((u * u * (L - 1) * s2s) / c.dIn + (exp(u * s2s) / keep) * (u + (4 * u * u * s2s) / c.dIn)) / L);
  const tokenCovariance = gainV * (r + (u * (1 + (2 * u * s2s) / c.dIn)) / L);
  const gainG = c.dOut * s2v * s2g;
  return {
    mean: 0,
    variance,
    tokenCovariance,
    gradVariance: (gainG * (1 + (L - 1) * c.rG * keep)) / (L * keep),
    gradTokenCovariance: (gainG * (1 + (L - 1) * c.rG)) / L,
  };
}
