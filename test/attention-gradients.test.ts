import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  drawAttentionMask,
  drawAttentionWeights,
  multiHeadAttention,
  type AttentionLayout,
  type AttentionShape,
} from '../src/sim/blocks/attention.ts';
import {
  crossAttention,
  drawCrossAttentionMask,
  drawCrossAttentionWeights,
} from '../src/sim/blocks/crossAttention.ts';
import { drawFfnWeights, ffnBlock } from '../src/sim/blocks/ffn.ts';
import { disposeWeights, drawWeights, sharedLinear } from '../src/sim/blocks/weights.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleDropoutMask, sampleTokens } from '../src/sim/sampler.ts';
import { useEngine } from './support/engine.ts';
import { expectGradientMatchesDifferences } from './support/finiteDifferences.ts';

useEngine();

const B = 2;
const L = 4;
const D = 6;

function draw(seed: string, features: number, seqLen = L) {
  return sampleTokens(
    { batch: B, seqLen, features },
    { mean: 0, std: 1, tokenCorrelation: 0.3 },
    new RandomStream(seed),
  );
}

// sigmaQ = sigmaK = 0.5 gives a score variance d_in^2*sq^2*sk^2 = 2.25: attention far from uniform,
// so a missing or wrong query/key path changes the gradient by O(1) and fails the comparison
const shape = (heads: number, dHead: number, sigmaO?: number): AttentionShape => ({
  dIn: D,
  dHead,
  heads,
  sigmaQ: 0.5,
  sigmaK: 0.5,
  sigmaV: 0.4,
  sigmaO,
});

const grouped = (groupTokens: number): AttentionLayout => ({ kind: 'grouped', groupTokens });
/** both layouts; grouped with the default grouping (2 samples of L = 4 fit in one group of 128 tokens) */
const LAYOUTS: Array<[string, AttentionLayout]> = [
  ['batched', { kind: 'batched' }],
  ['grouped', grouped(128)],
];

describe.each(LAYOUTS)('attention backward against finite differences (%s layout)', (_, layout) => {
  it('single head without W_o (SHA), including the query/key path through the softmax', async () => {
    const w = drawAttentionWeights(shape(1, 3), new RandomStream('sha'));
    await expectGradientMatchesDifferences(
      multiHeadAttention(w, undefined, layout),
      draw('x1', D),
      draw('g1', 3),
      [B, L, D],
      [B, L, 3],
    );
    disposeWeights({ ...w });
  });

  it('causal single head: the mask before the softmax, respected by the custom backward', async () => {
    const w = drawAttentionWeights(shape(1, 3), new RandomStream('causal'));
    await expectGradientMatchesDifferences(
      multiHeadAttention(w, undefined, layout, true),
      draw('x5', D),
      draw('g5', 3),
      [B, L, D],
      [B, L, 3],
    );
    disposeWeights({ ...w });
  });

  it('causal, two heads with W_o and attention dropout', async () => {
    const random = new RandomStream('causal-mha');
    const w = drawAttentionWeights(shape(2, 2, 0.5), random);
    const mask = drawAttentionMask(B, 2, L, 0.4, random)!;
    await expectGradientMatchesDifferences(
      multiHeadAttention(w, mask, layout, true),
      draw('x6', D),
      draw('g6', D),
      [B, L, D],
      [B, L, D],
    );
    disposeWeights({ ...w });
  });

  it('causal: no token sees a later one, and the first token is its own value', () => {
    const w = drawAttentionWeights(shape(1, 3), new RandomStream('future'));
    const [changed, first] = tf.tidy(() => {
      const x = tf.tensor3d(draw('x7', D), [B, L, D]);
      // a different last token
      const later = tf.concat(
        [tf.slice(x, [0, 0, 0], [B, L - 1, D]), tf.tensor3d(draw('x8', D, 1), [B, 1, D])],
        1,
      ) as tf.Tensor3D;
      const attend = multiHeadAttention(w, undefined, layout, true);
      const [a, b] = [attend(x), attend(later)];
      const early = tf
        .max(tf.abs(tf.sub(tf.slice(a, [0, 0, 0], [B, L - 1, 3]), tf.slice(b, [0, 0, 0], [B, L - 1, 3]))))
        .dataSync()[0];
      const last = tf
        .max(tf.abs(tf.sub(tf.slice(a, [0, L - 1, 0], [B, 1, 3]), tf.slice(b, [0, L - 1, 0], [B, 1, 3]))))
        .dataSync()[0];
      const own = tf
        .max(
          tf.abs(
            tf.sub(
              tf.slice(a, [0, 0, 0], [B, 1, 3]),
              sharedLinear(w.value)(tf.slice(x, [0, 0, 0], [B, 1, D]) as tf.Tensor3D),
            ),
          ),
        )
        .dataSync()[0];
      return [[early, last], own];
    });
    expect(changed[0]).toBe(0);
    expect(changed[1]).toBeGreaterThan(1e-3);
    expect(first).toBeLessThan(1e-6);
    disposeWeights({ ...w });
  });

  it('two heads with W_o and attention dropout under a fixed mask', async () => {
    const random = new RandomStream('mha');
    const w = drawAttentionWeights(shape(2, 2, 0.5), random);
    const mask = drawAttentionMask(B, 2, L, 0.4, random)!;
    await expectGradientMatchesDifferences(
      multiHeadAttention(w, mask, layout),
      draw('x2', D),
      draw('g2', D),
      [B, L, D],
      [B, L, D],
    );
    disposeWeights({ ...w });
  });
});

describe('attention layouts', () => {
  it('one sample per group (the long-sequence layout) with W_o and dropout', async () => {
    const random = new RandomStream('mha');
    const w = drawAttentionWeights(shape(2, 2, 0.5), random);
    const mask = drawAttentionMask(B, 2, L, 0.4, random)!;
    await expectGradientMatchesDifferences(
      multiHeadAttention(w, mask, grouped(1)),
      draw('x2', D),
      draw('g2', D),
      [B, L, D],
      [B, L, D],
    );
    disposeWeights({ ...w });
  });

  it('grouping samples into block-diagonal matrices and batching them give the same values and gradients', () => {
    const random = new RandomStream('groups');
    const w = drawAttentionWeights(shape(2, 2, 0.5), random);
    const batch = 5;
    const mask = drawAttentionMask(batch, 2, L, 0.3, random)!;
    const gaps = tf.tidy(() => {
      const normals = (seed: string) =>
        tf.tensor3d(new RandomStream(seed).fillNormal(new Float32Array(batch * L * D)), [batch, L, D]);
      const x = normals('gx');
      const g = normals('gg');
      // 2 samples a group leaves a short last group; 1 a group is the reference
      const [reference, ...others] = (
        [grouped(1), grouped(2 * L), { kind: 'batched' }] as AttentionLayout[]
      ).map((layout) =>
        tf.valueAndGrad((v: tf.Tensor) =>
          tf.sum(tf.mul(multiHeadAttention(w, mask, layout)(v as tf.Tensor3D), g)),
        )(x),
      );
      return others.map((o) =>
        Math.max(
          tf.max(tf.abs(tf.sub(o.grad, reference.grad))).dataSync()[0],
          Math.abs(o.value.dataSync()[0] - reference.value.dataSync()[0]),
        ),
      );
    });
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeLessThan(1e-4);
    disposeWeights({ ...w });
  });

  it('the query/key path carries gradient: it matters when scores vary', () => {
    // with W_q = 0 the softmax is uniform whatever x, so only the V path remains; with the same
    // W_k, W_v and a real W_q the gradient must differ
    const random = new RandomStream('qk');
    const w = drawAttentionWeights(shape(1, 3), random);
    const zeroQ = { ...w, query: drawWeights(D, 3, 0, random) };
    const difference = tf.tidy(() => {
      const x = tf.tensor3d(draw('x3', D), [B, L, D]);
      const [full, vOnly] = [w, zeroQ].map((weights) =>
        tf.grad((v) => tf.sum(multiHeadAttention(weights)(v as tf.Tensor3D)))(x),
      );
      return tf.max(tf.abs(tf.sub(full, vOnly))).dataSync()[0];
    });
    expect(difference).toBeGreaterThan(1e-2);
    disposeWeights({ ...w });
    disposeWeights({ q: zeroQ.query });
  });

  it('rows of the attention probabilities sum to 1 (identical tokens reproduce x W_v)', () => {
    const w = drawAttentionWeights(shape(1, 3), new RandomStream('rows'));
    const worst = tf.tidy(() => {
      const x = tf.tile(tf.tensor3d(draw('x4', D, 1), [B, 1, D]), [1, L, 1]) as tf.Tensor3D;
      return tf.max(tf.abs(tf.sub(multiHeadAttention(w)(x), sharedLinear(w.value)(x)))).dataSync()[0];
    });
    expect(worst).toBeLessThan(1e-5);
    disposeWeights({ ...w });
  });
});

describe('cross-attention against finite differences', () => {
  const LE = 3;
  const w = () =>
    drawCrossAttentionWeights(
      { dIn: D, dHead: 3, sigmaQ: 0.5, sigmaK: 0.5, sigmaV: 0.4 },
      new RandomStream('cross'),
    );

  it('decoder-side gradient (through the queries) and encoder-side gradient (keys and values), with dropout', async () => {
    const weights = w();
    const mask = drawCrossAttentionMask(B, L, LE, 0.4, new RandomStream('cross-mask'))!;
    const attend = crossAttention(weights, mask);
    const xd = draw('cd', D);
    const xe = draw('ce', D, LE);
    const g = draw('cg', 3);
    const both = (d: tf.Tensor3D, e: tf.Tensor3D, gg: tf.Tensor3D) =>
      tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => attend(a as tf.Tensor3D, b as tf.Tensor3D))([d, e], gg)
        .grads;
    const decoderSide = await expectGradientMatchesDifferences(
      (d) => attend(d, tf.tensor3d(xe, [B, LE, D])),
      xd,
      g,
      [B, L, D],
      [B, L, 3],
      (d, gg) => ({ inputGrad: both(d, tf.tensor3d(xe, [B, LE, D]), gg)[0] as tf.Tensor3D }),
    );
    await expectGradientMatchesDifferences(
      (e) => attend(tf.tensor3d(xd, [B, L, D]), e),
      xe,
      g,
      [B, LE, D],
      [B, L, 3],
      (e, gg) => ({ inputGrad: both(tf.tensor3d(xd, [B, L, D]), e, gg)[1] as tf.Tensor3D }),
    );
    expect(Math.max(...Array.from(decoderSide, Math.abs))).toBeGreaterThan(1e-3);
    mask.dispose();
    disposeWeights({ ...weights });
  });

  it('the decoder gradient vanishes with W_q = 0 (uniform attention: the output ignores the decoder)', () => {
    const weights = { ...w(), query: drawWeights(D, 3, 0, new RandomStream('zero')) };
    const worst = tf.tidy(() => {
      const grad = tf.grad((d: tf.Tensor) =>
        tf.sum(crossAttention(weights)(d as tf.Tensor3D, tf.tensor3d(draw('ze', D, LE), [B, LE, D]))),
      )(tf.tensor3d(draw('zd', D), [B, L, D]));
      return tf.max(tf.abs(grad)).dataSync()[0];
    });
    expect(worst).toBe(0);
    disposeWeights({ ...weights });
  });
});

describe('FFN block backward against finite differences', () => {
  it('Linear -> ReLU -> Linear -> dropout with a fixed mask', async () => {
    const random = new RandomStream('ffn');
    const w = drawFfnWeights({ d: D, dFf: 8, sigma1: 0.5, sigma2: 0.5 }, random);
    const mask = tf.tensor3d(sampleDropoutMask(B * L * D, 0.3, random), [B, L, D]);
    // keep the hidden pre-activations away from the ReLU kink, where differences are invalid: a
    // step of 1e-2 in one input moves a pre-activation by at most 1e-2*max|w1| < 0.02
    const minHidden = (x: Float32Array) =>
      tf.tidy(() => tf.min(tf.abs(sharedLinear(w.w1)(tf.tensor3d(x, [B, L, D])))).dataSync()[0]);
    let seed = 0;
    while (minHidden(draw(`fx${seed}`, D)) < 0.02) seed++;
    await expectGradientMatchesDifferences(
      ffnBlock(w, mask),
      draw(`fx${seed}`, D),
      draw('fg', D),
      [B, L, D],
      [B, L, D],
    );
    disposeWeights({ ...w });
  });
});
