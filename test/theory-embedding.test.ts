import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  embeddingMoments,
  unigramRepeatProbability,
  unitVarianceEmbeddingStd,
  zipfProbabilities,
  type EmbeddingConfig,
} from '../src/theory/embedding.ts';

const golden: any = JSON.parse(
  readFileSync(new URL('../fixtures/golden-theory-blocks.json', import.meta.url), 'utf8'),
);

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('embeddings (FORMULAS.md 4)', () => {
  it('matches the independent 50-digit transcription to 1e-12', () => {
    for (const { config, expected } of golden.embedding as {
      config: EmbeddingConfig;
      expected: Record<string, number>;
    }[]) {
      const m = embeddingMoments(config);
      expect(m.mean).toBe(0);
      for (const key of ['variance', 'tokenCovariance', 'tokenCorrelation'] as const)
        expect(rel(m[key], expected[key])).toBeLessThan(1e-12);
    }
    for (const z of golden.zipf as {
      vocab: number;
      exponent: number;
      first: number[];
      last: number;
      repeat: number;
    }[]) {
      const p = zipfProbabilities(z.vocab, z.exponent);
      z.first.forEach((q, i) => expect(rel(p[i], q)).toBeLessThan(1e-12));
      expect(rel(p[p.length - 1], z.last)).toBeLessThan(1e-12);
      expect(rel(unigramRepeatProbability(p), z.repeat)).toBeLessThan(1e-12);
    }
  });

  it('zipf probabilities sum to 1 and decrease; exponent 0 is uniform with repeat probability 1/V', () => {
    const p = zipfProbabilities(30000, 1.07);
    expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeLessThan(p[i - 1]);
    expect(rel(unigramRepeatProbability(zipfProbabilities(40, 0)), 1 / 40)).toBeLessThan(1e-14);
    expect(() => zipfProbabilities(0, 1)).toThrow(RangeError);
  });

  it('DSLM table std gives a unit-variance stream', () => {
    for (const p of [0, 0.1, 0.5]) {
      const m = embeddingMoments({
        tables: 3,
        sigmaE: unitVarianceEmbeddingStd(3, p),
        dropout: p,
        pSameToken: 0.01,
        pSamePosition: 0,
        pSameSegment: 0.5,
      });
      expect(rel(m.variance, 1)).toBeLessThan(1e-14);
    }
  });

  it('equals exact enumeration over a tiny vocabulary, Rademacher tables and dropout masks', () => {
    // Rademacher entries share the Gaussian's first two moments, which are all that pair moments see
    const vocab = 3;
    const L = 4;
    const segment = [0, 0, 1, 1];
    const sigmaE = 0.7;
    const dropout = 0.25;
    const probs = zipfProbabilities(vocab, 1);
    const nEntries = vocab + L + 2; // word, position, segment tables, one feature
    let second = 0; // E[x_t^2], averaged over t
    let cross = 0; // E[x_t x_s], averaged over ordered pairs t != s
    let first = 0;
    for (let seq = 0; seq < vocab ** L; seq++) {
      const tok: number[] = [];
      let pSeq = 1;
      for (let t = 0, q = seq; t < L; t++, q = Math.floor(q / vocab)) {
        tok.push(q % vocab);
        pSeq *= probs[q % vocab];
      }
      for (let signs = 0; signs < 1 << nEntries; signs++) {
        const entry = (i: number) => ((signs >> i) & 1 ? sigmaE : -sigmaE);
        const pre = tok.map((v, t) => entry(v) + entry(vocab + t) + entry(vocab + L + segment[t]));
        const pSigns = pSeq / (1 << nEntries);
        for (let mask = 0; mask < 1 << L; mask++) {
          let pMask = 1;
          const x = pre.map((e, t) => {
            const kept = (mask >> t) & 1;
            pMask *= kept ? 1 - dropout : dropout;
            return kept ? e / (1 - dropout) : 0;
          });
          const w = pSigns * pMask;
          for (let t = 0; t < L; t++) {
            first += (w * x[t]) / L;
            second += (w * x[t] ** 2) / L;
            for (let s = 0; s < L; s++) if (s !== t) cross += (w * x[t] * x[s]) / (L * (L - 1));
          }
        }
      }
    }
    const sameSegment = 4 / 12; // ordered pairs within {0,1} or {2,3}
    const m = embeddingMoments({
      tables: 3,
      sigmaE,
      dropout,
      pSameToken: unigramRepeatProbability(probs),
      pSamePosition: 0,
      pSameSegment: sameSegment,
    });
    // ~1e7 float64 additions: rounding alone reaches ~1e-12, a wrong formula is off by > 1e-3
    expect(Math.abs(first)).toBeLessThan(1e-10);
    expect(rel(second, m.variance)).toBeLessThan(1e-10);
    expect(rel(cross, m.tokenCovariance)).toBeLessThan(1e-10);
    expect(rel(cross / second, m.tokenCorrelation)).toBeLessThan(1e-10);
  });
});
