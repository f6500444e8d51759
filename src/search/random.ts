import { nextInt32, seedState } from '../sim/xoshiro.ts';

/** Uniform draws on [0, 1) from a string seed: the search's own stream, independent of the simulations'. */
export function uniformStream(seed: string): () => number {
  const state = seedState(seed);
  return () => (nextInt32(state) >>> 0) / 2 ** 32;
}
