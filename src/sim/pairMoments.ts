import { tf } from '../backend/tf.ts';
import { compensatedSum } from '../stats/sum.ts';

/**
 * One replicate's raw moments of an output `y`, shifted by a constant `c` shared by all replicates
 * (shifted sums keep variances exact when the mean is large):
 * mean of (y-c), mean of (y-c)^2, and mean over pairs of different positions along the grouping
 * axis (tokens, or features) of (y_t-c)(y_s-c).
 */
export interface PairMoments {
  shift: number;
  meanShifted: number;
  meanSquareShifted: number;
  pairProductShifted: number;
}

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

/** Turns the downloaded group sums of `groupSums` into a replicate's PairMoments, in float64. */
export function pairMomentsFromGroupSums(
  pieces: Float32Array[],
  groupSize: number,
  shift: number,
): PairMoments {
  const groups = pieces[0].length;
  const sums = new Float64Array(groups);
  const squares = new Float64Array(groups);
  for (let p = 0; p < pieces.length; p += 2) {
    const s = pieces[p];
    const q = pieces[p + 1];
    for (let i = 0; i < groups; i++) {
      sums[i] += s[i];
      squares[i] += q[i];
    }
  }
  const pairs = new Float64Array(groups);
  for (let i = 0; i < groups; i++) pairs[i] = sums[i] * sums[i] - squares[i];
  const count = groups * groupSize;
  return {
    shift,
    meanShifted: compensatedSum(sums) / count,
    meanSquareShifted: compensatedSum(squares) / count,
    pairProductShifted:
      groupSize > 1 ? compensatedSum(pairs) / (groups * groupSize * (groupSize - 1)) : Number.NaN,
  };
}

/** The mean of `y`, used once per simulation (on its first replicate) as the shared shift. */
export async function firstMoment(y: tf.Tensor): Promise<number> {
  const total = tf.tidy(() => tf.mean(y));
  const [value] = await total.data();
  total.dispose();
  return value;
}
