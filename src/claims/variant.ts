import type { Claim, Config } from './types.ts';

/**
 * A variant of a claim: another formula for the same statistic (same simulation, observation,
 * moment and scale), with id `<original>.<name>`. It runs in the same simulation as the original,
 * so `verify` and `check` give the variant's verdict and error beside the original's at the very
 * same draws. See docs/new-formula.md.
 */
export function variant(
  original: Claim,
  name: string,
  describe: string,
  predict: (config: Config) => number,
  tolerance = 0,
): Claim {
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
export function withVariants(claims: readonly Claim[], variants: readonly Claim[]): Claim[] {
  return claims.flatMap((c) => [c, ...variants.filter((v) => v.variantOf === c.id)]);
}
