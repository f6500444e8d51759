import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compile = (file: string) =>
  spawnSync(
    process.execPath,
    [
      tsc,
      '--noEmit',
      '--strict',
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--target',
      'ES2022',
      '--skipLibCheck',
      '--allowImportingTsExtensions',
      '--types',
      'node',
      file,
    ],
    { cwd: root, encoding: 'utf8' },
  );

it('a typo in a config key fails tsc, naming the key', () => {
  const run = compile('type-errors/config-typo.ts');
  expect(run.status).not.toBe(0);
  expect(run.stdout).toMatch(/config-typo\.ts.*error TS2561.*'seqlen'.*'seqLen'/s);
});

it('a typo in the regime draw record fails tsc, naming the key', () => {
  const run = compile('type-errors/regime-typo.ts');
  expect(run.status).not.toBe(0);
  expect(run.stdout).toMatch(/regime-typo\.ts.*error TS2561.*'seqlen'.*'RmsNormConfig'.*'seqLen'/s);
  expect(run.stdout.match(/error TS/g)).toHaveLength(1);
});

it('the same call spelled right compiles (the failure above is the typo, not the setup)', () => {
  const run = compile('src/rmsnorm.ts');
  expect(run.stdout).toBe('');
  expect(run.status).toBe(0);
});
