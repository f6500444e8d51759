import { tf } from '../../backend/tf.ts';
import type { Innermost } from '../sampler.ts';
import type { RandomStream } from '../random.ts';
import { drawTokens } from '../simulator.ts';

interface TokenInputConfig {
  muX?: number;
  sigmaX: number;
  rX: number;
  sigmaG: number;
  rG: number;
  d: number;
  seqLen: number;
}

/**
 * Input x and upstream gradient g of one replicate, both [batch, seqLen, d], or [batch, d, seqLen]
 * with `innermost` 'tokens' (for maps that act element by element, to which layout is immaterial).
 */
export function drawInputAndGradient(
  c: TokenInputConfig,
  random: RandomStream,
  batch: number,
  innermost: Innermost = 'features',
) {
  const shape = { batch, seqLen: c.seqLen, features: c.d };
  const x = drawTokens(shape, { mean: c.muX ?? 0, std: c.sigmaX, tokenCorrelation: c.rX }, random, innermost);
  const g = drawTokens(shape, { mean: 0, std: c.sigmaG, tokenCorrelation: c.rG }, random, innermost);
  return { x, g };
}

/** Input and upstream-gradient elements of one sample of a token-wise map. */
export const elementsPerSample = (c: TokenInputConfig) => 2 * c.seqLen * c.d;

const SQRT1_2 = Math.SQRT1_2;

/** y = x*Phi(x) in the erf form of FORMULAS.md 3.4 (autodiff reference for geluWithVjp). */
export function gelu(x: tf.Tensor3D): tf.Tensor3D {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT1_2))));
}

export const LAYER_NORM_EPSILON = 1e-5;

/**
 * LayerNorm over features with gamma 1, beta 0 and the biased variance (tf.moments divides by d);
 * the autodiff reference for layerNormWithVjp.
 */
export function layerNorm(x: tf.Tensor3D): tf.Tensor3D {
  const { mean, variance } = tf.moments(x, 2, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON)));
}

/**
 * LayerNorm's output and its VJP in closed form, dx = (g - mean(g) - y mean(g y)) / s with
 * s = sqrt(var + eps): about half the engine passes of autodiff through tf.moments.
 */
export function layerNormWithVjp(x: tf.Tensor3D, g: tf.Tensor3D) {
  const { mean, variance } = tf.moments(x, 2, true);
  const invStd = tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON));
  const output = tf.mul(tf.sub(x, mean), invStd) as tf.Tensor3D;
  const gMean = tf.mean(g, 2, true);
  const gyMean = tf.mean(tf.mul(g, output), 2, true);
  const inputGrad = tf.mul(tf.sub(tf.sub(g, gMean), tf.mul(output, gyMean)), invStd) as tf.Tensor3D;
  return { output, inputGrad };
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** GeLU's output x Phi(x) and its VJP g (Phi(x) + x phi(x)) in closed form, sharing Phi. */
export function geluWithVjp(x: tf.Tensor3D, g: tf.Tensor3D) {
  const cdf = tf.mul(tf.add(1, tf.erf(tf.mul(x, SQRT1_2))), 0.5);
  const output = tf.mul(x, cdf) as tf.Tensor3D;
  const density = tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), INV_SQRT_2PI);
  const inputGrad = tf.mul(g, tf.add(cdf, tf.mul(x, density))) as tf.Tensor3D;
  return { output, inputGrad };
}
