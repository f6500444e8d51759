import { num } from '../report/format.ts';
import type { CalibrationResult, Rate } from './result.ts';
import { quantileTable } from '../stats/distribution.ts';

const pct = (x: number) => (Number.isFinite(x) ? `${num(100 * x, 3)}%` : 'n/a');
const withCi = (r: Rate) =>
  `${r.events}/${r.comparisons} = ${pct(r.rate)} [${pct(r.ci.lower)}, ${pct(r.ci.upper)}]`;

/** calibration.md: the numbers of calibration.json, for people. */
export function renderCalibration(c: CalibrationResult): string {
  const lines = [
    `# Calibration of the verdict procedure (budget ${c.budget})`,
    '',
    `Engine ${c.engine}, seed ${c.seed}, ${num(c.wallSeconds, 3)} s (${Object.entries(c.phaseSeconds)
      .map(([p, s]) => `${p} ${num(s, 3)} s`)
      .join(', ')}). Intervals are 95% Clopper-Pearson.`,
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
      ...quantileTable(
        f.qq,
        [0.001, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999],
      ).map(
        (p) =>
          `| ${num(p.probability, 3)} | ${num(p.observed, 3)} | ${num(p.studentT, 3)} | ${num(p.normal, 3)} |`,
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
      ...p.rows.map(
        (r) => `| ${r.describe} | ${withCi(r.all)} | ${withCi(r.visible)} | ${r.holds} | ${r.inconclusive} |`,
      ),
      '',
      'Per claim: detected/comparisons (visible), and the median induced error in % of scale: a claim falls short where its perturbation is below the precision.',
      '',
      `| claim | ${p.rows.map((r) => r.perturbation).join(' | ')} |`,
      `|---|${p.rows.map(() => '---|').join('')}`,
      ...[...new Set(p.rows.flatMap((r) => Object.keys(r.byClaim)))].map(
        (id) =>
          `| ${id} | ${p.rows.map((r) => (r.byClaim[id] ? `${r.byClaim[id].detected}/${r.byClaim[id].comparisons} (${r.byClaim[id].visible}), ${num(100 * r.byClaim[id].medianInduced, 2)}%` : '')).join(' | ')} |`,
      ),
      '',
      'The softmax swap predicts each softmax variance with the other form. Neither form is exact (the findings record where each deviates), so its rate says how often a run tells the two forms apart, not a power against a known error.',
      '',
    );
  }
  if (c.planted) {
    const p = c.planted;
    lines.push(
      `## Planted faults: the hunt against random sampling at equal cost`,
      '',
      `Each exact claim's prediction made x1.10 only in a small part of its regime, placed anew per seed (${p.seeds} seeds, ${num(p.seconds, 3)} s): **corner**, where three keys drawn per seed are jointly in the top 10% of their ranges (0.1% of the volume); **interior**, a Gaussian bump of width 0.25 (unit coordinates) over three keys with its centre in [0.25, 0.75] and off the middle. "Found": the hunt at budget ${c.budget} (${p.evaluations} simulations of ${p.replicateElements} elements per replicate before confirmation) confirmed an error beyond the precision (${pct(c.precision)}) at its critical value, from a seed the search never used; "located": its confirmed config lies where the fault exceeds the precision. Random sampling draws uniformly as many simulations as the whole hunt spent (search, race and confirmation), then confirms its worst the same way on top, so the cost is equal or in its favour.`,
      '',
      '| claim | fault | hunt found | hunt located | random found | random located | simulations per hunt | per random search |',
      '|---|---|---|---|---|---|---|---|',
      ...p.rows.map(
        (r) =>
          `| ${r.claim} | ${r.kind} | ${withCi(r.hunt)} | ${withCi(r.huntLocated)} | ${r.random ? withCi(r.random) : '-'} | ${r.randomLocated ? withCi(r.randomLocated) : '-'} | ${num(r.meanEvaluations, 3)} | ${r.meanRandomEvaluations === undefined ? '-' : num(r.meanRandomEvaluations, 3)} |`,
      ),
      '',
    );
    const trials = p.rows.flatMap((r) => r.trials);
    const threadSeconds = trials.reduce((s, t) => s + (t.seconds ?? 0), 0);
    if (threadSeconds > 0)
      lines.push(
        `Trials' time on their threads: ${num(threadSeconds, 3)} s over ${trials.length} trials (${num(threadSeconds / trials.length, 3)} s each, hunt and baseline together), against ${num(p.seconds, 3)} s of wall time.`,
        '',
      );
    const missed = p.rows.flatMap((r) => r.trials.filter((t) => !t.hunt.finding));
    if (missed.length) {
      lines.push(
        'Seeds the hunt missed, with its confirmed worst (error +- stderr, replicates) and where the fault was:',
        '',
        ...missed.map(
          (t) =>
            `- ${t.claim} ${t.kind}, seed ${t.seed}: ${pct(t.hunt.error)} +- ${pct(t.hunt.errorStderr)} on ${t.hunt.replicates} replicates${t.hunt.inside ? ' (inside the fault)' : ''}; ${t.fault}`,
        ),
        '',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
