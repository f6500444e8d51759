import * as tf from '@tensorflow/tfjs';
import type { Claim, Component, Config } from '../claims/types.ts';
import { RandomStream, replicateSeed } from '../sim/random.ts';
import type { ObservationName } from '../sim/simulator.ts';
import { compensatedSum } from '../stats/sum.ts';
import { ProtocolAccumulator, protocolStatistic, type ProtocolKind } from './protocol.ts';

/** Elements per observation chunk: keeps a chunk's download (float32) at ~16 MB whatever B is. */
const CHUNK_ELEMENTS = 1 << 22;
/**
 * B samples are split into this many independent groups; the spread of a statistic over groups
 * gives the protocol's own standard error at B samples (samples are i.i.d. in every grid, each with
 * its own weights), which the reference never reports.
 */
export const NOISE_GROUPS = 8;

export interface ProtocolMeasurement {
  claim: string;
  kind: ProtocolKind;
  /** the protocol's statistic over all B samples */
  measured: number;
  /** its standard error, from the spread over NOISE_GROUPS groups of B/NOISE_GROUPS samples */
  stderr: number;
}

const kindOf = (claim: Claim): ProtocolKind => claim.moment;

/**
 * Runs the reference protocol for one config: B samples of the component's own simulator, in
 * chunks, every claim's statistic computed as the reference computes it.
 */
export async function simulateProtocol(component: Component, claims: readonly Claim[], config: Config, samples: number, seed: number): Promise<ProtocolMeasurement[]> {
  const observations = [...new Set(claims.map((c) => c.observation))];
  const groups = Math.min(NOISE_GROUPS, samples);
  const perChunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / component.simulator.elementsPerSample(config)));
  const chunks = groups * Math.ceil(Math.ceil(samples / perChunk) / groups);
  const accumulators: Partial<Record<ObservationName, ProtocolAccumulator>>[] = Array.from({ length: groups }, () => ({}));
  const shifts: Partial<Record<ObservationName, number>> = {};
  for (let k = 0; k < chunks; k++) {
    const batch = Math.floor(samples / chunks) + (k < samples % chunks ? 1 : 0);
    if (batch === 0) continue;
    const random = new RandomStream(replicateSeed(seed, `${component.simulator.key}/grid`, config, k));
    const observed = tf.tidy(() => {
      const all = component.simulator.replicate(config, random, batch);
      return observations.map((name) => ({ name, tensor: all[name]!.tensor, axis: all[name]!.axis }));
    });
    try {
      const data = await Promise.all(observed.map((o) => o.tensor.data() as Promise<Float32Array>));
      observed.forEach((o, i) => {
        const shape = o.tensor.shape as [number, number, number];
        // the first chunk's mean, so sums of squares stay small relative to the spread
        shifts[o.name] ??= compensatedSum(data[i]) / data[i].length;
        const acc = (accumulators[k % groups][o.name] ??= new ProtocolAccumulator(shape[o.axis], shifts[o.name]!));
        acc.add(data[i], shape, o.axis);
      });
    } finally {
      tf.dispose(observed.map((o) => o.tensor));
    }
  }
  return claims.map((claim) => {
    const parts = accumulators.map((a) => a[claim.observation]!).filter(Boolean);
    const total = new ProtocolAccumulator(parts[0].positions, parts[0].shift);
    parts.forEach((p) => total.merge(p));
    const byGroup = parts.map((p) => protocolStatistic(p, kindOf(claim)));
    const m = byGroup.reduce((s, v) => s + v, 0) / byGroup.length;
    const spread = byGroup.reduce((s, v) => s + (v - m) ** 2, 0) / (byGroup.length - 1);
    return { claim: claim.id, kind: kindOf(claim), measured: protocolStatistic(total, kindOf(claim)), stderr: Math.sqrt(spread / byGroup.length) };
  });
}
