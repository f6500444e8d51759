import { normalQuantile, tQuantile } from './quantiles.ts';

/**
 * Distribution checks of z = (m - p)/se for exact claims. With R replicates, se is estimated from
 * R-1 degrees of freedom, so under a correct formula and estimator z follows Student's t(R-1)
 * (the reference the critical values assume); the normal quantile is reported beside it.
 */

/** Student-t CDF by inverting the quantile function (bisection; only a few hundred calls). */
export function tCdf(x: number, df: number): number {
  if (!Number.isFinite(x)) return x > 0 ? 1 : 0;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 55; i++) {
    const mid = (lo + hi) / 2;
    if (tQuantile(mid, df) < x) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Kolmogorov-Smirnov distance between the sample and a CDF, with its asymptotic p-value. */
export function kolmogorovSmirnov(
  sample: readonly number[],
  cdf: (x: number) => number,
): { statistic: number; pValue: number } {
  const sorted = [...sample].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  });
  // Kolmogorov distribution with Stephens' small-sample correction
  const lambda = (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d;
  let p = 0;
  for (let j = 1; j <= 100; j++) p += 2 * (-1) ** (j - 1) * Math.exp(-2 * j * j * lambda * lambda);
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)) };
}

export interface QQPoint {
  /** plotting position (i - 0.5)/n */
  probability: number;
  observed: number;
  studentT: number;
  normal: number;
}

/** QQ data: every order statistic against the t(df) and normal quantiles at (i - 0.5)/n. */
export function qqPoints(sample: readonly number[], df: number): QQPoint[] {
  const sorted = [...sample].sort((a, b) => a - b);
  const n = sorted.length;
  return sorted.map((observed, i) => {
    const probability = (i + 0.5) / n;
    return {
      probability,
      observed,
      studentT: tQuantile(probability, df),
      normal: normalQuantile(probability, 0, 1),
    };
  });
}

/** The QQ data at a few fixed probabilities, for a Markdown table. */
export function quantileTable(points: readonly QQPoint[], probabilities: readonly number[]): QQPoint[] {
  const n = points.length;
  return probabilities.map((q) => {
    const i = Math.min(n - 1, Math.max(0, Math.round(q * n - 0.5)));
    return points[i];
  });
}
