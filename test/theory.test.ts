import { describe, expect, it } from 'vitest';
import goldens from '../fixtures/golden-components.json' with { type: 'json' };
import { dropoutMoments } from '../src/theory/dropout.ts';
import { geluMoments } from '../src/theory/gelu.ts';
import { layerNormMoments } from '../src/theory/layernorm.ts';
import { linearMoments } from '../src/theory/linear.ts';
import { reluMoments, reluOutputCorrelation } from '../src/theory/relu.ts';
import {
  correlatedGaussianExpectation,
  gaussianExpectation,
  normalCdf,
  normalPdf,
} from './support/quadrature.ts';

const theories = {
  relu: reluMoments,
  gelu: geluMoments,
  linear: linearMoments,
  dropout: dropoutMoments,
  layernorm: layerNormMoments,
} as unknown as Record<string, (c: never) => Record<string, number>>;

const relClose = (actual: number, expected: number, tol: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(Math.abs(expected), 1e-300));

describe('golden predictions (fixtures/golden-components.json, computed by quadrature or by hand)', () => {
  for (const [component, cases] of Object.entries(goldens)) {
    for (const [i, { config, expected }] of cases.entries()) {
      it(`${component} #${i}`, () => {
        const predicted = theories[component](config as never);
        for (const [statistic, value] of Object.entries(expected))
          relClose(predicted[statistic], value as number, 1e-9);
      });
    }
  }
});

describe('activation moments against numerical integration, to 1e-9', () => {
  const sigmas = [0.3, 0.7, 1.6, 3.2];
  const correlations = [0, 0.35, 0.7, 0.95];
  it.each(sigmas.flatMap((s) => correlations.map((r) => [s, r])))('sigmaX %f, r %f', (sigmaX, rX) => {
    const config = { sigmaX, rX, sigmaG: 1.3, rG: 0.4, d: 1, seqLen: 2 };
    for (const [f, df, theory] of [
      [(x: number) => Math.max(x, 0), (x: number) => (x > 0 ? 1 : 0), reluMoments],
      [(x: number) => x * normalCdf(x), (x: number) => normalCdf(x) + x * normalPdf(x), geluMoments],
    ] as const) {
      const p = theory(config);
      const mean = gaussianExpectation((z) => f(sigmaX * z));
      const variance = gaussianExpectation((z) => f(sigmaX * z) ** 2) - mean ** 2;
      const cov =
        correlatedGaussianExpectation(
          (z) => f(sigmaX * z),
          (z) => f(sigmaX * z),
          rX,
        ) -
        mean ** 2;
      const slope = correlatedGaussianExpectation(
        (z) => df(sigmaX * z),
        (z) => df(sigmaX * z),
        rX,
      );
      const scale = variance;
      expect(Math.abs(p.mean - mean)).toBeLessThan(1e-9 * Math.sqrt(scale));
      expect(Math.abs(p.variance - variance)).toBeLessThan(1e-9 * scale);
      expect(Math.abs(p.tokenCovariance - cov)).toBeLessThan(1e-9 * scale);
      expect(Math.abs(p.gradVariance - gaussianExpectation((z) => df(sigmaX * z) ** 2) * 1.69)).toBeLessThan(
        1e-9,
      );
      expect(Math.abs(p.gradTokenCovariance - slope * 0.4 * 1.69)).toBeLessThan(1e-9);
    }
  });
});

describe('identities', () => {
  it('GeLU covariance at r = 1 equals its variance, and gradient covariance its variance', () => {
    for (const sigmaX of [0.1, 0.5, 1, 2, 5]) {
      const p = geluMoments({ sigmaX, rX: 1, sigmaG: 1, rG: 1, d: 1, seqLen: 2 });
      relClose(p.tokenCovariance, p.variance, 1e-12);
      relClose(p.gradTokenCovariance, p.gradVariance, 1e-12);
    }
  });
  it('ReLU covariance at r = 1 equals its variance, at r = 0 vanishes', () => {
    const at = (rX: number) => reluMoments({ sigmaX: 1.7, rX, sigmaG: 1, rG: 1, d: 1, seqLen: 2 });
    relClose(at(1).tokenCovariance, at(1).variance, 1e-12);
    expect(Math.abs(at(0).tokenCovariance)).toBeLessThan(1e-15);
  });
  it('the ReLU correlation map stays within 0.03 of the sheet approximation 0.7r + 0.3r^2', () => {
    for (let r = 0; r <= 1; r += 0.05)
      expect(Math.abs(reluOutputCorrelation(r) - (0.7 * r + 0.3 * r * r))).toBeLessThan(0.03);
  });
  it('LayerNorm predictions do not depend on the input mean', () => {
    const base = { sigmaX: 1.3, rX: 0.4, sigmaG: 0.7, rG: 0.2, d: 64, seqLen: 8 };
    expect(layerNormMoments({ ...base, muX: -10 })).toEqual(layerNormMoments({ ...base, muX: 7 }));
  });
});
