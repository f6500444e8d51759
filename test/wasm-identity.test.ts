import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../src/backend/engine.ts';

describe('the wasm engine identity kernel', () => {
  beforeAll(async () => {
    await initEngine('wasm');
  });

  it('clones without copying: one buffer, freed when the last of its tensors is disposed', () => {
    const buffers = tf.memory().numDataBuffers;
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.clone(x);
    // one buffer for both: the wasm kernel's copy was a second
    expect(tf.memory().numDataBuffers - buffers).toBe(1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    // a kernel's output is a new buffer: the shared one is not written through
    const doubled = tf.mul(y, 2);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    doubled.dispose();
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers);
  });

  it('keeps what a custom gradient saves past its forward pass: the gradient is 3x^2, no tensor left', () => {
    const before = tf.memory().numTensors;
    // f(x) = sum(x^3) through tf.customGrad, which saves x^2 by Identity: df/dx = 3x^2
    const cube = tf.customGrad((x, save) => {
      const square = tf.square(x as tf.Tensor);
      (save as tf.GradSaveFunc)([square]);
      return {
        value: tf.mul(square, x as tf.Tensor),
        gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, tf.mul(saved, 3)),
      };
    });
    const x = tf.tensor1d([0.5, -1, 2]);
    const grad = tf.grad((v: tf.Tensor) => tf.sum(cube(v) as tf.Tensor))(x);
    expect(Array.from(grad.dataSync())).toEqual([0.75, 3, 12]);
    tf.dispose([x, grad]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('still makes strings a new tensor', () => {
    const s = tf.tensor1d(['a', 'b'], 'string');
    const c = tf.clone(s);
    s.dispose();
    expect(c.dataSync()).toEqual(['a', 'b']);
    c.dispose();
  });
});
