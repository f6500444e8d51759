import { tf } from '../backend/tf.ts';
import type { Claim, Component, Config } from '../claims/types.ts';
import { RandomStream, replicateSeed } from '../sim/random.ts';
import type { Observation, ObservationName } from '../sim/simulator.ts';
import { compensatedSum } from '../stats/sum.ts';
import { ProtocolAccumulator, protocolStatistic, type ProtocolKind } from './protocol.ts';
import { SHARED_WEIGHTS } from './sharedWeights.ts';

/** Elements per observation chunk: keeps a chunk's download (float32) at ~16 MB whatever B is. */
const CHUNK_ELEMENTS = 1 << 22;
/**
 * B samples are split into this many independent groups (where samples have their own weights or
 * none); the spread of a statistic over groups gives the protocol's own standard error at B
 * samples, which the reference never reports. Where the B samples share weights, groups are whole
 * runs instead (simulateProtocol).
 */
export const NOISE_GROUPS = 8;

export interface ProtocolMeasurement {
  claim: string;
  kind: ProtocolKind;
  /** the protocol's statistic over all B samples */
  measured: number;
  /** its standard error, from the spread over NOISE_GROUPS independent groups or runs */
  stderr: number;
}

type Accumulators = Partial<Record<ObservationName, ProtocolAccumulator>>;

const kindOf = (claim: Claim): ProtocolKind => claim.moment;

/** `chunks` batch sizes summing to `samples`, as equal as integers allow. */
const split = (samples: number, chunks: number) =>
  Array.from({ length: chunks }, (_, k) => Math.floor(samples / chunks) + (k < samples % chunks ? 1 : 0));

/**
 * Simulates chunk after chunk (each tidied and downloaded before the next) and adds every
 * observation to the accumulators `into(k)` picks for chunk k. All accumulators of one config
 * share one shift per observation, the first chunk's mean, so they can be merged.
 */
async function accumulate(
  batches: readonly number[],
  simulate: (k: number, batch: number) => Partial<Record<ObservationName, Observation>>,
  into: (k: number) => Accumulators,
  observations: readonly ObservationName[],
  shifts: Partial<Record<ObservationName, number>>,
): Promise<void> {
  for (const [k, batch] of batches.entries()) {
    if (batch === 0) continue;
    const observed = tf.tidy(() => {
      const all = simulate(k, batch);
      return observations.map((name) => ({ name, tensor: all[name]!.tensor, axis: all[name]!.axis }));
    });
    try {
      const data = await Promise.all(observed.map((o) => o.tensor.data() as Promise<Float32Array>));
      observed.forEach((o, i) => {
        const shape = o.tensor.shape as [number, number, number];
        // the first chunk's mean, so sums of squares stay small relative to the spread
        shifts[o.name] ??= compensatedSum(data[i]) / data[i].length;
        (into(k)[o.name] ??= new ProtocolAccumulator(shape[o.axis], shifts[o.name]!)).add(
          data[i],
          shape,
          o.axis,
        );
      });
    } finally {
      tf.dispose(observed.map((o) => o.tensor));
    }
  }
}

function sampleSd(values: readonly number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
}

/**
 * Runs the reference protocol for one config: B samples, in chunks, every claim's statistic
 * computed as the reference computes it.
 *
 * Where the reference shares one weight draw across its B samples (SHA, sharedWeights.ts) the
 * grid does the same. Sharing does not change any statistic's expectation: the pooled sums couple
 * two samples, or two features of one sample, only through terms that average to 0 with or
 * without it (each flips sign with one sample's input or upstream gradient, or with one W_v
 * column, or with one input feature and its rows of W_q, W_k, W_v), and every other term involves
 * one sample's one feature, whose distribution sharing leaves alone. It does change the spread:
 * one draw of W_q, W_k, W_v moves every pooled moment together, by about as much as the data noise
 * at the reference's B = 64, and the published percentiles (of |error|, much of it noise) are only
 * comparable with one draw per batch. The B samples of one draw are then not independent groups,
 * so the standard error comes from NOISE_GROUPS independent runs of the whole protocol, and the
 * measured statistic is the first run's: exactly one reference run. That costs NOISE_GROUPS times
 * the reference's work; `sharedRuns` = 1 does the reference's work alone, without a standard error.
 */
export async function simulateProtocol(
  component: Component,
  claims: readonly Claim[],
  config: Config,
  samples: number,
  seed: number,
  sharedRuns = NOISE_GROUPS,
): Promise<ProtocolMeasurement[]> {
  const observations = [...new Set(claims.map((c) => c.observation))];
  const perChunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / component.simulator.elementsPerSample(config)));
  const randomOf = (k: number, stream = 'grid') =>
    new RandomStream(replicateSeed(seed, `${component.simulator.key}/${stream}`, config, k));
  const shifts: Partial<Record<ObservationName, number>> = {};
  const shared = SHARED_WEIGHTS[component.key];
  const units: Accumulators[] = Array.from(
    { length: shared ? sharedRuns : Math.min(NOISE_GROUPS, samples) },
    () => ({}),
  );
  if (shared) {
    const batches = split(samples, Math.ceil(samples / perChunk));
    for (const [run, unit] of units.entries()) {
      const draw = shared(config, randomOf(run, 'grid-weights'));
      try {
        await accumulate(
          batches,
          (k, batch) => draw.replicate(randomOf(run * batches.length + k), batch),
          () => unit,
          observations,
          shifts,
        );
      } finally {
        draw.dispose();
      }
    }
  } else {
    const chunks = units.length * Math.ceil(Math.ceil(samples / perChunk) / units.length);
    await accumulate(
      split(samples, chunks),
      (k, batch) => component.simulator.replicate(config, randomOf(k), batch),
      (k) => units[k % units.length],
      observations,
      shifts,
    );
  }
  return claims.map((claim) => {
    const parts = units.map((u) => u[claim.observation]).filter((a) => a !== undefined);
    const byUnit = parts.map((p) => protocolStatistic(p, kindOf(claim)));
    // one run is the reference's own work, and has no spread to give a standard error
    if (shared)
      return {
        claim: claim.id,
        kind: kindOf(claim),
        measured: byUnit[0],
        stderr: byUnit.length > 1 ? sampleSd(byUnit) : Number.NaN,
      };
    const total = new ProtocolAccumulator(parts[0].positions, parts[0].shift);
    parts.forEach((p) => total.merge(p));
    return {
      claim: claim.id,
      kind: kindOf(claim),
      measured: protocolStatistic(total, kindOf(claim)),
      stderr: sampleSd(byUnit) / Math.sqrt(byUnit.length),
    };
  });
}
