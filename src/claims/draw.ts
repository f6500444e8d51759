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
  // clamped: exp(log(max)) can round past max
  return fc
    .integer({ min: 0, max: STEPS })
    .map((i) => Math.min(max, Math.max(min, Math.exp(a + ((b - a) * i) / STEPS))));
}

/** Log-uniform integer on [min, max]. */
export function logInteger(min: number, max: number): fc.Arbitrary<number> {
  return logUniform(min, max + 1).map((v) => Math.min(max, Math.max(min, Math.floor(v))));
}
