import { InputError, resolveConfig } from './params.ts';
import type { Component, Config } from './types.ts';

/**
 * A rule across config keys that per-key ranges cannot state (heads must divide d). `violation`
 * returns the one-line message naming the field, or undefined when the config satisfies it.
 */
export interface Constraint<C = Config> {
  describe: string;
  violation(config: C): string | undefined;
}

/**
 * The most elements one sample may hold (the simulator's elementsPerSample: inputs, upstream
 * gradients and attention probabilities). A replicate holds at least one sample and the wasm heap
 * stops at 4 GiB; measured: `check relu.forward.cov --config '{"d":8192,"seqLen":4096}'` (2^26
 * elements a sample) peaks at 1.8 GB resident and finishes, twice that would not fit.
 */
export const MAX_SAMPLE_ELEMENTS = 2 ** 26;

export const describeSampleLimit = () => `at most ${MAX_SAMPLE_ELEMENTS} (2^26) elements per sample`;

/** Rejects a config whose sample is too large to simulate, naming its size keys and their values. */
export function checkSampleSize(
  where: string,
  config: Config,
  elements: number,
  sizeKeys: readonly string[],
): void {
  if (elements <= MAX_SAMPLE_ELEMENTS) return;
  const sizes = sizeKeys.map((k) => `${k} = ${config[k]}`).join(', ');
  throw new InputError(
    `config: ${where} at ${sizes} holds ${elements.toExponential(2)} elements per sample; a simulation holds ${describeSampleLimit()}`,
  );
}

/**
 * A user's config for one component, answered in full before anything runs: keys and ranges
 * (resolveConfig), the component's cross-key constraints, and the size limit.
 */
export function resolveComponentConfig(component: Component, input: unknown): Config {
  const config = resolveConfig(component.params, input, component.key);
  for (const constraint of component.constraints ?? []) {
    const message = constraint.violation(config);
    if (message) throw new InputError(message);
  }
  const sizeKeys = component.params.filter((p) => p.integer).map((p) => p.key);
  checkSampleSize(component.key, config, component.simulator.elementsPerSample(config), sizeKeys);
  return config;
}
