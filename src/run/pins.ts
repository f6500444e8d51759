import type { EngineInfo } from '../backend/engine.ts';
import { checkComponent, type ClaimResult } from '../claims/check.ts';
import { validateModelConfig } from '../claims/models/config.ts';
import { checkModel } from '../claims/models/run.ts';
import type { Pin, PinReplay } from '../claims/pins.ts';
import { entryOf, findClaim, isModelEntry } from '../claims/registry.ts';
import { resolveConfig } from '../claims/params.ts';
import type { Config } from '../claims/types.ts';
import { initEngine } from '../backend/engine.ts';
import { claimsModuleSetup } from '../claims/userModules.ts';
import { runJobsInWorkers, type JobRunner } from '../parallel/pool.ts';
import { BUDGETS, type BudgetName } from '../stats/budget.ts';
import { drift, familyCriticalValue } from '../stats/drift.ts';
import type { Verdict } from '../stats/verdict.ts';

/** What a pin is measured at: a claim, its regime and config, a seed and a budget. */
export interface PinTarget {
  claim: string;
  regime: string;
  config: Config;
  seed: number;
  budget: BudgetName;
}

/** One measurement of a pin's target: the fields a Pin records, plus the verdict. */
export interface PinMeasurement {
  claim: string;
  component: string;
  engine: string;
  predicted: number;
  measured: number;
  stderr: number;
  ratio: number | null;
  error: number;
  errorStderr: number;
  verdict: Verdict;
  replicates: number;
  elapsedMs: number;
}

/** The per-config part of a model config: the boundary names one comparison, not the simulation. */
function withoutBoundary(config: Config): Config {
  const { boundary: _boundary, ...rest } = config;
  return rest;
}

function measurementOf(r: ClaimResult): Omit<PinMeasurement, 'elapsedMs'> {
  return {
    claim: r.claim,
    component: r.component,
    engine: r.backend,
    predicted: r.predicted,
    measured: r.measured,
    stderr: r.stderr,
    ratio: Number.isFinite(r.ratio) ? r.ratio : null,
    error: (r.measured - r.predicted) / r.scale,
    errorStderr: r.stderr / r.scale,
    verdict: r.verdict,
    replicates: r.replicates,
  };
}

/**
 * Measures one target exactly as `sigprop check <claim> --config <json> --seed N --budget B`
 * does: the adaptive loop with a family of one comparison, so a pin, its replay and that command
 * print the same numbers on the same engine. A whole-model claim has no `check`: it is measured
 * like `verify` measures it (checkModel), with the family of its own comparisons at that config
 * (one per boundary), and the pinned boundary's comparison is returned: the loop stops at the look
 * that decides it (`focus`), which gives the numbers the whole loop gives it.
 */
export async function measurePin(target: PinTarget, engine: EngineInfo): Promise<PinMeasurement> {
  const claim = findClaim(target.claim);
  const budget = BUDGETS[target.budget];
  const started = performance.now();
  let result: ClaimResult | undefined;
  const entry = entryOf(claim);
  if (isModelEntry(entry)) {
    const config = validateModelConfig(withoutBoundary(target.config));
    const modelClaim = entry.claims.find((c) => c.id === claim.id)!;
    const checked = await checkModel(entry.family, [modelClaim], config, {
      budget,
      seed: target.seed,
      engine,
      comparisons: modelClaim.comparisons(config),
      focus: { claim: claim.id, boundary: target.config.boundary },
    });
    result = checked.results.find((r) => r.config.boundary === target.config.boundary);
  } else {
    // validated as `check` validates it: a pin whose keys were renamed fails loudly
    const config = resolveConfig(entry.params, target.config, entry.key);
    [result] = await checkComponent(entry, [claim], config, {
      budget,
      seed: target.seed,
      engine,
      comparisons: 1,
    });
  }
  if (!result) throw new Error(`pin ${target.claim}: no comparison at boundary ${target.config.boundary}`);
  return { ...measurementOf(result), elapsedMs: performance.now() - started };
}

/**
 * Another engine simulates the same draws (they are made in JS from the seed) but rounds its
 * float32 kernels differently (the cpu engine also reduces in float64). test/engines.test.ts
 * bounds that difference by 1e-4 of the scale plus a thousandth of the standard error over every
 * component; a pin replayed on an engine other than the one that measured it is allowed that
 * much more than sampling noise. On the pinning engine the replay repeats the same arithmetic,
 * so the allowance is sampling noise alone.
 */
export const ENGINE_SLACK = 1e-4;

/**
 * Measures every pin's target, on `workers` threads where more than one is asked for (each
 * worker's engine is the same kind as `engine`, so a replay is the same arithmetic whichever
 * thread ran it), the longest pins first so the last to finish is a short one.
 */
async function measurePins(
  pins: readonly Pin[],
  engine: EngineInfo,
  workers: number,
): Promise<PinMeasurement[]> {
  const measured: PinMeasurement[] = [];
  if (Math.min(workers, pins.length) <= 1) {
    for (const pin of pins) measured.push(await measurePin(pin, engine));
    return measured;
  }
  const order = pins.map((_, i) => i).sort((a, b) => pins[b].elapsedMs - pins[a].elapsedMs);
  await runJobsInWorkers<PinMeasurement>(
    { runner: import.meta.url, setup: claimsModuleSetup(), data: pins },
    { workers, engine: engine.name, order, onResult: (i, m) => (measured[i] = m) },
  );
  return measured;
}

/** A worker's side of measurePins: the pins travel as plain data. */
export const runner: JobRunner<readonly Pin[]> = (pins) => async (index) =>
  measurePin(pins[index], await initEngine());

/**
 * Replays pins and judges each: it fails when the claim no longer deviates at its pinned config,
 * or when its error moved by more than the two standard errors allow. The critical value spends
 * the pins' budget's family-wise false-alarm probability over the pins replayed together.
 */
export async function replayPins(
  pins: readonly Pin[],
  engine: EngineInfo,
  options: { workers?: number } = {},
): Promise<PinReplay[]> {
  const familyAlpha = Math.min(...pins.map((p) => BUDGETS[p.budget].familyAlpha));
  const z = familyCriticalValue(familyAlpha, pins.length);
  const measured = await measurePins(pins, engine, options.workers ?? 1);
  const replays: PinReplay[] = [];
  for (const [i, pin] of pins.entries()) {
    const now = measured[i];
    const slack = now.engine === pin.engine ? 0 : ENGINE_SLACK;
    const moved = drift(now, pin, z, slack);
    const failure =
      now.verdict !== 'deviates'
        ? `no longer deviates (${now.verdict}, error ${now.error.toPrecision(3)} +- ${now.errorStderr.toPrecision(2)})`
        : moved.moved
          ? `error moved from ${pin.error.toPrecision(4)} to ${now.error.toPrecision(4)} (by ${moved.difference.toPrecision(3)}, allowed ${moved.allowed.toPrecision(3)})`
          : undefined;
    replays.push({
      claim: pin.claim,
      regime: pin.regime,
      component: now.component,
      config: pin.config,
      engine: now.engine,
      pinnedEngine: pin.engine,
      ...(engine.matMul ? { matMul: engine.matMul } : {}),
      verdict: now.verdict,
      ratio: now.ratio,
      error: now.error,
      errorStderr: now.errorStderr,
      pinnedError: pin.error,
      pinnedErrorStderr: pin.errorStderr,
      difference: moved.difference,
      allowed: moved.allowed,
      criticalValue: z,
      passed: failure === undefined,
      ...(failure ? { failure } : {}),
      elapsedMs: now.elapsedMs,
    });
  }
  return replays;
}
