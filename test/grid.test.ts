import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initEngine } from '../src/backend/engine.ts';
import { resolveConfig } from '../src/claims/params.ts';
import { main } from '../src/cli/main.ts';
import type { Config } from '../src/claims/types.ts';
import {
  gridComponent,
  gridConfigs,
  REFERENCE_GRIDS,
  selectConfigs,
  toConfigInput,
} from '../src/grid/grids.ts';
import { ProtocolAccumulator, referenceError, referencePercentile } from '../src/grid/protocol.ts';
import { SHARED_WEIGHTS } from '../src/grid/sharedWeights.ts';
import { NOISE_GROUPS, simulateProtocol } from '../src/grid/simulate.ts';
import { referenceNoise } from '../src/grid/protocol.ts';
import { RandomStream } from '../src/sim/random.ts';
import { scoreVariance, type ShaConfig } from '../src/theory/sha.ts';

/** The reference's computation, literally: a P x P covariance matrix of positions. */
function naiveOffDiagonal(data: Float64Array, [b, l, d]: [number, number, number], axis: 1 | 2): number {
  const p = axis === 1 ? l : d;
  const rows: number[][] = [];
  for (let i = 0; i < b; i++) {
    const others = axis === 1 ? d : l;
    for (let o = 0; o < others; o++)
      rows.push(
        Array.from({ length: p }, (_, t) =>
          axis === 1 ? data[(i * l + t) * d + o] : data[(i * l + o) * d + t],
        ),
      );
  }
  const n = rows.length;
  const means = Array.from({ length: p }, (_, t) => rows.reduce((s, r) => s + r[t], 0) / n);
  let off = 0;
  for (let t = 0; t < p; t++)
    for (let s = 0; s < p; s++)
      if (t !== s) off += rows.reduce((acc, r) => acc + (r[t] - means[t]) * (r[s] - means[s]), 0) / (n - 1);
  return off / (p * (p - 1));
}

describe('reference protocol statistics', () => {
  const shape: [number, number, number] = [6, 5, 4];
  const data = Float64Array.from(
    { length: 120 },
    (_, i) => 3 + Math.sin(i * 12.9898) * 2 + ((i * 7) % 5) * 0.3,
  );

  for (const axis of [1, 2] as const) {
    it(`row sums give the L x L covariance's off-diagonal mean (axis ${axis}), chunked or not`, () => {
      const whole = new ProtocolAccumulator(shape[axis], 2.5);
      whole.add(data, shape, axis);
      expect(whole.offDiagonalCovariance()).toBeCloseTo(naiveOffDiagonal(data, shape, axis), 12);
      const merged = new ProtocolAccumulator(shape[axis], 2.5);
      for (const [from, to] of [
        [0, 2],
        [2, 6],
      ]) {
        const part = new ProtocolAccumulator(shape[axis], 2.5);
        part.add(data.subarray(from * 20, to * 20), [to - from, 5, 4], axis);
        merged.merge(part);
      }
      expect(merged.offDiagonalCovariance()).toBeCloseTo(whole.offDiagonalCovariance(), 12);
    });
  }

  it('the d = 1 fast path agrees with the literal computation', () => {
    const single: [number, number, number] = [6, 20, 1];
    const acc = new ProtocolAccumulator(20, 1);
    acc.add(data, single, 1);
    expect(acc.offDiagonalCovariance()).toBeCloseTo(naiveOffDiagonal(data, single, 1), 12);
  });

  it('pooled mean and sum(Y^2)/n - mean^2 variance, independent of the shift', () => {
    const mean = data.reduce((s, v) => s + v, 0) / data.length;
    const variance = data.reduce((s, v) => s + v * v, 0) / data.length - mean * mean;
    for (const shift of [0, 3, -7]) {
      const acc = new ProtocolAccumulator(5, shift);
      acc.add(data, shape, 1);
      expect(acc.mean()).toBeCloseTo(mean, 12);
      expect(acc.variance()).toBeCloseTo(variance, 12);
    }
  });

  it('error metric and percentile rule are the reference ones', () => {
    expect(referenceError('variance', 2, 1, 1)).toBe(0.5);
    expect(referenceError('covariance', 0.1, 0.2, 4)).toBeCloseTo(0.025, 15);
    expect(referenceError('mean', 0.01, 0, 0.5)).toBe(0.01);
    expect(referenceError('mean', 0.01, 0, 0.001)).toBe(0.01);
    expect(referencePercentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(referencePercentile([5, 1, 4, 2, 3], 99)).toBe(5);
  });

  it('every grid has the reference size', () => {
    expect(Object.keys(REFERENCE_GRIDS)).toEqual([
      'linear',
      'relu',
      'gelu',
      'layernorm',
      'dropout',
      'softmax',
      'sha',
    ]);
    for (const name of Object.keys(REFERENCE_GRIDS)) {
      const { component, grid } = gridComponent(name);
      expect(gridConfigs(component, grid)).toHaveLength(REFERENCE_GRIDS[name].configs);
    }
    const all = Array.from({ length: 10 }, (_, i) => i);
    expect(selectConfigs(all, { index: 1, count: 3 }, 2)).toEqual([1, 4]);
  });
});

describe('cross-check with the authors’ printed ReLU errors', () => {
  beforeAll(async () => {
    await initEngine();
  });
  const baseline = JSON.parse(
    readFileSync('/work/shared/reference/authors-cpu-baseline/relu_first450.json', 'utf8'),
  ) as {
    configs: { args: Record<string, number>; errors_fraction: Record<string, number> }[];
  };
  const names: Record<string, string> = {
    'x mean': 'relu.forward.mean',
    'x var': 'relu.forward.var',
    'g var': 'relu.backward.var',
    'x cov': 'relu.forward.cov',
    'g cov': 'relu.backward.cov',
  };
  const firstShort = baseline.configs.filter((c) => c.args.seq_len === 100).slice(0, 3);

  it.runIf(firstShort.length > 0)(
    'at B = 10000 our protocol errors and the authors’ both sit within sampling noise',
    async () => {
      const { component } = gridComponent('relu');
      for (const entry of firstShort) {
        const a = entry.args;
        const config = resolveConfig(
          component.params,
          {
            sigmaX: a.sigma_x_inp,
            rX: a.corr_x_inp,
            sigmaG: a.sigma_g_inp,
            rG: a.corr_g_inp,
            d: a.dim1,
            seqLen: a.seq_len,
          },
          'relu',
        );
        const measured = await simulateProtocol(component, component.claims, config, a.runs, 3);
        for (const m of measured) {
          const claim = component.claims.find((c) => c.id === m.claim)!;
          const predVar = component.claims
            .find(
              (c) => c.id === (claim.observation === 'output' ? 'relu.forward.var' : 'relu.backward.var'),
            )!
            .predict(config);
          const noise = referenceNoise(m.kind, m.measured, m.stderr, claim.predict(config), predVar);
          const ours = referenceError(m.kind, m.measured, claim.predict(config), predVar);
          const theirs = entry.errors_fraction[Object.keys(names).find((k) => names[k] === m.claim)!];
          // both are noise at the same B: neither may exceed 5 standard errors (+1e-4 for near-zero covariances)
          expect(ours, `${m.claim} ours at ${JSON.stringify(config)}`).toBeLessThan(5 * noise + 1e-4);
          expect(theirs, `${m.claim} authors at ${JSON.stringify(config)}`).toBeLessThan(5 * noise + 1e-4);
        }
      }
    },
  );
});

const BASELINE = '/work/shared/reference/authors-cpu-baseline';
interface BaselineEntry {
  shuffled_index: number;
  args: Record<string, number>;
  errors_fraction: Record<string, number>;
}
const baselineOf = (file: string): BaselineEntry[] =>
  existsSync(join(BASELINE, file)) ? JSON.parse(readFileSync(join(BASELINE, file), 'utf8')).configs : [];

/** The grid config equal to `want` on every key (to rounding), if any. */
const findConfig = (configs: readonly Config[], want: Config) =>
  configs.find(
    (c) =>
      Object.keys(c).length === Object.keys(want).length &&
      Object.entries(want).every(([k, v]) => Math.abs(c[k] - v) <= 1e-12 * Math.abs(v)),
  );

describe('softmax and SHA grids in sigprop config keys', () => {
  const sha = gridComponent('sha');
  const shaConfigs = gridConfigs(sha.component, sha.grid);
  const softmax = gridComponent('softmax');
  const softmaxConfigs = gridConfigs(softmax.component, softmax.grid);

  it('SHA: the gains are per sqrt(d_in), sigma_k = sigma_q, d_k = d_v is dOut, and no muX key', () => {
    const first = shaConfigs[0];
    expect(Object.keys(first).sort()).toEqual([
      'attentionDropout',
      'dIn',
      'dOut',
      'rG',
      'rX',
      'seqLen',
      'sigmaG',
      'sigmaK',
      'sigmaQ',
      'sigmaV',
      'sigmaX',
    ]);
    expect(first).toMatchObject({
      sigmaX: 1,
      rX: 0,
      rG: 0,
      dIn: 100,
      dOut: 32,
      attentionDropout: 0,
      seqLen: 300,
    });
    expect(first.sigmaQ).toBeCloseTo(0.01, 15);
    expect(first.sigmaV).toBeCloseTo(10 ** -0.5 / 10, 15);
    for (const c of shaConfigs) expect(c.sigmaK).toBe(c.sigmaQ);
    // FORMULAS.md 3.7: the reference grid stays at s2s = gainQ^4 <= 0.6^4
    expect(Math.max(...shaConfigs.map((c) => scoreVariance(c as unknown as ShaConfig)))).toBeCloseTo(
      0.6 ** 4,
      12,
    );
  });

  it('an axis sigprop fixes must hold the fixed value and is dropped', () => {
    expect(() => toConfigInput('sha', { muX: 1, dIn: 100 })).toThrow(/sha\.muX must be 0/);
    expect(() => toConfigInput('softmax', { rG: 0.2, seqLen: 300 })).toThrow(/softmax\.rG must be 0/);
    expect(toConfigInput('softmax', { sigmaX: 1, rG: 0, seqLen: 300 })).toEqual({ sigmaX: 1, seqLen: 300 });
    expect(softmaxConfigs[0]).toEqual({
      sigmaX: 0.01,
      rX: 0,
      sigmaG: softmax.grid.axes.sigmaG[0],
      seqLen: 300,
    });
  });

  it.runIf(baselineOf('SHA_first78.json').length > 0)(
    'every SHA configuration the authors ran is a grid config',
    () => {
      for (const { args: a } of baselineOf('SHA_first78.json')) {
        const perInput = (s: number) => s / Math.sqrt(a.dim_input);
        const want = {
          sigmaX: a.sigma_x_inp,
          rX: a.corr_x_inp,
          sigmaG: a.sigma_g_inp,
          rG: a.corr_g_inp,
          dIn: a.dim_input,
          dOut: a.dim_output,
          sigmaQ: perInput(a.sigma_w_q),
          sigmaK: perInput(a.sigma_w_q),
          sigmaV: perInput(a.sigma_w_v),
          attentionDropout: a.dropout,
          seqLen: a.seq_len,
        };
        expect(findConfig(shaConfigs, want), JSON.stringify(a)).toBeDefined();
      }
    },
  );

  it.runIf(baselineOf('softmax_first23.json').length > 0)(
    'every softmax configuration the authors ran is a grid config, at their 10000 rows',
    () => {
      for (const { args: a } of baselineOf('softmax_first23.json')) {
        expect(a.corr_g_inp).toBe(0);
        expect(a.batch_size * a.runs).toBe(softmax.grid.samples);
        expect(
          findConfig(softmaxConfigs, {
            sigmaX: a.sigma_x_inp,
            rX: a.corr_x_inp,
            sigmaG: a.sigma_g_inp,
            seqLen: a.dim1,
          }),
          JSON.stringify(a),
        ).toBeDefined();
      }
    },
  );

  it("softmax: the reference's mean error has no predicted-variance fallback, which never engages on this grid", () => {
    const mean = softmax.component.claims.find((c) => c.id === 'softmax.forward.mean')!;
    const variance = softmax.component.claims.find((c) => c.id === 'softmax.forward.var.full')!;
    // min(|m-p|/|m|, |m-p|/predVar) is |m-p|/|m| while predVar < |m| ~ 1/L
    for (const c of softmaxConfigs) expect(variance.predict(c)).toBeLessThan(0.01 * mean.predict(c));
  });
});

describe('softmax and SHA protocols', () => {
  beforeAll(async () => {
    await initEngine();
  });

  /** Every claim's statistic within 5 of the protocol's own standard errors of its prediction. */
  async function expectAgreement(name: string, config: Config, samples: number) {
    const { component } = gridComponent(name);
    const measured = await simulateProtocol(component, component.claims, config, samples, 11);
    for (const m of measured) {
      const claim = component.claims.find((c) => c.id === m.claim)!;
      const predicted = claim.predict(config);
      expect(m.stderr, m.claim).toBeGreaterThan(0);
      expect(
        Math.abs(m.measured - predicted),
        `${m.claim} at ${JSON.stringify(config)}: ${m.measured} +- ${m.stderr} vs ${predicted}`,
      ).toBeLessThanOrEqual(5 * m.stderr + claim.tolerance * Math.abs(predicted));
    }
  }

  /** The grid config that differs from the grid's first in `want` only. */
  const at = (name: string, want: Config) => {
    const { component, grid } = gridComponent(name);
    const configs = gridConfigs(component, grid);
    return findConfig(configs, { ...configs[0], ...want })!;
  };

  it('softmax: on long rows (the O(1/L) terms below the noise) every claim agrees at 1000 rows', async () => {
    await expectAgreement(
      'softmax',
      at('softmax', { sigmaX: 1, rX: 0, sigmaG: 10 ** 0.5, seqLen: 4161 }),
      1000,
    );
    await expectAgreement('softmax', at('softmax', { sigmaX: 0.1, rX: 0.8, sigmaG: 1, seqLen: 4161 }), 1000);
  });

  // B = 32, half the reference's: its 8 independent runs are this file's largest cost
  it('SHA: at small score variance every claim agrees, the standard error over independent weight draws', async () => {
    await expectAgreement('sha', at('sha', { rX: 2 / 3, rG: 1 / 3, sigmaG: 1, sigmaV: 10 ** 0.5 / 10 }), 32);
  });

  it("SHA: a run's chunks share its one weight draw", () => {
    const { component } = gridComponent('sha');
    const config = resolveConfig(
      component.params,
      { dIn: 8, dOut: 4, seqLen: 5, attentionDropout: 0.2 },
      'sha',
    );
    const outputs = (weightSeed: string) => {
      const draw = SHARED_WEIGHTS.sha!(config, new RandomStream(weightSeed));
      try {
        return ['chunk', 'chunk'].map((seed) =>
          tf.tidy(() => Array.from(draw.replicate(new RandomStream(seed), 2).output!.tensor.dataSync())),
        );
      } finally {
        draw.dispose();
      }
    };
    const before = tf.memory().numTensors;
    const [first, again] = outputs('weights');
    expect(again).toEqual(first);
    expect(outputs('other weights')[0]).not.toEqual(first);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('SHA: the grid draws the weights once per run of B samples, never through the per-chunk simulator', async () => {
    const { component } = gridComponent('sha');
    const config = resolveConfig(component.params, { dIn: 8, dOut: 4, seqLen: 5 }, 'sha');
    const draws = vi.spyOn(SHARED_WEIGHTS as { sha: NonNullable<(typeof SHARED_WEIGHTS)['sha']> }, 'sha');
    const simulator = vi.spyOn(component.simulator, 'replicate');
    try {
      await simulateProtocol(component, component.claims, config, 16, 1);
      expect(draws).toHaveBeenCalledTimes(NOISE_GROUPS);
      expect(simulator).not.toHaveBeenCalled();
    } finally {
      draws.mockRestore();
      simulator.mockRestore();
    }
  });

  it("SHA with one run (--runs 1): the reference's work, the same statistic as the first of eight runs, no standard error", async () => {
    const { component } = gridComponent('sha');
    const config = resolveConfig(
      component.params,
      { dIn: 8, dOut: 4, seqLen: 5, attentionDropout: 0.2 },
      'sha',
    );
    const draws = vi.spyOn(SHARED_WEIGHTS as { sha: NonNullable<(typeof SHARED_WEIGHTS)['sha']> }, 'sha');
    try {
      const once = await simulateProtocol(component, component.claims, config, 16, 1, 1);
      expect(draws).toHaveBeenCalledTimes(1);
      const eight = await simulateProtocol(component, component.claims, config, 16, 1);
      expect(once.map((m) => m.measured)).toEqual(eight.map((m) => m.measured));
      expect(once.every((m) => Number.isNaN(m.stderr))).toBe(true);
      expect(eight.every((m) => m.stderr > 0)).toBe(true);
    } finally {
      draws.mockRestore();
    }
  });

  it.runIf(baselineOf('softmax_first23.json').length > 0)(
    'softmax: at 10000 rows our reference errors and the authors’ agree within sampling noise',
    async () => {
      const { component, grid } = gridComponent('softmax');
      const configs = gridConfigs(component, grid);
      const columns: Record<string, string> = {
        'x mean': 'softmax.forward.mean',
        'x var full': 'softmax.forward.var.full',
        'x var approx': 'softmax.forward.var.approx',
        'g var full': 'softmax.backward.var.full',
        'g var approx': 'softmax.backward.var.approx',
      };
      // the three shortest rows the authors ran: their O(1/L) errors (0.2-1%) stand above the noise
      for (const entry of baselineOf('softmax_first23.json')
        .filter((e) => e.args.dim1 === 300)
        .slice(0, 3)) {
        const a = entry.args;
        const config = findConfig(configs, {
          sigmaX: a.sigma_x_inp,
          rX: a.corr_x_inp,
          sigmaG: a.sigma_g_inp,
          seqLen: a.dim1,
        })!;
        const measured = await simulateProtocol(component, component.claims, config, grid.samples, 5);
        for (const [column, id] of Object.entries(columns)) {
          const m = measured.find((x) => x.claim === id)!;
          const claim = component.claims.find((c) => c.id === id)!;
          const predVar = component.claims
            .find(
              (c) =>
                c.id ===
                (claim.observation === 'output' ? 'softmax.forward.var.full' : 'softmax.backward.var.full'),
            )!
            .predict(config);
          const ours = referenceError(m.kind, m.measured, claim.predict(config), predVar);
          const noise = referenceNoise(m.kind, m.measured, m.stderr, claim.predict(config), predVar);
          // two draws of the same statistic: their errors differ by noise alone (+1e-6: float32 row sums)
          expect(
            Math.abs(ours - entry.errors_fraction[column]),
            `${id} at ${JSON.stringify(config)}: ours ${ours}, authors ${entry.errors_fraction[column]}`,
          ).toBeLessThan(5 * Math.SQRT2 * noise + 1e-6);
        }
      }
    },
  );
});

describe('grid softmax and sha on the command line', () => {
  /** `sigprop ...` in this process, its printing silenced */
  async function sigprop(...args: string[]) {
    const quiet = [
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true),
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true),
    ];
    try {
      return await main(args);
    } finally {
      quiet.forEach((spy) => spy.mockRestore());
    }
  }

  it.each(['softmax', 'sha'])('%s: --subset runs merge into one table over their configs', async (name) => {
    const dir = mkdtempSync(join(tmpdir(), `sigprop-grid-${name}-`));
    const small = ['--limit', '1', '--samples', name === 'sha' ? '2' : '50', '--verdict-budget', 'none'];
    for (const i of [0, 1])
      expect(await sigprop('grid', name, '--subset', `${i}/2`, ...small, '--out', join(dir, String(i)))).toBe(
        0,
      );
    expect(
      await sigprop(
        'grid',
        name,
        '--merge',
        `${join(dir, '0', 'grid.json')},${join(dir, '1', 'grid.json')}`,
        '--out',
        join(dir, 'all'),
      ),
    ).toBe(0);
    const { component, grid } = gridComponent(name);
    const result = JSON.parse(readFileSync(join(dir, 'all', 'grid.json'), 'utf8'));
    expect(result.configs).toBe(2);
    expect(result.points.map((p: { config: Config }) => p.config)).toEqual(
      gridConfigs(component, grid)
        .slice(0, 2)
        .flatMap((c) => component.claims.map(() => c)),
    );
    expect(
      result.rows.map((r: { claim: string; published?: number[] }) => [r.claim, r.published !== undefined]),
    ).toEqual(component.claims.map((c) => [c.id, true]));
    if (name !== 'softmax') return;
    // a lost subset and a duplicated one are refused; --allow-partial merges and exits 1
    const [s0, s1] = [0, 1].map((i) => join(dir, String(i), 'grid.json'));
    expect(await sigprop('grid', name, '--merge', s0, '--out', join(dir, 'lost'))).toBe(2);
    expect(await sigprop('grid', name, '--merge', `${s0},${s1},${s0}`, '--out', join(dir, 'twice'))).toBe(2);
    expect(await sigprop('grid', name, '--merge', s0, '--allow-partial', '--out', join(dir, 'partial'))).toBe(
      1,
    );
    expect(JSON.parse(readFileSync(join(dir, 'partial', 'grid.json'), 'utf8'))).toMatchObject({
      complete: false,
      configs: 1,
    });
    expect(existsSync(join(dir, 'lost'))).toBe(false);
  });
});
