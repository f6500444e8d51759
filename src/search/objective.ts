import type { Claim, Component, Config } from '../claims/types.ts';
import { batchFor } from '../claims/check.ts';
import { replicateCap } from '../stats/sizing.ts';
import { simulateReplicates, type ReplicateMoments } from '../sim/run.ts';
import { canonicalJson } from '../sim/random.ts';
import type { ObservationName } from '../sim/simulator.ts';
import type { Budget } from '../stats/budget.ts';
import { estimateMoment } from '../stats/estimate.ts';
import { fromUnit, type Regime, type Space } from '../claims/space.ts';
import type { Point } from './design.ts';
import type { Measurement, NoisyObjective } from './search.ts';

/** One claim measured at one config: COORDINATION.md's objective. */
export interface ClaimMeasurement extends Measurement {
  predicted: number;
  measured: number;
  stderr: number;
  scale: number;
}

interface Pool {
  replicates: ReplicateMoments[];
  shifts?: Partial<Record<ObservationName, number>>;
}

/**
 * Measures every given claim of a component at a config from one simulation of `replicates`
 * replicates (simulateReplicates + estimateMoment, at a fixed count: no adaptive looks), keeping
 * the replicates per (run seed, config) so that asking again with more simulates only the new
 * ones. Replicate i of a config has the seed it has in `check` with the same run seed, so
 * `sigprop check --seed <runSeed>` replays these draws.
 */
export class ConfigMeasurer {
  private readonly pools = new Map<string, Pool>();
  /** replicates simulated so far */
  simulated = 0;

  constructor(
    private readonly component: Component,
    private readonly claims: readonly Claim[],
    private readonly budget: Budget,
  ) {}

  /**
   * the most replicates one config may get under the budget: checkComponent's cap, or with
   * `maxReplicates` (a confirmation's, budget.confirmReplicates) in place of the budget's, scaled
   * down the same way for a config whose sample is larger than a replicate's share
   */
  cap(config: Config, maxReplicates = this.budget.maxReplicates): number {
    return replicateCap(
      { ...this.budget, maxReplicates },
      batchFor(this.component, config, this.budget),
      this.component.simulator.elementsPerSample(config),
    );
  }

  /** `replicates` replicates, at most `cap` (default `cap(config)`); the result says how many were used */
  async measure(
    config: Config,
    replicates: number,
    runSeed: number,
    cap = this.cap(config),
  ): Promise<ClaimMeasurement[]> {
    const key = `${runSeed}|${canonicalJson(config)}`;
    const pool = this.pools.get(key) ?? { replicates: [] };
    this.pools.set(key, pool);
    const target = Math.max(2, Math.min(replicates, cap));
    if (pool.replicates.length < target) {
      const more = await simulateReplicates(this.component.simulator, config, {
        runSeed,
        from: pool.replicates.length,
        to: target,
        batch: batchFor(this.component, config, this.budget),
        shifts: pool.shifts,
      });
      pool.shifts = more.shifts;
      pool.replicates.push(...more.replicates);
      this.simulated += more.replicates.length;
    }
    const used = pool.replicates.slice(0, target);
    return this.claims.map((claim) => {
      const estimate = estimateMoment(
        used.map((r) => r[claim.observation]!),
        claim.moment,
      );
      const predicted = claim.predict(config);
      const scale = claim.scale(config);
      return {
        predicted,
        measured: estimate.value,
        stderr: estimate.stderr,
        scale,
        error: (estimate.value - predicted) / scale,
        errorStderr: estimate.stderr / scale,
        allowance: (claim.tolerance * Math.abs(predicted)) / scale,
        replicates: target,
      };
    });
  }
}

/** A regime's free axes (min < max) and the map from the unit cube to a full config. */
export function cubeOf<C extends object>(
  regime: Regime<C>,
  budget: Budget,
): { keys: string[]; space: Space; toConfig(point: Point): C } {
  const space = regime.space(budget);
  const keys = Object.keys(space).filter((key) => space[key].min < space[key].max);
  return {
    keys,
    space,
    toConfig: (point) => {
      const values: Record<string, number> = {};
      for (const [key, axis] of Object.entries(space)) values[key] = axis.min;
      keys.forEach((key, i) => (values[key] = fromUnit(space[key], point[i])));
      return regime.toConfig(values, budget);
    },
  };
}

/**
 * The search's objective for the selected claims of one component in one regime: cheap
 * measurements from `searchSeed`, confirmations from `confirmSeed` (a run seed the search never
 * used), cost counted in measurements of `baseReplicates` replicates.
 */
export function componentObjective(
  component: Component,
  claims: readonly Claim[],
  regime: Regime<Config>,
  budget: Budget,
  seeds: { search: number; confirm: number },
  baseReplicates: number,
): NoisyObjective<ClaimMeasurement> & {
  measurer: ConfigMeasurer;
  toConfig(point: Point): Config;
  space: Space;
} {
  const cube = cubeOf(regime, budget);
  const measurer = new ConfigMeasurer(component, claims, budget);
  const confirmCap = (point: Point) => measurer.cap(cube.toConfig(point), budget.confirmReplicates);
  return {
    keys: cube.keys,
    claims: claims.map((c) => c.id),
    measure: (point, replicates) => measurer.measure(cube.toConfig(point), replicates, seeds.search),
    confirm: (point, replicates) =>
      measurer.measure(cube.toConfig(point), replicates, seeds.confirm, confirmCap(point)),
    confirmCap,
    spent: () => measurer.simulated / baseReplicates,
    measurer,
    toConfig: cube.toConfig,
    space: cube.space,
  };
}
