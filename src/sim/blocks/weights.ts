import { tf } from '../../backend/tf.ts';
import { drawWeights, timesTransposed, type Weights } from '../components/linear.ts';
import type { RandomStream } from '../random.ts';

export { drawWeights, timesTransposed, type Weights };

/**
 * x W with one W shared by the whole batch (a replicate's weights, as in the SHA reference
 * protocol): the batch is folded into the token axis so the product is a single 2-D matMul, and
 * the custom backward multiplies by the explicitly transposed W (no transpose flag on wasm).
 */
export function sharedLinear(weights: Weights): (x: tf.Tensor3D) => tf.Tensor3D {
  const [dIn, dOut] = weights.w.shape;
  const map = (x: tf.Tensor3D) => {
    const [batch, seqLen] = x.shape;
    const fold = (t: tf.Tensor, width: number) => tf.reshape(t, [batch * seqLen, width]) as tf.Tensor2D;
    return {
      value: tf.reshape(tf.matMul(fold(x, dIn), weights.w), [batch, seqLen, dOut]),
      gradFunc: (dy: tf.Tensor) => tf.reshape(timesTransposed(fold(dy, dOut), weights), [batch, seqLen, dIn]),
    };
  };
  // tfjs types the custom function's inputs loosely (tensors or a save function)
  return tf.customGrad(map as unknown as Parameters<typeof tf.customGrad>[0]) as (
    x: tf.Tensor3D,
  ) => tf.Tensor3D;
}

/** Draws a Gaussian weight matrix only when it is used. */
export function drawOptionalWeights(
  rows: number,
  cols: number,
  std: number | undefined,
  random: RandomStream,
): Weights | undefined {
  return std === undefined ? undefined : drawWeights(rows, cols, std, random);
}

/** Disposes every weight tensor of a block's weights object (undefined entries skipped). */
export function disposeWeights(weights: Record<string, Weights | undefined | number>): void {
  for (const w of Object.values(weights))
    if (w && typeof w === 'object') tf.dispose(w.wTransposed ? [w.w, w.wTransposed] : [w.w]);
}
