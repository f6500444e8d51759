import { tf } from './tf.ts';

/**
 * The wasm engine's Identity without the copy. tfjs 4.22's wasm Identity copies its input into a
 * fresh output, and Identity is what the engine runs to keep a tensor for the backward pass
 * (every tf.customGrad `save`, every kernel's saved inputs): an attention replicate saved Q, K,
 * V, the probabilities and the masked probabilities that way, 3% of a causal attention hunt's
 * time in copies (cpuprofile of `hunt 'attention-block.causal.*' --regime xavier-init`). This
 * kernel shares the input's memory and counts one more reference to it, as the cpu backend's
 * Identity and the wasm backend's own Reshape do: no kernel writes into its inputs, so a tensor
 * and its clone can share one buffer, and the memory is freed when the last of them is disposed.
 */

/** The parts of tfjs's wasm backend the kernel reaches into (not in its public types). */
interface WasmBackendInternals {
  incRef(dataId: object): void;
}

let installed = false;

/** Replaces the wasm backend's Identity for numeric tensors; once per thread, after `tf.setBackend('wasm')`. */
export function installWasmIdentity(): void {
  if (installed) return;
  const wasmKernel = tf.getKernel('Identity', 'wasm');
  if (!wasmKernel) return;
  const copying = wasmKernel.kernelFunc;
  function shareInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }) {
    const { x } = args.inputs as { x: tf.TensorInfo };
    // strings live outside the heap, and the wasm kernel already makes them a new tensor
    if (x.dtype === 'string') return copying(args as never);
    (args.backend as WasmBackendInternals).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: shareInput as tf.KernelFunc });
  installed = true;
}
