import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe, expect } from 'vitest';
import { initEngine, type EngineInfo } from '../src/backend/engine.ts';
import { uniform } from '../src/claims/draw.ts';
import { expectedFor, loadExpectedVerdicts } from '../src/claims/expected.ts';
import { toModelConfig } from '../src/claims/models/config.ts';
import { checkModel, countModelComparisons } from '../src/claims/models/run.ts';
import { MODEL_SUITES } from '../src/claims/models/suites.ts';
import type { Config } from '../src/claims/types.ts';
import { simulateModel } from '../src/sim/model/measure.ts';
import { BUDGETS, type BudgetName } from '../src/stats/budget.ts';
import { PROPERTY_SEED } from '../src/vitest.ts';

/**
 * Whole models over random depth, width, heads, sequence length, dropout and input correlation.
 * Depth goes to 48 on quick/standard and 192 on thorough (SIGPROP_PROPERTY_BUDGET); widths and
 * sequences stay small so a 48-layer model costs a fraction of a second per replicate.
 */
const budget = BUDGETS[(process.env.SIGPROP_PROPERTY_BUDGET ?? 'quick') as BudgetName] ?? BUDGETS.quick;
const MAX_LAYERS = budget.name === 'thorough' ? 192 : 48;

const modelConfig = (postLn: number) =>
  fc
    .record({
      layers: fc.integer({ min: 1, max: MAX_LAYERS }),
      heads: fc.integer({ min: 1, max: 2 }),
      dHead: fc.constantFrom(4, 8),
      seqLen: fc.integer({ min: 4, max: 16 }),
      dropout: uniform(0, 0.3),
      attentionDropout: uniform(0, 0.3),
      rX: uniform(0, 0.6),
    })
    .map(({ heads, dHead, ...rest }): Config => ({
      ...rest,
      heads,
      d: heads * dHead,
      sigmaX: 1,
      rG: 0,
      k: 1,
      sublayers: 0,
      postLn,
      batch: 1,
    }));

let engine: EngineInfo;
beforeAll(async () => {
  engine = await initEngine();
});

describe('whole models: exact structure at any depth', () => {
  const cases = MODEL_SUITES.flatMap((s) =>
    s.regimes.map((r) => ({
      family: s.family,
      regime: r.name,
      postLn: r.name === 'postln' || s.family === 'postln' ? 1 : 0,
    })),
  );
  for (const c of cases) {
    test.prop([modelConfig(c.postLn)], { numRuns: 2, seed: PROPERTY_SEED, endOnFailure: true })(
      `${c.family}/${c.regime}: finite moments; Post-LN streams have unit variance in every replicate`,
      async (config) => {
        const reps = await simulateModel(toModelConfig(c.family, config), {
          runSeed: PROPERTY_SEED,
          from: 0,
          to: 2,
          batch: 1,
        });
        // an encoder-decoder stacks the encoder's 2N+1 boundaries and the decoder's 3N+1 (its input first)
        const encdec = c.family === 'encdec';
        const N = config.layers;
        const inputs = encdec ? [0, 2 * N + 1] : [0];
        for (const r of reps) {
          expect(r.stream).toHaveLength(encdec ? 5 * N + 2 : 2 * N + 1);
          for (const m of [...r.stream, ...r.gradient])
            expect(Number.isFinite(m.meanSquareShifted) && Number.isFinite(m.pairProductShifted)).toBe(true);
          // LN output: per token mean 0 and mean square v/(v+eps), so every boundary above the input is 1 to ~1e-5
          if (c.postLn)
            for (const [b, m] of r.stream.entries())
              if (!inputs.includes(b))
                expect(Math.abs(m.meanSquareShifted - 1), `boundary ${b}`).toBeLessThan(1e-3);
        }
      },
    );
  }
});

describe('whole models: verdicts as recorded in fixtures/verdicts.json', () => {
  const expected = loadExpectedVerdicts();
  for (const suite of MODEL_SUITES) {
    for (const regime of suite.regimes) {
      const postLn = regime.name === 'postln' || suite.family === 'postln' ? 1 : 0;
      test.prop([modelConfig(postLn)], { numRuns: 1, seed: PROPERTY_SEED, endOnFailure: true })(
        `${suite.family}/${regime.name}`,
        async (config) => {
          const comparisons = countModelComparisons(suite.claims, config);
          const { results } = await checkModel(suite.family, suite.claims, config, {
            budget,
            seed: PROPERTY_SEED,
            engine,
            comparisons,
            regime: regime.name,
          });
          expect(results.length).toBe(comparisons);
          for (const r of results) {
            const allowed = expectedFor(expected, r.claim, regime.name, budget.name);
            expect(allowed, `${r.claim} has no expected verdict for regime ${regime.name}`).toBeDefined();
            if (r.verdict === 'inconclusive') continue;
            expect(
              allowed,
              `${r.claim} ${JSON.stringify(r.config)}: measured ${r.measured} +- ${r.stderr}, predicted ${r.predicted}`,
            ).toContain(r.verdict);
          }
        },
      );
    }
  }
});
