import type { Command } from 'commander';
import { checkComponent, type ClaimResult } from '../../claims/check.ts';
import { resolveConfig } from '../../claims/params.ts';
import { componentOf, findClaim } from '../../claims/registry.ts';
import { num, percent } from '../../report/format.ts';
import { engine, EXIT, out, type SetExit } from '../io.ts';
import { budgetOption, parseBudget, parseConfigJson, parseInteger, seedOption } from '../options.ts';

interface CheckOptions {
  config: string;
  seed: string;
  budget: string;
  family: string;
  json?: boolean;
}

async function checkCommand(claimId: string, options: CheckOptions) {
  const claim = findClaim(claimId);
  const component = componentOf(claim);
  const config = resolveConfig(component.params, parseConfigJson(options.config), component.key);
  const budget = parseBudget(options.budget);
  const seed = parseInteger('seed', options.seed, 0);
  const comparisons = parseInteger('family', options.family, 1);
  const info = await engine();
  const [result] = await checkComponent(component, [claim], config, { budget, seed, engine: info, comparisons });
  out(options.json ? JSON.stringify({ ...result, budget: budget.name }, null, 2) : describeResult(result, budget.name));
  return EXIT.ok;
}

function describeResult(r: ClaimResult, budget: string): string {
  return [
    `${r.claim}: ${r.verdict}`,
    `  predicted ${num(r.predicted)}, measured ${num(r.measured)} +- ${num(r.stderr)} (standard error), ratio ${num(r.ratio)}`,
    `  error ${percent(r.relError)} of scale ${num(r.scale)}; this measurement resolves errors above ${percent(r.resolution)}`,
    `  config ${JSON.stringify(r.config)}`,
    `  ${r.replicates} replicates x ${r.batch} samples, budget ${budget}, seed ${r.seed}, engine ${r.backend}, ${num(r.elapsedMs / 1000, 3)} s`,
  ].join('\n');
}

export function registerCheck(program: Command, setExit: SetExit): void {
  program
    .command('check <claim>')
    .description('check one claim at one config')
    .option('--config <json>', 'config as JSON; keys left out take their defaults', '{}')
    .addOption(seedOption())
    .addOption(budgetOption())
    .option('--family <n>', 'comparisons in the family the false-alarm budget is split over (a verify replay passes its own)', '1')
    .option('--json', 'machine-readable output')
    .action(async (claim, o) => setExit(await checkCommand(claim, o)));
}
