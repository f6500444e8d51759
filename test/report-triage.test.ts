import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VerifiedResult } from '../src/claims/expected.ts';
import { configJson, exact } from '../src/report/format.ts';
import { renderHtml, renderHtmlFiles } from '../src/report/html.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { buildReport, replayCommand, type HuntRecord, type Report } from '../src/report/model.ts';
import { predictedVsMeasured } from '../src/report/plots.ts';
import { familyRows, findings, huntRecords, signedError } from '../src/report/triage.ts';

const row = (over: Partial<VerifiedResult>): VerifiedResult => ({
  claim: 'layernorm.backward.var',
  component: 'layernorm',
  regime: 'narrow',
  config: { sigmaX: 2.3, d: 4 },
  predicted: 1,
  measured: 1.5,
  stderr: 0.01,
  relError: 0.5,
  ratio: 1.5,
  scale: 1,
  resolution: 0.05,
  criticalValue: 4.5,
  tolerance: 0,
  verdict: 'deviates',
  replicates: 16,
  batch: 4096,
  seed: 1,
  backend: 'wasm',
  samples: 1 << 16,
  elapsedMs: 9,
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
  wallSeconds: 1,
  complete: true,
  comparisons: 6,
};

/** errors in units of scale: relError and ratio follow measured, predicted and scale */
const result = (
  claim: string,
  component: string,
  predicted: number,
  measured: number,
  scale: number,
  over: Partial<VerifiedResult> = {},
) =>
  row({
    claim,
    component,
    predicted,
    measured,
    scale,
    relError: Math.abs(measured - predicted) / scale,
    ratio: measured / predicted,
    ...over,
  });

const sample = (): Report =>
  buildReport(
    run,
    [
      // small expected deviation, large expected over-prediction, a smaller unexpected one, a mean that holds
      result('layernorm.forward.var', 'layernorm', 1, 1.0001, 1),
      result('sha.backward.var', 'sha', 2, 0.5, 2),
      result('relu.forward.var', 'relu', 1, 1.1, 1, { expected: ['holds'], unexpected: true }),
      result('relu.forward.mean', 'relu', 0, 0.001, 0.5, { verdict: 'holds', expected: ['holds'] }),
      result('relu.forward.mean', 'relu', 0, -0.002, 0.4, {
        verdict: 'holds',
        expected: ['holds'],
        config: { sigmaX: 1, d: 8 },
      }),
    ],
    '1.0.0',
    (id) => `description of ${id}`,
  );

describe('exact numbers in replay commands', () => {
  it('prints the shortest text that parses back to the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = exact(x);
        expect(Number(text)).toBe(x === 0 ? 0 : x);
        expect(text.length).toBeLessThanOrEqual(String(x).length);
      }),
    );
    expect(exact(0.00001805)).toBe('1.805e-5');
    expect(exact(0.3)).toBe('0.3');
    expect(exact(512)).toBe('512');
  });

  it('writes a config JSON.parse reads back exactly', () => {
    const config = {
      sigmaX: 0.29999999999999993,
      rX: 9.499999999999999e-7,
      d: 184,
      muX: -1.8993800000000007,
    };
    expect(JSON.parse(configJson(config))).toEqual(config);
    expect(configJson({ rX: 0.0000095, d: 17 })).toBe('{"rX":9.5e-6,"d":17}');
    const command = replayCommand(row({ config: { rX: 0.0000095, d: 17 } }), run);
    expect(command).toContain(`--config '{"rX":9.5e-6,"d":17}'`);
  });
});

describe('triage order', () => {
  it('puts unexpected findings first, then the largest |error| in units of scale, with its sign', () => {
    const list = findings(sample());
    expect(list.map((f) => f.summary.claim)).toEqual([
      'relu.forward.var',
      'sha.backward.var',
      'layernorm.forward.var',
    ]);
    expect(list[1].error).toBeCloseTo(-0.75);
    expect(list[0].error).toBeCloseTo(0.1);
    expect(signedError({ measured: 0.5, predicted: 2, scale: 2 })).toBeCloseTo(-0.75);
  });

  it('summarises each family, unexpected first, with its worst error from the draws', () => {
    const rows = familyRows(sample());
    expect(rows.map((r) => r.family)).toEqual(['relu', 'sha', 'layernorm']);
    expect(rows[0]).toMatchObject({
      pairs: 2,
      unexpected: 1,
      counts: { holds: 2, deviates: 1, inconclusive: 0 },
    });
    expect(rows[0].worst).toMatchObject({ claim: 'relu.forward.var', source: 'draws' });
    expect(rows[1].worst.error).toBeCloseTo(-0.75);
  });

  it("takes a family's worst error from the hunt when report.json has one", () => {
    const hunt: HuntRecord = {
      claim: 'layernorm.forward.var',
      regime: 'narrow',
      worst: {
        config: { sigmaX: 0.3, d: 2 },
        predicted: 1,
        measured: 0.2,
        stderr: 0.01,
        ratio: 0.2,
        error: -0.8,
        errorStderr: 0.01,
      },
      drivers: [{ key: 'd', effect: -0.7 }],
      evaluations: 120,
      seed: 3,
      replay: `npx sigprop check layernorm.forward.var --config '{"sigmaX":0.3,"d":2}' --seed 3 --budget quick`,
      finding: true,
      map: {
        x: 'd',
        y: 'sigmaX',
        xs: [2, 4],
        ys: [0.3, 1],
        error: [
          [-0.8, -0.1],
          [-0.2, 0],
        ],
        errorStderr: [
          [0.01, 0.01],
          [0.01, 0.01],
        ],
        boundary: 'd < 4',
      },
    };
    // a larger but unconfirmed error in the same family: the family's worst, listed after the finding
    const noisy: HuntRecord = {
      ...hunt,
      claim: 'layernorm.forward.var',
      regime: 'wide',
      worst: { ...hunt.worst, error: 1.5, errorStderr: 1 },
      finding: false,
      replay: 'npx sigprop check noisy',
    };
    // extra fields other helpers may add must not break rendering
    const report = {
      ...sample(),
      hunt: [noisy, { ...hunt, huntSeed: 1 }],
      pins: [{ anything: 1 }],
    } as unknown as Report;
    const layernorm = familyRows(report).find((r) => r.family === 'layernorm');
    expect(layernorm?.worst).toMatchObject({ source: 'hunt', error: 1.5, replay: 'npx sigprop check noisy' });
    expect(huntRecords(report).map((h) => h.regime)).toEqual(['narrow', 'wide']);
    const md = renderMarkdown(report);
    expect(md).toContain('## Hunt');
    expect(md).toContain('d < 4');
    expect(md).toContain(hunt.replay);
    const html = renderHtml(report);
    expect(html).toContain('id="hunt"');
    expect(html).toContain('href="#hunt"');
    expect(html).toContain('\u221280%');
    expect(html).toMatch(
      /<article class="hunt found" data-claim="layernorm\.forward\.var" data-regime="narrow">/,
    );
    expect(html).toMatch(/<details class="hunt" data-claim="layernorm\.forward\.var" data-regime="wide">/);
  });
});

describe('Markdown for a CI job summary', () => {
  const md = renderMarkdown(sample());

  it('opens with the summary table, then findings by size, expected ones collapsed', () => {
    const at = (text: string) => md.indexOf(text);
    expect(at('## Summary')).toBeGreaterThan(0);
    expect(at('## Summary')).toBeLessThan(at('## Findings'));
    expect(at('## Findings')).toBeLessThan(at('## Verdicts per claim'));
    expect(at('UNEXPECTED: relu.forward.var')).toBeLessThan(at('sha.backward.var (narrow): \u221275%'));
    expect(at('sha.backward.var (narrow)')).toBeLessThan(at('layernorm.forward.var (narrow)'));
    expect(md).toMatch(/<details><summary><b>sha\.backward\.var \(narrow\): \u221275% of scale<\/b>/);
    expect(md).not.toMatch(/<details><summary><b>relu\.forward\.var/);
    expect(md).toContain('[Summary](#summary)');
  });

  it('links no images or relative files and never prints a ratio for a prediction of 0', () => {
    expect(md).not.toMatch(/!\[|\]\((?!#)/);
    expect(md).not.toMatch(/NaN|Infinity|n\/a/);
    const meanRow = md.split('\n').find((l) => l.startsWith('| relu.forward.mean'));
    expect(meanRow).toContain('\u22120.5% to +0.2%');
  });
});

describe('HTML layout', () => {
  it('orders summary, findings, verdicts, plots, and collapses expected findings only', () => {
    const html = renderHtml(sample());
    const at = (text: string) => html.indexOf(text);
    expect(at('id="toc"')).toBeLessThan(at('id="summary"'));
    expect(at('id="summary"')).toBeLessThan(at('id="findings"'));
    expect(at('id="findings"')).toBeLessThan(at('id="verdicts"'));
    expect(at('id="verdicts"')).toBeLessThan(at('id="plots"'));
    expect(html).toMatch(/<article class="finding unexpected" data-claim="relu\.forward\.var"/);
    expect(html).toMatch(/<details class="finding" data-claim="sha\.backward\.var"/);
    for (const target of html.matchAll(/href="#([^"]+)"/g))
      expect(html, target[1]).toContain(`id="${target[1]}"`);
  });

  it('splits the plots into one page per family when the page would be too big', () => {
    const report = sample();
    const one = renderHtmlFiles(report);
    expect(Object.keys(one)).toEqual(['report.html']);
    const split = renderHtmlFiles(report, 1000);
    expect(Object.keys(split).sort()).toEqual([
      'report-layernorm.html',
      'report-relu.html',
      'report-sha.html',
      'report.html',
    ]);
    expect(split['report.html']).not.toContain('<svg');
    expect(split['report.html']).toContain('href="report-sha.html#claim-sha-backward-var"');
    expect(split['report-relu.html']).toContain('id="claim-relu-forward-mean"');
    expect(split['report-relu.html']).not.toContain('id="claim-sha-backward-var"');
    for (const page of Object.values(split))
      expect(page).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
  });

  it('plots a mean claim (prediction 0) on linear axes instead of an empty log panel', () => {
    const means = sample().results.filter((r) => r.claim === 'relu.forward.mean');
    const { svg, log } = predictedVsMeasured(means, ['narrow']);
    expect(log).toBe(false);
    expect(svg.match(/<g aria-label="dot">.*?<\/g>/s)?.[0].match(/<path/g)).toHaveLength(2);
  });
});
