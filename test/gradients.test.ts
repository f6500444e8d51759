import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gelu, geluWithVjp, layerNorm, layerNormWithVjp } from '../src/sim/components/elementwise.ts';
import { drawSampleWeights, linearSimulator, perSampleLinearWithVjp } from '../src/sim/components/linear.ts';
import { RandomStream } from '../src/sim/random.ts';
import {
  sampleDropoutMask,
  sampleTokens,
  type Innermost,
  type TokenDistribution,
} from '../src/sim/sampler.ts';
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
  return sampleTokens(
    { batch: SHAPE[0], seqLen: SHAPE[1], features },
    { mean, std, tokenCorrelation: 0.4 },
    new RandomStream(seed),
  );
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
    await expectGradientMatchesDifferences(
      layerNorm,
      draw('ln-x', 3, 2),
      draw('ln-g'),
      SHAPE,
      layerNormWithVjp,
    );
  });

  it('dropout with a fixed mask: autodiff and the closed-form VJP', async () => {
    const mask = tf.tensor3d(
      sampleDropoutMask(SHAPE[0] * SHAPE[1] * SHAPE[2], 0.4, new RandomStream('mask')),
      SHAPE,
    );
    await expectGradientMatchesDifferences((v) => tf.mul(v, mask), draw('do-x'), draw('do-g'));
    // the simulator's closed form g * mask
    await expectGradientMatchesDifferences(
      (v) => tf.mul(v, mask),
      draw('do-x'),
      draw('do-g'),
      SHAPE,
      (_, g) => ({ inputGrad: tf.mul(g, mask) }),
    );
    mask.dispose();
  });

  const transposeTokens = (t: tf.Tensor3D) => tf.transpose(t, [0, 2, 1]) as tf.Tensor3D;

  it('per-sample linear map: its transposed VJP W g^T against differences of x -> xW', async () => {
    const dOut = 4;
    const w = drawSampleWeights(SHAPE[0], SHAPE[2], dOut, 0.5, new RandomStream('w'));
    const vjp = (x: tf.Tensor3D, g: tf.Tensor3D) => ({
      inputGrad: transposeTokens(perSampleLinearWithVjp(w, x, transposeTokens(g)).inputGradTransposed),
    });
    await expectGradientMatchesDifferences(
      (v) => tf.matMul(v, w),
      draw('lin-x', 1),
      draw('lin-g', 0, 1, dOut),
      [SHAPE[0], SHAPE[1], dOut],
      vjp,
    );
    w.dispose();
  });

  it.each([1, 2])(
    'per-sample linear map with batch %i agrees with the plain batched products',
    async (batch) => {
      // 64 x 64 x 128 multiply-adds per sample is above the batched limit: a loop for batch 2, and
      // the 2-D fast kernel for batch 1
      const [seqLen, dIn, dOut] = [64, 64, 128];
      const random = new RandomStream('paths');
      const w = drawSampleWeights(batch, dIn, dOut, 0.1, random);
      const x = tf.tensor3d(random.fillNormal(new Float32Array(batch * seqLen * dIn)), [batch, seqLen, dIn]);
      const g = tf.tensor3d(random.fillNormal(new Float32Array(batch * seqLen * dOut)), [
        batch,
        seqLen,
        dOut,
      ]);
      const fast = tf.tidy(() => {
        const { output, inputGradTransposed } = perSampleLinearWithVjp(w, x, transposeTokens(g));
        return { output, inputGrad: transposeTokens(inputGradTransposed) };
      });
      const plain = tf.tidy(() => ({ output: tf.matMul(x, w), inputGrad: tf.matMul(g, w, false, true) }));
      for (const key of ['output', 'inputGrad'] as const) {
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(fast[key], plain[key]))));
        expect((await diff.data())[0]).toBeLessThan(1e-4);
        diff.dispose();
      }
      tf.dispose([x, g, w, fast.output, fast.inputGrad, plain.output, plain.inputGrad]);
    },
  );

  it.each([
    [3, 5],
    [5, 3],
  ])(
    'the linear simulator observes y = xW and dx = gW^T of its own draws (dIn %i, dOut %i)',
    async (dIn, dOut) => {
      const c = { muX: 0.5, sigmaX: 1, rX: 0.3, sigmaG: 2, rG: 0.6, sigmaW: 0.7, dIn, dOut, seqLen: 4 };
      const batch = 2;
      const observed = tf.tidy(() => {
        const { output, inputGrad } = linearSimulator.replicate(c, new RandomStream('lin-sim'), batch);
        // back to [batch, seqLen, features] whichever layout the simulator chose
        return [output!, inputGrad!].map((o) => (o.axis === 2 ? transposeTokens(o.tensor) : o.tensor));
      });
      // the same draws in the same order: W (or V = W^T when dOut > dIn), x, g, the larger of y
      // and dx coming out tokens-innermost
      const adjoint = dOut > dIn;
      const r = new RandomStream('lin-sim');
      const weights = r.fillNormal(new Float32Array(batch * dIn * dOut), 0, c.sigmaW);
      const tokens = (features: number, dist: TokenDistribution, innermost: Innermost) => {
        const values = sampleTokens({ batch, seqLen: c.seqLen, features }, dist, r, innermost);
        return innermost === 'tokens'
          ? transposeTokens(tf.tensor3d(values, [batch, features, c.seqLen]))
          : tf.tensor3d(values, [batch, c.seqLen, features]);
      };
      const expected = tf.tidy(() => {
        const w = adjoint
          ? transposeTokens(tf.tensor3d(weights, [batch, dOut, dIn]))
          : tf.tensor3d(weights, [batch, dIn, dOut]);
        const x = tokens(
          dIn,
          { mean: c.muX, std: c.sigmaX, tokenCorrelation: c.rX },
          adjoint ? 'tokens' : 'features',
        );
        const g = tokens(
          dOut,
          { mean: 0, std: c.sigmaG, tokenCorrelation: c.rG },
          adjoint ? 'features' : 'tokens',
        );
        return [tf.matMul(x, w), tf.matMul(g, w, false, true)];
      });
      for (let i = 0; i < 2; i++) {
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(observed[i], expected[i]))));
        expect((await diff.data())[0]).toBeLessThan(1e-5);
        diff.dispose();
      }
      tf.dispose([...observed, ...expected]);
    },
  );

  it('the linear map really uses each sample its own weights', async () => {
    const w = drawSampleWeights(2, SHAPE[2], 3, 1, new RandomStream('w2'));
    const y = tf.tidy(
      () => perSampleLinearWithVjp(w, tf.ones([2, SHAPE[1], SHAPE[2]]), tf.zeros([2, 3, SHAPE[1]])).output,
    );
    const [first, second] = (await y.array()) as number[][][];
    y.dispose();
    expect(first[0]).not.toEqual(second[0]);
    w.dispose();
  });
});
