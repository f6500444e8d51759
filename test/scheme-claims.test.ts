import { describe, expect, it } from 'vitest';
import { MODEL_CLAIMS, type ModelEvidence } from '../src/claims/models/claims.ts';
import { toModelConfig, validateModelConfig, FAMILIES } from '../src/claims/models/config.ts';
import type { ProfileReplicate } from '../src/sim/model/measure.ts';
import { predictModel } from '../src/theory/schemes.ts';

const claim = (id: string) => MODEL_CLAIMS.find((c) => c.id === id)!;

/** Replicates whose stream second moment at layer boundary 2l is s2(l) times a replicate factor. */
function replicates(
  layers: number,
  s2: (l: number) => number,
  grad: (l: number) => number = () => 1,
): ProfileReplicate[] {
  return [0.97, 1.0, 1.03, 1.01].map((f) => ({
    stream: Array.from({ length: 2 * layers + 1 }, (_, i) => ({
      shift: 0,
      meanShifted: 0,
      meanSquareShifted: f * s2(i / 2),
      pairProductShifted: 0,
    })),
    gradient: Array.from({ length: 2 * layers + 1 }, (_, i) => ({
      shift: 0,
      meanShifted: 0,
      meanSquareShifted: f * grad(i / 2),
      pairProductShifted: 0,
    })),
  }));
}

function evidence(
  family: (typeof FAMILIES)[number],
  layers: number,
  reps: ProfileReplicate[],
  half?: ProfileReplicate[],
): ModelEvidence {
  const config = validateModelConfig({ layers, d: 32, heads: 2, seqLen: 16 });
  const prediction = predictModel(toModelConfig(family, config));
  return {
    config,
    prediction,
    profile: undefined as never,
    replicates: reps,
    ...(half ? { half: { prediction, replicates: half } } : {}),
  };
}

describe('scheme law claims on profiles of known shape', () => {
  it('the exponential law reads 1 on an exponential profile and far below on a linear one', () => {
    const law = claim('model.preln.forward.growth.exponential');
    const [exp] = law.compare(
      evidence(
        'preln',
        24,
        replicates(24, (l) => Math.exp(0.2 * l)),
      ),
    );
    expect(exp.predicted).toBe(1);
    expect(exp.measured.value).toBeCloseTo(1, 10);
    const [lin] = law.compare(
      evidence(
        'preln',
        24,
        replicates(24, (l) => 1 + 2 * l),
      ),
    );
    expect(lin.measured.value).toBeCloseTo(Math.log(49 / 25) / Math.log(25), 10);
  });

  it("Kedia's linear law is the chained prediction's own value of the same functional", () => {
    const law = claim('model.preln.forward.growth.linear');
    const e = evidence(
      'preln',
      24,
      replicates(24, (l) => 1 + 2 * l),
    );
    const p = e.prediction.variance;
    expect(law.compare(e)[0].predicted).toBeCloseTo(Math.log(p[48] / p[24]) / Math.log(p[24] / p[0]), 12);
  });

  it('the polynomial law reads 1 on a power law, above 1 on an exponential', () => {
    const law = claim('model.lns.forward.growth.polynomial');
    expect(
      law.compare(
        evidence(
          'lns',
          24,
          replicates(24, (l) => 3 * l ** 1.7),
        ),
      )[0].measured.value,
    ).toBeCloseTo(1, 10);
    expect(
      law.compare(
        evidence(
          'lns',
          24,
          replicates(24, (l) => Math.exp(0.2 * l)),
        ),
      )[0].measured.value,
    ).toBeGreaterThan(1.5);
  });

  it('N-independence compares the run at N with the run at N/2, errors in quadrature', () => {
    const law = claim('model.tfixup.forward.top-n-independent');
    const [same] = law.compare(
      evidence(
        'tfixup',
        8,
        replicates(8, () => 1.4),
        replicates(4, () => 1.4),
      ),
    );
    expect(same.measured.value).toBeCloseTo(1, 12);
    const [grown] = law.compare(
      evidence(
        'tfixup',
        8,
        replicates(8, () => 2.8),
        replicates(4, () => 1.4),
      ),
    );
    expect(grown.measured.value).toBeCloseTo(2, 12);
    expect(grown.measured.stderr).toBeGreaterThan(0);
    const grad = claim('model.admin.backward.ratio-n-independent');
    const [g] = grad.compare(
      evidence(
        'admin',
        8,
        replicates(
          8,
          () => 1,
          (l) => 4 - l / 4,
        ),
        replicates(
          4,
          () => 1,
          (l) => 2 - l / 4,
        ),
      ),
    );
    expect(g.measured.value).toBeCloseTo(4 / 2 / (2 / 1), 12);
  });

  it('every scheme family has its three per-boundary claims and at least one promise', () => {
    for (const family of FAMILIES) {
      const ids = MODEL_CLAIMS.filter((c) => c.family === family).map((c) => c.id);
      // an encoder-decoder has them per stack (model.encdec.encoder.*, model.encdec.decoder.*)
      const prefixes = family === 'encdec' ? ['encdec.encoder', 'encdec.decoder'] : [family];
      for (const prefix of prefixes)
        for (const s of ['forward.var', 'forward.corr', 'backward.var'])
          expect(ids, family).toContain(`model.${prefix}.${s}`);
      expect(ids.length, family).toBeGreaterThan(3);
    }
  });
});
