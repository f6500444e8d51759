import { configJson, num, percent, signedPercent } from './format.ts';
import { replayCommand, type Report } from './model.ts';
import {
  direction,
  errorRange,
  familyRows,
  findings,
  huntRecords,
  ratioMeaningful,
  resultsByPair,
  groupKey,
  type Finding,
} from './triage.ts';

const total = (c: Record<string, number>) => (c.holds ?? 0) + (c.deviates ?? 0) + (c.inconclusive ?? 0);
const range = ([lo, hi]: [number, number]) =>
  lo === hi ? signedPercent(lo) : `${signedPercent(lo)} to ${signedPercent(hi)}`;
/** Table cells must not break the row. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export const SIGN_NOTE =
  'Errors are (measured \u2212 predicted) / scale, signed: + where the formula under-predicts, \u2212 where it over-predicts. ' +
  'The scale is the prediction itself, or for means and covariances the spread of the same output.';

function findingText(f: Finding, report: Report): string {
  const s = f.summary;
  const w = s.worst;
  const status = s.unexpected
    ? `**unexpected**: ${s.unexpected} verdict(s) contradict ${s.expected ? `the recorded expectation (${s.expected.join(' or ')})` : 'nothing recorded'} in fixtures/verdicts.json`
    : 'expected (recorded in fixtures/verdicts.json)';
  return [
    `${s.describe}: deviates in ${s.counts.deviates} of ${total(s.counts)} configs; error ${range(f.range)} of scale. Status: ${status}.`,
    '',
    `Worst config: predicted ${num(w.predicted)}, measured ${num(w.measured)} \u00b1 ${num(w.stderr)} (${w.replicates} replicates): ` +
      `${signedPercent(f.error)} of scale, ${direction(f.error)}${ratioMeaningful(w) ? `, measured/predicted ${num(w.measured / w.predicted)}` : ''}.`,
    '```',
    replayCommand(w, report.run),
    '```',
  ].join('\n');
}

function finding(f: Finding, report: Report): string {
  const s = f.summary;
  const head = `${s.claim} (${s.regime}): ${signedPercent(f.error)} of scale`;
  // unexpected ones open; expected ones collapsed, one line each until opened
  if (s.unexpected) return [`### UNEXPECTED: ${head}`, '', findingText(f, report)].join('\n');
  return [
    `<details><summary><b>${head}</b>, deviates in ${s.counts.deviates} of ${total(s.counts)}, expected</summary>`,
    '',
    findingText(f, report),
    '',
    '</details>',
  ].join('\n');
}

function summaryTable(report: Report): string[] {
  return [
    '| family | unexpected | deviates | inconclusive | holds | worst error / scale | where | from |',
    '|---|---:|---:|---:|---:|---:|---|---|',
    ...familyRows(report).map(
      (f) =>
        `| ${f.family} | ${f.unexpected ? `**${f.unexpected}**` : 0} | ${f.counts.deviates} | ${f.counts.inconclusive} | ${f.counts.holds} | ` +
        `${signedPercent(f.worst.error)} | ${cell(`${f.worst.claim} (${f.worst.regime})`)} | ${f.worst.source === 'hunt' ? 'hunt' : 'random draws'} |`,
    ),
  ];
}

function huntSection(report: Report): string[] {
  const records = huntRecords(report);
  if (!records.length) return [];
  return [
    '## Hunt',
    '',
    'The search for each claim\u2019s worst config in each regime: the largest error it found and how to replay it.',
    '',
    '| claim | regime | worst error / scale | \u00b1 | finding | top drivers | evaluations | boundary |',
    '|---|---|---:|---:|---|---|---:|---|',
    ...records.map(
      (h) =>
        `| ${cell(h.claim)} | ${cell(h.regime)} | ${signedPercent(h.worst.error)} | ${percent(h.worst.errorStderr)} | ${h.finding ? '**yes**' : 'no'} | ` +
        `${cell(
          h.drivers
            .slice(0, 3)
            .map((d) => `${d.key} ${num(d.effect, 2)}`)
            .join(', ') || '-',
        )} | ${h.evaluations} | ${cell(h.map?.boundary ?? '-')} |`,
    ),
    '',
    ...records.flatMap((h) => [
      `- ${h.claim} (${h.regime}), worst at \`${configJson(h.worst.config)}\`:`,
      '',
      '  ```',
      `  ${h.replay}`,
      '  ```',
    ]),
    '',
  ];
}

/**
 * A report for people and CI job summaries (no images, no relative links): the summary per claim
 * family first, then findings by the size of their error, the hunt, and every claim's verdicts.
 */
export function renderMarkdown(report: Report): string {
  const { run, summary } = report;
  const list = findings(report);
  const unexpected = list.filter((f) => f.summary.unexpected > 0).length;
  const hunted = huntRecords(report).length > 0;
  const pairs = resultsByPair(report);
  const lines = [
    `# sigprop ${run.command} report`,
    ``,
    `${summary.results} comparisons: **${summary.holds} holds, ${summary.deviates} deviates, ${summary.inconclusive} inconclusive**; ` +
      `${summary.unexpected === 0 ? 'every verdict as expected' : `**${summary.unexpected} unexpected**`}.` +
      (run.complete ? '' : ' **Stopped early: partial results.**'),
    ``,
    `Budget \`${run.budget}\` (holds needs precision ${percent(run.precision)}; family-wise false-alarm budget ${run.familyAlpha} over ${run.comparisons} comparisons), ` +
      `engine \`${run.engine.name}\` (tfjs ${run.engine.tfjsVersion}${run.engine.matMul ? `, matMul ${run.engine.matMul}` : ''}), seed ${run.seed}, claims \`${run.claims}\`${run.shard ? `, shard ${run.shard}` : ''}, ` +
      `${num(run.wallSeconds, 3)} s wall${run.jobs ? ` on ${run.jobs} worker${run.jobs > 1 ? 's' : ''}` : ''}, ${run.node}, sigprop ${report.tool.version}.`,
    ``,
    `Contents: [Summary](#summary) \u00b7 [Findings: ${list.length}, ${unexpected} unexpected](#findings)` +
      `${hunted ? ' \u00b7 [Hunt](#hunt)' : ''} \u00b7 [Verdicts per claim](#verdicts-per-claim) \u00b7 plots in report.html`,
    ``,
    `## Summary`,
    ``,
    ...summaryTable(report),
    ``,
    SIGN_NOTE +
      (hunted
        ? ' Worst errors come from the hunt where it searched the family, else from the random draws.'
        : ''),
    ``,
    `## Findings`,
    ``,
    list.length
      ? list.map((f) => finding(f, report)).join('\n\n')
      : 'None: every claim held or was inconclusive, as expected.',
    ``,
    ...huntSection(report),
    `## Verdicts per claim`,
    ``,
    `| claim | regime | holds | deviates | inconclusive | error / scale | expected |`,
    `|---|---|---:|---:|---:|---|---|`,
    ...report.claims.map(
      (s) =>
        `| ${s.claim} | ${s.regime} | ${s.counts.holds} | ${s.counts.deviates} | ${s.counts.inconclusive} | ${range(errorRange(pairs.get(groupKey(s)) ?? [s.worst]))} | ` +
        `${s.expected?.join(' / ') ?? '-'}${s.unexpected ? ' **(unexpected)**' : ''} |`,
    ),
    ``,
    `A claim **holds** when the gap is within noise and the measurement could have seen an error of ${percent(run.precision)}; ` +
      `it **deviates** when the gap exceeds noise at the family-wise level; otherwise it is **inconclusive**.`,
    ``,
  ];
  return lines.join('\n');
}
