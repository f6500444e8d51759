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
 * Used for the input and, with mean 0, for the upstream gradient. Draw order per sample: z0 then
 * z in [t, f] order, the same as the per-element loop it replaces.
 */
export function sampleTokens(shape: TokenShape, dist: TokenDistribution, random: RandomStream): Float32Array {
  const { batch, seqLen, features } = shape;
  const out = new Float32Array(batch * seqLen * features);
  const sharedWeight = dist.std * Math.sqrt(dist.tokenCorrelation);
  const ownWeight = dist.std * Math.sqrt(1 - dist.tokenCorrelation);
  const mean = dist.mean;
  // one sample's standard normals at a time, kept in float64 until the single rounding to float32:
  // the first `features` are the shared factor z0[b,:], the rest z[b,t,:] in output order
  const z = new Float64Array((seqLen + 1) * features);
  const shared = new Float64Array(features);
  let i = 0;
  for (let b = 0; b < batch; b++) {
    random.fillStandard(z);
    for (let f = 0; f < features; f++) shared[f] = mean + sharedWeight * z[f];
    let j = features;
    for (let t = 0; t < seqLen; t++) {
      for (let f = 0; f < features; f++) out[i++] = shared[f] + ownWeight * z[j++];
    }
  }
  return out;
}

/** Inverted-dropout mask: 1/(1-p) with probability 1-p, else 0. */
export function sampleDropoutMask(size: number, dropout: number, random: RandomStream): Float32Array {
  // keep when a uniform 32-bit word falls below (1-p)*2^32: exact to 2^-32, no float per draw
  return random.fillBernoulli(new Float32Array(size), (1 - dropout) * 2 ** 32, 1 / (1 - dropout));
}
