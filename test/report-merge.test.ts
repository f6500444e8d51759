import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InputError } from '../src/claims/params.ts';
import { findClaim } from '../src/claims/registry.ts';
import { main } from '../src/cli/main.ts';
import { mergeReports } from '../src/report/merge.ts';
import type { Report } from '../src/report/model.ts';
import { realReport } from './report-support.ts';

const describeClaim = (id: string) => findClaim(id).describe;
const key = (r: { claim: string; regime: string }) => `${r.claim} ${r.regime}`;
/** What must not depend on how a run was split: everything but timing and the order of rows. */
const essence = (report: Report) => ({
  summary: report.summary,
  claims: report.claims
    .map(({ worst, ...c }) => ({ ...c, worst: worst.config }))
    .sort((a, b) => key(a).localeCompare(key(b))),
  results: report.results
    .map(({ elapsedMs: _e, ...r }) => r)
    .sort((a, b) => JSON.stringify([a.claim, a.config]).localeCompare(JSON.stringify([b.claim, b.config]))),
});

let whole: Report;
let shards: Report[];
let dir: string;

beforeAll(async () => {
  whole = await realReport('relu.forward.*');
  shards = [
    await realReport('relu.forward.*', 1, { index: 0, count: 2 }),
    await realReport('relu.forward.*', 1, { index: 1, count: 2 }),
  ];
  dir = mkdtempSync(join(tmpdir(), 'sigprop-merge-'));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mergeReports', () => {
  it('turns the shards of a run into the unsharded report', () => {
    expect(shards.every((s) => s.results.length > 0 && s.results.length < whole.results.length)).toBe(true);
    const merged = mergeReports(
      shards.map((report, i) => ({ name: `shard${i}`, report })),
      describeClaim,
    );
    expect(merged.run.shard).toBeUndefined();
    expect(essence(merged)).toEqual(essence(whole));
  });

  const named = (list: Report[]) => list.map((report, i) => ({ name: `f${i}.json`, report }));

  it('refuses a lost shard, naming it, unless partial merges are allowed', () => {
    expect(() => mergeReports(named([shards[0]]), describeClaim)).toThrow(InputError);
    expect(() => mergeReports(named([shards[0]]), describeClaim)).toThrow(/^merge: shard 1\/2 missing/);
    const partial = mergeReports(named([shards[0]]), describeClaim, true);
    expect(partial.run.complete).toBe(false);
    expect(partial.run.missingShards).toEqual(['1/2']);
    expect(partial.summary.results).toBe(shards[0].results.length);
  });

  it('refuses a shard given twice, even with --allow-partial', () => {
    for (const allow of [false, true])
      expect(() => mergeReports(named([...shards, shards[0]]), describeClaim, allow)).toThrow(
        /shard 0\/2 given twice \(f0\.json and f2\.json\)/,
      );
  });

  it('refuses a shard that was stopped early unless allowed, and then is incomplete', () => {
    const stopped = { ...shards[1], run: { ...shards[1].run, complete: false } };
    expect(() => mergeReports(named([shards[0], stopped]), describeClaim)).toThrow(/f1\.json stopped early/);
    expect(mergeReports(named([shards[0], stopped]), describeClaim, true).run.complete).toBe(false);
  });

  it('refuses shards of another plan, a whole report among shards, and files without a stamp', () => {
    const other = {
      ...shards[1],
      run: { ...shards[1].run, plan: { ...shards[1].run.plan!, digest: '0123456789abcdef' } },
    };
    expect(() => mergeReports(named([shards[0], other]), describeClaim)).toThrow(
      /f1\.json: plan digest 0123456789abcdef differs/,
    );
    expect(() => mergeReports(named([shards[0], whole]), describeClaim)).toThrow(/plan digest|split/);
    const { plan: _plan, ...run } = shards[1].run;
    expect(() => mergeReports(named([shards[0], { ...shards[1], run }]), describeClaim)).toThrow(
      /f1\.json: records no shard index/,
    );
  });

  it('stamps each shard with its index, the shard count and one digest per plan', () => {
    expect(shards.map((s) => [s.run.plan!.index, s.run.plan!.count])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(shards[0].run.plan!.digest).toBe(shards[1].run.plan!.digest);
    expect(whole.run.plan).toMatchObject({ index: 0, count: 1 });
    expect(whole.run.plan!.digest).toBe(shards[0].run.plan!.digest);
  });

  it('refuses shards of different runs, naming the field', () => {
    const other = { ...shards[1], run: { ...shards[1].run, seed: 2 } };
    const merge = () =>
      mergeReports(
        [
          { name: 'a.json', report: shards[0] },
          { name: 'b.json', report: other },
        ],
        describeClaim,
      );
    expect(merge).toThrow(InputError);
    expect(merge).toThrow(/b\.json: seed 2 differs/);
  });

  it('refuses another schema version', () => {
    const future = { ...shards[1], schemaVersion: 2 } as unknown as Report;
    expect(() =>
      mergeReports(
        [
          { name: 'a.json', report: shards[0] },
          { name: 'b.json', report: future },
        ],
        describeClaim,
      ),
    ).toThrow(/schema version 2/);
  });
});

describe('sigprop report merge', () => {
  const write = (name: string, report: Report) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(report));
    return path;
  };

  it('writes json, md and html of the merged run', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await main([
      'report',
      'merge',
      write('s0.json', shards[0]),
      write('s1.json', shards[1]),
      '--out',
      join(dir, 'merged'),
    ]);
    stdout.mockRestore();
    expect(code).toBe(whole.summary.unexpected > 0 ? 1 : 0);
    const merged = JSON.parse(readFileSync(join(dir, 'merged', 'report.json'), 'utf8')) as Report;
    expect(essence(merged)).toEqual(essence(whole));
    expect(existsSync(join(dir, 'merged', 'report.md'))).toBe(true);
    expect(readFileSync(join(dir, 'merged', 'report.html'), 'utf8')).toContain('<svg');
  });

  it('exits 2 with a one-line error for a mismatched seed', async () => {
    const lines: string[] = [];
    const stderr = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((text) => (lines.push(String(text)), true));
    const other = { ...shards[1], run: { ...shards[1].run, seed: 7 } };
    const code = await main([
      'report',
      'merge',
      write('a.json', shards[0]),
      write('b.json', other),
      '--out',
      join(dir, 'bad'),
    ]);
    stderr.mockRestore();
    expect(code).toBe(2);
    expect(lines.join('').trim().split('\n')).toHaveLength(1);
    expect(lines.join('')).toMatch(/b\.json: seed 7 differs/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it('a lost shard is exit 2 with one line; with --allow-partial exit 1 and an incomplete report', async () => {
    const lines: string[] = [];
    const stderr = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((text) => (lines.push(String(text)), true));
    const stdout = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((text) => (lines.push(String(text)), true));
    const lost = await main(['report', 'merge', write('only0.json', shards[0]), '--out', join(dir, 'lost')]);
    const lostLines = lines.splice(0);
    const allowed = await main([
      'report',
      'merge',
      write('only0.json', shards[0]),
      '--allow-partial',
      '--out',
      join(dir, 'partial'),
    ]);
    stderr.mockRestore();
    stdout.mockRestore();
    expect(lost).toBe(2);
    expect(lostLines.join('').trim().split('\n')).toHaveLength(1);
    expect(lostLines.join('')).toMatch(/shard 1\/2 missing/);
    expect(existsSync(join(dir, 'lost'))).toBe(false);
    expect(allowed).toBe(1);
    expect(lines.join('')).toMatch(/PARTIAL merge \(shards 1\/2 missing\)/);
    const merged = JSON.parse(readFileSync(join(dir, 'partial', 'report.json'), 'utf8')) as Report;
    expect(merged.run).toMatchObject({ complete: false, missingShards: ['1/2'] });
  });
});

describe('sigprop report render', () => {
  it('writes md and html again from one report.json, exit code from its verdicts', async () => {
    const path = join(dir, 'whole.json');
    writeFileSync(path, JSON.stringify(whole));
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await main(['report', 'render', path, '--out', join(dir, 'rendered')]);
    stdout.mockRestore();
    expect(code).toBe(whole.summary.unexpected > 0 ? 1 : 0);
    expect(readFileSync(join(dir, 'rendered', 'report.md'), 'utf8')).toContain('## Summary');
    expect(readFileSync(join(dir, 'rendered', 'report.html'), 'utf8')).toContain('id="summary"');
  });

  it('refuses a JSON that is not a report: exit 2, one line', async () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, '{"results": 3}');
    const lines: string[] = [];
    const stderr = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((text) => (lines.push(String(text)), true));
    const code = await main(['report', 'render', path, '--out', join(dir, 'never')]);
    stderr.mockRestore();
    expect(code).toBe(2);
    expect(lines.join('').trim().split('\n')).toHaveLength(1);
    expect(lines.join('')).toMatch(/other\.json: not a sigprop report/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});

describe('merging hunt sections', () => {
  it("keeps every shard's hunt records, each claim and regime once", () => {
    const record = (claim: string, error: number) => ({
      claim,
      regime: 'theory',
      worst: {
        config: { d: 4 },
        predicted: 1,
        measured: 1 + error,
        stderr: 0.01,
        ratio: 1 + error,
        error,
        errorStderr: 0.01,
      },
      drivers: [],
      evaluations: 10,
      seed: 1,
      replay: `npx sigprop check ${claim}`,
      finding: false,
    });
    const a = { ...shards[0], hunt: [record('relu.forward.var', 0.1)] };
    const b = { ...shards[1], hunt: [record('relu.forward.cov', -0.2), record('relu.forward.var', 0.1)] };
    const merged = mergeReports(
      [
        { name: 'a', report: a },
        { name: 'b', report: b },
      ],
      describeClaim,
    );
    expect(merged.hunt?.map((h) => h.claim).sort()).toEqual(['relu.forward.cov', 'relu.forward.var']);
    expect(
      mergeReports(
        shards.map((report, i) => ({ name: `s${i}`, report })),
        describeClaim,
      ).hunt,
    ).toBeUndefined();
  });
});
