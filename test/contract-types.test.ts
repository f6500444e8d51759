import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * The typed contract (claims/types.ts, claims/space.ts): a wrong key is a compile error, not a NaN
 * at run time. Each file under test/type-errors/ holds one typo and must fail tsc with the error
 * that names it; the same component spelled right compiles (src/claims/components/* are built the
 * same way, and `tsc --noEmit` covers them).
 */
const root = new URL('..', import.meta.url).pathname;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const FILES = {
  'regime-key-typo.ts': /TS2551: Property 'seqlen' does not exist .*Did you mean 'seqLen'/,
  'config-key-typo.ts': /TS2561: .*'seqlen' does not exist in type 'WidthConfig'.*'seqLen'/,
  'param-key-typo.ts':
    /TS2322: Type 'ParamSpec<"seqlen">' is not assignable to type 'ParamSpec<keyof WidthConfig>'/,
};

describe('a typo in a key fails tsc, naming it', () => {
  // one tsc run over every file (each compiles src/ once more: seconds apiece)
  const run = spawnSync(
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
      ...Object.keys(FILES).map((f) => `test/type-errors/${f}`),
    ],
    { cwd: root, encoding: 'utf8' },
  );
  const errors = run.stdout.split('\n').filter((line) => line.includes('error TS'));
  it('tsc fails with exactly one error per file: the typo, not the setup', () => {
    expect(run.status).not.toBe(0);
    expect(errors.map((line) => line.slice(0, line.indexOf('('))).sort()).toEqual(
      Object.keys(FILES)
        .map((f) => `test/type-errors/${f}`)
        .sort(),
    );
  });
  it.each(Object.entries(FILES))('%s', (file, error) => {
    expect(errors.find((line) => line.includes(file))).toMatch(error);
  });
});
