/**
 * The sensitivity screen: which keys move a claim's error, and in which direction, from a
 * two-level design (design.ts) measured at a low replicate count.
 */
export interface Driver {
  /** the axis's name */
  key: string;
  /** mean signed error at the key's high end minus at its low end, in units of the claim's scale */
  effect: number;
  /** standard error of `effect` from the measurements' own standard errors */
  effectStderr: number;
}

/**
 * Main effects of a two-level design: for each key, the mean of the values at its high level
 * minus the mean at its low level. With the foldover design these are free of two-factor
 * interactions; with errors `stderrs` independent between runs, the effect's standard error is
 * sqrt(sum se^2 / n_high^2 + sum se^2 / n_low^2). Sorted by |effect| - 2 se, largest first: noise
 * differs by orders of magnitude across a regime, and a key whose high end is only noisier (a
 * variance over many correlated tokens) would otherwise outrank one that truly moves the error.
 */
export function mainEffects(
  keys: readonly string[],
  levels: readonly (readonly number[])[],
  values: readonly number[],
  stderrs: readonly number[],
): Driver[] {
  return keys
    .map((key, j) => {
      const side = (sign: number) => {
        const runs = levels.map((_, i) => i).filter((i) => Math.sign(levels[i][j]) === sign);
        const mean = runs.reduce((s, i) => s + values[i], 0) / runs.length;
        const variance = runs.reduce((s, i) => s + stderrs[i] ** 2, 0) / runs.length ** 2;
        return { mean, variance };
      };
      const high = side(1);
      const low = side(-1);
      return { key, effect: high.mean - low.mean, effectStderr: Math.sqrt(high.variance + low.variance) };
    })
    .sort((a, b) => Math.abs(b.effect) - 2 * b.effectStderr - (Math.abs(a.effect) - 2 * a.effectStderr));
}
