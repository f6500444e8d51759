import { depthPlots } from './depthPlots.ts';
import {
  depthCaption,
  depthClaimRows,
  depthVerdicts,
  renderDepthMarkdown,
  type Cell,
  type DepthReport,
} from './depthReport.ts';
import { num, signedPercent } from './format.ts';
import { esc } from './html.ts';

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212529;max-width:1240px;margin:0 auto;padding:8px 24px 48px}
h1{font-size:20px;margin:4px 0}h2{font-size:17px;margin:18px 0 6px;border-bottom:1px solid #dee2e6;padding-bottom:3px}
.lead{margin:4px 0;padding:5px 12px;background:#f8f9fa;border-left:4px solid #868e96}
table{border-collapse:collapse;font-size:13px}th,td{padding:2px 8px;border-bottom:1px solid #e9ecef;text-align:left}th{background:#f8f9fa}
td.n{text-align:right;font-variant-numeric:tabular-nums}.deviates{color:#d6336c;font-weight:700}.inconclusive{color:#868e96}
.plots{display:flex;flex-wrap:wrap;gap:12px}figure.plot{margin:0}figure.plot svg{display:block;max-width:100%;height:auto}
figcaption{font-size:12px;color:#495057;max-width:560px}nav.toc{font-size:13px;margin:6px 0}
`;

const cell = (c: Cell) =>
  `<td class="n">${esc(num(c.predicted))}</td><td class="n">${esc(num(c.measured))} &plusmn; ${esc(num(c.stderr, 2))}</td><td class="${esc(c.verdict ?? '')}">${esc(c.verdict ?? '')}</td>`;

/** depth.html: one self-contained page (inline CSS and SVG, no script) with the plots captioned by config and budget. */
export function renderDepthHtml(r: DepthReport, plots: Record<string, string>): string {
  const caption = depthCaption(r);
  const claims = depthClaimRows(r)
    .map(
      (c) =>
        `<tr><td>${esc(c.claim)}</td><td class="n">${c.counts.holds}</td><td class="n">${c.counts.deviates}</td><td class="n">${c.counts.inconclusive}</td>` +
        `<td class="n">${esc(signedPercent(c.worst))}</td><td>${c.at === null ? 'depth law' : `${c.at} (${esc(r.boundaries[c.at]?.after ?? '?')})`}</td></tr>`,
    )
    .join('');
  const rows = r.boundaries
    .map(
      (b) =>
        `<tr><td class="n">${b.index}</td><td>${esc(b.after)}</td>${cell(b.variance)}${cell(b.correlation)}${cell(b.gradVariance)}</tr>`,
    )
    .join('');
  const figures = Object.entries(plots)
    .map(
      ([name, svg]) =>
        `<figure class="plot" id="${esc(name.replace(/\.svg$/, ''))}">${svg}<figcaption>${esc(name)}: ${esc(caption)}. Dots: measured, band \u00b12 stderr; lines: predicted.</figcaption></figure>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>sigprop depth: ${esc(r.run.arch)}, ${esc(r.config.layers)} layers</title><style>${CSS}</style></head><body>
<h1>sigprop depth: ${esc(r.run.arch)}, ${esc(r.config.layers)} layers</h1>
<p class="lead"><strong>${esc(depthVerdicts(r))}.</strong> ${esc(caption)}; precision ${esc(r.run.precision)}, family-wise false-alarm budget ${esc(r.run.familyAlpha)}; ${esc(num(r.run.wallSeconds, 3))} s on ${esc(r.run.engine.name)}.</p>
<nav class="toc">Contents: <a href="#claims">Claims</a> \u00b7 <a href="#plots">Plots</a> \u00b7 <a href="#boundaries">Per sublayer</a></nav>
<section id="claims"><h2>Claims</h2><table><thead><tr><th>claim</th><th>holds</th><th>deviates</th><th>inconclusive</th><th>worst error / scale</th><th>at boundary</th></tr></thead><tbody>${claims}</tbody></table>
<p>Errors are (measured &minus; predicted) / scale, signed: + where the formula under-predicts.</p></section>
<section id="plots"><h2>Plots</h2><div class="plots">${figures}</div></section>
<section id="boundaries"><h2>Per sublayer</h2><table><thead><tr><th>boundary</th><th>after</th><th>variance: predicted</th><th>measured &plusmn; se</th><th>verdict</th><th>correlation: predicted</th><th>measured &plusmn; se</th><th>verdict</th><th>gradient variance: predicted</th><th>measured &plusmn; se</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table></section>
</body></html>
`;
}

/** Every file `sigprop depth` writes, by name: depth.json, depth.md, depth.html and the SVG plots. */
export function depthFiles(r: DepthReport, family: string): Record<string, string> {
  const plots = depthPlots(r, family);
  return {
    ...Object.fromEntries(Object.entries(plots).map(([name, svg]) => [name, `${svg}\n`])),
    'depth.json': `${JSON.stringify(r, null, 2)}\n`,
    'depth.md': renderDepthMarkdown(r, Object.keys(plots)),
    'depth.html': renderDepthHtml(r, plots),
  };
}
