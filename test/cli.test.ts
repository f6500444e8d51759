import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'junit2json';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../bin/sigprop.js', import.meta.url).pathname;

function sigprop(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('bad input: one line naming the field, exit 2, no stack trace', () => {
  const relu = (config: string) => ['check', 'relu.forward.cov', '--config', config];
  it.each([
    ['unknown claim', ['check', 'relu.forward.nope'], /claim: unknown claim 'relu\.forward\.nope'/],
    ['unknown config key', relu('{"sigmaY":1}'), /config\.sigmaY: unknown key/],
    ['correlation of 1', relu('{"rX":1}'), /config\.rX: 1 is outside \[0, 1\)/],
    ['negative correlation', relu('{"rG":-0.1}'), /config\.rG: -0\.1 is outside/],
    [
      'dropout of 1',
      ['check', 'dropout.forward.var', '--config', '{"dropout":1}'],
      /config\.dropout: 1 is outside \[0, 1\)/,
    ],
    ['width 0', relu('{"d":0}'), /config\.d: 0 is outside/],
    ['fractional width', relu('{"d":2.5}'), /config\.d: must be an integer/],
    ['NaN', relu('{"sigmaX":NaN}'), /config: malformed JSON/],
    ['NaN as a string', relu('{"sigmaX":"NaN"}'), /config\.sigmaX: expected a number/],
    ['zero std', relu('{"sigmaX":0}'), /config\.sigmaX: 0 is outside \(0,/],
    ['malformed JSON', relu('{rX:'), /config: malformed JSON/],
    ['config not an object', relu('[1,2]'), /config: expected a JSON object/],
    ['unknown budget', ['check', 'relu.forward.cov', '--budget', 'huge'], /budget: unknown budget 'huge'/],
    ['bad seed', ['check', 'relu.forward.cov', '--seed', 'x'], /seed: expected an integer/],
    [
      'claims pattern matching nothing',
      ['verify', '--claims', 'attention.*'],
      /claims: pattern 'attention\.\*' matches no claim/,
    ],
    ['bad shard', ['verify', '--shard', '3/2'], /shard: expected i\/n/],
    [
      '--runs on a grid without shared weights',
      ['grid', 'relu', '--runs', '2'],
      /runs: only grids whose samples share one weight draw take --runs/,
    ],
    ['zero grid runs', ['grid', 'sha', '--runs', '0'], /runs: must be an integer >= 1/],
    ['zero grid jobs', ['grid', 'relu', '--jobs', '0', '--limit', '1'], /jobs: must be an integer >= 1/],
    ['unknown option', ['verify', '--fast'], /unknown option '--fast'/],
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
  ])('%s', (_, args, message) => {
    const { code, stderr, stdout } = sigprop(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    const errorLines = stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('sigprop: engine'));
    expect(errorLines).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
  });

  it('an unknown SIGPROP_BACKEND is a one-line error too', () => {
    const run = spawnSync(process.execPath, [BIN, 'check', 'relu.forward.mean'], {
      encoding: 'utf8',
      env: { ...process.env, SIGPROP_BACKEND: 'tpu' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^sigprop: SIGPROP_BACKEND: unknown engine 'tpu'/);
  });
});

describe('check --json', () => {
  it('prints a verdict with the full config used, defaults filled in', () => {
    const { code, stdout, stderr } = sigprop(
      'check',
      'relu.forward.cov',
      '--config',
      '{"sigmaX":1,"rX":0.5,"sigmaG":1,"rG":0.3,"seqLen":100}',
      '--json',
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/engine (wasm|cpu|tensorflow)/);
    const result = JSON.parse(stdout);
    for (const key of [
      'claim',
      'config',
      'predicted',
      'measured',
      'stderr',
      'relError',
      'verdict',
      'replicates',
      'seed',
      'backend',
    ]) {
      expect(result).toHaveProperty(key);
    }
    expect(result.claim).toBe('relu.forward.cov');
    expect(result.config).toEqual({ sigmaX: 1, rX: 0.5, sigmaG: 1, rG: 0.3, d: 64, seqLen: 100 });
    expect(['holds', 'deviates', 'inconclusive']).toContain(result.verdict);
    expect(result.predicted).toBeCloseTo(
      (Math.PI * 0.5 + Math.sqrt(0.75) - 0.5 * Math.acos(0.5) - 1) / (2 * Math.PI),
      12,
    );
  });

  it('replays the same numbers from the same seed', () => {
    const args = [
      'check',
      'dropout.forward.var',
      '--config',
      '{"muX":3,"dropout":0.3}',
      '--seed',
      '9',
      '--json',
    ];
    const a = JSON.parse(sigprop(...args).stdout);
    const b = JSON.parse(sigprop(...args).stdout);
    expect(a.measured).toBe(b.measured);
    expect(a.stderr).toBe(b.stderr);
  });
});

describe('exit codes', () => {
  // d = 4: the gradient variance is (d-2)/(d-3) = 2 times the sheet's (fixtures/verdicts.json, narrow)
  const finding = ['check', 'layernorm.backward.var', '--config', '{"d":4}'];
  it.each([
    ["the formula's claim (holds) by default", [], 1],
    ['--expect holds', ['--expect', 'holds'], 1],
    ['--expect deviates', ['--expect', 'deviates'], 0],
    ['--expect holds,deviates', ['--expect', 'holds,deviates'], 0],
    ["--regime narrow: fixtures/verdicts.json's expectation", ['--regime', 'narrow'], 0],
  ])('check on a deviation, held to %s', (_, extra, code) => {
    const run = sigprop(...finding, ...extra, '--json');
    expect(run.code, run.stderr).toBe(code);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'deviates', unexpected: code === 1 });
  });

  it('--help lists the exit codes', () => {
    for (const args of [['--help'], ['check', '--help'], ['report', 'merge', '--help']]) {
      const { code, stdout } = sigprop(...args);
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /Exit codes[\s\S]*0 +every verdict as expected[\s\S]*1 +a verdict contradicts[\s\S]*2 +bad usage[\s\S]*3 +internal error[\s\S]*130 +interrupted/,
      );
    }
  });

  it("a closed pipe ends quietly with the command's own code", () => {
    const run = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" list | head -1`], {
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
    });
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    // before: an unhandled EPIPE and its stack trace once head had closed the pipe
    expect(run.stderr).toBe('');
  });
});

describe('--config sources', () => {
  it('reads @file.json and - (stdin) as it reads inline JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigprop-config-'));
    const config = '{"muX":3,"dropout":0.3}';
    writeFileSync(join(dir, 'c.json'), config);
    const args = (c: string) => ['check', 'dropout.forward.var', '--config', c, '--seed', '9', '--json'];
    const inline = JSON.parse(sigprop(...args(config)).stdout);
    const file = JSON.parse(sigprop(...args(`@${join(dir, 'c.json')}`)).stdout);
    const stdin = spawnSync(process.execPath, [BIN, ...args('-')], {
      encoding: 'utf8',
      input: config,
      env: { ...process.env, CI: '1' },
    });
    expect(stdin.status, stdin.stderr).toBe(0);
    for (const other of [file, JSON.parse(stdin.stdout)])
      expect([other.config, other.measured]).toEqual([inline.config, inline.measured]);
  });
});

describe('verify --reporter junit', () => {
  it('writes junit.xml that a JUnit parser reads, one test case per claim and regime', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sigprop-junit-'));
    const run = sigprop('verify', '--claims', 'relu.*', '--reporter', 'junit', '--out', out);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(run.code).toBe(report.summary.unexpected > 0 ? 1 : 0);
    const parsed = (await parse(readFileSync(join(out, 'junit.xml'), 'utf8'))) as {
      testsuite: { testcase: { name: string }[] }[];
    };
    const names = parsed.testsuite.flatMap((s) => s.testcase.map((c) => c.name));
    expect(names.sort()).toEqual(
      report.claims.map((c: { claim: string; regime: string }) => `${c.claim} (${c.regime})`).sort(),
    );
    expect(names.length).toBeGreaterThan(3);
  });
});

describe('verify', () => {
  it('writes report.json and report.md and prints the report with --json', () => {
    const out = mkdtempSync(join(tmpdir(), 'sigprop-verify-'));
    const { code, stdout } = sigprop(
      'verify',
      '--claims',
      'dropout.*',
      '--budget',
      'quick',
      '--out',
      out,
      '--json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      schema: 'sigprop-report',
      schemaVersion: 1,
      run: { command: 'verify', budget: 'quick', complete: true },
    });
    expect(report.results).toHaveLength(15);
    expect(report.summary.results).toBe(15);
    expect(report.run.engine.name).toBeTruthy();
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(report);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/## Verdicts per claim/);
  });

  it('shards split the configs of one run', () => {
    const out = mkdtempSync(join(tmpdir(), 'sigprop-shard-'));
    const all = JSON.parse(sigprop('verify', '--claims', 'relu.forward.mean', '--out', out, '--json').stdout);
    const parts = ['0/2', '1/2'].map((s) =>
      JSON.parse(
        sigprop('verify', '--claims', 'relu.forward.mean', '--shard', s, '--out', out, '--json').stdout,
      ),
    );
    const configs = (r: { results: { config: object }[] }) => r.results.map((x) => JSON.stringify(x.config));
    expect([...configs(parts[0]), ...configs(parts[1])].sort()).toEqual(configs(all).sort());
    expect(parts[0].results[0].measured).toBe(all.results[0].measured);
  });
});
