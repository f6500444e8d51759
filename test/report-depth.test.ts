import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DepthReport } from '../src/report/depthReport.ts';

const BIN = new URL('../bin/sigprop.js', import.meta.url).pathname;

let dir: string;
let stderr: string;
let stdout: string;
let report: DepthReport;
const file = (name: string) => readFileSync(join(dir, name), 'utf8');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sigprop-depth-report-'));
  // 4 layers: the slope law is compared too; a narrow model leaves some comparisons undecided
  const run = spawnSync(
    process.execPath,
    [
      BIN,
      'depth',
      '--layers',
      '4',
      '--width',
      '16',
      '--heads',
      '2',
      '--seq',
      '8',
      '--budget',
      'quick',
      '--out',
      dir,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
      timeout: 120_000,
    },
  );
  ({ stderr, stdout } = run);
  report = JSON.parse(file('depth.json')) as DepthReport;
}, 150_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('depth reports', () => {
  it('say the same verdict counts on stderr, stdout, depth.md and depth.html', () => {
    const { holds, deviates, inconclusive } = report.summary;
    expect(holds + deviates + inconclusive).toBe(report.run.comparisons);
    const looks = stderr.split('\n').filter((l) => l.includes('comparisons undecided'));
    expect(looks.at(-1)).toContain(`${inconclusive} of ${report.run.comparisons} comparisons undecided`);
    const counts = `${holds} holds, ${deviates} deviates, ${inconclusive} inconclusive`;
    expect(stdout).toContain(counts);
    expect(file('depth.md')).toContain(counts);
    expect(file('depth.html')).toContain(counts);
  });

  it('writes Markdown a CI job summary renders: tables, no images or relative links', () => {
    const md = file('depth.md');
    expect(md).not.toMatch(/!\[|\]\(/);
    expect(md).toContain('## Key numbers');
    for (const claim of new Set(report.results.map((r) => r.claim)))
      expect(md).toMatch(
        new RegExp(
          `^\\| ${claim.replace(/\./g, '\\.')} \\| \\d+ \\| \\d+ \\| \\d+ \\| [+\u2212]?[\\d.e+-]+% \\|`,
          'm',
        ),
      );
  });

  it('writes one self-contained depth.html with the three plots captioned by config and budget', () => {
    const html = file('depth.html');
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    expect(html.match(/<figure class="plot"/g)).toHaveLength(3);
    const captions = [...html.matchAll(/<figcaption>(.*?)<\/figcaption>/g)].map((m) => m[1]);
    for (const c of captions) expect(c).toMatch(/4 layers, d = 16, 2 heads, L = 8, .*budget quick, seed 1/);
    // the standalone SVGs carry the same config line
    expect(file('forward-variance.svg')).toContain('4 layers, d = 16, 2 heads, L = 8');
  });
});
