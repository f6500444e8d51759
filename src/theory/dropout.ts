import type { ComponentMoments } from './moments.ts';

export interface DropoutConfig {
  muX: number;
  sigmaX: number;
  rX: number;
  sigmaG: number;
  rG: number;
  /** p: drop probability of inverted dropout */
  dropout: number;
  d: number;
  seqLen: number;
}

/** FORMULAS.md 3.2, inverted dropout with probability p. */
export function dropoutMoments(c: DropoutConfig): ComponentMoments {
  const s2x = c.sigmaX ** 2;
  const s2g = c.sigmaG ** 2;
  const keep = 1 - c.dropout;
  return {
    mean: c.muX,
    variance: (s2x + c.dropout * c.muX ** 2) / keep,
    // masks are independent across tokens
    tokenCovariance: c.rX * s2x,
    gradVariance: s2g / keep,
    gradTokenCovariance: c.rG * s2g,
  };
}
