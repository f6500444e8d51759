/**
 * Writes fixtures/golden-components.json: predicted moments at fixed configs, computed by a route
 * independent of src/theory (Gauss-Kronrod quadrature for the activations; the defining
 * expectations, expanded by hand, for the rest). Run: npx tsx test/support/make-goldens.ts
 */
import { writeFileSync } from 'node:fs';
import { correlatedGaussianExpectation, gaussianExpectation, normalCdf, normalPdf } from './quadrature.ts';

const relu = (x: number) => Math.max(x, 0);
const step = (x: number) => (x > 0 ? 1 : 0);
const gelu = (x: number) => x * normalCdf(x);
const dgelu = (x: number) => normalCdf(x) + x * normalPdf(x);

function activationGolden(
  f: (x: number) => number,
  df: (x: number) => number,
  c: { sigmaX: number; rX: number; sigmaG: number; rG: number },
) {
  const s = c.sigmaX;
  const mean = gaussianExpectation((z) => f(s * z));
  const variance = gaussianExpectation((z) => f(s * z) ** 2) - mean ** 2;
  const tokenCovariance =
    correlatedGaussianExpectation(
      (z) => f(s * z),
      (z) => f(s * z),
      c.rX,
    ) -
    mean ** 2;
  const slope2 = gaussianExpectation((z) => df(s * z) ** 2);
  const slopePair = correlatedGaussianExpectation(
    (z) => df(s * z),
    (z) => df(s * z),
    c.rX,
  );
  const s2g = c.sigmaG ** 2;
  return {
    mean,
    variance,
    tokenCovariance,
    gradVariance: slope2 * s2g,
    gradTokenCovariance: slopePair * c.rG * s2g,
  };
}

const activationConfigs = [
  { sigmaX: 0.316, rX: 0.2, sigmaG: 1, rG: 0.6, d: 1, seqLen: 100 },
  { sigmaX: 1, rX: 0.5, sigmaG: 0.5, rG: 0.3, d: 8, seqLen: 10 },
  { sigmaX: 3.16, rX: 0.9, sigmaG: 3.16, rG: 0.8, d: 1, seqLen: 1000 },
];

const goldens = {
  relu: activationConfigs.map((config) => ({ config, expected: activationGolden(relu, step, config) })),
  gelu: activationConfigs.map((config) => ({ config, expected: activationGolden(gelu, dgelu, config) })),
  // y = xW: E[y^2] = dIn*s2w*E[x^2]; tokens share W, so E[y_t y_s] = dIn*s2w*E[x_t x_s]
  linear: [
    {
      config: {
        muX: 2,
        sigmaX: 0.5,
        rX: 0.4,
        sigmaG: 3,
        rG: 0.5,
        dIn: 100,
        dOut: 50,
        sigmaW: 0.2,
        seqLen: 10,
      },
      expected: {
        mean: 0,
        variance: 100 * 0.04 * (0.25 + 4),
        tokenCovariance: 100 * 0.04 * (0.4 * 0.25 + 4),
        gradVariance: 50 * 0.04 * 9,
        gradTokenCovariance: 50 * 0.04 * 0.5 * 9,
      },
    },
  ],
  // kept values scaled by 1/(1-p): E[y^2] = E[x^2]/(1-p); independent masks leave E[y_t y_s] = E[x_t x_s]
  dropout: [
    {
      config: { muX: 10, sigmaX: 1, rX: 0.5, sigmaG: 2, rG: 0.25, dropout: 0.5, d: 16, seqLen: 10 },
      expected: {
        mean: 10,
        variance: (1 + 100) / 0.5 - 100,
        tokenCovariance: 0.5 + 100 - 100,
        gradVariance: 4 / 0.5,
        gradTokenCovariance: 0.25 * 4,
      },
    },
  ],
  layernorm: [
    {
      config: { muX: -10, sigmaX: 2, rX: 0.6, sigmaG: 1, rG: 0.5, d: 101, seqLen: 10 },
      expected: {
        mean: 0,
        variance: 1,
        tokenCovariance: (0.6 * 100) / 101,
        featureCovariance: -0.01,
        gradVariance: 0.25,
        gradTokenCovariance: 0.125,
      },
    },
  ],
};

writeFileSync(
  new URL('../../fixtures/golden-components.json', import.meta.url),
  `${JSON.stringify(goldens, null, 2)}\n`,
);
