import { availableParallelism, freemem } from 'node:os';
import type { EngineName } from '../backend/engine.ts';
import { InputError } from '../claims/params.ts';
import { defaultJobs } from '../parallel/pool.ts';
import { parseInteger } from './options.ts';

/**
 * Resident memory one worker thread adds (its own tfjs engine and wasm heap), measured as the
 * peak-RSS difference of `verify --budget quick --jobs 2` and `--jobs 1` (one worker against the
 * main thread doing the same work): 250 MiB on `relu.*`, 295 MiB on `sha.forward.var` (the
 * largest quick-budget simulations), rounded up.
 */
export const WORKER_MIB = 320;

/** Memory the process may still take: what the OS calls available (cgroup-aware where Node knows it). */
function availableMiB(): number {
  const available = (process as { availableMemory?: () => number }).availableMemory?.() ?? freemem();
  return available / 2 ** 20;
}

/** The most workers this machine can run: one per core, and no more than its free memory holds. */
export function jobsCap(): { cap: number; reason: string } {
  const cores = availableParallelism();
  const memory = Math.max(1, Math.floor(availableMiB() / WORKER_MIB));
  const reason = `${cores} core${cores > 1 ? 's' : ''}, ${(availableMiB() / 1024).toFixed(1)} GiB available at ~${WORKER_MIB} MiB a worker`;
  return { cap: Math.min(cores, memory), reason };
}

/**
 * `--jobs`, answered before any work: an integer from 1 to the machine's cap (asking for more
 * would only contend for cores or run out of memory mid-run). Returns undefined when not given.
 */
export function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = parseInteger('jobs', value, 1);
  const { cap, reason } = jobsCap();
  if (jobs > cap)
    throw new InputError(`jobs: ${jobs} is more than this machine runs at once: at most ${cap} (${reason})`);
  return jobs;
}

/** The worker count of a run: the one asked for, else one per core on CPU engines, within the cap. */
export function jobsFor(engine: EngineName, asked: number | undefined): number {
  return asked ?? Math.min(defaultJobs(engine), jobsCap().cap);
}
