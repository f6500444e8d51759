import { jackknife } from '../../stats/jackknife.ts';
import { estimateMoment, type Estimate } from '../../stats/estimate.ts';
import type { PairMoments } from '../../stats/pairMoments.ts';
import type { ProfileReplicate } from './measure.ts';

/** Measured per-boundary profile of a model, each entry with its between-replicate standard error. */
export interface MeasuredProfile {
  variance: Estimate[];
  correlation: Estimate[];
  gradVariance: Estimate[];
  gradCorrelation: Estimate[];
  replicates: number;
}

/** Token correlation Cov/Var with the mean removed, as a function of (A, B, P) means. */
const correlationOf = ([a, b, p]: number[]) => (p - a * a) / (b - a * a);

function correlationEstimate(moments: PairMoments[]): Estimate {
  return jackknife(
    moments.map((m) => [m.meanShifted, m.meanSquareShifted, m.pairProductShifted]),
    correlationOf,
  );
}

export function measuredProfile(replicates: readonly ProfileReplicate[]): MeasuredProfile {
  const boundaries = replicates[0].stream.length;
  const at = (which: 'stream' | 'gradient', i: number) => replicates.map((r) => r[which][i]);
  const each = <T>(f: (i: number) => T) => Array.from({ length: boundaries }, (_, i) => f(i));
  return {
    variance: each((i) => estimateMoment(at('stream', i), 'variance')),
    correlation: each((i) => correlationEstimate(at('stream', i))),
    gradVariance: each((i) => estimateMoment(at('gradient', i), 'variance')),
    gradCorrelation: each((i) => correlationEstimate(at('gradient', i))),
    replicates: replicates.length,
  };
}
