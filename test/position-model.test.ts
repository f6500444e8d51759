import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../src/theory/models.ts';
import {
  causalAllPathsGradVariance,
  causalBlockLastGradVariance,
  causalGradVariance,
  causalLastGradVariance,
} from '../src/theory/causalAttention.ts';
import { positionRecurrence } from '../src/theory/positionModel.ts';
import { positionAllPaths } from '../src/claims/positionClaims.ts';
import { modelInit, predictModel } from '../src/theory/schemes.ts';
import { simulateModel } from '../src/sim/model/measure.ts';
import { jackknife } from '../src/stats/jackknife.ts';
import { useEngine } from './support/engine.ts';

const decoder = (arch: ModelConfig['arch']): ModelConfig => ({
  arch,
  layers: 1,
  d: 32,
  heads: 2,
  seqLen: 9,
  dropout: 0.1,
  attentionDropout: 0.2,
  rX: 0.3,
  sigmaX: 1,
  rG: 0,
  causal: true,
});

describe('the L x L position recurrence (docs/theory-extensions.md 6)', () => {
  it("averaged over positions, one layer without LayerNorm is the pooled chain's value-path backward", () => {
    const c = decoder('tfixup');
    const lxl = positionRecurrence(c);
    const pooled = predictModel(c);
    const mean = (row: number[]) => row.reduce((a, b) => a + b, 0) / row.length;
    for (const b of [0, 1, 2]) expect(mean(lxl.gradVariance[b])).toBeCloseTo(pooled.gradVariance[b], 12);
    // and the first token's gradient is larger than the last's: every row attends to it
    expect(lxl.gradVariance[0][0]).toBeGreaterThan(lxl.gradVariance[0][8]);
  });

  it("the first token's forward after one attention is the one-position chain's: it attends only to itself", () => {
    const c = decoder('preln');
    const lxl = positionRecurrence(c);
    const first = predictModel({ ...c, position: 'first' });
    expect(lxl.variance[1][0]).toBeCloseTo(first.variance[1], 12);
    // its gradient at the input sees all L rows: larger than the one-position value-path S2
    expect(lxl.gradVariance.length).toBe(3);
  });

  it('a correlated top gradient makes the first token gather every later one (H_L-like growth)', () => {
    const c = { ...decoder('tfixup'), rG: 0.5 };
    const uncorrelated = positionRecurrence(decoder('tfixup'));
    const correlated = positionRecurrence(c);
    expect(correlated.gradVariance[0][0] / uncorrelated.gradVariance[0][0]).toBeGreaterThan(1.5);
    expect(() => positionRecurrence({ ...c, causal: false })).toThrow(/decoders only/);
  });
});

describe('the L x L recurrence against the simulated decoder at score variance ~0 (value path exact)', () => {
  useEngine();
  it.each(['preln', 'postln'] as const)(
    '%s: every position gradient at every boundary within 4.5 standard errors',
    async (arch) => {
      const c: ModelConfig = { ...decoder(arch), layers: 2, d: 64, seqLen: 6, rX: 0.4 };
      // W_q, W_k scaled by 1e-3: uniform causal attention, the recurrence's own assumption
      const stds = modelInit(c).stds.map((s) => ({ ...s, sigmaQ: s.sigmaQ * 1e-3, sigmaK: s.sigmaK * 1e-3 }));
      const predicted = positionRecurrence(c, stds).gradVariance;
      const replicates = await simulateModel(c, { runSeed: 5, from: 0, to: 48, batch: 2, stds });
      let worst = 0;
      for (let b = 0; b < predicted.length; b++)
        for (let t = 0; t < c.seqLen; t++) {
          const m = jackknife(
            replicates.map((r) => [r.positionSquares!.gradient[b][t]]),
            ([v]) => v,
          );
          worst = Math.max(worst, Math.abs(m.value - predicted[b][t]) / m.stderr);
        }
      expect(worst).toBeLessThan(4.5);
      // and it can fail: the first token's gradient is not the last token's
      expect(predicted[0][0] / predicted[0][5]).toBeGreaterThan(1.5);
    },
  );
});

describe('the L x L recurrence with every path (docs/theory-extensions.md 6.1)', () => {
  it("at the last token below one attention it is the causal block's all-paths last-token gradient", () => {
    const c = { ...decoder('tfixup'), rX: 0.35 };
    const value = positionRecurrence(c);
    const all = positionRecurrence(c, undefined, 'all');
    const s = modelInit(c).stds[0];
    const upstream = value.gradVariance[1][8];
    expect(all.gradVariance[1][8]).toBeCloseTo(upstream, 12);
    const block = causalBlockLastGradVariance({
      sigmaX: 1,
      rX: c.rX,
      sigmaG: Math.sqrt(upstream),
      rG: 0,
      d: c.d,
      heads: c.heads,
      seqLen: c.seqLen,
      sigmaQ: s.sigmaQ,
      sigmaK: s.sigmaK,
      sigmaV: s.sigmaV,
      sigmaO: s.sigmaO,
      dropout: c.dropout,
      attentionDropout: c.attentionDropout,
    });
    // the plain residual passes the upstream gradient on beside the branch
    expect(all.gradVariance[0][8]).toBeCloseTo(upstream + block, 10);
    // and the first token, a key of every row, gains most from the key paths
    expect(all.gradVariance[0][0] / value.gradVariance[0][0]).toBeGreaterThan(1);
  });
});

describe('causal SHA gradient with every path at any position', () => {
  it('is the last-token all-paths form at the last token, and the value path at s2s = 0', () => {
    const c = {
      sigmaX: 1.1,
      rX: 0.3,
      sigmaG: 0.8,
      rG: 0,
      sigmaQ: 0.05,
      sigmaK: 0.04,
      sigmaV: 0.1,
      dIn: 40,
      dOut: 16,
      attentionDropout: 0.15,
      seqLen: 7,
    };
    expect(causalAllPathsGradVariance(c, 6)).toBeCloseTo(causalLastGradVariance(c), 12);
    const flat = { ...c, sigmaQ: 0, rG: 0.4 };
    for (const j of [0, 3, 6])
      expect(causalAllPathsGradVariance(flat, j)).toBeCloseTo(causalGradVariance(flat, j), 12);
  });
});

describe('positionAllPaths (claims for the first and middle tokens, for a component to register)', () => {
  it('makes variants of the per-position gradient claims predicting the row-by-row form', () => {
    const claims = positionAllPaths('sha.causal', causalAllPathsGradVariance);
    expect(claims.map((c) => c.id)).toEqual([
      'sha.causal.first.backward.var.all-paths',
      'sha.causal.middle.backward.var.all-paths',
    ]);
    const c = {
      sigmaX: 1,
      rX: 0.3,
      sigmaG: 1,
      rG: 0,
      sigmaQ: 0.0884,
      sigmaK: 0.0884,
      sigmaV: 0.125,
      dIn: 64,
      dOut: 16,
      attentionDropout: 0.1,
      seqLen: 16,
    };
    expect(claims[1].predict(c)).toBe(causalAllPathsGradVariance(c, 7));
    expect(claims[0].observation).toBe('inputGrad@first');
  });
});
