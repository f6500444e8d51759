/**
 * xoshiro128** (Blackman and Vigna, 2018): a 128-bit-state generator of 32-bit words built from
 * shifts, rotations, xors and one Math.imul, so it runs at full speed in JS integer math. Passes
 * BigCrush; period 2^128 - 1. The state is four int32s, seeded from a string through a 128-bit
 * string hash and splitmix32 so that nearby seeds (replicate 7 and 8) give unrelated streams.
 */
export type State = Int32Array;

/** Next 32-bit output, as an int32, advancing `s` in place. */
export function nextInt32(s: State): number {
  const s0 = s[0];
  const s1 = s[1];
  const s2 = s[2];
  const s3 = s[3];
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9);
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  s[1] = s1 ^ n2;
  s[0] = s0 ^ n3;
  s[2] = n2 ^ t;
  s[3] = (n3 << 11) | (n3 >>> 21);
  return result;
}

/** State from a string: MurmurHash3-style mixing of the UTF-16 code units, then splitmix32. */
export function seedState(seed: string): State {
  let h1 = 0x6a09e667;
  let h2 = 0xbb67ae85 | 0;
  let h3 = 0x3c6ef372;
  let h4 = 0xa54ff53a | 0;
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  let x = (h1 ^ h2 ^ h3 ^ h4 ^ seed.length) | 0;
  const s = new Int32Array(4);
  const mixins = [h1, h2, h3, h4];
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x ^ mixins[i];
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    s[i] = z ^ (z >>> 15);
  }
  // the all-zero state is the one fixed point of xoshiro
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}
