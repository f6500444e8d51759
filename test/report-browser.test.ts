import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderHtml } from '../src/report/html.ts';
import type { Report } from '../src/report/model.ts';
import { realReport } from './report-support.ts';

/*
 * Opens the HTML report of a small real run in Debian's chromium (.ci/install-browser.sh) and
 * checks what a reader would: plots drawn, findings complete, nothing fetched.
 */
const CHROMIUM = process.env.SIGPROP_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let report: Report;
let dir: string;
let browser: BrowserContext;

beforeAll(async () => {
  report = await realReport('relu.*,layernorm.backward.*');
  dir = mkdtempSync(join(tmpdir(), 'sigprop-report-'));
  writeFileSync(join(dir, 'report.html'), renderHtml(report));
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: run .ci/install-browser.sh`);
  // a persistent context on a fresh directory: a clean profile every run
  browser = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, args: ARGS, headless: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('renders every plot, lists every deviating claim, and fetches nothing', async () => {
  const page = await browser.newPage();
  const url = pathToFileURL(join(dir, 'report.html')).href;
  const requests: string[] = [];
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });

  const plots = await page.$$eval('figure.plot svg', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      const marks = svg.querySelectorAll('[aria-label="dot"] > *');
      const drawn = [...marks].filter((m) => (m as SVGGraphicsElement).getBBox().width > 0).length;
      return { width: box.width, height: box.height, marks: marks.length, drawn };
    }),
  );
  const claims = new Set(report.results.map((r) => r.claim));
  expect(plots.length).toBeGreaterThanOrEqual(claims.size * 2);
  for (const p of plots) {
    expect(p.width).toBeGreaterThan(50);
    expect(p.height).toBeGreaterThan(50);
    expect(p.marks).toBeGreaterThan(0);
    expect(p.drawn).toBe(p.marks);
  }

  const deviating = report.claims.filter((s) => s.counts.deviates > 0).map((s) => `${s.claim} ${s.regime}`);
  expect(deviating.length, 'the sample run should contain a finding (LayerNorm backward)').toBeGreaterThan(0);
  const listed = await page.$$eval('#findings .finding', (els) => els.map((e) => `${e.getAttribute('data-claim')} ${e.getAttribute('data-regime')}`));
  expect(listed.sort()).toEqual(deviating.sort());
  const text = await page.locator('#findings').innerText();
  for (const s of report.claims.filter((c) => c.counts.deviates > 0)) expect(text).toContain(`npx sigprop check ${s.worst.claim}`);

  expect(requests).toEqual([]);
  mkdirSync('reports/screenshots', { recursive: true });
  await page.setViewportSize({ width: 1280, height: 1600 });
  await page.screenshot({ path: 'reports/screenshots/report.png' });
  await page.locator('section.claim').first().screenshot({ path: 'reports/screenshots/claim.png' });
  await page.close();
});
