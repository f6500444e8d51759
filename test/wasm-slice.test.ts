import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../src/backend/engine.ts';
import { copySlice } from '../src/backend/wasmSlice.ts';

/** The box [from, from + extent) of a row-major array, element by element: the definition. */
function sliceByIndex(
  values: ArrayLike<number>,
  shape: number[],
  from: number[],
  extent: number[],
): number[] {
  const out: number[] = [];
  const total = extent.reduce((a, b) => a * b, 1);
  for (let n = 0; n < total; n++) {
    let rest = n;
    let offset = 0;
    let stride = 1;
    const index = extent.map(() => 0);
    for (let d = extent.length - 1; d >= 0; d--) {
      index[d] = rest % extent[d];
      rest = Math.floor(rest / extent[d]);
    }
    for (let d = shape.length - 1; d >= 0; d--) {
      offset += (from[d] + index[d]) * stride;
      stride *= shape[d];
    }
    out.push(values[offset]);
  }
  return out;
}

/** Boxes of every kind the simulators cut: whole, along the batch, one token, two tokens, inner columns, rank 1 to 4. */
const CASES: { shape: number[]; from: number[]; extent: number[] }[] = [
  { shape: [5, 4, 3], from: [0, 0, 0], extent: [5, 4, 3] },
  { shape: [5, 4, 3], from: [2, 0, 0], extent: [2, 4, 3] },
  { shape: [5, 4, 3], from: [0, 3, 0], extent: [5, 1, 3] },
  { shape: [5, 4, 3], from: [0, 1, 0], extent: [5, 2, 3] },
  { shape: [5, 4, 3], from: [1, 1, 1], extent: [3, 2, 2] },
  { shape: [6, 7], from: [1, 2], extent: [4, 3] },
  { shape: [9], from: [3], extent: [5] },
  { shape: [2, 3, 4, 5], from: [1, 0, 2, 1], extent: [1, 3, 2, 3] },
  { shape: [3, 4], from: [1, 0], extent: [0, 4] },
];

describe('copySlice', () => {
  it.each(CASES)('copies the box $from + $extent of $shape', ({ shape, from, extent }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const source = Float32Array.from({ length: size }, (_, i) => i + 0.5);
    const out = new Float32Array(extent.reduce((a, b) => a * b, 1)).fill(Number.NaN);
    copySlice(source, shape, from, extent, out);
    expect(Array.from(out)).toEqual(sliceByIndex(source, shape, from, extent));
  });
});

describe('the wasm engine slice kernel', () => {
  beforeAll(async () => {
    await initEngine('wasm');
  });

  it('is installed', () => {
    expect(tf.getKernel('Slice', 'wasm')?.kernelFunc.name).toBe('sliceFromHeap');
  });

  it.each(CASES)(
    'tf.slice of $shape at $from, $extent is the box, leaving no tensor',
    async ({ shape, from, extent }) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: size }, (_, i) => Math.sin(i) * 3);
      const x = tf.tensor(values, shape);
      const before = tf.memory().numTensors;
      const sliced = tf.slice(x, from, extent);
      expect(sliced.shape).toEqual(extent);
      expect(Array.from(await sliced.data())).toEqual(sliceByIndex(values, shape, from, extent));
      sliced.dispose();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    },
  );

  it('slices int32 and bool tensors too, and a size of -1 runs to the end', async () => {
    const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const bools = tf.tensor1d([true, false, true, true], 'bool');
    const [a, b] = [tf.slice(ints, [0, 1], [-1, 2]), tf.slice(bools, [1], [-1])];
    expect(a.dtype).toBe('int32');
    expect(Array.from(await a.data())).toEqual([2, 3, 5, 6]);
    expect(b.dtype).toBe('bool');
    expect(Array.from(await b.data())).toEqual([0, 1, 1]);
    tf.dispose([ints, bools, a, b]);
  });
});
