import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hunt, type HuntDocument } from '../src/index.ts';

const BIN = new URL('../bin/sigprop.js', import.meta.url).pathname;
const sigprop = (...args: string[]) => {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};

describe('sigprop hunt', () => {
  it('--json prints, per claim and regime, the worst confirmed config with its replay', () => {
    const { code, stdout } = sigprop(
      'hunt',
      'relu.forward.var',
      '--evaluations',
      '40',
      '--seed',
      '3',
      '--json',
    );
    expect(code).toBe(0);
    const { results } = JSON.parse(stdout) as { results: Record<string, unknown>[] };
    expect(results).toHaveLength(1);
    const [r] = results as {
      claim: string;
      regime: string;
      worst: Record<string, unknown>;
      drivers: unknown[];
      evaluations: number;
      seed: number;
      replay: string;
    }[];
    expect([r.claim, r.regime]).toEqual(['relu.forward.var', 'theory']);
    for (const key of ['config', 'predicted', 'measured', 'stderr', 'ratio', 'error', 'errorStderr'])
      expect(r.worst).toHaveProperty(key);
    expect(r.drivers.length).toBeGreaterThan(0);
    expect(r.evaluations).toBeGreaterThanOrEqual(40);
    expect(r.replay).toContain(`--seed ${r.seed}`);
  });

  it('the programmatic hunt returns what --json prints', async () => {
    const args = ['relu.forward.var', '--evaluations', '20', '--seed', '4', '--jobs', '1', '--json'];
    const { code, stdout } = sigprop('hunt', ...args);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as HuntDocument;
    const returned = await hunt('relu.forward.var', { budget: 'quick', seed: 4, evaluations: 20 });
    const comparable = (d: HuntDocument) => ({
      ...d,
      wallSeconds: 0,
      results: d.results.map(({ taskSeconds, mapSeconds, ...r }) => r),
    });
    expect(comparable(returned)).toEqual(comparable(printed));
  });

  it('gives the same records on worker threads as on one thread', () => {
    const args = ['hunt', 'relu.forward.var,dropout.forward.var', '--evaluations', '20', '--json'];
    const records = (jobs: string) => {
      const { code, stdout } = sigprop(...args, '--jobs', jobs);
      expect(code).toBe(0);
      return (JSON.parse(stdout) as { results: Record<string, unknown>[] }).results.map(
        ({ taskSeconds, mapSeconds, ...r }) => r,
      );
    };
    const serial = records('1');
    expect(serial.map((r) => r.claim)).toEqual(['dropout.forward.var', 'relu.forward.var']);
    expect(records('2')).toEqual(serial);
  });

  it('verify --hunt writes the records into report.json; quick does not hunt unless asked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigprop-hunt-'));
    expect(sigprop('verify', '--claims', 'relu.forward.var', '--hunt', '--out', dir).code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.hunt.map((h: { claim: string; regime: string }) => `${h.claim}/${h.regime}`)).toEqual([
      'relu.forward.var/theory',
    ]);
    expect(report.run.huntSeconds).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('Hunt');
    expect(sigprop('verify', '--claims', 'relu.forward.var', '--out', dir).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).hunt).toBeUndefined();
  });

  it('bad input: one line naming the field, exit 2', () => {
    for (const [args, message] of [
      [['hunt', 'relu.*', '--evaluations', '0'], /evaluations: must be an integer >= 1/],
      [['hunt', 'relu.*', '--regime', 'nope'], /regime: no searchable regime named 'nope'/],
      [['hunt', 'nothing.*'], /claims: pattern 'nothing\.\*' matches no claim/],
    ] as const) {
      const { code, stderr } = sigprop(...args);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n').at(-1)).toMatch(message);
    }
  });
});
