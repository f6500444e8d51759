import { describe, expect, it } from 'vitest';
import type { VerifiedResult } from '../src/claims/expected.ts';
import { renderHtml } from '../src/report/html.ts';
import { buildReport } from '../src/report/model.ts';

/** Shaped like a real quick-budget layernorm.backward.var row (narrow regime), values from a run. */
const row = (over: Partial<VerifiedResult>): VerifiedResult => ({
  claim: 'layernorm.backward.var',
  component: 'layernorm',
  regime: 'narrow',
  config: { muX: 5.45908, sigmaX: 2.3035, rX: 1.615e-5, sigmaG: 0.30001, rG: 1.71e-5, d: 4, seqLen: 256 },
  predicted: 0.01696,
  measured: 0.03292,
  stderr: 5.25e-4,
  relError: 0.941,
  ratio: 1.941,
  scale: 0.01696,
  resolution: 0.14,
  criticalValue: 4.5,
  tolerance: 0,
  verdict: 'deviates',
  replicates: 16,
  batch: 4096,
  seed: 1,
  backend: 'wasm',
  samples: 1 << 16,
  elapsedMs: 900,
  expected: ['deviates'],
  unexpected: false,
  ...over,
});

const run = {
  command: 'verify',
  budget: 'quick',
  precision: 0.05,
  familyAlpha: 1e-3,
  seed: 1,
  claims: '*',
  engine: { name: 'wasm' as const, backend: 'wasm', tfjsVersion: '4.22.0', exactReductions: false },
  node: 'v20.0.0',
  startedAt: '2026-01-01T00:00:00.000Z',
  wallSeconds: 12.5,
  complete: true,
  comparisons: 3,
};

describe('renderHtml', () => {
  it('escapes every text that comes from the report', () => {
    const hostile = '<script>alert("x")</script>&';
    const results = [
      row({ regime: hostile, config: { d: 4, [hostile]: 2 } }),
      row({ regime: hostile, config: { d: 8, [hostile]: 3 }, predicted: 0.02, measured: 0.021 }),
    ];
    const html = renderHtml(buildReport({ ...run, claims: hostile }, results, '1.0.0', () => hostile));
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('marks an unexpected deviation loudly in the findings and says which expectation it breaks', () => {
    const results = [
      row({ expected: ['holds'], unexpected: true }),
      row({
        regime: 'reference',
        verdict: 'holds',
        relError: 0.01,
        ratio: 1.01,
        measured: 0.01713,
        expected: ['holds'],
      }),
    ];
    const html = renderHtml(buildReport(run, results, '1.0.0', () => 'input-gradient variance'));
    const findings = html.slice(html.indexOf('id="findings"'), html.indexOf('id="verdicts"'));
    expect(findings).toContain('class="finding unexpected"');
    expect(findings).toContain('<span class="loud">unexpected</span>');
    expect(findings).toContain('the recorded expectation (holds)');
    expect(findings).toContain('1.941');
    expect(findings).not.toContain('data-regime="reference"');
    expect(html).toContain('1 unexpected');
  });

  it('is one file: no script, no external reference', () => {
    const html = renderHtml(
      buildReport(run, [row({}), row({ config: { d: 16, seqLen: 4 } })], '1.0.0', () => 'v'),
    );
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });
});
