import { Neumaier } from './sum.ts';

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
  // one pass, no arrays: each group's sums over the pieces (in piece order, from 0), then
  // Neumaier's compensated sum (stats/sum.ts) over the groups of the sums, the squares and the
  // pairs, the same operations in the same order as summing three arrays, so the same values.
  // Allocating and re-reading the three arrays was a fifth of a causal hunt's time at standard
  // (14 observations of B*d groups each per replicate).
  const sums = new Neumaier();
  const squares = new Neumaier();
  const pairs = new Neumaier();
  for (let i = 0; i < groups; i++) {
    let sum = 0;
    let square = 0;
    for (let p = 0; p < pieces.length; p += 2) {
      sum += pieces[p][i];
      square += pieces[p + 1][i];
    }
    sums.add(sum);
    squares.add(square);
    pairs.add(sum * sum - square);
  }
  return pairMomentsFromTotals([sums.total(), squares.total(), pairs.total()], groups, groupSize, shift);
}

/**
 * PairMoments from the totals over `groups` groups of `groupSize` of the shifted group sums, their
 * squares and the pairs, sum_g (sum_t y_t)^2 - sum_t y_t^2 (as pairMomentsFromGroupSums adds them,
 * or the native reduction of backend/nativeMoments.ts).
 */
export function pairMomentsFromTotals(
  totals: ArrayLike<number>,
  groups: number,
  groupSize: number,
  shift: number,
): PairMoments {
  const [sums, squares, pairs] = [totals[0], totals[1], totals[2]];
  const count = groups * groupSize;
  return {
    shift,
    meanShifted: sums / count,
    meanSquareShifted: squares / count,
    pairProductShifted: groupSize > 1 ? pairs / (groups * groupSize * (groupSize - 1)) : Number.NaN,
  };
}
