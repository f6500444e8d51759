import type { EngineInfo } from '../backend/engine.ts';
import { checkComponent } from '../claims/check.ts';
import type { Claim, Component, Config } from '../claims/types.ts';
import { BUDGETS, type BudgetName } from '../stats/budget.ts';
import type { Verdict } from '../stats/verdict.ts';
import { referenceError, referenceNoise, referencePercentile } from './protocol.ts';
import { gridComponent, gridConfigs, selectConfigs } from './grids.ts';
import { simulateProtocol } from './simulate.ts';

export interface GridPoint {
  config: Config;
  claim: string;
  predicted: number;
  /** the reference protocol's statistic at B samples */
  measured: number;
  /** its standard error at B (spread over independent groups of samples) */
  stderr: number;
  /** the reference's relative error */
  error: number;
  /** the standard error in the same metric: what sampling noise alone contributes */
  noise: number;
  /** sigprop's own verdict and standard error at this config (its budget), when asked for */
  verdict?: Verdict;
  sigpropStderr?: number;
  sigpropRelError?: number;
}

export interface GridRow {
  claim: string;
  published?: [number, number, number];
  /** percent, sorted[floor(n*q/100)] at q = 50, 90, 99 */
  errors: [number, number, number];
  /** absent where no point has a standard error (a shared-weight grid run once) */
  noise?: [number, number, number];
  verdicts?: Record<Verdict, number>;
}

/** Everything that determines a grid run's configs and numbers; plain data, so workers can rebuild it. */
export interface GridPlan {
  component: string;
  subset?: { index: number; count: number };
  limit?: number;
  /** samples per config (the reference's B unless asked otherwise) */
  samples: number;
  seed: number;
  /** sigprop's budget for the per-point verdicts; absent skips them */
  verdictBudget?: BudgetName;
  /** independent runs where the samples share weights (SHA), for the standard error; default NOISE_GROUPS */
  sharedRuns?: number;
}

export function gridPlanConfigs(plan: GridPlan): { component: Component; configs: Config[] } {
  const { component, grid } = gridComponent(plan.component);
  return { component, configs: selectConfigs(gridConfigs(component, grid), plan.subset, plan.limit) };
}

/** The variance claim whose prediction the reference divides near-zero statistics by. */
function predictedVarianceClaim(component: Component, claim: Claim): Claim {
  const sameObservation = component.claims.find(
    (c) => c.moment === 'variance' && c.observation === claim.observation && !c.id.includes('@'),
  );
  return (
    sameObservation ?? component.claims.find((c) => c.moment === 'variance' && c.observation === 'output')!
  );
}

/** The reference protocol (and, if asked, sigprop's verdicts) at config `index` of the plan. */
export async function gridPointsAt(
  plan: GridPlan,
  component: Component,
  configs: readonly Config[],
  index: number,
  engine: EngineInfo,
): Promise<GridPoint[]> {
  const config = configs[index];
  const claims = component.claims;
  const measured = await simulateProtocol(
    component,
    claims,
    config,
    plan.samples,
    plan.seed,
    plan.sharedRuns,
  );
  const checked = plan.verdictBudget
    ? await checkComponent(component, claims, config, {
        budget: BUDGETS[plan.verdictBudget],
        seed: plan.seed,
        engine,
        comparisons: configs.length * claims.length,
      })
    : undefined;
  return measured.map((m, j) => {
    const claim = claims[j];
    const predicted = claim.predict(config);
    const predVar = predictedVarianceClaim(component, claim).predict(config);
    return {
      config,
      claim: claim.id,
      predicted,
      measured: m.measured,
      stderr: m.stderr,
      error: referenceError(m.kind, m.measured, predicted, predVar),
      noise: referenceNoise(m.kind, m.measured, m.stderr, predicted, predVar),
      ...(checked
        ? {
            verdict: checked[j].verdict,
            sigpropStderr: checked[j].stderr,
            sigpropRelError: checked[j].relError,
          }
        : {}),
    };
  });
}

const QUANTILES = [50, 90, 99] as const;
const triple = (values: number[]) =>
  QUANTILES.map((q) => 100 * referencePercentile(values, q)) as [number, number, number];

/** Percentile table per claim, in the claims' order, beside the published one. */
export function summarise(
  points: readonly GridPoint[],
  published: Record<string, [number, number, number]> = {},
): GridRow[] {
  const ids = [...new Set(points.map((p) => p.claim))];
  return ids.map((claim) => {
    const mine = points.filter((p) => p.claim === claim);
    const withVerdict = mine.filter((p) => p.verdict);
    const withNoise = mine.filter((p) => Number.isFinite(p.noise));
    const verdicts = withVerdict.length
      ? (Object.fromEntries(
          (['holds', 'deviates', 'inconclusive'] as const).map((v) => [
            v,
            withVerdict.filter((p) => p.verdict === v).length,
          ]),
        ) as Record<Verdict, number>)
      : undefined;
    return {
      claim,
      ...(published[claim] ? { published: published[claim] } : {}),
      errors: triple(mine.map((p) => p.error)),
      ...(withNoise.length ? { noise: triple(withNoise.map((p) => p.noise)) } : {}),
      ...(verdicts ? { verdicts } : {}),
    };
  });
}
