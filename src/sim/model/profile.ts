import { compensatedSum } from '../../stats/sum.ts';
import { estimateMoment, type Estimate } from '../../stats/estimate.ts';
import type { PairMoments } from '../pairMoments.ts';
import type { ProfileReplicate } from './measure.ts';

/** Measured per-boundary profile of a model, each entry with its between-replicate standard error. */
export interface MeasuredProfile {
  variance: Estimate[];
  correlation: Estimate[];
  gradVariance: Estimate[];
  gradCorrelation: Estimate[];
  replicates: number;
}

/**
 * Jackknife over replicates of a smooth function of per-replicate means. Replicates are the
 * independent units (a replicate's tokens share its weights), so this is the between-replicate
 * error DESIGN.md asks for; for a plain mean it reproduces sd/sqrt(R) exactly, and for ratios and
 * log-slopes it is the delta method without writing out derivatives.
 */
export function jackknife(rows: readonly (readonly number[])[], stat: (means: number[]) => number): Estimate {
  const R = rows.length;
  if (R < 2) throw new Error('at least two replicates are needed for a standard error');
  const k = rows[0].length;
  const totals = Array.from({ length: k }, (_, j) => compensatedSum(rows.map((r) => r[j])));
  const value = stat(totals.map((t) => t / R));
  const leaveOut = rows.map((row) => stat(totals.map((t, j) => (t - row[j]) / (R - 1))));
  const mean = compensatedSum(leaveOut) / R;
  const spread = compensatedSum(leaveOut.map((v) => (v - mean) ** 2));
  return { value, stderr: Math.sqrt(((R - 1) / R) * spread) };
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
