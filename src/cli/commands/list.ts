import type { Command } from 'commander';
import { describeDefault, describeRange } from '../../claims/params.ts';
import type { Claim } from '../../claims/types.ts';
import { describeSampleLimit, MAX_SAMPLE_ELEMENTS } from '../../claims/limits.ts';
import { REGISTRY, isModelEntry, type RegistryEntry } from '../../claims/registry.ts';
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

const regimesOf = (e: RegistryEntry) => e.regimes.map((r) => ({ name: r.name, describe: r.describe }));
const claimsOf = (e: RegistryEntry) =>
  e.claims.map((k) => ({ id: k.id, describe: k.describe, tolerance: k.tolerance }));

function listCommand(options: { json?: boolean }) {
  if (options.json) {
    const components = [];
    const models = [];
    for (const e of REGISTRY) {
      if (isModelEntry(e)) {
        models.push({
          family: e.key,
          describe: e.describe,
          section: e.section,
          regimes: regimesOf(e),
          claims: claimsOf(e),
        });
        continue;
      }
      components.push({
        component: e.key,
        describe: e.describe,
        section: e.section,
        params: e.params.map((p) => ({
          key: p.key,
          describe: p.describe,
          range: describeRange(p),
          default: describeDefault(p),
        })),
        constraints: (e.constraints ?? []).map((k) => k.describe),
        maxSampleElements: MAX_SAMPLE_ELEMENTS,
        regimes: regimesOf(e),
        claims: claimsOf(e),
      });
    }
    out(JSON.stringify({ components, models }, null, 2));
    return;
  }
  out(
    `Every config: ${describeSampleLimit()} (a simulation's sample must fit in memory), checked before anything runs.`,
  );
  for (const e of REGISTRY) {
    if (isModelEntry(e)) {
      out(`${e.key}: ${e.describe} (${sourceOf(e.section)}); run with 'sigprop depth' or 'sigprop verify'`);
    } else {
      out(`${e.key}: ${e.describe} (${sourceOf(e.section)})`);
      out(
        `  config: ${e.params.map((p) => `${p.key} ${describeRange(p)} = ${describeDefault(p)}`).join('; ')}`,
      );
      if (e.constraints?.length) out(`  constraints: ${e.constraints.map((k) => k.describe).join('; ')}`);
    }
    out(`  regimes: ${e.regimes.map((r) => `${r.name} (${r.describe})`).join('; ')}`);
    for (const k of e.claims) out(claimLine(k));
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
