import { deviceRandomActive } from '../backend/engine.ts';
import { deviceDraw } from '../backend/philoxWebgpu.ts';
import { tf } from '../backend/tf.ts';
import { neighbour, POSITIONS, positionIndex, type Position } from '../theory/positions.ts';
import { timed } from './profile.ts';
import type { RandomStream } from './random.ts';
import {
  sampleDropoutMask,
  sampleTokens,
  type Innermost,
  type TokenDistribution,
  type TokenShape,
} from './sampler.ts';

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

/**
 * Names of the tensors a simulation observes; claims pick one and a moment of it. `x@position` is
 * the one token of x at that position (its variance), `x@position+` that token and its neighbour
 * (their pair product: the covariance of the two positions); `encoderGrad` is cross-attention's
 * gradient at its second input.
 */
export type ObservationName =
  | 'output'
  | 'inputGrad'
  | 'outputFeatures'
  | 'encoderGrad'
  | `${'output' | 'inputGrad'}@${Position}`
  | `${'output' | 'inputGrad'}@${Position}+`;

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
export function tokenObservations(
  output: tf.Tensor3D,
  inputGrad: tf.Tensor3D,
  innermost: Innermost = 'features',
) {
  const axis = innermost === 'tokens' ? 2 : 1;
  return { output: { tensor: output, axis }, inputGrad: { tensor: inputGrad, axis } } satisfies Partial<
    Record<ObservationName, Observation>
  >;
}

/**
 * tokenObservations plus, for each named position, that token alone and with its neighbour
 * ([batch, 1 or 2, features] slices, paired along tokens). Each replicate contributes one value
 * per position; the standard error comes from the spread over replicates, as for every moment.
 */
export function positionObservations(output: tf.Tensor3D, inputGrad: tf.Tensor3D) {
  const observed: Partial<Record<ObservationName, Observation>> = tokenObservations(output, inputGrad);
  const L = output.shape[1];
  for (const [name, t] of [
    ['output', output],
    ['inputGrad', inputGrad],
  ] as const) {
    for (const p of POSITIONS) {
      const i = positionIndex(p, L);
      observed[`${name}@${p}`] = { tensor: tf.slice(t, [0, i, 0], [-1, 1, -1]), axis: 1 };
      // the two tokens are adjacent, so one slice holds them (wasm's gather cost a fifth of a causal
      // replicate); their order does not matter: a float32 sum of two terms is exact in either order
      const pair = Math.min(i, neighbour(i, L));
      observed[`${name}@${p}+`] = { tensor: tf.slice(t, [0, pair, 0], [-1, 2, -1]), axis: 1 };
    }
  }
  return observed;
}

/**
 * sampleTokens as an engine tensor in the chosen layout, drawing and upload charged to their phases.
 * On webgpu (unless SIGPROP_DEVICE_RANDOM=0) the same sampler runs on the device on Philox draws
 * (philox.ts): the same distribution, different numbers.
 */
export function drawTokens(
  shape: TokenShape,
  dist: TokenDistribution,
  random: RandomStream,
  innermost: Innermost = 'features',
): tf.Tensor3D {
  const { batch, seqLen, features } = shape;
  if (deviceRandomActive()) {
    const dims = innermost === 'tokens' ? [batch, features, seqLen] : [batch, seqLen, features];
    return timed(
      'draw',
      () =>
        deviceDraw(
          {
            kind: 'tokens',
            ...random.nextDeviceDraw(),
            innermost,
            seqLen,
            features,
            mean: dist.mean,
            sharedWeight: dist.std * Math.sqrt(dist.tokenCorrelation),
            ownWeight: dist.std * Math.sqrt(1 - dist.tokenCorrelation),
          },
          dims,
        ) as tf.Tensor3D,
    );
  }
  const values = timed('draw', () => sampleTokens(shape, dist, random, innermost));
  return timed('upload', () =>
    tf.tensor3d(values, innermost === 'tokens' ? [batch, features, seqLen] : [batch, seqLen, features]),
  );
}

/** N(0, std^2) values of the given shape (weights), drawn on the device where drawTokens is. */
export function drawNormal<T extends tf.Tensor>(shape: number[], std: number, random: RandomStream): T {
  if (deviceRandomActive())
    return timed('draw', () => deviceDraw({ kind: 'normal', ...random.nextDeviceDraw(), std }, shape) as T);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = timed('draw', () => random.fillNormal(new Float32Array(size), 0, std));
  return timed('upload', () => tf.tensor(values, shape) as T);
}

/** sampleDropoutMask as a tensor of the given shape, drawn on the device where drawTokens is. */
export function drawDropoutMask<T extends tf.Tensor>(
  shape: number[],
  dropout: number,
  random: RandomStream,
): T {
  if (deviceRandomActive()) {
    const draw = {
      kind: 'mask' as const,
      ...random.nextDeviceDraw(),
      keep: 1 - dropout,
      scale: 1 / (1 - dropout),
    };
    return timed('draw', () => deviceDraw(draw, shape) as T);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const values = timed('draw', () => sampleDropoutMask(size, dropout, random));
  return timed('upload', () => tf.tensor(values, shape) as T);
}
