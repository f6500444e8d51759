import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../src/backend/engine.ts';
import { gelu, geluWithVjp, layerNorm, layerNormWithVjp } from '../src/sim/components/elementwise.ts';
import { drawWeights, linearSimulator, perSampleLinear } from '../src/sim/components/linear.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleTokens } from '../src/sim/sampler.ts';
import { forwardAndVjp } from '../src/sim/simulator.ts';

/**
 * The fast simulators must compute what the plain autodiff forms compute, on the same draws.
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

describe('fast simulators equal their autodiff forms', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('linear: direct x W and g W^T equal perSampleLinear through tf.valueAndGrad', async () => {
    const c = { muX: 1.5, sigmaX: 0.7, rX: 0.4, sigmaG: 2, rG: 0.3, dIn: 24, dOut: 40, sigmaW: 0.2, seqLen: 9 };
    const batch = 5;
    const observed = linearSimulator.replicate(c, new RandomStream('lin'), batch);
    const fast = { output: observed.output!.tensor, inputGrad: observed.inputGrad!.tensor };
    // the same draws in the same order: weights, then x, then g
    const random = new RandomStream('lin');
    const weights = Array.from({ length: batch }, () => drawWeights(c.dIn, c.dOut, c.sigmaW, random));
    const x = tf.tensor3d(sampleTokens({ batch, seqLen: c.seqLen, features: c.dIn }, { mean: c.muX, std: c.sigmaX, tokenCorrelation: c.rX }, random), [batch, c.seqLen, c.dIn]);
    const g = tf.tensor3d(sampleTokens({ batch, seqLen: c.seqLen, features: c.dOut }, { mean: 0, std: c.sigmaG, tokenCorrelation: c.rG }, random), [batch, c.seqLen, c.dOut]);
    const reference = forwardAndVjp(perSampleLinear(weights), x, g);
    expect(await maxRelativeDifference(fast.output, reference.output)).toBeLessThan(RELATIVE);
    expect(await maxRelativeDifference(fast.inputGrad, reference.inputGrad)).toBeLessThan(RELATIVE);
    tf.dispose([fast.output, fast.inputGrad, x, g, reference.output, reference.inputGrad, ...weights.flatMap((w) => [w.w, w.wTransposed])]);
  });
});

describe('closed-form VJPs equal autodiff', () => {
  beforeAll(async () => {
    await initEngine();
  });

  const draw = (seed: string, mean: number, std: number) => {
    const shape = { batch: 6, seqLen: 7, features: 48 };
    return tf.tensor3d(sampleTokens(shape, { mean, std, tokenCorrelation: 0.5 }, new RandomStream(seed)), [6, 7, 48]);
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

describe('drawWeights', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('draws W = std * the stream normals in row order, and its exact transpose', async () => {
    const [rows, cols, std] = [7, 13, 0.3];
    const weights = drawWeights(rows, cols, std, new RandomStream('w'));
    const r = new RandomStream('w');
    const expected = Float32Array.from({ length: rows * cols }, () => std * r.normal());
    expect(await weights.w.data()).toEqual(expected);
    const transposed = tf.transpose(weights.w);
    expect(await weights.wTransposed.data()).toEqual(await transposed.data());
    tf.dispose([weights.w, weights.wTransposed, transposed]);
  });
});
