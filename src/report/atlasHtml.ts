import {
  atlasCaption,
  countsText,
  lawResultText,
  lawText,
  promiseVerdict,
  renderAtlasMarkdown,
  runsOf,
  STATISTICS,
  type AtlasReport,
} from './atlas.ts';
import { atlasPanel } from './atlasPlots.ts';
import { num } from './format.ts';
import { esc } from './html.ts';

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212529;max-width:1300px;margin:0 auto;padding:8px 24px 48px}
h1{font-size:20px;margin:4px 0}h2{font-size:17px;margin:18px 0 6px;border-bottom:1px solid #dee2e6;padding-bottom:3px}
h3{font-size:15px;margin:12px 0 2px}.lead{margin:4px 0;padding:5px 12px;background:#f8f9fa;border-left:4px solid #868e96}
table{border-collapse:collapse;font-size:12px}th,td{padding:2px 6px;border-bottom:1px solid #e9ecef;text-align:left;vertical-align:top}th{background:#f8f9fa}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.row{display:flex;flex-wrap:wrap;gap:8px}
.row svg{display:block;max-width:100%;height:auto}.def{font-size:12px;color:#495057;margin:0 0 4px}
`;

/** atlas.html: one self-contained page (inline CSS and SVG, no script): summary, promises, small multiples. */
export function renderAtlasHtml(r: AtlasReport): string {
  const summary = r.runs
    .map((x) => {
      const s = x.statistics;
      return (
        `<tr><td>${esc(x.scheme)}</td><td class="n">${x.layers}</td><td class="n">${esc(lawText(s.varianceSlope))}</td><td class="n">${esc(lawText(s.varianceLogSlope))}</td>` +
        `<td class="n">${esc(lawText(s.gradientLogSlope))}</td><td class="n">${esc(lawText(s.gradientRatio))}</td><td>${x.laws.map((l) => esc(lawResultText(l))).join('<br>') || '&ndash;'}</td>` +
        `<td class="n">${esc(num(x.wallSeconds, 3))} s / ${esc(num(x.cpuSeconds, 3))} s, R = ${x.replicates}${x.halfReplicates ? ` (+${x.halfReplicates})` : ''}</td></tr>`
      );
    })
    .join('');
  const promises = r.schemes
    .map(
      (s) =>
        `<tr><td>${esc(s.name)}</td><td>${esc(s.promise)}</td><td>${esc(promiseVerdict(runsOf(r, s.key)))}</td></tr>`,
    )
    .join('');
  const rows = r.schemes
    .map((s) => {
      const runs = runsOf(r, s.key);
      const panels = STATISTICS.map((st) =>
        atlasPanel(runs, st.key, { title: `${s.name}: ${st.title}` }),
      ).join('');
      const counts = runs.map((x) => `N=${x.layers}: variance ${countsText(x.counts.variance)}`).join('; ');
      return `<section id="${esc(s.key)}"><h3>${esc(s.name)}</h3><p class="def">${esc(s.residual)}; ${esc(s.init)}. Source: ${esc(s.source)}. ${esc(counts)}.</p><div class="row">${panels}</div></section>`;
    })
    .join('');
  const p = r.run.plan;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>sigprop atlas: depth schemes at ${esc(p.layers.join(', '))} layers</title><style>${CSS}</style></head><body>
<h1>sigprop atlas: ${r.schemes.length} depth schemes at ${esc(p.layers.join(', '))} layers</h1>
<p class="lead">${esc(atlasCaption(r))}</p>
<section id="summary"><h2>Summary: growth laws, predicted (measured &plusmn; se)</h2>
<p>Variance slope: least-squares slope of the stream variance per layer over the deeper half (linear growth: a constant). Log-slopes: of log variance per layer over the whole depth (exponential growth: a constant). Gradient ratio: input over top. Predictions are the chained recurrence, never fitted.</p>
<table><thead><tr><th>scheme</th><th>N</th><th>variance slope</th><th>variance log-slope</th><th>gradient log-slope</th><th>gradient ratio</th><th>promise and growth-law claims</th><th>cost (wall / CPU)</th></tr></thead><tbody>${summary}</tbody></table></section>
<section id="promises"><h2>Promises</h2><table><thead><tr><th>scheme</th><th>promise</th><th>verdict</th></tr></thead><tbody>${promises}</tbody></table></section>
<section id="panels"><h2>Small multiples</h2><p>One row per scheme; lines: predicted, dots: measured with a &plusmn;2 se band, one colour per depth N; each panel's verdict counts over all its depths.</p>${rows}</section>
</body></html>
`;
}

/** Every file `sigprop atlas` writes, by name. */
export function atlasFiles(r: AtlasReport): Record<string, string> {
  return {
    'atlas.json': `${JSON.stringify(r, null, 2)}\n`,
    'atlas.md': renderAtlasMarkdown(r),
    'atlas.html': renderAtlasHtml(r),
  };
}
