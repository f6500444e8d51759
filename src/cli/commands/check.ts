import type { Command } from 'commander';
import { checkComponent, type ClaimResult } from '../../claims/check.ts';
import { expectedFor, loadExpectedVerdicts } from '../../claims/expected.ts';
import { resolveComponentConfig } from '../../claims/limits.ts';
import { InputError } from '../../claims/params.ts';
import { componentOf, findClaim } from '../../claims/registry.ts';
import type { Component } from '../../claims/types.ts';
import { num, percent } from '../../report/format.ts';
import type { Budget } from '../../stats/budget.ts';
import type { Verdict } from '../../stats/verdict.ts';
import { engine, EXIT, out, type SetExit } from '../io.ts';
import {
  budgetOption,
  configOption,
  parseBudget,
  parseExpect,
  parseInteger,
  readConfigArg,
  seedOption,
} from '../options.ts';

interface CheckOptions {
  config: string;
  seed: string;
  budget: string;
  family: string;
  expect?: string;
  regime?: string;
  json?: boolean;
}

/**
 * What the verdict is held to: `--expect`, else the expectation fixtures/verdicts.json records
 * for `--regime` at this budget, else the formula's own claim, `holds`.
 */
function expectationOf(
  claim: string,
  component: Component,
  o: CheckOptions,
  budget: Budget,
): { expected: Verdict[]; source: string } {
  if (o.expect !== undefined) return { expected: parseExpect(o.expect), source: '--expect' };
  if (o.regime !== undefined) {
    const names = component.regimes.map((r) => r.name);
    if (!names.includes(o.regime))
      throw new InputError(`regime: '${o.regime}' is not a regime of ${component.key} (${names.join(', ')})`);
    const expected = expectedFor(loadExpectedVerdicts(), claim, o.regime, budget.name);
    if (!expected)
      throw new InputError(
        `regime: fixtures/verdicts.json records no expectation for ${claim} in ${o.regime}`,
      );
    return { expected, source: `fixtures/verdicts.json, ${o.regime}` };
  }
  return { expected: ['holds'], source: "the formula's claim" };
}

async function checkCommand(claimId: string, options: CheckOptions) {
  const claim = findClaim(claimId);
  const component = componentOf(claim);
  const config = resolveComponentConfig(component, readConfigArg(options.config));
  const budget = parseBudget(options.budget);
  const seed = parseInteger('seed', options.seed, 0);
  const comparisons = parseInteger('family', options.family, 1);
  const { expected, source } = expectationOf(claim.id, component, options, budget);
  const info = await engine();
  const [result] = await checkComponent(component, [claim], config, {
    budget,
    seed,
    engine: info,
    comparisons,
    ...(options.regime ? { regime: options.regime } : {}),
  });
  // inconclusive is undecided: it contradicts no expectation (as in verify)
  const unexpected = result.verdict !== 'inconclusive' && !expected.includes(result.verdict);
  out(
    options.json
      ? JSON.stringify({ ...result, budget: budget.name, expected, unexpected }, null, 2)
      : describeResult(result, budget.name, { expected, source, unexpected }),
  );
  return unexpected ? EXIT.unexpected : EXIT.ok;
}

function describeResult(
  r: ClaimResult,
  budget: string,
  e: { expected: Verdict[]; source: string; unexpected: boolean },
): string {
  return [
    `${r.claim}: ${r.verdict}${e.unexpected ? ` (UNEXPECTED: expected ${e.expected.join(' or ')}, from ${e.source})` : ''}`,
    `  predicted ${num(r.predicted)}, measured ${num(r.measured)} +- ${num(r.stderr)} (standard error), ratio ${num(r.ratio)}`,
    `  error ${percent(r.relError)} of scale ${num(r.scale)}; this measurement resolves errors above ${percent(r.resolution)}`,
    `  config ${JSON.stringify(r.config)}`,
    `  ${r.replicates} replicates x ${r.batch} samples, budget ${budget}, seed ${r.seed}, engine ${r.backend}, ${num(r.elapsedMs / 1000, 3)} s`,
  ].join('\n');
}

export function registerCheck(program: Command, setExit: SetExit): void {
  program
    .command('check <claim>')
    .description('check one claim at one config; exit 1 when a decided verdict contradicts the expectation')
    .addOption(configOption())
    .addOption(seedOption())
    .addOption(budgetOption())
    .option(
      '--family <n>',
      'comparisons in the family the false-alarm budget is split over (a verify replay passes its own)',
      '1',
    )
    .option(
      '--expect <verdicts>',
      "holds, deviates, or 'holds,deviates': the verdicts that count as expected (default holds, the formula's claim)",
    )
    .option(
      '--regime <name>',
      "hold the verdict to fixtures/verdicts.json's expectation for this regime (as verify does) instead",
    )
    .option('--json', 'machine-readable output')
    .action(async (claim, o) => setExit(await checkCommand(claim, o)));
}
