import type { Claim, Config } from '../claims/types.ts';
import { toUnit, type Space } from '../claims/space.ts';
import { uniformStream } from '../search/random.ts';

/**
 * Planted faults: an exact claim made wrong only in a small part of its regime, to measure how
 * often the hunt finds what is there (and how often random sampling at equal cost does). Where a
 * fault sits is drawn per seed, in the unit coordinates of the regime's space (claims/space.ts).
 */
export interface PlantedFault {
  kind: 'corner' | 'interior';
  describe: string;
  /** the regime axes (also config keys) the fault depends on */
  keys: string[];
  /** the prediction's factor at a config: 1 outside the fault, up to `1 + size` inside */
  factor(config: Config): number;
  claim: Claim;
}

/** Axes of the space that are free and are config keys themselves (a derived key like linear's gain is left out). */
const usableKeys = (space: Space, config: Config) =>
  Object.keys(space).filter((k) => space[k].min < space[k].max && k in config);

function pickKeys(keys: readonly string[], count: number, random: () => number): string[] {
  const pool = [...keys];
  const picked: string[] = [];
  while (picked.length < count && pool.length)
    picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  return picked;
}

/**
 * x(1 + size) only where three keys are jointly in the top 10% of their ranges (0.1% of the
 * volume), the three drawn per seed. `example` is any config of the regime (which keys exist).
 */
export function cornerFault(
  claim: Claim,
  space: Space,
  example: Config,
  seed: string,
  size = 0.1,
): PlantedFault {
  const keys = pickKeys(usableKeys(space, example), 3, uniformStream(`${seed}|corner`));
  const inside = (c: Config) => keys.every((k) => toUnit(space[k], c[k]) > 0.9);
  const factor = (c: Config) => (inside(c) ? 1 + size : 1);
  return {
    kind: 'corner',
    describe: `x${1 + size} where ${keys.join(', ')} are all in the top 10% of their ranges`,
    keys,
    factor,
    claim: { ...claim, id: `${claim.id}@corner`, predict: (c) => factor(c) * claim.predict(c) },
  };
}

/**
 * x(1 + size) at the peak of a Gaussian bump of width `width` (unit coordinates) over three keys,
 * centred at a point drawn per seed with every coordinate in [0.25, 0.75]: in the interior, away
 * from every edge and corner, and off the centre the search visits first.
 */
export function interiorFault(
  claim: Claim,
  space: Space,
  example: Config,
  seed: string,
  size = 0.1,
  width = 0.25,
): PlantedFault {
  const random = uniformStream(`${seed}|interior`);
  const keys = pickKeys(usableKeys(space, example), 3, random);
  const centre = keys.map(() => {
    const u = 0.25 + 0.5 * random();
    // off the exact centre (0.5), which the search measures first
    return Math.abs(u - 0.5) < 0.1 ? u + Math.sign(u - 0.5 || 1) * 0.1 : u;
  });
  const factor = (c: Config) =>
    1 +
    size *
      Math.exp(
        -keys.reduce((s, k, i) => s + (toUnit(space[k], c[k]) - centre[i]) ** 2, 0) / (2 * width ** 2),
      );
  return {
    kind: 'interior',
    describe: `x${1 + size} at the peak of a bump of width ${width} over ${keys.map((k, i) => `${k} ~ ${centre[i].toFixed(2)}`).join(', ')} (unit coordinates)`,
    keys,
    factor,
    claim: { ...claim, id: `${claim.id}@interior`, predict: (c) => factor(c) * claim.predict(c) },
  };
}
