import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  softmaxGradVarianceApprox,
  softmaxGradVarianceFull,
  softmaxMean,
  softmaxMoments,
  softmaxVarianceApprox,
  softmaxVarianceFull,
  type SoftmaxConfig,
} from '../src/theory/softmax.ts';
import { gaussianExpectation } from './support/quadrature.ts';

const golden: any = JSON.parse(
  readFileSync(new URL('../fixtures/golden-theory-blocks.json', import.meta.url), 'utf8'),
);

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('softmax (FORMULAS.md 3.6)', () => {
  it('matches the independent 50-digit transcription to 1e-12', () => {
    for (const { config, expected } of golden.softmax as {
      config: SoftmaxConfig;
      expected: Record<string, number>;
    }[]) {
      expect(rel(softmaxMean(config), expected.mean)).toBeLessThan(1e-12);
      expect(rel(softmaxVarianceApprox(config), expected.varApprox)).toBeLessThan(1e-12);
      expect(rel(softmaxVarianceFull(config), expected.varFull)).toBeLessThan(1e-12);
      expect(rel(softmaxGradVarianceApprox(config), expected.gradVarApprox)).toBeLessThan(1e-12);
      expect(rel(softmaxGradVarianceFull(config), expected.gradVarFull)).toBeLessThan(1e-12);
    }
  });

  it('softmaxMoments dispatches to the named form', () => {
    const c = { sigmaX: 0.7, rX: 0.2, sigmaG: 1.3, seqLen: 50 };
    expect(softmaxMoments(c, 'full')).toEqual({
      mean: 1 / 50,
      variance: softmaxVarianceFull(c),
      gradVariance: softmaxGradVarianceFull(c),
    });
    expect(softmaxMoments(c, 'approx')).toEqual({
      mean: 1 / 50,
      variance: softmaxVarianceApprox(c),
      gradVariance: softmaxGradVarianceApprox(c),
    });
  });

  it('depends on sigmaX and rX only through t2 = (1-r)*s2x', () => {
    const a = { sigmaX: 1, rX: 0.75, sigmaG: 1, seqLen: 100 };
    const b = { sigmaX: 0.5, rX: 0, sigmaG: 1, seqLen: 100 };
    expect(rel(softmaxVarianceFull(a), softmaxVarianceFull(b))).toBeLessThan(1e-14);
    expect(rel(softmaxGradVarianceApprox(a), softmaxGradVarianceApprox(b))).toBeLessThan(1e-14);
  });

  it('full tends to approx as L grows and t2 shrinks together', () => {
    let previous = Infinity;
    for (const k of [1, 2, 3, 4, 5, 6]) {
      const c = { sigmaX: Math.sqrt(10 ** -k), rX: 0, sigmaG: 1, seqLen: 10 ** k };
      const gap = Math.max(
        rel(softmaxVarianceFull(c), softmaxVarianceApprox(c)),
        rel(softmaxGradVarianceFull(c), softmaxGradVarianceApprox(c)),
      );
      expect(gap).toBeLessThan(previous);
      previous = gap;
    }
    expect(previous).toBeLessThan(1e-5);
  });

  it('at fixed L the t2 -> 0 gap is exactly the 1/(L-1) factor of e = exp(t2*L/(L-1))', () => {
    for (const L of [3, 30, 300]) {
      const c = { sigmaX: 1e-5, rX: 0, sigmaG: 1, seqLen: L };
      expect(rel(softmaxVarianceFull(c) / softmaxVarianceApprox(c), L / (L - 1))).toBeLessThan(1e-8);
    }
  });

  it('records: to first order in t2 neither form has the exact (1-1/L) factor (L = 2 by quadrature)', () => {
    // L = 2: y_1 = sigmoid(x1 - x2), x1 - x2 ~ N(0, 2*t2); exact Var = t2/8 + O(t2^2)
    const t2 = 1e-3;
    const s = Math.sqrt(2 * t2);
    const exact = gaussianExpectation((z) => (1 / (1 + Math.exp(-s * z))) ** 2) - 0.25;
    const c = { sigmaX: Math.sqrt(t2), rX: 0, sigmaG: 1, seqLen: 2 };
    expect(rel(exact, t2 / 8)).toBeLessThan(2e-3);
    // the sheet's forms overshoot by L/(L-1) = 2 (approx) and (L/(L-1))^2 = 4 (full)
    expect(softmaxVarianceApprox(c) / exact).toBeCloseTo(2, 2);
    expect(softmaxVarianceFull(c) / exact).toBeCloseTo(4, 1);
  });
});
