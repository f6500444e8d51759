import type { ComponentMoments } from 'sigprop';

/** RMSNorm's config: zero-mean Gaussian tokens of d features, std sigmaX, token correlation rX; upstream gradient sigmaG, rG. */
export interface RmsNormConfig {
  sigmaX: number;
  rX: number;
  sigmaG: number;
  rG: number;
  d: number;
  seqLen: number;
}

/** 2F1(1/2, 1/2; c; z) by its series (|z| < 1). */
function hypergeometricHalfHalf(c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 10_000 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= ((n + 0.5) * (n + 0.5) * z) / ((c + n) * (n + 1));
    sum += term;
  }
  return sum;
}

const logGamma = (x: number): number => {
  // Lanczos, g = 7 (double precision)
  const p = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = p[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += p[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
};

/**
 * E[cos] of the angle between two d-dimensional Gaussian vectors whose coordinates have
 * correlation r: (2/d) (Gamma((d+1)/2) / Gamma(d/2))^2 r 2F1(1/2, 1/2; d/2 + 1; r^2). Exact.
 */
export function expectedCosine(r: number, d: number): number {
  const ratio = Math.exp(2 * (logGamma((d + 1) / 2) - logGamma(d / 2)));
  return (2 / d) * ratio * r * hypergeometricHalfHalf(d / 2 + 1, r * r);
}

/**
 * The d -> infinity moments (README, "Formulas"): y = x / rms(x) has unit variance and keeps the
 * token correlation; the input gradient scales by 1/sigmaX.
 */
export function rmsNormMoments(c: RmsNormConfig): ComponentMoments {
  const gradVariance = (c.sigmaG * c.sigmaG) / (c.sigmaX * c.sigmaX);
  return {
    mean: 0,
    variance: 1,
    tokenCovariance: c.rX,
    gradVariance,
    gradTokenCovariance: c.rG * gradVariance,
  };
}

/** Exact at finite d (eps = 0): E[y.y']/d = E[cos]; E[|g_x|^2]/d = sigmaG^2 (d-1) / (sigmaX^2 (d-2)). */
export const exactTokenCovariance = (c: RmsNormConfig) => expectedCosine(c.rX, c.d);
export const exactGradVariance = (c: RmsNormConfig) =>
  c.d <= 2 ? Number.POSITIVE_INFINITY : (c.sigmaG * c.sigmaG * (c.d - 1)) / (c.sigmaX * c.sigmaX * (c.d - 2));

/** First order in 1/d: r (1 - (1 - r^2)/(2d)), and rG sG^2/sX^2 (1 + (3 rX^2 - 1)/(2d)). */
export const firstOrderTokenCovariance = (c: RmsNormConfig) => c.rX * (1 - (1 - c.rX * c.rX) / (2 * c.d));
export const firstOrderGradTokenCovariance = (c: RmsNormConfig) =>
  rmsNormMoments(c).gradTokenCovariance * (1 + (3 * c.rX * c.rX - 1) / (2 * c.d));
