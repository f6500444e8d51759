/**
 * Weight draws per replicate. Block moments average over weights as well as data, and at small
 * widths the weights dominate the spread: one draw per replicate left narrow layers undecided at
 * every budget. Up to this many consecutive sample chunks each get their own weights (a few more
 * 2-D products per replicate); replicates stay independent, so the standard error stays honest.
 */
export const WEIGHT_DRAWS = 16;

/** Consecutive sample ranges [first, first+size), one per weight draw (at most `maxDraws`). */
export function weightChunks(batch: number, maxDraws = WEIGHT_DRAWS): { first: number; size: number }[] {
  const count = Math.max(1, Math.min(batch, WEIGHT_DRAWS, Math.floor(maxDraws)));
  return Array.from({ length: count }, (_, i) => {
    const first = Math.floor((i * batch) / count);
    return { first, size: Math.floor(((i + 1) * batch) / count) - first };
  });
}
