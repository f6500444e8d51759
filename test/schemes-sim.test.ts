import { describe, expect, it } from 'vitest';
import { simulateModel } from '../src/sim/model/measure.ts';
import { measuredProfile } from '../src/sim/model/profile.ts';
import {
  ARCHS,
  attentionSublayer,
  ffnSublayer,
  streamRecurrence,
  type Arch,
  type ModelConfig,
} from '../src/theory/models.ts';
import { modelInit } from '../src/theory/schemes.ts';
import { useEngine } from './support/engine.ts';

useEngine();

/**
 * Each scheme's simulated stack against its chained prediction where every block formula is in
 * its regime: W_q, W_k scaled by 0.01 (score variance ~ 0), 3 layers at d = 32. A wrong residual
 * weight, a misplaced or missing LayerNorm, a LayerNorm gain on the wrong side or a wrong std in
 * either the simulator or the recurrence moves these by far more than 4.5 standard errors (a fixed
 * test: a false alarm has probability ~1e-5 per comparison).
 */
describe('every scheme: simulation against the chained recurrence (score variance ~ 0, 3 layers, d = 32)', () => {
  it.each(ARCHS)('%s', async (arch: Arch) => {
    const c: ModelConfig = {
      arch,
      layers: 3,
      d: 32,
      heads: 2,
      seqLen: 16,
      dropout: 0.1,
      attentionDropout: 0.1,
      rX: 0.3,
      sigmaX: 1.2,
      k: 1,
    };
    const init = modelInit(c);
    const stds = init.stds.map((s) => ({ ...s, sigmaQ: s.sigmaQ * 0.01, sigmaK: s.sigmaK * 0.01 }));
    const blocks = stds.flatMap((s) => [attentionSublayer(c, s), ffnSublayer(c, s)]);
    const predicted = streamRecurrence(
      init.placement,
      { variance: c.sigmaX ** 2, correlation: c.rX },
      blocks,
      init.weights,
      { variance: 1, correlation: 0 },
    );
    const measured = measuredProfile(
      await simulateModel(c, { runSeed: 11, from: 0, to: 48, batch: 1, stds }),
    );
    const top = 2 * c.layers;
    // Post-LN: the LN backward projects the gradient off 1 and the normalised output y, which
    // removes 2/d of an isotropic gradient's variance; the sheet (3.5: s2gin = s2g/s2x) and so the
    // recurrence leave that out. Measured here at d = 32: 0.931 +- 0.007 of the prediction one LN
    // below the top for DeepNorm (0.980 +- 0.003 at d = 128), a finding recorded in
    // /work/notes/schemes.md. How it compounds deeper down depends on how far successive LN
    // outputs decorrelate, so for Post-LN only the first LN's factor is checked, at boundary 2N-1.
    const post = init.placement === 'post';
    const gradients = post
      ? ([
          [
            'gradient one LN below the top',
            top - 1,
            predicted.gradVariance[top - 1] * (1 - 2 / c.d),
            measured.gradVariance[top - 1],
          ],
        ] as const)
      : ([
          ['input gradient', 0, predicted.gradVariance[0], measured.gradVariance[0]],
          ['mid gradient', 3, predicted.gradVariance[3], measured.gradVariance[3]],
        ] as const);
    for (const [what, i, p, m] of [
      ['top variance', top, predicted.variance[top], measured.variance[top]],
      ['top correlation', top, predicted.correlation[top], measured.correlation[top]],
      ...gradients,
    ] as const) {
      // Post-LN: LayerNorm's eps = 1e-5 lowers the unit stream's variance by eps/s2z, which the
      // recurrence leaves out (s2z >= 1/2 here); nothing else is allowed beyond the noise
      const eps = init.placement === 'post' && what === 'top variance' ? 2e-5 : 0;
      expect(
        Math.abs(m.value - p),
        `${what} at boundary ${i}: predicted ${p}, measured ${m.value} +- ${m.stderr}`,
      ).toBeLessThan(4.5 * m.stderr + eps);
    }
  });
});
