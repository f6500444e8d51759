import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MODEL_CLAIMS } from '../src/claims/models/claims.ts';
import { toModelConfig } from '../src/claims/models/config.ts';
import { drawEncDec, encDecForward, runEncDec } from '../src/sim/model/encdec.ts';
import { simulateModel } from '../src/sim/model/measure.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleTokens } from '../src/sim/sampler.ts';
import { forwardAndVjp } from '../src/sim/simulator.ts';
import { crossAttentionMoments } from '../src/theory/crossAttention.ts';
import { encDecInit, predictEncDec } from '../src/theory/encdec.ts';
import type { ModelConfig } from '../src/theory/models.ts';
import { predictModel } from '../src/theory/schemes.ts';
import { useEngine } from './support/engine.ts';

useEngine();

const B = 1;
const L = 3;
const D = 8;
const shape: [number, number, number] = [B, L, D];
const tiny = (arch: 'dslm-preln' | 'dslm-postln'): ModelConfig => ({
  arch,
  layers: 2,
  d: D,
  heads: 2,
  seqLen: L,
  dropout: 0.2,
  attentionDropout: 0.2,
  rX: 0.3,
  sigmaX: 1,
  k: 1,
  causal: true,
  encdec: true,
});
const draw = (seed: string) =>
  sampleTokens(
    { batch: B, seqLen: L, features: D },
    { mean: 0, std: 1, tokenCorrelation: 0.3 },
    new RandomStream(seed),
  );

/**
 * Central differences of sum(f(v)*g) in every coordinate of v against autodiff (as
 * test/model-stack.test.ts, the best of three steps: LayerNorms and ReLUs make one step too coarse
 * on some draws and float32 rounding another too fine; a wrong gradient (a missing factor or path)
 * disagrees by O(1) at every step).
 */
async function finiteDifferenceGap(f: (v: tf.Tensor3D) => tf.Tensor3D, x: Float32Array, g: Float32Array) {
  const loss = async (v: Float32Array) => {
    const y = tf.tidy(() => f(tf.tensor3d(v, shape)));
    const out = await y.data();
    y.dispose();
    let total = 0;
    for (let i = 0; i < out.length; i++) total += out[i] * g[i];
    return total;
  };
  const grad = tf.tidy(() => forwardAndVjp(f, tf.tensor3d(x, shape), tf.tensor3d(g, shape)).inputGrad);
  const analytic = await grad.data();
  grad.dispose();
  const gapAt = async (h: number) => {
    let diff2 = 0;
    let norm2 = 0;
    for (let i = 0; i < x.length; i++) {
      const plus = Float32Array.from(x);
      const minus = Float32Array.from(x);
      plus[i] += h;
      minus[i] -= h;
      const numeric = ((await loss(plus)) - (await loss(minus))) / (2 * h);
      diff2 += (numeric - analytic[i]) ** 2;
      norm2 += analytic[i] ** 2;
    }
    return Math.sqrt(diff2 / norm2);
  };
  // float32: the decoder's loss through 6 LayerNorms carries rounding noise that grows as 1/h
  // (measured 1.1e-3, 5.1e-3, 1.9e-2 at h = 1e-2, 3e-3, 1e-3), the encoder's truncation error as h^2
  return Math.min(await gapAt(1e-2), await gapAt(3e-3), await gapAt(1e-3));
}

describe('encoder-decoder simulator (docs/theory-extensions.md 5)', () => {
  it.each(['dslm-preln', 'dslm-postln'] as const)(
    '%s: both input gradients (the encoder reached only through cross-attention) agree with finite differences',
    async (arch) => {
      const spec = drawEncDec({ ...tiny(arch), k: 2 }, new RandomStream(`fd-${arch}`), B);
      const [xe, xd, g] = [draw('xe'), draw('xd'), draw('g')];
      const fixed = (v: Float32Array) => tf.tensor3d(v, shape);
      const encoderGap = await finiteDifferenceGap((v) => encDecForward(spec, v, fixed(xd)), xe, g);
      const decoderGap = await finiteDifferenceGap((v) => encDecForward(spec, fixed(xe), v), xd, g);
      expect(encoderGap).toBeLessThan(2e-3);
      expect(decoderGap).toBeLessThan(2e-3);
      // and the probes of one pass give the same gradients at both inputs
      const pass = runEncDec(spec, fixed(xe), fixed(xd), fixed(g));
      const direct = forwardAndVjp((v) => encDecForward(spec, v, fixed(xd)), fixed(xe), fixed(g)).inputGrad;
      const a = await pass.gradients[0].data();
      const b = await direct.data();
      const scale = Math.max(...Array.from(b, Math.abs));
      b.forEach((v, j) => expect(Math.abs(a[j] - v)).toBeLessThan(1e-5 * scale));
      expect(pass.streams).toHaveLength(5 * 2 + 2);
      expect(Array.from(await pass.gradients[11].data())).toEqual(Array.from(g));
    },
  );

  it('the decoder is causal and every decoder token reads the whole encoder output', () => {
    const c = { ...tiny('dslm-preln'), dropout: 0, attentionDropout: 0 };
    const spec = drawEncDec(c, new RandomStream('causal'), B);
    const [gapCausal, gapEarly, gapEncoder] = tf.tidy(() => {
      const xe = tf.tensor3d(draw('xe'), shape);
      const xd = tf.tensor3d(draw('xd'), shape);
      // a perturbation of the last token that no LayerNorm removes (not constant over features)
      const noise = tf.tensor3d(draw('noise'), shape);
      const last = tf.concat([tf.zeros([B, L - 1, D]), tf.slice(noise, [0, L - 1, 0], [B, 1, D])], 1);
      const early = (t: tf.Tensor3D) => tf.slice(t, [0, 0, 0], [B, L - 1, D]);
      const base = encDecForward(spec, xe, xd);
      const laterDecoder = encDecForward(spec, xe, tf.add(xd, last) as tf.Tensor3D);
      // changing the encoder's last token reaches the decoder's first token through cross-attention
      const laterEncoder = encDecForward(spec, tf.add(xe, last) as tf.Tensor3D, xd);
      const first = (t: tf.Tensor3D) => tf.slice(t, [0, 0, 0], [B, 1, D]);
      return [
        tf.max(tf.abs(tf.sub(early(base), early(laterDecoder)))).dataSync()[0],
        tf.max(tf.abs(tf.sub(base, laterDecoder))).dataSync()[0],
        tf.max(tf.abs(tf.sub(first(base), first(laterEncoder)))).dataSync()[0],
      ];
    });
    expect(gapCausal).toBe(0);
    expect(gapEarly).toBeGreaterThan(1e-2);
    expect(gapEncoder).toBeGreaterThan(1e-2);
  });

  it('measures 5N+2 boundaries per replicate without leaking tensors', async () => {
    const c = tiny('dslm-postln');
    await simulateModel(c, { runSeed: 1, from: 0, to: 1, batch: 2 });
    const before = tf.memory().numTensors;
    const replicates = await simulateModel(c, { runSeed: 1, from: 1, to: 3, batch: 2 });
    expect(tf.memory().numTensors).toBe(before);
    for (const r of replicates) {
      expect(r.stream).toHaveLength(12);
      expect(r.gradient).toHaveLength(12);
      expect(r.positionSquares!.stream).toHaveLength(12);
    }
  });
});

describe('encoder-decoder theory (docs/theory-extensions.md 5)', () => {
  it('chains the block formulas: the encoder is the DSLM encoder, the memory gradient the cross-attentions', () => {
    const c = { ...tiny('dslm-preln'), layers: 3, d: 32, heads: 4, seqLen: 10 };
    const p = predictEncDec(c);
    expect(p.variance).toHaveLength(5 * 3 + 2);
    expect(p.decoderStart).toBe(7);
    // the encoder's forward is the encoder-only DSLM model's (same recipe, bidirectional)
    const encoderOnly = predictModel({ ...c, causal: false, encdec: false });
    for (let i = 0; i <= 6; i++) expect(p.variance[i]).toBeCloseTo(encoderOnly.variance[i], 12);
    // the decoder top gradient is the drawn one; the encoder's top gradient is what the N
    // cross-attentions send it, by hand for the top layer's contribution alone (the largest)
    expect(p.gradVariance[p.variance.length - 1]).toBe(1);
    const init = encDecInit(c);
    const s = init.decoder.cross[2];
    const keep = 1 - c.dropout;
    const beta2 = init.decoder.weights[7].beta ** 2;
    const upstream = p.gradVariance[7 + 8] * beta2;
    const head = crossAttentionMoments({
      sigmaX: 1,
      rX: p.correlation[7 + 7],
      sigmaE: 1,
      rE: p.memory.correlation,
      sigmaG: Math.sqrt((c.d * s.sigmaO ** 2) / keep),
      rG: (p.gradCorrelation[7 + 8] ?? 0) * keep,
      sigmaQ: s.sigmaQ,
      sigmaK: s.sigmaK,
      sigmaV: s.sigmaV,
      dIn: c.d,
      dOut: c.d / c.heads,
      attentionDropout: c.attentionDropout,
      seqLen: c.seqLen,
      encoderLen: c.seqLen,
    });
    const topLayer = (c.heads * head.encoderGradVariance * upstream) / p.variance[6];
    expect(p.gradVariance[6]).toBeGreaterThan(topLayer);
    expect(p.gradVariance[6]).toBeLessThan(3 * topLayer);
  });

  it('the encoder-decoder claims compare each stack on its own slice of the profile', () => {
    const config = {
      layers: 2,
      d: 16,
      heads: 2,
      seqLen: 6,
      dropout: 0.1,
      attentionDropout: 0.1,
      rX: 0.2,
      sigmaX: 1,
      rG: 0,
      k: 1,
      sublayers: 0,
      postLn: 1,
      batch: 1,
    };
    const model = toModelConfig('encdec', config);
    expect(model).toMatchObject({ arch: 'dslm-postln', causal: true, encdec: true });
    const p = predictEncDec(model);
    const encoder = MODEL_CLAIMS.find((c) => c.id === 'model.encdec.encoder.backward.var')!;
    const decoder = MODEL_CLAIMS.find((c) => c.id === 'model.encdec.decoder.forward.corr')!;
    expect(encoder.comparisons(config)).toBe(5);
    expect(decoder.comparisons(config)).toBe(7);
    expect(encoder.predict({ ...config, boundary: 4 })).toBe(p.gradVariance[4]);
    expect(decoder.predict({ ...config, boundary: 0 })).toBe(p.correlation[5]);
  });
});
