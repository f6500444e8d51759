import { describe, expect, it } from 'vitest';
import { corners, edges, screeningDesign, spaceFilling } from '../src/search/design.ts';
import { uniformStream } from '../src/search/random.ts';
import { mainEffects } from '../src/search/screen.ts';
import { cellsToRefine, fitBoundary, mapPoints } from '../src/search/map.ts';
import { contourSegments, divergingColour } from '../src/report/maps.ts';
import {
  randomSearch,
  searchWorst,
  type Measurement,
  type NoisyObjective,
  type SearchOptions,
} from '../src/search/search.ts';

/**
 * A synthetic objective: claim errors f(u) plus Gaussian replicate noise of standard deviation
 * `sd` per replicate, pooled per point (the first R draws of the point's own stream), with a
 * separate stream for confirmation: the same contract the simulation-backed objective keeps.
 */
function synthetic(
  keys: number,
  errors: ((u: readonly number[]) => number)[],
  sd: number,
  seed: string,
): NoisyObjective {
  const base = 16;
  const draws = new Map<string, number[]>();
  let replicates = 0;
  const noise = (stream: string, point: readonly number[], count: number) => {
    const key = `${stream}|${point.map((v) => v.toFixed(6)).join(',')}`;
    const have = draws.get(key) ?? [];
    const random = uniformStream(`${key}|${have.length}`);
    while (have.length < count) {
      have.push(sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
      replicates++;
    }
    draws.set(key, have);
    return have.slice(0, count);
  };
  const measure =
    (stream: string) =>
    async (point: readonly number[], count: number): Promise<Measurement[]> =>
      errors.map((f, c) => {
        const e = noise(`${stream}|${c}`, point, count);
        const mean = e.reduce((s, v) => s + v, 0) / count;
        const variance = e.reduce((s, v) => s + (v - mean) ** 2, 0) / (count - 1);
        return { error: f(point) + mean, errorStderr: Math.sqrt(variance / count), allowance: 0 };
      });
  return {
    keys: Array.from({ length: keys }, (_, i) => `k${i}`),
    claims: errors.map((_, c) => `claim${c}`),
    measure: measure(seed),
    confirm: measure(`${seed}|confirm`),
    // every claim's noise is drawn separately here; a real simulation serves all claims at once
    spent: () => replicates / base / errors.length,
  };
}

const options = (seed: number, evaluations = 96): SearchOptions => ({
  evaluations,
  baseReplicates: 16,
  maxReplicates: 256,
  precision: 0.05,
  critical: () => 3,
  seed: `s${seed}`,
});

/** x1.10 only where keys 1, 3 and 4 are all in the top 10% of their ranges: 0.1% of the volume. */
const cornerFault = (u: readonly number[]) => (u[1] > 0.9 && u[3] > 0.9 && u[4] > 0.9 ? 0.1 : 0);
/** x1.10 at the peak of a bump of width 0.18 around an interior point of keys 0, 2 and 5. */
const interiorFault = (u: readonly number[]) =>
  0.1 * Math.exp(-((u[0] - 0.3) ** 2 + (u[2] - 0.7) ** 2 + (u[5] - 0.35) ** 2) / (2 * 0.18 ** 2));
const exact = () => 0;

describe('designs', () => {
  it('the screening design is balanced and has strength 3 for 4 to 11 keys', () => {
    for (let k = 4; k <= 11; k++) {
      const design = screeningDesign(k);
      for (let a = 0; a < k; a++) {
        expect(design.filter((r) => r[a] > 0).length).toBe(design.length / 2);
        for (let b = a + 1; b < k; b++) {
          for (let c = b + 1; c < k; c++) {
            const counts = new Map<string, number>();
            for (const r of design)
              counts.set(`${r[a]}${r[b]}${r[c]}`, (counts.get(`${r[a]}${r[b]}${r[c]}`) ?? 0) + 1);
            expect(counts.size).toBe(8);
            expect(new Set(counts.values()).size).toBe(1);
          }
        }
      }
    }
  });

  it('edges, corners and the fill stay in the cube and are what they say', () => {
    expect(edges(3)).toHaveLength(6);
    const c = corners([0, 2], [0.5, 0.7, 0.5]);
    expect(c).toHaveLength(4);
    expect(new Set(c.map((p) => `${p[0]}${p[2]}`)).size).toBe(4);
    expect(c.every((p) => p[1] === 0.7)).toBe(true);
    const fill = spaceFilling(6, 200, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    expect(fill.every((p) => p.every((v) => v >= 0 && v < 1))).toBe(true);
    // low discrepancy: every one of the 8 octants of the first three axes gets 200/8 +- 40%
    const octants = new Map<string, number>();
    for (const p of fill)
      octants.set(
        p
          .slice(0, 3)
          .map((v) => (v < 0.5 ? 0 : 1))
          .join(''),
        (octants.get(
          p
            .slice(0, 3)
            .map((v) => (v < 0.5 ? 0 : 1))
            .join(''),
        ) ?? 0) + 1,
      );
    expect(octants.size).toBe(8);
    for (const n of octants.values()) expect(Math.abs(n - 25)).toBeLessThan(10);
  });

  it('main effects recover a linear model and its directions', () => {
    const design = screeningDesign(6);
    const values = design.map((r) => 0.03 * r[2] - 0.01 * r[4]);
    const effects = mainEffects(
      ['a', 'b', 'c', 'd', 'e', 'f'],
      design,
      values,
      values.map(() => 0.001),
    );
    expect(effects[0].key).toBe('c');
    expect(effects[0].effect).toBeCloseTo(0.06, 12);
    expect(effects[1].key).toBe('e');
    expect(effects[1].effect).toBeCloseTo(-0.02, 12);
    expect(Math.abs(effects[2].effect)).toBeLessThan(1e-12);
  });
});

describe('the search on planted faults (synthetic, noise 0.01 per cheap measurement)', () => {
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1);

  it('finds a corner fault in 0.1% of the volume every time; random sampling at equal cost rarely does', async () => {
    let hunted = 0;
    let sampled = 0;
    for (const seed of seeds) {
      const outcome = await searchWorst(synthetic(6, [cornerFault], 0.04, `c${seed}`), options(seed));
      const found = outcome.claims[0].worst;
      if (found.finding) hunted++;
      expect(outcome.evaluations).toBeLessThan(96 + 40);
      const baseline = await randomSearch(
        synthetic(6, [cornerFault], 0.04, `c${seed}`),
        options(seed, Math.ceil(outcome.evaluations)),
      );
      if (baseline.claims[0].worst.finding) sampled++;
    }
    expect(hunted).toBe(seeds.length);
    expect(sampled).toBeLessThan(seeds.length / 2);
  });

  it('finds an interior fault away from every edge', async () => {
    let hunted = 0;
    for (const seed of seeds) {
      const outcome = await searchWorst(synthetic(6, [interiorFault], 0.04, `i${seed}`), options(seed));
      if (outcome.claims[0].worst.finding) hunted++;
    }
    expect(hunted).toBeGreaterThanOrEqual(19);
  });

  it('finishes its designs (screen and joint corners) with many claims over many keys', async () => {
    // 20 claims over 13 keys, as attention-block.causal: the race's reserve (two points per claim)
    // once stopped the screen short, so no claim had drivers and no joint corner was visited
    const errors = Array.from({ length: 20 }, (_, c) => (u: readonly number[]) => 0.03 * u[c % 13]);
    const outcome = await searchWorst(synthetic(13, errors, 0.04, 'many'), options(1));
    for (const claim of outcome.claims) expect(claim.drivers).toHaveLength(13);
  });

  it('confirms claims it cannot tell apart at one point, and keeps apart claims whose worst points differ', async () => {
    // claims 0-2: the same error on a plateau (half the cube), each under its own noise, so their
    // races end on different plateau points by chance; claims 3 and 4: faults at opposite ends of k1
    const plateau = (u: readonly number[]) => (u[0] > 0.5 ? 0.1 : 0);
    const low = (u: readonly number[]) => (u[1] < 0.1 ? 0.1 : 0);
    const high = (u: readonly number[]) => (u[1] > 0.9 ? 0.1 : 0);
    let plateauPoints = 0;
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    for (const seed of seeds) {
      const outcome = await searchWorst(
        synthetic(6, [plateau, plateau, plateau, low, high], 0.04, `share${seed}`),
        options(seed),
      );
      const keys = outcome.claims.map((claim) => claim.worst.point.map((v) => v.toFixed(6)).join());
      plateauPoints += new Set(keys.slice(0, 3)).size;
      expect(keys[3]).not.toBe(keys[4]);
      for (const claim of outcome.claims) expect(claim.worst.finding).toBe(true);
    }
    // one point per seed where the three share; each on its own would be three
    expect(plateauPoints).toBeLessThanOrEqual(seeds.length + 1);
  });

  it('names the keys that drive the error, with their direction', async () => {
    const outcome = await searchWorst(
      synthetic(6, [(u) => 0.08 * u[2] - 0.04 * u[0]], 0.04, 'd'),
      options(1),
    );
    const [first, second] = outcome.claims[0].drivers;
    expect([first.key, Math.sign(first.effect)]).toEqual(['k2', 1]);
    expect([second.key, Math.sign(second.effect)]).toEqual(['k0', -1]);
  });

  it('never calls an exact claim a finding, and its confirmed error is unbiased though the search maximum is not', async () => {
    const confirmed: number[] = [];
    for (const seed of seeds) {
      const outcome = await searchWorst(synthetic(6, [exact, cornerFault], 0.04, `e${seed}`), options(seed));
      expect(outcome.claims[0].worst.finding).toBe(false);
      expect(outcome.claims[1].worst.finding).toBe(true);
      confirmed.push(outcome.claims[0].worst.confirmed.error / outcome.claims[0].worst.confirmed.errorStderr);
    }
    // |z| of an unbiased confirmation averages sqrt(2/pi) = 0.80 (+- 0.13 over 20 seeds); the
    // largest of the search's ~90 measurements would average about 2.5
    const meanAbs = confirmed.reduce((s, v) => s + Math.abs(v), 0) / confirmed.length;
    expect(meanAbs).toBeLessThan(1.15);
  });
});

describe('confirmation', () => {
  it('stops for futility where the error sits just inside precision, and still confirms one just beyond it', async () => {
    // precision 0.05, critical value 3, noise 0.4 per replicate: the interval around 0.02 lies
    // wholly within precision only from ~1600 replicates on (beyond the cap of 1024), while from
    // ~256 its estimate is a standard error inside
    const inside = () => 0.02;
    const beyond = () => 0.12;
    const capped = { ...options(1, 8), maxReplicates: 1024 };
    const near = await searchWorst(synthetic(2, [inside], 0.4, 'f'), capped);
    expect(near.claims[0].worst.finding).toBe(false);
    expect(near.claims[0].worst.replicates).toBeLessThan(1024);
    const far = await searchWorst(synthetic(2, [beyond], 0.4, 'f'), capped);
    expect(far.claims[0].worst.finding).toBe(true);
  });
});

describe('validity maps', () => {
  const grid = (n: number) => Array.from({ length: n }, (_, i) => i / (n - 1));
  it('places an n x n grid over the two keys, the others at the worst point', () => {
    const points = mapPoints([0.2, 0.3, 0.4], 0, 2, 8);
    expect(points).toHaveLength(8);
    expect(points[7][0]).toEqual([0, 0.3, 1]);
    expect(points[0][3]).toEqual([3 / 7, 0.3, 0]);
  });

  it('states a one-key boundary and a power law where they fit, nothing where none does', () => {
    const xs = grid(8).map((u) => 1 + 9 * u);
    const ys = grid(8).map((u) => 2 ** (1 + 7 * u));
    const x = { key: 'dIn', log: false, values: xs };
    const y = { key: 'seqLen', log: true, values: ys };
    const step = ys.map(() => xs.map((v) => (v > 6 ? 0.1 : 0.01)));
    expect(fitBoundary(x, y, step, 0.05)?.words).toBe('holds within 5% where dIn < 5.5');
    // a threshold on the second key, from 0, half-way between the grid's first two values, though
    // one cell of the row at 0 holds (a cut between floating-point dust once said rX > 4.14e-18)
    const r = { key: 'rX', log: false, values: grid(8).map((u) => 0.95 * u) };
    const atZero = r.values.map((v) => xs.map((d) => (v === 0 && d < 10 ? 0.3 : 0.01)));
    expect(fitBoundary(x, r, atZero, 0.05)?.words).toBe('holds within 5% where rX > 0.0679');
    // holds where dIn^1 * seqLen^0.5 < 40 (both log)
    const lx = { ...x, log: true };
    const power = ys.map((s) => xs.map((v) => (v * Math.sqrt(s) < 40 ? 0.01 : -0.2)));
    const fitted = fitBoundary(lx, y, power, 0.05)!;
    expect(fitted.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(fitted.words).toMatch(/^holds within 5% where dIn \* seqLen\^0\.[45]\d* < \d+/);
    const checker = ys.map((_, j) => xs.map((_, i) => ((i + j) % 2 ? 0.1 : 0)));
    expect(fitBoundary(x, y, checker, 0.05)).toBeUndefined();
  });

  it('refines the cells whose interval straddles the precision beside the contour, and no others', () => {
    // precision 0.05, every cell's standard error 0.01: |error| within 0.02 of 0.05 straddles
    const cell = (error: number) => ({
      error,
      errorStderr: 0.01,
      allowance: 0,
      replicates: 4,
      predicted: 1,
      measured: 1 + error,
      stderr: 0.01,
      scale: 1,
    });
    const errors = [
      [0.0, 0.0, 0.0, 0.04],
      [0.0, 0.06, 0.0, 0.04],
      [0.0, 0.0, 0.0, 0.04],
      [-0.2, -0.2, 0.0, 0.04],
    ];
    // claim 1 is claim 0 negated: the side of the contour is |error|'s
    const cells = errors.map((row) => row.map((e) => [cell(e), cell(-e)]));
    const expected = [
      [false, false, false, false],
      [false, true, false, false],
      [false, false, false, false],
      [false, false, false, false],
    ];
    // (1,1) straddles and its neighbours hold; they hold by far (0 is 5 se away), so only it
    // moves; (*,3) straddle but every neighbour is on their side; (3,0..1) are far outside
    expect(cellsToRefine(cells, [0], 0.05)).toEqual(expected);
    expect(cellsToRefine(cells, [1], 0.05)).toEqual(expected);
    // both sides of the contour where both straddle: (0,3) at 0.06 is refined, and (1,3) at 0.04
    // beside it; (2,3) below has only holding neighbours, (0,2) is far from the precision
    const crossed = errors.map((row) => [...row]);
    crossed[0][3] = 0.06;
    const refined = cellsToRefine(
      crossed.map((row) => row.map((e) => [cell(e)])),
      [0],
      0.05,
    );
    expect([refined[0][3], refined[1][3], refined[2][3], refined[0][2]]).toEqual([true, true, false, false]);
    // no claim listed, nothing refined
    expect(cellsToRefine(cells, [], 0.05).flat().some(Boolean)).toBe(false);
  });

  it('draws the precision contour where |error| crosses it', () => {
    const values = [
      [0, 0, 0],
      [0, 0.1, 0],
      [0, 0, 0],
    ];
    const segments = contourSegments(values, 0.05);
    // a closed loop around the centre cell: four segments, all half-way to the neighbours
    expect(segments).toHaveLength(4);
    for (const [x0, y0, x1, y1] of segments)
      for (const v of [x0, y0, x1, y1]) expect([1, 1.5, 2]).toContain(v);
    expect(divergingColour(0, 1)).toBe('rgb(255,255,255)');
    expect(divergingColour(1, 1)).toBe('rgb(201,42,42)');
    expect(divergingColour(-1, 1)).toBe('rgb(24,100,171)');
  });
});
