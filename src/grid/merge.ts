import { readFileSync } from 'node:fs';
import { InputError } from '../claims/params.ts';
import { checkShards, type ShardStamp } from '../report/shards.ts';
import type { GridPoint } from './points.ts';

interface GridFile {
  component: string;
  samples: number;
  seed: number;
  plan?: ShardStamp;
  complete: boolean;
  points: GridPoint[];
  wallSeconds: number;
}

/**
 * Joins the grid.json of several `--subset i/n` runs of one component into one set of points, so
 * a grid run in pieces (on several machines or processes) gets its percentiles over the whole grid.
 * The files must be every subset of one plan once (checkShards), unless `allowPartial`.
 */
export function mergeGridFiles(
  paths: readonly string[],
  allowPartial = false,
): {
  component: string;
  samples: number;
  seed: number;
  points: GridPoint[];
  wallSeconds: number;
  complete: boolean;
  missing: number[];
  count: number;
} {
  const files = paths.map((path) => {
    let file: GridFile;
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as GridFile;
    } catch (error) {
      throw new InputError(
        `merge: cannot read grid file '${path}' (${(error as Error).message.split('\n')[0]})`,
      );
    }
    if (
      !file ||
      typeof file !== 'object' ||
      typeof file.component !== 'string' ||
      !Array.isArray(file.points)
    )
      throw new InputError(`merge: '${path}' is not a grid.json (no component and points)`);
    return file;
  });
  const [first] = files;
  for (const [i, f] of files.entries()) {
    if (f.component !== first.component || f.samples !== first.samples || f.seed !== first.seed) {
      throw new InputError(
        `merge: '${paths[i]}' is ${f.component} at B=${f.samples}, seed ${f.seed}; expected ${first.component} at B=${first.samples}, seed ${first.seed}`,
      );
    }
  }
  const shards = checkShards(
    files.map((f, i) => ({ name: paths[i], stamp: f.plan, complete: f.complete })),
    allowPartial,
    'subset',
  );
  return {
    ...shards,
    component: first.component,
    samples: first.samples,
    seed: first.seed,
    points: files.flatMap((f) => f.points),
    wallSeconds: files.reduce((s, f) => s + f.wallSeconds, 0),
  };
}
