import type { Claim } from './types.ts';

/**
 * A variant of a claim: another formula for the same statistic (same simulation, observation,
 * moment and scale), with id `<original>.<name>`. It runs in the same simulation as the original,
 * so `verify` and `check` give the variant's verdict and error beside the original's at the very
 * same draws. See docs/new-formula.md.
 */
export function variant<C>(
  original: Claim<C>,
  name: string,
  describe: string,
  predict: (config: C) => number,
  tolerance = 0,
): Claim<C> {
  return {
    ...original,
    id: `${original.id}.${name}`,
    describe: `${describe} (variant of ${original.id})`,
    variantOf: original.id,
    predict,
    tolerance,
  };
}

/** The claims with every variant placed right after its original, so reports list them side by side. */
export function withVariants<C>(claims: readonly Claim<C>[], variants: readonly Claim<C>[]): Claim<C>[] {
  return claims.flatMap((c) => [c, ...variants.filter((v) => v.variantOf === c.id)]);
}
