import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeAtlasReports, type AtlasReport } from '../src/report/atlas.ts';
import { parseAtlasPlan } from '../src/cli/commands/atlas.ts';

const BIN = new URL('../bin/sigprop.js', import.meta.url).pathname;

function sigprop(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    timeout: 240_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const base = { dropout: '0.1', rx: '0.2', budget: 'quick', seed: '1' };

describe('atlas plan', () => {
  it('budget defaults, a shape sets width, heads, tokens and depth, flags override', () => {
    const quick = parseAtlasPlan(base);
    expect(quick.layers).toEqual([6, 12, 24]);
    expect(quick.schemes).toHaveLength(10);
    const standard = parseAtlasPlan({ ...base, budget: 'standard' });
    expect([standard.d, standard.layers]).toEqual([256, [12, 48, 192]]);
    const bert = parseAtlasPlan({ ...base, shape: 'bert-large', seq: '64' });
    expect([bert.d, bert.heads, bert.seqLen, bert.layers]).toEqual([1024, 16, 64, [24]]);
    expect(parseAtlasPlan({ ...base, replicates: '6' }).replicates).toEqual({ initial: 6, max: 6 });
  });

  it.each([
    ['unknown scheme', ['--schemes', 'preln,fixup'], /^sigprop: schemes: unknown 'fixup'/],
    ['unknown shape', ['--shape', 'gpt5'], /^sigprop: shape: unknown shape 'gpt5'/],
    ['zero layers', ['--layers', '12,0'], /^sigprop: layers: .*\b1\b/],
    [
      'heads not dividing width',
      ['--width', '10', '--heads', '4'],
      /^sigprop: heads: 4 does not divide width 10/,
    ],
  ])('bad input, one line naming the field, exit 2: %s', (_, args, message) => {
    const { code, stderr } = sigprop('atlas', ...args);
    expect(code).toBe(2);
    const lines = stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('sigprop: engine'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});

describe('atlas end to end (2 schemes x 2 depths, d = 16)', () => {
  it('writes a self-contained page of small multiples, the summary table and the JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigprop-atlas-'));
    const { code, stderr } = sigprop(
      'atlas',
      '--schemes',
      'preln,tfixup',
      '--layers',
      '4,8',
      '--width',
      '16',
      '--heads',
      '2',
      '--seq',
      '8',
      '--replicates',
      '4',
      '--out',
      dir,
    );
    expect(code, stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'atlas.json'), 'utf8')) as AtlasReport;
    expect(report.runs.map((r) => `${r.scheme}@${r.layers}`)).toEqual([
      'preln@4',
      'preln@8',
      'tfixup@4',
      'tfixup@8',
    ]);
    for (const run of report.runs) {
      expect(run.cells.variance).toHaveLength(2 * run.layers + 1);
      expect(run.replicates).toBe(4);
      expect(run.wallSeconds).toBeGreaterThan(0);
    }
    // T-Fixup's N-independence promises ran on a model at N/2; Pre-LN got both growth laws
    expect(report.runs[2].halfReplicates).toBe(4);
    expect(report.runs[1].laws.map((l) => l.claim)).toEqual(
      expect.arrayContaining(['model.preln.forward.growth.linear', 'model.preln.forward.growth.exponential']),
    );
    const html = readFileSync(join(dir, 'atlas.html'), 'utf8');
    // one panel per (scheme, statistic), each with its verdict counts; nothing fetched from outside
    expect(html.match(/<text x="8" y="14" font-size="12" font-weight="bold">/g)).toHaveLength(6);
    expect(html.match(/\d+ holds, \d+ deviates, \d+ inconclusive<\/text>/g)).toHaveLength(6);
    expect(html).toContain('T-Fixup: gradient variance');
    expect(html).not.toMatch(/<script|src="http/);
    // two parts of disjoint schemes merge back into the same runs; overlapping or unlike parts are refused
    const part = (scheme: string): AtlasReport => ({
      ...report,
      run: { ...report.run, plan: { ...report.run.plan, schemes: [scheme] }, comparisons: 10 },
      schemes: report.schemes.filter((s) => s.key === scheme),
      runs: report.runs.filter((r) => r.scheme === scheme),
    });
    const merged = mergeAtlasReports([part('preln'), part('tfixup')]);
    expect(merged.runs).toEqual(report.runs);
    expect([merged.run.comparisons, merged.run.parts, merged.run.plan.schemes]).toEqual([
      20,
      2,
      ['preln', 'tfixup'],
    ]);
    expect(() => mergeAtlasReports([part('preln'), part('preln')])).toThrow(/share a scheme at a depth/);
    const other = part('tfixup');
    expect(() =>
      mergeAtlasReports([
        part('preln'),
        { ...other, run: { ...other.run, plan: { ...other.run.plan, d: 32 } } },
      ]),
    ).toThrow(/differ/);
    const md = readFileSync(join(dir, 'atlas.md'), 'utf8');
    expect(md).toMatch(/\| preln \| 8 \| [-\d.e]+ \([-\d.e]+ ± [\d.e-]+\) \|/);
  });
});
