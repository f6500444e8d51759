import type { EngineInfo } from '../backend/engine.ts';
import { COMPONENTS } from '../claims/registry.ts';
import type { Claim, Component, Config } from '../claims/types.ts';
import type { Regime } from '../search/axes.ts';
import { searchableRegimes } from '../search/legacyRegimes.ts';
import { componentObjective, type ClaimMeasurement } from '../search/objective.ts';
import { randomSearch, searchWorst, type SearchOptions, type SearchOutcome } from '../search/search.ts';
import type { HuntRecord as ReportHuntRecord } from '../report/model.ts';
import type { Budget } from '../stats/budget.ts';
import { criticalValue } from '../stats/verdict.ts';

/**
 * report.json's hunt record (COORDINATION.md, typed in report/model.ts) with two more fields:
 * `seed` is the confirmation's run seed (`check --seed` with it draws the confirmation's
 * replicates), `huntSeed` the seed the hunt was asked for, `replicates` the confirmation's.
 */
export type HuntRecord = ReportHuntRecord & { huntSeed: number; replicates: number };

export interface HuntOptions {
  budget: Budget;
  seed: number;
  engine: EngineInfo;
  /** simulations per component and regime before confirmation; default the budget's */
  evaluations?: number;
  /** only this regime */
  regime?: string;
  /** the random-sampling baseline at the same cost instead of the search (calibration) */
  strategy?: 'search' | 'random';
  onRecord?: (done: number, total: number, records: HuntRecord[]) => void;
}

/** Stable unsigned integer from a string (the same mixing verify uses for its config draws). */
function stringSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export interface HuntTask {
  component: Component;
  regime: Regime<Config>;
  claims: Claim[];
}

/** One task per component and searchable regime with selected claims. */
export function planHunt(claims: readonly Claim[], regime?: string): HuntTask[] {
  return COMPONENTS.flatMap((component) => {
    const selected = claims.filter((c) => c.component === component.key);
    if (selected.length === 0) return [];
    return searchableRegimes(component)
      .filter((r) => regime === undefined || r.name === regime)
      .map((r) => ({ component, regime: r, claims: selected }));
  });
}

/** Hunts one component in one regime for the worst config of each of its selected claims. */
export async function huntTask(task: HuntTask, options: HuntOptions & { comparisons: number }): Promise<HuntRecord[]> {
  const { budget } = options;
  const base = budget.initialReplicates;
  const where = `${task.component.key}/${task.regime.name}`;
  const seeds = { search: stringSeed(`hunt|${options.seed}|${where}`), confirm: stringSeed(`confirm|${options.seed}|${where}`) };
  const objective = componentObjective(task.component, task.claims, task.regime, budget, seeds, base);
  const search: SearchOptions = {
    evaluations: options.evaluations ?? budget.huntEvaluations,
    baseReplicates: base,
    maxReplicates: budget.maxReplicates,
    precision: budget.precision,
    critical: (replicates) => criticalValue(budget.familyAlpha, options.comparisons, { replicates, initialReplicates: base, maxReplicates: budget.maxReplicates }),
    seed: `${options.seed}|${where}`,
  };
  const outcome: SearchOutcome<ClaimMeasurement> = await (options.strategy === 'random' ? randomSearch : searchWorst)(objective, search);
  return outcome.claims.map((c) => {
    const config = objective.toConfig(c.worst.point);
    const m = c.worst.confirmed;
    return {
      claim: c.claim,
      regime: task.regime.name,
      worst: { config, predicted: m.predicted, measured: m.measured, stderr: m.stderr, ratio: m.predicted === 0 ? null : m.measured / m.predicted, error: m.error, errorStderr: m.errorStderr },
      drivers: c.drivers.map((d) => ({ key: d.key, effect: d.effect })),
      evaluations: Math.round(outcome.evaluations * 10) / 10,
      seed: seeds.confirm,
      huntSeed: options.seed,
      replay: `npx sigprop check ${c.claim} --config '${JSON.stringify(config)}' --seed ${seeds.confirm} --budget ${budget.name}`,
      finding: c.worst.finding,
      replicates: c.worst.replicates,
    };
  });
}

/** Hunts every selected claim in every searchable regime of its component, one task after another. */
export async function runHunt(claims: readonly Claim[], options: HuntOptions): Promise<HuntRecord[]> {
  const tasks = planHunt(claims, options.regime);
  const comparisons = tasks.reduce((n, t) => n + t.claims.length, 0);
  const records: HuntRecord[] = [];
  for (const [i, task] of tasks.entries()) {
    const found = await huntTask(task, { ...options, comparisons });
    records.push(...found);
    options.onRecord?.(i + 1, tasks.length, found);
  }
  return records;
}
