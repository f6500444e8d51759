import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderHtmlFiles } from '../src/report/html.ts';
import type { Report } from '../src/report/model.ts';
import { realReport } from './report-support.ts';

/*
 * Opens the HTML report of a small real run in Debian's chromium (.ci/install-browser.sh) and
 * checks what a reader would: summary and first finding on the first screen, working contents links,
 * plots drawn, findings complete, nothing fetched.
 */
const CHROMIUM = process.env.SIGPROP_CHROMIUM ?? '/usr/bin/chromium';
const SCREEN = { width: 1400, height: 900 };
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let report: Report;
let dir: string;
let browser: BrowserContext;

beforeAll(async () => {
  report = await realReport('relu.*,layernorm.backward.*');
  dir = mkdtempSync(join(tmpdir(), 'sigprop-report-'));
  for (const [name, html] of Object.entries(renderHtmlFiles(report))) writeFileSync(join(dir, name), html);
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: run .ci/install-browser.sh`);
  // a persistent context on a fresh directory: a clean profile every run
  browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: SCREEN,
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(name = 'report.html') {
  const page = await browser.newPage();
  const url = pathToFileURL(join(dir, name)).href;
  const requests: string[] = [];
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests };
}

it('shows the summary table and the first finding on the first screen at 1400x900', async () => {
  const { page, requests } = await open();
  const box = async (selector: string) => {
    const b = await page.locator(selector).first().boundingBox();
    if (!b) throw new Error(`${selector} is not laid out`);
    return b;
  };
  const summary = await box('#summary table');
  const first = await box('#findings .finding');
  expect(summary.y).toBeGreaterThan(0);
  expect(summary.y + summary.height).toBeLessThanOrEqual(SCREEN.height);
  // the first finding's headline (its whole box when it is an open unexpected one) is on screen
  const headline = await box('#findings .finding > :first-child');
  expect(headline.y + headline.height).toBeLessThanOrEqual(SCREEN.height);
  expect(first.y).toBeGreaterThan(summary.y + summary.height);
  // the first finding is the largest error: findings are ordered by |error| in units of scale
  const errors = await page.$$eval('#findings .finding .err', (els) =>
    els.map((e) => Math.abs(Number(e.textContent?.replace('\u2212', '-').replace('%', '')))),
  );
  expect(errors.length).toBeGreaterThan(0);
  expect(errors).toEqual([...errors].sort((a, b) => b - a));
  const rows = await page.locator('#summary tbody tr').count();
  expect(rows).toBe(new Set(report.claims.map((s) => s.component)).size);
  mkdirSync('reports/screenshots', { recursive: true });
  await page.screenshot({ path: 'reports/screenshots/report-first-screen.png' });
  expect(requests).toEqual([]);
  await page.close();
});

it('lists every deviating claim with its replay command', async () => {
  const { page } = await open();
  const deviating = report.claims.filter((s) => s.counts.deviates > 0).map((s) => `${s.claim} ${s.regime}`);
  expect(deviating.length, 'the sample run should contain a finding (LayerNorm backward)').toBeGreaterThan(0);
  const listed = await page.$$eval('#findings .finding', (els) =>
    els.map((e) => `${e.getAttribute('data-claim')} ${e.getAttribute('data-regime')}`),
  );
  expect(listed.sort()).toEqual(deviating.sort());
  // expected findings are collapsed: their replay is in the DOM, shown once opened
  const text = (await page.locator('#findings').textContent()) ?? '';
  for (const s of report.claims.filter((c) => c.counts.deviates > 0))
    expect(text).toContain(`npx sigprop check ${s.worst.claim}`);
  const collapsed = page.locator('#findings details.finding').first();
  if (await collapsed.count()) {
    await expect.poll(() => collapsed.locator('pre').isVisible()).toBe(false);
    await collapsed.locator('summary').click();
    await expect.poll(() => collapsed.locator('pre').isVisible()).toBe(true);
  }
  await page.close();
});

it('table-of-contents links lead to their sections', async () => {
  const { page } = await open();
  const targets = await page.$$eval('nav.toc > a', (as) => as.map((a) => a.getAttribute('href') ?? ''));
  expect(targets).toEqual(expect.arrayContaining(['#summary', '#findings', '#verdicts', '#plots', '#run']));
  for (const href of targets) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator(`nav.toc > a[href="${href}"]`).click();
    const top = await page.$eval(href, (el) => el.getBoundingClientRect().top);
    expect(await page.evaluate(() => location.hash)).toBe(href);
    expect(top, href).toBeGreaterThanOrEqual(-1);
    expect(top, href).toBeLessThan(SCREEN.height);
  }
  // the family links lead to the family's plots, on this page or on the family's own page
  const family = page.locator('nav.toc .families a').first();
  const familyHref = (await family.getAttribute('href')) ?? '';
  await family.click();
  await page.waitForLoadState('load');
  const id = familyHref.split('#')[1] ?? '';
  if (id) expect(await page.locator(`[id="${id}"]`).count()).toBe(1);
  else expect(await page.locator('section.family').count()).toBe(1);
  await page.close();
});

it('draws marks in every plot panel, on every page', async () => {
  const pages = Object.keys(renderHtmlFiles(report));
  let panels = 0;
  for (const name of pages) {
    const { page, requests } = await open(name);
    const plots = await page.$$eval('figure.plot svg', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const marks = svg.querySelectorAll('[aria-label="dot"] > *');
        const drawn = [...marks].filter((m) => (m as SVGGraphicsElement).getBBox().width > 0).length;
        return { width: box.width, height: box.height, marks: marks.length, drawn };
      }),
    );
    panels += plots.length;
    for (const p of plots) {
      expect(p.width).toBeGreaterThan(50);
      expect(p.height).toBeGreaterThan(50);
      expect(p.marks).toBeGreaterThan(0);
      expect(p.drawn).toBe(p.marks);
    }
    // tick labels readable at 100% zoom: at least 11 px
    const smallest = await page.$$eval('figure.plot svg', (svgs) =>
      Math.min(...svgs.map((s) => parseFloat(getComputedStyle(s).fontSize))),
    );
    if (plots.length) expect(smallest).toBeGreaterThanOrEqual(11);
    expect(requests).toEqual([]);
    await page.close();
  }
  const claims = new Set(report.results.map((r) => r.claim));
  expect(panels).toBeGreaterThanOrEqual(claims.size * 2);
});
