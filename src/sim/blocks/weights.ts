import * as tf from '@tensorflow/tfjs';
import { drawWeights, perSampleLinear, type Weights } from '../components/linear.ts';
import type { RandomStream } from '../random.ts';

export { drawWeights, type Weights };

/**
 * x W with one W shared by the whole batch (a replicate's weights, as in the SHA reference
 * protocol): the batch is folded into the token axis so the product is a single 2-D matMul, and
 * the backward pass is perSampleLinear's, multiplying by the explicitly transposed W.
 */
export function sharedLinear(weights: Weights): (x: tf.Tensor3D) => tf.Tensor3D {
  const map = perSampleLinear([weights]);
  return (x) => {
    const [batch, seqLen, dIn] = x.shape;
    const folded = tf.reshape(x, [1, batch * seqLen, dIn]) as tf.Tensor3D;
    return tf.reshape(map(folded), [batch, seqLen, weights.w.shape[1]]) as tf.Tensor3D;
  };
}

/** Draws a Gaussian weight matrix only when it is used. */
export function drawOptionalWeights(rows: number, cols: number, std: number | undefined, random: RandomStream): Weights | undefined {
  return std === undefined ? undefined : drawWeights(rows, cols, std, random);
}

/** Disposes every weight tensor of a block's weights object (undefined entries skipped). */
export function disposeWeights(weights: Record<string, Weights | undefined | number>): void {
  for (const w of Object.values(weights)) if (w && typeof w === 'object') tf.dispose([w.w, w.wTransposed]);
}
