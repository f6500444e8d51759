import type { Estimate } from './estimate.ts';
import { compensatedSum } from './sum.ts';

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
