import type { PairMoments } from './pairMoments.ts';
import { compensatedSum } from './sum.ts';

/** A measured value with its standard error across replicates. */
export interface Estimate {
  value: number;
  stderr: number;
}

export type Moment = 'mean' | 'variance' | 'covariance';

const average = (values: number[]) => compensatedSum(values) / values.length;

function sampleVariance(values: number[]): number {
  const m = average(values);
  return compensatedSum(values.map((v) => (v - m) ** 2)) / (values.length - 1);
}

/**
 * Population moments over data and weights from R independent replicates.
 * With A_r = mean(y-c), B_r = mean((y-c)^2), P_r = mean over pairs of (y_t-c)(y_s-c):
 *   mean       = c + mean(A)
 *   variance   = mean(B) - [mean(A)^2 - s2_A/R]       (the bracket is unbiased for (mu-c)^2)
 *   covariance = mean(P) - [mean(A)^2 - s2_A/R]
 * Standard errors come from the delta method on between-replicate spread only (pseudo-values
 * B_r - 2 mean(A) A_r): values within one replicate share weights and token factors, so their
 * spread would understate the error.
 */
export function estimateMoment(replicates: PairMoments[], moment: Moment): Estimate {
  const count = replicates.length;
  if (count < 2) throw new Error('at least two replicates are needed for a standard error');
  const shift = replicates[0].shift;
  const a = replicates.map((r) => r.meanShifted);
  const meanA = average(a);
  if (moment === 'mean') return { value: shift + meanA, stderr: Math.sqrt(sampleVariance(a) / count) };
  const second = replicates.map((r) => (moment === 'variance' ? r.meanSquareShifted : r.pairProductShifted));
  const squaredMeanOffset = meanA ** 2 - sampleVariance(a) / count;
  const pseudo = second.map((b, i) => b - 2 * meanA * a[i]);
  return { value: average(second) - squaredMeanOffset, stderr: Math.sqrt(sampleVariance(pseudo) / count) };
}
