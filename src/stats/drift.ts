import { normalQuantile } from './quantiles.ts';

/** A signed error (measured - predicted, in units of the claim's scale) with its standard error. */
export interface ScaledError {
  error: number;
  errorStderr: number;
}

/**
 * Two-sided normal critical value for `count` simultaneous tests at family-wise false-alarm
 * probability `familyAlpha` (Bonferroni). Each test compares two independent estimates whose
 * replicate counts are in the tens to thousands, so the normal is used rather than Student's t.
 */
export function familyCriticalValue(familyAlpha: number, count: number): number {
  return normalQuantile(1 - familyAlpha / (2 * Math.max(1, count)), 0, 1);
}

export interface Drift {
  /** error now minus error pinned */
  difference: number;
  /** z * sqrt(se_now^2 + se_pinned^2) + slack */
  allowed: number;
  moved: boolean;
}

/**
 * Whether a re-measured error moved from its pinned value by more than the two standard errors
 * allow: |e_now - e_pinned| > z * sqrt(se_now^2 + se_pinned^2) + slack. `slack` (units of scale)
 * is for differences that are not sampling noise, such as another engine's rounding.
 */
export function drift(now: ScaledError, pinned: ScaledError, z: number, slack = 0): Drift {
  const difference = now.error - pinned.error;
  const allowed = z * Math.hypot(now.errorStderr, pinned.errorStderr) + slack;
  return { difference, allowed, moved: !(Math.abs(difference) <= allowed) };
}
