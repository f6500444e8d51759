import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scoreVariance, shaMoments, type ShaConfig } from '../src/theory/sha.ts';

const golden: any = JSON.parse(
  readFileSync(new URL('../fixtures/golden-theory-blocks.json', import.meta.url), 'utf8'),
);

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

const base: ShaConfig = {
  sigmaX: 1.3,
  rX: 0.4,
  sigmaG: 0.9,
  rG: 0.25,
  sigmaQ: 0.02,
  sigmaK: 0.03,
  sigmaV: 0.05,
  dIn: 300,
  dOut: 64,
  attentionDropout: 0.3,
  seqLen: 40,
};

/**
 * Exact moments of O_i = sum_j A'_ij V_j for uniform attention (s2s = 0), by enumerating the
 * dropout masks of one row (or two rows for the covariance). V has per-feature variance
 * g = d_in*sv^2*s2x and token correlation r.
 */
function uniformAttentionExact(c: ShaConfig): { variance: number; tokenCovariance: number } {
  const L = c.seqLen;
  const keep = 1 - c.attentionDropout;
  const g = c.dIn * c.sigmaV ** 2 * c.sigmaX ** 2;
  const covV = (j: number, k: number) => g * (j === k ? 1 : c.rX);
  let variance = 0;
  for (let mask = 0; mask < 1 << L; mask++) {
    let prob = 1;
    const a: number[] = [];
    for (let j = 0; j < L; j++) {
      const kept = (mask >> j) & 1;
      prob *= kept ? keep : c.attentionDropout;
      a.push(kept ? 1 / (L * keep) : 0);
    }
    let e = 0;
    for (let j = 0; j < L; j++) for (let k = 0; k < L; k++) e += a[j] * a[k] * covV(j, k);
    variance += prob * e;
  }
  // two different rows have independent masks, each with mean 1/L per entry
  let tokenCovariance = 0;
  for (let j = 0; j < L; j++) for (let k = 0; k < L; k++) tokenCovariance += covV(j, k) / L ** 2;
  return { variance, tokenCovariance };
}

describe('single-head attention (FORMULAS.md 3.7)', () => {
  it('matches the independent 50-digit transcription to 1e-12', () => {
    for (const { config, expected } of golden.sha as {
      config: ShaConfig;
      expected: Record<string, number>;
    }[]) {
      const m = shaMoments(config);
      expect(m.mean).toBe(0);
      expect(rel(scoreVariance(config), expected.scoreVariance)).toBeLessThan(1e-12);
      for (const key of ['variance', 'tokenCovariance', 'gradVariance', 'gradTokenCovariance'] as const) {
        expect(rel(m[key], expected[key])).toBeLessThan(1e-12);
      }
    }
  });

  it('score variance is d_in^2*s2x^2*sq^2*sk^2 and does not depend on the head width', () => {
    const s = scoreVariance(base);
    expect(rel(s, (300 * 1.3 ** 2 * 0.02 * 0.03) ** 2)).toBeLessThan(1e-14);
    const narrowHead: ShaConfig = { ...base, dOut: 7 };
    expect(scoreVariance(narrowHead)).toBe(s);
    expect(rel(scoreVariance({ ...base, sigmaQ: 0.04 }), 4 * s)).toBeLessThan(1e-14);
    expect(rel(scoreVariance({ ...base, sigmaX: 1.3 * Math.SQRT2 }), 4 * s)).toBeLessThan(1e-14);
  });

  it('at s2s = 0 and p = 0 both forward formulas reduce to the uniform average d_in*sv^2*s2x*(r + (1-r)/L)', () => {
    for (const rX of [0, 1 / 3, 0.9]) {
      const c = { ...base, rX, sigmaQ: 0, attentionDropout: 0 };
      const m = shaMoments(c);
      const uniform = c.dIn * c.sigmaV ** 2 * c.sigmaX ** 2 * (rX + (1 - rX) / c.seqLen);
      expect(rel(m.variance, uniform)).toBeLessThan(1e-14);
      expect(rel(m.tokenCovariance, uniform)).toBeLessThan(1e-14);
    }
  });

  it('at s2s = 0 the covariance and the backward pass equal exact uniform attention, dropout included', () => {
    const c = { ...base, sigmaQ: 0, seqLen: 6, attentionDropout: 0.4 };
    const exact = uniformAttentionExact(c);
    expect(rel(shaMoments(c).tokenCovariance, exact.tokenCovariance)).toBeLessThan(1e-13);
    // backward through V is the same product with A'^T: the forward enumeration with r -> r_g, s2x -> s2g
    const mirrored = uniformAttentionExact({ ...c, rX: c.rG, sigmaX: c.sigmaG, dIn: c.dOut });
    expect(rel(shaMoments(c).gradVariance, mirrored.variance)).toBeLessThan(1e-13);
  });

  it('records: at s2s = 0 with dropout the forward variance misses d_in*sv^2*s2x*r*p/((1-p)*L)', () => {
    // the sheet drops attention dropout's amplification of the shared (r) part of V
    const c = { ...base, sigmaQ: 0, seqLen: 6, attentionDropout: 0.4 };
    const exact = uniformAttentionExact(c);
    const missing =
      (c.dIn * c.sigmaV ** 2 * c.sigmaX ** 2 * c.rX * c.attentionDropout) /
      ((1 - c.attentionDropout) * c.seqLen);
    expect(rel(shaMoments(c).variance + missing, exact.variance)).toBeLessThan(1e-13);
    expect(rel(shaMoments(c).variance, exact.variance)).toBeGreaterThan(0.05);
  });

  it('the backward formulas do not depend on the score variance', () => {
    const a = shaMoments({ ...base, sigmaQ: 0 });
    const b = shaMoments({ ...base, sigmaQ: 0.1 });
    expect(b.gradVariance).toBe(a.gradVariance);
    expect(b.gradTokenCovariance).toBe(a.gradTokenCovariance);
    expect(b.variance).toBeGreaterThan(a.variance);
  });
});
