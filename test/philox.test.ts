import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  initEngine,
  releaseEngine,
  setDeviceRandom,
  deviceRandomRequested,
  EngineUnavailable,
  type EngineInfo,
} from '../src/backend/engine.ts';
import {
  LANE_OWN,
  LANE_SHARED,
  philox4x32,
  philoxDropoutMask,
  philoxKey,
  philoxNormals,
  philoxTokens,
  philoxWords,
  sharedIndex,
  type PhiloxKey,
} from '../src/backend/philox.ts';
import { deviceDraw, type DeviceDraw } from '../src/backend/philoxWebgpu.ts';
import { checkComponent } from '../src/claims/check.ts';
import { resolveConfig } from '../src/claims/params.ts';
import { COMPONENTS } from '../src/claims/registry.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleTokens } from '../src/sim/sampler.ts';
import { drawTokens } from '../src/sim/simulator.ts';
import { BUDGETS } from '../src/stats/budget.ts';

/*
 * Philox4x32-10: the JS reference against Random123's published known-answer vectors, then (on a
 * WebGPU adapter; in CI Mesa's llvmpipe, as in webgpu.test.ts) the device kernels against it and
 * the statistics of what they draw. Statistical checks use z = 4.5 on fixed seeds: deterministic,
 * and a real defect (a biased transform, a reused counter) moves them by far more.
 */
const Z = 4.5;
const hex = (words: ArrayLike<number>) =>
  Array.from(words, (w) => (w >>> 0).toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10 reference (JS)', () => {
  // Random123 kat_vectors: philox4x32 10 rounds, counter, key -> output
  it.each([
    [[0, 0, 0, 0], [0, 0], '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      '408f276d 41c83b0e a20bc7c6 6d5451fd',
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      'd16cfe09 94fdcceb 5001e420 24126ea1',
    ],
  ])('known answer for counter %j key %j', (c, k, expected) => {
    expect(hex(philox4x32(c[0], c[1], c[2], c[3], k[0], k[1]))).toBe(expected);
  });

  it('lays out words block by block, one counter per block', () => {
    const key = philoxKey('layout');
    const words = philoxWords(key, 5, LANE_SHARED, 10);
    expect(words.length).toBe(10);
    expect(hex(words.subarray(4, 8))).toBe(hex(philox4x32(1, 5, LANE_SHARED, 0, key.k0, key.k1)));
  });

  it('gives nearby replicate seeds unrelated keys', () => {
    const keys = new Set<string>();
    for (let r = 0; r < 1000; r++) {
      const { k0, k1 } = philoxKey(`5|relu|{"d":4}|${r}`);
      keys.add(`${k0},${k1}`);
    }
    expect(keys.size).toBe(1000);
    expect(philoxKey('a')).toEqual(philoxKey('a'));
  });

  it('maps each element to its column in both layouts', () => {
    // [b=1, t=2, f=3] of [2, 4, 5] features-innermost is element 1*20 + 2*5 + 3
    expect(sharedIndex(1 * 20 + 2 * 5 + 3, 4, 5, 'features')).toBe(1 * 5 + 3);
    // [b=1, f=3, t=2] tokens-innermost is element 1*20 + 3*4 + 2
    expect(sharedIndex(1 * 20 + 3 * 4 + 2, 4, 5, 'tokens')).toBe(1 * 5 + 3);
  });

  it('draws normals with the moments of N(0, 1)', () => {
    const z = philoxNormals(philoxKey('moments-js'), 0, LANE_OWN, 1 << 18);
    expectStandardNormal(z, 'JS Box-Muller');
  });

  it('draws tokens with correlation r between tokens of a column', () => {
    const shape = { batch: 4096, seqLen: 2, features: 8 };
    const x = philoxTokens(
      philoxKey('tokens-js'),
      0,
      shape,
      { mean: 1, std: 2, tokenCorrelation: 0.3 },
      'tokens',
    );
    expectTokenCorrelation(x, shape, 1, 2, 0.3);
  });
});

describe('SIGPROP_DEVICE_RANDOM', () => {
  it('parses on/off and rejects anything else in one line', () => {
    expect(deviceRandomRequested(undefined)).toBe(true);
    expect(deviceRandomRequested('0')).toBe(false);
    expect(deviceRandomRequested('on')).toBe(true);
    expect(() => deviceRandomRequested('maybe')).toThrow(EngineUnavailable);
    expect(() => deviceRandomRequested('maybe')).toThrow(/^SIGPROP_DEVICE_RANDOM: .*'maybe'$/);
  });
});

/** Mean 0, variance 1, skewness 0, kurtosis 3, each within Z of its standard error. */
function expectStandardNormal(z: ArrayLike<number>, what: string) {
  const n = z.length;
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const v = z[i];
    const v2 = v * v;
    m1 += v;
    m2 += v2;
    m3 += v2 * v;
    m4 += v2 * v2;
  }
  // raw moments of N(0,1): 0, 1, 0, 3; variances of z, z^2, z^3, z^4: 1, 2, 15, 96
  const checks: [string, number, number, number][] = [
    ['mean', m1 / n, 0, 1],
    ['E[z^2]', m2 / n, 1, 2],
    ['E[z^3]', m3 / n, 0, 15],
    ['E[z^4]', m4 / n, 3, 96],
  ];
  for (const [name, got, expected, variance] of checks) {
    const se = Math.sqrt(variance / n);
    expect(
      Math.abs(got - expected),
      `${what} ${name} = ${got} (expected ${expected}, se ${se})`,
    ).toBeLessThan(Z * se);
  }
}

/** Correlation of two equal-length sequences, in float64. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) [ma, mb] = [ma + a[i], mb + b[i]];
  [ma, mb] = [ma / n, mb / n];
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const [da, db] = [a[i] - ma, b[i] - mb];
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Tokens laid out [batch, features, seqLen] (tokens innermost): the first two tokens of every
 * column correlate with r and have the given mean and variance.
 */
function expectTokenCorrelation(
  x: ArrayLike<number>,
  shape: { batch: number; seqLen: number; features: number },
  mean: number,
  std: number,
  r: number,
) {
  const columns = shape.batch * shape.features;
  const t0 = new Float64Array(columns);
  const t1 = new Float64Array(columns);
  for (let c = 0; c < columns; c++) [t0[c], t1[c]] = [x[c * shape.seqLen], x[c * shape.seqLen + 1]];
  const m = t0.reduce((a, b) => a + b, 0) / columns;
  const v = t0.reduce((a, b) => a + (b - m) ** 2, 0) / columns;
  expect(Math.abs(m - mean)).toBeLessThan((Z * std) / Math.sqrt(columns));
  expect(Math.abs(v / std ** 2 - 1)).toBeLessThan(Z * Math.sqrt(2 / columns));
  // the sample correlation's standard error is (1 - r^2)/sqrt(n)
  expect(Math.abs(correlation(t0, t1) - r)).toBeLessThan((Z * (1 - r * r)) / Math.sqrt(columns));
}

let engine: EngineInfo | undefined;
let unavailable: string | undefined;
try {
  engine = await initEngine('webgpu');
} catch (err) {
  unavailable = err instanceof Error ? err.message : String(err);
}
const inCI = !['', '0', 'false', undefined].includes(process.env.CI);

afterAll(async () => {
  setDeviceRandom(undefined);
  await releaseEngine();
});

it('has a WebGPU adapter for the device generator (a software one is enough)', (ctx) => {
  if (unavailable !== undefined && !inCI) ctx.skip(`webgpu unavailable here: ${unavailable}`);
  expect(unavailable, `webgpu engine required in CI: ${unavailable}`).toBeUndefined();
  expect(engine?.random).toBe('Philox4x32-10 on the device');
});

/** The draw's values, read back; the tensor is disposed. */
async function device(draw: DeviceDraw, shape: number[]): Promise<Float32Array | Int32Array> {
  const t = deviceDraw(draw, shape);
  const values = (await t.data()) as Float32Array | Int32Array;
  t.dispose();
  return values;
}

const normalsOf = (key: PhiloxKey, stream: number, n: number) =>
  device({ kind: 'normal', key, stream }, [n]) as Promise<Float32Array>;

describe.skipIf(unavailable !== undefined)('Philox on the WebGPU device', () => {
  async function noLeak(body: () => Promise<void>) {
    expect(await tf.setBackend('webgpu')).toBe(true);
    const before = tf.memory().numTensors;
    await body();
    expect(tf.memory().numTensors).toBe(before);
  }

  it('writes the JS reference words bit for bit (sizes not a multiple of 4, several streams)', () =>
    noLeak(async () => {
      const key = philoxKey('bit-exact');
      for (const [stream, n] of [
        [0, 1],
        [1, 4099],
        [0xffffffff, 70_001],
        // 65537 workgroups of 64 threads: past one dispatch dimension's limit of 65535, so tfjs
        // folds the dispatch into 2-D and the kernel's global index must still be flat
        [9, 65_537 * 64 * 4 - 3],
      ]) {
        const got = new Uint32Array((await device({ kind: 'words', key, stream }, [n])).buffer);
        const expected = philoxWords(key, stream, LANE_OWN, n);
        let mismatches = 0;
        for (let i = 0; i < n; i++) if (got[i] !== expected[i]) mismatches++;
        expect(mismatches, `stream ${stream}, ${n} words`).toBe(0);
      }
    }));

  it('computes Box-Muller as the float64 reference does, to float32 rounding', () =>
    noLeak(async () => {
      const key = philoxKey('box-muller');
      const n = 1 << 18;
      const got = await normalsOf(key, 3, n);
      const expected = philoxNormals(key, 3, LANE_OWN, n);
      // float32 log, sqrt, sin, cos: a few ulp of |z|, plus the error of -2 ln(u) near u = 1
      // (a few ulp of 1, absolute) carried into r = sqrt(-2 ln u) as that error / (2r)
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const r = Math.hypot(expected[i & ~1], expected[i | 1]);
        const tolerance = 2 ** -24 * (16 * (1 + Math.abs(expected[i])) + 4 / r);
        worst = Math.max(worst, Math.abs(got[i] - expected[i]) / tolerance);
      }
      expect(worst).toBeLessThanOrEqual(1);
    }));

  it('draws normals with the moments of N(0, 1)', () =>
    noLeak(async () => {
      expectStandardNormal(await normalsOf(philoxKey('moments'), 0, 1 << 20), 'device normals');
    }));

  it('scales and shifts: N(mean, std^2)', () =>
    noLeak(async () => {
      const key = philoxKey('shifted');
      const got = await device({ kind: 'normal', key, stream: 0, mean: 2, std: 3 }, [1 << 16]);
      expectStandardNormal(
        Array.from(got, (v) => (v - 2) / 3),
        'N(2, 9)',
      );
    }));

  it('is reproducible from the seed, and independent across streams, lanes and replicates', () =>
    noLeak(async () => {
      const n = 1 << 18;
      const seed = (r: number) => `7|relu|{"d":4}|${r}`;
      const a = await normalsOf(philoxKey(seed(0)), 0, n);
      expect(Array.from(await normalsOf(philoxKey(seed(0)), 0, n))).toEqual(Array.from(a));
      const bound = Z / Math.sqrt(n);
      const others: [string, Float32Array][] = [
        ['next stream', await normalsOf(philoxKey(seed(0)), 1, n)],
        ['next replicate', await normalsOf(philoxKey(seed(1)), 0, n)],
        // the same element index one position on: no overlap between neighbouring outputs
        ['shifted by one', (await normalsOf(philoxKey(seed(0)), 0, n + 1)).subarray(1)],
      ];
      for (const [what, b] of others) {
        const rho = correlation(a, b);
        expect(Math.abs(rho), `${what}: correlation ${rho}`).toBeLessThan(bound);
      }
      // the shared-factor lane of the token sampler against the own lane, same stream
      const shared = philoxNormals(philoxKey(seed(0)), 0, LANE_SHARED, n);
      expect(Math.abs(correlation(a, shared))).toBeLessThan(bound);
    }));

  it('keeps dropout elements at rate 1 - p, with values 0 or 1/(1-p) as the JS reference', () =>
    noLeak(async () => {
      const key = philoxKey('mask');
      const n = 1 << 20;
      const p = 0.3;
      const got = await device({ kind: 'mask', key, stream: 2, keep: 1 - p, scale: 1 / (1 - p) }, [n]);
      const expected = philoxDropoutMask(key, 2, n, p);
      let kept = 0;
      let mismatches = 0;
      for (let i = 0; i < n; i++) {
        if (got[i] !== 0) kept++;
        if (got[i] !== expected[i]) mismatches++;
      }
      expect(mismatches).toBe(0);
      expect(Math.abs(kept / n - (1 - p))).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / n));
    }));

  it.each(['features', 'tokens'] as const)(
    'runs the shared-factor token sampler (%s innermost) as the JS reference does',
    (innermost) =>
      noLeak(async () => {
        const key = philoxKey(`tokens-${innermost}`);
        const shape = { batch: 1024, seqLen: 6, features: 10 };
        const dist = { mean: 1, std: 2, tokenCorrelation: 0.3 };
        const dims =
          innermost === 'tokens'
            ? [shape.batch, shape.features, shape.seqLen]
            : [shape.batch, shape.seqLen, shape.features];
        const got = await device(
          {
            kind: 'tokens',
            key,
            stream: 4,
            innermost,
            seqLen: shape.seqLen,
            features: shape.features,
            mean: dist.mean,
            sharedWeight: dist.std * Math.sqrt(dist.tokenCorrelation),
            ownWeight: dist.std * Math.sqrt(1 - dist.tokenCorrelation),
          },
          dims,
        );
        const expected = philoxTokens(key, 4, shape, dist, innermost);
        let worst = 0;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
        // two normals, each within the Box-Muller bound above (measured: under 2e-5 here), weighted
        // by at most std = 2, plus float32 rounding of x
        expect(worst).toBeLessThan(1e-4);
        if (innermost === 'tokens')
          expectTokenCorrelation(got, shape, dist.mean, dist.std, dist.tokenCorrelation);
      }),
  );

  it('drawTokens goes to the device on webgpu, and to JS with SIGPROP_DEVICE_RANDOM off', () =>
    noLeak(async () => {
      const shape = { batch: 8, seqLen: 4, features: 3 };
      const dist = { mean: 0.5, std: 1, tokenCorrelation: 0.2 };
      try {
        setDeviceRandom(false);
        const uploaded = tf.tidy(() => drawTokens(shape, dist, new RandomStream('s')));
        expect(Array.from(await uploaded.data())).toEqual(
          Array.from(sampleTokens(shape, dist, new RandomStream('s'))),
        );
        uploaded.dispose();
        setDeviceRandom(true);
        const random = new RandomStream('s');
        const onDevice = tf.tidy(() => drawTokens(shape, dist, random));
        const expected = philoxTokens(philoxKey('s'), 0, shape, dist, 'features');
        const values = await onDevice.data();
        onDevice.dispose();
        values.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-4));
        // the next draw of the same replicate takes the next stream
        expect(random.nextDeviceDraw().stream).toBe(1);
      } finally {
        setDeviceRandom(undefined);
      }
    }));
});

/*
 * Whole claims with device draws against wasm with JS draws, same seed: different numbers from
 * the same distributions, so the two measurements differ by their statistical errors (independent:
 * se^2 adds), and the verdicts agree.
 */
describe.skipIf(unavailable !== undefined)('claims on device random numbers agree with wasm', () => {
  const configs: Record<string, Record<string, number>> = {
    relu: { sigmaX: 2, rX: 0.3, sigmaG: 1, rG: 0.6, d: 4, seqLen: 64 },
    linear: { muX: 3, sigmaX: 1, rX: 0.5, sigmaG: 1, rG: 0.3, dIn: 32, dOut: 16, sigmaW: 0.2, seqLen: 16 },
    dropout: { muX: 1, sigmaX: 1.5, rX: 0.4, sigmaG: 1, rG: 0.2, d: 8, seqLen: 32, dropout: 0.3 },
  };
  const budget = { ...BUDGETS.quick, maxReplicates: 64 };

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
        { budget, seed: 11, engine: info, comparisons: 1 },
      );
      expect(tf.memory().numTensors).toBe(before);
      return results;
    };
    setDeviceRandom(true);
    const gpu = await measure('webgpu');
    await import('@tensorflow/tfjs-backend-wasm');
    const wasm = await measure('wasm');
    setDeviceRandom(undefined);
    expect(await tf.setBackend('webgpu')).toBe(true);
    expect(gpu.map((r) => r.claim)).toEqual(wasm.map((r) => r.claim));
    gpu.forEach((r, i) => {
      const other = wasm[i];
      const se = Math.hypot(r.stderr, other.stderr);
      expect(
        Math.abs(r.measured - other.measured),
        `${r.claim}: device ${r.measured} ± ${r.stderr}, wasm ${other.measured} ± ${other.stderr}`,
      ).toBeLessThan(Z * se + 1e-6 * Math.abs(r.scale));
      expect(r.verdict, `${r.claim} verdict`).toBe(other.verdict);
    });
  });
});
