import { tf } from '../../backend/tf.ts';
import { batchedProductsFast } from '../../backend/nativeMatMul.ts';
import type { LinearConfig } from '../../theory/linear.ts';
import type { RandomStream } from '../random.ts';
import { drawNormal, drawTokens, type Simulator } from '../simulator.ts';

/**
 * Below this many multiply-adds per sample, one batched matMul beats a loop of 2-D products on
 * plain wasm: the batched kernel is a scalar loop, but each op in a loop costs ~0.1 ms of dispatch
 * (measured crossover ~2e5-1e6 on this 2-core machine; scratch benchmark, noisy under load).
 * A batch of one takes the fast kernel (XNNPACK) as it is: unstacking it would only add copies.
 * Where batched products are fast (OpenBLAS, GPU engines) one call always wins.
 */
const BATCHED_PRODUCT_LIMIT = 1 << 18;

/** a_b @ b_b for every sample b, on the faster wasm path for its size. */
function perSampleProduct(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [batch, rows, inner] = a.shape;
  const cols = b.shape[2];
  if (batch === 1 || rows * inner * cols < BATCHED_PRODUCT_LIMIT || batchedProductsFast())
    return tf.matMul(a, b);
  const bs = tf.unstack(b) as tf.Tensor2D[];
  return tf.stack((tf.unstack(a) as tf.Tensor2D[]).map((ab, i) => tf.matMul(ab, bs[i]))) as tf.Tensor3D;
}

/**
 * x_b W_b, and the VJP g_b W_b^T of that map for an upstream gradient given tokens-innermost
 * (gTransposed_b = g_b^T, [batch, cols, seqLen]), returned transposed as W_b g_b^T ([batch, rows,
 * seqLen]): products without transpose flags (the only fast matMul on wasm) and without a
 * transposed copy of W, and the VJP's token pairs lie along its innermost axis, which reduces with
 * no transpose.
 */
export function perSampleLinearWithVjp(w: tf.Tensor3D, x: tf.Tensor3D, gTransposed: tf.Tensor3D) {
  return { output: perSampleProduct(x, w), inputGradTransposed: perSampleProduct(w, gTransposed) };
}

/** A single Gaussian weight matrix (blocks share one per replicate). */
export interface Weights {
  w: tf.Tensor2D;
  /**
   * W^T for the backward products on plain wasm, whose fast matMul takes no transpose flag;
   * absent where a transpose flag is one fast call (batchedProductsFast)
   */
  wTransposed?: tf.Tensor2D;
}

export function drawWeights(rows: number, cols: number, std: number, random: RandomStream): Weights {
  const w = drawNormal<tf.Tensor2D>([rows, cols], std, random);
  // the engine transposes exactly and ~2x faster than strided writes in JS; where products take
  // a transpose flag the copy is work for nothing (a twentieth of a causal attention replicate)
  return batchedProductsFast() ? { w } : { w, wTransposed: tf.transpose(w) };
}

/**
 * a W^T: by the drawn transpose where there is one, else by a transpose flag (OpenBLAS packs its
 * operand either way, so the products are the same)
 */
export const timesTransposed = (a: tf.Tensor2D, weights: Weights): tf.Tensor2D =>
  weights.wTransposed ? tf.matMul(a, weights.wTransposed) : tf.matMul(a, weights.w, false, true);

/** `batch` independent matrices [rows, cols], one per sample, stacked. */
export function drawSampleWeights(
  batch: number,
  rows: number,
  cols: number,
  std: number,
  random: RandomStream,
): tf.Tensor3D {
  return drawNormal<tf.Tensor3D>([batch, rows, cols], std, random);
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
    // y = xW and dx = gW^T are each other's VJP, and V = W^T is as Gaussian as W, so either map
    // can be the simulated one. The one whose wider result comes out tokens-innermost saves the
    // larger transpose in the reductions, and the fast kernel then packs the narrower drawn
    // operand as its right-hand side (1.5-2x faster products at L = 1000, scratch benchmark).
    const adjoint = c.dOut > c.dIn;
    const [rows, cols] = adjoint ? [c.dOut, c.dIn] : [c.dIn, c.dOut];
    const w = drawSampleWeights(batch, rows, cols, c.sigmaW, random);
    const x = drawTokens(
      { batch, seqLen: c.seqLen, features: c.dIn },
      { mean: c.muX, std: c.sigmaX, tokenCorrelation: c.rX },
      random,
      adjoint ? 'tokens' : 'features',
    );
    const g = drawTokens(
      { batch, seqLen: c.seqLen, features: c.dOut },
      { mean: 0, std: c.sigmaG, tokenCorrelation: c.rG },
      random,
      adjoint ? 'features' : 'tokens',
    );
    if (adjoint) {
      const { output: inputGrad, inputGradTransposed: outputTransposed } = perSampleLinearWithVjp(w, g, x);
      return { output: { tensor: outputTransposed, axis: 2 }, inputGrad: { tensor: inputGrad, axis: 1 } };
    }
    const { output, inputGradTransposed } = perSampleLinearWithVjp(w, x, g);
    return { output: { tensor: output, axis: 1 }, inputGrad: { tensor: inputGradTransposed, axis: 2 } };
  },
};
