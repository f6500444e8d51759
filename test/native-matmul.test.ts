import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine } from '../src/backend/engine.ts';
import { ADDON_PATH, loadNative } from '../src/backend/native.ts';

/**
 * The OpenBLAS kernel must give the products wasm's kernel gives, for every shape and flag the
 * simulations use. CI installs OpenBLAS and builds the addon, so there the test may not skip.
 */
const addon = loadNative();
/** Built with OpenBLAS: an addon built without it (no libopenblas-dev) has the random loops but no sgemm. */
const built = typeof addon !== 'string' && typeof addon.sgemm === 'function';
const why = typeof addon === 'string' ? addon : 'built without OpenBLAS (no sgemm)';
if (!built && process.env.CI)
  throw new Error(
    `CI must build ${ADDON_PATH.pathname} with OpenBLAS (scripts/build-native.mjs); it is ${why}`,
  );

/** float64 product of op(a) op(b) per batch, batches of one broadcast. */
function reference(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): Float64Array {
  const [av, bv] = [a.dataSync(), b.dataSync()];
  const rows = (t: tf.Tensor) => t.shape[t.rank - 2];
  const cols = (t: tf.Tensor) => t.shape[t.rank - 1];
  const m = transposeA ? cols(a) : rows(a);
  const k = transposeA ? rows(a) : cols(a);
  const n = transposeB ? rows(b) : cols(b);
  const batchA = a.size / (m * k);
  const batchB = b.size / (k * n);
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const ao = batchA === 1 ? 0 : p * m * k;
    const bo = batchB === 1 ? 0 : p * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let l = 0; l < k; l++)
          sum +=
            av[ao + (transposeA ? l * m + i : i * k + l)] * bv[bo + (transposeB ? j * k + l : l * n + j)];
        out[(p * m + i) * n + j] = sum;
      }
  }
  return out;
}

describe.skipIf(!built)(
  `native OpenBLAS matMul on the wasm engine${built ? '' : ` (skipped: addon ${why})`}`,
  () => {
    it('is installed and reported', async () => {
      const engine = await initEngine('wasm');
      expect(engine.matMul).toMatch(/^OpenBLAS .*native$/);
    });

    const cases: Array<[string, number[], number[], boolean, boolean]> = [
      ['2-D', [7, 5], [5, 3], false, false],
      ['2-D, A transposed', [5, 7], [5, 3], true, false],
      ['2-D, B transposed', [7, 5], [3, 5], false, true],
      ['2-D, both transposed', [5, 7], [3, 5], true, true],
      ['batched', [4, 6, 5], [4, 5, 2], false, false],
      ['batched, B transposed', [2, 3, 6, 5], [2, 3, 4, 5], false, true],
      ['A broadcast over B batches', [6, 5], [3, 5, 2], false, false],
      ['B broadcast over A batches', [3, 6, 5], [5, 2], false, false],
      ['large enough to use blocked kernels', [130, 257], [257, 65], false, false],
    ];
    it.each(cases)('%s matches a float64 product', async (_, shapeA, shapeB, transposeA, transposeB) => {
      await initEngine('wasm');
      const before = tf.memory().numTensors;
      const a = tf.randomNormal(shapeA, 0, 1, 'float32', 1);
      const b = tf.randomNormal(shapeB, 0, 1, 'float32', 2);
      const product = tf.matMul(a, b, transposeA, transposeB);
      const expected = reference(a, b, transposeA, transposeB);
      const k = transposeA ? shapeA[shapeA.length - 2] : shapeA[shapeA.length - 1];
      const got = product.dataSync();
      expect(got.length).toBe(expected.length);
      // float32 rounding of k products of unit normals: far below sqrt(k) * 1e-5
      const worst = Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i])));
      expect(worst).toBeLessThan(Math.sqrt(k) * 1e-5);
      tf.dispose([a, b, product]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('writes into a heap that grows for its output', async () => {
      await initEngine('wasm');
      const a = tf.ones([4096, 8]);
      const b = tf.ones([8, 4096]);
      // a 64 MiB result: the wasm heap grows while the kernel allocates it
      const product = tf.matMul(a, b);
      const [min, max] = [tf.min(product).dataSync()[0], tf.max(product).dataSync()[0]];
      expect([min, max]).toEqual([8, 8]);
      tf.dispose([a, b, product]);
    });
  },
);

/**
 * What a user without a compiler or OpenBLAS runs (SIGPROP_NATIVE=0: XNNPACK products, grouped
 * attention, per-sample Linear products, JS random loops) against the native path, end to end:
 * the same draws, so the same replicates and moments up to float32 rounding.
 */
describe.skipIf(!built)('plain wasm and the native addon measure the same', () => {
  const BIN = new URL('../bin/sigprop.js', import.meta.url).pathname;
  const check = (claim: string, config: object, native: boolean) => {
    const run = spawnSync(
      process.execPath,
      [
        BIN,
        'check',
        claim,
        '--config',
        JSON.stringify(config),
        '--json',
        '--budget',
        'quick',
        '--expect',
        'holds,deviates',
      ],
      {
        encoding: 'utf8',
        // the wasm engine either way: without OpenBLAS the automatic choice would take tfjs-node where built
        env: { ...process.env, SIGPROP_BACKEND: 'wasm', SIGPROP_NATIVE: native ? '1' : '0' },
        timeout: 120_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(native ? /matMul OpenBLAS/ : /matMul XNNPACK \(wasm\); OpenBLAS off/);
    return JSON.parse(run.stdout) as {
      measured: number;
      stderr: number;
      scale: number;
      replicates: number;
      verdict: string;
    };
  };
  it.each([
    // 128 x 256 products over 64 tokens, batch > 1: per-sample 2-D products on plain wasm
    ['linear.backward.cov', { muX: 1, dIn: 128, dOut: 256, seqLen: 64 }],
    // grouped layout with block-diagonal masks (2 samples of 40 tokens per group) vs batched
    ['sha.backward.var', { dIn: 64, dOut: 32, seqLen: 40, attentionDropout: 0.2 }],
  ])('%s', { timeout: 240_000 }, (claim, config) => {
    const [plain, native] = [check(claim, config, false), check(claim, config, true)];
    expect(native.replicates).toBe(plain.replicates);
    expect(native.verdict).toBe(plain.verdict);
    expect(Math.abs(native.measured - plain.measured)).toBeLessThan(1e-4 * plain.scale + 1e-3 * plain.stderr);
  });
});
