import { tf } from './tf.ts';
import { loadNative } from './native.ts';

/**
 * The wasm engine's matrix products on the system's OpenBLAS, through sigprop's native addon
 * (native.ts). wasm's XNNPACK kernels are limited to 128-bit SIMD without fused multiply-add and
 * reach 4.5-7 GMAC/s here, where OpenBLAS reaches 20-25 on the same core (bench/RESULTS.md);
 * Linear and attention spend most of their time in products. The addon multiplies in place in
 * the wasm heap: operands and result stay tfjs tensors, so every other kernel, the memory
 * accounting and tf.tidy are untouched.
 */
export type NativeMatMul = { ok: true; library: string } | { ok: false; reason: string };

/** The parts of tfjs's wasm backend the kernel reaches into (not in its public types). */
interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  wasm: { HEAPU8: Uint8Array };
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

let installed: NativeMatMul | undefined;

/**
 * Replaces the wasm backend's BatchMatMul with the OpenBLAS one, once per thread; call after
 * `tf.setBackend('wasm')`. Anything the native kernel does not handle (other dtypes, broadcast
 * batch shapes other than one side of batch 1) goes to wasm's own kernel.
 */
export function installNativeMatMul(): NativeMatMul {
  if (installed) return installed;
  const addon = loadNative();
  if (typeof addon === 'string') return (installed = { ok: false, reason: addon });
  const { sgemm, library } = addon;
  if (!sgemm || !library)
    return (installed = {
      ok: false,
      reason:
        'not in the native addon (built without OpenBLAS: apt-get install libopenblas-dev, then npm ci)',
    });
  const wasmKernel = tf.getKernel('BatchMatMul', 'wasm');
  if (!wasmKernel)
    return (installed = { ok: false, reason: 'the wasm backend has no BatchMatMul kernel to replace' });
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const batchA = product(a.shape.slice(0, -2));
    const batchB = product(b.shape.slice(0, -2));
    const sameOuter =
      batchA === 1 || batchB === 1 || a.shape.slice(0, -2).join() === b.shape.slice(0, -2).join();
    if (
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      a.shape.length < 2 ||
      b.shape.length < 2 ||
      !sameOuter
    )
      return wasmKernel.kernelFunc(args as never);
    const m = a.shape[a.shape.length - (transposeA ? 1 : 2)];
    const k = a.shape[a.shape.length - (transposeA ? 2 : 1)];
    const n = b.shape[b.shape.length - (transposeB ? 2 : 1)];
    if (m * n * k === 0) return wasmKernel.kernelFunc(args as never);
    const backend = args.backend as WasmBackendInternals;
    const outer = (batchA >= batchB ? a : b).shape.slice(0, -2);
    const out = backend.makeOutput([...outer, m, n], 'float32');
    // after makeOutput: a heap that grew for the output has a new buffer
    const offset = (t: tf.TensorInfo) =>
      backend.dataIdMap.get(t.dataId).memoryOffset / Float32Array.BYTES_PER_ELEMENT;
    sgemm(
      backend.wasm.HEAPU8.buffer as ArrayBuffer,
      Math.max(batchA, batchB),
      m,
      n,
      k,
      offset(a),
      batchA === 1 ? 0 : m * k,
      offset(b),
      batchB === 1 ? 0 : k * n,
      offset(out),
      transposeA,
      transposeB,
    );
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: kernelFunc as tf.KernelFunc,
  });
  return (installed = { ok: true, library: library() });
}

/**
 * Whether a batched or transposed product is one fast call on the current backend: everywhere but
 * plain wasm, whose XNNPACK path takes only 2-D products without transpose flags (the rest falls
 * to a scalar loop). Simulators shape their products by it.
 */
export const batchedProductsFast = (): boolean => tf.getBackend() !== 'wasm' || installed?.ok === true;
