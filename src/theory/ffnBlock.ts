import { clampCorrelation, type BlockMoments } from './blocks.ts';

const { PI, sqrt, asin } = Math;

/**
 * FFN correlation map c(r) = r*(1/2 + asin(r)/pi) + sqrt(1-r^2)/pi: the token correlation after
 * Linear -> ReLU -> Linear. It is the ReLU *second-moment* correlation (the ReLU mean is not
 * removed, because the second Linear's shared W carries mu^2 into the covariance, section 3.1).
 */
export function ffnCorrelationMap(r: number): number {
  const q = clampCorrelation(r);
  return q * (0.5 + asin(q) / PI) + sqrt(1 - q * q) / PI;
}

/** The sheet's quadratic approximation of c(r): 1/pi + r/2 + (1/2 - 1/pi)*r^2. */
export function ffnCorrelationMapApprox(r: number): number {
  return 1 / PI + r / 2 + (0.5 - 1 / PI) * r * r;
}

/** FORMULAS.md 5.1: Linear(d -> d_f, s1) -> ReLU -> Linear(d_f -> d, s2) -> Dropout(p). */
export interface FfnBlockConfig {
  sigmaX: number;
  rX: number;
  sigmaG: number;
  rG: number;
  d: number;
  /** d_f, the hidden width (4d in section 6) */
  dFf: number;
  /** s1, std of W1 */
  sigma1: number;
  /** s2, std of W2 */
  sigma2: number;
  /** the block's own (hidden) dropout */
  dropout: number;
}

export function ffnBlockMoments(c: FfnBlockConfig): BlockMoments {
  const keep = 1 - c.dropout;
  const r = clampCorrelation(c.rX);
  // E[relu(z)^2] = s2/2 feeds the second Linear, on both passes the ReLU halves the signal
  const gain = (c.dFf * c.d * c.sigma1 ** 2 * c.sigma2 ** 2) / (2 * keep);
  const variance = gain * c.sigmaX ** 2;
  const tokenCorrelation = keep * ffnCorrelationMap(r);
  const gradVariance = gain * c.sigmaG ** 2;
  const gradTokenCorrelation = keep * c.rG * (0.5 + asin(r) / PI);
  return {
    variance,
    tokenCovariance: tokenCorrelation * variance,
    tokenCorrelation,
    gradVariance,
    gradTokenCovariance: gradTokenCorrelation * gradVariance,
    gradTokenCorrelation,
  };
}
