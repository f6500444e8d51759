import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { forwardAndVjp } from '../../src/sim/simulator.ts';

/** loss(x) = sum(f(x) * g), evaluated in float64 from the float32 output. */
async function loss(
  f: (x: tf.Tensor3D) => tf.Tensor3D,
  x: Float32Array,
  g: Float32Array,
  shape: [number, number, number],
): Promise<number> {
  const y = tf.tidy(() => f(tf.tensor3d(x, shape)));
  const values = await y.data();
  y.dispose();
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] * g[i];
  return total;
}

/**
 * Central differences in every input coordinate against the vector-Jacobian product, as in
 * test/gradients.test.ts: float32 evaluation limits the quotient to about eps32*|loss|/h, hence
 * h = 1e-2 and 1e-3 of the gradient's largest entry (the O(h^2) truncation of a smooth map with
 * O(1) third derivatives is ~1e-4). Returns the analytic gradient for further checks.
 */
export async function expectGradientMatchesDifferences(
  f: (x: tf.Tensor3D) => tf.Tensor3D,
  x: Float32Array,
  g: Float32Array,
  inShape: [number, number, number],
  outShape: [number, number, number],
  /** the simulator's own VJP where it is written in closed form; autodiff through f otherwise */
  vjp: (x: tf.Tensor3D, g: tf.Tensor3D) => { inputGrad: tf.Tensor3D } = (a, b) => forwardAndVjp(f, a, b),
): Promise<Float32Array> {
  const gin = tf.tidy(() => vjp(tf.tensor3d(x, inShape), tf.tensor3d(g, outShape)).inputGrad);
  const analytic = (await gin.data()) as Float32Array;
  gin.dispose();
  const h = 1e-2;
  const scale = Math.max(...Array.from(analytic, Math.abs));
  for (let i = 0; i < x.length; i++) {
    const plus = Float32Array.from(x);
    const minus = Float32Array.from(x);
    plus[i] += h;
    minus[i] -= h;
    const numeric = ((await loss(f, plus, g, inShape)) - (await loss(f, minus, g, inShape))) / (2 * h);
    expect(Math.abs(numeric - analytic[i]), `coordinate ${i}`).toBeLessThan(1e-3 * scale + 1e-4);
  }
  return analytic;
}
