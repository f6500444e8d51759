import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.ts';

/**
 * Issue 14's hostile inputs, and more of the same kind: each must be answered before any work
 * with exit 2 and one line on stderr naming the field. "Before any work": the engine is never
 * started (its line never printed) and the answer takes well under a second of CPU (CPU, not
 * wall time: this machine may be shared); before the fix,
 * `verify --out /proc/x` spun at 100% CPU after the whole run and several others exited 3 after it.
 * Run in this process (no tsx start-up per case), so the time measured is the command's own.
 */
const dir = mkdtempSync(join(tmpdir(), 'sigprop-hostile-'));
const file = join(dir, 'a-file');
const empty = join(dir, 'empty.json');
const otherShape = join(dir, 'other.json');
const notJson = join(dir, 'not.json');
writeFileSync(file, 'x');
writeFileSync(empty, '{}');
writeFileSync(
  otherShape,
  JSON.stringify({ schema: 'sigprop-report', schemaVersion: 1, run: { budget: 'quick' } }),
);
writeFileSync(notJson, '{"a":');

const relu = (config: string) => ['check', 'relu.forward.cov', '--config', config];

const CASES: [string, string[], RegExp][] = [
  [
    'verify --out on an existing file',
    ['verify', '--claims', 'relu.*', '--out', file],
    /^sigprop: out: .* is not a directory/,
  ],
  [
    'verify --out under /dev/null',
    ['verify', '--claims', 'relu.*', '--out', '/dev/null/x'],
    /^sigprop: out: '\/dev\/null\/x' is not a directory/,
  ],
  [
    'verify --out under /proc',
    ['verify', '--claims', 'relu.*', '--out', '/proc/x'],
    /^sigprop: out: cannot write to '\/proc\/x'/,
  ],
  [
    'verify --out deep under /proc',
    ['verify', '--claims', 'relu.*', '--out', '/proc/x/y/z'],
    /^sigprop: out: cannot write to/,
  ],
  ['calibrate --out under /proc', ['calibrate', '--out', '/proc/x'], /^sigprop: out: cannot write/],
  [
    'grid --out on a file',
    ['grid', 'relu', '--limit', '1', '--out', file],
    /^sigprop: out: .* is not a directory/,
  ],
  ['depth --out under /dev/null', ['depth', '--out', '/dev/null/x'], /^sigprop: out: .* is not a directory/],
  ['bench --out under /proc', ['bench', '--out', '/proc/x/bench.json'], /^sigprop: out: cannot write/],
  ['bench --out on a directory', ['bench', '--out', dir], /^sigprop: out: .* exists and is not a plain file/],
  [
    'report merge --out on a file',
    ['report', 'merge', empty, '--out', file],
    /^sigprop: out: .* is not a directory/,
  ],
  ['hunt --out under /proc', ['hunt', 'relu.*', '--out', '/proc/x'], /^sigprop: out: cannot write/],
  [
    'verify --jobs 1000',
    ['verify', '--claims', 'relu.*', '--jobs', '1000'],
    /^sigprop: jobs: 1000 is more than this machine runs at once: at most \d+ \(\d+ cores?, [\d.]+ GiB available/,
  ],
  ['grid --jobs 1000', ['grid', 'relu', '--jobs', '1000'], /^sigprop: jobs: 1000 is more than/],
  ['calibrate --jobs 1000', ['calibrate', '--jobs', '1000'], /^sigprop: jobs: 1000 is more than/],
  ['verify --jobs 0', ['verify', '--jobs', '0'], /^sigprop: jobs: must be an integer >= 1/],
  ['verify --jobs x', ['verify', '--jobs', 'x'], /^sigprop: jobs: expected an integer/],
  [
    'a sample too large to hold',
    relu('{"d":100000,"seqLen":100000}'),
    /^sigprop: config: relu at .*d = 100000, seqLen = 100000 holds 2\.00e\+10 elements per sample; a simulation holds at most 67108864/,
  ],
  [
    'attention heads that do not divide d',
    ['check', 'attention-block.forward.var', '--config', '{"d":10,"heads":3}'],
    /^sigprop: config\.heads: 3 does not divide d = 10/,
  ],
  [
    'causal attention heads that do not divide d',
    ['check', 'attention-block.causal.forward.var', '--config', '{"d":10,"heads":3}'],
    /^sigprop: config\.heads: 3 does not divide d = 10/,
  ],
  [
    'a claim glob given to check',
    ['check', 'attention-block.*', '--config', '{"d":10,"heads":3}'],
    /^sigprop: claim: unknown claim 'attention-block\.\*'/,
  ],
  [
    'a depth model too large to hold',
    ['depth', '--width', '4096', '--seq', '1024', '--layers', '1000'],
    /^sigprop: config: a model at .* elements per sample/,
  ],
  [
    'depth heads that do not divide the width',
    ['depth', '--width', '10', '--heads', '3'],
    /^sigprop: heads: 3 does not divide d = 10/,
  ],
  ['atlas --out under /proc', ['atlas', '--out', '/proc/x'], /^sigprop: out: cannot write/],
  [
    'an atlas model too large to hold',
    ['atlas', '--width', '65536', '--seq', '4096', '--layers', '192'],
    /^sigprop: config: a model at layers = 192.* elements per sample/,
  ],
  ['bench --components bogus', ['bench', '--components', 'bogus'], /^sigprop: components: unknown 'bogus'/],
  [
    'check --expect maybe',
    ['check', 'relu.forward.cov', '--expect', 'maybe'],
    /^sigprop: expect: unknown verdict 'maybe'/,
  ],
  [
    'check --regime of another component',
    ['check', 'relu.forward.cov', '--regime', 'xavier-init'],
    /^sigprop: regime: 'xavier-init' is not a regime of relu/,
  ],
  [
    'depth --expect inconclusive',
    ['depth', '--expect', 'inconclusive'],
    /^sigprop: expect: unknown verdict 'inconclusive'/,
  ],
  [
    '--config @ a missing file',
    relu('@/nonexistent/config.json'),
    /^sigprop: config: cannot read \/nonexistent\/config\.json \(ENOENT\)/,
  ],
  [
    '--config @ a file that is not JSON',
    relu(`@${notJson}`),
    /^sigprop: config \(.*not\.json\): malformed JSON/,
  ],
  [
    'report merge of {}',
    ['report', 'merge', empty, '--out', join(dir, 'm1')],
    /^sigprop: .*empty\.json: not a sigprop report/,
  ],
  [
    'report merge of a report of another shape',
    ['report', 'merge', otherShape, '--out', join(dir, 'm2')],
    /^sigprop: .*other\.json: /,
  ],
  [
    'report merge of a file that is not JSON',
    ['report', 'merge', notJson, '--out', join(dir, 'm3')],
    /^sigprop: .*not\.json: not JSON/,
  ],
  [
    'report merge of a missing file',
    ['report', 'merge', join(dir, 'missing.json'), '--out', join(dir, 'm4')],
    /^sigprop: .*missing\.json: cannot read \(ENOENT\)/,
  ],
  [
    'grid --merge of {}',
    ['grid', 'relu', '--merge', empty, '--out', join(dir, 'g1')],
    /^sigprop: merge: .*empty\.json' is not a grid\.json/,
  ],
  [
    'grid --allow-partial without --merge',
    ['grid', 'relu', '--allow-partial'],
    /^sigprop: allow-partial: only with --merge/,
  ],
  ['an unknown grid', ['grid', 'bogus'], /^sigprop: .*bogus/],
  ['a shard out of range', ['verify', '--shard', '2/2'], /^sigprop: shard: expected i\/n/],
];

let lines: string[] = [];
let stdout: string[] = [];

beforeAll(async () => {
  // load every command's modules once, so the timings below are the answers themselves
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  await main(['check', 'relu.forward.nope']);
  vi.restoreAllMocks();
}, 120_000);

afterEach(() => vi.restoreAllMocks());

describe('hostile inputs: exit 2 and one line, before any work', () => {
  it.each(CASES)('%s', async (_, args, message) => {
    lines = [];
    stdout = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => (lines.push(String(text)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => (stdout.push(String(text)), true));
    const started = process.cpuUsage();
    const code = await main(args);
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    vi.restoreAllMocks();
    const stderr = lines.join('');
    expect(code, stderr).toBe(2);
    expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/sigprop: engine|internal error/);
    expect(stdout.join('')).toBe('');
    // validation only: milliseconds of CPU (the first schema compile ~0.3 s); a simulation takes seconds
    expect(ms).toBeLessThan(1000);
  });
});
