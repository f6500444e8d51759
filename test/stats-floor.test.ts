import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as stats from '../src/stats/index.ts';

const DIR = new URL('../src/stats/', import.meta.url);
const importsOf = (file: string) =>
  [...readFileSync(new URL(file, DIR), 'utf8').matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)].map(
    (m) => m[1],
  );

describe('src/stats is a floor of its own (DESIGN.md: no tfjs, nothing above it)', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

  it('imports only its own files, node built-ins and @stdlib', () => {
    const outside = files.flatMap((f) =>
      importsOf(f)
        .filter((s) => !(s.startsWith('./') || s.startsWith('node:') || s.startsWith('@stdlib/')))
        .map((s) => `${f}: ${s}`),
    );
    expect(outside).toEqual([]);
  });

  it('sigprop/stats exports the statistics that used to live in sim/ and claims/', () => {
    for (const name of ['pairMomentsFromGroupSums', 'jackknife', 'replicateCap', 'replicatesFor', 'decide'])
      expect(typeof (stats as Record<string, unknown>)[name], name).toBe('function');
  });
});
