import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine, type EngineInfo } from '../src/backend/engine.ts';
import { ALL_CLAIMS, COMPONENTS, REGISTRY, findClaim, isModelEntry } from '../src/claims/registry.ts';
import { runPlanted } from '../src/run/planted.ts';
import { AXIS_FIELD, huntTask, planHunt, validityMaps } from '../src/run/hunt.ts';
import { range } from '../src/claims/space.ts';
import { ConfigMeasurer, cubeOf } from '../src/search/objective.ts';
import { cornerFault } from '../src/calibrate/planted.ts';
import { centre, type Point } from '../src/search/design.ts';
import { validityMapSvg } from '../src/report/maps.ts';
import { BUDGETS } from '../src/stats/budget.ts';

let engine: EngineInfo;
beforeAll(async () => {
  engine = await initEngine();
});

/**
 * The hunt's default budget (quick: precision 5%, so the planted x1.10 is twice it) with a quarter
 * of its replicate size, so this stays a few seconds of CPU; calibrate measures the full budget.
 */
const budget = { ...BUDGETS.quick, replicateElements: 1 << 14 };
const relu = COMPONENTS.find((c) => c.key === 'relu')!;

describe('the objective', () => {
  it('pools replicates: 16 then 32 is 32 at once, and the first 16 of 32 are the 16', async () => {
    const claims = [findClaim('relu.forward.var'), findClaim('relu.backward.cov')];
    const config = { sigmaX: 1.3, rX: 0.4, sigmaG: 0.7, rG: 0.2, d: 8, seqLen: 16 };
    const grown = new ConfigMeasurer(relu, claims, budget);
    const first = await grown.measure(config, 16, 7);
    const second = await grown.measure(config, 32, 7);
    const fresh = new ConfigMeasurer(relu, claims, budget);
    expect(await fresh.measure(config, 32, 7)).toEqual(second);
    expect(await fresh.measure(config, 16, 7)).toEqual(first);
    expect(grown.simulated).toBe(32);
    expect(second[0].error).toBeCloseTo((second[0].measured - second[0].predicted) / second[0].scale, 14);
    expect(second[0].errorStderr).toBeLessThan(first[0].errorStderr * 1.2);
    // another run seed draws other replicates
    expect((await fresh.measure(config, 16, 8))[0].measured).not.toBe(first[0].measured);
  });
});

describe('hunt on planted faults (relu.forward.var, x1.10 in a small part of the regime)', () => {
  it('locates a corner fault (0.1% of the volume) at every seed; random sampling at equal cost does not', async () => {
    const before = tf.memory().numTensors;
    const [row] = await runPlanted(
      { budget, seeds: [1, 2], claims: ['relu.forward.var'], kinds: ['corner'] },
      { engine },
    );
    expect(row.trials.map((t) => t.hunt.inside)).toEqual([true, true]);
    // seed 1 plants it where rX >= 0.86 and seqLen >= 147 jointly, the noisiest corner of the
    // regime: the confirmation sizes its looks to the distance it must resolve, up to its cap
    expect(row.trials.map((t) => t.hunt.finding)).toEqual([true, true]);
    expect(row.trials.filter((t) => t.random?.inside).length).toBeLessThanOrEqual(1);
    // the confirmed error is the planted one (-10% of the prediction), not an inflated search maximum
    for (const t of row.trials) expect(Math.abs(t.hunt.error + 0.1)).toBeLessThan(0.03);
    expect(tf.memory().numTensors).toBe(before);
    // 11 s of CPU measured for this test; several times that in wall time on a shared machine
  }, 240_000);

  it('finds an interior fault (a bump away from every edge)', async () => {
    const [row] = await runPlanted(
      { budget, seeds: [1, 2], claims: ['relu.forward.var'], kinds: ['interior'], baseline: false },
      { engine },
    );
    expect(row.hunt.events).toBe(2);
    expect(row.trials.every((t) => t.hunt.inside)).toBe(true);
  });

  it('maps a finding over the two keys that move it most, which are keys of the fault, and renders the map', async () => {
    const regime = relu.regimes[0];
    const cube = cubeOf(regime, budget);
    const fault = cornerFault(
      findClaim('relu.forward.var'),
      cube.space,
      cube.toConfig(centre(cube.keys.length)),
      '2|relu.forward.var',
    );
    const [record] = await huntTask(
      { key: relu.key, component: relu, regime, claims: [fault.claim] },
      { budget, seed: 2, engine, comparisons: 20 },
    );
    expect(record.finding).toBe(true);
    const map = record.map!;
    expect(fault.keys).toContain(map.x);
    expect(fault.keys).toContain(map.y);
    expect([map.xs.length, map.ys.length, map.error.length, map.error[0].length]).toEqual([6, 6, 6, 6]);
    // the corner cell (both keys at their high end) carries the fault: -10% of the prediction
    expect(map.error[5][5]).toBeLessThan(-0.07);
    expect(map.error[0][0]).toBeGreaterThan(-0.03);
    // coarse to fine: a quarter of the base replicates per cell, half of it only where the cell
    // straddles the precision beside the contour (search.test.ts holds cellsToRefine to its rule);
    // both kinds of cell occur on this map
    const replicates = map.replicates!.flat();
    for (const r of replicates) expect([4, 8]).toContain(r);
    expect(replicates).toContain(4);
    expect(replicates).toContain(8);
    const svg = validityMapSvg(record)!;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<line');
  });

  it('calls no finding on the exact claims themselves', async () => {
    const [task] = planHunt(relu.claims).filter((t) => t.component === relu);
    expect(relu.regimes).toHaveLength(1);
    const records = await huntTask(task, { budget, seed: 5, engine, comparisons: 5, evaluations: 48 });
    expect(records.map((r) => r.claim)).toEqual(relu.claims.map((c) => c.id));
    expect(records.filter((r) => r.finding)).toEqual([]);
    for (const r of records) {
      expect(r.replay).toContain(`--seed ${r.seed}`);
      expect(r.drivers).toHaveLength(6);
    }
  });

  it('hunts every model family and regime too, confirming at the boundary its search chose', async () => {
    const tasks = planHunt(ALL_CLAIMS);
    for (const suite of REGISTRY.filter(isModelEntry))
      for (const regime of suite.regimes)
        expect(
          tasks.some((t) => t.suite === suite && t.regime === regime),
          `${suite.family}/${regime.name}`,
        ).toBe(true);
    const claim = findClaim('model.preln.forward.var');
    const [task] = planHunt([claim]);
    expect(task.key).toBe('model.preln');
    const [record] = await huntTask(task, { budget, seed: 3, engine, comparisons: 1, evaluations: 6 });
    expect(record.claim).toBe('model.preln.forward.var');
    // a per-boundary claim reports the boundary it was confirmed at, within 0..2N
    expect(record.worst.config.boundary).toBeGreaterThanOrEqual(0);
    expect(record.worst.config.boundary).toBeLessThanOrEqual(2 * record.worst.config.layers);
    expect(Number.isFinite(record.worst.errorStderr)).toBe(true);
    expect(record.replay).toBe(
      'npx sigprop hunt model.preln.forward.var --regime xavier --seed 3 --budget quick',
    );
  });
});

describe('validity maps', () => {
  it('draws one grid for the findings at one worst config, over the keys they rank highest together', async () => {
    // claim a's error moves with keys 0 and 1, claim b's with keys 2 and 3 (b more strongly on 2),
    // both far beyond precision at the worst point, noiseless
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];
    const errors = [
      (u: Point) => 0.2 * u[0] + 0.15 * u[1],
      (u: Point) => 0.3 * u[2] + 0.1 * u[3] + 0.01 * u[0],
    ];
    const measured = new Set<string>();
    const atBase = new Set<string>();
    const objective = {
      keys,
      claims: ['a', 'b'],
      space: Object.fromEntries(keys.map((k) => [k, range(0, 1)])),
      measure: async (point: Point, replicates: number) => {
        measured.add(point.join(','));
        if (replicates === 16) atBase.add(point.join(','));
        return errors.map((f) => ({
          error: f(point),
          errorStderr: 1e-3,
          allowance: 0,
          replicates,
          predicted: 1,
          measured: 1 + f(point),
          stderr: 1e-3,
          scale: 1,
        }));
      },
      confirm: async () => [],
      spent: () => 0,
    };
    const worst = { point: [1, 1, 1, 1, 0.5], replicates: 16, cap: 16, finding: true };
    const confirmed = await objective.measure(worst.point, 16);
    const outcome = {
      claims: ['a', 'b'].map((claim, c) => ({
        claim,
        drivers: [],
        worst: { ...worst, confirmed: confirmed[c] },
      })),
      evaluations: 0,
    };
    measured.clear();
    atBase.clear();
    const [a, b] = await validityMaps(objective, outcome, { ...BUDGETS.standard }, 16);
    // alone, a's map would be over k0 and k1 and b's over k2 and k3: together, one grid
    expect([a!.x, a!.y]).toEqual([b!.x, b!.y]);
    expect(new Set([a!.x, a!.y]).size).toBe(2);
    expect(a!.error).not.toEqual(b!.error);
    // the worst point, its 5 moves and one 8 x 8 grid (a corner of it is the worst point itself)
    expect(measured.size).toBeLessThanOrEqual(1 + keys.length + 64);
    // successive halving: all 5 moves at the coarse count, the AXIS_FIELD best and the worst
    // point at base, and no grid cell (the grid's worst-point corner aside)
    expect(keys.length).toBeGreaterThan(AXIS_FIELD);
    expect(atBase.size).toBe(1 + AXIS_FIELD);
    // the field kept the keys that move the errors: k4 moves neither claim, and it was dropped
    expect(atBase.has([1, 1, 1, 1, 1].join(','))).toBe(false);
  });
});
