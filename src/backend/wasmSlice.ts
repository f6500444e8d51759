import { tf } from './tf.ts';

/**
 * The wasm engine's Slice without the whole-input copy. tfjs 4.22's wasm Slice starts with
 * `readSync(x)`, a fresh JS copy of the entire input, before it copies the slice out of that
 * copy: a causal replicate's per-position observations (6 slices of each output) and the
 * per-chunk slices of a replicate's inputs each copied the whole tensor, and the copies were most
 * of what the garbage collector then had to free. This kernel copies the slice's contiguous runs
 * straight from a view of the wasm heap: the same values (it only copies), none of the copying.
 */

/** The parts of tfjs's wasm backend the kernel reaches into (not in its public types). */
interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: tf.TensorInfo['dtype']): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let installed = false;

/** Replaces the wasm backend's Slice for float32, int32 and bool tensors; once per thread, after `tf.setBackend('wasm')`. */
export function installWasmSlice(): void {
  if (installed) return;
  const wasmKernel = tf.getKernel('Slice', 'wasm');
  if (!wasmKernel) return;
  const fallback = wasmKernel.kernelFunc;
  function sliceFromHeap(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string' || x.dtype === 'complex64' || x.shape.length === 0)
      return fallback(args as never);
    const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
    const [from, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const backend = args.backend as WasmBackendInternals;
    const out = backend.makeOutput(extent, x.dtype);
    // views taken after makeOutput: a heap that grew for the output has a new buffer
    copySlice(backend.typedArrayFromHeap(x), x.shape, from, extent, backend.typedArrayFromHeap(out));
    return out;
  }
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({ kernelName: 'Slice', backendName: 'wasm', kernelFunc: sliceFromHeap as tf.KernelFunc });
  installed = true;
}

/**
 * Copies the box [from, from + extent) of a row-major array of `shape` into `out`, one
 * `set` per contiguous run: the innermost axes the box spans whole, and the first it does not.
 */
export function copySlice<T extends Float32Array | Int32Array | Uint8Array>(
  source: T,
  shape: readonly number[],
  from: readonly number[],
  extent: readonly number[],
  out: T,
): void {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  // axes [outer, rank) form one contiguous run of `run` elements per outer index
  let outer = rank;
  let run = 1;
  while (outer > 0) {
    outer--;
    run *= extent[outer];
    if (extent[outer] !== shape[outer]) break;
  }
  const total = extent.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const index = new Array<number>(outer).fill(0);
  for (let written = 0; written < total; written += run) {
    let offset = from[outer] * strides[outer];
    for (let d = 0; d < outer; d++) offset += (from[d] + index[d]) * strides[d];
    out.set(source.subarray(offset, offset + run), written);
    for (let d = outer - 1; d >= 0; d--) {
      if (++index[d] < extent[d]) break;
      index[d] = 0;
    }
  }
}
