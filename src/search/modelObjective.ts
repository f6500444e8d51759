import type { ModelClaim } from '../claims/models/claims.ts';
import { toModelConfig, type Family } from '../claims/models/config.ts';
import type { Config, Regime } from '../claims/types.ts';
import type { Space } from '../claims/space.ts';
import { simulateModel, type ProfileReplicate } from '../sim/model/measure.ts';
import { measuredProfile } from '../sim/model/profile.ts';
import { canonicalJson } from '../sim/random.ts';
import type { Budget } from '../stats/budget.ts';
import type { ModelConfig } from '../theory/models.ts';
import { predictModel } from '../theory/schemes.ts';
import type { Point } from './design.ts';
import { cubeOf, type ClaimMeasurement } from './objective.ts';
import type { NoisyObjective } from './search.ts';

/** A model claim measured at one config: its worst sublayer boundary, named for the report. */
export interface ModelMeasurement extends ClaimMeasurement {
  /** the boundary whose comparison is reported (absent for a depth law) */
  boundary?: number;
}

interface Pool {
  full: ProfileReplicate[];
  half: ProfileReplicate[];
}

/**
 * The hunt's objective for whole-model claims (issue 12, the model families): a config of the
 * regime is simulated as `verify` simulates it (simulateModel, the run seed's replicate i), at a
 * fixed replicate count, replicates pooled per (seed, config) so asking again with more simulates
 * only the new ones. A per-boundary claim makes 2N+1 comparisons at one config; its measurement
 * is the comparison whose error is largest beyond its noise (|error| - 2 stderr), the boundary
 * recorded beside it. Choosing the largest of 2N+1 noisy comparisons biases it upward, so the
 * confirmation (a fresh seed) does not choose again: it measures the boundary the search's own
 * measurement at that config chose, and only that value is reported. A config below a claim's minimum depth measures nothing for that claim: its
 * error has infinite standard error, so the search never calls it a finding there.
 */
export function modelObjective(
  family: Family,
  claims: readonly ModelClaim[],
  regime: Regime<Config>,
  budget: Budget,
  seeds: { search: number; confirm: number },
  baseReplicates: number,
): NoisyObjective<ModelMeasurement> & { toConfig(point: Point): Config; space: Space } {
  const cube = cubeOf(regime, budget);
  const pools = new Map<string, Pool>();
  let simulated = 0;
  const halfDepth = claims.some((c) => c.needsHalfDepth);

  async function grow(
    pool: Pool,
    model: ModelConfig,
    half: ModelConfig | undefined,
    batch: number,
    to: number,
    seed: number,
  ) {
    const more = await simulateModel(model, { runSeed: seed, from: pool.full.length, to, batch });
    pool.full.push(...more);
    simulated += more.length;
    if (half)
      pool.half.push(...(await simulateModel(half, { runSeed: seed, from: pool.half.length, to, batch })));
  }

  /** per claim, the boundary the search chose at a config (canonical JSON), for its confirmation */
  const chosen = new Map<string, (number | undefined)[]>();

  const at = (seed: number, confirming: boolean) => async (point: Point, replicates: number) => {
    const config = cube.toConfig(point);
    const model = toModelConfig(family, config);
    const half =
      halfDepth && config.layers >= 2 ? { ...model, layers: Math.floor(config.layers / 2) } : undefined;
    const configKey = canonicalJson(config);
    const key = `${seed}|${configKey}`;
    const pool = pools.get(key) ?? { full: [], half: [] };
    pools.set(key, pool);
    const target = Math.max(2, replicates);
    if (pool.full.length < target) await grow(pool, model, half, config.batch, target, seed);
    const full = pool.full.slice(0, target);
    const evidence = {
      config,
      prediction: predictModel(model),
      profile: measuredProfile(full),
      replicates: full,
      ...(half ? { half: { prediction: predictModel(half), replicates: pool.half.slice(0, target) } } : {}),
    };
    const picks = confirming ? chosen.get(configKey) : undefined;
    const results = claims.map((claim, c): ModelMeasurement => {
      const measured = claim.compare(evidence).map((cmp) => {
        const error = (cmp.measured.value - cmp.predicted) / cmp.scale;
        const errorStderr = cmp.measured.stderr / cmp.scale;
        return {
          predicted: cmp.predicted,
          measured: cmp.measured.value,
          stderr: cmp.measured.stderr,
          scale: cmp.scale,
          error,
          errorStderr,
          allowance: (claim.tolerance * Math.abs(cmp.predicted)) / cmp.scale,
          ...(cmp.boundary === undefined ? {} : { boundary: cmp.boundary }),
        };
      });
      const usable = measured.filter((m) => Number.isFinite(m.error) && Number.isFinite(m.errorStderr));
      if (usable.length === 0)
        return {
          predicted: 0,
          measured: 0,
          stderr: Infinity,
          scale: 1,
          error: 0,
          errorStderr: Infinity,
          allowance: 0,
        };
      const picked = picks && usable.find((m) => m.boundary === picks[c]);
      if (picked) return picked;
      const beyondNoise = (m: ModelMeasurement) => Math.abs(m.error) - m.allowance - 2 * m.errorStderr;
      return usable.reduce((worst, m) => (beyondNoise(m) > beyondNoise(worst) ? m : worst));
    });
    if (!confirming)
      chosen.set(
        configKey,
        results.map((m) => m.boundary),
      );
    return results;
  };
  return {
    keys: cube.keys,
    claims: claims.map((c) => c.id),
    measure: at(seeds.search, false),
    confirm: at(seeds.confirm, true),
    spent: () => simulated / baseReplicates,
    toConfig: cube.toConfig,
    space: cube.space,
  };
}
