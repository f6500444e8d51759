import { withCorrelations, type BlockMoments } from './blocks.ts';
import type { ComponentMoments } from './moments.ts';
import { shaMoments, type ShaConfig } from './sha.ts';

/**
 * FORMULAS.md 5.2: `h` heads of SHA with d_in = d and d_k = d_v = d/h, output projection W_o
 * (std so), hidden dropout p_h (`dropout`) and attention dropout p_a (`attentionDropout`).
 */
export interface AttentionBlockConfig {
  sigmaX: number;
  rX: number;
  sigmaG: number;
  rG: number;
  d: number;
  heads: number;
  seqLen: number;
  sigmaQ: number;
  sigmaK: number;
  sigmaV: number;
  sigmaO: number;
  dropout: number;
  attentionDropout: number;
}

/** 'full' chains the SHA formula (any s2s); 'small' is the sheet's s2s -> 0 closed form. */
export type AttentionForm = 'full' | 'small';

export function attentionBlockMoments(c: AttentionBlockConfig, form: AttentionForm = 'full'): BlockMoments {
  return form === 'full' ? attentionBlockFull(c) : attentionBlockSmall(c);
}

/**
 * The SHA config one head of the block sees: d_in = d, d_k = d/h, and the gradient that comes back
 * through hidden dropout (s2g/(1-p_h), covariance kept, so r_g*(1-p_h)) and W_o (fan-out d).
 */
export function headConfig(c: AttentionBlockConfig): ShaConfig {
  const keepH = 1 - c.dropout;
  const headGradVar = (c.d * c.sigmaO ** 2 * c.sigmaG ** 2) / keepH;
  return {
    sigmaX: c.sigmaX,
    rX: c.rX,
    sigmaG: Math.sqrt(headGradVar),
    rG: c.rG * keepH,
    sigmaQ: c.sigmaQ,
    sigmaK: c.sigmaK,
    sigmaV: c.sigmaV,
    dIn: c.d,
    dOut: c.d / c.heads,
    attentionDropout: c.attentionDropout,
    seqLen: c.seqLen,
  };
}

/** Block moments from one head's (headConfig's) moments: W_o and hidden dropout forward; heads add in the backward. */
export function blockOfHeads(c: AttentionBlockConfig, head: ComponentMoments): BlockMoments {
  const so2d = c.d * c.sigmaO ** 2;
  // heads have independent weights, so their input gradients add in variance
  return withCorrelations(
    (so2d * head.variance) / (1 - c.dropout),
    so2d * head.tokenCovariance,
    c.heads * head.gradVariance,
    c.heads * head.gradTokenCovariance,
  );
}

function attentionBlockFull(c: AttentionBlockConfig): BlockMoments {
  return blockOfHeads(c, shaMoments(headConfig(c)));
}

function attentionBlockSmall(c: AttentionBlockConfig): BlockMoments {
  const keepH = 1 - c.dropout;
  const keepA = 1 - c.attentionDropout;
  const L = c.seqLen;
  const r = c.rX;
  const gain = c.d ** 2 * c.sigmaV ** 2 * c.sigmaO ** 2;
  const s2g = c.sigmaG ** 2;
  const variance = (gain * c.sigmaX ** 2 * (r + (1 - r) / (L * keepA))) / keepH;
  // the sheet gives no small-s2s covariance: this is d*so^2*CovO_SHA at s2s = 0
  const tokenCovariance = gain * c.sigmaX ** 2 * (r + (1 - r) / L);
  const gradVariance = gain * s2g * (1 / (L * keepA * keepH) + (c.rG * (L - 1)) / L);
  const gradTokenCovariance = gain * s2g * (1 / (L * keepH) + (c.rG * (L - 1)) / L);
  return withCorrelations(variance, tokenCovariance, gradVariance, gradTokenCovariance);
}
