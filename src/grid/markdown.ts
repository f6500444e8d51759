import { num } from '../report/format.ts';
import type { GridRow } from './points.ts';

const cell = (t?: readonly number[]) => (t ? t.map((v) => num(v, 2)).join(' / ') : '—');

/** The 50/90/99 table (percent) beside the published one, with noise level and sigprop verdicts. */
export function renderGridTable(rows: readonly GridRow[]): string {
  const lines = [
    '| claim | published 50/90/99 % | measured 50/90/99 % | noise alone (1 se) 50/90/99 % | sigprop holds/deviates/inconclusive |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.claim} | ${cell(r.published)} | ${cell(r.errors)} | ${cell(r.noise)} | ${r.verdicts ? `${r.verdicts.holds}/${r.verdicts.deviates}/${r.verdicts.inconclusive}` : '—'} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
