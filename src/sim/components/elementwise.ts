import * as tf from '@tensorflow/tfjs';
import type { ActivationConfig } from '../../theory/relu.ts';
import type { DropoutConfig } from '../../theory/dropout.ts';
import type { LayerNormConfig } from '../../theory/layernorm.ts';
import { sampleDropoutMask, sampleTokens } from '../sampler.ts';
import { timed } from '../profile.ts';
import type { RandomStream } from '../random.ts';
import { forwardAndVjp, tokenObservations, type Simulator } from '../simulator.ts';

interface TokenInputConfig {
  muX?: number;
  sigmaX: number;
  rX: number;
  sigmaG: number;
  rG: number;
  d: number;
  seqLen: number;
}

/** Input x and upstream gradient g of one replicate, both [batch, seqLen, d]. */
export function drawInputAndGradient(c: TokenInputConfig, random: RandomStream, batch: number) {
  const shape = { batch, seqLen: c.seqLen, features: c.d };
  const dims: [number, number, number] = [batch, c.seqLen, c.d];
  const xValues = timed('draw', () => sampleTokens(shape, { mean: c.muX ?? 0, std: c.sigmaX, tokenCorrelation: c.rX }, random));
  const gValues = timed('draw', () => sampleTokens(shape, { mean: 0, std: c.sigmaG, tokenCorrelation: c.rG }, random));
  return timed('upload', () => ({ x: tf.tensor3d(xValues, dims), g: tf.tensor3d(gValues, dims) }));
}

const elementsPerSample = (c: TokenInputConfig) => 2 * c.seqLen * c.d;

const SQRT1_2 = Math.SQRT1_2;

/** y = x*Phi(x) in the erf form of FORMULAS.md 3.4. */
export function gelu(x: tf.Tensor3D): tf.Tensor3D {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT1_2))));
}

export const LAYER_NORM_EPSILON = 1e-5;

/** LayerNorm over features with gamma 1, beta 0 and the biased variance (tf.moments divides by d). */
export function layerNorm(x: tf.Tensor3D): tf.Tensor3D {
  const { mean, variance } = tf.moments(x, 2, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON)));
}

export const reluSimulator: Simulator<ActivationConfig> = {
  key: 'relu',
  observations: ['output', 'inputGrad'],
  elementsPerSample,
  replicate(c, random, batch) {
    const { x, g } = drawInputAndGradient(c, random, batch);
    const { output, inputGrad } = forwardAndVjp((v) => tf.relu(v), x, g);
    return tokenObservations(output, inputGrad);
  },
};

export const geluSimulator: Simulator<ActivationConfig> = {
  key: 'gelu',
  observations: ['output', 'inputGrad'],
  elementsPerSample,
  replicate(c, random, batch) {
    const { x, g } = drawInputAndGradient(c, random, batch);
    const { output, inputGrad } = forwardAndVjp(gelu, x, g);
    return tokenObservations(output, inputGrad);
  },
};

export const dropoutSimulator: Simulator<DropoutConfig> = {
  key: 'dropout',
  observations: ['output', 'inputGrad'],
  elementsPerSample,
  replicate(c, random, batch) {
    const { x, g } = drawInputAndGradient(c, random, batch);
    const maskValues = timed('draw', () => sampleDropoutMask(x.size, c.dropout, random));
    const mask = timed('upload', () => tf.tensor3d(maskValues, x.shape));
    const { output, inputGrad } = forwardAndVjp((v) => tf.mul(v, mask), x, g);
    return tokenObservations(output, inputGrad);
  },
};

export const layerNormSimulator: Simulator<LayerNormConfig> = {
  key: 'layernorm',
  observations: ['output', 'inputGrad', 'outputFeatures'],
  elementsPerSample,
  replicate(c, random, batch) {
    const { x, g } = drawInputAndGradient(c, random, batch);
    const { output, inputGrad } = forwardAndVjp(layerNorm, x, g);
    return { ...tokenObservations(output, inputGrad), outputFeatures: { tensor: output, axis: 2 } };
  },
};
