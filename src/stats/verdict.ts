import { tQuantile } from './quantiles.ts';
import { alphaAtLook } from './spending.ts';

export type Verdict = 'holds' | 'deviates' | 'inconclusive';

export interface Comparison {
  predicted: number;
  measured: number;
  stderr: number;
  /** declared relative approximation error of the formula; 0 for exact-in-expectation claims */
  tolerance: number;
  /** the size against which precision is judged (the predicted variance for near-zero claims) */
  scale: number;
}

export interface Decision {
  verdict: Verdict;
  /** |m - p| / scale */
  relError: number;
  /** critical value times standard error, relative to scale: the error this measurement could see */
  resolution: number;
}

/**
 * DESIGN.md's rule. `deviates` when the gap exceeds what noise and the declared tolerance allow;
 * `holds` only when, in addition, the measurement was precise enough to have caught an error of
 * `precision` (relative to scale); otherwise not yet decided.
 */
export function decide(c: Comparison, critical: number, precision: number): Decision {
  const gap = Math.abs(c.measured - c.predicted);
  const allowed = critical * c.stderr + c.tolerance * Math.abs(c.predicted);
  const relError = gap / c.scale;
  const resolution = (critical * c.stderr) / c.scale;
  // a non-finite prediction (a formula outside its domain) can never be confirmed
  if (
    !Number.isFinite(c.measured) ||
    !Number.isFinite(c.stderr) ||
    !Number.isFinite(c.predicted) ||
    gap > allowed
  ) {
    return { verdict: 'deviates', relError, resolution };
  }
  return { verdict: resolution <= precision ? 'holds' : 'inconclusive', relError, resolution };
}

/** Where in the adaptive schedule a look stands (budget.ts). */
export interface Look {
  replicates: number;
  initialReplicates: number;
  maxReplicates: number;
}

/**
 * Two-sided critical value for one comparison at one look: the family-wise false-alarm budget is
 * split (Bonferroni) over every comparison of the run, and each comparison's share is spent over
 * the adaptive looks by the group-sequential spending function of spending.ts, so that the chance
 * of a false `deviates` at any look of the run stays within `familyAlpha`. The standard error is
 * itself estimated from R replicates, so Student's t with R-1 degrees of freedom is used rather
 * than the normal.
 */
export function criticalValue(familyAlpha: number, comparisons: number, look: Look): number {
  const perComparison = familyAlpha / Math.max(1, comparisons);
  const alpha = alphaAtLook(perComparison, look.replicates, look.initialReplicates, look.maxReplicates);
  return tQuantile(1 - alpha / 2, look.replicates - 1);
}
