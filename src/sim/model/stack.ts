import { tf } from '../../backend/tf.ts';
import { layerNorm } from '../components/elementwise.ts';
import type { Placement, SublayerWeights } from '../../theory/models.ts';

/** A sublayer's branch f (the block including its hidden dropout) on [B, L, d]. */
export type Branch = (x: tf.Tensor3D) => tf.Tensor3D;

/**
 * A residual stack (FORMULAS.md 6-8). `branches` alternate attention and FFN, 2 per layer, each
 * with its own residual weights (src/theory/schemes.ts):
 *  pre:  x' = lambda*x + beta*f(normGain*LN(x))
 *  post: x' = LN(lambda*x + beta*f(x))
 *  none: x' = lambda*x + beta*f(x)
 * lambda = beta = normGain = 1 is the plain residual. There is no final LayerNorm: the upstream
 * gradient is drawn at the top of the residual stream, where the theory's recurrences start.
 */
export interface StackSpec {
  placement: Placement;
  branches: readonly Step[];
}

export interface Step extends SublayerWeights {
  f: Branch;
}

/** One sublayer step, exported for the finite-difference test. */
export function sublayerStep(placement: Placement, step: Step, x: tf.Tensor3D): tf.Tensor3D {
  const scale = (t: tf.Tensor3D, s: number) => (s === 1 ? t : (tf.mul(t, s) as tf.Tensor3D));
  const residual = (h: tf.Tensor3D, branchInput: tf.Tensor3D) =>
    tf.add(scale(h, step.lambda), scale(step.f(branchInput), step.beta)) as tf.Tensor3D;
  if (placement === 'post') return layerNorm(residual(x, x));
  if (placement === 'none') return residual(x, x);
  return residual(x, scale(layerNorm(x), step.normGain));
}

/** The whole stack as one function of its input (for finite differences and plain use). */
export function stackForward(spec: StackSpec, x: tf.Tensor3D): tf.Tensor3D {
  return spec.branches.reduce((h, b) => sublayerStep(spec.placement, b, h), x);
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
      h = tf.add(sublayerStep(spec.placement, spec.branches[i], h), args[i + 1]) as tf.Tensor3D;
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
