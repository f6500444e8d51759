import { attentionBlockMoments, type AttentionBlockConfig, type AttentionForm } from './attentionBlock.ts';
import { causalAttentionBlockMoments } from './causalAttention.ts';
import type { Position } from './positions.ts';
import { clampCorrelation, type SecondMoments } from './blocks.ts';
import { ffnBlockMoments, ffnCorrelationMap } from './ffnBlock.ts';

/**
 * FORMULAS.md 6 and 7: whole models as per-sublayer recurrences over the residual stream. Every
 * prediction is chained from the section-5 block formulas; nothing here is fitted.
 *
 * Arrays are indexed by sublayer boundary: index 0 is the stream entering layer 1 (the embedding
 * output), index i >= 1 the stream after sublayer i (odd i: attention, even i: FFN), so an N-layer
 * model gives 2N+1 entries. For Pre-LN the stream is the one before the final LayerNorm.
 */

const { sqrt } = Math;

// ---------------------------------------------------------------------------------------------
// Initialisations

/** Per-element stds of every weight of one layer (biases 0, LN gamma 1 beta 0 throughout). */
export interface InitStds {
  sigmaQ: number;
  sigmaK: number;
  sigmaV: number;
  sigmaO: number;
  /** FFN W1 */
  sigma1: number;
  /** FFN W2 */
  sigma2: number;
  /** each embedding table */
  sigmaE: number;
}

/** Section 6 Xavier baseline: W_q,k,v sqrt(2/(d+d_k)), W_o sqrt(1/d), W1,W2 sqrt(2/(5d)), embeddings sqrt(1/d). */
export function xavierStds(d: number, heads: number): InitStds {
  const qkv = sqrt(2 / (d + d / heads));
  const ffn = sqrt(2 / (5 * d));
  return {
    sigmaQ: qkv,
    sigmaK: qkv,
    sigmaV: qkv,
    sigmaO: sqrt(1 / d),
    sigma1: ffn,
    sigma2: ffn,
    sigmaE: sqrt(1 / d),
  };
}

/**
 * Section 7 DSLM stds for one layer, given the correlation r_l that the recursion predicts at its
 * attention input: W_q,k sqrt(1/d) (s2s = 1 at unit input variance), W_v,o sqrt(sqrt((1-p)/r_l)/d),
 * W1,W2 sqrt(sqrt((1-p)/2)/d) (fan d, not 4d, so that d_f = 4d gives FFN gain exactly 1),
 * embeddings sqrt((1-p)/3).
 */
export function dslmStds(d: number, dropout: number, rLayer: number): InitStds {
  const keep = 1 - dropout;
  const vo = sqrt(sqrt(keep / rLayer) / d);
  const ffn = sqrt(sqrt(keep / 2) / d);
  return {
    sigmaQ: sqrt(1 / d),
    sigmaK: sqrt(1 / d),
    sigmaV: vo,
    sigmaO: vo,
    sigma1: ffn,
    sigma2: ffn,
    sigmaE: sqrt(keep / 3),
  };
}

// ---------------------------------------------------------------------------------------------
// DSLM residual scaling and correlation recursion

/** Whether N in beta^2 = k/N counts layers or sublayers (2 per layer). */
export type DepthUnit = 'layers' | 'sublayers';

export interface ResidualScales {
  lambda: number;
  beta: number;
}

/** beta^2 = k/N, lambda^2 = 1 - beta^2 (k = 1 with N = 192 layers is about the reference 0.995/0.005). */
export function dslmResidualScales(layers: number, k: number, unit: DepthUnit): ResidualScales {
  const n = unit === 'layers' ? layers : 2 * layers;
  const beta2 = k / n;
  if (!(beta2 >= 0 && beta2 <= 1)) throw new RangeError(`beta^2 = k/N = ${beta2} must lie in [0, 1]`);
  return { lambda: sqrt(1 - beta2), beta: sqrt(beta2) };
}

/** The sheet's reference input correlation r0 (before embedding dropout). */
export const DSLM_REFERENCE_R0 = 0.221;

export interface DslmScheduleConfig {
  layers: number;
  /** model width (only enters std_vo) */
  d: number;
  /** hidden dropout p */
  dropout: number;
  lambda: number;
  beta: number;
  /** correlation of the stream entering layer 1; the sheet starts at r0*(1-p) */
  rStart: number;
  /** stream variance entering layer 1 ("sig"); the sheet starts at 1 */
  sigStart?: number;
}

export interface DslmSchedule {
  /** std of W_v and W_o for each layer: sqrt(sqrt((1-p)/r_l)/d) */
  stdVo: number[];
  /** r_l: the correlation each layer's attention sees, which sets its std_vo */
  rLayer: number[];
  /** correlation at every sublayer boundary (2N+1 entries); r[2l] is what layer l+1's attention sees */
  r: number[];
  /** the recursion's stream variance at every boundary */
  sig: number[];
}

/**
 * The section-7 recursion, verbatim: it idealises the attention output as fully correlated before
 * hidden dropout (correlation 1-p, i.e. L -> infinity) and every block output as unit variance.
 */
export function dslmCorrelationSchedule(c: DslmScheduleConfig): DslmSchedule {
  const p = c.dropout;
  const l2 = c.lambda ** 2;
  const b2 = c.beta ** 2;
  let r = c.rStart;
  let sig = c.sigStart ?? 1;
  const stdVo: number[] = [];
  const rLayer: number[] = [];
  const rs = [r];
  const sigs = [sig];
  for (let l = 0; l < c.layers; l++) {
    rLayer.push(r);
    stdVo.push(sqrt(sqrt((1 - p) / r) / c.d));
    r = (l2 * r * sig + b2 * (1 - p)) / (l2 * sig + b2);
    sig = l2 * sig + b2;
    rs.push(r);
    sigs.push(sig);
    // the sheet writes (1-p)*(r + (sqrt(1-r^2) - r*acos(r))/pi): the same c(r), acos = pi/2 - asin
    const rFfn = (1 - p) * ffnCorrelationMap(r);
    r = (l2 * r * sig + b2 * rFfn) / (l2 * sig + b2);
    sig = l2 * sig + b2;
    rs.push(r);
    sigs.push(sig);
  }
  return { stdVo, rLayer, r: rs, sig: sigs };
}

/**
 * Fixed point of r = (1-p)*(1 + c(r))/2, the beta -> 0 limit of one DSLM layer (attention pulls
 * toward 1-p, the FFN toward (1-p)*c(r), each with weight beta^2). The map's slope is at most
 * (1-p)/2, so plain iteration contracts.
 */
export function dslmCorrelationFixedPoint(dropout: number): number {
  let r = 0;
  for (let i = 0; i < 2000; i++) {
    const next = ((1 - dropout) * (1 + ffnCorrelationMap(r))) / 2;
    if (next === r) break;
    r = next;
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Generic recurrences

export type SublayerKind = 'attention' | 'cross' | 'ffn';

/** One sublayer's block, as the recurrences need it. */
export interface Sublayer {
  kind: SublayerKind;
  /** block output moments for an input of variance s2in and token correlation r (F_b*s2in, C_b) */
  forward(s2in: number, r: number): SecondMoments;
  /**
   * gradient moments at the block input per unit upstream gradient variance (G_b, H_b), given the
   * forward correlation r at the block input and the upstream gradient correlation rG
   */
  backward(r: number, rG: number): SecondMoments;
}

export interface StreamState {
  variance: number;
  correlation: number;
}

export interface StreamPrediction {
  variance: number[];
  correlation: number[];
  gradVariance: number[];
  gradCorrelation: number[];
  /**
   * per sublayer (2N, or 3N for an encoder-decoder's decoder): the gradient reaching the branch
   * output f, beta^2 times the one at the residual sum (post: after its LN's division), variance
   * and token covariance. What a branch passes on to another stream (cross-attention's keys and
   * values) is this times its own gain.
   */
  branchGradVariance: number[];
  branchGradCovariance: number[];
}

/** Where a scheme puts its LayerNorms (FORMULAS.md 6 and 8). */
export type Placement = 'pre' | 'post' | 'none';

/**
 * One sublayer's place in the residual stream, per placement:
 *  pre:  x' = lambda*x + beta*f(normGain*LN(x))      (normGain: LayerNorm Scaling's 1/sqrt(l); else 1)
 *  post: x' = LN(lambda*x + beta*f(x))
 *  none: x' = lambda*x + beta*f(x)
 */
export interface SublayerWeights {
  lambda: number;
  beta: number;
  normGain: number;
}

export const constantWeights = (scales: ResidualScales, count: number): SublayerWeights[] =>
  Array.from({ length: count }, () => ({ lambda: scales.lambda, beta: scales.beta, normGain: 1 }));

/** What the forward pass of one sublayer did, for the backward and for Admin's profiling. */
export interface ForwardStep {
  next: StreamState;
  /** the branch output's variance F_b (what Admin's omega sums) */
  branchVariance: number;
  /** post: the variance of the sum before its LayerNorm; pre and none: unused (the stream's own) */
  preNormVariance: number;
}

/**
 * One forward step of the recurrences. Branch and stream are uncorrelated in expectation (every
 * branch ends in a fresh zero-mean matrix), so variances and covariances add with lambda^2, beta^2.
 *  pre:  the block sees normGain^2 (LN output, taken as correlation-preserving as the sheet does:
 *        section 3.5's r*(1-1/d) is an O(1/d) correction), s2' = lambda^2*s2 + beta^2*F_b(g^2).
 *  post: the block sees the stream itself; the LN renormalises the sum to 1.
 *  none: the block sees the stream itself; s2' = lambda^2*s2 + beta^2*F_b(s2).
 */
export function forwardStep(
  placement: Placement,
  state: StreamState,
  block: Sublayer,
  w: SublayerWeights,
): ForwardStep {
  const l2 = w.lambda ** 2;
  const b2 = w.beta ** 2;
  const { variance: s2, correlation: r } = state;
  const f = block.forward(placement === 'pre' ? w.normGain ** 2 : s2, r);
  const sum = l2 * s2 + b2 * f.variance;
  const next = {
    variance: placement === 'post' ? 1 : sum,
    correlation: clampCorrelation((l2 * s2 * r + b2 * f.tokenCovariance) / sum),
  };
  return { next, branchVariance: f.variance, preNormVariance: sum };
}

/**
 * Forward and backward recurrences of a residual stack with per-sublayer weights. Backward, going
 * down sublayer i with upstream gradient variance v and covariance cv (cross terms vanish in
 * expectation; G_b, H_b are the block's backward gains per unit upstream variance, which for the
 * section-5 blocks do not depend on the block's input variance):
 *  pre:  v_in = lambda^2*v + beta^2*normGain^2*G_b*v/s2_in (the LN backward divides by the stream variance)
 *  post: the LN divides by s2z first, then the residual gives lambda^2 + beta^2*G_b; for
 *        lambda = beta = 1 and unit stream that is the sheet's (1+G_b)/(1+F_b)
 *  none: v_in = (lambda^2 + beta^2*G_b)*v (section 5.3)
 */
export function streamRecurrence(
  placement: Placement,
  input: StreamState,
  sublayers: readonly Sublayer[],
  weights: readonly SublayerWeights[],
  top: StreamState,
): StreamPrediction {
  if (weights.length !== sublayers.length)
    throw new RangeError(`${weights.length} sublayer weights for ${sublayers.length} sublayers`);
  const states = [input];
  const steps = sublayers.map((b, i) => {
    const step = forwardStep(placement, states[i], b, weights[i]);
    states.push(step.next);
    return step;
  });
  const n = sublayers.length;
  const gradVariance = new Array<number>(n + 1);
  const gradCov = new Array<number>(n + 1);
  const branchGradVariance = new Array<number>(n);
  const branchGradCovariance = new Array<number>(n);
  gradVariance[n] = top.variance;
  gradCov[n] = top.correlation * top.variance;
  for (let i = n - 1; i >= 0; i--) {
    const l2 = weights[i].lambda ** 2;
    const b2 = weights[i].beta ** 2;
    // the gradient reaching the residual sum (post: through its LN)
    const norm = placement === 'post' ? steps[i].preNormVariance : 1;
    const v = gradVariance[i + 1] / norm;
    const cv = gradCov[i + 1] / norm;
    branchGradVariance[i] = b2 * v;
    branchGradCovariance[i] = b2 * cv;
    const g = sublayers[i].backward(states[i].correlation, cv / v);
    const branch = placement === 'pre' ? weights[i].normGain ** 2 / states[i].variance : 1;
    gradVariance[i] = l2 * v + b2 * branch * g.variance * v;
    gradCov[i] = l2 * cv + b2 * branch * g.tokenCovariance * v;
  }
  return {
    variance: states.map((s) => s.variance),
    correlation: states.map((s) => s.correlation),
    gradVariance,
    gradCorrelation: gradCov.map((cv, i) => cv / gradVariance[i]),
    branchGradVariance,
    branchGradCovariance,
  };
}

/** Pre-LN with one lambda, beta for every sublayer: x' = lambda*x + beta*f(LN(x)). */
export function preLnRecurrence(
  input: StreamState,
  sublayers: readonly Sublayer[],
  scales: ResidualScales,
  top: StreamState,
): StreamPrediction {
  return streamRecurrence('pre', input, sublayers, constantWeights(scales, sublayers.length), top);
}

/** Post-LN with one lambda, beta for every sublayer: y' = LN(lambda*y + beta*f(y)). */
export function postLnRecurrence(
  input: StreamState,
  sublayers: readonly Sublayer[],
  scales: ResidualScales,
  top: StreamState,
): StreamPrediction {
  return streamRecurrence('post', input, sublayers, constantWeights(scales, sublayers.length), top);
}

// ---------------------------------------------------------------------------------------------
// Whole models

/** Every depth scheme (src/theory/schemes.ts defines each). */
export const ARCHS = [
  'preln',
  'postln',
  'dslm-preln',
  'dslm-postln',
  'deepnorm',
  'depth-mup',
  'lns',
  'tfixup',
  'admin',
  'skipinit',
] as const;
export type Arch = (typeof ARCHS)[number];

export interface ModelConfig {
  arch: Arch;
  layers: number;
  d: number;
  heads: number;
  seqLen: number;
  /** hidden dropout p (p_h), applied at the end of both blocks */
  dropout: number;
  attentionDropout: number;
  /** token correlation of the stream entering layer 1 (embedding output, after its dropout) */
  rX: number;
  /** std of the stream entering layer 1 */
  sigmaX: number;
  /** the scheme's branch constant: DSLM and depth-muP beta^2 = k/N, SkipInit alpha = k/N; default 1 */
  k?: number;
  /** DSLM and depth-muP: whether N in k/N counts layers or sublayers; default 'layers' */
  depthUnit?: DepthUnit;
  /** FFN hidden width; default 4d */
  dFf?: number;
  /**
   * token correlation of the gradient arriving at the top (its variance is taken as 1). Default 0:
   * a per-token loss gives each position its own independent gradient.
   */
  rG?: number;
  /** which section-5.2 attention form the sublayers use; default 'full' (via SHA) */
  attentionForm?: AttentionForm;
  /** a decoder: causal self-attention (docs/theory-extensions.md 2, 4); default false */
  causal?: boolean;
  /**
   * decoders only: chain the moments of the token at this position (each sublayer's causal block
   * at that position, fed that position's stream state) instead of the moments pooled over positions
   */
  position?: Position;
  /**
   * an encoder-decoder (src/theory/encdec.ts, docs/theory-extensions.md 5): an encoder of `layers`
   * bidirectional layers feeding a causal decoder of `layers` layers (self-attention,
   * cross-attention, FFN); both sequences seqLen tokens. DSLM archs only. Default false.
   */
  encdec?: boolean;
}

export function attentionSublayer(c: ModelConfig, stds: InitStds): Sublayer {
  // a decoder's blocks are causal: pooled over positions, or at the model's named position
  const moments = (b: AttentionBlockConfig) =>
    c.causal
      ? causalAttentionBlockMoments(b, c.position)
      : attentionBlockMoments(b, c.attentionForm ?? 'full');
  const block = (s2in: number, r: number, rG: number) =>
    moments({
      sigmaX: sqrt(s2in),
      rX: r,
      sigmaG: 1,
      rG,
      d: c.d,
      heads: c.heads,
      seqLen: c.seqLen,
      sigmaQ: stds.sigmaQ,
      sigmaK: stds.sigmaK,
      sigmaV: stds.sigmaV,
      sigmaO: stds.sigmaO,
      dropout: c.dropout,
      attentionDropout: c.attentionDropout,
    });
  return {
    kind: 'attention',
    forward: (s2in, r) => block(s2in, r, 0),
    // the SHA backward follows V only, so it needs no input variance: unit input is as good as any
    backward: (r, rG) => {
      const m = block(1, r, rG);
      return { variance: m.gradVariance, tokenCovariance: m.gradTokenCovariance };
    },
  };
}

export function ffnSublayer(c: ModelConfig, stds: InitStds): Sublayer {
  const block = (s2in: number, r: number, rG: number) =>
    ffnBlockMoments({
      sigmaX: sqrt(s2in),
      rX: r,
      sigmaG: 1,
      rG,
      d: c.d,
      dFf: c.dFf ?? 4 * c.d,
      sigma1: stds.sigma1,
      sigma2: stds.sigma2,
      dropout: c.dropout,
    });
  return {
    kind: 'ffn',
    forward: (s2in, r) => block(s2in, r, 0),
    backward: (r, rG) => {
      const m = block(1, r, rG);
      return { variance: m.gradVariance, tokenCovariance: m.gradTokenCovariance };
    },
  };
}
