import { shaMoments, type ShaConfig } from './attention.ts';
import type { ComponentMoments } from './moments.ts';

/**
 * FORMULAS.md 5: blocks chained from the section-3 components. The input is zero-mean with
 * variance s2x and token correlation r; the upstream gradient has s2g and r_g.
 */
export interface BlockMoments {
  variance: number;
  tokenCovariance: number;
  tokenCorrelation: number;
  gradVariance: number;
  gradTokenCovariance: number;
  gradTokenCorrelation: number;
}

/** Variance and cross-token covariance of one stream (activations or gradients). */
export interface SecondMoments {
  variance: number;
  tokenCovariance: number;
}

const { PI, sqrt, asin, min, max } = Math;

/** Rounding can push a correlation computed as a ratio a few ulps past 1, where asin is NaN. */
export function clampCorrelation(r: number): number {
  return min(1, max(-1, r));
}

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

/**
 * FORMULAS.md 5.2: `h` heads of SHA with d_in = d and d_k = d_v = d/h, output projection W_o
 * (std so), hidden dropout p_h (`dropout`) and attention dropout p_a (`attentionDropout`).
 */
export interface AttentionBlockConfig {
  sigmaX: number;
  rX: number;
  sigmaG: number;
  rG: number;
  d: number;
  heads: number;
  seqLen: number;
  sigmaQ: number;
  sigmaK: number;
  sigmaV: number;
  sigmaO: number;
  dropout: number;
  attentionDropout: number;
}

/** 'full' chains the SHA formula (any s2s); 'small' is the sheet's s2s -> 0 closed form. */
export type AttentionForm = 'full' | 'small';

export function attentionBlockMoments(c: AttentionBlockConfig, form: AttentionForm = 'full'): BlockMoments {
  return form === 'full' ? attentionBlockFull(c) : attentionBlockSmall(c);
}

function withCorrelations(variance: number, tokenCovariance: number, gradVariance: number, gradTokenCovariance: number): BlockMoments {
  return {
    variance,
    tokenCovariance,
    tokenCorrelation: tokenCovariance / variance,
    gradVariance,
    gradTokenCovariance,
    gradTokenCorrelation: gradTokenCovariance / gradVariance,
  };
}

/**
 * The SHA config one head of the block sees: d_in = d, d_k = d/h, and the gradient that comes back
 * through hidden dropout (s2g/(1-p_h), covariance kept, so r_g*(1-p_h)) and W_o (fan-out d).
 */
export function headConfig(c: AttentionBlockConfig): ShaConfig {
  const keepH = 1 - c.dropout;
  const headGradVar = (c.d * c.sigmaO ** 2 * c.sigmaG ** 2) / keepH;
  return {
    sigmaX: c.sigmaX,
    rX: c.rX,
    sigmaG: sqrt(headGradVar),
    rG: c.rG * keepH,
    sigmaQ: c.sigmaQ,
    sigmaK: c.sigmaK,
    sigmaV: c.sigmaV,
    dIn: c.d,
    dOut: c.d / c.heads,
    dropout: c.attentionDropout,
    seqLen: c.seqLen,
  };
}

/** Block moments from one head's (headConfig's) moments: W_o and hidden dropout forward; heads add in the backward. */
export function blockOfHeads(c: AttentionBlockConfig, head: ComponentMoments): BlockMoments {
  const so2d = c.d * c.sigmaO ** 2;
  // heads have independent weights, so their input gradients add in variance
  return withCorrelations(
    (so2d * head.variance) / (1 - c.dropout),
    so2d * head.tokenCovariance,
    c.heads * head.gradVariance,
    c.heads * head.gradTokenCovariance,
  );
}

function attentionBlockFull(c: AttentionBlockConfig): BlockMoments {
  return blockOfHeads(c, shaMoments(headConfig(c)));
}

function attentionBlockSmall(c: AttentionBlockConfig): BlockMoments {
  const keepH = 1 - c.dropout;
  const keepA = 1 - c.attentionDropout;
  const L = c.seqLen;
  const r = c.rX;
  const gain = c.d ** 2 * c.sigmaV ** 2 * c.sigmaO ** 2;
  const s2g = c.sigmaG ** 2;
  const variance = (gain * c.sigmaX ** 2 * (r + (1 - r) / (L * keepA))) / keepH;
  // the sheet gives no small-s2s covariance: this is d*so^2*CovO_SHA at s2s = 0
  const tokenCovariance = gain * c.sigmaX ** 2 * (r + (1 - r) / L);
  const gradVariance = gain * s2g * (1 / (L * keepA * keepH) + (c.rG * (L - 1)) / L);
  const gradTokenCovariance = gain * s2g * (1 / (L * keepH) + (c.rG * (L - 1)) / L);
  return withCorrelations(variance, tokenCovariance, gradVariance, gradTokenCovariance);
}

/**
 * FORMULAS.md 5.3: z = lambda*x + beta*f(x). The cross terms E[x f(x)] vanish in expectation
 * because the branch ends in a fresh zero-mean weight matrix.
 */
export interface ResidualConfig {
  lambda: number;
  beta: number;
  /** the skip input x */
  stream: SecondMoments;
  /** the branch output f(x) */
  branch: SecondMoments;
  /** the gradient arriving at z */
  grad: SecondMoments;
  /**
   * the gradient the branch passes to x when fed the gradient at z unscaled, i.e. G_f*s2g_z and
   * its covariance H_f*s2g_z; the residual applies beta^2
   */
  branchGrad: SecondMoments;
}

export function residualMoments(c: ResidualConfig): BlockMoments {
  const l2 = c.lambda ** 2;
  const b2 = c.beta ** 2;
  return withCorrelations(
    l2 * c.stream.variance + b2 * c.branch.variance,
    l2 * c.stream.tokenCovariance + b2 * c.branch.tokenCovariance,
    l2 * c.grad.variance + b2 * c.branchGrad.variance,
    l2 * c.grad.tokenCovariance + b2 * c.branchGrad.tokenCovariance,
  );
}
