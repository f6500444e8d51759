import type { RandomStream } from './random.ts';

/** Shape of a simulated activation tensor, laid out [batch, seqLen, features] unless stated. */
export interface TokenShape {
  batch: number;
  seqLen: number;
  features: number;
}

/** The axis stored innermost: 'features', [batch, seqLen, features]; 'tokens', [batch, features, seqLen]. */
export type Innermost = 'features' | 'tokens';

export interface TokenDistribution {
  mean: number;
  std: number;
  /** correlation of two different tokens, same feature, same sample */
  tokenCorrelation: number;
}

/**
 * Draws x[b,t,f] = mean + std*(sqrt(r)*z0[b,f] + sqrt(1-r)*z[b,t,f]) (FORMULAS.md section 1):
 * one shared factor per (sample, feature), so O(L) work per column instead of an L x L Cholesky.
 * Used for the input and, with mean 0, for the upstream gradient. Draw order: per (sample,
 * feature), z0 then its L tokens. `innermost` picks the layout of the result: 'tokens' stores
 * each column as drawn, [batch, features, seqLen] (element-wise components use it, so that their
 * token-pair statistics reduce the innermost axis with no transpose); 'features' stores the exact
 * transpose of that, [batch, seqLen, features].
 */
export function sampleTokens(shape: TokenShape, dist: TokenDistribution, random: RandomStream, innermost: Innermost = 'features'): Float32Array {
  const { batch, seqLen, features } = shape;
  const out = new Float32Array(batch * seqLen * features);
  const sharedWeight = dist.std * Math.sqrt(dist.tokenCorrelation);
  const ownWeight = dist.std * Math.sqrt(1 - dist.tokenCorrelation);
  // each column's shared term stays float64 until fillNormal's single rounding to float32
  const column = (into: Float32Array) => random.fillNormal(into, dist.mean + sharedWeight * random.normal(), ownWeight);
  // with one feature both layouts are the same array
  if (innermost === 'tokens' || features === 1) {
    for (let start = 0; start < out.length; start += seqLen) column(out.subarray(start, start + seqLen));
    return out;
  }
  const scratch = new Float32Array(seqLen);
  for (let b = 0; b < batch; b++) {
    const first = b * seqLen * features;
    for (let f = 0; f < features; f++) {
      column(scratch);
      for (let t = 0; t < seqLen; t++) out[first + t * features + f] = scratch[t];
    }
  }
  return out;
}

/** Inverted-dropout mask: 1/(1-p) with probability 1-p, else 0. */
export function sampleDropoutMask(size: number, dropout: number, random: RandomStream): Float32Array {
  // keep when a uniform 32-bit word falls below (1-p)*2^32: exact to 2^-32, no float per draw
  return random.fillBernoulli(new Float32Array(size), (1 - dropout) * 2 ** 32, 1 / (1 - dropout));
}
