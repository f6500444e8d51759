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
 * Used for the input and, with mean 0, for the upstream gradient. Draw order per sample: z0 for
 * every feature, then the L tokens of one feature after another. `innermost` picks the layout
 * of the result: 'tokens', [batch, features, seqLen], stores each feature's tokens as drawn
 * (element-wise components use it, so that their token-pair statistics reduce the innermost
 * axis with no transpose); 'features', [batch, seqLen, features], stores the exact transpose.
 */
export function sampleTokens(
  shape: TokenShape,
  dist: TokenDistribution,
  random: RandomStream,
  innermost: Innermost = 'features',
): Float32Array {
  const { batch, seqLen, features } = shape;
  const out = new Float32Array(batch * seqLen * features);
  const sharedWeight = dist.std * Math.sqrt(dist.tokenCorrelation);
  const ownWeight = dist.std * Math.sqrt(1 - dist.tokenCorrelation);
  // the shared terms stay float64 until fillColumns' single rounding to float32
  const shared = new Float64Array(features);
  const [columnStep, step] = innermost === 'tokens' ? [seqLen, 1] : [1, features];
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < features; f++) shared[f] = dist.mean + sharedWeight * random.normal();
    random.fillColumns(out, shared, ownWeight, b * seqLen * features, seqLen, columnStep, step);
  }
  return out;
}

/** Inverted-dropout mask: 1/(1-p) with probability 1-p, else 0. */
export function sampleDropoutMask(size: number, dropout: number, random: RandomStream): Float32Array {
  // keep when a uniform 32-bit word falls below (1-p)*2^32: exact to 2^-32, no float per draw
  return random.fillBernoulli(new Float32Array(size), (1 - dropout) * 2 ** 32, 1 / (1 - dropout));
}
