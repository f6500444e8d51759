import { describe, expect, it } from 'vitest';
import { RandomStream, replicateSeed } from '../src/sim/random.ts';
import { sampleDropoutMask, sampleTokens } from '../src/sim/sampler.ts';

describe('correlated token sampler', () => {
  // many independent (sample, feature) columns, so each moment has a known standard error
  const batch = 4000;
  const seqLen = 6;
  const features = 5;
  const columns = batch * features;
  const dist = { mean: 1.5, std: 2, tokenCorrelation: 0.7 };
  const x = sampleTokens({ batch, seqLen, features }, dist, new RandomStream('sampler-test'));
  const at = (b: number, t: number, f: number) => x[(b * seqLen + t) * features + f];

  it('has the requested mean and variance (within 5 standard errors)', () => {
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < x.length; i++) sum += x[i];
    const mean = sum / x.length;
    for (let i = 0; i < x.length; i++) sq += (x[i] - mean) ** 2;
    const variance = sq / (x.length - 1);
    // tokens of one column share a factor: the column mean has variance s2*(r + (1-r)/L)
    const meanSe = Math.sqrt((4 * (0.7 + 0.3 / seqLen)) / columns);
    expect(Math.abs(mean - 1.5)).toBeLessThan(5 * meanSe);
    expect(Math.abs(variance - 4)).toBeLessThan(5 * 4 * Math.sqrt(2 / columns));
  });

  it('has the requested correlation between two different tokens, and none between features', () => {
    const corr = (a: (b: number) => number, c: (b: number) => number) => {
      let sa = 0,
        sc = 0,
        saa = 0,
        scc = 0,
        sac = 0;
      for (let b = 0; b < batch; b++) {
        const u = a(b),
          v = c(b);
        sa += u;
        sc += v;
        saa += u * u;
        scc += v * v;
        sac += u * v;
      }
      const cov = sac / batch - (sa / batch) * (sc / batch);
      return cov / Math.sqrt((saa / batch - (sa / batch) ** 2) * (scc / batch - (sc / batch) ** 2));
    };
    // standard error of a sample correlation: (1 - r^2)/sqrt(n)
    expect(
      Math.abs(
        corr(
          (b) => at(b, 0, 0),
          (b) => at(b, 4, 0),
        ) - 0.7,
      ),
    ).toBeLessThan((5 * 0.51) / Math.sqrt(batch));
    expect(
      Math.abs(
        corr(
          (b) => at(b, 1, 2),
          (b) => at(b, 3, 2),
        ) - 0.7,
      ),
    ).toBeLessThan((5 * 0.51) / Math.sqrt(batch));
    expect(
      Math.abs(
        corr(
          (b) => at(b, 2, 1),
          (b) => at(b, 2, 3),
        ),
      ),
    ).toBeLessThan(5 / Math.sqrt(batch));
    expect(
      Math.abs(
        corr(
          (b) => at(b, 0, 0),
          (b) => at(b, 0, 1),
        ),
      ),
    ).toBeLessThan(5 / Math.sqrt(batch));
  });

  it('is reproducible from its seed and differs between replicate seeds', () => {
    const shape = { batch: 2, seqLen: 3, features: 4 };
    const draw = (seed: string) => sampleTokens(shape, dist, new RandomStream(seed));
    const seedA = replicateSeed(7, 'relu', { sigmaX: 1, rX: 0.5 }, 0);
    const seedB = replicateSeed(7, 'relu', { rX: 0.5, sigmaX: 1 }, 1);
    expect(draw(seedA)).toEqual(draw(seedA));
    expect(draw(seedA)).not.toEqual(draw(seedB));
    // key order does not change the seed: configs are canonicalised
    expect(replicateSeed(7, 'relu', { sigmaX: 1, rX: 0.5 }, 0)).toBe(
      replicateSeed(7, 'relu', { rX: 0.5, sigmaX: 1 }, 0),
    );
  });
});

describe('dropout mask', () => {
  it('keeps a fraction 1-p, scaled by 1/(1-p), so its mean is 1', () => {
    const n = 200_000;
    const p = 0.3;
    const mask = sampleDropoutMask(n, p, new RandomStream('mask'));
    const kept = mask.filter((v) => v !== 0);
    expect(new Set(kept).size).toBe(1);
    expect(kept[0]).toBeCloseTo(1 / 0.7, 6);
    expect(Math.abs(kept.length / n - 0.7)).toBeLessThan(5 * Math.sqrt(0.21 / n));
  });
});
