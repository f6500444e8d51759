import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../bin/sigprop.js', import.meta.url).pathname;
const fixture = (name: string) => new URL(`./fixtures/claims/${name}`, import.meta.url).pathname;

function sigprop(args: string[], cwd = process.cwd()) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    timeout: 300_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('user claims modules reach every command', () => {
  it('list shows the module’s component and claims beside the built-ins', () => {
    const run = sigprop(['list', '--claims-module', fixture('double.mjs')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^double: y = 2x.*\(test\)$/m); // its own section, not 'FORMULAS.md test'
    expect(run.stdout).toContain('double.backward.cov');
    expect(run.stdout).toMatch(/^relu: .*\(FORMULAS\.md 3\.3\)$/m);
    expect(run.stdout).toMatch(/^sha\.causal: .*\(docs\/theory-extensions\.md 1\)$/m);
  });

  it('check runs a user claim', () => {
    const run = sigprop([
      'check',
      'double.forward.var',
      '--config',
      '{"sigmaX":1.5,"d":8,"seqLen":8}',
      '--json',
      '--claims-module',
      fixture('double.mjs'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect([result].flat()[0].predicted).toBeCloseTo(9, 12);
    expect([result].flat()[0].verdict).toBe('holds');
  });

  it('verify on two worker threads judges user claims against the module’s expected verdicts', () => {
    const out = mkdtempSync(join(tmpdir(), 'sigprop-claims-'));
    const run = sigprop([
      'verify',
      '--claims',
      'double.*',
      '--budget',
      'quick',
      '--jobs',
      '2',
      '--out',
      out,
      '--claims-module',
      fixture('double.mjs'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/15 comparisons: \d+ holds, 0 deviates, \d+ inconclusive; 0 unexpected/);
  });

  it('sigprop.config.mjs in the working directory registers the modules it lists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigprop-config-'));
    writeFileSync(
      join(dir, 'sigprop.config.mjs'),
      `export default { modules: [${JSON.stringify(fixture('double.mjs'))}] };\n`,
    );
    const run = sigprop(['list'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^double: /m);
  });

  for (const [file, why] of [
    ['throws.mjs', /failed to load \(deliberately broken\)/],
    ['empty.mjs', /exports no components/],
    ['clash.mjs', /component 'relu' is already defined/],
    [
      'opaque-regime.mjs',
      /component 'opaque' regime 'theory' must declare name, space\(budget\) and toConfig/,
    ],
    ['missing.mjs', /no such file/],
  ] as const) {
    it(`${file}: one line naming the module, exit 2`, () => {
      const run = sigprop(['list', '--claims-module', fixture(file)]);
      expect(run.code).toBe(2);
      const lines = run.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('sigprop: sources changed') && !l.startsWith('sigprop: dist/'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`claims-module ${fixture(file)}`);
      expect(lines[0]).toMatch(why);
    });
  }
});
