import fc from 'fast-check';

/**
 * Generators for config values. fast-check's own doubles are uniform over bit patterns, not
 * values, so reals are drawn on a fine integer grid instead; fast-check's bias toward small
 * integers then still visits both ends of every range.
 */
const STEPS = 1_000_000;

/** Uniform on [min, max]. */
export function uniform(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: STEPS }).map((i) => min + ((max - min) * i) / STEPS);
}

/** Log-uniform on [min, max], min > 0. */
export function logUniform(min: number, max: number): fc.Arbitrary<number> {
  const a = Math.log(min);
  const b = Math.log(max);
  return fc.integer({ min: 0, max: STEPS }).map((i) => Math.exp(a + ((b - a) * i) / STEPS));
}

/** Log-uniform integer on [min, max]. */
export function logInteger(min: number, max: number): fc.Arbitrary<number> {
  return logUniform(min, max + 1).map((v) => Math.min(max, Math.max(min, Math.floor(v))));
}

/** Correlations as the reference grids use them: 0 up to 0.95. */
export const correlation = () => uniform(0, 0.95);
/** Stds as the reference grids use them: 0.3 to 3.2, log-uniform. */
export const std = () => logUniform(0.3, 3.2);

/** Input and upstream-gradient statistics as the reference grids draw them (section 1's x and g). */
export const inputAndGradient = () => ({
  sigmaX: std(),
  rX: correlation(),
  sigmaG: std(),
  rG: correlation(),
});
