import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../bin/sigprop.js', import.meta.url).pathname;
const PRELOAD = new URL('./support/loaded-modules.mjs', import.meta.url).pathname;

/** The packages `sigprop` loads while running `args`, from the preload's `loaded` lines. */
function packagesLoaded(args: string[]): Set<string> {
  const run = spawnSync(process.execPath, ['--import', PRELOAD, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    timeout: 120_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const names = run.stderr
    .split('\n')
    .filter((line) => line.startsWith('loaded '))
    .map((line) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  return new Set(names);
}

// tfjs (0.5 s of CPU), Plot + linkedom (0.25 s) and @stdlib (0.15 s) load when a command needs them
const HEAVY = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@observablehq/plot',
  'linkedom',
  '@stdlib/stats-base-dists-t-quantile',
];

describe('start-up loads only what the command needs', () => {
  for (const args of [['--version'], ['--help'], ['list']]) {
    it(`sigprop ${args.join(' ')} loads no tfjs, Plot, linkedom or @stdlib`, () => {
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
});
