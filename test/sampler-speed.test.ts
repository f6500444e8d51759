import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../src/backend/engine.ts';
import { gelu, geluWithVjp, layerNorm, layerNormWithVjp } from '../src/sim/components/elementwise.ts';
import { batchedProductsFast } from '../src/backend/nativeMatMul.ts';
import { drawSampleWeights, drawWeights, timesTransposed } from '../src/sim/components/linear.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleTokens } from '../src/sim/sampler.ts';
import { forwardAndVjp } from '../src/sim/simulator.ts';

/**
 * The fast forms must compute what the plain autodiff forms compute, on the same draws.
 * Tolerance: float32 results of sums of at most a few hundred terms, relative to the largest
 * value: 1e-5 is ~100 float32 ulps, far below any statistical resolution and far above what a
 * correct reordering of the same sums can produce; a wrong transpose or a swapped draw is O(1).
 */
const RELATIVE = 1e-5;

async function maxRelativeDifference(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = await Promise.all([a.data(), b.data()]);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < x.length; i++) {
    scale = Math.max(scale, Math.abs(y[i]));
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
  }
  return diff / scale;
}

describe('closed-form VJPs equal autodiff', () => {
  beforeAll(async () => {
    await initEngine();
  });

  const draw = (seed: string, mean: number, std: number) => {
    const shape = { batch: 6, seqLen: 7, features: 48 };
    return tf.tensor3d(
      sampleTokens(shape, { mean, std, tokenCorrelation: 0.5 }, new RandomStream(seed)),
      [6, 7, 48],
    );
  };

  it.each([
    [0, 1],
    [-10, 0.316],
    [3.3, 3.16],
  ])('layerNormWithVjp matches autodiff through layerNorm (input mean %s, std %s)', async (mean, std) => {
    const x = draw(`ln-x-${mean}`, mean, std);
    const g = draw(`ln-g-${mean}`, 0, 2);
    const fast = layerNormWithVjp(x, g);
    const reference = forwardAndVjp(layerNorm, x, g);
    expect(await maxRelativeDifference(fast.output, reference.output)).toBeLessThan(RELATIVE);
    expect(await maxRelativeDifference(fast.inputGrad, reference.inputGrad)).toBeLessThan(RELATIVE);
    tf.dispose([x, g, fast.output, fast.inputGrad, reference.output, reference.inputGrad]);
  });

  it('geluWithVjp matches autodiff through gelu', async () => {
    const x = draw('gelu-x', 0.3, 2);
    const g = draw('gelu-g', 0, 1);
    const fast = geluWithVjp(x, g);
    const reference = forwardAndVjp(gelu, x, g);
    expect(await maxRelativeDifference(fast.output, reference.output)).toBeLessThan(RELATIVE);
    expect(await maxRelativeDifference(fast.inputGrad, reference.inputGrad)).toBeLessThan(RELATIVE);
    tf.dispose([x, g, fast.output, fast.inputGrad, reference.output, reference.inputGrad]);
  });
});

describe('weight draws', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('drawSampleWeights draws W = std * the stream normals in sample and row order', async () => {
    const [batch, rows, cols, std] = [2, 7, 13, 0.3];
    const w = drawSampleWeights(batch, rows, cols, std, new RandomStream('w'));
    const r = new RandomStream('w');
    const expected = Float32Array.from({ length: batch * rows * cols }, () => std * r.normal());
    expect(w.shape).toEqual([batch, rows, cols]);
    expect(await w.data()).toEqual(expected);
    w.dispose();
  });

  it('drawWeights draws the same W, with its exact transpose where products take no transpose flag', async () => {
    const [rows, cols, std] = [7, 13, 0.3];
    const weights = drawWeights(rows, cols, std, new RandomStream('w'));
    const r = new RandomStream('w');
    const expected = Float32Array.from({ length: rows * cols }, () => std * r.normal());
    expect(await weights.w.data()).toEqual(expected);
    expect(weights.wTransposed === undefined).toBe(batchedProductsFast());
    const transposed = Float32Array.from(
      { length: rows * cols },
      (_, i) => expected[(i % rows) * cols + Math.floor(i / rows)],
    );
    // both ways of multiplying by W^T give the transpose's products
    const identity = tf.eye(cols);
    const product = timesTransposed(identity, weights);
    expect(product.shape).toEqual([cols, rows]);
    expect(await product.data()).toEqual(transposed);
    if (weights.wTransposed) expect(await weights.wTransposed.data()).toEqual(transposed);
    tf.dispose([weights.w, identity, product, ...(weights.wTransposed ? [weights.wTransposed] : [])]);
  });
});
