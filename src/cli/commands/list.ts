import type { Command } from 'commander';
import { describeDefault, describeRange } from '../../claims/params.ts';
import type { Claim } from '../../claims/types.ts';
import { MODEL_SUITES } from '../../claims/models/suites.ts';
import { describeSampleLimit, MAX_SAMPLE_ELEMENTS } from '../../claims/limits.ts';
import { COMPONENTS } from '../../claims/registry.ts';
import { percent } from '../../report/format.ts';
import { out } from '../io.ts';

/**
 * Where a component's formulas stand: a section of the formula sheet, of docs/theory-extensions.md
 * (`ext-N`), or, for a user module, whatever it names (its README).
 */
function sourceOf(section: string): string {
  if (/^\d/.test(section)) return `FORMULAS.md ${section}`;
  const extension = /^ext-(\d+)$/.exec(section);
  return extension ? `docs/theory-extensions.md ${extension[1]}` : section;
}

function listCommand(options: { json?: boolean }) {
  if (options.json) {
    const components = COMPONENTS.map((c) => ({
      component: c.key,
      describe: c.describe,
      section: c.section,
      params: c.params.map((p) => ({
        key: p.key,
        describe: p.describe,
        range: describeRange(p),
        default: describeDefault(p),
      })),
      constraints: (c.constraints ?? []).map((k) => k.describe),
      maxSampleElements: MAX_SAMPLE_ELEMENTS,
      regimes: c.regimes.map((r) => ({ name: r.name, describe: r.describe })),
      claims: c.claims.map((k) => ({ id: k.id, describe: k.describe, tolerance: k.tolerance })),
    }));
    const models = MODEL_SUITES.map((m) => ({
      family: `model.${m.family}`,
      describe: m.describe,
      section: m.section,
      regimes: m.regimes.map((r) => ({ name: r.name, describe: r.describe })),
      claims: m.claims.map((k) => ({ id: k.id, describe: k.describe, tolerance: k.tolerance })),
    }));
    out(JSON.stringify({ components, models }, null, 2));
    return;
  }
  out(
    `Every config: ${describeSampleLimit()} (a simulation's sample must fit in memory), checked before anything runs.`,
  );
  for (const c of COMPONENTS) {
    out(`${c.key}: ${c.describe} (${sourceOf(c.section)})`);
    out(
      `  config: ${c.params.map((p) => `${p.key} ${describeRange(p)} = ${describeDefault(p)}`).join('; ')}`,
    );
    if (c.constraints?.length) out(`  constraints: ${c.constraints.map((k) => k.describe).join('; ')}`);
    out(`  regimes: ${c.regimes.map((r) => `${r.name} (${r.describe})`).join('; ')}`);
    for (const k of c.claims) out(claimLine(k));
  }
  for (const m of MODEL_SUITES) {
    out(
      `model.${m.family}: ${m.describe} (${sourceOf(m.section)}); run with 'sigprop depth' or 'sigprop verify'`,
    );
    out(`  regimes: ${m.regimes.map((r) => `${r.name} (${r.describe})`).join('; ')}`);
    for (const k of m.claims) out(claimLine(k));
  }
}

const claimLine = (k: Claim) =>
  `  ${k.id.padEnd(32)} ${k.describe}${k.tolerance ? `, tolerance ${percent(k.tolerance)}` : ', no declared tolerance'}`;

export function registerList(program: Command): void {
  program
    .command('list')
    .description('claims, their config keys, domains and tolerances')
    .option('--json', 'machine-readable output')
    .action((o) => listCommand(o));
}
