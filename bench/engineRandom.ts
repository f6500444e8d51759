/**
 * Could random numbers be generated where the work is, on the engine? Times, on the wasm engine
 * and by process CPU time, the tfjs ops an on-engine generator would be built from, a minimal
 * counter-based generator with Box-Muller normals, and the JS ziggurat plus its upload to a
 * tensor (what the simulations do). The generator's quality is not assessed: it only bounds the
 * cost from below (tfjs has no xor or shifts, so any real hash needs more rounds).
 *   npx tsx bench/engineRandom.ts
 */
import * as tf from '@tensorflow/tfjs';
import { initEngine, releaseEngine } from '../src/backend/engine.ts';
import { RandomStream } from '../src/sim/random.ts';
import { cpuMs } from './clock.ts';

const N = 1 << 20;

/**
 * Median CPU nanoseconds per element of `body` on N elements: each of `repeats` samples runs it
 * enough times to take ~20 ms, since process CPU time is accounted in scheduler ticks.
 */
function nsPerElement(body: () => unknown, repeats = 9): number {
  const once = (times: number) => {
    const started = cpuMs();
    // the result is dropped inside tidy: a returned tensor would be kept, and the heap would grow
    for (let i = 0; i < times; i++) {
      tf.tidy(() => {
        body();
      });
    }
    return cpuMs() - started;
  };
  const calls = Math.max(1, Math.ceil(20 / Math.max(once(5) / 5, 0.01)));
  const samples = Array.from({ length: repeats }, () => once(calls) / calls).sort((a, b) => a - b);
  return (samples[repeats >> 1] * 1e6) / N;
}

await initEngine('wasm');
const u = tf.randomUniform([N], 0.01, 1);
const words = tf.randomUniform([N], 0, 2 ** 30, 'int32');
const iota = tf.range(0, N, 1, 'int32');
const int = (v: number) => tf.scalar(v, 'int32');
const ops: Record<string, () => unknown> = {
  'mul f32': () => tf.mul(u, 3),
  'log f32': () => tf.log(u),
  'sqrt f32': () => tf.sqrt(u),
  'cos f32': () => tf.cos(u),
  'mul int32': () => tf.mul(words, int(747796405)),
  'floorDiv int32': () => tf.floorDiv(words, int(65536)),
};
for (const [name, op] of Object.entries(ops))
  console.log(`${name.padEnd(16)} ${nsPerElement(op).toFixed(2)} ns/element`);

/** 24-bit uniforms from multiply-add rounds on a counter, the high half folded in by floorDiv. */
function uniforms(offset: number, n: number): tf.Tensor {
  let h = tf.add(tf.mul(tf.add(iota.slice(0, n), int(offset)), int(747796405)), int(-1403630843));
  for (const multiplier of [277803737, 747796405])
    h = tf.add(tf.mul(h, int(multiplier)), tf.floorDiv(h, int(65536)));
  return tf.mul(tf.add(tf.cast(tf.mod(h, int(1 << 24)), 'float32'), 0.5), 2 ** -24);
}
const boxMuller = (u1: tf.Tensor, u2: tf.Tensor) => {
  const radius = tf.sqrt(tf.mul(tf.log(u1), -2));
  const angle = tf.mul(u2, 2 * Math.PI);
  return tf.concat([tf.mul(radius, tf.cos(angle)), tf.mul(radius, tf.sin(angle))]);
};
const half = N / 2;
const [u1, u2] = [uniforms(0, half), uniforms(half, half)];
const engineFromUniforms = nsPerElement(() => boxMuller(u1, u2));
const engine = nsPerElement(() => boxMuller(uniforms(0, half), uniforms(half, half)));
const stream = new RandomStream('engine-random');
const values = new Float32Array(N);
const js = nsPerElement(() => tf.tensor1d(stream.fillNormal(values)));
const rate = (ns: number) => (1e9 / ns).toExponential(2);
console.log(
  `engine Box-Muller, uniforms given   ${engineFromUniforms.toFixed(1)} ns/normal (${rate(engineFromUniforms)}/s)`,
);
console.log(`engine counter hash + Box-Muller    ${engine.toFixed(1)} ns/normal (${rate(engine)}/s)`);
console.log(`JS ziggurat + upload to a tensor    ${js.toFixed(1)} ns/normal (${rate(js)}/s)`);
tf.dispose([u, words, iota, u1, u2]);
await releaseEngine();
