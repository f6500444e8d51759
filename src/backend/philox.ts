/**
 * Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC 2011; the Random123 library): a counter-based generator. Block n of a stream is a pure
 * function of (counter, key), so a GPU thread computes its own block with no state shared with
 * any other thread, and the device and this JS reference produce the same 32-bit words.
 *
 * How sigprop lays out counters (the WebGPU kernel in philoxWebgpu.ts does the same):
 *  - key (k0, k1): 64 bits hashed from the replicate's seed string (`philoxKey`), so replicates,
 *    whose seeds differ, use different keys;
 *  - counter (block, stream, lane, 0): `block` numbers the groups of 4 words of one draw, `stream`
 *    numbers the draws of one replicate in the order they are made (one per tensor drawn), and
 *    `lane` separates the two sets of normals of the correlated token sampler (0: each token's own
 *    term, 1: the shared factor of its column).
 * This JS version is the reference the kernel is tested against bit for bit (test/philox.test.ts),
 * and a CPU implementation of the same draws.
 */

export const PHILOX_M0 = 0xd2511f53;
export const PHILOX_M1 = 0xcd9e8d57;
export const PHILOX_W0 = 0x9e3779b9;
export const PHILOX_W1 = 0xbb67ae85;

/** Lanes of the counter's third word. */
export const LANE_OWN = 0;
export const LANE_SHARED = 1;

/** High 32 bits of the 64-bit product of two uint32s, in exact float64 pieces of 16 bits. */
function mulhi(a: number, b: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const ll = aL * bL;
  const lh = aL * bH;
  const hl = aH * bL;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aH * bH + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * One Philox4x32-10 block: ten rounds of two 32x32->64 multiplies, the key bumped by the Weyl
 * constants between rounds. Writes 4 uint32 words into `out` (at `at`) and returns it.
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array = new Uint32Array(4),
  at = 0,
): Uint32Array {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      key0 = (key0 + PHILOX_W0) >>> 0;
      key1 = (key1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulhi(PHILOX_M0, x0);
    const lo0 = Math.imul(PHILOX_M0, x0) >>> 0;
    const hi1 = mulhi(PHILOX_M1, x2);
    const lo1 = Math.imul(PHILOX_M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
  }
  out[at] = x0;
  out[at + 1] = x1;
  out[at + 2] = x2;
  out[at + 3] = x3;
  return out;
}

export interface PhiloxKey {
  k0: number;
  k1: number;
}

/** MurmurHash3's 32-bit finaliser: every input bit reaches every output bit. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The 64-bit key of a replicate seed: two FNV-1a hashes of its UTF-16 code units (different
 * offsets), each finalised. Seeds of nearby replicates ("...|7", "...|8") get unrelated keys.
 */
export function philoxKey(seed: string): PhiloxKey {
  let h0 = 0x811c9dc5;
  let h1 = 0x050c5d1f;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h0 = Math.imul(h0 ^ c, 0x01000193);
    h1 = Math.imul(h1 ^ c, 0x01000193) ^ (h0 >>> 15);
  }
  return { k0: fmix32(h0 ^ seed.length), k1: fmix32(h1 + 0x6a09e667) };
}

/** Words 0..count-1 of (key, stream, lane): word n is word n%4 of block n>>2. */
export function philoxWords(key: PhiloxKey, stream: number, lane: number, count: number): Uint32Array {
  const out = new Uint32Array(Math.ceil(count / 4) * 4);
  for (let block = 0; block * 4 < count; block++)
    philox4x32(block, stream, lane, 0, key.k0, key.k1, out, block * 4);
  return out.subarray(0, count);
}

/** A word's top 23 bits as a uniform on (0, 1): (w>>9 + 1/2) 2^-23, exact in float32. */
export function unitOf(word: number): number {
  return ((word >>> 9) + 0.5) * 2 ** -23;
}

/**
 * Box-Muller on a block's words: (w0, w1) give normals 0 and 1 (cos, sin), (w2, w3) normals 2 and
 * 3. The angle is 2 pi u - pi, in [-pi, pi], where WGSL's sin and cos carry their error bound.
 * Float64 here; the kernel computes the same expression in float32.
 */
export function boxMuller(words: ArrayLike<number>, at: number, out: Float64Array, to: number): void {
  for (let pair = 0; pair < 2; pair++) {
    const r = Math.sqrt(-2 * Math.log(unitOf(words[at + 2 * pair])));
    const theta = 2 * Math.PI * unitOf(words[at + 2 * pair + 1]) - Math.PI;
    out[to + 2 * pair] = r * Math.cos(theta);
    out[to + 2 * pair + 1] = r * Math.sin(theta);
  }
}

/** Standard normals 0..count-1 of (key, stream, lane), in float64. */
export function philoxNormals(key: PhiloxKey, stream: number, lane: number, count: number): Float64Array {
  const words = philoxWords(key, stream, lane, Math.ceil(count / 4) * 4);
  const out = new Float64Array(words.length);
  for (let at = 0; at < words.length; at += 4) boxMuller(words, at, out, at);
  return out.subarray(0, count);
}

/** The uint32 threshold of a keep probability: keep when word < threshold, P = threshold / 2^32. */
export function keepThreshold(keep: number): number {
  return Math.min(Math.max(Math.floor(keep * 2 ** 32), 0), 0xffffffff);
}

/** Inverted-dropout mask from words of (key, stream, 0): 1/(1-p) where kept, else 0. */
export function philoxDropoutMask(
  key: PhiloxKey,
  stream: number,
  count: number,
  dropout: number,
): Float32Array {
  const words = philoxWords(key, stream, LANE_OWN, count);
  const threshold = keepThreshold(1 - dropout);
  const scale = 1 / (1 - dropout);
  const out = new Float32Array(count);
  for (let n = 0; n < count; n++) out[n] = words[n] < threshold ? scale : 0;
  return out;
}

/**
 * The correlated token sampler of sampler.ts on Philox draws: x = mean + std (sqrt(r) z0[b,f] +
 * sqrt(1-r) z[b,t,f]), z from lane 0 at the element's index in the chosen layout, z0 from lane 1
 * at b*features + f. Float64, rounded once to float32.
 */
export function philoxTokens(
  key: PhiloxKey,
  stream: number,
  shape: { batch: number; seqLen: number; features: number },
  dist: { mean: number; std: number; tokenCorrelation: number },
  innermost: 'features' | 'tokens',
): Float32Array {
  const { batch, seqLen, features } = shape;
  const size = batch * seqLen * features;
  const own = philoxNormals(key, stream, LANE_OWN, size);
  const shared = philoxNormals(key, stream, LANE_SHARED, batch * features);
  const sharedWeight = dist.std * Math.sqrt(dist.tokenCorrelation);
  const ownWeight = dist.std * Math.sqrt(1 - dist.tokenCorrelation);
  const out = new Float32Array(size);
  for (let o = 0; o < size; o++) {
    out[o] =
      dist.mean + sharedWeight * shared[sharedIndex(o, seqLen, features, innermost)] + ownWeight * own[o];
  }
  return out;
}

/** b*features + f of element o: [b, f, t] when tokens are innermost, [b, t, f] otherwise. */
export function sharedIndex(
  o: number,
  seqLen: number,
  features: number,
  innermost: 'features' | 'tokens',
): number {
  if (innermost === 'tokens') return Math.floor(o / seqLen);
  const b = Math.floor(o / (seqLen * features));
  return b * features + (o % features);
}
