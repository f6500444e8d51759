import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gelu, geluWithVjp, layerNorm, layerNormWithVjp } from '../src/sim/components/elementwise.ts';
import { drawSampleWeights, perSampleLinear } from '../src/sim/components/linear.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleDropoutMask, sampleTokens } from '../src/sim/sampler.ts';
import { forwardAndVjp } from '../src/sim/simulator.ts';
import { useEngine } from './support/engine.ts';
import { expectGradientMatchesDifferences as check } from './support/finiteDifferences.ts';

useEngine();

const SHAPE: [number, number, number] = [2, 3, 6];

/** The shared check, with this file's input shape; the output shape defaults to the input's. */
const expectGradientMatchesDifferences = (
  f: (x: tf.Tensor3D) => tf.Tensor3D,
  x: Float32Array,
  g: Float32Array,
  outShape: [number, number, number] = SHAPE,
  vjp?: (x: tf.Tensor3D, g: tf.Tensor3D) => { inputGrad: tf.Tensor3D },
) => check(f, x, g, SHAPE, outShape, vjp);

function draw(seed: string, mean = 0, std = 1, features = SHAPE[2]) {
  return sampleTokens({ batch: SHAPE[0], seqLen: SHAPE[1], features }, { mean, std, tokenCorrelation: 0.4 }, new RandomStream(seed));
}

describe('backward passes against finite differences', () => {
  it('ReLU (inputs kept away from the kink)', async () => {
    const x = draw('relu-x').map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
    await expectGradientMatchesDifferences((v) => tf.relu(v), x, draw('relu-g'));
  });

  it('GeLU: autodiff and the closed-form VJP the simulator uses', async () => {
    await expectGradientMatchesDifferences(gelu, draw('gelu-x', 0, 1.5), draw('gelu-g'));
    await expectGradientMatchesDifferences(gelu, draw('gelu-x', 0, 1.5), draw('gelu-g'), SHAPE, geluWithVjp);
  });

  it('LayerNorm, including the mean and variance paths: autodiff and the closed-form VJP', async () => {
    await expectGradientMatchesDifferences(layerNorm, draw('ln-x', 3, 2), draw('ln-g'));
    await expectGradientMatchesDifferences(layerNorm, draw('ln-x', 3, 2), draw('ln-g'), SHAPE, layerNormWithVjp);
  });

  it('dropout with a fixed mask', async () => {
    const mask = tf.tensor3d(sampleDropoutMask(SHAPE[0] * SHAPE[1] * SHAPE[2], 0.4, new RandomStream('mask')), SHAPE);
    await expectGradientMatchesDifferences((v) => tf.mul(v, mask), draw('do-x'), draw('do-g'));
    mask.dispose();
  });

  it('per-sample linear map with explicit transposes (batched product)', async () => {
    const dOut = 4;
    const weights = drawSampleWeights(SHAPE[0], SHAPE[2], dOut, 0.5, new RandomStream('w'));
    await expectGradientMatchesDifferences(perSampleLinear(weights), draw('lin-x', 1), draw('lin-g', 0, 1, dOut), [SHAPE[0], SHAPE[1], dOut]);
    tf.dispose([weights.w, weights.wTransposed]);
  });

  it('per-sample linear map agrees between the batched product and the loop of 2-D products', async () => {
    // 64 x 64 x 128 multiply-adds per sample is above the batched limit: the loop path
    const [batch, seqLen, dIn, dOut] = [2, 64, 64, 128];
    const random = new RandomStream('paths');
    const weights = drawSampleWeights(batch, dIn, dOut, 0.1, random);
    const x = tf.tensor3d(random.fillNormal(new Float32Array(batch * seqLen * dIn)), [batch, seqLen, dIn]);
    const g = tf.tensor3d(random.fillNormal(new Float32Array(batch * seqLen * dOut)), [batch, seqLen, dOut]);
    const loop = tf.tidy(() => forwardAndVjp(perSampleLinear(weights), x, g));
    const batched = tf.tidy(() => ({ output: tf.matMul(x, weights.w), inputGrad: tf.matMul(g, weights.wTransposed) }));
    for (const key of ['output', 'inputGrad'] as const) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(loop[key], batched[key]))));
      expect((await diff.data())[0]).toBeLessThan(1e-4);
      diff.dispose();
    }
    tf.dispose([x, g, weights.w, weights.wTransposed, loop.output, loop.inputGrad, batched.output, batched.inputGrad]);
  });

  it('the linear map really uses each sample its own weights', async () => {
    const weights = drawSampleWeights(2, SHAPE[2], 3, 1, new RandomStream('w2'));
    const y = tf.tidy(() => perSampleLinear(weights)(tf.ones([2, SHAPE[1], SHAPE[2]]) as tf.Tensor3D));
    const [first, second] = (await y.array()) as number[][][];
    y.dispose();
    expect(first[0]).not.toEqual(second[0]);
    tf.dispose([weights.w, weights.wTransposed]);
  });
});
