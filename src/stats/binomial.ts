/**
 * Exact binomial tools for rates observed in calibration: the Clopper-Pearson interval (exact
 * coverage, unlike Wald; conservative, which suits a check of a nominal false-alarm rate) and the
 * two-sided exact test. Counts are small (thousands), so summing the pmf directly is fast.
 */

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  if (p <= 0) return k === 0 ? 1 : 0;
  if (p >= 1) return k === n ? 1 : 0;
  return Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** P(X <= k). */
export function binomialCdf(k: number, n: number, p: number): number {
  let s = 0;
  for (let i = 0; i <= Math.min(k, n); i++) s += binomialPmf(i, n, p);
  return Math.min(1, s);
}

function bisect(f: (p: number) => number, target: number, increasing: boolean): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target === increasing) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Interval {
  lower: number;
  upper: number;
}

/** Two-sided Clopper-Pearson interval for k successes in n trials at confidence 1 - alpha. */
export function clopperPearson(k: number, n: number, alpha = 0.05): Interval {
  if (n === 0) return { lower: 0, upper: 1 };
  // lower: P(X >= k; p) = alpha/2, increasing in p; upper: P(X <= k; p) = alpha/2, decreasing in p
  const lower = k === 0 ? 0 : bisect((p) => 1 - binomialCdf(k - 1, n, p), alpha / 2, true);
  const upper = k === n ? 1 : bisect((p) => binomialCdf(k, n, p), alpha / 2, false);
  return { lower, upper };
}

/** Two-sided exact binomial test: total probability of outcomes no more likely than k. */
export function binomialTest(k: number, n: number, p: number): number {
  const observed = binomialPmf(k, n, p);
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const q = binomialPmf(i, n, p);
    if (q <= observed * (1 + 1e-7)) total += q;
  }
  return Math.min(1, total);
}
