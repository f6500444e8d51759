/**
 * `npm run bench`: (a) samples/s per component and engine on the reference configs, beside the
 * authors' figures; (b) time to verdict per claim family and budget. Prints tables and writes
 * reports/bench/bench.json. `sigprop bench` runs the same with lighter defaults.
 * Environment: SIGPROP_BENCH_WEBGPU=1 adds the webgpu engine (a software adapter here: slow);
 * SIGPROP_BENCH_CLOCK=wall times by wall clock instead of process CPU time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { initEngine, type EngineName } from '../src/backend/engine.ts';
import { loadNative } from '../src/backend/native.ts';
import { RandomStream } from '../src/sim/random.ts';
import { sampleTokens } from '../src/sim/sampler.ts';
import type { BudgetName } from '../src/stats/budget.ts';
import { cpuMs } from './clock.ts';
import { LegacyRandomStream } from './legacyRandom.ts';
import { formatThroughput, measureThroughput, summariseThroughput } from './throughput.ts';
import { formatVerdicts, measureTimeToVerdict } from './verdict.ts';

export interface BenchOptions {
  engines: EngineName[];
  configs: number;
  maxSamples: number;
  iterations: number;
  /** least clock per timed config (see ThroughputOptions) */
  minSeconds: number;
  clock: 'cpu' | 'wall';
  budgets: BudgetName[];
  components?: string[];
  out: string;
  log: (text: string) => void;
}

/** Standard normals per second of the current and the previous generator, same clock. */
export function measureDraws(n = 1 << 22, repeats = 7) {
  const out = new Float32Array(n);
  const rate = (fill: () => void) => {
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = cpuMs();
      fill();
      times.push(cpuMs() - t);
    }
    times.sort((a, b) => a - b);
    return n / (times[Math.floor(repeats / 2)] / 1000);
  };
  const current = new RandomStream('draws');
  const legacy = new LegacyRandomStream('draws');
  // the sampler's path: correlated tokens, one (sample, feature) column of 1024 at a time, so
  // n values (and n + n/1024 normals) per call
  const seqLen = 1024;
  const tokens = () =>
    sampleTokens(
      { batch: n / seqLen, seqLen, features: 1 },
      { mean: 0, std: 1, tokenCorrelation: 0.5 },
      current,
      'tokens',
    );
  // one untimed pass each, so all are measured after the JIT has optimised them
  legacy.fillNormal(out);
  current.fillNormal(out);
  tokens();
  return {
    legacyPerSecond: rate(() => legacy.fillNormal(out)),
    currentPerSecond: rate(() => current.fillNormal(out)),
    currentSamplerPathPerSecond: rate(tokens),
  };
}

export async function runBench(o: BenchOptions) {
  const draws = measureDraws();
  o.log(
    `normals/s (median of 7 x 4M, ${o.clock === 'cpu' ? 'CPU' : 'wall'} clock): seedrandom+polar ${draws.legacyPerSecond.toExponential(2)}, xoshiro128**+ziggurat ${draws.currentPerSecond.toExponential(2)} (x${(draws.currentPerSecond / draws.legacyPerSecond).toFixed(2)}), sampleTokens (values/s) ${draws.currentSamplerPathPerSecond.toExponential(2)} (x${(draws.currentSamplerPathPerSecond / draws.legacyPerSecond).toFixed(2)})`,
  );
  const throughput = await measureThroughput({
    engines: o.engines,
    configs: o.configs,
    maxSamples: o.maxSamples,
    iterations: o.iterations,
    minSeconds: o.minSeconds,
    clock: o.clock,
    components: o.components,
  });
  const engines = await Promise.all(o.engines.map((name) => initEngine(name)));
  const nativeLoops = typeof loadNative() === 'string' ? `JS (native addon ${loadNative()})` : 'native addon';
  o.log(
    engines
      .map(
        (e) =>
          `engine ${e.name}${e.matMul ? `: matMul ${e.matMul}` : ''}${e.adapter ? `: ${e.adapter}` : ''}`,
      )
      .concat(`random loops: ${nativeLoops}`)
      .join('\n'),
  );
  o.log(formatThroughput(throughput));
  const summary = summariseThroughput(throughput);
  const summaryLine = (s: (typeof summary)[number]) =>
    `  ${s.engine.padEnd(7)} ${s.component.padEnd(10)} ${s.ratio.toFixed(2)} (configs ${s.worst.toFixed(2)} to ${s.best.toFixed(2)}, ${s.configs} configs)`;
  o.log(
    [
      '',
      "per component, the reference's time over sigprop's for the same work on the same configs:",
      ...summary.map(summaryLine),
    ].join('\n'),
  );
  const verdicts = o.budgets.length ? await measureTimeToVerdict(o.budgets, o.components) : [];
  if (verdicts.length) o.log(`\n${formatVerdicts(verdicts)}`);
  const file = resolve(o.out);
  mkdirSync(dirname(file), { recursive: true });
  const report = {
    node: process.version,
    clock: o.clock,
    engines,
    randomLoops: nativeLoops,
    draws,
    throughput,
    summary,
    timeToVerdict: verdicts,
    options: { ...o, log: undefined },
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  o.log(`\nwrote ${file}`);
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const engines: EngineName[] = ['wasm', 'cpu'];
  if (process.env.SIGPROP_BENCH_WEBGPU === '1') engines.push('webgpu');
  await runBench({
    engines,
    configs: 3,
    maxSamples: 8e6,
    iterations: 2,
    minSeconds: 3,
    clock: process.env.SIGPROP_BENCH_CLOCK === 'wall' ? 'wall' : 'cpu',
    budgets: ['quick', 'standard'],
    out: 'reports/bench/bench.json',
    log: (t) => console.log(t),
  });
  const { releaseEngine } = await import('../src/backend/engine.ts');
  await releaseEngine();
}
