import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA, REPORT_SCHEMA_VERSION } from '../src/report/model.ts';

const BIN = new URL('../bin/sigprop.js', import.meta.url).pathname;
const PRELOAD = new URL('./support/loaded-modules.mjs', import.meta.url).pathname;

/** The packages `sigprop` loads while running `args`, from the preload's `loaded` lines. */
function packagesLoaded(args: string[], status = 0): Set<string> {
  const run = spawnSync(process.execPath, ['--import', PRELOAD, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    timeout: 120_000,
  });
  expect(run.status, run.stderr).toBe(status);
  const names = run.stderr
    .split('\n')
    .filter((line) => line.startsWith('loaded '))
    .map((line) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  return new Set(names);
}

// tfjs (0.5 s of CPU), Plot + linkedom (0.25 s), @stdlib (0.15 s) and ajv (70 modules) load when a
// command needs them
const HEAVY = [
  'ajv',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@observablehq/plot',
  'linkedom',
  '@stdlib/stats-base-dists-t-quantile',
];

describe('start-up loads only what the command needs', () => {
  for (const args of [['--version'], ['--help'], ['list']]) {
    it(`sigprop ${args.join(' ')} loads no tfjs, Plot, linkedom, @stdlib or ajv`, () => {
      const loaded = packagesLoaded(args);
      expect(loaded.has('commander')).toBe(true);
      expect(HEAVY.filter((name) => loaded.has(name))).toEqual([]);
    });
  }

  it('a check loads tfjs and @stdlib (the detection sees them)', () => {
    const loaded = packagesLoaded([
      'check',
      'relu.forward.mean',
      '--budget',
      'quick',
      '--config',
      '{"d":4,"seqLen":4}',
    ]);
    expect(loaded.has('@tensorflow/tfjs')).toBe(true);
    expect(loaded.has('@stdlib/stats-base-dists-t-quantile')).toBe(true);
  });

  it('reading a report loads ajv (the detection sees it): render rejects a report missing its fields', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sigprop-startup-')), 'report.json');
    writeFileSync(file, JSON.stringify({ schema: REPORT_SCHEMA, schemaVersion: REPORT_SCHEMA_VERSION }));
    const loaded = packagesLoaded(['report', 'render', file, '--out', join(file, '..', 'out')], 2);
    expect(loaded.has('ajv')).toBe(true);
  });
});
