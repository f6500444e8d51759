import { tf } from '../../backend/tf.ts';

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

/**
 * Runs each chunk's own map on its samples of x [B, L, d] and joins the results along the batch:
 * how a replicate applies its per-chunk weight draws.
 */
export function perChunk(
  parts: { chunk: { first: number; size: number }; map: (x: tf.Tensor3D) => tf.Tensor3D }[],
): (x: tf.Tensor3D) => tf.Tensor3D {
  if (parts.length === 1) return parts[0].map;
  return (x) =>
    tf.concat(
      parts.map(({ chunk, map }) =>
        map(tf.slice(x, [chunk.first, 0, 0], [chunk.size, -1, -1]) as tf.Tensor3D),
      ),
      0,
    ) as tf.Tensor3D;
}
