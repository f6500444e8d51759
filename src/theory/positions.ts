/** Token positions a per-position claim names: the first (attends only to itself under a causal mask), middle, last. */
export type Position = 'first' | 'middle' | 'last';

export const POSITIONS: readonly Position[] = ['first', 'middle', 'last'];

/** 0-based index of a named position in a sequence of L tokens. */
export function positionIndex(position: Position, L: number): number {
  if (position === 'first') return 0;
  return position === 'last' ? L - 1 : Math.floor((L - 1) / 2);
}

/** The token a per-position covariance pairs position i with: the next one (the last: the one before). */
export const neighbour = (i: number, L: number) => (i + 1 < L ? i + 1 : i - 1);
