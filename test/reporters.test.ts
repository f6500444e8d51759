import { readFileSync } from 'node:fs';
import { parse } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { renderGithub, renderJunit } from '../src/cli/reporters.ts';
import { summarise, type Report } from '../src/report/model.ts';
import { findClaim } from '../src/claims/registry.ts';

/** The committed reference report, with one result turned into an unexpected deviation. */
function withFailure(): { report: Report; failed: Report['results'][number] } {
  const report = JSON.parse(
    readFileSync(new URL('../reports/reference/report.json', import.meta.url), 'utf8'),
  ) as Report;
  const failed = report.results.find((r) => !r.component.startsWith('model.') && r.verdict === 'holds')!;
  Object.assign(failed, { verdict: 'deviates', unexpected: true, expected: ['holds'] });
  report.claims = summarise(report.results, (id) => findClaim(id).describe);
  return { report, failed };
}

interface Case {
  name: string;
  classname: string;
  failure?: { message: string; inner: string }[];
  skipped?: unknown[];
}

describe('--reporter junit', () => {
  it('a JUnit parser reads one test case per claim and regime; the failure carries its replay command', async () => {
    const { report, failed } = withFailure();
    const xml = renderJunit(report);
    const parsed = (await parse(xml)) as {
      tests: number;
      failures: number;
      testsuite: { name: string; testcase: Case[] }[];
    };
    const cases = parsed.testsuite.flatMap((s) => s.testcase);
    expect(cases).toHaveLength(report.claims.length);
    expect(new Set(cases.map((c) => c.name)).size).toBe(report.claims.length);
    expect(parsed.tests).toBe(report.claims.length);
    const failures = cases.filter((c) => c.failure);
    expect(failures.map((c) => c.name)).toEqual(
      report.claims.filter((c) => c.unexpected > 0).map((c) => `${c.claim} (${c.regime})`),
    );
    const mine = failures.find((c) => c.name === `${failed.claim} (${failed.regime})`)!;
    expect(mine.classname).toBe(failed.component);
    // the replay command survives XML escaping intact (quotes and braces of the config)
    expect(mine.failure![0].inner).toContain(`replay: npx sigprop check ${failed.claim} --config '`);
    expect(mine.failure![0].inner).toContain(`--seed ${failed.seed} --budget ${report.run.budget}`);
    expect(parsed.failures).toBe(failures.length);
  });
});

describe('--reporter github', () => {
  it('one ::error annotation per claim and regime with an unexpected verdict, escaped to one line', () => {
    const { report, failed } = withFailure();
    const lines = renderGithub(report).trim().split('\n');
    const errors = lines.filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(report.claims.filter((c) => c.unexpected > 0).length);
    const mine = errors.find((l) => l.includes(`title=${failed.claim} (${failed.regime})`))!;
    expect(mine).toMatch(/^::error title=[^:]+::deviates \(expected holds\)/);
    expect(mine).toContain('%0Areplay: npx sigprop check');
  });

  it('says nothing for a run with every verdict as expected, and warns about a partial one', () => {
    const { report } = withFailure();
    const clean = { ...report, results: report.results.map((r) => ({ ...r, unexpected: false })), hunt: [] };
    clean.claims = summarise(clean.results, (id) => findClaim(id).describe);
    expect(renderGithub(clean)).toBe('');
    expect(renderGithub({ ...clean, run: { ...clean.run, complete: false } })).toMatch(
      /^::warning title=sigprop%3A partial run::stopped early/,
    );
  });
});
