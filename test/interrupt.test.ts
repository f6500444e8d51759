import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const VERDICTS = ['holds', 'deviates', 'inconclusive'];

/**
 * Ctrl-C during `verify`: the run stops once the configs in progress (one per worker) finish and still writes a report
 * marked incomplete, whose results are whole (every field a decided comparison would have).
 */
describe('verify under SIGINT', () => {
  it('exits promptly and leaves a valid partial report with run.complete === false', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigprop-int-'));
    const child = spawn(process.execPath, ['bin/sigprop.js', 'verify', '--budget', 'quick', '--out', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1' },
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    // interrupt once two configs are done: a few seconds in, well before the run would end
    const interruptedAt = new Promise<number>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/verify quick 2\//.test(stderr) && !child.killed) {
          child.kill('SIGINT');
          resolve(performance.now());
        }
      });
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const sentAt = await interruptedAt;
    const code = await exit;
    const waitedMs = performance.now() - sentAt;

    // 130, as a shell reports Ctrl-C: a partial run never passes as a whole one
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('stopping once the configs in progress finish');
    // one quick-budget config takes seconds; 20 s means the signal was not seen until the end
    expect(waitedMs).toBeLessThan(20_000);
    expect(existsSync(join(dir, 'report.json'))).toBe(true);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.run.complete).toBe(false);
    expect(report.results.length).toBeGreaterThan(0);
    // the full quick run has 114 comparisons; a stopped run has fewer
    expect(report.results.length).toBeLessThan(report.run.comparisons);
    expect(report.summary.results).toBe(report.results.length);
    for (const r of report.results) {
      expect(VERDICTS).toContain(r.verdict);
      expect(Number.isFinite(r.measured) && Number.isFinite(r.predicted) && Number.isFinite(r.stderr)).toBe(
        true,
      );
      expect(r.replicates).toBeGreaterThan(0);
    }
    expect(stdout).toContain('Report:');
    expect(stdout).toMatch(/^PARTIAL \(stopped early\): \d+ of \d+ comparisons ran/);
  });
});
