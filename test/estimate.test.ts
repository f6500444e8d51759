import { describe, expect, it } from 'vitest';
import { pairMomentsFromGroupSums, type PairMoments } from '../src/stats/pairMoments.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleTokens } from '../src/sim/sampler.ts';
import { estimateMoment, type Moment } from '../src/stats/estimate.ts';
import { compensatedSum } from '../src/stats/sum.ts';

/** One replicate of known moments: tokens with mean 5, variance 4, token covariance 0.5*4. */
function replicate(seed: string, shift: number): PairMoments {
  const batch = 40,
    seqLen = 5,
    features = 3;
  const x = sampleTokens(
    { batch, seqLen, features },
    { mean: 5, std: 2, tokenCorrelation: 0.5 },
    new RandomStream(seed),
  );
  const sums = new Float32Array(batch * features);
  const squares = new Float32Array(batch * features);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < seqLen; t++)
      for (let f = 0; f < features; f++) {
        const v = x[(b * seqLen + t) * features + f] - shift;
        sums[b * features + f] += v;
        squares[b * features + f] += v * v;
      }
  return pairMomentsFromGroupSums([sums, squares], seqLen, shift);
}

describe('estimates and standard errors on a known distribution', () => {
  const truth: Record<Moment, number> = { mean: 5, variance: 4, covariance: 2 };
  const experiments = 400;
  const replicates = 12;
  // a shift far from the mean exercises the shifted-sum algebra and its bias correction
  const runs = Array.from({ length: experiments }, (_, e) =>
    Array.from({ length: replicates }, (_, r) => replicate(`est-${e}-${r}`, 3)),
  );

  for (const moment of ['mean', 'variance', 'covariance'] as const) {
    it(`${moment}: unbiased, and the reported standard error matches the spread of the estimates`, () => {
      const estimates = runs.map((reps) => estimateMoment(reps, moment));
      const values = estimates.map((e) => e.value);
      const average = compensatedSum(values) / experiments;
      const spread = Math.sqrt(compensatedSum(values.map((v) => (v - average) ** 2)) / (experiments - 1));
      const meanReportedSe = Math.sqrt(compensatedSum(estimates.map((e) => e.stderr ** 2)) / experiments);
      // bias within 4 standard errors of the average of 400 estimates
      expect(Math.abs(average - truth[moment])).toBeLessThan((4 * spread) / Math.sqrt(experiments));
      // the spread of a standard deviation from 400 draws is ~3.5%; allow 15%
      expect(meanReportedSe / spread).toBeGreaterThan(0.85);
      expect(meanReportedSe / spread).toBeLessThan(1.15);
    });
  }

  it('needs at least two replicates', () => {
    expect(() => estimateMoment([replicate('one', 0)], 'mean')).toThrow(/two replicates/);
  });
});
