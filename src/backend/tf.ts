import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';

/**
 * tfjs, loaded on first use. Importing it costs about 0.5 s of CPU, which `sigprop --version`,
 * `--help` and `list` should not pay, so modules that simulate take `tf` from here instead of
 * importing '@tensorflow/tfjs': the first property read (`tf.tidy`, `tf.setBackend`, ...) loads it.
 * In Node tfjs is a CommonJS package, so this synchronous require returns the same instance a static
 * `import * as tf from '@tensorflow/tfjs'` (tests, optional backends) gets.
 */
let loaded: typeof TF | undefined;
const load = (): typeof TF => (loaded ??= createRequire(import.meta.url)('@tensorflow/tfjs') as typeof TF);

export const tf: typeof TF = new Proxy({} as typeof TF, { get: (_, key) => load()[key as keyof typeof TF] });

/** Whether anything has used tfjs yet in this process (the start-up test asserts `list` does not). */
export const tfLoaded = (): boolean => loaded !== undefined;

/** The tfjs types the simulators name, under the same `tf.` prefix as the values. */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace tf {
  export type Tensor<R extends TF.Rank = TF.Rank> = TF.Tensor<R>;
  export type Tensor2D = TF.Tensor2D;
  export type Tensor3D = TF.Tensor3D;
  export type Tensor4D = TF.Tensor4D;
  export type TensorInfo = TF.TensorInfo;
  export type NamedTensorInfoMap = TF.NamedTensorInfoMap;
  export type NamedAttrMap = TF.NamedAttrMap;
  export type KernelFunc = TF.KernelFunc;
  export type GradSaveFunc = TF.GradSaveFunc;
}
