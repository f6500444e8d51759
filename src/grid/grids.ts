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
  /** set for components the reference covers but sigprop cannot simulate yet */
  unavailable?: string;
}

const fixture = (name: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url)), 'utf8'));

export const REFERENCE_GRIDS: Record<string, ReferenceGrid> = Object.fromEntries(
  Object.entries(fixture('reference-grids.json') as Record<string, ReferenceGrid>).filter(([k]) => !k.startsWith('_')),
);

/** Published 50/90/99th percentile errors in percent, per component and claim id. */
export const PUBLISHED: Record<string, Record<string, [number, number, number]>> = Object.fromEntries(
  Object.entries(fixture('published-percentiles.json') as Record<string, Record<string, [number, number, number]>>).filter(([k]) => !k.startsWith('_')),
);

/**
 * Grid axes that are not sigprop config keys, turned into keys. The reference parameterises the
 * linear weights by their gain sigma_w*sqrt(d_in).
 */
function toConfigInput(point: Record<string, number>): Record<string, number> {
  const { gain, ...rest } = point;
  return gain === undefined ? rest : { ...rest, sigmaW: gain / Math.sqrt(rest.dIn) };
}

/** The component a grid runs on; softmax and SHA are listed by the reference but not simulated yet. */
export function gridComponent(name: string): { component: Component; grid: ReferenceGrid } {
  const grid = REFERENCE_GRIDS[name];
  if (!grid) throw new InputError(`component: no reference grid for '${name}' (known: ${Object.keys(REFERENCE_GRIDS).join(', ')})`);
  const component = COMPONENTS.find((c) => c.key === name);
  if (grid.unavailable || !component) throw new InputError(`component: '${name}' is not yet available (${grid.unavailable ?? 'no simulator'})`);
  return { component, grid };
}

/** Every config of the grid in Cartesian order (last axis fastest), validated against the component. */
export function gridConfigs(component: Component, grid: ReferenceGrid): Config[] {
  const keys = Object.keys(grid.axes);
  let points: Record<string, number>[] = [{}];
  for (const key of keys) points = points.flatMap((p) => grid.axes[key].map((v) => ({ ...p, [key]: v })));
  return points.map((p) => resolveConfig(component.params, toConfigInput(p), component.key));
}

/** `i/n` shard (every n-th config from the i-th) then the first `limit`. */
export function selectConfigs<T>(configs: readonly T[], subset?: { index: number; count: number }, limit?: number): T[] {
  const mine = subset ? configs.filter((_, i) => i % subset.count === subset.index) : [...configs];
  return limit === undefined ? mine : mine.slice(0, limit);
}
