/** FORMULAS.md 3.6: softmax over a row of length L. No covariance claim. */
export interface SoftmaxConfig {
  sigmaX: number;
  /** correlation of the entries along the row; only t2 = (1-r)*s2x matters (shift invariance) */
  rX: number;
  /** the reference tests i.i.d. upstream gradients (r_g = 0), so there is no rG */
  sigmaG: number;
  seqLen: number;
}

export type SoftmaxForm = 'full' | 'approx';

export interface SoftmaxMoments {
  mean: number;
  variance: number;
  gradVariance: number;
}

const { exp, expm1 } = Math;

/** t2 = (1-r)*s2x, the variance of the row entries once the shared component is removed. */
export function softmaxSpread(c: Pick<SoftmaxConfig, 'sigmaX' | 'rX'>): number {
  return (1 - c.rX) * c.sigmaX ** 2;
}

/** mu_y = 1/L: exact by symmetry, the row sums to 1. */
export function softmaxMean(c: Pick<SoftmaxConfig, 'seqLen'>): number {
  return 1 / c.seqLen;
}

/** approx: s2y = (exp(t2) - 1)/L^2 */
export function softmaxVarianceApprox(c: SoftmaxConfig): number {
  // expm1 keeps relative precision as t2 -> 0, where the variance itself vanishes
  return expm1(softmaxSpread(c)) / c.seqLen ** 2;
}

/** full: e = exp(t2*L/(L-1)), s2y = (e - 1)*e^2/((L-1)*exp(t2) + 1)^2 */
export function softmaxVarianceFull(c: SoftmaxConfig): number {
  const L = c.seqLen;
  const t2 = softmaxSpread(c);
  const a = (t2 * L) / (L - 1);
  return (expm1(a) * exp(2 * a)) / ((L - 1) * exp(t2) + 1) ** 2;
}

/** approx: s2gin = exp(t2)*s2g/L^2 */
export function softmaxGradVarianceApprox(c: SoftmaxConfig): number {
  return (exp(softmaxSpread(c)) * c.sigmaG ** 2) / c.seqLen ** 2;
}

/** full: s2gin = s2g*(s2y_full + 1/L^2) */
export function softmaxGradVarianceFull(c: SoftmaxConfig): number {
  return c.sigmaG ** 2 * (softmaxVarianceFull(c) + 1 / c.seqLen ** 2);
}

export function softmaxMoments(c: SoftmaxConfig, form: SoftmaxForm): SoftmaxMoments {
  const full = form === 'full';
  return {
    mean: softmaxMean(c),
    variance: full ? softmaxVarianceFull(c) : softmaxVarianceApprox(c),
    gradVariance: full ? softmaxGradVarianceFull(c) : softmaxGradVarianceApprox(c),
  };
}
