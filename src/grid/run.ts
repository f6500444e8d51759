import type { EngineInfo } from '../backend/engine.ts';
import { checkComponent } from '../claims/check.ts';
import type { Claim, Component, Config } from '../claims/types.ts';
import type { Budget } from '../stats/budget.ts';
import type { Verdict } from '../stats/verdict.ts';
import { referenceError, referenceNoise, referencePercentile } from './protocol.ts';
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
  noise: [number, number, number];
  verdicts?: Record<Verdict, number>;
}

export interface GridOptions {
  samples: number;
  seed: number;
  engine: EngineInfo;
  /** sigprop's budget for the per-point verdicts; none skips them */
  verdictBudget?: Budget;
  onConfig?: (done: number, total: number) => void;
}

/** The variance claim whose prediction the reference divides near-zero statistics by. */
function predictedVarianceClaim(component: Component, claim: Claim): Claim {
  const sameObservation = component.claims.find((c) => c.moment === 'variance' && c.observation === claim.observation && !c.id.includes('@'));
  return sameObservation ?? component.claims.find((c) => c.moment === 'variance' && c.observation === 'output')!;
}

export async function runGrid(component: Component, configs: readonly Config[], options: GridOptions): Promise<GridPoint[]> {
  const claims = component.claims;
  const points: GridPoint[] = [];
  for (const [i, config] of configs.entries()) {
    const measured = await simulateProtocol(component, claims, config, options.samples, options.seed);
    const checked = options.verdictBudget
      ? await checkComponent(component, claims, config, { budget: options.verdictBudget, seed: options.seed, engine: options.engine, comparisons: configs.length * claims.length })
      : undefined;
    measured.forEach((m, j) => {
      const claim = claims[j];
      const predicted = claim.predict(config);
      const predVar = predictedVarianceClaim(component, claim).predict(config);
      points.push({
        config,
        claim: claim.id,
        predicted,
        measured: m.measured,
        stderr: m.stderr,
        error: referenceError(m.kind, m.measured, predicted, predVar),
        noise: referenceNoise(m.kind, m.measured, m.stderr, predicted, predVar),
        ...(checked ? { verdict: checked[j].verdict, sigpropStderr: checked[j].stderr, sigpropRelError: checked[j].relError } : {}),
      });
    });
    options.onConfig?.(i + 1, configs.length);
  }
  return points;
}

const QUANTILES = [50, 90, 99] as const;
const triple = (values: number[]) => QUANTILES.map((q) => 100 * referencePercentile(values, q)) as [number, number, number];

/** Percentile table per claim, in the claims' order, beside the published one. */
export function summarise(points: readonly GridPoint[], published: Record<string, [number, number, number]> = {}): GridRow[] {
  const ids = [...new Set(points.map((p) => p.claim))];
  return ids.map((claim) => {
    const mine = points.filter((p) => p.claim === claim);
    const withVerdict = mine.filter((p) => p.verdict);
    const verdicts = withVerdict.length
      ? (Object.fromEntries((['holds', 'deviates', 'inconclusive'] as const).map((v) => [v, withVerdict.filter((p) => p.verdict === v).length])) as Record<Verdict, number>)
      : undefined;
    return {
      claim,
      ...(published[claim] ? { published: published[claim] } : {}),
      errors: triple(mine.map((p) => p.error)),
      noise: triple(mine.map((p) => p.noise)),
      ...(verdicts ? { verdicts } : {}),
    };
  });
}
