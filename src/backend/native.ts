import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * sigprop's native addon (native/sigprop.c, built at install by scripts/build-native.mjs): the
 * wasm engine's matMul on OpenBLAS (nativeMatMul.ts) and the random generator's hot loops
 * (src/sim/random.ts). Optional: every caller has a JS or wasm path that computes the same thing.
 * `SIGPROP_NATIVE=0` turns it off (to compare, or to rule it out).
 */
export interface NativeAddon {
  /** absent when the addon was built without OpenBLAS */
  sgemm?(
    memory: ArrayBuffer,
    batch: number,
    m: number,
    n: number,
    k: number,
    aOffset: number,
    aStride: number,
    bOffset: number,
    bStride: number,
    cOffset: number,
    transposeA: boolean,
    transposeB: boolean,
  ): void;
  library?(): string;
  /** RandomStream.fillColumns' loop; the number of slow-path draws left in `pending`, or -1 if it is too small */
  fillColumns(
    state: Int32Array,
    out: Float32Array,
    shifts: Float64Array,
    k: Int32Array,
    w: Float64Array,
    std: number,
    first: number,
    length: number,
    columnStep: number,
    step: number,
    pending: Int32Array,
  ): number;
  fillBernoulli(state: Int32Array, out: Float32Array, threshold: number, scale: number): void;
  /**
   * the compensated totals over groups of a [batch, length, width] float32 tensor's shifted group
   * sums, squares and pairs (sum^2 - squares), grouped along `axis`, into `out` (3 values);
   * absent from addons built before it
   */
  pairTotals?(
    memory: ArrayBuffer,
    offset: number,
    batch: number,
    length: number,
    width: number,
    axis: 1 | 2,
    shift: number,
    out: Float64Array,
  ): void;
}

export const ADDON_PATH = new URL('../../native/build/sigprop.node', import.meta.url);

let loaded: NativeAddon | string | undefined;

/** The addon, or why there is none; loaded once per thread. */
export function loadNative(): NativeAddon | string {
  if (loaded !== undefined) return loaded;
  if (process.env.SIGPROP_NATIVE === '0') return (loaded = 'off (SIGPROP_NATIVE=0)');
  if (!existsSync(ADDON_PATH))
    return (loaded =
      'not built (npm ci builds it where a C compiler and OpenBLAS are installed: apt-get install gcc libopenblas-dev)');
  try {
    return (loaded = createRequire(import.meta.url)(ADDON_PATH.pathname) as NativeAddon);
  } catch (error) {
    return (loaded = `failed to load: ${(error as Error).message.split('\n')[0]}`);
  }
}
