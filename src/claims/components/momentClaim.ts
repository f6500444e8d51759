import type { Claim } from '../types.ts';

/**
 * One claim outside the five of standardClaims (a variant form, a block correlation): its id is
 * `<component>.<suffix>` and `scale` follows standardClaims' rule for its moment.
 */
export function momentClaim<C>(
  component: string,
  suffix: string,
  describe: string,
  observation: Claim['observation'],
  moment: Claim['moment'],
  predict: (c: C) => number,
  scale: (c: C) => number,
): Claim<C> {
  return {
    id: `${component}.${suffix}`,
    describe,
    component,
    observation,
    moment,
    predict,
    scale,
    tolerance: 0,
  };
}
