/**
 * The tensor half of a replicate's pair moments: group sums reduced inside the engine, in pieces
 * small enough for float32 (stats/pairMoments.ts turns the downloaded sums into moments, in float64).
 */
import { tf } from '../backend/tf.ts';

/**
 * Largest group reduced inside tfjs in one go: float32 sums of at most ~1024 terms stay accurate
 * to ~1e-6 relative on every engine; longer axes are split and the pieces added in float64.
 */
const MAX_GROUP_REDUCTION = 1024;

/**
 * Reduces `y` ([batch, seqLen, features]) inside the engine to per-group sums along `axis`
 * (1 = tokens, 2 = features), returning the small tensors to download. Group sums are what make
 * the pair statistic O(n): sum_{t!=s} y_t y_s = (sum_t y_t)^2 - sum_t y_t^2.
 */
export function groupSums(y: tf.Tensor3D, axis: 1 | 2, shift: number): tf.Tensor[] {
  const size = y.shape[axis];
  // engines reduce the innermost axis and transpose any other one first, once per sum; moving the
  // token axis innermost once serves both sums (the same transposed data, so the same results)
  const centred = axis === 2 ? tf.sub(y, shift) : tf.transpose(tf.sub(y, shift), [0, 2, 1]);
  const pieces = size <= MAX_GROUP_REDUCTION ? [centred] : tf.split(centred, chunkSizes(size), 2);
  return pieces.flatMap((piece) => [tf.sum(piece, 2), tf.sum(tf.square(piece), 2)]);
}

function chunkSizes(size: number): number[] {
  const chunks = Math.ceil(size / MAX_GROUP_REDUCTION);
  const base = Math.floor(size / chunks);
  return Array.from({ length: chunks }, (_, i) => base + (i < size % chunks ? 1 : 0));
}

/** The mean of `y`, used once per simulation (on its first replicate) as the shared shift. */
export async function firstMoment(y: tf.Tensor): Promise<number> {
  const total = tf.tidy(() => tf.mean(y));
  const [value] = await total.data();
  total.dispose();
  return value;
}
