import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, type EngineInfo } from '../src/backend/engine.ts';
import { binomialCdf, binomialTest, clopperPearson } from '../src/stats/binomial.ts';
import { kolmogorovSmirnov, tCdf } from '../src/stats/distribution.ts';
import { dropCorrelation, scaled, swapSoftmaxForm } from '../src/calibrate/perturb.ts';
import { runCalibration } from '../src/run/calibrate.ts';
import { COMPONENTS, findClaim } from '../src/claims/registry.ts';
import { BUDGETS } from '../src/stats/budget.ts';

describe('binomial and distribution tools', () => {
  it('Clopper-Pearson matches closed forms at the edges', () => {
    expect(clopperPearson(0, 10).upper).toBeCloseTo(1 - 0.025 ** (1 / 10), 8);
    expect(clopperPearson(10, 10).lower).toBeCloseTo(0.025 ** (1 / 10), 8);
    const { lower, upper } = clopperPearson(5, 100);
    expect(binomialCdf(4, 100, lower)).toBeCloseTo(0.975, 6);
    expect(binomialCdf(5, 100, upper)).toBeCloseTo(0.025, 6);
  });

  it('the exact binomial test rejects what it should', () => {
    expect(binomialTest(3, 60, 0.05)).toBeCloseTo(1, 6);
    expect(binomialTest(15, 60, 0.05)).toBeLessThan(1e-4);
  });

  it('t CDF inverts the quantile and KS sees a shifted sample', () => {
    expect(tCdf(2.1314495, 15)).toBeCloseTo(0.975, 6);
    const grid = Array.from({ length: 400 }, (_, i) => (i + 0.5) / 400);
    const onT = grid.map((p) => {
      let lo = -50,
        hi = 50;
      for (let k = 0; k < 60; k++) {
        const m = (lo + hi) / 2;
        if (tCdf(m, 15) < p) lo = m;
        else hi = m;
      }
      return lo;
    });
    expect(kolmogorovSmirnov(onT, (x) => tCdf(x, 15)).pValue).toBeGreaterThan(0.5);
    expect(
      kolmogorovSmirnov(
        onT.map((x) => x + 0.5),
        (x) => tCdf(x, 15),
      ).pValue,
    ).toBeLessThan(1e-3);
  });
});

describe('perturbations', () => {
  it('the softmax swap predicts with the other form, and only softmax forms are swapped', () => {
    const config = { sigmaX: 1, rX: 0.2, sigmaG: 1, seqLen: 300 };
    for (const [from, to] of [
      ['forward.var.full', 'forward.var.approx'],
      ['backward.var.approx', 'backward.var.full'],
    ]) {
      const claim = findClaim(`softmax.${from}`);
      expect(swapSoftmaxForm.appliesTo(claim)).toBe(true);
      const swapped = swapSoftmaxForm.wrap(claim);
      expect(swapped.predict(config)).toBe(findClaim(`softmax.${to}`).predict(config));
      // the forms differ at this config, so the swap is a real change of prediction
      expect(swapped.predict(config)).not.toBe(claim.predict(config));
      expect(swapped.scale(config)).toBe(claim.scale(config));
    }
    expect(swapSoftmaxForm.appliesTo(findClaim('softmax.forward.mean'))).toBe(false);
    expect(swapSoftmaxForm.appliesTo(findClaim('relu.forward.var'))).toBe(false);
    // scaling and dropping the correlation perturb exact claims only: softmax's forms are approximations
    expect(scaled(1.03).appliesTo(findClaim('softmax.forward.var.full'))).toBe(false);
    expect(scaled(1.03).appliesTo(findClaim('linear.forward.var'))).toBe(true);
    expect(dropCorrelation.appliesTo(findClaim('sha.forward.cov'))).toBe(false);
  });
});

describe('calibration of the verdict procedure on exact claims (quick)', () => {
  let engine: EngineInfo;
  beforeAll(async () => {
    engine = await initEngine();
  });
  const exact = COMPONENTS.filter((c) => ['linear', 'dropout', 'relu', 'gelu'].includes(c.key));

  it('60 single-look comparisons at alpha 0.05 give a false-alarm count consistent with Binomial(60, 0.05)', async () => {
    const result = await runCalibration({
      budget: BUDGETS.quick,
      seed: 7,
      engine,
      configs: 3,
      adaptiveConfigs: 0,
      alpha: 0.05,
      components: exact,
      phases: ['fixed'],
    });
    const f = result.fixedLook!;
    expect(f.comparisons).toBe(60);
    expect(binomialTest(f.events, f.comparisons, 0.05)).toBeGreaterThan(1e-3);
  });

  it('a 10% error in a variance formula is detected in >= 90% of tries at quick', async () => {
    const fast = exact.filter((c) => c.key !== 'linear');
    const result = await runCalibration({
      budget: BUDGETS.quick,
      seed: 11,
      engine,
      configs: 0,
      adaptiveConfigs: 4,
      alpha: 0.05,
      components: fast,
      claims: (c) => c.moment === 'variance',
      perturbations: [scaled(1.1)],
      phases: ['power'],
    });
    const row = result.power!.rows[0];
    expect(row.all.comparisons).toBe(24);
    expect(row.all.events / row.all.comparisons).toBeGreaterThanOrEqual(0.9);
  });
});
