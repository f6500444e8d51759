import { describe, expect, it } from 'vitest';
import { ioElementsPerSample, REFERENCE } from '../bench/throughput.ts';
import { resolveConfig } from '../src/claims/params.ts';
import { COMPONENTS } from '../src/claims/registry.ts';

describe('bench reference configs', () => {
  it.each(Object.entries(REFERENCE.components))("%s: valid configs whose samples are the reference's input + gradient elements", (key, ref) => {
    const component = COMPONENTS.find((c) => c.key === key)!;
    expect(ref.configs.length).toBeGreaterThanOrEqual(4);
    for (const entry of ref.configs) {
      const config = resolveConfig(component.params, entry.config, key);
      expect(entry.runs * ioElementsPerSample(key, config), JSON.stringify(entry.config)).toBe(entry.samples);
    }
  });
});
