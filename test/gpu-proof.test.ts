import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * scripts/gpu-proof.sh and its runner reject bad usage with one line and exit 2 before doing any
 * work. (The pack and its run end to end take minutes; their output from this machine's software
 * adapter is committed as bench/gpu-proof-llvmpipe-software.json, see docs/ci-gpu.md.)
 */
const root = fileURLToPath(new URL('..', import.meta.url));

function run(command: string, args: string[]) {
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr.trim() };
}

describe('gpu-proof usage errors', () => {
  it.each([
    [[], /--out <file.json> is required/],
    [['--out', 'x.json', '--seconds', 'soon'], /--seconds: expected a positive number, got 'soon'/],
    [['--out', 'x.json', '--frobnicate'], /unknown option --frobnicate/],
  ])('runner %j', (args, message) => {
    const r = run(process.execPath, ['scripts/gpu-proof/run.mjs', ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('script without a command', () => {
    const r = run('sh', ['scripts/gpu-proof.sh', 'unpack']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^gpu-proof\.sh: usage: /);
  });
});
