import seedrandom from 'seedrandom';

const TWO_POW_MINUS_32 = 2 ** -32;

/**
 * The generator before xoshiro128** + ziggurat, kept only so `npm run bench` can show draws/s
 * before and after. A seeded stream of uniforms and standard normals, drawn in JS so that every engine sees the
 * same numbers for the same seed (tfjs's own random ops also run in JS, but are slower and
 * backend-dependent). Uniforms come from seedrandom's xor128; normals use Marsaglia's polar
 * method, which needs no trigonometry.
 */
export class LegacyRandomStream {
  private readonly next: () => number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: string) {
    const prng = seedrandom.xor128(seed);
    this.next = () => prng.int32();
  }

  /** Uniform on (0, 1), never exactly 0 or 1. */
  uniform(): number {
    return ((this.next() >>> 0) + 0.5) * TWO_POW_MINUS_32;
  }

  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.next() * 2 * TWO_POW_MINUS_32;
      v = this.next() * 2 * TWO_POW_MINUS_32;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * factor;
    this.hasSpare = true;
    return u * factor;
  }

  /** Fills `out` with N(mean, std^2) draws. */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }
}
