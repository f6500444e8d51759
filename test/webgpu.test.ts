import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { initEngine, releaseEngine, setDeviceRandom, type EngineInfo } from '../src/backend/engine.ts';
import { checkComponent } from '../src/claims/check.ts';
import { resolveConfig } from '../src/claims/params.ts';
import { COMPONENTS } from '../src/claims/registry.ts';
import { BUDGETS } from '../src/stats/budget.ts';

/*
 * The webgpu engine on whatever adapter this machine has; in CI that is Mesa llvmpipe through
 * Dawn's OpenGL ES route (.ci/install-gpu-software.sh). tfjs backends are per process, and
 * vitest's forks pool gives this file its own, so selecting webgpu here affects no other test.
 *
 * Tolerances: inputs are float32 and exact in float64, so a float64 JS reference has no error
 * of its own. A float32 sum of n terms in any order (tiled, tree, FMA) is within
 * gamma(n) * sum|term| of the exact sum, gamma(n) = n*u/(1 - n*u), u = 2^-24 (Higham, Thm 3.1).
 * That bound is what matMul, sum and moments are held to. For element-wise ops, tfjs's erf is
 * Abramowitz-Stegun 7.1.26 on both backends; WGSL allows exp() an error of 3 + 2|x| ulp, so
 * webgpu and cpu erf (cpu computes in float64, then rounds) may differ by a few float32 ulps of
 * a value of size <= 1: 1e-6 absolute (about 8 ulp at 1).
 */
const U = 2 ** -24;
const gamma = (n: number) => (n * U) / (1 - n * U);

let engine: EngineInfo | undefined;
let unavailable: string | undefined;
try {
  engine = await initEngine('webgpu');
} catch (err) {
  unavailable = err instanceof Error ? err.message : String(err);
}
const inCI = !['', '0', 'false', undefined].includes(process.env.CI);

afterAll(async () => {
  await releaseEngine();
});

it('has a WebGPU adapter (a software one is enough)', (ctx) => {
  if (unavailable !== undefined && !inCI) ctx.skip(`webgpu unavailable here: ${unavailable}`);
  expect(
    unavailable,
    `webgpu engine required in CI (run .ci/install-gpu-software.sh): ${unavailable}`,
  ).toBeUndefined();
  expect(engine?.backend).toBe('webgpu');
  expect(engine?.adapter).toMatch(/\S/);
});

function normals(n: number, seed: string): Float32Array {
  const rng = seedrandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng()));
    const t = 2 * Math.PI * rng();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

/** Runs `body` on a backend and returns its output as float32 data; tensors are all disposed. */
async function on(backend: string, body: () => tf.Tensor): Promise<Float32Array> {
  expect(await tf.setBackend(backend)).toBe(true);
  const out = tf.tidy(body);
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
}

function expectWithin(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: (i: number) => number,
  what: string,
) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) / tol(i);
    if (!(excess <= worst)) [worst, at] = [excess, i]; // NaN also lands here
  }
  expect(
    worst,
    `${what}: element ${at} is ${actual[at]} vs ${expected[at]} (tolerance ${tol(at)})`,
  ).toBeLessThanOrEqual(1);
}

describe.skipIf(unavailable !== undefined)('webgpu kernels against float64 / cpu references', () => {
  const M = 256;
  const K = 512;
  const N = 128;
  const a = normals(M * K, 'a');
  const b = normals(K * N, 'b');

  // every test checks it leaves no tensor behind, on either backend
  async function noLeak(body: () => Promise<void>) {
    await tf.setBackend('webgpu');
    const before = tf.memory().numTensors;
    await body();
    await tf.setBackend('webgpu');
    expect(tf.memory().numTensors).toBe(before);
  }

  it('matMul [256x512]@[512x128] within gamma(512) * sum|a*b| of float64', () =>
    noLeak(async () => {
      const got = await on('webgpu', () => tf.matMul(tf.tensor2d(a, [M, K]), tf.tensor2d(b, [K, N])));
      const exact = new Float64Array(M * N);
      const magnitude = new Float64Array(M * N);
      for (let i = 0; i < M; i++)
        for (let k = 0; k < K; k++) {
          const aik = a[i * K + k]!;
          for (let j = 0; j < N; j++) {
            exact[i * N + j] += aik * b[k * N + j]!;
            magnitude[i * N + j] += Math.abs(aik * b[k * N + j]!);
          }
        }
      // (+ one ulp of the result as slack for the float64 reference's own last rounding)
      expectWithin(got, exact, (i) => gamma(K) * magnitude[i]! + U * Math.abs(exact[i]!), 'matMul');
    }));

  it('relu is exact and erf matches cpu to 1e-6', () =>
    noLeak(async () => {
      const x = a.subarray(0, 4096);
      const relu = await on('webgpu', () => tf.relu(tf.tensor1d(x)));
      expectWithin(
        relu,
        Array.from(x, (v) => Math.max(v, 0)),
        () => Number.MIN_VALUE,
        'relu',
      );
      const erfGpu = await on('webgpu', () => tf.erf(tf.tensor1d(x)));
      const erfCpu = await on('cpu', () => tf.erf(tf.tensor1d(x)));
      expectWithin(erfGpu, erfCpu, () => 1e-6, 'erf');
    }));

  it('sum along axis 1 within gamma(512) * sum|x| of float64', () =>
    noLeak(async () => {
      const got = await on('webgpu', () => tf.sum(tf.tensor2d(a, [M, K]), 1));
      const exact = new Float64Array(M);
      const magnitude = new Float64Array(M);
      for (let i = 0; i < M * K; i++) {
        exact[Math.floor(i / K)] += a[i]!;
        magnitude[Math.floor(i / K)] += Math.abs(a[i]!);
      }
      expectWithin(got, exact, (i) => gamma(K) * magnitude[i]! + U * Math.abs(exact[i]!), 'sum');
    }));

  it('tf.moments over axis 0 within float32 summation bounds', () =>
    noLeak(async () => {
      const got = await on('webgpu', () => {
        const { mean, variance } = tf.moments(tf.tensor2d(a, [M, K]), 0);
        return tf.concat([mean, variance]);
      });
      for (let j = 0; j < K; j++) {
        let s = 0;
        let abs = 0;
        for (let i = 0; i < M; i++) [s, abs] = [s + a[i * K + j]!, abs + Math.abs(a[i * K + j]!)];
        const mean = s / M;
        let ss = 0;
        for (let i = 0; i < M; i++) ss += (a[i * K + j]! - mean) ** 2;
        const variance = ss / M;
        // mean: a sum of M terms, then a division
        expect(Math.abs(got[j]! - mean)).toBeLessThanOrEqual((gamma(M) * abs) / M + 2 * U * Math.abs(mean));
        // variance: M positive terms, each after a subtraction (whose error from the mean's error
        // is first-order zero in total, since sum(x - mean) = 0) and a square: gamma(M + 4)
        // relative, plus the mean error squared
        const meanErr = (gamma(M) * abs) / M + 2 * U * Math.abs(mean);
        expect(Math.abs(got[K + j]! - variance)).toBeLessThanOrEqual(gamma(M + 4) * variance + meanErr ** 2);
      }
    }));

  it('tf.grad of sum(relu(x)^2 * w) + mean(x) matches cpu', () =>
    noLeak(async () => {
      const x = a.subarray(0, 2048);
      const w = b.subarray(0, 2048);
      const grad = () => {
        const wt = tf.tensor1d(w);
        const f = (v: tf.Tensor) => tf.add(tf.sum(tf.mul(tf.square(tf.relu(v)), wt)), tf.mean(v));
        return tf.grad(f)(tf.tensor1d(x));
      };
      const gpu = await on('webgpu', grad);
      const cpu = await on('cpu', grad);
      // 2*relu(x)*w + 1/n: three roundings each, on both backends: 8 ulp of the magnitudes
      expectWithin(
        gpu,
        cpu,
        (i) => 8 * U * (Math.abs(2 * Math.max(x[i]!, 0) * w[i]!) + 1 / x.length),
        'grad',
      );
    }));
});

/*
 * Whole claims on the adapter, with the device generator off (SIGPROP_DEVICE_RANDOM=0; with it on,
 * test/philox.test.ts holds claims to wasm statistically): the same seeds draw the same numbers in JS on every engine, so the
 * webgpu engine and wasm (here with its own XNNPACK products and the grouped attention layout,
 * webgpu batching its attention) must measure the same moments up to float32 rounding: far below
 * the statistical error. Element-wise, a product, a normalisation and attention with dropout.
 */
describe.skipIf(unavailable !== undefined)('claims on webgpu agree with the wasm engine', () => {
  const configs: Record<string, Record<string, number>> = {
    relu: { sigmaX: 2, rX: 0.3, sigmaG: 1, rG: 0.6, d: 4, seqLen: 64 },
    linear: { muX: 3, sigmaX: 1, rX: 0.5, sigmaG: 1, rG: 0.3, dIn: 32, dOut: 16, sigmaW: 0.2, seqLen: 16 },
    layernorm: { muX: 5, sigmaX: 1.5, rX: 0.6, sigmaG: 1, rG: 0.4, d: 24, seqLen: 16 },
    sha: { sigmaX: 1, rX: 0.4, sigmaG: 1, rG: 0.2, dIn: 16, dOut: 8, seqLen: 12, attentionDropout: 0.2 },
  };
  const budget = { ...BUDGETS.quick, maxReplicates: BUDGETS.quick.initialReplicates };

  it.each(Object.keys(configs))('%s', async (key) => {
    const component = COMPONENTS.find((c) => c.key === key)!;
    const measure = async (backend: 'webgpu' | 'wasm') => {
      expect(await tf.setBackend(backend)).toBe(true);
      const info: EngineInfo = { ...engine!, name: backend, backend };
      const before = tf.memory().numTensors;
      const results = await checkComponent(
        component,
        component.claims,
        resolveConfig(component.params, configs[key], key),
        { budget, seed: 5, engine: info, comparisons: 1 },
      );
      expect(tf.memory().numTensors).toBe(before);
      return results;
    };
    setDeviceRandom(false);
    const gpu = await measure('webgpu').finally(() => setDeviceRandom(undefined));
    await import('@tensorflow/tfjs-backend-wasm');
    const wasm = await measure('wasm');
    expect(await tf.setBackend('webgpu')).toBe(true);
    expect(gpu.map((r) => r.claim)).toEqual(component.claims.map((c) => c.id));
    gpu.forEach((r, i) => {
      const other = wasm[i];
      expect(other.claim).toBe(r.claim);
      expect(r.replicates).toBe(other.replicates);
      expect(
        Math.abs(r.measured - other.measured),
        `${r.claim}: webgpu ${r.measured}, wasm ${other.measured}`,
      ).toBeLessThan(1e-4 * r.scale + 1e-3 * r.stderr);
    });
  });
});
