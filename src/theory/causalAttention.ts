import { scoreVariance, type ShaConfig } from './sha.ts';
import { blockOfHeads, headConfig, type AttentionBlockConfig } from './attentionBlock.ts';
import type { BlockMoments } from './blocks.ts';
import type { ComponentMoments } from './moments.ts';
import { neighbour, positionIndex, type Position } from './positions.ts';

export { POSITIONS, positionIndex, type Position } from './positions.ts';

/**
 * Causal single-head attention: row i (0-based) attends to keys 0..i, n_i = i+1 of them
 * (docs/theory-extensions.md section 1, from FORMULAS.md 9 and 3.7). Symbols: c = d_in*sv^2*s2x,
 * s2s the score variance (3.7), t2 = (1-r)*s2s the within-row score variance (3.6), p the
 * attention dropout, pi_n = 1 - 1/n.
 *
 * Forward moments carry the first-order score-variance corrections of doc section 1.2-1.3; the
 * backward follows the value path only (doc section 1.4), at leading order, as 3.7's does.
 */

const { exp } = Math;

/**
 * Doc 1.1: E[sum_j A_j^2] over a softmax row of n keys with within-row score variance t2,
 * exp(t2*(1-1/n))/n: exact at n = 1, first-order exact in t2 at every n, and 3.6's exp(t2)/L for
 * large n.
 */
export function rowSquareSum(n: number, t2: number): number {
  return exp(t2 * (1 - 1 / n)) / n;
}

/**
 * Doc 1.2, eq. (T): the O(s2s/d_in) terms from the coupling of the scores to the Gram matrix of the
 * values' inputs (3.7's (1-r)^2*(L-1)*s2s/d_in and 4*(1-r)^2*s2s/d_in/(1-p) for large L), and eq.
 * (T') from the query norm |x_i|^2, which is one of the row's own keys. `selfQuery` is false for
 * cross-attention, where the query comes from another stream.
 */
export function gramCorrection(
  n: number,
  r: number,
  s2s: number,
  dIn: number,
  keep: number,
  selfQuery: boolean,
): number {
  const pi = 1 - 1 / n;
  const u = 1 - r;
  const t =
    ((u * u * s2s) / dIn) *
    ((4 * pi * pi - (2 * pi) / n) / (n * keep) + pi * (pi * pi - (2 * pi) / n + 3 / (n * n)));
  if (!selfQuery) return t;
  const tQuery =
    ((2 * s2s * u) / (dIn * n * n)) *
    ((pi * (1 + (n - 1) * r * r)) / keep - ((n - 1) * (2 * r + (n - 2) * r * r)) / n);
  return t + tQuery;
}

/** Doc 1.2: Var O_i / c = r*(1 - S2) + S2/(1-p) + T, S2 = rowSquareSum(n_i, t2). */
function varianceOverGain(
  n: number,
  r: number,
  s2s: number,
  dIn: number,
  keep: number,
  selfQuery: boolean,
): number {
  const s2 = rowSquareSum(n, (1 - r) * s2s);
  return r * (1 - s2) + s2 / keep + gramCorrection(n, r, s2s, dIn, keep, selfQuery);
}

/** Gains c = d_in*sv^2*s2x (forward) and d_v*sv^2*s2g (backward, value path). */
const forwardGain = (c: ShaConfig) => c.dIn * c.sigmaV ** 2 * c.sigmaX ** 2;
const backwardGain = (c: ShaConfig) => c.dOut * c.sigmaV ** 2 * c.sigmaG ** 2;

/** Doc 1.2: Var O_i at 0-based position i. At s2s = 0: c*(r*(n-1)/n + 1/(n*(1-p))) (FORMULAS.md 9). */
export function causalVariance(c: ShaConfig, i: number): number {
  return (
    forwardGain(c) * varianceOverGain(i + 1, c.rX, scoreVariance(c), c.dIn, 1 - c.attentionDropout, true)
  );
}

/**
 * Doc 1.3: Cov(O_i, O_k) for i != k, with m = min and M = max of n_i, n_k:
 *   c*( r + (1-r)/M + s2s*r*(1-r)^2*(m-1)/(m*M) ).
 * The last term: rows with correlated queries attend alike. O(s2s/d_in) terms are left out.
 */
export function causalCovariance(c: ShaConfig, i: number, k: number): number {
  const m = Math.min(i, k) + 1;
  const M = Math.max(i, k) + 1;
  const r = c.rX;
  return forwardGain(c) * (r + (1 - r) / M + (scoreVariance(c) * r * (1 - r) ** 2 * (m - 1)) / (m * M));
}

/**
 * Doc 1.4, the value path at leading order (FORMULAS.md 9): with S1_j = sum_{i>=j} 1/n_i and
 * S2_j = sum_{i>=j} 1/n_i^2 over the L rows,
 *   Var dX_j = d_v*sv^2*s2g*( S2_j/(1-p) + r_g*(S1_j^2 - S2_j) )
 *   Cov(dX_j, dX_l) = d_v*sv^2*s2g*( (1-r_g)*S2_l + r_g*S1_j*S1_l )   for j < l.
 * The first token is attended by every row: its S1 is the harmonic number H_L.
 */
export function rowSums(L: number): { s1: Float64Array; s2: Float64Array } {
  const s1 = new Float64Array(L + 1);
  const s2 = new Float64Array(L + 1);
  for (let j = L - 1; j >= 0; j--) {
    s1[j] = s1[j + 1] + 1 / (j + 1);
    s2[j] = s2[j + 1] + 1 / (j + 1) ** 2;
  }
  return { s1, s2 };
}

export function causalGradVariance(c: ShaConfig, j: number): number {
  const { s1, s2 } = rowSums(c.seqLen);
  return backwardGain(c) * (s2[j] / (1 - c.attentionDropout) + c.rG * (s1[j] ** 2 - s2[j]));
}

export function causalGradCovariance(c: ShaConfig, j: number, l: number): number {
  const { s1, s2 } = rowSums(c.seqLen);
  const [a, b] = j < l ? [j, l] : [l, j];
  return backwardGain(c) * ((1 - c.rG) * s2[b] + c.rG * s1[a] * s1[b]);
}

/**
 * Doc 1.5: moments pooled over positions, as the token-pooled estimator measures them: the
 * variance is the mean of Var O_i over the L positions, the covariance the mean of Cov(O_i, O_k)
 * over the L*(L-1) ordered pairs (likewise for the gradient). O(L) with running sums.
 */
export function causalShaMoments(c: ShaConfig): ComponentMoments {
  const L = c.seqLen;
  const r = c.rX;
  const s2s = scoreVariance(c);
  const keep = 1 - c.attentionDropout;
  let variance = 0;
  // sum over i < k of Cov(O_i, O_k)/c = sum_k [ (k)*(r + (1-r)/n_k) + s2s*r*(1-r)^2*(k - H_k)/n_k ]
  let pairs = 0;
  let harmonic = 0;
  for (let k = 0; k < L; k++) {
    const n = k + 1;
    variance += varianceOverGain(n, r, s2s, c.dIn, keep, true);
    pairs += k * (r + (1 - r) / n) + (s2s * r * (1 - r) ** 2 * (k - harmonic)) / n;
    harmonic += 1 / n;
  }
  const { s1, s2 } = rowSums(L);
  let gradVariance = 0;
  let gradPairs = 0;
  let s1Before = 0;
  for (let l = 0; l < L; l++) {
    gradVariance += s2[l] / keep + c.rG * (s1[l] ** 2 - s2[l]);
    // sum over j < l of (1-r_g)*S2_l + r_g*S1_j*S1_l
    gradPairs += l * (1 - c.rG) * s2[l] + c.rG * s1Before * s1[l];
    s1Before += s1[l];
  }
  const gain = forwardGain(c);
  const gainG = backwardGain(c);
  const pairCount = (L * (L - 1)) / 2;
  return {
    mean: 0,
    variance: (gain * variance) / L,
    tokenCovariance: (gain * pairs) / pairCount,
    gradVariance: (gainG * gradVariance) / L,
    gradTokenCovariance: (gainG * gradPairs) / pairCount,
  };
}

/** Moments at a named position: its variance, gradient variance, and covariances with its neighbour. */
export function causalShaAt(c: ShaConfig, position: Position): ComponentMoments {
  const L = c.seqLen;
  const i = positionIndex(position, L);
  const partner = neighbour(i, L);
  return {
    mean: 0,
    variance: causalVariance(c, i),
    tokenCovariance: causalCovariance(c, i, partner),
    gradVariance: causalGradVariance(c, i),
    gradTokenCovariance: causalGradCovariance(c, i, partner),
  };
}

/**
 * Doc 2: the causal attention block, FORMULAS.md 5.2's chain with each head causal: pooled over
 * positions, or at a named position.
 */
export function causalAttentionBlockMoments(c: AttentionBlockConfig, position?: Position): BlockMoments {
  const head = headConfig(c);
  return blockOfHeads(c, position ? causalShaAt(head, position) : causalShaMoments(head));
}

/**
 * Doc 1.4: the last token's input gradient to first order in s2s, all paths. Only the last row
 * attends to it, so with n = L, pi = 1 - 1/n, q = p/(1-p):
 *   value  g*exp(t2*pi)/(n^2*(1-p))
 *   query  g*s2s*(1-r)*( (1-r)*(1 + n/d_in) + q*(1 + 2*(1-r)*pi/d_in) )*(n-1)/n^2   (Gram factor as doc 3.2)
 *   key    g*s2s*(1-r+q)*(n-1)/n^3
 *   query x key  2*g*(s2s/d_in)*(1-r)*(1-r+q)*(n-1)/n^3
 * The query path is n*s2s*(1 + n/d_in) times the value path: the value-path form misses the most.
 */
export function causalLastGradVariance(c: ShaConfig): number {
  const n = c.seqLen;
  const r = c.rX;
  const keep = 1 - c.attentionDropout;
  const q = c.attentionDropout / keep;
  const pi = 1 - 1 / n;
  const s2s = scoreVariance(c);
  const value = exp((1 - r) * s2s * pi) / (n * n * keep);
  const query =
    (s2s * (1 - r) * ((1 - r) * (1 + n / c.dIn) + q * (1 + (2 * (1 - r) * pi) / c.dIn)) * (n - 1)) / (n * n);
  const key = (s2s * (1 - r + q) * (n - 1)) / n ** 3;
  const cross = (2 * (s2s / c.dIn) * (1 - r) * (1 - r + q) * (n - 1)) / n ** 3;
  return backwardGain(c) * (value + query + key + cross);
}

/** The causal block's last-token gradient variance with causalLastGradVariance per head (doc 2). */
export function causalBlockLastGradVariance(c: AttentionBlockConfig): number {
  return c.heads * causalLastGradVariance(headConfig(c));
}

/**
 * Doc 1.4, every path at any position j (0-based), first order in s2s: the last-token terms row by
 * row (docs/theory-extensions.md 6.1). Token j is a key of every row i >= j (n_i = i+1 keys) and
 * the query of row j:
 *   value  g*( sum_{i>=j} exp(t2*pi_i)/(n_i^2*(1-p)) + r_g*(S1_j^2 - S2_j) )
 *   key    g*s2s*(1-r+q)*sum_{i>=j} pi_i/n_i^2
 *   query  g*s2s*(1-r)*( (1-r)*(1 + n_j/d_in) + q*(1 + 2*(1-r)*pi_j/d_in) )*pi_j/n_j
 *   query x key  2*g*(s2s/d_in)*(1-r)*(1-r+q)*pi_j/n_j^2
 * The query and key terms are derived for independent upstream gradients of the rows (r_g = 0);
 * at r_g > 0 their cross-row terms are left out. At j = L-1 and r_g = 0 this is
 * causalLastGradVariance.
 */
export function causalAllPathsGradVariance(c: ShaConfig, j: number): number {
  const L = c.seqLen;
  const r = c.rX;
  const keep = 1 - c.attentionDropout;
  const q = c.attentionDropout / keep;
  const s2s = scoreVariance(c);
  const { s1, s2 } = rowSums(L);
  let value = c.rG * (s1[j] ** 2 - s2[j]);
  let key = 0;
  for (let i = j; i < L; i++) {
    const n = i + 1;
    const pi = 1 - 1 / n;
    value += exp((1 - r) * s2s * pi) / (n * n * keep);
    key += (s2s * (1 - r + q) * pi) / (n * n);
  }
  const n = j + 1;
  const pi = 1 - 1 / n;
  const query = (s2s * (1 - r) * ((1 - r) * (1 + n / c.dIn) + q * (1 + (2 * (1 - r) * pi) / c.dIn)) * pi) / n;
  const cross = (2 * (s2s / c.dIn) * (1 - r) * (1 - r + q) * pi) / (n * n);
  return backwardGain(c) * (value + key + query + cross);
}

/** The causal block's every-path gradient variance at position j, causalAllPathsGradVariance per head (doc 2). */
export function causalBlockAllPathsGradVariance(c: AttentionBlockConfig, j: number): number {
  return c.heads * causalAllPathsGradVariance(headConfig(c), j);
}
