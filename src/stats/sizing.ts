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
