import { tf } from '../backend/tf.ts';
import { heapPairTotals } from '../backend/nativeMoments.ts';
import { pairMomentsFromGroupSums, pairMomentsFromTotals, type PairMoments } from '../stats/pairMoments.ts';
import { groupSums } from './pairMoments.ts';
import { charge, profileClock, profileTotals, profiling } from './profile.ts';
import { RandomStream, replicateSeed } from './random.ts';
import type { ObservationName, Simulator } from './simulator.ts';

export type ReplicateMoments = Partial<Record<ObservationName, PairMoments>>;

export interface ReplicateRange {
  runSeed: number;
  /** replicate indices [from, to): each index has its own seed, so growing R reuses earlier draws */
  from: number;
  to: number;
  /** samples per replicate */
  batch: number;
  /** shift per observation; taken from the first replicate's means when absent */
  shifts?: Partial<Record<ObservationName, number>>;
}

/** Runs replicates one at a time, each fully tidied, returning their float64 moments. */
export async function simulateReplicates<C extends object>(
  simulator: Simulator<C>,
  config: C,
  range: ReplicateRange,
): Promise<{ replicates: ReplicateMoments[]; shifts: Partial<Record<ObservationName, number>> }> {
  let shifts = range.shifts;
  const replicates: ReplicateMoments[] = [];
  for (let index = range.from; index < range.to; index++) {
    const random = new RandomStream(replicateSeed(range.runSeed, simulator.key, config, index));
    let names: ObservationName[] = [];
    let axes: (1 | 2)[] = [];
    const before = profileTotals();
    const started = profiling() ? profileClock() : 0;
    const tensors = tf.tidy(() => {
      const observed = simulator.replicate(config, random, range.batch);
      names = Object.keys(observed) as ObservationName[];
      axes = names.map((name) => observed[name]!.axis);
      return names.map((name) => observed[name]!.tensor);
    });
    if (profiling()) {
      // draws and uploads inside the replicate were charged already; the rest is engine compute
      const after = profileTotals();
      charge(
        'compute',
        profileClock() - started - (after.draw - before.draw) - (after.upload - before.upload),
      );
    }
    const reduceStarted = profiling() ? profileClock() : 0;
    try {
      if (!shifts) shifts = await observationMeans(tensors, names);
      const used = shifts;
      // in place in the wasm heap where the addon can (backend/nativeMoments.ts), else on the engine
      const found = names.map((name, i) => {
        const totals = heapPairTotals(tensors[i], axes[i], used[name]!);
        const groupSize = tensors[i].shape[axes[i]];
        return totals && pairMomentsFromTotals(totals, tensors[i].size / groupSize, groupSize, used[name]!);
      });
      const onEngine = names.flatMap((_, i) => (found[i] ? [] : [i]));
      const reduced = tf.tidy(() => onEngine.map((i) => groupSums(tensors[i], axes[i], used[names[i]]!)));
      const downloaded = await Promise.all(
        reduced.map((pieces) => Promise.all(pieces.map((t) => t.data() as Promise<Float32Array>))),
      );
      tf.dispose(reduced);
      onEngine.forEach((i, j) => {
        found[i] = pairMomentsFromGroupSums(downloaded[j], tensors[i].shape[axes[i]], used[names[i]]!);
      });
      const moments: ReplicateMoments = {};
      names.forEach((name, i) => (moments[name] = found[i]));
      replicates.push(moments);
    } finally {
      tf.dispose(tensors);
      if (profiling()) charge('reduce', profileClock() - reduceStarted);
    }
    await yieldToEventLoop();
  }
  return { replicates, shifts: shifts ?? {} };
}

/** Longest stretch of simulation between two turns of the event loop. */
const YIELD_EVERY_MS = 100;
let lastYield = performance.now();

/**
 * On wasm and cpu, `data()` resolves as a microtask, so a whole verification never returns to the
 * event loop: signal handlers (Ctrl-C) and timers would wait for the end of the run. A macrotask
 * turn every ~100 ms of work lets them run and costs microseconds.
 */
async function yieldToEventLoop(): Promise<void> {
  if (performance.now() - lastYield < YIELD_EVERY_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastYield = performance.now();
}

async function observationMeans(tensors: tf.Tensor[], names: ObservationName[]) {
  const means = tf.tidy(() => tensors.map((t) => tf.mean(t)));
  const values = await Promise.all(means.map((m) => m.data()));
  tf.dispose(means);
  const shifts: Partial<Record<ObservationName, number>> = {};
  // rounded so the shift is exactly representable in float32 on every engine
  names.forEach((name, i) => (shifts[name] = Math.fround(values[i][0])));
  return shifts;
}
