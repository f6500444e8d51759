import { tf } from '../../backend/tf.ts';
import { unigramRepeatProbability, zipfProbabilities, type EmbeddingConfig } from '../../theory/embedding.ts';
import type { RandomStream } from '../random.ts';
import { sampleDropoutMask } from '../sampler.ts';
import type { Simulator } from '../simulator.ts';
import { weightChunks } from './chunks.ts';

/**
 * FORMULAS.md 4 as a simulation: `tables` summed tables (1 = word, 2 = + position, 3 = + segment),
 * tokens i.i.d. from a Zipf unigram over `vocab` ids, and two segments splitting each sample at
 * floor(L/2) (a BERT sentence pair), then inverted dropout.
 */
export interface EmbeddingSimConfig {
  tables: number;
  sigmaE: number;
  dropout: number;
  vocab: number;
  /** Zipf exponent s: p_v proportional to v^-s */
  zipfExponent: number;
  seqLen: number;
  d: number;
}

/** Cumulative Zipf probabilities, for inverse-CDF sampling. */
export function zipfCdf(vocab: number, exponent: number): Float64Array {
  const p = zipfProbabilities(vocab, exponent);
  const cdf = new Float64Array(vocab);
  let total = 0;
  for (let v = 0; v < vocab; v++) cdf[v] = total += p[v];
  cdf[vocab - 1] = 1;
  return cdf;
}

/** `count` i.i.d. token ids (0-based ranks) by binary search of one uniform in the CDF. */
export function sampleZipfTokens(count: number, cdf: Float64Array, random: RandomStream): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const u = random.uniform();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return out;
}

/** Segment of position t: 0 before floor(L/2), 1 from there on. */
export const segmentOf = (t: number, seqLen: number) => (t < Math.floor(seqLen / 2) ? 0 : 1);

/** P(two different positions of one sample share a segment) under `segmentOf`. */
export function sameSegmentProbability(seqLen: number): number {
  const a = Math.floor(seqLen / 2);
  const b = seqLen - a;
  return (a * (a - 1) + b * (b - 1)) / (seqLen * (seqLen - 1));
}

/** The theory's inputs for a simulated config: repeat probabilities of each table's index. */
export function embeddingTheoryConfig(c: EmbeddingSimConfig): EmbeddingConfig {
  return {
    tables: c.tables,
    sigmaE: c.sigmaE,
    dropout: c.dropout,
    pSameToken: unigramRepeatProbability(zipfProbabilities(c.vocab, c.zipfExponent)),
    pSamePosition: 0,
    pSameSegment: c.tables >= 3 ? sameSegmentProbability(c.seqLen) : 0,
  };
}

/**
 * Each weight chunk of a replicate (weightChunks) draws fresh tables. Word rows are drawn lazily, on first use
 * of each id: identical in distribution to drawing the whole vocabulary, at the cost of the ids
 * actually seen.
 */
export const embeddingSimulator: Simulator<EmbeddingSimConfig> = {
  key: 'embedding',
  observations: ['output'],
  elementsPerSample: (c) => c.seqLen * c.d,
  replicate(c, random, batch) {
    const { seqLen: L, d } = c;
    const cdf = zipfCdf(c.vocab, c.zipfExponent);
    const out = new Float32Array(batch * L * d);
    for (const chunk of weightChunks(batch)) {
      const tokens = sampleZipfTokens(chunk.size * L, cdf, random);
      const rows = new Map<number, Float32Array>();
      const row = (id: number) => {
        let r = rows.get(id);
        if (!r) rows.set(id, (r = random.fillNormal(new Float32Array(d), 0, c.sigmaE)));
        return r;
      };
      const positions = c.tables >= 2 ? random.fillNormal(new Float32Array(L * d), 0, c.sigmaE) : undefined;
      const segments = c.tables >= 3 ? random.fillNormal(new Float32Array(2 * d), 0, c.sigmaE) : undefined;
      for (let i = 0; i < chunk.size * L; i++) {
        const t = i % L;
        const word = row(tokens[i]);
        const base = (chunk.first * L + i) * d;
        for (let f = 0; f < d; f++) {
          let v = word[f];
          if (positions) v += positions[t * d + f];
          if (segments) v += segments[segmentOf(t, L) * d + f];
          out[base + f] = v;
        }
      }
    }
    const mask = sampleDropoutMask(out.length, c.dropout, random);
    const output = tf.mul(tf.tensor3d(out, [batch, L, d]), tf.tensor3d(mask, [batch, L, d])) as tf.Tensor3D;
    return { output: { tensor: output, axis: 1 } };
  },
};
