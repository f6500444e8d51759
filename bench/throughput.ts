/**
 * Samples per second of each component's simulation on the configs of the authors' reference
 * timings (bench/referenceConfigs.json: their first configs per script, with their samples and
 * seconds). A "sample" is one element of the drawn input or upstream gradient, the reference's
 * unit; weights (linear, SHA) and dropout masks are drawn too but, as in the reference figure, not
 * counted.
 * Replicates are sized as `verify --budget standard` sizes them, so the figure is what a real run
 * gets, per-replicate overhead included.
 */
import { readFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import { initEngine, type EngineName } from '../src/backend/engine.ts';
import { batchFor } from '../src/claims/check.ts';
import { resolveConfig } from '../src/claims/params.ts';
import { COMPONENTS } from '../src/claims/registry.ts';
import type { Component, Config } from '../src/claims/types.ts';
import { SHARED_WEIGHTS } from '../src/grid/sharedWeights.ts';
import { simulateProtocol } from '../src/grid/simulate.ts';
import { simulateReplicates } from '../src/sim/run.ts';
import { BUDGETS } from '../src/stats/budget.ts';
import { cpuMs } from './clock.ts';

interface ReferenceConfig {
  shuffledIndex: number;
  config: Record<string, number>;
  runs: number;
  samples: number;
  cpuSeconds: number;
}

export interface ReferenceFile {
  components: Record<string, { referenceSamplesPerSecond: number; configs: ReferenceConfig[] }>;
}

export const REFERENCE: ReferenceFile = JSON.parse(
  readFileSync(new URL('./referenceConfigs.json', import.meta.url), 'utf8'),
);

export interface ThroughputOptions {
  engines: EngineName[];
  /** reference configs per component (from the first) */
  configs: number;
  /** samples simulated per timed iteration, at most the reference's own count */
  maxSamples: number;
  iterations: number;
  /**
   * Each config is timed for at least this much clock (iterations repeat until it is spent): two
   * 0.2-0.4 s timings of one config disagreed by more than 10% on this shared machine.
   */
  minSeconds: number;
  /** 'cpu': process CPU time (robust on a shared machine; one thread, so = wall when idle) */
  clock: 'cpu' | 'wall';
  components?: string[];
  /** the cpu engine sums in float64 and is ~10x slower: its sample count is divided by this */
  cpuEngineShrink?: number;
}

export interface ThroughputRow {
  engine: string;
  clock: 'cpu' | 'wall';
  component: string;
  shuffledIndex: number;
  config: Record<string, number>;
  replicates: number;
  batch: number;
  samplesPerIteration: number;
  meanMs: number;
  samplesPerSecond: number;
  /** this config's own reference figure: its samples / its seconds */
  referenceConfigSamplesPerSecond: number;
  /** the reference's seconds and samples on this config, for the summary's equal-work comparison */
  referenceSeconds: number;
  referenceSamples: number;
  /** samples/s over the reference's on the same config */
  ratio: number;
}

/**
 * Input + upstream-gradient elements of one sample, as the reference counts them: weights, SHA's
 * L x L scores and dropout masks are left out (the baseline files' `other`).
 */
export function ioElementsPerSample(component: string, c: Config): number {
  switch (component) {
    case 'linear':
    case 'sha':
      // input L x d_in, gradient at the output L x d_out
      return c.seqLen * (c.dIn + c.dOut);
    case 'softmax':
      // a sample is one row of L and its gradient
      return 2 * c.seqLen;
    default:
      return 2 * c.seqLen * c.d;
  }
}

export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const engineName of options.engines) {
    const engine = await initEngine(engineName);
    for (const [key, ref] of Object.entries(REFERENCE.components)) {
      if (options.components && !options.components.includes(key)) continue;
      const component = COMPONENTS.find((c) => c.key === key)!;
      for (const refConfig of ref.configs.slice(0, options.configs)) {
        const config = resolveConfig(component.params, refConfig.config, key);
        const shrink = engine.name === 'cpu' ? (options.cpuEngineShrink ?? 10) : 1;
        // GPU work does not show in process CPU time
        const clock = engine.name === 'webgpu' ? 'wall' : options.clock;
        const timing = { iterations: options.iterations, minMs: options.minSeconds * 1000, clock };
        const row = await timeConfig(
          component,
          config,
          Math.min(refConfig.samples, options.maxSamples / shrink),
          timing,
        );
        const referenceConfigSamplesPerSecond = refConfig.samples / refConfig.cpuSeconds;
        const reference = {
          referenceConfigSamplesPerSecond,
          referenceSeconds: refConfig.cpuSeconds,
          referenceSamples: refConfig.samples,
        };
        const common = {
          engine: engine.name,
          clock,
          shuffledIndex: refConfig.shuffledIndex,
          config,
          ...reference,
        };
        rows.push({
          ...common,
          component: key,
          ...row,
          ratio: row.samplesPerSecond / referenceConfigSamplesPerSecond,
        });
        // verify's SHA redraws weights every few samples; the reference shares one draw across its
        // batch, as `sigprop grid` does: time that too, the reference's own work
        if (SHARED_WEIGHTS[key] && shrink === 1) {
          const protocol = await timeProtocol(component, config, refConfig.runs, timing);
          rows.push({
            ...common,
            component: `${key}/grid`,
            ...protocol,
            ratio: protocol.samplesPerSecond / referenceConfigSamplesPerSecond,
          });
        }
      }
    }
  }
  return rows;
}

interface Timing {
  iterations: number;
  minMs: number;
  clock: 'cpu' | 'wall';
}

const benchFor = ({ iterations, minMs, clock }: Timing) =>
  new Bench({
    iterations,
    time: minMs,
    warmupIterations: 1,
    warmupTime: 0,
    ...(clock === 'cpu' ? { now: cpuMs } : {}),
  });

async function timeConfig(component: Component, config: Config, samples: number, timing: Timing) {
  const batch = batchFor(component, config, BUDGETS.standard);
  const perReplicate = batch * ioElementsPerSample(component.key, config);
  const replicates = Math.max(1, Math.round(samples / perReplicate));
  const bench = benchFor(timing);
  let from = 0;
  // fresh replicate indices each iteration, so no two iterations replay the same draws
  bench.add(`${component.key}`, async () => {
    await simulateReplicates(component.simulator, config, { runSeed: 0, from, to: from + replicates, batch });
    from += replicates;
  });
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== 'completed')
    throw new Error(`bench of ${component.key} did not complete: ${result.state}`);
  const meanMs = result.latency.mean;
  const samplesPerIteration = replicates * perReplicate;
  return {
    replicates,
    batch,
    samplesPerIteration,
    meanMs,
    samplesPerSecond: samplesPerIteration / (meanMs / 1000),
  };
}

/** One run of the reference protocol at the reference's B (grid --runs 1), timed like timeConfig. */
async function timeProtocol(component: Component, config: Config, samples: number, timing: Timing) {
  const bench = benchFor(timing);
  let seed = 0;
  bench.add(`${component.key}/grid`, async () => {
    await simulateProtocol(component, component.claims, config, samples, seed++, 1);
  });
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== 'completed')
    throw new Error(`bench of ${component.key}/grid did not complete: ${result.state}`);
  const meanMs = result.latency.mean;
  const samplesPerIteration = samples * ioElementsPerSample(component.key, config);
  return {
    replicates: 1,
    batch: samples,
    samplesPerIteration,
    meanMs,
    samplesPerSecond: samplesPerIteration / (meanMs / 1000),
  };
}

export function formatThroughput(rows: ThroughputRow[]): string {
  const e = (x: number) => x.toExponential(2);
  const lines = ['engine  component  cfg  samples/it  samples/s   ref cfg    ratio'];
  for (const r of rows) {
    const cells = [
      e(r.samplesPerIteration).padStart(9),
      e(r.samplesPerSecond).padStart(9),
      e(r.referenceConfigSamplesPerSecond).padStart(9),
    ];
    lines.push(
      `${r.engine.padEnd(7)} ${r.component.padEnd(10)} #${String(r.shuffledIndex).padEnd(3)} ${cells.join('  ')}  ${r.ratio.toFixed(2).padStart(5)}`,
    );
  }
  return lines.join('\n');
}

/**
 * Per engine and component, the reference's work on the timed configs at equal work: the seconds
 * the reference took for them over the seconds sigprop takes for the same samples at its measured
 * rate on each config. Configs are compared with their own reference figure, never with the
 * script's whole-file average (whose configs differ: on the four Dropout configs the reference
 * runs at 3.75e7 samples/s, not its file's 1.77e7).
 */
export function summariseThroughput(rows: ThroughputRow[]) {
  const groups = new Map<
    string,
    {
      engine: string;
      component: string;
      configs: number;
      referenceSeconds: number;
      seconds: number;
      worst: number;
      best: number;
    }
  >();
  for (const r of rows) {
    const k = `${r.engine}/${r.component}`;
    const g = groups.get(k) ?? {
      engine: r.engine,
      component: r.component,
      configs: 0,
      referenceSeconds: 0,
      seconds: 0,
      worst: Infinity,
      best: 0,
    };
    g.configs += 1;
    g.referenceSeconds += r.referenceSeconds;
    g.seconds += r.referenceSamples / r.samplesPerSecond;
    g.worst = Math.min(g.worst, r.ratio);
    g.best = Math.max(g.best, r.ratio);
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => ({ ...g, ratio: g.referenceSeconds / g.seconds }));
}
