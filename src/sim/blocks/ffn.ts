import { tf } from '../../backend/tf.ts';
import type { RandomStream } from '../random.ts';
import { drawWeights, sharedLinear, type Weights } from './weights.ts';

/** FFN weights: W1 (d x d_f) and W2 (d_f x d). */
export interface FfnWeights {
  w1: Weights;
  w2: Weights;
}

export interface FfnShape {
  d: number;
  dFf: number;
  sigma1: number;
  sigma2: number;
}

/** One replicate's FFN weights, shared by its batch. Draw order: W1, W2. */
export function drawFfnWeights(s: FfnShape, random: RandomStream): FfnWeights {
  return { w1: drawWeights(s.d, s.dFf, s.sigma1, random), w2: drawWeights(s.dFf, s.d, s.sigma2, random) };
}

/**
 * FORMULAS.md 5.1 on x [B, L, d]: Linear(d -> d_f) -> ReLU -> Linear(d_f -> d) -> dropout, where
 * `mask` ([B, L, d], 0 or 1/(1-p), e.g. sampleDropoutMask) is the hidden dropout; omit it for p = 0.
 * Both products are sharedLinear (2-D, no transpose flags, either pass); ReLU and the mask are
 * element-wise and differentiated by tfjs.
 */
export function ffnBlock(weights: FfnWeights, mask?: tf.Tensor3D): (x: tf.Tensor3D) => tf.Tensor3D {
  const first = sharedLinear(weights.w1);
  const second = sharedLinear(weights.w2);
  return (x) => {
    const y = second(tf.relu(first(x)));
    return mask ? tf.mul(y, mask) : y;
  };
}
