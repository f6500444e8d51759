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
 * Used for the input and, with mean 0, for the upstream gradient.
 * `innermost` picks the layout. 'features': [batch, seqLen, features], drawn per sample as z0
 * then z in [t, f] order. 'tokens': [batch, features, seqLen], drawn per (sample, feature) as z0
 * then its L tokens; element-wise components use it so that their token-pair statistics reduce
 * the innermost axis, with no transpose.
 */
export function sampleTokens(shape: TokenShape, dist: TokenDistribution, random: RandomStream, innermost: Innermost = 'features'): Float32Array {
  const out = new Float32Array(shape.batch * shape.seqLen * shape.features);
  const sharedWeight = dist.std * Math.sqrt(dist.tokenCorrelation);
  const ownWeight = dist.std * Math.sqrt(1 - dist.tokenCorrelation);
  // the shared terms of one block stay float64 until fillShifted's single rounding to float32;
  // a block is one sample's [seqLen, features] values, or one (sample, feature)'s seqLen tokens
  const shared = new Float64Array(innermost === 'features' ? shape.features : 1);
  const block = shared.length * shape.seqLen;
  for (let start = 0; start < out.length; start += block) {
    for (let f = 0; f < shared.length; f++) shared[f] = dist.mean + sharedWeight * random.normal();
    random.fillShifted(out.subarray(start, start + block), shared, ownWeight);
  }
  return out;
}

/** Inverted-dropout mask: 1/(1-p) with probability 1-p, else 0. */
export function sampleDropoutMask(size: number, dropout: number, random: RandomStream): Float32Array {
  // keep when a uniform 32-bit word falls below (1-p)*2^32: exact to 2^-32, no float per draw
  return random.fillBernoulli(new Float32Array(size), (1 - dropout) * 2 ** 32, 1 / (1 - dropout));
}
