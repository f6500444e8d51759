import * as tf from '@tensorflow/tfjs';
import type { LinearConfig } from '../../theory/linear.ts';
import { sampleTokens } from '../sampler.ts';
import { timed } from '../profile.ts';
import type { RandomStream } from '../random.ts';
import { tokenObservations, type Simulator } from '../simulator.ts';

export interface Weights {
  w: tf.Tensor2D;
  /** drawn transposed alongside, so the backward product needs no transpose flag */
  wTransposed: tf.Tensor2D;
}

/**
 * Per-sample linear maps x_b W_b as 2-D matMuls without transpose flags, the only fast matMul on
 * the wasm engine; the custom gradient multiplies by the explicitly transposed weights.
 */
export function perSampleLinear(weights: readonly Weights[]) {
  const map = (x: tf.Tensor) => {
    const samples = tf.unstack(x) as tf.Tensor2D[];
    const value = tf.stack(samples.map((xb, b) => tf.matMul(xb, weights[b].w)));
    const gradFunc = (dy: tf.Tensor) =>
      tf.stack((tf.unstack(dy) as tf.Tensor2D[]).map((dyb, b) => tf.matMul(dyb, weights[b].wTransposed)));
    return { value, gradFunc };
  };
  // tfjs types the custom function's inputs loosely (tensors or a save function)
  return tf.customGrad(map as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor3D) => tf.Tensor3D;
}

/**
 * A Gaussian weight matrix and its transpose, from one row of standard normals at a time: scaling
 * and transposing happen in the same pass, each value rounded once to float32.
 */
export function drawWeights(rows: number, cols: number, std: number, random: RandomStream): Weights {
  const values = new Float32Array(rows * cols);
  const transposed = new Float32Array(rows * cols);
  const row = new Float64Array(cols);
  timed('draw', () => {
    for (let i = 0; i < rows; i++) {
      random.fillStandard(row);
      const offset = i * cols;
      for (let j = 0; j < cols; j++) {
        const v = std * row[j];
        values[offset + j] = v;
        transposed[j * rows + i] = v;
      }
    }
  });
  return timed('upload', () => ({ w: tf.tensor2d(values, [rows, cols]), wTransposed: tf.tensor2d(transposed, [cols, rows]) }));
}

/**
 * One sample's output x_b W_b and input gradient g_b W_b^T, both as 2-D matMuls without transpose
 * flags. The VJP of a linear map is exactly the product with the transposed weights, so autodiff
 * is not needed; skipping it also skips unstacking x and the upstream gradient into per-sample
 * copies (perSampleLinear is the autodiff form, kept as the reference the tests compare with).
 */
function sampleProducts(xb: tf.Tensor2D, gb: tf.Tensor2D, weights: Weights) {
  return { output: tf.matMul(xb, weights.w), inputGrad: tf.matMul(gb, weights.wTransposed) };
}

/**
 * Every sample gets its own W, as in the reference protocol: the input mean reaches the output
 * through column sums of W shared by all tokens, so W draws, not tokens, bound the precision.
 * Draw order: all weights, then x, then g (as before the direct-VJP rewrite).
 */
export const linearSimulator: Simulator<LinearConfig> = {
  key: 'linear',
  observations: ['output', 'inputGrad'],
  elementsPerSample: (c) => c.seqLen * (c.dIn + c.dOut) + c.dIn * c.dOut,
  replicate(c, random, batch) {
    const weights = Array.from({ length: batch }, () => drawWeights(c.dIn, c.dOut, c.sigmaW, random));
    const xValues = timed('draw', () =>
      sampleTokens({ batch, seqLen: c.seqLen, features: c.dIn }, { mean: c.muX, std: c.sigmaX, tokenCorrelation: c.rX }, random),
    );
    const gValues = timed('draw', () =>
      sampleTokens({ batch, seqLen: c.seqLen, features: c.dOut }, { mean: 0, std: c.sigmaG, tokenCorrelation: c.rG }, random),
    );
    const outputs: tf.Tensor2D[] = [];
    const grads: tf.Tensor2D[] = [];
    const xSize = c.seqLen * c.dIn;
    const gSize = c.seqLen * c.dOut;
    for (let b = 0; b < batch; b++) {
      const xb = timed('upload', () => tf.tensor2d(xValues.subarray(b * xSize, (b + 1) * xSize), [c.seqLen, c.dIn]));
      const gb = timed('upload', () => tf.tensor2d(gValues.subarray(b * gSize, (b + 1) * gSize), [c.seqLen, c.dOut]));
      const { output, inputGrad } = sampleProducts(xb, gb, weights[b]);
      outputs.push(output as tf.Tensor2D);
      grads.push(inputGrad as tf.Tensor2D);
    }
    return tokenObservations(tf.stack(outputs) as tf.Tensor3D, tf.stack(grads) as tf.Tensor3D);
  },
};
