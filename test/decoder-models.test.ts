import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MODEL_CLAIMS } from '../src/claims/models/claims.ts';
import { toModelConfig } from '../src/claims/models/config.ts';
import { drawStack } from '../src/sim/model/build.ts';
import { simulateModel } from '../src/sim/model/measure.ts';
import { stackForward } from '../src/sim/model/stack.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleTokens } from '../src/sim/sampler.ts';
import { xavierStds, type ModelConfig } from '../src/theory/models.ts';
import { predictModel } from '../src/theory/schemes.ts';
import { useEngine } from './support/engine.ts';

useEngine();

const decoder: ModelConfig = {
  arch: 'preln',
  layers: 3,
  d: 16,
  heads: 2,
  seqLen: 6,
  dropout: 0.1,
  attentionDropout: 0.2,
  rX: 0.3,
  sigmaX: 1,
  causal: true,
};

describe('decoder models (docs/theory-extensions.md 4)', () => {
  it("the first token's chain: its first attention sublayer adds d^2*sv^2*so^2/((1-p_a)(1-p_h)), no averaging", () => {
    const s = xavierStds(decoder.d, decoder.heads);
    const first = predictModel({ ...decoder, position: 'first' });
    const gain =
      (decoder.d ** 2 * s.sigmaV ** 2 * s.sigmaO ** 2) /
      ((1 - decoder.attentionDropout) * (1 - decoder.dropout));
    expect(first.variance[1] - first.variance[0]).toBeCloseTo(gain, 12);
    // the last token averages over all L values: it grows more slowly, and so does the pooled stream
    const last = predictModel({ ...decoder, position: 'last' });
    const pooled = predictModel(decoder);
    expect(first.variance[6]).toBeGreaterThan(pooled.variance[6]);
    expect(pooled.variance[6]).toBeGreaterThan(last.variance[6]);
    // and bidirectional attention is not what a decoder predicts
    expect(predictModel({ ...decoder, causal: false }).variance[6]).not.toBeCloseTo(pooled.variance[6], 3);
  });

  it('the simulated decoder stack is causal: no stream position sees a later token', () => {
    const gap = tf.tidy(() => {
      const shape = { batch: 2, seqLen: decoder.seqLen, features: decoder.d };
      const x = tf.tensor3d(
        sampleTokens(shape, { mean: 0, std: 1, tokenCorrelation: 0.3 }, new RandomStream('dx')),
        [2, decoder.seqLen, decoder.d],
      );
      const noise = tf.concat([tf.zeros([2, decoder.seqLen - 1, decoder.d]), tf.ones([2, 1, decoder.d])], 1);
      const spec = drawStack({ ...decoder, dropout: 0, attentionDropout: 0 }, new RandomStream('stack'), 2);
      const [a, b] = [stackForward(spec, x), stackForward(spec, tf.add(x, noise) as tf.Tensor3D)];
      const early = (t: tf.Tensor3D) => tf.slice(t, [0, 0, 0], [2, decoder.seqLen - 1, decoder.d]);
      return [
        tf.max(tf.abs(tf.sub(early(a), early(b)))).dataSync()[0],
        tf.max(tf.abs(tf.sub(a, b))).dataSync()[0],
      ];
    });
    expect(gap[0]).toBe(0);
    expect(gap[1]).toBeGreaterThan(1e-2);
  });

  it('measures each position per replicate, and the claims compare them boundary by boundary', async () => {
    const replicates = await simulateModel(decoder, { runSeed: 3, from: 0, to: 3, batch: 2 });
    for (const r of replicates) {
      expect(r.positionSquares!.stream).toHaveLength(2 * decoder.layers + 1);
      for (const row of r.positionSquares!.stream) expect(row).toHaveLength(decoder.seqLen);
    }
    const claim = MODEL_CLAIMS.find((c) => c.id === 'model.decoder.preln.first.forward.var')!;
    const config = {
      layers: 3,
      d: 16,
      heads: 2,
      seqLen: 6,
      dropout: 0.1,
      attentionDropout: 0.2,
      rX: 0.3,
      sigmaX: 1,
      rG: 0,
      k: 1,
      sublayers: 0,
      postLn: 0,
      batch: 2,
    };
    expect(toModelConfig('decoder.preln', config)).toEqual({
      ...toModelConfig('preln', config),
      causal: true,
    });
    const comparisons = claim.compare({
      config,
      prediction: predictModel(decoder),
      profile: undefined as never,
      replicates,
    });
    expect(comparisons).toHaveLength(2 * decoder.layers + 1);
    // the input stream is drawn with variance 1 at every position
    expect(comparisons[0].predicted).toBe(1);
    expect(Math.abs(comparisons[0].measured.value - 1)).toBeLessThan(
      5 * comparisons[0].measured.stderr + 0.05,
    );
    const mean = replicates.reduce((a, r) => a + r.positionSquares!.stream[6][0], 0) / replicates.length;
    expect(comparisons[6].measured.value).toBeCloseTo(mean, 12);
  });
});
