import { createRequire } from 'node:module';
import type normalQuantileFunction from '@stdlib/stats-base-dists-normal-quantile';
import type tQuantileFunction from '@stdlib/stats-base-dists-t-quantile';

/**
 * @stdlib's quantile functions, required at first use: loading them costs about 0.15 s of CPU,
 * which `sigprop --version`, `--help` and `list` (nothing decided) should not pay.
 */
const require = createRequire(import.meta.url);
let t: typeof tQuantileFunction | undefined;
let normal: typeof normalQuantileFunction | undefined;

/** Quantile of Student's t with `dof` degrees of freedom. */
export const tQuantile = (p: number, dof: number): number =>
  (t ??= require('@stdlib/stats-base-dists-t-quantile') as typeof tQuantileFunction)(p, dof);

/** Quantile of the normal distribution N(mean, sd^2). */
export const normalQuantile = (p: number, mean: number, sd: number): number =>
  (normal ??= require('@stdlib/stats-base-dists-normal-quantile') as typeof normalQuantileFunction)(
    p,
    mean,
    sd,
  );
