import type { RandomStream } from './random.ts';

/** Shape of a simulated activation tensor, laid out [batch, seqLen, features]. */
export interface TokenShape {
  batch: number;
  seqLen: number;
  features: number;
}

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
 */
export function sampleTokens(shape: TokenShape, dist: TokenDistribution, random: RandomStream): Float32Array {
  const { batch, seqLen, features } = shape;
  const out = new Float32Array(batch * seqLen * features);
  const shared = new Float64Array(features);
  const sharedWeight = dist.std * Math.sqrt(dist.tokenCorrelation);
  const ownWeight = dist.std * Math.sqrt(1 - dist.tokenCorrelation);
  let i = 0;
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < features; f++) shared[f] = dist.mean + sharedWeight * random.normal();
    for (let t = 0; t < seqLen; t++) {
      for (let f = 0; f < features; f++) out[i++] = shared[f] + ownWeight * random.normal();
    }
  }
  return out;
}

/** Inverted-dropout mask: 1/(1-p) with probability 1-p, else 0. */
export function sampleDropoutMask(size: number, dropout: number, random: RandomStream): Float32Array {
  const out = new Float32Array(size);
  const keep = 1 - dropout;
  const scale = 1 / keep;
  for (let i = 0; i < size; i++) out[i] = random.uniform() < keep ? scale : 0;
  return out;
}
