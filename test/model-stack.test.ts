import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { PairMoments } from '../src/stats/pairMoments.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleTokens } from '../src/sim/sampler.ts';
import { forwardAndVjp } from '../src/sim/simulator.ts';
import { drawStack } from '../src/sim/model/build.ts';
import { simulateModel } from '../src/sim/model/measure.ts';
import { measuredProfile } from '../src/sim/model/profile.ts';
import { jackknife } from '../src/stats/jackknife.ts';
import { runStack, stackForward, type StackSpec } from '../src/sim/model/stack.ts';
import { ARCHS, type Arch, type ModelConfig } from '../src/theory/models.ts';
import { useEngine } from './support/engine.ts';

/**
 * Central differences of loss = sum(f(x)*g) in every input coordinate. A 2-layer stack of
 * LN -> attention -> LN -> ReLU FFN has kinks (ReLU) and strong curvature (LN at small variance),
 * so a step may cross a kink in a coordinate or two; the comparison is therefore on the
 * whole vector (relative L2 error) and on the share of coordinates that agree. A missing factor
 * (lambda, beta, a dropped LN path) moves every coordinate by O(1) and fails both.
 */
async function finiteDifferenceGap(f: (x: tf.Tensor3D) => tf.Tensor3D, x: Float32Array, g: Float32Array) {
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
  // 3e-3: at 1e-2 the O(h^2) truncation through two LayerNorms reaches ~2% (measured), at 3e-3
  // ~1e-4; but a draw with a ReLU pre-activation or a small LN variance near x can still make one
  // step too coarse (measured 1.0% at 3e-3 and 4.8e-4 at 1e-3 on one draw). A correct gradient
  // agrees at some step; a wrong one (missing factor or path) disagrees at every step, so the
  // better of two steps is kept.
  const scale = Math.max(...Array.from(analytic, Math.abs));
  const gapAt = async (h: number) => {
    let diff2 = 0;
    let norm2 = 0;
    let agree = 0;
    for (let i = 0; i < x.length; i++) {
      const plus = Float32Array.from(x);
      const minus = Float32Array.from(x);
      plus[i] += h;
      minus[i] -= h;
      const numeric = ((await loss(plus)) - (await loss(minus))) / (2 * h);
      diff2 += (numeric - analytic[i]) ** 2;
      norm2 += analytic[i] ** 2;
      if (Math.abs(numeric - analytic[i]) < 3e-3 * scale) agree++;
    }
    return { relative: Math.sqrt(diff2 / norm2), agreeing: agree / x.length };
  };
  const [coarse, fine] = [await gapAt(3e-3), await gapAt(1e-3)];
  return coarse.relative <= fine.relative ? coarse : fine;
}

useEngine();

const B = 1;
const L = 3;
const D = 8;
const tiny = (arch: Arch): ModelConfig => ({
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
});
const draw = (seed: string) =>
  sampleTokens(
    { batch: B, seqLen: L, features: D },
    { mean: 0, std: 1, tokenCorrelation: 0.3 },
    new RandomStream(seed),
  );
const shape: [number, number, number] = [B, L, D];

/** A stack with its weights kept alive outside any tidy (the test disposes nothing: tiny). */
function spec(arch: Arch, seed: string): StackSpec {
  return drawStack(tiny(arch), new RandomStream(seed), B);
}

describe('model stack backward (2 layers, d = 8) against finite differences', () => {
  it.each(ARCHS)('%s: input gradient', async (arch) => {
    const s = spec(arch, `fd-${arch}`);
    const gap = await finiteDifferenceGap((x) => stackForward(s, x), draw('x'), draw('g'));
    expect(gap.relative).toBeLessThan(2e-3);
    expect(gap.agreeing).toBeGreaterThanOrEqual(0.95);
  });

  it.each(['preln', 'postln', 'dslm-postln'] as Arch[])(
    '%s: the probe gradient at every boundary is the VJP of the stack above it',
    async (arch) => {
      const s = spec(arch, `probe-${arch}`);
      const x = tf.tensor3d(draw('x'), shape);
      const g = tf.tensor3d(draw('g'), shape);
      const pass = runStack(s, x, g);
      expect(pass.streams).toHaveLength(5);
      expect(pass.gradients).toHaveLength(5);
      expect(Array.from(await pass.gradients[4].data())).toEqual(Array.from(await g.data()));
      for (let i = 0; i < 4; i++) {
        const above: StackSpec = { ...s, branches: s.branches.slice(i) };
        const direct = forwardAndVjp((v) => stackForward(above, v), pass.streams[i], g);
        const a = await pass.gradients[i].data();
        const b = await direct.inputGrad.data();
        const scale = Math.max(...Array.from(b, Math.abs));
        b.forEach((v, j) =>
          expect(Math.abs(a[j] - v), `boundary ${i}, coordinate ${j}`).toBeLessThan(1e-5 * scale),
        );
        // and the stream at i is the forward of the stack below it
        const below = stackForward({ ...s, branches: s.branches.slice(0, i) }, x);
        const f = await below.data();
        (await pass.streams[i].data()).forEach((v, j) => expect(v).toBeCloseTo(f[j], 5));
      }
    },
  );
});

describe('per-sublayer moment extraction', () => {
  it('returns 2N+1 boundaries; the top gradient is the drawn g and the bottom stream the drawn x', async () => {
    const c = { ...tiny('preln'), seqLen: 16, d: 16, heads: 2, rG: 0.4 };
    const reps = await simulateModel(c, { runSeed: 7, from: 0, to: 3, batch: 2 });
    expect(reps).toHaveLength(3);
    expect(reps[0].stream).toHaveLength(5);
    expect(reps[0].gradient).toHaveLength(5);
    // replay replicate 0's draws: x first, then weights and masks, then g
    const { replicateSeed } = await import('../src/sim/random.ts');
    const random = new RandomStream(replicateSeed(7, 'model', c, 0));
    const dims = { batch: 2, seqLen: 16, features: 16 };
    const x = sampleTokens(dims, { mean: 0, std: 1, tokenCorrelation: c.rX }, random);
    tf.tidy(() => {
      drawStack(c, random, 2);
    });
    const g = sampleTokens(dims, { mean: 0, std: 1, tokenCorrelation: 0.4 }, random);
    const direct = (v: Float32Array): PairMoments => {
      let sum = 0;
      let square = 0;
      let pairs = 0;
      for (let b = 0; b < 2; b++)
        for (let f = 0; f < 16; f++) {
          let s = 0;
          let q = 0;
          for (let t = 0; t < 16; t++) {
            const y = v[(b * 16 + t) * 16 + f];
            s += y;
            q += y * y;
          }
          sum += s;
          square += q;
          pairs += s * s - q;
        }
      return {
        shift: 0,
        meanShifted: sum / 512,
        meanSquareShifted: square / 512,
        pairProductShifted: pairs / (32 * 16 * 15),
      };
    };
    for (const [got, want] of [
      [reps[0].stream[0], direct(x)],
      [reps[0].gradient[4], direct(g)],
    ] as const) {
      expect(got.meanShifted).toBeCloseTo(want.meanShifted, 5);
      expect(got.meanSquareShifted).toBeCloseTo(want.meanSquareShifted, 5);
      expect(got.pairProductShifted).toBeCloseTo(want.pairProductShifted, 5);
    }
    const profile = measuredProfile(reps);
    expect(profile.variance).toHaveLength(5);
    expect(profile.correlation[0].value).toBeGreaterThan(-1);
  });

  it('jackknife reproduces sd/sqrt(R) for a mean and the delta method for a ratio', () => {
    const rows = [[1], [2], [4], [7]];
    const est = jackknife(rows, ([m]) => m);
    expect(est.value).toBeCloseTo(3.5, 12);
    const sd = Math.sqrt([1, 2, 4, 7].reduce((a, v) => a + (v - 3.5) ** 2, 0) / 3);
    expect(est.stderr).toBeCloseTo(sd / 2, 12);
    // ratio of two perfectly proportional columns has no spread
    expect(
      jackknife(
        [
          [1, 2],
          [3, 6],
          [5, 10],
        ],
        ([a, b]) => a / b,
      ).stderr,
    ).toBeLessThan(1e-15);
  });
});

describe('control: where the block formulas are in their regime, the chained Pre-LN backward holds', () => {
  it('with W_q, W_k scaled by 0.01 (score variance ~ 0) the input gradient matches the chained prediction, not the telescoped one', async () => {
    const { attentionSublayer, ffnSublayer, preLnRecurrence, xavierStds } =
      await import('../src/theory/models.ts');
    const c: ModelConfig = {
      arch: 'preln',
      layers: 4,
      d: 32,
      heads: 2,
      seqLen: 16,
      dropout: 0.1,
      attentionDropout: 0.1,
      rX: 0.2,
      sigmaX: 1,
    };
    const x = xavierStds(c.d, c.heads);
    const s = { ...x, sigmaQ: x.sigmaQ * 0.01, sigmaK: x.sigmaK * 0.01 };
    const stds = Array.from({ length: c.layers }, () => s);
    const predicted = preLnRecurrence(
      { variance: 1, correlation: c.rX },
      stds.flatMap((t) => [attentionSublayer(c, t), ffnSublayer(c, t)]),
      { lambda: 1, beta: 1 },
      { variance: 1, correlation: 0 },
    );
    const reps = await simulateModel(c, { runSeed: 3, from: 0, to: 48, batch: 1, stds });
    const measured = measuredProfile(reps).gradVariance[0];
    const telescoped = predicted.variance[2 * c.layers] / predicted.variance[0];
    // 4.5 standard errors: a fixed test, so a false alarm has probability ~1e-5
    expect(Math.abs(measured.value - predicted.gradVariance[0])).toBeLessThan(4.5 * measured.stderr);
    expect(Math.abs(measured.value - telescoped)).toBeGreaterThan(4.5 * measured.stderr);
  });
});
