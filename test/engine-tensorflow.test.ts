import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import { initEngine, releaseEngine, type EngineInfo } from '../src/backend/engine.ts';
import { checkComponent, type ClaimResult } from '../src/claims/check.ts';
import { resolveConfig } from '../src/claims/params.ts';
import { COMPONENTS } from '../src/claims/registry.ts';
import { BUDGETS } from '../src/stats/budget.ts';

/*
 * The tfjs-node engine (TensorFlow's own CPU kernels), built here from the tensorflow-cpu wheel by
 * scripts/build-tfjs-node.sh; CI builds it in .ci/run, so there the test must run, elsewhere it
 * skips when the package is absent. Random numbers are drawn in JS from the replicate seeds, so
 * both engines simulate the same draws and differ only in float32 rounding inside kernels: far
 * below the statistical error, which is what the bound below says (the same bound as the cpu-vs-
 * default test in engines.test.ts).
 */
let tensorflow: EngineInfo | undefined;
let unavailable: string | undefined;
try {
  tensorflow = await initEngine('tensorflow');
} catch (error) {
  unavailable = error instanceof Error ? error.message : String(error);
}
const inCI = !['', '0', 'false', undefined].includes(process.env.CI);

afterAll(async () => {
  await releaseEngine();
});

it('has the tensorflow engine (CI builds it with scripts/build-tfjs-node.sh)', (ctx) => {
  if (unavailable !== undefined && !inCI) ctx.skip(`tfjs-node not built here: ${unavailable}`);
  expect(unavailable, `tfjs-node required in CI: ${unavailable}`).toBeUndefined();
  expect(tensorflow?.backend).toBe('tensorflow');
});

/** Small sizes: the arithmetic under test is the same at any size. */
const SIZES: Record<string, number> = { dIn: 24, dOut: 16, d: 16, seqLen: 12, heads: 2 };
const budget = { ...BUDGETS.quick, maxReplicates: BUDGETS.quick.initialReplicates };

async function measureAll(
  engineName: 'wasm' | 'tensorflow',
): Promise<{ engine: EngineInfo; results: ClaimResult[]; leaked: number }> {
  const engine = await initEngine(engineName);
  const results: ClaimResult[] = [];
  let leaked = 0;
  for (const component of COMPONENTS) {
    const sizes = Object.fromEntries(
      component.params.filter((p) => p.key in SIZES).map((p) => [p.key, SIZES[p.key]]),
    );
    const config = resolveConfig(component.params, sizes, component.key);
    const before = tf.memory().numTensors;
    results.push(
      ...(await checkComponent(component, component.claims, config, {
        budget,
        seed: 23,
        engine,
        comparisons: 1,
      })),
    );
    leaked += tf.memory().numTensors - before;
  }
  return { engine, results, leaked };
}

it.skipIf(unavailable !== undefined)(
  'every claim family on tensorflow measures what wasm measures from the same seeds, and leaks no tensor',
  { timeout: 240_000 },
  async () => {
    const onTensorflow = await measureAll('tensorflow');
    const onWasm = await measureAll('wasm');
    expect(onTensorflow.engine.backend).toBe('tensorflow');
    expect(onWasm.engine.backend).toBe('wasm');
    expect(onTensorflow.leaked).toBe(0);
    expect(new Set(onTensorflow.results.map((r) => r.component))).toEqual(
      new Set(COMPONENTS.map((c) => c.key)),
    );
    expect(onTensorflow.results.map((r) => r.claim)).toEqual(onWasm.results.map((r) => r.claim));
    onTensorflow.results.forEach((r, i) => {
      const w = onWasm.results[i]!;
      expect(
        Math.abs(r.measured - w.measured),
        `${r.claim}: tensorflow ${r.measured} vs wasm ${w.measured}`,
      ).toBeLessThan(1e-4 * w.scale + 1e-3 * w.stderr);
      // where the statistical error is below float32 rounding of the scale (LayerNorm's output mean
      // is 0 up to rounding), kernel rounding decides the verdict: compare verdicts elsewhere only
      if (w.stderr > 1e-6 * w.scale) expect(r.verdict, r.claim).toBe(w.verdict);
    });
  },
);
