import type { Budget } from './budget.ts';

/**
 * Replicates a measurement would need for its resolution (critical * stderr / scale) to reach
 * `precision`, extrapolated from one look: the standard error shrinks as 1/sqrt(R). The critical
 * value also falls a little with more replicates (more degrees of freedom, a larger share of
 * alpha at later looks), so this errs high by at most that factor squared (about 1.3 from 128 to
 * 1024 replicates at standard).
 */
export function replicatesFor(
  look: { replicates: number; stderr: number; critical: number },
  scale: number,
  precision: number,
): number {
  const resolution = (look.critical * look.stderr) / Math.abs(scale);
  return Math.ceil(look.replicates * (resolution / precision) ** 2);
}

/**
 * The replicate cap of one config: the budget allows maxReplicates replicates of replicateElements
 * elements each. A config whose single sample is larger than a replicate's share (long-sequence
 * attention: L^2 probabilities a head) gets proportionally fewer replicates, down to the first
 * look, so no config costs more than the budget's work; the doubling schedule and the alpha
 * spending use the reduced cap, so the false-alarm budget still holds.
 */
export function replicateCap(budget: Budget, batch: number, elementsPerSample: number): number {
  const allowed = (budget.maxReplicates * budget.replicateElements) / (batch * elementsPerSample);
  const doublings = Math.floor(Math.log2(Math.max(1, allowed / budget.initialReplicates)));
  return Math.min(budget.maxReplicates, budget.initialReplicates * 2 ** doublings);
}
