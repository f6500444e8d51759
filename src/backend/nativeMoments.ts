import { tf } from './tf.ts';
import { loadNative } from './native.ts';

/** The parts of tfjs's wasm backend the reduction reaches into (not in its public types). */
interface WasmHeap {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
}

/**
 * A replicate observation's pair totals reduced where the tensor lies, in the wasm heap, by the
 * native addon (native/sigprop.c pairTotals), in double per group: the sums over groups of the
 * shifted group sums, of their squares and of the pairs. On the engine the same reduction is a
 * shift, a transpose (tokens are not the innermost axis), two float32 sums and a download of two
 * values per group, and with 14 observations per replicate that was a quarter of a causal
 * component's hunt at standard. Undefined where there is no such path (another engine, no addon):
 * the caller reduces on the engine.
 */
export function heapPairTotals(t: tf.Tensor3D, axis: 1 | 2, shift: number): Float64Array | undefined {
  // an empty observation has no groups to reduce; the engine path gives it its NaN moments
  if (t.dtype !== 'float32' || t.size === 0 || tf.getBackend() !== 'wasm') return undefined;
  const addon = loadNative();
  if (typeof addon === 'string' || !addon.pairTotals) return undefined;
  const backend = tf.backend() as unknown as WasmHeap;
  const [batch, length, width] = t.shape;
  const totals = new Float64Array(3);
  addon.pairTotals(
    backend.wasm.HEAPU8.buffer as ArrayBuffer,
    backend.dataIdMap.get(t.dataId).memoryOffset / Float32Array.BYTES_PER_ELEMENT,
    batch,
    length,
    width,
    axis,
    shift,
    totals,
  );
  return totals;
}
