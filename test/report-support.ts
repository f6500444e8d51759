import { releaseEngine, initEngine } from '../src/backend/engine.ts';
import { loadExpectedVerdicts } from '../src/claims/expected.ts';
import { findClaim, selectClaims } from '../src/claims/registry.ts';
import { countComparisons, planVerification, runVerification } from '../src/run/verify.ts';
import { buildReport, type Report } from '../src/report/model.ts';
import { verifyPlanStamp } from '../src/report/shards.ts';
import { BUDGETS } from '../src/stats/budget.ts';

/** A real quick-budget run of a few claims, whole or as one shard, reported as `verify` would. */
export async function realReport(
  pattern: string,
  seed = 1,
  shard?: { index: number; count: number },
): Promise<Report> {
  const budget = BUDGETS.quick;
  const engine = await initEngine();
  try {
    const claims = selectClaims(pattern);
    const all = planVerification(claims, budget, seed);
    const comparisons = countComparisons(all);
    const tasks = shard ? planVerification(claims, budget, seed, shard) : all;
    const { results, complete } = await runVerification(tasks, {
      budget,
      seed,
      engine,
      expected: loadExpectedVerdicts(),
      comparisons,
    });
    const run = {
      command: 'verify',
      budget: budget.name,
      precision: budget.precision,
      familyAlpha: budget.familyAlpha,
      seed,
      claims: pattern,
      ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
      plan: verifyPlanStamp(
        { claims: pattern, budget: budget.name, seed, version: '0.0.0-test', hunt: false },
        shard,
      ),
      engine,
      node: process.version,
      startedAt: new Date(0).toISOString(),
      wallSeconds: 1,
      complete,
      comparisons,
    };
    // through JSON, as a report is read back from report.json (NaN ratios become null)
    return JSON.parse(
      JSON.stringify(buildReport(run, results, '0.0.0-test', (id) => findClaim(id).describe)),
    ) as Report;
  } finally {
    await releaseEngine();
  }
}
