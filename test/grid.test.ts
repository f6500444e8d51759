import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../src/backend/engine.ts';
import { resolveConfig } from '../src/claims/params.ts';
import { gridComponent, gridConfigs, REFERENCE_GRIDS, selectConfigs } from '../src/grid/grids.ts';
import { ProtocolAccumulator, referenceError, referencePercentile } from '../src/grid/protocol.ts';
import { simulateProtocol } from '../src/grid/simulate.ts';
import { referenceNoise } from '../src/grid/protocol.ts';

/** The reference's computation, literally: a P x P covariance matrix of positions. */
function naiveOffDiagonal(data: Float64Array, [b, l, d]: [number, number, number], axis: 1 | 2): number {
  const p = axis === 1 ? l : d;
  const rows: number[][] = [];
  for (let i = 0; i < b; i++) {
    const others = axis === 1 ? d : l;
    for (let o = 0; o < others; o++) rows.push(Array.from({ length: p }, (_, t) => (axis === 1 ? data[(i * l + t) * d + o] : data[(i * l + o) * d + t])));
  }
  const n = rows.length;
  const means = Array.from({ length: p }, (_, t) => rows.reduce((s, r) => s + r[t], 0) / n);
  let off = 0;
  for (let t = 0; t < p; t++)
    for (let s = 0; s < p; s++) if (t !== s) off += rows.reduce((acc, r) => acc + (r[t] - means[t]) * (r[s] - means[s]), 0) / (n - 1);
  return off / (p * (p - 1));
}

describe('reference protocol statistics', () => {
  const shape: [number, number, number] = [6, 5, 4];
  const data = Float64Array.from({ length: 120 }, (_, i) => 3 + Math.sin(i * 12.9898) * 2 + ((i * 7) % 5) * 0.3);

  for (const axis of [1, 2] as const) {
    it(`row sums give the L x L covariance's off-diagonal mean (axis ${axis}), chunked or not`, () => {
      const whole = new ProtocolAccumulator(shape[axis], 2.5);
      whole.add(data, shape, axis);
      expect(whole.offDiagonalCovariance()).toBeCloseTo(naiveOffDiagonal(data, shape, axis), 12);
      const merged = new ProtocolAccumulator(shape[axis], 2.5);
      for (const [from, to] of [[0, 2], [2, 6]]) {
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

  it('grids have the reference sizes; softmax and SHA are not yet available', () => {
    for (const name of ['linear', 'relu', 'gelu', 'layernorm', 'dropout']) {
      const { component, grid } = gridComponent(name);
      expect(gridConfigs(component, grid)).toHaveLength(REFERENCE_GRIDS[name].configs);
    }
    expect(() => gridComponent('softmax')).toThrow(/not yet available/);
    expect(() => gridComponent('sha')).toThrow(/not yet available/);
    const all = Array.from({ length: 10 }, (_, i) => i);
    expect(selectConfigs(all, { index: 1, count: 3 }, 2)).toEqual([1, 4]);
  });
});

describe('cross-check with the authors’ printed ReLU errors', () => {
  beforeAll(async () => {
    await initEngine();
  });
  const baseline = JSON.parse(readFileSync('/work/shared/reference/authors-cpu-baseline/relu_first450.json', 'utf8')) as {
    configs: { args: Record<string, number>; errors_fraction: Record<string, number> }[];
  };
  const names: Record<string, string> = { 'x mean': 'relu.forward.mean', 'x var': 'relu.forward.var', 'g var': 'relu.backward.var', 'x cov': 'relu.forward.cov', 'g cov': 'relu.backward.cov' };
  const firstShort = baseline.configs.filter((c) => c.args.seq_len === 100).slice(0, 3);

  it.runIf(firstShort.length > 0)('at B = 10000 our protocol errors and the authors’ both sit within sampling noise', async () => {
    const { component } = gridComponent('relu');
    for (const entry of firstShort) {
      const a = entry.args;
      const config = resolveConfig(component.params, { sigmaX: a.sigma_x_inp, rX: a.corr_x_inp, sigmaG: a.sigma_g_inp, rG: a.corr_g_inp, d: a.dim1, seqLen: a.seq_len }, 'relu');
      const measured = await simulateProtocol(component, component.claims, config, a.runs, 3);
      for (const m of measured) {
        const claim = component.claims.find((c) => c.id === m.claim)!;
        const predVar = component.claims.find((c) => c.id === (claim.observation === 'output' ? 'relu.forward.var' : 'relu.backward.var'))!.predict(config);
        const noise = referenceNoise(m.kind, m.measured, m.stderr, claim.predict(config), predVar);
        const ours = referenceError(m.kind, m.measured, claim.predict(config), predVar);
        const theirs = entry.errors_fraction[Object.keys(names).find((k) => names[k] === m.claim)!];
        // both are noise at the same B: neither may exceed 5 standard errors (+1e-4 for near-zero covariances)
        expect(ours, `${m.claim} ours at ${JSON.stringify(config)}`).toBeLessThan(5 * noise + 1e-4);
        expect(theirs, `${m.claim} authors at ${JSON.stringify(config)}`).toBeLessThan(5 * noise + 1e-4);
      }
    }
  });
});
