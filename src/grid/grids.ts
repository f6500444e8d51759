import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError, resolveConfig } from '../claims/params.ts';
import { COMPONENTS } from '../claims/registry.ts';
import type { Component, Config } from '../claims/types.ts';

/** One reference grid (fixtures/reference-grids.json): a Cartesian product over config keys. */
export interface ReferenceGrid {
  samples: number;
  axes: Record<string, number[]>;
  configs: number;
}

const fixture = (name: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url)), 'utf8'));

export const REFERENCE_GRIDS: Record<string, ReferenceGrid> = Object.fromEntries(
  Object.entries(fixture('reference-grids.json') as Record<string, ReferenceGrid>).filter(
    ([k]) => !k.startsWith('_'),
  ),
);

/** Published 50/90/99th percentile errors in percent, per component and claim id. */
export const PUBLISHED: Record<string, Record<string, [number, number, number]>> = Object.fromEntries(
  Object.entries(
    fixture('published-percentiles.json') as Record<string, Record<string, [number, number, number]>>,
  ).filter(([k]) => !k.startsWith('_')),
);

/**
 * Reference axes that a sigprop component fixes by construction and so has no key for: SHA's input
 * is zero-mean (FORMULAS.md 3.7) and softmax's upstream gradient i.i.d. (3.6). The grid must hold
 * exactly that value on such an axis; the axis is then dropped.
 */
const FIXED_AXES: Partial<Record<string, Record<string, number>>> = { sha: { muX: 0 }, softmax: { rG: 0 } };

/**
 * Grid axes that are not sigprop config keys, turned into keys. The reference parameterises
 * weights by their gain sigma*sqrt(d_in): linear's `gain` (sigma_w), SHA's `gainV` (sigma_v) and
 * `gainQ` (sigma_q = sigma_k); SHA's head width `dK` (= d_v) is sigprop's `dOut`.
 */
export function toConfigInput(component: string, point: Record<string, number>): Record<string, number> {
  const { gain, gainV, gainQ, dK, ...rest } = point;
  for (const [key, value] of Object.entries(FIXED_AXES[component] ?? {})) {
    if (rest[key] !== value)
      throw new Error(
        `reference-grids.json: ${component}.${key} must be ${value} (sigprop's ${component} has no ${key} key), got ${rest[key]}`,
      );
    delete rest[key];
  }
  const perInput = (g: number) => g / Math.sqrt(rest.dIn);
  return {
    ...rest,
    ...(gain === undefined ? {} : { sigmaW: perInput(gain) }),
    ...(gainV === undefined ? {} : { sigmaV: perInput(gainV) }),
    ...(gainQ === undefined ? {} : { sigmaQ: perInput(gainQ), sigmaK: perInput(gainQ) }),
    ...(dK === undefined ? {} : { dOut: dK }),
  };
}

/** The component a grid runs on. */
export function gridComponent(name: string): { component: Component; grid: ReferenceGrid } {
  const grid = REFERENCE_GRIDS[name];
  if (!grid)
    throw new InputError(
      `component: no reference grid for '${name}' (known: ${Object.keys(REFERENCE_GRIDS).join(', ')})`,
    );
  const component = COMPONENTS.find((c) => c.key === name);
  if (!component) throw new Error(`reference-grids.json: '${name}' is not a component of the registry`);
  return { component, grid };
}

/** Every config of the grid in Cartesian order (last axis fastest), validated against the component. */
export function gridConfigs(component: Component, grid: ReferenceGrid): Config[] {
  const keys = Object.keys(grid.axes);
  let points: Record<string, number>[] = [{}];
  for (const key of keys) points = points.flatMap((p) => grid.axes[key].map((v) => ({ ...p, [key]: v })));
  return points.map((p) => resolveConfig(component.params, toConfigInput(component.key, p), component.key));
}

/** `i/n` shard (every n-th config from the i-th) then the first `limit`. */
export function selectConfigs<T>(
  configs: readonly T[],
  subset?: { index: number; count: number },
  limit?: number,
): T[] {
  const mine = subset ? configs.filter((_, i) => i % subset.count === subset.index) : [...configs];
  return limit === undefined ? mine : mine.slice(0, limit);
}
