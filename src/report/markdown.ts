import { num, percent } from './format.ts';
import { replayCommand, type ClaimSummary, type Report } from './model.ts';

const ratioText = (s: ClaimSummary) =>
  s.ratioRange ? (s.ratioRange[0] === s.ratioRange[1] ? num(s.ratioRange[0]) : `${num(s.ratioRange[0])} to ${num(s.ratioRange[1])}`) : 'n/a';

function finding(s: ClaimSummary, report: Report): string {
  const n = s.counts.holds + s.counts.deviates + s.counts.inconclusive;
  const w = s.worst;
  const status = s.unexpected ? '**unexpected**' : 'expected (recorded in fixtures/verdicts.json)';
  return [
    `### ${s.claim} (${s.regime})`,
    `${s.describe}: deviates in ${s.counts.deviates} of ${n} configs; measured/predicted ${ratioText(s)}; largest error ${percent(s.maxRelError)} of scale. Status: ${status}.`,
    ``,
    `Worst config: predicted ${num(w.predicted)}, measured ${num(w.measured)} +- ${num(w.stderr)} (${w.replicates} replicates).`,
    '```',
    replayCommand(w, report.run),
    '```',
  ].join('\n');
}

/** A report for people and CI job summaries: findings first, then every claim's verdicts. */
export function renderMarkdown(report: Report): string {
  const { run, summary } = report;
  const findings = report.claims.filter((s) => s.counts.deviates > 0);
  const unexpected = report.claims.filter((s) => s.unexpected > 0);
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
    `## Findings: claims that deviate`,
    ``,
    findings.length ? findings.map((s) => finding(s, report)).join('\n\n') : 'None: every claim held or was inconclusive.',
    ``,
  ];
  if (unexpected.length) {
    lines.push(`## Unexpected verdicts`, ``, ...unexpected.map((s) => `- ${s.claim} (${s.regime}): expected ${s.expected?.join(' or ') ?? 'nothing recorded'}, got ${s.unexpected} other`), ``);
  }
  lines.push(
    `## Verdicts per claim`,
    ``,
    `| claim | regime | holds | deviates | inconclusive | measured/predicted | max error | expected |`,
    `|---|---|---:|---:|---:|---|---:|---|`,
    ...report.claims.map(
      (s) =>
        `| ${s.claim} | ${s.regime} | ${s.counts.holds} | ${s.counts.deviates} | ${s.counts.inconclusive} | ${ratioText(s)} | ${percent(s.maxRelError)} | ${s.expected?.join(' / ') ?? '-'}${s.unexpected ? ' **(unexpected)**' : ''} |`,
    ),
    ``,
    `Errors are |measured - predicted| relative to the claim's scale: the prediction itself, or for means and covariances the spread of the same output. ` +
      `A claim **holds** when the gap is within noise and the measurement could have seen an error of ${percent(run.precision)}; it **deviates** when the gap exceeds noise at the family-wise level; otherwise it is **inconclusive**.`,
    ``,
  );
  return lines.join('\n');
}
