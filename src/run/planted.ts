import type { EngineInfo } from '../backend/engine.ts';
import { clopperPearson, type Interval } from '../calibrate/binomial.ts';
import { cornerFault, interiorFault, type PlantedFault } from '../calibrate/planted.ts';
import { ALL_CLAIMS, COMPONENTS, findClaim } from '../claims/registry.ts';
import { centre } from '../search/design.ts';
import { searchableRegimes } from '../search/legacyRegimes.ts';
import { cubeOf } from '../search/objective.ts';
import type { Budget } from '../stats/budget.ts';
import { huntTask, planHunt, type HuntRecord } from './hunt.ts';

export type FaultKind = PlantedFault['kind'];

interface Judged { finding: boolean; inside: boolean; error: number; errorStderr: number; replicates: number; evaluations: number; config: Record<string, number> }

export interface PlantedTrial {
  seed: number;
  fault: string;
  hunt: Judged;
  random?: Judged;
}

export interface PlantedRow {
  claim: string;
  kind: FaultKind;
  trials: PlantedTrial[];
  /** seeds where the confirmed worst error was a finding, for the hunt and for random sampling at the same cost */
  hunt: { found: number; rate: number; ci: Interval };
  random?: { found: number; rate: number; ci: Interval };
  meanEvaluations: number;
}

export interface PlantedOptions {
  budget: Budget;
  engine: EngineInfo;
  seeds: readonly number[];
  /** exact claims to plant faults in; default the forward variance of each exact component */
  claims?: readonly string[];
  kinds?: readonly FaultKind[];
  /** also run the random-sampling baseline (default true) */
  baseline?: boolean;
  onTrial?: (row: string, trial: PlantedTrial) => void;
}

export const PLANTED_CLAIMS = ['relu.forward.var', 'dropout.forward.var', 'gelu.forward.var', 'linear.forward.var'];

/**
 * Per claim, fault kind and seed: the fault planted where the seed says (calibrate/planted.ts),
 * the hunt run on the faulty claim at the budget's default evaluations, and random sampling
 * given the same number of search simulations (and the same confirmation). Both are judged the
 * way `verify` judges a hunt: the confirmed error is a finding. The confirmation's critical value
 * is the one of a default hunt over every claim, so the rate is the one a real run would have.
 */
export async function plantedFaultRates(options: PlantedOptions): Promise<PlantedRow[]> {
  const comparisons = planHunt(ALL_CLAIMS).reduce((n, t) => n + t.claims.length, 0);
  const rows: PlantedRow[] = [];
  for (const id of options.claims ?? PLANTED_CLAIMS) {
    const original = findClaim(id);
    const component = COMPONENTS.find((c) => c.key === original.component)!;
    const regime = searchableRegimes(component)[0];
    const cube = cubeOf(regime, options.budget);
    const example = cube.toConfig(centre(cube.keys.length));
    for (const kind of options.kinds ?? ['corner', 'interior']) {
      const trials: PlantedTrial[] = [];
      for (const seed of options.seeds) {
        const plant = kind === 'corner' ? cornerFault : interiorFault;
        const fault = plant(original, cube.space, example, `${seed}|${id}`);
        const task = { component, regime, claims: [fault.claim] };
        const judge = (r: HuntRecord) => ({ finding: r.finding, errorStderr: r.worst.errorStderr, replicates: r.replicates, config: r.worst.config, inside: fault.factor(r.worst.config) - 1 > options.budget.precision, error: r.worst.error, evaluations: r.evaluations });
        const [hunted] = await huntTask(task, { budget: options.budget, seed, engine: options.engine, comparisons });
        const sampled = options.baseline === false ? undefined : (await huntTask(task, { budget: options.budget, seed, engine: options.engine, comparisons, strategy: 'random' }))[0];
        const trial = { seed, fault: fault.describe, hunt: judge(hunted), ...(sampled ? { random: judge(sampled) } : {}) };
        trials.push(trial);
        options.onTrial?.(`${id}/${kind}`, trial);
      }
      const rate = (found: number) => ({ found, rate: found / trials.length, ci: clopperPearson(found, trials.length) });
      rows.push({
        claim: id,
        kind,
        trials,
        hunt: rate(trials.filter((t) => t.hunt.finding).length),
        ...(options.baseline === false ? {} : { random: rate(trials.filter((t) => t.random?.finding).length) }),
        meanEvaluations: trials.reduce((s, t) => s + t.hunt.evaluations, 0) / trials.length,
      });
    }
  }
  return rows;
}
