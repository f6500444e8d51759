import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shaMoments } from '../src/theory/sha.ts';
import { attentionBlockMoments, type AttentionBlockConfig } from '../src/theory/attentionBlock.ts';
import type { BlockMoments } from '../src/theory/blocks.ts';
import {
  ffnBlockMoments,
  ffnCorrelationMap,
  ffnCorrelationMapApprox,
  type FfnBlockConfig,
} from '../src/theory/ffnBlock.ts';
import { residualMoments } from '../src/theory/residual.ts';
import { dropoutMoments } from '../src/theory/dropout.ts';
import { linearMoments } from '../src/theory/linear.ts';
import { reluMoments, reluOutputCorrelation } from '../src/theory/relu.ts';
import { correlatedGaussianExpectation } from './support/quadrature.ts';

const golden: any = JSON.parse(
  readFileSync(new URL('../fixtures/golden-theory-blocks.json', import.meta.url), 'utf8'),
);

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const KEYS = [
  'variance',
  'tokenCovariance',
  'tokenCorrelation',
  'gradVariance',
  'gradTokenCovariance',
  'gradTokenCorrelation',
] as const;

function expectClose(m: BlockMoments, expected: Record<string, number>, tol: number) {
  for (const key of KEYS) {
    if (expected[key] === 0) expect(Math.abs(m[key])).toBeLessThan(tol);
    else expect(rel(m[key], expected[key]), key).toBeLessThan(tol);
  }
}

const ffn: FfnBlockConfig = {
  sigmaX: 1.2,
  rX: 0.4,
  sigmaG: 0.8,
  rG: 0.3,
  d: 64,
  dFf: 256,
  sigma1: 0.11,
  sigma2: 0.07,
  dropout: 0.2,
};
const attn: AttentionBlockConfig = {
  sigmaX: 1.1,
  rX: 0.35,
  sigmaG: 1.4,
  rG: 0.2,
  d: 256,
  heads: 4,
  seqLen: 128,
  sigmaQ: 0.06,
  sigmaK: 0.07,
  sigmaV: 0.05,
  sigmaO: 0.06,
  dropout: 0.1,
  attentionDropout: 0.2,
};

describe('FFN block (FORMULAS.md 5.1)', () => {
  it('matches the independent 50-digit transcription to 1e-12', () => {
    for (const { config, expected } of golden.ffnBlock) expectClose(ffnBlockMoments(config), expected, 1e-12);
    for (const { r, expected } of golden.ffnCorrelationMap)
      expect(rel(ffnCorrelationMap(r), expected)).toBeLessThan(1e-12);
  });

  it('c(1) = 1, c(0) = 1/pi, and the quadratic approximation shares both ends', () => {
    expect(ffnCorrelationMap(1)).toBe(1);
    expect(rel(ffnCorrelationMap(0), 1 / Math.PI)).toBeLessThan(1e-15);
    expect(rel(ffnCorrelationMapApprox(1), 1)).toBeLessThan(1e-15);
    expect(rel(ffnCorrelationMapApprox(0), 1 / Math.PI)).toBeLessThan(1e-15);
    // a ratio rounded past 1 must not turn into NaN
    expect(ffnCorrelationMap(1 + 1e-15)).toBe(1);
  });

  it('c(r) is the ReLU second-moment correlation: (Cov_relu + mu^2)/E[relu^2], also by quadrature', () => {
    for (const r of [-0.6, 0, 0.2, 0.55, 0.9, 0.999]) {
      const m = reluMoments({ sigmaX: 1, rX: r, sigmaG: 1, rG: 0, d: 1, seqLen: 2 });
      // through the sheet's ReLU correlation map rho(r) = Cov/Var
      const viaRho = (reluOutputCorrelation(r) * m.variance + m.mean ** 2) / (m.variance + m.mean ** 2);
      expect(rel(ffnCorrelationMap(r), viaRho)).toBeLessThan(1e-14);
      if (r >= 0) {
        const relu = (z: number) => Math.max(z, 0);
        expect(rel(ffnCorrelationMap(r), correlatedGaussianExpectation(relu, relu, r) / 0.5)).toBeLessThan(
          1e-9,
        );
      }
    }
  });

  it('equals the component chain Linear -> ReLU -> Linear -> Dropout of section 3', () => {
    const l1 = linearMoments({
      muX: 0,
      sigmaX: ffn.sigmaX,
      rX: ffn.rX,
      sigmaG: 1,
      rG: 0,
      sigmaW: ffn.sigma1,
      dIn: ffn.d,
      dOut: ffn.dFf,
      seqLen: 2,
    });
    const relu = reluMoments({
      sigmaX: Math.sqrt(l1.variance),
      rX: l1.tokenCovariance / l1.variance,
      sigmaG: 1,
      rG: 0,
      d: 1,
      seqLen: 2,
    });
    const l2 = linearMoments({
      muX: relu.mean,
      sigmaX: Math.sqrt(relu.variance),
      rX: relu.tokenCovariance / relu.variance,
      sigmaG: 1,
      rG: 0,
      sigmaW: ffn.sigma2,
      dIn: ffn.dFf,
      dOut: ffn.d,
      seqLen: 2,
    });
    const drop = dropoutMoments({
      muX: 0,
      sigmaX: Math.sqrt(l2.variance),
      rX: l2.tokenCovariance / l2.variance,
      sigmaG: ffn.sigmaG,
      rG: ffn.rG,
      dropout: ffn.dropout,
      d: 1,
      seqLen: 2,
    });
    // backward, top down
    const w2 = linearMoments({
      muX: 0,
      sigmaX: 1,
      rX: 0,
      sigmaG: Math.sqrt(drop.gradVariance),
      rG: drop.gradTokenCovariance / drop.gradVariance,
      sigmaW: ffn.sigma2,
      dIn: ffn.dFf,
      dOut: ffn.d,
      seqLen: 2,
    });
    const reluBack = reluMoments({
      sigmaX: 1,
      rX: ffn.rX,
      sigmaG: Math.sqrt(w2.gradVariance),
      rG: w2.gradTokenCovariance / w2.gradVariance,
      d: 1,
      seqLen: 2,
    });
    const w1 = linearMoments({
      muX: 0,
      sigmaX: 1,
      rX: 0,
      sigmaG: Math.sqrt(reluBack.gradVariance),
      rG: reluBack.gradTokenCovariance / reluBack.gradVariance,
      sigmaW: ffn.sigma1,
      dIn: ffn.d,
      dOut: ffn.dFf,
      seqLen: 2,
    });
    const m = ffnBlockMoments(ffn);
    expect(rel(m.variance, drop.variance)).toBeLessThan(1e-13);
    expect(rel(m.tokenCovariance, drop.tokenCovariance)).toBeLessThan(1e-13);
    expect(rel(m.gradVariance, w1.gradVariance)).toBeLessThan(1e-13);
    expect(rel(m.gradTokenCovariance, w1.gradTokenCovariance)).toBeLessThan(1e-13);
  });
});

describe('attention block (FORMULAS.md 5.2)', () => {
  it('matches the independent 50-digit transcription to 1e-12', () => {
    for (const { form, config, expected } of golden.attentionBlock)
      expectClose(attentionBlockMoments(config, form), expected, 1e-12);
  });

  it('the small-s2s form is the full form at s2s = 0, and the gap closes linearly in s2s', () => {
    const at0 = { ...attn, sigmaQ: 0 };
    expectClose(
      attentionBlockMoments(at0, 'full'),
      attentionBlockMoments(at0, 'small') as unknown as Record<string, number>,
      1e-14,
    );
    const gap = (s: number) => {
      const c = { ...attn, sigmaQ: s, sigmaK: s };
      return rel(attentionBlockMoments(c, 'full').variance, attentionBlockMoments(c, 'small').variance);
    };
    // s2s is proportional to sigmaQ^2*sigmaK^2 = s^4, so halving s divides s2s, and a linear gap, by 16
    const ratio = gap(1e-3) / gap(0.5e-3);
    expect(ratio).toBeGreaterThan(15);
    expect(ratio).toBeLessThan(17);
    expect(gap(1e-3)).toBeLessThan(1e-6);
    expect(gap(0.06)).toBeGreaterThan(1e-3);
  });

  it('both forms have the sheet backward d^2*sv^2*so^2*s2g*[1/(L(1-pa)(1-ph)) + r_g(L-1)/L], whatever s2s', () => {
    const { d, sigmaV, sigmaO, sigmaG, rG, seqLen: L, dropout: ph, attentionDropout: pa } = attn;
    const gain = d ** 2 * sigmaV ** 2 * sigmaO ** 2 * sigmaG ** 2;
    for (const form of ['full', 'small'] as const) {
      const m = attentionBlockMoments({ ...attn, sigmaQ: 0.2 }, form);
      expect(rel(m.gradVariance, gain * (1 / (L * (1 - pa) * (1 - ph)) + (rG * (L - 1)) / L))).toBeLessThan(
        1e-14,
      );
      expect(rel(m.gradTokenCovariance, gain * (1 / (L * (1 - ph)) + (rG * (L - 1)) / L))).toBeLessThan(
        1e-14,
      );
    }
  });

  it('the full form is d*so^2*SHA(d_in = d)/(1-p_h) forward, h heads of SHA backward', () => {
    const sha = shaMoments({
      ...attn,
      sigmaG: 1,
      rG: 0,
      dIn: attn.d,
      dOut: attn.d / attn.heads,
      attentionDropout: attn.attentionDropout,
    });
    const m = attentionBlockMoments(attn, 'full');
    expect(rel(m.variance, (attn.d * attn.sigmaO ** 2 * sha.variance) / (1 - attn.dropout))).toBeLessThan(
      1e-14,
    );
    expect(rel(m.tokenCovariance, attn.d * attn.sigmaO ** 2 * sha.tokenCovariance)).toBeLessThan(1e-14);
    // the heads count only splits d: the head count leaves every moment unchanged
    expectClose(
      attentionBlockMoments({ ...attn, heads: 16 }, 'full'),
      m as unknown as Record<string, number>,
      1e-14,
    );
  });
});

describe('residual combination (FORMULAS.md 5.3)', () => {
  const x = { variance: 2.5, tokenCovariance: 0.9 };
  const f = { variance: 0.7, tokenCovariance: 0.3 };
  const g = { variance: 1.3, tokenCovariance: 0.2 };
  const fg = { variance: 0.4, tokenCovariance: 0.05 };

  it('beta = 0, lambda = 1 is the identity', () => {
    const m = residualMoments({ lambda: 1, beta: 0, stream: x, branch: f, grad: g, branchGrad: fg });
    expect([m.variance, m.tokenCovariance, m.gradVariance, m.gradTokenCovariance]).toEqual([
      x.variance,
      x.tokenCovariance,
      g.variance,
      g.tokenCovariance,
    ]);
  });

  it('adds lambda^2 and beta^2 weighted moments, G_f = branchGrad/grad', () => {
    const m = residualMoments({
      lambda: Math.sqrt(0.9),
      beta: Math.sqrt(0.1),
      stream: x,
      branch: f,
      grad: g,
      branchGrad: fg,
    });
    expect(rel(m.variance, 0.9 * 2.5 + 0.1 * 0.7)).toBeLessThan(1e-15);
    expect(rel(m.tokenCorrelation, (0.9 * 0.9 + 0.1 * 0.3) / (0.9 * 2.5 + 0.1 * 0.7))).toBeLessThan(1e-15);
    const G = fg.variance / g.variance;
    expect(rel(m.gradVariance, (0.9 + 0.1 * G) * g.variance)).toBeLessThan(1e-15);
    expect(rel(m.gradTokenCovariance, 0.9 * 0.2 + 0.1 * 0.05)).toBeLessThan(1e-15);
  });
});
