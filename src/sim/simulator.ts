import { tf } from '../backend/tf.ts';
import { timed } from './profile.ts';
import type { RandomStream } from './random.ts';
import { sampleTokens, type Innermost, type TokenDistribution, type TokenShape } from './sampler.ts';

/** What a simulation measures: an output tensor and the axis whose different positions are paired. */
export interface Observation {
  tensor: tf.Tensor3D;
  /**
   * The paired axis of [batch, seqLen, features]: 1 = pairs of tokens, 2 = pairs of features; or
   * 2 for pairs of tokens in a tensor laid out tokens-innermost, [batch, features, seqLen]
   * (reductions along the innermost axis need no transpose).
   */
  axis: 1 | 2;
}

/** Names of the tensors a simulation observes; claims pick one and a moment of it. */
export type ObservationName = 'output' | 'inputGrad' | 'outputFeatures';

/**
 * A Monte-Carlo simulator of one component. `replicate` draws everything afresh (weights, input,
 * upstream gradient, masks) from `random`, runs the forward pass and the vector-Jacobian product,
 * and returns the observed tensors; the caller owns tidying.
 */
export interface Simulator<C> {
  key: string;
  observations: readonly ObservationName[];
  /** input + upstream-gradient elements one sample draws: the throughput unit, and batch sizing */
  elementsPerSample(config: C): number;
  replicate(config: C, random: RandomStream, batch: number): Partial<Record<ObservationName, Observation>>;
}

/**
 * Forward value and input gradient of `f` at `x` for upstream gradient `g` (loss = sum(f(x)*g)),
 * through tfjs autodiff.
 */
export function forwardAndVjp(f: (x: tf.Tensor3D) => tf.Tensor3D, x: tf.Tensor3D, g: tf.Tensor3D) {
  const { value, grad } = tf.valueAndGrad(f)(x, g);
  return { output: value as tf.Tensor3D, inputGrad: grad as tf.Tensor3D };
}

/** The usual observations: output and input gradient, paired across tokens, in either layout. */
export function tokenObservations(output: tf.Tensor3D, inputGrad: tf.Tensor3D, innermost: Innermost = 'features') {
  const axis = innermost === 'tokens' ? 2 : 1;
  return { output: { tensor: output, axis }, inputGrad: { tensor: inputGrad, axis } } satisfies Partial<Record<ObservationName, Observation>>;
}

/** sampleTokens as an engine tensor in the chosen layout, drawing and upload charged to their phases. */
export function drawTokens(shape: TokenShape, dist: TokenDistribution, random: RandomStream, innermost: Innermost = 'features'): tf.Tensor3D {
  const { batch, seqLen, features } = shape;
  const values = timed('draw', () => sampleTokens(shape, dist, random, innermost));
  return timed('upload', () => tf.tensor3d(values, innermost === 'tokens' ? [batch, features, seqLen] : [batch, seqLen, features]));
}
