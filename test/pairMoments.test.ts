import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { groupSums } from '../src/sim/pairMoments.ts';
import {
  pairMomentsFromGroupSums,
  pairMomentsFromTotals,
  type PairMoments,
} from '../src/stats/pairMoments.ts';
import { heapPairTotals } from '../src/backend/nativeMoments.ts';
import { loadNative } from '../src/backend/native.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleTokens } from '../src/sim/sampler.ts';
import { useEngine } from './support/engine.ts';

useEngine();

/** The same statistics by a plain float64 loop over the float32 data. */
function reference(data: Float32Array, [batch, seqLen, features]: number[], axis: 1 | 2, shift: number) {
  const at = (b: number, t: number, f: number) => data[(b * seqLen + t) * features + f] - shift;
  let sum = 0,
    sumSq = 0,
    pairs = 0,
    pairCount = 0;
  const groupSize = axis === 1 ? seqLen : features;
  const others = axis === 1 ? features : seqLen;
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < others; o++) {
      for (let i = 0; i < groupSize; i++) {
        const u = axis === 1 ? at(b, i, o) : at(b, o, i);
        sum += u;
        sumSq += u * u;
        for (let j = 0; j < groupSize; j++) {
          if (j === i) continue;
          pairs += u * (axis === 1 ? at(b, j, o) : at(b, o, j));
          pairCount++;
        }
      }
    }
  }
  const count = batch * others * groupSize;
  return {
    meanShifted: sum / count,
    meanSquareShifted: sumSq / count,
    pairProductShifted: pairs / pairCount,
  };
}

type Shape = [number, number, number];

/** On the engine: group sums reduced by tfjs, downloaded, added in float64. */
async function onEngine(data: Float32Array, shape: Shape, axis: 1 | 2, shift: number) {
  const y = tf.tensor3d(data, shape);
  const pieces = tf.tidy(() => groupSums(y, axis, shift));
  const downloaded = await Promise.all(pieces.map((p) => p.data() as Promise<Float32Array>));
  tf.dispose([y, ...pieces]);
  return pairMomentsFromGroupSums(downloaded, shape[axis], shift);
}

/** In the wasm heap by the native addon, as simulateReplicates reduces there when it can. */
async function inHeap(data: Float32Array, shape: Shape, axis: 1 | 2, shift: number) {
  const y = tf.tensor3d(data, shape);
  const totals = heapPairTotals(y, axis, shift);
  y.dispose();
  expect(totals).toBeDefined();
  return pairMomentsFromTotals(totals!, y.size / shape[axis], shape[axis], shift);
}

const addon = loadNative();
/** where the addon has the reduction (CI builds it; the tests' engine is wasm), it is checked like the engine's */
const heapReduction = typeof addon !== 'string' && addon.pairTotals !== undefined;
type Reduction = (data: Float32Array, shape: Shape, axis: 1 | 2, shift: number) => Promise<PairMoments>;
const REDUCTIONS: [string, Reduction][] = [['on the engine', onEngine]];
if (heapReduction || process.env.CI) REDUCTIONS.push(['in the wasm heap', inHeap]);

it('leaves an empty observation to the engine path', () => {
  const empty = tf.zeros([2, 0, 3]) as tf.Tensor3D;
  expect(heapPairTotals(empty, 1, 0)).toBeUndefined();
  empty.dispose();
});

describe.each(REDUCTIONS)('float64 accumulation of pair moments %s', (_, measured) => {
  it.each([
    [[3, 40, 7], 1, 0.5, 10, 0.6],
    [[2, 9, 33], 2, -10, 0.316, 0.3],
    // an axis longer than one in-engine reduction is split and the pieces summed in float64
    [[2, 2500, 2], 1, 3, 1, 0.9],
  ] as const)(
    'shape %j axis %i mean %f std %f r %f matches a float64 loop',
    async (shape, axis, mean, std, r) => {
      const data = sampleTokens(
        { batch: shape[0], seqLen: shape[1], features: shape[2] },
        { mean, std, tokenCorrelation: r },
        new RandomStream('acc'),
      );
      const shift = Math.fround(mean);
      const got = await measured(data, [...shape], axis, shift);
      const want = reference(data, [...shape], axis, shift);
      // float32 group sums of <= 1024 terms: relative error ~1e-6 of the sum of magnitudes
      const s2 = std * std;
      expect(Math.abs(got.meanShifted - want.meanShifted)).toBeLessThan(1e-6 * std);
      expect(Math.abs(got.meanSquareShifted - want.meanSquareShifted)).toBeLessThan(1e-5 * s2);
      expect(Math.abs(got.pairProductShifted - want.pairProductShifted)).toBeLessThan(1e-5 * s2);
    },
  );

  it('keeps the variance of a large-mean output where a float32 E[y^2] - E[y]^2 loses it', async () => {
    // mean 1000, std 0.01: the variance is 1e-10 of E[y^2], below float32 resolution
    const shape: [number, number, number] = [4, 256, 8];
    const data = sampleTokens(
      { batch: 4, seqLen: 256, features: 8 },
      { mean: 1000, std: 0.01, tokenCorrelation: 0 },
      new RandomStream('big'),
    );
    const got = await measured(data, shape, 1, Math.fround(1000));
    const want = reference(data, shape, 1, Math.fround(1000));
    const variance = got.meanSquareShifted - got.meanShifted ** 2;
    const wantVariance = want.meanSquareShifted - want.meanShifted ** 2;
    expect(Math.abs(variance - wantVariance)).toBeLessThan(1e-3 * wantVariance);
    const naive = tf.tidy(() => {
      const y = tf.tensor3d(data, shape);
      return tf.sub(tf.mean(tf.square(y)), tf.square(tf.mean(y)));
    });
    const [naiveVariance] = await naive.data();
    naive.dispose();
    expect(Math.abs(naiveVariance - wantVariance)).toBeGreaterThan(0.5 * wantVariance);
  });
});
