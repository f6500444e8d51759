import { compensatedSum } from './sum.ts';

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
 * A replicate's PairMoments from per-group sums and sums of squares of the shifted output (as
 * `groupSums` in sim/pairMoments.ts downloads them: pairs of arrays, one pair per piece of a long
 * axis, one entry per group), in float64: sum_{t!=s} y_t y_s = (sum_t y_t)^2 - sum_t y_t^2.
 */
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
