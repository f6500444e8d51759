/**
 * Forward + backward of multi-head attention on the default engine (wasm): the block simulator's
 * customGrad (2-D matMuls without transpose flags, explicit transposes) against the naive tfjs
 * graph (batched 4-D matMuls with a transpose flag, differentiated by autodiff), which falls off
 * wasm's fast matMul path. Run: npx tsx bench/attention.bench.ts
 */
import * as tf from '@tensorflow/tfjs';
import { Bench } from 'tinybench';
import { initEngine } from '../src/backend/engine.ts';
import {
  drawAttentionMask,
  drawAttentionWeights,
  multiHeadAttention,
  type AttentionMask,
  type AttentionWeights,
} from '../src/sim/blocks/attention.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleTokens } from '../src/sim/sampler.ts';
import { forwardAndVjp } from '../src/sim/simulator.ts';

/** The textbook graph: [B, h, L, d_k] tensors, Q K^T by a transposed batched matMul, autodiff. */
function naiveAttention(w: AttentionWeights, mask: AttentionMask | undefined) {
  return (x: tf.Tensor3D) => {
    const [B, L, d] = x.shape;
    const h = w.heads;
    const dk = w.query.w.shape[1] / h;
    const x2 = tf.reshape(x, [B * L, d]) as tf.Tensor2D;
    const split = (m: tf.Tensor2D) => tf.transpose(tf.reshape(tf.matMul(x2, m), [B, L, h, dk]), [0, 2, 1, 3]);
    const [q, k, v] = [w.query.w, w.key.w, w.value.w].map(split);
    let a = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dk)));
    if (mask) a = tf.mul(a, tf.tensor4d(mask.values, [B, h, L, L]));
    const o = tf.reshape(tf.transpose(tf.matMul(a, v), [0, 2, 1, 3]), [B * L, h * dk]) as tf.Tensor2D;
    const y: tf.Tensor2D = w.output ? tf.matMul(o, w.output.w) : o;
    return tf.reshape(y, [B, L, y.shape[1]]) as tf.Tensor3D;
  };
}

const shapes = [
  { B: 4, L: 128, d: 128, heads: 4 },
  { B: 2, L: 256, d: 256, heads: 1 },
];

const info = await initEngine();
console.log(`engine: ${info.name}`);
for (const { B, L, d, heads } of shapes) {
  const random = new RandomStream('bench');
  const w = drawAttentionWeights(
    {
      dIn: d,
      dHead: d / heads,
      heads,
      sigmaQ: 1 / Math.sqrt(d),
      sigmaK: 1 / Math.sqrt(d),
      sigmaV: 1 / Math.sqrt(d),
      sigmaO: 1 / Math.sqrt(d),
    },
    random,
  );
  const mask = drawAttentionMask(B, heads, L, 0.1, random);
  const x = tf.tensor3d(
    sampleTokens({ batch: B, seqLen: L, features: d }, { mean: 0, std: 1, tokenCorrelation: 0.3 }, random),
    [B, L, d],
  );
  const g = tf.tensor3d(
    sampleTokens({ batch: B, seqLen: L, features: d }, { mean: 0, std: 1, tokenCorrelation: 0 }, random),
    [B, L, d],
  );
  const run = (f: (x: tf.Tensor3D) => tf.Tensor3D) => () => {
    const r = tf.tidy(() => forwardAndVjp(f, x, g));
    r.inputGrad.dataSync();
    tf.dispose([r.output, r.inputGrad]);
  };
  // the two must agree before their speeds mean anything
  const gap = tf.tidy(() => {
    const a = forwardAndVjp(multiHeadAttention(w, mask), x, g);
    const b = forwardAndVjp(naiveAttention(w, mask), x, g);
    const rel = (p: tf.Tensor, q: tf.Tensor) =>
      tf.max(tf.abs(tf.sub(p, q))).dataSync()[0] / tf.max(tf.abs(q)).dataSync()[0];
    return Math.max(rel(a.output, b.output), rel(a.inputGrad, b.inputGrad));
  });
  const bench = new Bench({ time: 2000, warmupTime: 300 });
  bench.add(`customGrad 2-D   B=${B} L=${L} d=${d} h=${heads}`, run(multiHeadAttention(w, mask)));
  bench.add(`naive autodiff   B=${B} L=${L} d=${d} h=${heads}`, run(naiveAttention(w, mask)));
  await bench.run();
  const [fast, slow] = bench.tasks.map((t) => t.result!);
  const mean = (r: (typeof bench.tasks)[number]['result']) =>
    (r as unknown as { latency: { mean: number } }).latency.mean;
  console.table(bench.table());
  console.log(
    `max relative difference ${gap.toExponential(2)}; speedup ${(mean(slow) / mean(fast)).toFixed(2)}x`,
  );
  tf.dispose([x, g, ...[w.query, w.key, w.value, w.output!].flatMap((m) => [m.w, m.wTransposed])]);
}
