import * as tf from '@tensorflow/tfjs';
import type { LinearConfig } from '../../theory/linear.ts';
import { sampleTokens } from '../sampler.ts';
import { timed } from '../profile.ts';
import type { RandomStream } from '../random.ts';
import { forwardAndVjp, tokenObservations, type Simulator } from '../simulator.ts';

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

/** A Gaussian weight matrix and its transpose. */
export function drawWeights(rows: number, cols: number, std: number, random: RandomStream): Weights {
  const values = new Float32Array(rows * cols);
  timed('draw', () => random.fillNormal(values, 0, std));
  const transposed = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) transposed[j * rows + i] = values[i * cols + j];
  return timed('upload', () => ({ w: tf.tensor2d(values, [rows, cols]), wTransposed: tf.tensor2d(transposed, [cols, rows]) }));
}

/**
 * Every sample gets its own W, as in the reference protocol: the input mean reaches the output
 * through column sums of W shared by all tokens, so W draws, not tokens, bound the precision.
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
    const x = timed('upload', () => tf.tensor3d(xValues, [batch, c.seqLen, c.dIn]));
    const g = timed('upload', () => tf.tensor3d(gValues, [batch, c.seqLen, c.dOut]));
    const { output, inputGrad } = forwardAndVjp(perSampleLinear(weights), x, g);
    return tokenObservations(output, inputGrad);
  },
};
