import { loadNative, type NativeAddon } from '../backend/native.ts';
import { philoxKey, type PhiloxKey } from '../backend/philox.ts';
import { nextInt32, seedState, type State } from './xoshiro.ts';
import { F, K_INT, W, ZIGGURAT_R } from './ziggurat.ts';

const TWO_POW_MINUS_32 = 2 ** -32;

/**
 * The native addon's copies of the two hot loops below (native/sigprop.c): the same operations
 * in the same order, so they write the same values and leave the same state, 5-8x faster
 * (bench/RESULTS.md). Below NATIVE_MIN_DRAWS a call costs more than the loop it saves.
 */
let native: NativeAddon | undefined | null = null;
const NATIVE_MIN_DRAWS = 64;

function nativeLoops(): NativeAddon | undefined {
  if (native === null) {
    const addon = loadNative();
    native = typeof addon === 'string' ? undefined : addon;
  }
  return native;
}

/** Tests and benchmarks: run the JS loops (false) or the native ones where built (true). */
export function useNativeRandom(enabled: boolean): void {
  native = enabled ? null : undefined;
}
const INV_R = 1 / ZIGGURAT_R;

/** |x| of an int32 in integer arithmetic (|x| < 2^31 here: positions are 25-bit). */
function abs32(x: number): number {
  const sign = x >> 31;
  return (x ^ sign) - sign;
}

/**
 * A seeded stream of uniforms and standard normals, drawn in JS so that every engine sees the
 * same numbers for the same seed (tfjs's own random ops also run in JS, but are slower and
 * backend-dependent). Uniforms come from xoshiro128**; normals from a 128-layer ziggurat, which
 * needs one 32-bit word, a table lookup and a multiply for ~99% of draws (no log or sqrt).
 * Drawing dominated simulation time with seedrandom + the polar method (bench/profile.ts).
 */
export class RandomStream {
  /** words for uniforms and for the ziggurat's first try at each normal */
  private readonly main: State;
  /** words for the rare ziggurat rejections and tail draws, so they never interleave with `main` */
  private readonly aux: State;
  /** (index, word, column) of the draws a `fillColumns` pass left to the slow path */
  private pending: Int32Array = new Int32Array(384);
  /** `fillNormal`'s single shift, kept to spare an allocation per call */
  private readonly mean = new Float64Array(1);

  /** the Philox key of `seed` (device draws), computed on first use */
  private key: PhiloxKey | undefined;
  /** device draws made so far: the next one's Philox stream number */
  private deviceDraws = 0;

  constructor(readonly seed: string) {
    this.main = seedState(seed);
    this.aux = seedState(`${seed}|ziggurat-aux`);
  }

  /**
   * The Philox key and stream of the next draw made on the device (philox.ts): one stream per
   * tensor, numbered in the order a replicate draws them, as the JS draws follow one another.
   */
  nextDeviceDraw(): { key: PhiloxKey; stream: number } {
    this.key ??= philoxKey(this.seed);
    return { key: this.key, stream: this.deviceDraws++ };
  }

  /** Next raw 32-bit word, as an int32. */
  int32(): number {
    return nextInt32(this.main);
  }

  /** Uniform on (0, 1), never exactly 0 or 1. */
  uniform(): number {
    return ((nextInt32(this.main) >>> 0) + 0.5) * TWO_POW_MINUS_32;
  }

  private auxUniform(): number {
    return ((nextInt32(this.aux) >>> 0) + 0.5) * TWO_POW_MINUS_32;
  }

  normal(): number {
    const word = nextInt32(this.main);
    const i = word & 127;
    const position = word >> 7;
    if (abs32(position) < K_INT[i]) return position * W[i];
    return this.normalSlow(position, i);
  }

  /**
   * The ~1% of ziggurat draws outside a layer's rectangle core: the wedge test against the
   * density, or the tail beyond R by Marsaglia's exponential method. Every word it needs comes
   * from `aux`.
   */
  private normalSlow(position: number, i: number): number {
    for (;;) {
      if (i === 0) {
        let x: number;
        let y: number;
        do {
          x = -Math.log(this.auxUniform()) * INV_R;
          y = -Math.log(this.auxUniform());
        } while (y + y < x * x);
        return position > 0 ? ZIGGURAT_R + x : -ZIGGURAT_R - x;
      }
      const x = position * W[i];
      if (F[i] + this.auxUniform() * (F[i - 1] - F[i]) < Math.exp(-0.5 * x * x)) return x;
      const word = nextInt32(this.aux);
      i = word & 127;
      position = word >> 7;
      if (abs32(position) < K_INT[i]) return position * W[i];
    }
  }

  /**
   * Fills `out` with N(mean, std^2) draws, each computed in float64 and rounded once to float32;
   * equal to repeated `normal()` calls, scaled.
   */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    this.mean[0] = mean;
    return this.fillColumns(out, this.mean, std, 0, out.length, 0, 1);
  }

  /**
   * The hot loop of every simulation. Fills shifts.length columns of `length` values each,
   * column c at out[first + c*columnStep + t*step] (t < length) with shifts[c] + std * z for
   * standard normals z, drawn column after column: one mean per column of correlated tokens in
   * either layout, or a single column for plain draws. The shift is read once per column (a load
   * per draw cost a third of the speed) and each value is computed in float64 and rounded once,
   * on its store to float32. xoshiro128** is inlined with its state in locals. The ~1% of draws
   * that miss a layer's core are only noted in the loop and finished afterwards from the
   * auxiliary stream (keeping a call out of the loop lets V8 keep the state in registers: ~2x),
   * so z equals repeated `normal()` calls.
   */
  fillColumns(
    out: Float32Array,
    shifts: Float64Array,
    std: number,
    first: number,
    length: number,
    columnStep: number,
    step: number,
  ): Float32Array {
    const draws = shifts.length * length;
    const loops = draws >= NATIVE_MIN_DRAWS ? nativeLoops() : undefined;
    if (loops) {
      // ~1.2% of draws miss; room for 2.6x that plus slack makes the JS fallback (-1) a formality
      this.reservePending(3 * (Math.ceil(draws / 32) + 1024));
      const missed = loops.fillColumns(
        this.main,
        out,
        shifts,
        K_INT,
        W,
        std,
        first,
        length,
        columnStep,
        step,
        this.pending,
      );
      if (missed >= 0) return this.finishPending(out, shifts, std, missed);
    }
    const s = this.main;
    const k = K_INT;
    const w = W;
    let s0 = s[0];
    let s1 = s[1];
    let s2 = s[2];
    let s3 = s[3];
    let pending = this.pending;
    let missed = 0;
    for (let c = 0; c < shifts.length; c++) {
      const shift = shifts[c];
      const start = first + c * columnStep;
      const end = start + length * step;
      for (let n = start; n !== end; n += step) {
        const m = Math.imul(s1, 5);
        const word = Math.imul((m << 7) | (m >>> 25), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const i = word & 127;
        const position = word >> 7;
        const sign = position >> 31;
        if ((position ^ sign) - sign < k[i]) {
          out[n] = shift + std * (position * w[i]);
        } else {
          if (missed * 3 === pending.length) pending = this.reservePending(2 * pending.length);
          pending[missed * 3] = n;
          pending[missed * 3 + 1] = word;
          pending[missed * 3 + 2] = c;
          missed++;
        }
      }
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    return this.finishPending(out, shifts, std, missed);
  }

  /** The slow-path draws a fill noted, in draw order, as repeated normal() calls would consume the aux stream. */
  private finishPending(out: Float32Array, shifts: Float64Array, std: number, missed: number): Float32Array {
    const pending = this.pending;
    for (let j = 0; j < missed; j++) {
      const word = pending[j * 3 + 1];
      out[pending[j * 3]] = shifts[pending[j * 3 + 2]] + std * this.normalSlow(word >> 7, word & 127);
    }
    return out;
  }

  /** `pending` with room for at least `length` ints, its contents kept. */
  private reservePending(length: number): Int32Array {
    if (this.pending.length >= length) return this.pending;
    const grown = new Int32Array(length);
    grown.set(this.pending);
    this.pending = grown;
    return grown;
  }

  /**
   * Fills `out` with 0/`scale` Bernoulli draws: `scale` where the next 32-bit word, unsigned, is
   * below `threshold` (so P(scale) = threshold / 2^32). Same words as repeated int32() calls.
   */
  fillBernoulli(out: Float32Array, threshold: number, scale: number): Float32Array {
    const loops = out.length >= NATIVE_MIN_DRAWS ? nativeLoops() : undefined;
    if (loops) {
      loops.fillBernoulli(this.main, out, threshold, scale);
      return out;
    }
    const s = this.main;
    let s0 = s[0];
    let s1 = s[1];
    let s2 = s[2];
    let s3 = s[3];
    for (let n = 0; n < out.length; n++) {
      const m = Math.imul(s1, 5);
      const word = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[n] = word >>> 0 < threshold ? scale : 0;
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    return out;
  }
}

/**
 * The seed of one replicate of one simulation: (run seed, simulator, canonical config, replicate).
 * Seeds follow the simulator rather than the claim because one simulation serves every claim of
 * its component, so `check relu.forward.var` and `check relu.backward.cov` replay the same draws.
 */
export function replicateSeed(runSeed: number, simulator: string, config: object, replicate: number): string {
  return `${runSeed}|${simulator}|${canonicalJson(config)}|${replicate}`;
}

/** JSON with sorted keys and shortest round-trip numbers: equal configs give equal strings. */
export function canonicalJson(config: object): string {
  const entries = Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}
