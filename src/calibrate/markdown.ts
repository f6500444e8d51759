import { num } from '../report/format.ts';
import type { CalibrationResult, Rate } from './result.ts';
import { quantileTable } from './distribution.ts';

const pct = (x: number) => (Number.isFinite(x) ? `${num(100 * x, 3)}%` : 'n/a');
const withCi = (r: Rate) => `${r.events}/${r.comparisons} = ${pct(r.rate)} [${pct(r.ci.lower)}, ${pct(r.ci.upper)}]`;

/** calibration.md: the numbers of calibration.json, for people. */
export function renderCalibration(c: CalibrationResult): string {
  const lines = [
    `# Calibration of the verdict procedure (budget ${c.budget})`,
    '',
    `Engine ${c.engine}, seed ${c.seed}, ${num(c.wallSeconds, 3)} s (${Object.entries(c.phaseSeconds).map(([p, s]) => `${p} ${num(s, 3)} s`).join(', ')}). Intervals are 95% Clopper-Pearson.`,
    'Exact claims: linear, dropout, relu, gelu (all five statistics each); a `deviates` on them is a false alarm.',
    `Configs are drawn from each component's whole domain at this budget's size cap.`,
    '',
  ];
  if (c.fixedLook) {
    const f = c.fixedLook;
    lines.push(
      `## False alarms, one look at R = ${f.replicates}, each comparison alone at alpha = ${c.alpha}`,
      '',
      `Observed ${withCi(f)} against nominal ${pct(f.nominal)}; exact binomial test p = ${num(f.pValue, 3)}.`,
      '',
      '| claim | comparisons | false alarms |',
      '|---|---|---|',
      ...Object.entries(f.byClaim).map(([claim, e]) => `| ${claim} | ${e.comparisons} | ${e.events} |`),
      '',
      `## z = (m - p)/se against Student t(${f.degreesOfFreedom})`,
      '',
      `${f.zScores.length} z-scores; Kolmogorov-Smirnov D = ${num(f.ksStudentT.statistic, 3)}, p = ${num(f.ksStudentT.pValue, 3)}. Full QQ data in calibration.json (\`fixedLook.qq\`).`,
      '',
      '| probability | observed z | t quantile | normal quantile |',
      '|---|---|---|---|',
      ...quantileTable(f.qq, [0.001, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999]).map(
        (p) => `| ${num(p.probability, 3)} | ${num(p.observed, 3)} | ${num(p.studentT, 3)} | ${num(p.normal, 3)} |`,
      ),
      '',
    );
  }
  if (c.adaptive) {
    const a = c.adaptive;
    lines.push(
      `## False alarms, adaptive loop (R0 to ${a.maxReplicates}, alpha spent over looks), each comparison alone at alpha = ${c.alpha}`,
      '',
      `Observed ${withCi(a)}; must not exceed ${pct(a.nominal)} (a precise \`holds\` ends a comparison early, so the rate is usually lower). Mean replicates per comparison ${num(a.meanReplicates, 3)}.`,
      '',
    );
  }
  if (c.power) {
    const p = c.power;
    lines.push(
      `## Power at budget ${c.budget} as \`verify\` runs it`,
      '',
      `Family-wise alpha ${p.familyAlpha} over ${p.family} comparisons (a default \`verify --budget ${c.budget}\`). False alarms on the exact claims themselves: ${withCi(p.exactFalseAlarms)}.`,
      `"Visible" keeps the comparisons whose induced error |p' - p|/scale is at least the budget's precision (${pct(c.precision)}); a scaled prediction of a near-zero covariance or mean is a much smaller error relative to its scale.`,
      '',
      '| perturbation | detected (all) | detected (visible) | holds | inconclusive |',
      '|---|---|---|---|---|',
      ...p.rows.map((r) => `| ${r.describe} | ${withCi(r.all)} | ${withCi(r.visible)} | ${r.holds} | ${r.inconclusive} |`),
      '',
      'Per claim: detected/comparisons (visible), and the median induced error in % of scale: a claim falls short where its perturbation is below the precision.',
      '',
      `| claim | ${p.rows.map((r) => r.perturbation).join(' | ')} |`,
      `|---|${p.rows.map(() => '---|').join('')}`,
      ...[...new Set(p.rows.flatMap((r) => Object.keys(r.byClaim)))].map(
        (id) => `| ${id} | ${p.rows.map((r) => (r.byClaim[id] ? `${r.byClaim[id].detected}/${r.byClaim[id].comparisons} (${r.byClaim[id].visible}), ${num(100 * r.byClaim[id].medianInduced, 2)}%` : '')).join(' | ')} |`,
      ),
      '',
      'The softmax swap predicts each softmax variance with the other form. Neither form is exact (the findings record where each deviates), so its rate says how often a run tells the two forms apart, not a power against a known error.',
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
