import type { VerifiedResult } from '../claims/expected.ts';
import { num, percent } from './format.ts';
import { replayCommand, type ClaimSummary, type Report } from './model.ts';
import { errorByParameter, predictedVsMeasured, REGIME_SYMBOLS, VERDICT_COLOURS, varyingParameters } from './plots.ts';

/** Escapes text for element content and double-quoted attributes alike. */
export const esc = (text: string | number) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const SYMBOL_GLYPHS = ['\u25cf', '\u25a0', '\u25b2', '\u25c6', '\u2605', '\u271a', '\u2731'];
const anchor = (claim: string) => `claim-${claim.replace(/[^A-Za-z0-9_-]/g, '-')}`;
const total = (s: ClaimSummary) => s.counts.holds + s.counts.deviates + s.counts.inconclusive;
/** Enough digits that a ratio off 1 does not print as 1 (tight budgets find 1e-5 deviations). */
const ratioNum = (x: number) => num(x, Math.abs(x - 1) < 5e-4 ? Math.min(9, 2 - Math.floor(Math.log10(Math.abs(x - 1) || 1e-9))) : 4);
const ratioText = (s: ClaimSummary) =>
  s.ratioRange ? (s.ratioRange[0] === s.ratioRange[1] ? ratioNum(s.ratioRange[0]) : `${ratioNum(s.ratioRange[0])} to ${ratioNum(s.ratioRange[1])}`) : 'n/a (prediction 0)';
const verdictBadge = (v: string) => `<span class="badge v-${esc(v)}">${esc(v)}</span>`;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212529;max-width:1180px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #dee2e6;padding-bottom:4px}h3{font-size:15px;margin:18px 0 4px}
.lead{font-size:15px;background:#f8f9fa;border-left:4px solid #868e96;padding:10px 14px}
.lead.bad{border-color:#c92a2a;background:#fff5f5}.lead.ok{border-color:#2b8a3e}
.finding{border:1px solid #dee2e6;border-left:4px solid ${VERDICT_COLOURS.deviates};padding:2px 12px;margin:6px 0;border-radius:3px}.finding h3{margin:6px 0 2px}.finding p{margin:2px 0}
.finding.unexpected{border-color:#c92a2a;border-width:2px 2px 2px 6px;background:#fff5f5}
.loud{color:#fff;background:#c92a2a;font-weight:700;padding:1px 6px;border-radius:3px;text-transform:uppercase;font-size:12px}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{background:#f1f3f5;padding:6px 8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all;margin:4px 0}
table{border-collapse:collapse;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid #e9ecef;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.unexpected td{background:#fff5f5}
.badge{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;color:#fff}
${Object.entries(VERDICT_COLOURS).map(([v, c]) => `.v-${v}{background:${c}}`).join('')}
.v-inconclusive{color:#212529}
.figs{display:grid;grid-template-columns:310px 1fr;gap:8px;align-items:start}.params{display:flex;flex-wrap:wrap;gap:4px}figure.plot{margin:0}figure.plot svg{display:block;background:#fff;max-width:100%;height:auto}figure.plot svg text{white-space:pre}
figcaption{font-size:11px;color:#495057;max-width:300px}.params-note{font-size:11px;color:#495057;margin:0 0 2px}
.claim{border-top:1px solid #e9ecef;padding-top:4px}
.legend{font-size:12px;color:#495057;margin:4px 0}.legend span{margin-right:12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px}dt{color:#495057}dd{margin:0}
`;

function finding(s: ClaimSummary, report: Report): string {
  const w = s.worst;
  return `<article class="finding${s.unexpected ? ' unexpected' : ''}" data-claim="${esc(s.claim)}" data-regime="${esc(s.regime)}">
<h3>${s.unexpected ? '<span class="loud">unexpected</span> ' : ''}<a href="#${anchor(s.claim)}">${esc(s.claim)}</a> in regime <em>${esc(s.regime)}</em></h3>
<p>${esc(s.describe)} deviates from the formula in <strong>${s.counts.deviates} of ${total(s)}</strong> configs: measured/predicted <strong>${esc(ratioText(s))}</strong>, largest error <strong>${esc(percent(s.maxRelError))}</strong> of scale. ${
    s.unexpected
      ? `<strong>Not expected</strong>: ${s.unexpected} verdict(s) contradict ${s.expected ? `the recorded expectation (${esc(s.expected.join(' or '))})` : 'nothing recorded'} in fixtures/verdicts.json.`
      : 'This deviation is expected (recorded in fixtures/verdicts.json).'
  }</p>
<p>Worst config: predicted ${esc(num(w.predicted))}, measured ${esc(num(w.measured))} &plusmn; ${esc(num(w.stderr))} (difference ${esc(num(w.measured - w.predicted))}, ${w.replicates} replicates). Replay:</p>
<pre>${esc(replayCommand(w, report.run))}</pre>
</article>`;
}

function largest(deviating: ClaimSummary[]): string {
  const s = deviating.reduce((a, b) => (b.maxRelError > a.maxRelError ? b : a));
  return `<strong>${esc(s.claim)}</strong> (${esc(s.regime)}): error up to ${esc(percent(s.maxRelError))} of scale, measured/predicted ${esc(ratioText(s))}`;
}

function leadParagraph(report: Report): string {
  const { summary: s, run } = report;
  const claims = new Set(report.claims.map((c) => c.claim)).size;
  const deviating = report.claims.filter((c) => c.counts.deviates > 0);
  const components = [...new Set(deviating.map((c) => c.component))];
  const where = components.map((k) => `${k} (${[...new Set(deviating.filter((c) => c.component === k).map((c) => c.regime))].join(', ')})`);
  const bad = s.unexpected > 0 || !run.complete;
  return `<p class="lead ${bad ? 'bad' : 'ok'}">${s.results} comparisons of ${claims} claims in ${report.claims.length} claim/regime pairs: <strong>${s.holds} hold, ${s.deviates} deviate, ${s.inconclusive} inconclusive</strong>. ${
    s.unexpected === 0 ? 'Every verdict matches the recorded expectations.' : `<span class="loud">${s.unexpected} unexpected</span> verdict(s): see Findings.`
  } ${deviating.length ? `Deviations are confined to ${esc(where.join('; '))}; the largest is ${largest(deviating)}.` : 'No formula deviates.'}${run.complete ? '' : ' <strong>The run was stopped early: results are partial.</strong>'} Budget <code>${esc(run.budget)}</code>, engine <code>${esc(run.engine.name)}</code>, seed ${run.seed}.</p>`;
}

function verdictTable(report: Report): string {
  const rows = report.claims.map(
    (s) => `<tr${s.unexpected ? ' class="unexpected"' : ''}><td><a href="#${anchor(s.claim)}">${esc(s.claim)}</a></td><td>${esc(s.regime)}</td><td class="n">${s.counts.holds}</td><td class="n">${s.counts.deviates}</td><td class="n">${s.counts.inconclusive}</td><td>${esc(ratioText(s))}</td><td class="n">${esc(percent(s.maxRelError))}</td><td>${esc(s.expected?.join(' / ') ?? '-')}${s.unexpected ? ' <span class="loud">unexpected</span>' : ''}</td></tr>`,
  );
  return `<table><thead><tr><th>claim</th><th>regime</th><th>holds</th><th>deviates</th><th>inconclusive</th><th>measured/predicted</th><th>max error</th><th>expected</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function figure(svg: string, caption: string): string {
  return `<figure class="plot">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

function claimSection(claim: string, results: VerifiedResult[], report: Report): string {
  const summaries = report.claims.filter((s) => s.claim === claim);
  const regimes = summaries.map((s) => s.regime);
  const legend = regimes.map((r, i) => `<span>${SYMBOL_GLYPHS[i % REGIME_SYMBOLS.length]} ${esc(r)}</span>`).join('');
  const pvm = predictedVsMeasured(results, regimes);
  const main = pvm.svg ? figure(pvm.svg, `|measured| vs |predicted|, bars \u00b12 stderr, dashed y = x${pvm.dropped ? `; ${pvm.dropped} point(s) with value 0 not shown` : ''}`) : `<p>${pvm.dropped} point(s), all with value 0: nothing to show on log axes.</p>`;
  const panels = varyingParameters(results).map((p) => `<figure class="plot">${errorByParameter(results, regimes, p, report.run.precision)}</figure>`);
  const verdicts = summaries.map((s) => `${esc(s.regime)}: ${(['holds', 'deviates', 'inconclusive'] as const).filter((v) => s.counts[v]).map((v) => `${s.counts[v]} ${verdictBadge(v)}`).join(' ')}`);
  return `<section class="claim" id="${anchor(claim)}"><h3>${esc(claim)} <small>&mdash; ${esc(summaries[0].describe)}</small></h3>
<div class="legend">${legend} &nbsp; ${verdicts.join(' &nbsp; ')}</div><div class="figs"><div>${main}</div><div><p class="params-note">Relative error by config parameter; bars \u00b12 stderr/scale, dashed line: precision ${esc(percent(report.run.precision))}.</p><div class="params">${panels.join('')}</div></div></div></section>`;
}

function runSection(report: Report): string {
  const { run } = report;
  const e = run.engine;
  const rows: [string, string][] = [
    ['command', run.command],
    ['claims', run.claims],
    ['budget', `${run.budget} (precision ${percent(run.precision)}, family-wise alpha ${run.familyAlpha} over ${run.comparisons} comparisons)`],
    ['seed', String(run.seed)],
    ...(run.shard ? ([['shard', run.shard]] as [string, string][]) : []),
    ['engine', `${e.name} (backend ${e.backend}, tfjs ${e.tfjsVersion}${e.adapter ? `, ${e.adapter}` : ''}${e.matMul ? `, matMul ${e.matMul}` : ''}${e.exactReductions ? ', exact reductions' : ''})`],
    ['versions', `sigprop ${report.tool.version}, Node ${run.node}, report schema ${report.schema} v${report.schemaVersion}`],
    ['started', run.startedAt],
    ['wall time', `${num(run.wallSeconds, 3)} s${run.jobs ? ` on ${run.jobs} worker${run.jobs > 1 ? 's' : ''}` : ''}${run.complete ? '' : ' (stopped early)'}`],
  ];
  return `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

/** One self-contained page: inline CSS and SVG, no scripts, nothing fetched. */
export function renderHtml(report: Report): string {
  // unexpected first, then the largest errors: what a reader should look at first
  const findings = report.claims.filter((s) => s.counts.deviates > 0).sort((a, b) => b.unexpected - a.unexpected || b.maxRelError - a.maxRelError);
  const byClaim = new Map<string, VerifiedResult[]>();
  for (const r of report.results) byClaim.set(r.claim, [...(byClaim.get(r.claim) ?? []), r]);
  const keys = Object.keys(VERDICT_COLOURS) as (keyof typeof VERDICT_COLOURS)[];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>sigprop ${esc(report.run.command)} report: ${report.summary.deviates} deviate, ${report.summary.unexpected} unexpected</title><style>${CSS}</style></head><body>
<h1>sigprop ${esc(report.run.command)} report</h1>
${leadParagraph(report)}
<section id="findings"><h2>Findings: claims that deviate</h2>
${findings.length ? findings.map((s) => finding(s, report)).join('\n') : '<p>None: every claim held or was inconclusive.</p>'}
</section>
<section id="verdicts"><h2>Verdicts per claim and regime</h2>${verdictTable(report)}
<p>Errors are |measured &minus; predicted| relative to the claim's scale. A claim <strong>holds</strong> when the gap is within noise and the measurement could have seen an error of ${esc(percent(report.run.precision))}; it <strong>deviates</strong> when the gap exceeds noise at the family-wise level; otherwise it is <strong>inconclusive</strong>.</p></section>
<section id="plots"><h2>Per claim: predicted vs measured, and error by parameter</h2>
<p class="legend">${keys.map((k) => `<span>${verdictBadge(k)}</span>`).join('')} <span>black ring: unexpected verdict</span> <span>symbol: regime</span> <span>hover a point for its config</span></p>
${[...byClaim].map(([claim, results]) => claimSection(claim, results, report)).join('\n')}
</section>
<section id="run"><h2>Run</h2>${runSection(report)}</section>
</body></html>
`;
}
