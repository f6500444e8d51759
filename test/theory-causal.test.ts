import { describe, expect, it } from 'vitest';
import { scoreVariance, shaMoments, type ShaConfig } from '../src/theory/sha.ts';
import { attentionBlockMoments, type AttentionBlockConfig } from '../src/theory/attentionBlock.ts';
import {
  causalAttentionBlockMoments,
  causalCovariance,
  causalGradCovariance,
  causalGradVariance,
  causalLastGradVariance,
  causalShaAt,
  causalShaMoments,
  causalVariance,
  rowSquareSum,
} from '../src/theory/causalAttention.ts';
import {
  crossAttentionMoments,
  crossScoreVariance,
  type CrossAttentionConfig,
} from '../src/theory/crossAttention.ts';
import { gaussianExpectation } from './support/quadrature.ts';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

const base: ShaConfig = {
  sigmaX: 1.3,
  rX: 0.4,
  sigmaG: 0.9,
  rG: 0.25,
  sigmaQ: 0,
  sigmaK: 0.03,
  sigmaV: 0.05,
  dIn: 300,
  dOut: 64,
  attentionDropout: 0.3,
  seqLen: 7,
};

/**
 * Uniform attention (s2s = 0) with an explicit L x L matrix: each row i puts 1/|keys(i)| on its
 * keys. Moments by brute-force double sums over the matrix, independent of the closed forms:
 *   Var O_i = c*( sum_j A_ij^2/(1-p) + r*sum_{j!=l} A_ij A_il ),  Cov(O_i,O_k) = c*sum_jl A_ij A_kl R_jl
 *   Var dX_j = g*( sum_i A_ij^2/(1-p) + r_g*sum_{i!=i'} A_ij A_i'j ), Cov(dX_j,dX_l) = g*sum_ii' A_ij A_i'l Rg_ii'
 */
function uniformMatrix(c: ShaConfig, keys: (i: number) => number) {
  const L = c.seqLen;
  const A = Array.from({ length: L }, (_, i) =>
    Array.from({ length: L }, (_, j) => (j < keys(i) ? 1 / keys(i) : 0)),
  );
  const keep = 1 - c.attentionDropout;
  const gain = c.dIn * c.sigmaV ** 2 * c.sigmaX ** 2;
  const gainG = c.dOut * c.sigmaV ** 2 * c.sigmaG ** 2;
  const idx = [...Array(L).keys()];
  const R = (a: number, b: number, r: number) => (a === b ? 1 : r);
  const sum = (f: (a: number, b: number) => number) =>
    idx.reduce((s, a) => s + idx.reduce((t, b) => t + f(a, b), 0), 0);
  return {
    variance: (i: number) => gain * sum((j, l) => A[i][j] * A[i][l] * (j === l ? 1 / keep : c.rX)),
    covariance: (i: number, k: number) => gain * sum((j, l) => A[i][j] * A[k][l] * R(j, l, c.rX)),
    gradVariance: (j: number) => gainG * sum((i, m) => A[i][j] * A[m][j] * (i === m ? 1 / keep : c.rG)),
    gradCovariance: (j: number, l: number) => gainG * sum((i, m) => A[i][j] * A[m][l] * R(i, m, c.rG)),
  };
}

describe('causal single-head attention (docs/theory-extensions.md 1)', () => {
  it('at s2s = 0 every per-position moment equals the explicit causal matrix, dropout included', () => {
    const exact = uniformMatrix(base, (i) => i + 1);
    for (let i = 0; i < base.seqLen; i++) {
      expect(rel(causalVariance(base, i), exact.variance(i))).toBeLessThan(1e-13);
      expect(rel(causalGradVariance(base, i), exact.gradVariance(i))).toBeLessThan(1e-13);
      for (let k = 0; k < base.seqLen; k++) {
        if (k === i) continue;
        expect(rel(causalCovariance(base, i, k), exact.covariance(i, k))).toBeLessThan(1e-13);
        expect(rel(causalGradCovariance(base, i, k), exact.gradCovariance(i, k))).toBeLessThan(1e-13);
      }
    }
  });

  it('with every n_i = L the forms reduce to 3.7 at s2s -> 0 (the variance to its exact form, FORMULAS.md 9)', () => {
    const c = { ...base, seqLen: 6 };
    const L = c.seqLen;
    const exact = uniformMatrix(c, () => L);
    const sheet = shaMoments(c);
    // the causal per-row forms evaluated at n = L: the last row of a causal matrix has n = L
    expect(rel(causalVariance(c, L - 1), exact.variance(0))).toBeLessThan(1e-13);
    const gain = c.dIn * c.sigmaV ** 2 * c.sigmaX ** 2;
    expect(
      rel(causalVariance(c, L - 1), gain * ((c.rX * (L - 1)) / L + 1 / (L * (1 - c.attentionDropout)))),
    ).toBeLessThan(1e-13);
    // Cov depends on the later row only: the pair (L-2, L-1) has max n = L
    expect(rel(causalCovariance(c, L - 2, L - 1), sheet.tokenCovariance)).toBeLessThan(1e-13);
    expect(rel(exact.gradVariance(0), sheet.gradVariance)).toBeLessThan(1e-13);
    expect(rel(exact.gradCovariance(0, 1), sheet.gradTokenCovariance)).toBeLessThan(1e-13);
  });

  it('the first token attends only to itself: Var O_0 = c/(1-p) whatever the scores', () => {
    const c = { ...base, sigmaQ: 0.2, sigmaK: 0.2, dIn: 40 };
    expect(scoreVariance(c)).toBeGreaterThan(0.5);
    expect(
      rel(causalVariance(c, 0), (c.dIn * c.sigmaV ** 2 * c.sigmaX ** 2) / (1 - c.attentionDropout)),
    ).toBeLessThan(1e-14);
    expect(causalVariance(c, 5)).not.toBeCloseTo(causalVariance({ ...c, sigmaQ: 0 }, 5), 6);
  });

  it('pooled moments are the averages of the per-position ones over positions and ordered pairs', () => {
    const c = { ...base, sigmaQ: 0.05, sigmaK: 0.05, dIn: 30, seqLen: 9 };
    expect(scoreVariance(c)).toBeGreaterThan(0.01);
    const L = c.seqLen;
    const pos = [...Array(L).keys()];
    const pairs = pos.flatMap((i) => pos.filter((k) => k !== i).map((k) => [i, k]));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const m = causalShaMoments(c);
    expect(rel(m.variance, mean(pos.map((i) => causalVariance(c, i))))).toBeLessThan(1e-13);
    expect(rel(m.tokenCovariance, mean(pairs.map(([i, k]) => causalCovariance(c, i, k))))).toBeLessThan(
      1e-13,
    );
    expect(rel(m.gradVariance, mean(pos.map((i) => causalGradVariance(c, i))))).toBeLessThan(1e-13);
    expect(
      rel(m.gradTokenCovariance, mean(pairs.map(([i, k]) => causalGradCovariance(c, i, k)))),
    ).toBeLessThan(1e-13);
    expect(causalShaAt(c, 'first').gradVariance).toBeGreaterThan(causalShaAt(c, 'last').gradVariance);
  });

  it("the last token's all-paths gradient: the value path at s2s = 0, dominated by the query path at s2s > 0", () => {
    const L = base.seqLen;
    expect(rel(causalLastGradVariance(base), causalGradVariance(base, L - 1))).toBeLessThan(1e-13);
    const c = { ...base, sigmaQ: 0.01, sigmaK: 0.01, rX: 0, attentionDropout: 0, seqLen: 100 };
    const s2s = scoreVariance(c);
    // query / value = s2s*(1 + n/d_in)*(n-1), the rest O(1/n)
    const ratio = causalLastGradVariance(c) / causalGradVariance(c, 99) - 1;
    expect(rel(ratio, s2s * (1 + 100 / c.dIn) * 99)).toBeLessThan(0.03);
  });

  it('E[sum A^2] of a softmax row: exact at n = 1, second-order error at n = 2 against quadrature', () => {
    expect(rowSquareSum(1, 0.7)).toBe(1);
    // n = 2 with i.i.d. scores of variance t2: A = sigmoid(y), y ~ N(0, 2*t2)
    const exact = (t2: number) =>
      gaussianExpectation((z) => {
        const a = 1 / (1 + Math.exp(-Math.sqrt(2 * t2) * z));
        return a * a + (1 - a) * (1 - a);
      });
    const error = (t2: number) => Math.abs(rowSquareSum(2, t2) - exact(t2));
    // a first-order error (e.g. exp(t2)/2, right only for large n) would be t2/4 = 5e-3 here
    expect(error(0.02)).toBeLessThan(0.02 ** 2);
    expect(error(0.02) / error(0.01)).toBeGreaterThan(3);
    expect(error(0.02) / error(0.01)).toBeLessThan(5);
  });

  it('the causal block at s2s = 0 is 5.2 chained with causal heads; with one token causal = bidirectional', () => {
    const block: AttentionBlockConfig = {
      sigmaX: 1.1,
      rX: 0.3,
      sigmaG: 0.8,
      rG: 0.2,
      d: 64,
      heads: 4,
      seqLen: 1,
      sigmaQ: 0.1,
      sigmaK: 0.1,
      sigmaV: 0.15,
      sigmaO: 0.12,
      dropout: 0.2,
      attentionDropout: 0.1,
    };
    const causal = causalAttentionBlockMoments(block, 'first');
    // one token: softmax of one score is 1; both sheets' forms give c/(1-p_a) there
    expect(rel(causal.variance, (64 * 0.12 ** 2 * 64 * 0.15 ** 2 * 1.1 ** 2) / (0.9 * 0.8))).toBeLessThan(
      1e-13,
    );
    const long = { ...block, seqLen: 16, sigmaQ: 0 };
    const small = attentionBlockMoments({ ...long, attentionDropout: 0 }, 'small');
    const last = causalAttentionBlockMoments({ ...long, attentionDropout: 0 }, 'last');
    expect(rel(last.tokenCovariance, small.tokenCovariance)).toBeGreaterThan(0);
    // at p_a = 0 the last row's variance is the sheet's small-s2s block variance
    expect(rel(last.variance, small.variance)).toBeLessThan(1e-13);
  });
});

describe('cross-attention (docs/theory-extensions.md 3)', () => {
  const cross: CrossAttentionConfig = {
    sigmaX: 0.8,
    rX: 0.5,
    sigmaE: 1.2,
    rE: 0.3,
    sigmaG: 1.1,
    rG: 0.2,
    sigmaQ: 0,
    sigmaK: 0.04,
    sigmaV: 0.06,
    dIn: 200,
    dOut: 32,
    attentionDropout: 0.25,
    seqLen: 5,
    encoderLen: 4,
  };

  it('at s2s = 0: the average of encoder values (FORMULAS.md 9), no decoder gradient, encoder gradient of uniform rows', () => {
    const m = crossAttentionMoments(cross);
    const gain = cross.dIn * cross.sigmaV ** 2 * cross.sigmaE ** 2;
    const Le = cross.encoderLen;
    const p = cross.attentionDropout;
    expect(rel(m.variance, gain * ((cross.rE * (Le - 1)) / Le + 1 / (Le * (1 - p))))).toBeLessThan(1e-13);
    expect(rel(m.tokenCovariance, gain * (cross.rE + (1 - cross.rE) / Le))).toBeLessThan(1e-13);
    expect(m.gradVariance).toBe(0);
    expect(m.gradTokenCovariance).toBe(0);
    // L_d rows, each 1/L_e on every encoder token: the explicit-matrix value path
    const L = Math.max(cross.seqLen, Le);
    const asSha: ShaConfig = {
      ...base,
      sigmaG: cross.sigmaG,
      rG: cross.rG,
      sigmaV: cross.sigmaV,
      dOut: cross.dOut,
      attentionDropout: p,
      seqLen: L,
    };
    const exact = uniformMatrix(asSha, (i) => (i < cross.seqLen ? Le : 0));
    expect(rel(m.encoderGradVariance, exact.gradVariance(0))).toBeLessThan(1e-13);
    expect(rel(m.encoderGradTokenCovariance, exact.gradCovariance(0, 1))).toBeLessThan(1e-13);
  });

  it('the decoder gradient grows with the score variance and scales as s2e/s2d; the output ignores the decoder at s2s = 0', () => {
    const c = { ...cross, sigmaQ: 0.05 };
    const s2s = crossScoreVariance(c);
    expect(s2s).toBeGreaterThan(0.1);
    const m = crossAttentionMoments(c);
    expect(m.gradVariance).toBeGreaterThan(0);
    // doubling sigma_d and halving sigma_q keeps s2s: the decoder gradient falls by 4 (s2e/s2d)
    const moved = crossAttentionMoments({ ...c, sigmaX: 2 * c.sigmaX, sigmaQ: c.sigmaQ / 2 });
    expect(rel(moved.gradVariance, m.gradVariance / 4)).toBeLessThan(1e-13);
    expect(rel(moved.variance, m.variance)).toBeLessThan(1e-13);
    expect(crossAttentionMoments({ ...cross, rX: 0.9 }).variance).toBe(crossAttentionMoments(cross).variance);
  });
});
