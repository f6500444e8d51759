import { describe, expect, it } from 'vitest';
import {
  ioElementsPerSample,
  REFERENCE,
  summariseThroughput,
  type ThroughputRow,
} from '../bench/throughput.ts';
import { resolveConfig } from '../src/claims/params.ts';
import { COMPONENTS } from '../src/claims/registry.ts';

describe('bench reference configs', () => {
  it.each(Object.entries(REFERENCE.components))(
    "%s: valid configs whose samples are the reference's input + gradient elements",
    (key, ref) => {
      const component = COMPONENTS.find((c) => c.key === key)!;
      expect(ref.configs.length).toBeGreaterThanOrEqual(4);
      for (const entry of ref.configs) {
        const config = resolveConfig(component.params, entry.config, key);
        expect(entry.runs * ioElementsPerSample(key, config), JSON.stringify(entry.config)).toBe(
          entry.samples,
        );
      }
    },
  );
});

it('the summary compares equal work on the same configs, each with its own reference figure', () => {
  const row = (
    samplesPerSecond: number,
    referenceSamples: number,
    referenceSeconds: number,
  ): ThroughputRow => ({
    engine: 'wasm',
    clock: 'cpu',
    component: 'dropout',
    shuffledIndex: 0,
    config: {},
    replicates: 1,
    batch: 1,
    samplesPerIteration: 1,
    meanMs: 1,
    samplesPerSecond,
    referenceSamples,
    referenceSeconds,
    referenceConfigSamplesPerSecond: referenceSamples / referenceSeconds,
    ratio: samplesPerSecond / (referenceSamples / referenceSeconds),
  });
  // a fast config (reference 1e7/s, sigprop 2e7/s: 0.5 s) and a slow one (1e6/s against 1e6/s: 1 s)
  const [summary] = summariseThroughput([row(2e7, 1e7, 1), row(1e6, 1e6, 1)]);
  expect(summary!.ratio).toBeCloseTo(2 / 1.5, 12);
  expect([summary!.worst, summary!.best]).toEqual([1, 2]);
});
