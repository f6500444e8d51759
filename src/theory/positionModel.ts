import { ffnCorrelationMap } from './ffnBlock.ts';
import type { InitStds, ModelConfig } from './models.ts';
import { modelInit } from './schemes.ts';

/**
 * docs/theory-extensions.md 6: a decoder's per-position moments from an L x L recurrence. Where
 * the chain of section 4 follows one position as if every other had its statistics, this carries
 * the whole covariance between the L positions of the stream (per feature), forward, and of the
 * gradient, backward, through every sublayer, so each position's gradient sees every later
 * position's. At leading order in the score variance (uniform causal attention, FORMULAS.md 9)
 * and, backward, along the value path, as the sheet's attention backward; LayerNorm is taken per
 * token as dividing by the token's std (its O(1/d) projections left out, as throughout the chain).
 */

type Matrix = number[][];

const { sqrt, asin, PI } = Math;

const zeros = (n: number): Matrix => Array.from({ length: n }, () => new Array<number>(n).fill(0));
const map = (m: Matrix, f: (v: number, j: number, l: number) => number): Matrix =>
  m.map((row, j) => row.map((v, l) => f(v, j, l)));
const add = (a: Matrix, b: Matrix, wa: number, wb: number) => map(a, (v, j, l) => wa * v + wb * b[j][l]);
const correlation = (m: Matrix) => map(m, (v, j, l) => v / sqrt(m[j][j] * m[l][l]));

/** Uniform causal attention: row i puts 1/(i+1) on keys 0..i. */
function causalUniform(L: number): Matrix {
  return Array.from({ length: L }, (_, i) => Array.from({ length: L }, (_, j) => (j <= i ? 1 / (i + 1) : 0)));
}

/** a^T m a (transpose = true) or a m a^T */
function sandwich(a: Matrix, m: Matrix, transpose: boolean): Matrix {
  const L = a.length;
  const at = (i: number, j: number) => (transpose ? a[j][i] : a[i][j]);
  const left = zeros(L);
  for (let i = 0; i < L; i++)
    for (let k = 0; k < L; k++) {
      let s = 0;
      for (let j = 0; j < L; j++) s += at(i, j) * m[j][k];
      left[i][k] = s;
    }
  const out = zeros(L);
  for (let i = 0; i < L; i++)
    for (let l = 0; l < L; l++) {
      let s = 0;
      for (let k = 0; k < L; k++) s += left[i][k] * at(l, k);
      out[i][l] = s;
    }
  return out;
}

export interface PositionPrediction {
  /** [boundary][position]: the stream variance of each position (2N+1 boundaries) */
  variance: number[][];
  /** [boundary][position]: the gradient variance of each position */
  gradVariance: number[][];
}

/**
 * The recurrence for a decoder (ModelConfig.causal; any scheme of src/theory/schemes.ts). Per
 * sublayer, with S the stream covariance, S_in the branch input's (Pre-LN: normGain^2 times the
 * correlation matrix of S; otherwise S), A uniform causal, q_a = p_a/(1-p_a):
 *   attention  S_b = d^2 sv^2 so^2 ( A S_in A^T + q_a diag_i(sum_j A_ij^2 S_in,jj) ), diagonal /(1-p_h)
 *   FFN        S_b,jj = F S_in,jj,  S_b,jl = (1-p_h) c(rho_jl) F sqrt(S_in,jj S_in,ll)     (F the FFN gain)
 *   residual   S' = lambda^2 S + beta^2 S_b (Post-LN: then renormalised per token)
 * and backward from the top's G (1 on the diagonal, rG off it), per sublayer:
 *   attention  B(G) = d^2 sv^2 so^2 ( A^T Gh A + q_a diag_j(sum_i A_ij^2 Gh_ii) ),  Gh = G with diagonal /(1-p_h)
 *   FFN        B(G)_jj = F G_jj,  B(G)_jl = (1-p_h)(1/2 + asin(rho_jl)/pi) F G_jl
 *   pre:  G_in = lambda^2 G + beta^2 normGain^2 D^-1/2 B(G) D^-1/2  (D the stream's variances)
 *   post: G_s = D_s^-1/2 G D_s^-1/2 (D_s the sum's), G_in = lambda^2 G_s + beta^2 B(G_s)
 *   none: G_in = lambda^2 G + beta^2 B(G)
 * Averaged over positions, the attention terms are the s2s -> 0 limits of the pooled chain's
 * (FORMULAS.md 9 for the value path; test/position-model.test.ts).
 */
export function positionRecurrence(
  c: ModelConfig,
  stdsOverride?: readonly InitStds[],
  paths: 'value' | 'all' = 'value',
): PositionPrediction {
  if (!c.causal || c.encdec) throw new RangeError('the position recurrence is for decoders only');
  const init = modelInit(c);
  const { placement, weights } = init;
  // an override (one entry per layer) leaves the recipe for a control experiment, as drawStack's
  const stds = stdsOverride ?? init.stds;
  const L = c.seqLen;
  const A = causalUniform(L);
  const keepH = 1 - c.dropout;
  const qa = c.attentionDropout / (1 - c.attentionDropout);
  const dFf = c.dFf ?? 4 * c.d;
  const sublayers = stds.flatMap((s) => [
    { kind: 'attention' as const, gain: c.d ** 2 * s.sigmaV ** 2 * s.sigmaO ** 2 },
    { kind: 'ffn' as const, gain: (dFf * c.d * s.sigma1 ** 2 * s.sigma2 ** 2) / (2 * keepH) },
  ]);
  // forward
  let S = map(zeros(L), (_, j, l) => c.sigmaX ** 2 * (j === l ? 1 : c.rX));
  const streams: Matrix[] = [S];
  const sums: Matrix[] = [];
  for (const [i, b] of sublayers.entries()) {
    const w = weights[i];
    const input = placement === 'pre' ? map(correlation(S), (v) => v * w.normGain ** 2) : S;
    let branch: Matrix;
    if (b.kind === 'attention') {
      const mixed = sandwich(A, input, false);
      branch = map(mixed, (v, j, l) => {
        if (j !== l) return b.gain * v;
        let diag = 0;
        for (let k = 0; k <= j; k++) diag += A[j][k] ** 2 * input[k][k];
        return (b.gain * (v + qa * diag)) / keepH;
      });
    } else {
      const rho = correlation(input);
      branch = map(input, (v, j, l) =>
        j === l
          ? b.gain * v
          : keepH * ffnCorrelationMap(rho[j][l]) * b.gain * sqrt(input[j][j] * input[l][l]),
      );
    }
    const sum = add(S, branch, w.lambda ** 2, w.beta ** 2);
    sums.push(sum);
    S = placement === 'post' ? correlation(sum) : sum;
    streams.push(S);
  }
  // backward
  const rG = c.rG ?? 0;
  let G = map(zeros(L), (_, j, l) => (j === l ? 1 : rG));
  const grads: Matrix[] = [G];
  for (let i = sublayers.length - 1; i >= 0; i--) {
    const b = sublayers[i];
    const w = weights[i];
    const stream = streams[i];
    const up = placement === 'post' ? map(G, (v, j, l) => v / sqrt(sums[i][j][j] * sums[i][l][l])) : G;
    let branch: Matrix;
    if (b.kind === 'attention') {
      const gh = map(up, (v, j, l) => (j === l ? v / keepH : v));
      const mixed = sandwich(A, gh, true);
      branch = map(mixed, (v, j, l) => {
        if (j !== l) return b.gain * v;
        let diag = 0;
        for (let k = j; k < L; k++) diag += A[k][j] ** 2 * gh[k][k];
        return b.gain * (v + qa * diag);
      });
      if (paths === 'all') {
        const input = placement === 'pre' ? map(correlation(stream), (v) => v * w.normGain ** 2) : stream;
        branch = addScorePaths(branch, input, gh, b.gain, stds[Math.floor(i / 2)], c, qa);
      }
    } else {
      const rho = correlation(stream);
      branch = map(up, (v, j, l) =>
        j === l ? b.gain * v : keepH * (0.5 + asin(Math.min(1, rho[j][l])) / PI) * b.gain * v,
      );
    }
    if (placement === 'pre')
      branch = map(branch, (v, j, l) => (w.normGain ** 2 * v) / sqrt(stream[j][j] * stream[l][l]));
    G = add(up, branch, w.lambda ** 2, w.beta ** 2);
    grads.unshift(G);
  }
  const diagonal = (m: Matrix) => m.map((row, j) => row[j]);
  return { variance: streams.map(diagonal), gradVariance: grads.map(diagonal) };
}

/**
 * docs/theory-extensions.md 6.1: the first-order score-variance terms of every row, added to the
 * attention backward's diagonal (per token), from the last-token forms of doc 1.4 applied row by
 * row. Row i (n = i+1 keys, score variance s2s_i = d^2 sq^2 sk^2 S_ii mean_l S_ll over its keys,
 * within-row key correlation r_i, t2 = (1-r_i) s2s_i, pi = 1-1/n, q = p_a/(1-p_a)) with upstream
 * gradient g_i = gain*Gh_ii gives token j <= i:
 *   value      g_i ((e^{t2 pi} - 1)/n^2)(1+q)          the resummed E[A_ij^2] beyond 1/n^2
 *   key        g_i s2s_i (1-r_i+q) pi/n^2
 * and row j's own query, with its query x key term,
 *   query      g_j s2s_j (1-r_j)((1-r_j)(1 + n/d) + q(1 + 2(1-r_j) pi/d)) pi/n
 *   query x key  2 g_j (s2s_j/d)(1-r_j)(1-r_j+q) pi/n^2
 * At the last token these are exactly causalLastGradVariance's terms. Left out: the rows' q/k
 * gradients' covariances between tokens (so the off-diagonal of G stays the value path's), the
 * value x key cross terms of rows i > j (section 3.3's X, O(s2s/d)), and cross-row terms in r_g.
 */
function addScorePaths(
  branch: Matrix,
  input: Matrix,
  gh: Matrix,
  gain: number,
  s: InitStds,
  c: ModelConfig,
  qa: number,
): Matrix {
  const L = branch.length;
  const rho = correlation(input);
  const rows = Array.from({ length: L }, (_, i) => {
    const n = i + 1;
    let keys = 0;
    for (let l = 0; l <= i; l++) keys += input[l][l];
    let pairs = 0;
    for (let l = 0; l <= i; l++) for (let m = 0; m < l; m++) pairs += rho[l][m];
    const r = n > 1 ? pairs / ((n * (n - 1)) / 2) : 0;
    const s2s = c.d ** 2 * s.sigmaQ ** 2 * s.sigmaK ** 2 * input[i][i] * (keys / n);
    return { n, r, s2s, pi: 1 - 1 / n, g: gain * gh[i][i] };
  });
  return map(branch, (v, j, l) => {
    if (j !== l) return v;
    let extra = 0;
    for (let i = j; i < L; i++) {
      const { n, r, s2s, pi, g } = rows[i];
      extra += (g * (Math.exp((1 - r) * s2s * pi) - 1) * (1 + qa)) / n ** 2;
      extra += (g * s2s * (1 - r + qa) * pi) / n ** 2;
    }
    const { n, r, s2s, pi, g } = rows[j];
    extra += (g * s2s * (1 - r) * ((1 - r) * (1 + n / c.d) + qa * (1 + (2 * (1 - r) * pi) / c.d)) * pi) / n;
    extra += (2 * g * (s2s / c.d) * (1 - r) * (1 - r + qa) * pi) / n ** 2;
    return v + extra;
  });
}
