import type { ComponentMoments } from './moments.ts';

/** Element-wise components (ReLU, GeLU) take a zero-mean Gaussian input. */
export interface ActivationConfig {
  sigmaX: number;
  rX: number;
  sigmaG: number;
  rG: number;
  d: number;
  seqLen: number;
}

const { PI, sqrt, acos, asin } = Math;

/** FORMULAS.md 3.3. */
export function reluMoments(c: ActivationConfig): ComponentMoments {
  const s2x = c.sigmaX ** 2;
  const s2g = c.sigmaG ** 2;
  const r = c.rX;
  return {
    mean: c.sigmaX / sqrt(2 * PI),
    variance: (s2x * (PI - 1)) / (2 * PI),
    tokenCovariance: (s2x * (PI * r + sqrt(1 - r * r) - r * acos(r) - 1)) / (2 * PI),
    gradVariance: s2g / 2,
    gradTokenCovariance: (1 / 4 + asin(r) / (2 * PI)) * c.rG * s2g,
  };
}

/** The exact ReLU output correlation, and the sheet's popular approximation of it. */
export function reluOutputCorrelation(r: number): number {
  return (PI * r + sqrt(1 - r * r) - r * acos(r) - 1) / (PI - 1);
}
