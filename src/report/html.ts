import type { VerifiedResult } from '../claims/expected.ts';
import { configJson, num, percent, signedPercent } from './format.ts';
import { SIGN_NOTE } from './markdown.ts';
import { validityMapSvg } from './maps.ts';
import { replayCommand, type HuntRecord, type Report } from './model.ts';
import {
  errorByParameter,
  predictedVsMeasured,
  REGIME_SYMBOLS,
  VERDICT_COLOURS,
  varyingParameters,
} from './plots.ts';
import {
  direction,
  errorRange,
  familyOf,
  familyRows,
  findings,
  groupKey,
  huntRecords,
  ratioMeaningful,
  resultsByPair,
  type Finding,
} from './triage.ts';

/** Escapes text for element content and double-quoted attributes alike. */
export const esc = (text: string | number) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** Above this many bytes one page is split: plots go to one page per claim family. */
export const SPLIT_BYTES = 3_000_000;

const SYMBOL_GLYPHS = ['\u25cf', '\u25a0', '\u25b2', '\u25c6', '\u2605', '\u271a', '\u2731'];
const slug = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '-');
const anchor = (claim: string) => `claim-${slug(claim)}`;
const familyAnchor = (family: string) => `plots-${slug(family)}`;
export const familyPage = (family: string) => `report-${slug(family)}.html`;
const total = (c: Record<string, number>) => (c.holds ?? 0) + (c.deviates ?? 0) + (c.inconclusive ?? 0);
const range = ([lo, hi]: [number, number]) =>
  lo === hi ? signedPercent(lo) : `${signedPercent(lo)} to ${signedPercent(hi)}`;
const verdictBadge = (v: string) => `<span class="badge v-${esc(v)}">${esc(v)}</span>`;

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212529;max-width:1240px;margin:0 auto;padding:8px 24px 48px}
h1{font-size:20px;margin:4px 0}h1 small{font-size:13px;font-weight:400;color:#495057}
h2{font-size:17px;margin:18px 0 6px;border-bottom:1px solid #dee2e6;padding-bottom:3px}h3{font-size:15px;margin:14px 0 4px}
.lead{margin:4px 0;padding:5px 12px;background:#f8f9fa;border-left:4px solid #868e96}.lead.bad{border-color:#c92a2a;background:#fff5f5}.lead.ok{border-color:#2b8a3e}
nav.toc{font-size:13px;margin:6px 0}nav.toc a{margin-right:4px}nav.toc .families a{margin:0 2px}
.loud{color:#fff;background:#c92a2a;font-weight:700;padding:0 5px;border-radius:3px;text-transform:uppercase;font-size:11px}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{background:#f1f3f5;padding:5px 8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all;margin:4px 0}
table{border-collapse:collapse;font-size:13px}th,td{padding:2px 8px;border-bottom:1px solid #e9ecef;text-align:left}th{background:#f8f9fa}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.big{font-weight:700}td.zero{color:#adb5bd}
tr.unexpected td{background:#fff5f5}td.bad{color:#c92a2a;font-weight:700}
.finding{border:1px solid #dee2e6;border-left:4px solid ${VERDICT_COLOURS.deviates};padding:2px 10px;margin:3px 0;border-radius:3px}.finding p{margin:3px 0}
.finding.unexpected{border-color:#c92a2a;border-width:2px 2px 2px 6px;background:#fff5f5}
details.finding>summary{cursor:pointer;padding:1px 0}details.finding[open]>summary{border-bottom:1px solid #e9ecef}
.err{font-weight:700;font-variant-numeric:tabular-nums}.muted{color:#495057}
.badge{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;color:#fff}
${Object.entries(VERDICT_COLOURS)
  .map(([v, c]) => `.v-${v}{background:${c}}`)
  .join('')}
.v-inconclusive{color:#212529}
.hunt{border:1px solid #dee2e6;padding:2px 10px;margin:3px 0;border-radius:3px}.hunt.found{border-left:4px solid ${VERDICT_COLOURS.deviates}}
.hunt-body{display:grid;grid-template-columns:1fr auto;gap:4px 16px}figure.map{margin:0}figure.map svg{display:block;max-width:100%;height:auto}.hunt code{word-break:break-all}details.hunt>summary{cursor:pointer}
.hunt .headline{font-size:16px;font-weight:700;font-variant-numeric:tabular-nums}.hunt p{margin:2px 0}
.figs{display:grid;grid-template-columns:330px 1fr;gap:8px;align-items:start}.params{display:flex;flex-wrap:wrap;gap:4px}figure.plot{margin:0}
figure.plot svg{display:block;background:#fff;max-width:100%;height:auto}figure.plot svg text{white-space:pre}
figcaption{font-size:12px;color:#495057;max-width:320px}.params-note{font-size:12px;color:#495057;margin:0 0 2px}
.claim{border-top:1px solid #e9ecef;padding-top:4px}
.legend{font-size:12px;color:#495057;margin:4px 0}.legend span{margin-right:12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px}dt{color:#495057}dd{margin:0}
`;

/** Where a claim's plots are: this page, or its family's page when the report is split. */
type PlotLink = (claim: string) => string;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${CSS}</style></head><body>
${body}
</body></html>
`;
}

function lead(report: Report): string {
  const { summary: s, run } = report;
  const bad = s.unexpected > 0 || !run.complete;
  return `<p class="lead ${bad ? 'bad' : 'ok'}">${s.results} comparisons: <strong>${s.holds} hold, ${s.deviates} deviate, ${s.inconclusive} inconclusive</strong>; ${
    s.unexpected === 0
      ? 'every verdict as expected.'
      : `<span class="loud">${s.unexpected} unexpected</span> verdict(s).`
  }${run.complete ? '' : ' <strong>The run was stopped early: results are partial.</strong>'}</p>`;
}

function toc(
  report: Report,
  list: Finding[],
  families: string[],
  plotsHref: (family: string) => string,
): string {
  const unexpected = list.filter((f) => f.summary.unexpected > 0).length;
  const hunt = huntRecords(report);
  const links = [
    `<a href="#summary">Summary</a>`,
    `<a href="#findings">Findings (${list.length}${unexpected ? `, <strong>${unexpected} unexpected</strong>` : list.length ? ', all expected' : ''})</a>`,
    ...(hunt.length ? [`<a href="#hunt">Hunt (${hunt.length})</a>`] : []),
    `<a href="#verdicts">Verdicts</a>`,
    `<a href="#plots">Plots</a> <span class="families">(${families.map((f) => `<a href="${plotsHref(f)}">${esc(f)}</a>`).join(' ')})</span>`,
    `<a href="#run">Run</a>`,
  ];
  return `<nav class="toc" id="toc">Contents: ${links.join(' \u00b7 ')}</nav>`;
}

function summaryTable(report: Report, plotsHref: (family: string) => string): string {
  const count = (n: number, cls = '') => `<td class="n${n === 0 ? ' zero' : cls}">${n}</td>`;
  const rows = familyRows(report).map(
    (f) =>
      `<tr${f.unexpected ? ' class="unexpected"' : ''}><td><a href="${plotsHref(f.family)}">${esc(f.family)}</a></td>${count(f.unexpected, ' bad')}${count(f.counts.deviates)}${count(f.counts.inconclusive)}${count(f.counts.holds)}` +
      `<td class="n big" title="${esc(direction(f.worst.error))}">${esc(signedPercent(f.worst.error))}</td><td class="n muted">\u00b1${esc(percent(f.worst.errorStderr))}</td>` +
      `<td>${esc(f.worst.claim)} <span class="muted">(${esc(f.worst.regime)})</span></td><td class="muted">${f.worst.source === 'hunt' ? 'hunt' : 'random draws'}</td></tr>`,
  );
  return `<table class="summary"><thead><tr><th>family</th><th>unexpected</th><th>deviates</th><th>inconclusive</th><th>holds</th><th>worst error / scale</th><th>\u00b1 se</th><th>where</th><th>from</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function findingBody(f: Finding, report: Report, plotLink: PlotLink): string {
  const s = f.summary;
  const w = s.worst;
  return `<p>${esc(s.describe)}: deviates in <strong>${s.counts.deviates} of ${total(s.counts)}</strong> configs, error ${esc(range(f.range))} of scale. ${
    s.unexpected
      ? `<strong>Not expected</strong>: ${s.unexpected} verdict(s) contradict ${s.expected ? `the recorded expectation (${esc(s.expected.join(' or '))})` : 'nothing recorded'} in fixtures/verdicts.json.`
      : 'Expected (recorded in fixtures/verdicts.json).'
  } <a href="${plotLink(s.claim)}">plots</a></p>
<p>Worst config: predicted ${esc(num(w.predicted))}, measured ${esc(num(w.measured))} &plusmn; ${esc(num(w.stderr))} (${w.replicates} replicates): ${esc(direction(f.error))}${
    ratioMeaningful(w) ? `, measured/predicted ${esc(num(w.measured / w.predicted))}` : ''
  }. Replay:</p>
<pre>${esc(replayCommand(w, report.run))}</pre>`;
}

function finding(f: Finding, report: Report, plotLink: PlotLink): string {
  const s = f.summary;
  const data = `data-claim="${esc(s.claim)}" data-regime="${esc(s.regime)}"`;
  const head = `<span class="err">${esc(signedPercent(f.error))}</span> <strong>${esc(s.claim)}</strong> <em>${esc(s.regime)}</em>`;
  if (s.unexpected)
    return `<article class="finding unexpected" ${data}><h3><span class="loud">unexpected</span> ${head}</h3>${findingBody(f, report, plotLink)}</article>`;
  const w = s.worst;
  return `<details class="finding" ${data}><summary>${head} <span class="muted">&mdash; deviates in ${s.counts.deviates} of ${total(s.counts)}; worst: predicted ${esc(num(w.predicted))}, measured ${esc(num(w.measured))} &plusmn; ${esc(num(w.stderr, 2))}; expected</span></summary>${findingBody(f, report, plotLink)}</details>`;
}

/**
 * One hunt record: the worst found error as the headline, its config, replay and validity map
 * (`map`: inline SVG from src/report/maps.ts, the hunt's). Confirmed findings open, the rest collapsed.
 */
function huntRecord(h: HuntRecord, map: string | null = null): string {
  const drivers = h.drivers.slice(0, 4).map((d) => `${esc(d.key)} ${esc(num(d.effect, 2))}`);
  const head = `<span class="headline">${esc(signedPercent(h.worst.error))}</span> &plusmn; ${esc(percent(h.worst.errorStderr))} of scale &mdash; <strong>${esc(h.claim)}</strong> <em>${esc(h.regime)}</em>${
    h.finding ? ' <span class="badge v-deviates">finding</span>' : ''
  }`;
  const body = `<div><p>Predicted ${esc(num(h.worst.predicted))}, measured ${esc(num(h.worst.measured))} &plusmn; ${esc(num(h.worst.stderr))} (${esc(direction(h.worst.error))}); ${h.evaluations} simulations; drivers: ${drivers.join(', ') || 'none'}.${
    h.map?.boundary ? ` Boundary: ${esc(h.map.boundary)}.` : ''
  }</p>
<p>Worst config <code>${esc(configJson(h.worst.config))}</code></p>
<pre>${esc(h.replay)}</pre></div>${map ? `<figure class="map">${map}</figure>` : ''}`;
  const data = `data-claim="${esc(h.claim)}" data-regime="${esc(h.regime)}"`;
  return h.finding
    ? `<article class="hunt found" ${data}><p>${head}</p><div class="hunt-body">${body}</div></article>`
    : `<details class="hunt" ${data}><summary>${head}</summary><div class="hunt-body">${body}</div></details>`;
}

function verdictTable(report: Report, plotLink: PlotLink): string {
  const pairs = resultsByPair(report);
  const rows = report.claims.map(
    (s) =>
      `<tr${s.unexpected ? ' class="unexpected"' : ''}><td><a href="${plotLink(s.claim)}">${esc(s.claim)}</a></td><td>${esc(s.regime)}</td><td class="n">${s.counts.holds}</td><td class="n">${s.counts.deviates}</td><td class="n">${s.counts.inconclusive}</td>` +
      `<td class="n">${esc(range(errorRange(pairs.get(groupKey(s)) ?? [s.worst])))}</td><td>${esc(s.expected?.join(' / ') ?? '-')}${s.unexpected ? ' <span class="loud">unexpected</span>' : ''}</td></tr>`,
  );
  return `<table><thead><tr><th>claim</th><th>regime</th><th>holds</th><th>deviates</th><th>inconclusive</th><th>error / scale</th><th>expected</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function figure(svg: string, caption: string): string {
  return `<figure class="plot">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

function claimSection(claim: string, results: VerifiedResult[], report: Report): string {
  const summaries = report.claims.filter((s) => s.claim === claim);
  const regimes = summaries.map((s) => s.regime);
  const legend = regimes
    .map((r, i) => `<span>${SYMBOL_GLYPHS[i % REGIME_SYMBOLS.length]} ${esc(r)}</span>`)
    .join('');
  const pvm = predictedVsMeasured(results, regimes);
  const caption = pvm.log
    ? 'measured vs predicted, log axes'
    : 'measured vs predicted in units of scale, linear axes';
  const main = pvm.svg
    ? figure(
        pvm.svg,
        `${caption}; bars \u00b12 stderr; dashed: measured = predicted${pvm.dropped ? `; ${pvm.dropped} point(s) not finite, not shown` : ''}`,
      )
    : `<p>${pvm.dropped} point(s), none finite: nothing to plot.</p>`;
  const panels = varyingParameters(results).map(
    (p) => `<figure class="plot">${errorByParameter(results, regimes, p, report.run.precision)}</figure>`,
  );
  const verdicts = summaries.map(
    (s) =>
      `${esc(s.regime)}: ${(['holds', 'deviates', 'inconclusive'] as const)
        .filter((v) => s.counts[v])
        .map((v) => `${s.counts[v]} ${verdictBadge(v)}`)
        .join(' ')}`,
  );
  return `<section class="claim" id="${anchor(claim)}"><h3>${esc(claim)} <small>&mdash; ${esc(summaries[0]?.describe ?? '')}</small></h3>
<div class="legend">${legend} &nbsp; ${verdicts.join(' &nbsp; ')}</div><div class="figs"><div>${main}</div><div><p class="params-note">|Error| / scale by config parameter; bars \u00b12 stderr/scale, dashed line: precision ${esc(percent(report.run.precision))}.</p><div class="params">${panels.join('')}</div></div></div></section>`;
}

/** The plots of one claim family, each claim in its own section. */
function familySection(family: string, report: Report, byClaim: Map<string, VerifiedResult[]>): string {
  const claims = [...byClaim].filter(([claim]) =>
    report.claims.some((s) => s.claim === claim && familyOf(s) === family),
  );
  return `<section class="family" id="${familyAnchor(family)}"><h2>${esc(family)}</h2>${claims.map(([claim, results]) => claimSection(claim, results, report)).join('\n')}</section>`;
}

function plotLegend(): string {
  const keys = Object.keys(VERDICT_COLOURS) as (keyof typeof VERDICT_COLOURS)[];
  return `<p class="legend">${keys.map((k) => `<span>${verdictBadge(k)}</span>`).join('')} <span>black ring: unexpected verdict</span> <span>symbol: regime</span> <span>hover a point on the left plot for its config</span></p>`;
}

function runSection(report: Report): string {
  const { run } = report;
  const e = run.engine;
  const rows: [string, string][] = [
    ['command', run.command],
    ['claims', run.claims],
    [
      'budget',
      `${run.budget} (precision ${percent(run.precision)}, family-wise alpha ${run.familyAlpha} over ${run.comparisons} comparisons)`,
    ],
    ['seed', String(run.seed)],
    ...(run.shard ? ([['shard', run.shard]] as [string, string][]) : []),
    [
      'engine',
      `${e.name} (backend ${e.backend}, tfjs ${e.tfjsVersion}${e.adapter ? `, ${e.adapter}` : ''}${e.matMul ? `, matMul ${e.matMul}` : ''}${e.exactReductions ? ', exact reductions' : ''})`,
    ],
    [
      'versions',
      `sigprop ${report.tool.version}, Node ${run.node}, report schema ${report.schema} v${report.schemaVersion}`,
    ],
    ['started', run.startedAt],
    [
      'wall time',
      `${num(run.wallSeconds, 3)} s${run.jobs ? ` on ${run.jobs} worker${run.jobs > 1 ? 's' : ''}` : ''}${run.complete ? '' : ' (stopped early)'}`,
    ],
  ];
  return `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

const familiesOf = (report: Report) => [...new Set(report.claims.map(familyOf))];

/**
 * The report's pages, self-contained (inline CSS and SVG, no scripts, nothing fetched): summary,
 * table of contents, findings, hunt, verdicts, then the plots per claim family. One page, or when
 * that would exceed `splitAbove` bytes, report.html without the plots and one page of plots per
 * family beside it.
 */
export function renderHtmlFiles(report: Report, splitAbove = SPLIT_BYTES): Record<string, string> {
  const whole = renderPages(report, false);
  return whole['report.html'].length > splitAbove ? renderPages(report, true) : whole;
}

/** One page with everything. */
export const renderHtml = (report: Report): string => renderPages(report, false)['report.html'];

function renderPages(report: Report, split: boolean): Record<string, string> {
  const list = findings(report);
  const families = familiesOf(report);
  const familyOfClaim = new Map(report.claims.map((s) => [s.claim, familyOf(s)]));
  const plotsHref = (family: string) => (split ? familyPage(family) : `#${familyAnchor(family)}`);
  const plotLink: PlotLink = (claim) =>
    split ? `${familyPage(familyOfClaim.get(claim) ?? '')}#${anchor(claim)}` : `#${anchor(claim)}`;
  const byClaim = new Map<string, VerifiedResult[]>();
  for (const r of report.results) byClaim.set(r.claim, [...(byClaim.get(r.claim) ?? []), r]);
  const hunt = huntRecords(report);
  const title = `sigprop ${report.run.command} report: ${report.summary.deviates} deviate, ${report.summary.unexpected} unexpected`;
  const { run } = report;
  const heading = `<h1>sigprop ${esc(run.command)} report <small>budget ${esc(run.budget)} \u00b7 ${esc(run.engine.name)} \u00b7 seed ${run.seed} \u00b7 claims ${esc(run.claims)}${
    run.shard ? ` \u00b7 shard ${esc(run.shard)}` : ''
  } \u00b7 ${esc(num(run.wallSeconds, 3))} s</small></h1>`;
  const plots = split
    ? `<p>The plots are on one page per claim family, beside this file: ${families.map((f) => `<a href="${familyPage(f)}">${esc(f)}</a>`).join(' \u00b7 ')}.</p>`
    : `${plotLegend()}${families.map((f) => familySection(f, report, byClaim)).join('\n')}`;
  const main = page(
    title,
    `${heading}
${lead(report)}
${toc(report, list, families, plotsHref)}
<section id="summary"><h2>Summary by claim family</h2>${summaryTable(report, plotsHref)}<p class="muted">${esc(SIGN_NOTE)}${
      hunt.length
        ? ' Worst errors come from the hunt where it searched the family, else from the random draws.'
        : ''
    }</p></section>
<section id="findings"><h2>Findings, unexpected first, then by the size of the error</h2>
${list.length ? list.map((f) => finding(f, report, plotLink)).join('\n') : '<p>None: every claim held or was inconclusive, as expected.</p>'}
</section>
${hunt.length ? `<section id="hunt"><h2>Hunt: the worst config found per claim and regime</h2>${hunt.map((h) => huntRecord(h, validityMapSvg(h))).join('\n')}</section>` : ''}
<section id="verdicts"><h2>Verdicts per claim and regime</h2>${verdictTable(report, plotLink)}
<p>A claim <strong>holds</strong> when the gap is within noise and the measurement could have seen an error of ${esc(percent(run.precision))}; it <strong>deviates</strong> when the gap exceeds noise at the family-wise level; otherwise it is <strong>inconclusive</strong>.</p></section>
<section id="plots"><h2>Plots per claim: measured vs predicted, and error by parameter</h2>${plots}</section>
<section id="run"><h2>Run</h2>${runSection(report)}</section>`,
  );
  const pages: Record<string, string> = { 'report.html': main };
  if (split)
    for (const family of families)
      pages[familyPage(family)] = page(
        `sigprop ${run.command} report: ${family} plots`,
        `${heading}<nav class="toc">Back to <a href="report.html">the report</a> \u00b7 families: ${families.map((f) => `<a href="${familyPage(f)}">${esc(f)}</a>`).join(' ')}</nav>${plotLegend()}${familySection(family, report, byClaim)}`,
      );
  return pages;
}
