import { tf } from '../../backend/tf.ts';
import { layerNorm } from '../components/elementwise.ts';

/** A sublayer's branch f (the block including its hidden dropout) on [B, L, d]. */
export type Branch = (x: tf.Tensor3D) => tf.Tensor3D;

/**
 * A residual stack (FORMULAS.md 6, 7). `branches` alternate attention and FFN, 2 per layer.
 *  Pre-LN:  x' = lambda*x + beta*f(LN(x))
 *  Post-LN: x' = LN(lambda*x + beta*f(x))
 * lambda = beta = 1 is the plain residual. There is no final LayerNorm: the upstream gradient is
 * drawn at the top of the residual stream, where the theory's recurrences start (models.ts).
 */
export interface StackSpec {
  postLn: boolean;
  lambda: number;
  beta: number;
  branches: readonly Branch[];
}

/** One sublayer step, exported for the finite-difference test. */
export function sublayerStep(spec: StackSpec, branch: Branch, x: tf.Tensor3D): tf.Tensor3D {
  const scale = (t: tf.Tensor3D, s: number) => (s === 1 ? t : (tf.mul(t, s) as tf.Tensor3D));
  if (spec.postLn) return layerNorm(tf.add(scale(x, spec.lambda), scale(branch(x), spec.beta)) as tf.Tensor3D);
  return tf.add(scale(x, spec.lambda), scale(branch(layerNorm(x)), spec.beta)) as tf.Tensor3D;
}

/** The whole stack as one function of its input (for finite differences and plain use). */
export function stackForward(spec: StackSpec, x: tf.Tensor3D): tf.Tensor3D {
  return spec.branches.reduce((h, b) => sublayerStep(spec, b, h), x);
}

export interface StackPass {
  /** the stream at every sublayer boundary, 2N+1 entries (entry 0 is the caller's x) */
  streams: tf.Tensor3D[];
  /** the VJP of sum(top * g) with respect to the stream at every boundary (entry 2N is g itself) */
  gradients: tf.Tensor3D[];
}

/**
 * Forward and backward through the stack in one pass, returning the stream and the gradient at
 * every boundary. The gradient at an intermediate boundary is read off a zero "probe" added there:
 * d loss / d probe_i = d loss / d x_i, so one backward pass yields all of them with no
 * recomputation and no second implementation of any block's backward.
 * The caller owns (and disposes) every returned tensor except streams[0].
 */
export function runStack(spec: StackSpec, x: tf.Tensor3D, g: tf.Tensor3D): StackPass {
  const n = spec.branches.length;
  if (n === 0) return { streams: [x], gradients: [tf.clone(g)] };
  const probes = Array.from({ length: n }, () => tf.zeros(x.shape) as tf.Tensor3D);
  const streams: tf.Tensor3D[] = [x];
  const f = (...args: tf.Tensor[]) => {
    let h = args[0] as tf.Tensor3D;
    for (let i = 0; i < n; i++) {
      h = tf.add(sublayerStep(spec, spec.branches[i], h), args[i + 1]) as tf.Tensor3D;
      // valueAndGrads tidies everything made inside f; the boundaries must outlive it
      streams.push(tf.keep(h));
    }
    return h;
  };
  const { value, grads } = tf.valueAndGrads(f)([x, ...probes], g);
  // the value is the kept top boundary itself; dispose it only if tfjs handed back a copy
  if (value !== streams[n]) value.dispose();
  tf.dispose(probes);
  return { streams, gradients: grads as tf.Tensor3D[] };
}
