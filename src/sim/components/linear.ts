import * as tf from '@tensorflow/tfjs';
import type { LinearConfig } from '../../theory/linear.ts';
import { timed } from '../profile.ts';
import type { RandomStream } from '../random.ts';
import { sampleTokens } from '../sampler.ts';
import { forwardAndVjp, tokenObservations, type Simulator } from '../simulator.ts';

/** One weight matrix per sample, stacked, with its transpose drawn alongside. */
export interface SampleWeights {
  /** [batch, rows, cols] */
  w: tf.Tensor3D;
  /** [batch, cols, rows]: the backward product then needs no transpose flag */
  wTransposed: tf.Tensor3D;
}

/**
 * Below this many multiply-adds per sample, one batched matMul beats a loop of 2-D products on
 * wasm: the batched kernel is a scalar loop, but each op in a loop costs ~0.1 ms of dispatch
 * (measured crossover ~2e5-1e6 on this 2-core machine; scratch benchmark, noisy under load).
 */
const BATCHED_PRODUCT_LIMIT = 1 << 18;

/** a_b @ b_b for every sample b, on the faster wasm path for its size. */
function perSampleProduct(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [, rows, inner] = a.shape;
  const cols = b.shape[2];
  if (rows * inner * cols < BATCHED_PRODUCT_LIMIT) return tf.matMul(a, b);
  const bs = tf.unstack(b) as tf.Tensor2D[];
  return tf.stack((tf.unstack(a) as tf.Tensor2D[]).map((ab, i) => tf.matMul(ab, bs[i]))) as tf.Tensor3D;
}

/**
 * Per-sample linear maps x_b W_b without transpose flags (the only fast matMul on wasm); the
 * custom gradient is the exact VJP of a linear map, the product with the transposed weights.
 */
export function perSampleLinear(weights: SampleWeights) {
  const map = (x: tf.Tensor3D) => ({
    value: perSampleProduct(x, weights.w),
    gradFunc: (dy: tf.Tensor3D) => perSampleProduct(dy, weights.wTransposed),
  });
  // tfjs types the custom function's inputs loosely (tensors or a save function)
  return tf.customGrad(map as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor3D) => tf.Tensor3D;
}

/** A single Gaussian weight matrix and its transpose (blocks share one per replicate). */
export interface Weights {
  w: tf.Tensor2D;
  wTransposed: tf.Tensor2D;
}

/**
 * Fills `count` Gaussian matrices [rows, cols] and their transposes, each value rounded once to
 * float32.
 */
function fillWeights(count: number, rows: number, cols: number, std: number, random: RandomStream) {
  const size = rows * cols;
  const transposed = new Float32Array(count * size);
  const values = timed('draw', () => {
    const drawn = random.fillNormal(new Float32Array(count * size), 0, std);
    for (let b = 0; b < count; b++) {
      const o = b * size;
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) transposed[o + j * rows + i] = drawn[o + i * cols + j];
    }
    return drawn;
  });
  return { values, transposed };
}

export function drawWeights(rows: number, cols: number, std: number, random: RandomStream): Weights {
  const { values, transposed } = fillWeights(1, rows, cols, std, random);
  return timed('upload', () => ({ w: tf.tensor2d(values, [rows, cols]), wTransposed: tf.tensor2d(transposed, [cols, rows]) }));
}

/** `batch` independent matrices, one per sample, stacked. */
export function drawSampleWeights(batch: number, rows: number, cols: number, std: number, random: RandomStream): SampleWeights {
  const { values, transposed } = fillWeights(batch, rows, cols, std, random);
  return timed('upload', () => ({ w: tf.tensor3d(values, [batch, rows, cols]), wTransposed: tf.tensor3d(transposed, [batch, cols, rows]) }));
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
    const weights = drawSampleWeights(batch, c.dIn, c.dOut, c.sigmaW, random);
    const x = timed('draw', () =>
      sampleTokens({ batch, seqLen: c.seqLen, features: c.dIn }, { mean: c.muX, std: c.sigmaX, tokenCorrelation: c.rX }, random),
    );
    const g = timed('draw', () =>
      sampleTokens({ batch, seqLen: c.seqLen, features: c.dOut }, { mean: 0, std: c.sigmaG, tokenCorrelation: c.rG }, random),
    );
    const [xTensor, gTensor] = timed('upload', () => [tf.tensor3d(x, [batch, c.seqLen, c.dIn]), tf.tensor3d(g, [batch, c.seqLen, c.dOut])]);
    const { output, inputGrad } = forwardAndVjp(perSampleLinear(weights), xTensor, gTensor);
    return tokenObservations(output, inputGrad);
  },
};
