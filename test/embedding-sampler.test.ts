import { describe, expect, it } from 'vitest';
import {
  sameSegmentProbability,
  sampleZipfTokens,
  segmentOf,
  zipfCdf,
} from '../src/sim/components/embedding.ts';
import { weightChunks } from '../src/sim/components/chunks.ts';
import { RandomStream } from '../src/sim/random.ts';
import { unigramRepeatProbability, zipfProbabilities } from '../src/theory/embedding.ts';

describe('Zipf token sampler', () => {
  const vocab = 50;
  const exponent = 1.1;
  const n = 200_000;
  const tokens = sampleZipfTokens(n, zipfCdf(vocab, exponent), new RandomStream('zipf'));
  const p = zipfProbabilities(vocab, exponent);

  it('draws every id with its Zipf probability (each frequency within 5 binomial standard errors)', () => {
    const counts = new Float64Array(vocab);
    for (const t of tokens) counts[t]++;
    for (let v = 0; v < vocab; v++) {
      const se = Math.sqrt((p[v] * (1 - p[v])) / n);
      expect(Math.abs(counts[v] / n - p[v]), `id ${v}`).toBeLessThan(5 * se);
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n); // every id in [0, vocab)
  });

  it('two independent draws repeat with probability sum p_v^2', () => {
    let same = 0;
    for (let i = 0; i + 1 < n; i += 2) if (tokens[i] === tokens[i + 1]) same++;
    const pairs = n / 2;
    const q = unigramRepeatProbability(p);
    expect(Math.abs(same / pairs - q)).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / pairs));
  });

  it('a one-word vocabulary always repeats', () => {
    expect(Array.from(sampleZipfTokens(10, zipfCdf(1, 1), new RandomStream('one')))).toEqual(
      new Array(10).fill(0),
    );
  });
});

describe('segments and weight chunks', () => {
  it('P(same segment) matches counting pairs of different positions', () => {
    for (const L of [2, 3, 7, 64, 129]) {
      let same = 0;
      for (let t = 0; t < L; t++)
        for (let s = 0; s < L; s++) if (t !== s && segmentOf(t, L) === segmentOf(s, L)) same++;
      expect(sameSegmentProbability(L)).toBeCloseTo(same / (L * (L - 1)), 12);
    }
  });

  it('weight chunks cover the batch exactly once', () => {
    for (const batch of [1, 5, 16, 17, 1000]) {
      const chunks = weightChunks(batch);
      expect(chunks.reduce((n, c) => n + c.size, 0)).toBe(batch);
      chunks.forEach((c, i) => expect(c.first).toBe(i === 0 ? 0 : chunks[i - 1].first + chunks[i - 1].size));
      expect(chunks.every((c) => c.size > 0)).toBe(true);
    }
  });
});
