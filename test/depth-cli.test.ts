import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_CLAIMS } from '../src/claims/models/claims.ts';
import { countModelComparisons } from '../src/claims/models/run.ts';
import { selectClaims } from '../src/claims/registry.ts';
import { countComparisons, planVerification } from '../src/run/verify.ts';
import { BUDGETS } from '../src/stats/budget.ts';

const BIN = new URL('../bin/sigprop.js', import.meta.url).pathname;

function sigprop(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('depth: bad input is one line naming the field, exit 2', () => {
  it.each([
    ['unknown arch', ['--arch', 'foo'], /^sigprop: arch: unknown architecture 'foo'/],
    ['zero layers', ['--layers', '0'], /^sigprop: layers: 0 is outside/],
    ['fractional layers', ['--layers', '2.5'], /^sigprop: layers: must be an integer/],
    ['non-numeric width', ['--width', 'wide'], /^sigprop: width: expected a number/],
    ['heads not dividing d', ['--width', '10', '--heads', '4'], /^sigprop: heads: 4 does not divide d = 10/],
    ['dropout of 1', ['--dropout', '1'], /^sigprop: dropout: 1 is outside/],
    ['correlation of 1', ['--rx', '1'], /^sigprop: rx: 1 is outside/],
    [
      'beta^2 above 1',
      ['--arch', 'dslm', '--layers', '2', '--k', '3'],
      /^sigprop: k: beta\^2 = k\/N = 3\/2 exceeds 1/,
    ],
    ['unknown budget', ['--budget', 'huge'], /^sigprop: budget: unknown budget/],
  ])('%s', (_, args, message) => {
    const { code, stderr, stdout } = sigprop('depth', ...args);
    expect(code).toBe(2);
    const lines = stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('sigprop: engine'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(stdout).toBe('');
  });

  it('check on a model claim says to use depth or verify (exit 2, one line)', () => {
    const { code, stderr } = sigprop('check', 'model.preln.forward.var');
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^sigprop: claim: 'model\.preln\.forward\.var' is a whole-model claim/);
  });
});

describe('depth: output', () => {
  it('writes JSON, Markdown and three SVG plots with one row per sublayer boundary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigprop-depth-'));
    const { code, stdout } = sigprop(
      'depth',
      '--arch',
      'preln',
      '--layers',
      '2',
      '--width',
      '16',
      '--heads',
      '2',
      '--seq',
      '8',
      '--out',
      dir,
      '--json',
    );
    const report = JSON.parse(stdout);
    // exit 1 exactly when a decided verdict contradicts --expect's default, holds
    expect(code).toBe(report.results.some((r: { verdict: string }) => r.verdict === 'deviates') ? 1 : 0);
    expect(report).toMatchObject({
      schema: 'sigprop-depth',
      run: { command: 'depth', arch: 'preln' },
      config: { layers: 2, d: 16 },
    });
    expect(report.boundaries).toHaveLength(5);
    expect(report.boundaries.map((b: { after: string }) => b.after)).toEqual([
      'input',
      '1.attention',
      '1.ffn',
      '2.attention',
      '2.ffn',
    ]);
    for (const b of report.boundaries)
      for (const key of ['variance', 'correlation', 'gradVariance']) expect(b[key]).toHaveProperty('stderr');
    // 4 per-boundary claims x 5 boundaries; the slope law needs 4 layers
    expect(report.run.comparisons).toBe(20);
    expect(report.results).toHaveLength(20);
    for (const f of [
      'depth.json',
      'depth.md',
      'forward-variance.svg',
      'forward-correlation.svg',
      'gradient-variance.svg',
    ])
      expect(existsSync(join(dir, f))).toBe(true);
    expect(readFileSync(join(dir, 'gradient-variance.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readFileSync(join(dir, 'depth.md'), 'utf8')).toMatch(/\| 4 \| 2\.ffn \|/);
  });
});

describe('depth claims in verify', () => {
  it('model tasks are planned and every per-boundary comparison counts in the false-alarm budget', () => {
    const claims = selectClaims('model.*');
    const tasks = planVerification(claims, BUDGETS.quick, 1);
    expect(tasks.length).toBeGreaterThanOrEqual(4);
    const perBoundary = tasks.reduce(
      (n, t) => n + countModelComparisons(t.claims as (typeof MODEL_CLAIMS)[number][], t.config),
      0,
    );
    expect(countComparisons(tasks)).toBe(perBoundary);
    expect(perBoundary).toBeGreaterThan(tasks.length * 4);
  });
});
