import {
  drawInputAndGradient,
  elementsPerSample,
  tf,
  tokenObservations,
  type RandomStream,
  type Simulator,
} from 'sigprop';
import type { RmsNormConfig } from './theory.ts';

/** The eps of the simulated RMSNorm; the formulas are its eps -> 0 limit (a relative change below 1e-7 here). */
export const RMS_NORM_EPSILON = 1e-8;

/**
 * y = x / sqrt(mean_d(x^2) + eps) and its VJP in closed form, dx = (g - y mean_d(g y)) / s with
 * s = sqrt(mean_d(x^2) + eps).
 */
export function rmsNormWithVjp(x: tf.Tensor3D, g: tf.Tensor3D) {
  const invRms = tf.rsqrt(tf.add(tf.mean(tf.square(x), 2, true), RMS_NORM_EPSILON));
  const output = tf.mul(x, invRms) as tf.Tensor3D;
  const gyMean = tf.mean(tf.mul(g, output), 2, true);
  const inputGrad = tf.mul(tf.sub(g, tf.mul(output, gyMean)), invRms) as tf.Tensor3D;
  return { output, inputGrad };
}

export const rmsNormSimulator: Simulator<RmsNormConfig> = {
  key: 'rmsnorm',
  observations: ['output', 'inputGrad'],
  elementsPerSample,
  replicate(c: RmsNormConfig, random: RandomStream, batch: number) {
    // sigprop runs each replicate inside tf.tidy and keeps only the moments
    const { x, g } = drawInputAndGradient(c, random, batch);
    const { output, inputGrad } = rmsNormWithVjp(x, g);
    return tokenObservations(output, inputGrad);
  },
};
