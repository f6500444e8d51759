/**
 * Deterministic designs on the unit cube [0, 1]^k of a regime's free axes (0 = an axis's low end,
 * 1 = its high end, on the axis's own scale): what the search visits before it climbs.
 */
export type Point = readonly number[];

/** Every axis at its middle. */
export const centre = (k: number): Point => Array.from({ length: k }, () => 0.5);

/** One axis at a time at its low and its high end, the others at their middle (the centre is `centre`). */
export function edges(k: number): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < k; i++) {
    for (const end of [0, 1]) points.push(centre(k).map((v, j) => (j === i ? end : v)));
  }
  return points;
}

const bitCount = (n: number) => {
  let c = 0;
  for (let m = n; m; m &= m - 1) c++;
  return c;
};

/**
 * A two-level screening design for k factors, as levels -1/+1: the k columns 0..k-1 of the
 * Sylvester-Hadamard matrix of order n = 2^ceil(log2 k) (column 0 is the constant one; the others
 * are orthogonal to it and to each other), folded over (every run again with all signs flipped).
 * Folding turns the constant column into the fold indicator and the whole into a resolution IV
 * design of 2n runs (for 8 keys the 2^(8-4) design of 16 runs): it has strength 3, every three
 * factors meet in all 8 level combinations equally often, so a fault that needs three keys jointly
 * at an end is visited, and main effects are orthogonal and not aliased with two-factor
 * interactions. Where the full 2^k factorial is no larger, it is used instead.
 */
export function screeningDesign(k: number): number[][] {
  if (k === 0) return [];
  const n = 2 ** Math.ceil(Math.log2(k));
  if (2 ** k <= 2 * n) {
    return Array.from({ length: 2 ** k }, (_, run) =>
      Array.from({ length: k }, (_, j) => ((run >> j) & 1 ? 1 : -1)),
    );
  }
  const base = Array.from({ length: n }, (_, run) =>
    Array.from({ length: k }, (_, j) => (bitCount(run & j) % 2 ? -1 : 1)),
  );
  return [...base, ...base.map((row) => row.map((v) => -v))];
}

/** -1/+1 levels to the cube's ends. */
export const toCube = (levels: readonly number[]): Point => levels.map((v) => (v > 0 ? 1 : 0));

/**
 * All 2^m corners of the axes `keys` (indices), the other axes at `rest`'s values: the joint
 * corners of the keys that matter, with the remaining keys wherever the caller puts them (at
 * their worse extremes, in the search).
 */
export function corners(keys: readonly number[], rest: Point): Point[] {
  return Array.from({ length: 2 ** keys.length }, (_, run) => {
    const point = [...rest];
    keys.forEach((key, b) => (point[key] = (run >> b) & 1 ? 1 : 0));
    return point;
  });
}

/**
 * `count` points of a Kronecker (additive-recurrence) sequence with the generalised golden ratio
 * of dimension k, shifted by `shift` modulo 1, from its `from`-th point on (so a fill can be continued): a low-discrepancy fill of the interior, so a fault
 * away from every edge still has points near it. A random shift keeps the fill unbiased.
 */
export function spaceFilling(k: number, count: number, shift: Point, from = 0): Point[] {
  let phi = 2;
  for (let i = 0; i < 50; i++) phi = (1 + phi) ** (1 / (k + 1));
  const alpha = Array.from({ length: k }, (_, j) => (1 / phi ** (j + 1)) % 1);
  return Array.from({ length: count }, (_, i) => alpha.map((a, j) => (shift[j] + (from + i + 1) * a) % 1));
}
