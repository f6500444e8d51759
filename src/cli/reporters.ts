import { InputError } from '../claims/params.ts';
import { num } from '../report/format.ts';
import { replayCommand, type ClaimSummary, type Report } from '../report/model.ts';

export const REPORTERS = ['junit', 'github'] as const;
export type Reporter = (typeof REPORTERS)[number];

/** `--reporter junit,github`: answered before the run. */
export function parseReporters(value: string | undefined): Reporter[] {
  if (value === undefined) return [];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names)
    if (!(REPORTERS as readonly string[]).includes(name))
      throw new InputError(`reporter: unknown reporter '${name}' (expected ${REPORTERS.join(', ')})`);
  return names as Reporter[];
}

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The unexpected results of one claim and regime, worst first. */
function unexpectedOf(report: Report, c: ClaimSummary) {
  return report.results
    .filter((r) => r.claim === c.claim && r.regime === c.regime && r.unexpected)
    .sort((a, b) => b.relError - a.relError);
}

const describeResult = (r: Report['results'][number]) =>
  `${r.verdict} (expected ${r.expected?.join(' or ') ?? 'nothing recorded'}): predicted ${num(r.predicted)}, measured ${num(r.measured)} +- ${num(r.stderr)}, error ${num(100 * r.relError, 3)}% of scale at ${JSON.stringify(r.config)}`;

/**
 * JUnit XML: one test suite per component, one test case per claim and regime. A case fails when
 * any of its verdicts is unexpected; the failure carries each such result and its replay command.
 * A case whose verdicts are all inconclusive is skipped: nothing was decided.
 */
export function renderJunit(report: Report): string {
  const byComponent = new Map<string, ClaimSummary[]>();
  for (const c of report.claims) byComponent.set(c.component, [...(byComponent.get(c.component) ?? []), c]);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const suites = [...byComponent.entries()].map(([component, claims]) => {
    const cases = claims.map((c) => {
      const results = report.results.filter((r) => r.claim === c.claim && r.regime === c.regime);
      const time = seconds(results.reduce((s, r) => s + r.elapsedMs, 0));
      const head = `    <testcase classname="${xml(component)}" name="${xml(`${c.claim} (${c.regime})`)}" time="${time}"`;
      const bad = unexpectedOf(report, c);
      if (bad.length) {
        const message = `${bad.length} of ${results.length} verdicts unexpected`;
        const body = bad
          .map((r) => `${describeResult(r)}\nreplay: ${replayCommand(r, report.run)}`)
          .join('\n\n');
        return `${head}>\n      <failure message="${xml(message)}" type="unexpected-verdict">${xml(body)}</failure>\n    </testcase>`;
      }
      if (c.counts.inconclusive === results.length)
        return `${head}>\n      <skipped message="inconclusive at this budget"/>\n    </testcase>`;
      return `${head}/>`;
    });
    const failures = claims.filter((c) => c.unexpected > 0).length;
    const skipped = claims.filter(
      (c) => c.unexpected === 0 && c.counts.holds + c.counts.deviates === 0,
    ).length;
    return `  <testsuite name="${xml(component)}" tests="${claims.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const total = report.claims.length;
  const failures = report.claims.filter((c) => c.unexpected > 0).length;
  const name = `sigprop verify --claims '${report.run.claims}' --budget ${report.run.budget} --seed ${report.run.seed}${report.run.complete ? '' : ' (PARTIAL)'}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(name)}" tests="${total}" failures="${failures}" time="${report.run.wallSeconds.toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** GitHub's workflow-command escaping of a message and of a property value. */
const ghData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProperty = (text: string) => ghData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * GitHub Actions annotations: `::error` for each claim and regime with an unexpected verdict (its
 * worst result and replay command), `::warning` for confirmed hunt findings and for a partial run.
 */
export function renderGithub(report: Report): string {
  const lines: string[] = [];
  if (!report.run.complete)
    lines.push(
      `::warning title=${ghProperty('sigprop: partial run')}::${ghData(`stopped early: ${report.summary.results} of ${report.run.comparisons} comparisons ran`)}`,
    );
  for (const c of report.claims) {
    const bad = unexpectedOf(report, c);
    if (!bad.length) continue;
    const worst = bad[0];
    lines.push(
      `::error title=${ghProperty(`${c.claim} (${c.regime}): ${bad.length} unexpected`)}::${ghData(`${describeResult(worst)}\nreplay: ${replayCommand(worst, report.run)}`)}`,
    );
  }
  for (const h of report.hunt ?? [])
    if (h.finding)
      lines.push(
        `::warning title=${ghProperty(`${h.claim} (${h.regime}): hunt finding`)}::${ghData(`error ${num(h.worst.error, 3)} x scale at ${JSON.stringify(h.worst.config)}\nreplay: ${h.replay}`)}`,
      );
  return lines.length ? `${lines.join('\n')}\n` : '';
}
