import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EngineName } from '../backend/engine.ts';

/**
 * A job list a worker can rebuild, as plain data (functions cannot cross threads): the module
 * that rebuilds it (a URL; it exports `runner: JobRunner`), the modules to import first (user
 * claim modules register themselves on import, so the worker's registry matches the caller's),
 * and the runner's own plain-data plan. The pool knows nothing of its callers beyond these names.
 */
export interface JobSpec<D = unknown> {
  runner: string;
  setup?: readonly string[];
  data: D;
}

/** Inside a worker: builds the function that runs job `index` of a job list from its plan. */
export type JobRunner<D> = (data: D) => (index: number) => Promise<unknown>;

/** What a worker thread is told: which job list to rebuild and on which engine. */
export interface WorkerData {
  spec: JobSpec;
  engine: EngineName;
}

export type ToWorker = { type: 'run'; index: number } | { type: 'exit' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; index: number; result: unknown }
  | { type: 'error'; message: string; stack?: string };

export interface PoolOptions<R> {
  workers: number;
  engine: EngineName;
  /** job indices in the order to hand them out (longest first balances the workers best) */
  order: readonly number[];
  onResult: (index: number, result: R) => void;
  /** checked before each hand-out: a stop request lets running jobs finish and starts no more */
  shouldStop?: () => boolean;
}

/**
 * Engines that compute on the calling thread gain from one process-wide worker per core; the GPU
 * engines and tfjs-node already use the whole device, so more callers would only contend.
 */
export function defaultJobs(engine: EngineName): number {
  return engine === 'wasm' || engine === 'cpu' ? availableParallelism() : 1;
}

/** Compiled (dist/), a worker runs worker.js; run from the sources (vitest, tsx), bootstrap.js registers tsx first. */
const WORKER_ENTRY = import.meta.url.endsWith('.ts')
  ? new URL('./bootstrap.js', import.meta.url)
  : new URL('./worker.js', import.meta.url);

/**
 * Runs the jobs of `spec` on `workers` threads, each with its own tfjs engine. Jobs are handed out
 * one at a time as workers come free, so uneven job costs balance themselves; every job's result
 * depends only on the job (its seeds derive from the run seed and config), never on which worker
 * ran it or when. Resolves with whether every job ran (false after a stop request).
 */
export async function runJobsInWorkers<R>(spec: JobSpec, options: PoolOptions<R>): Promise<boolean> {
  const queue = [...options.order];
  const count = Math.max(1, Math.min(options.workers, queue.length));
  const workerData: WorkerData = { spec, engine: options.engine };
  const workers = Array.from({ length: count }, () => new Worker(WORKER_ENTRY, { workerData }));
  let stopped = false;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const handOut = () => {
              if (options.shouldStop?.()) stopped = true;
              const index = stopped ? undefined : queue.shift();
              if (index === undefined) {
                worker.postMessage({ type: 'exit' } satisfies ToWorker);
                resolve();
              } else worker.postMessage({ type: 'run', index } satisfies ToWorker);
            };
            worker.on('message', (message: FromWorker) => {
              if (message.type === 'error') {
                const error = new Error(message.message);
                if (message.stack) error.stack = message.stack;
                reject(error);
                return;
              }
              if (message.type === 'result') options.onResult(message.index, message.result as R);
              handOut();
            });
            worker.on('error', reject);
            worker.on('exit', (code) =>
              code === 0 ? resolve() : reject(new Error(`worker thread exited with code ${code}`)),
            );
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return !stopped && queue.length === 0;
}
