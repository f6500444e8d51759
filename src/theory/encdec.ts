import { clampCorrelation, type SecondMoments } from './blocks.ts';
import { crossAttentionMoments } from './crossAttention.ts';
import {
  attentionSublayer,
  dslmCorrelationSchedule,
  dslmResidualScales,
  dslmStds,
  ffnSublayer,
  streamRecurrence,
  type InitStds,
  type ModelConfig,
  type Placement,
  type StreamState,
  type Sublayer,
  type SublayerWeights,
} from './models.ts';
import { ffnCorrelationMap } from './ffnBlock.ts';
import { predictModel, type ModelPrediction } from './schemes.ts';

/**
 * An encoder-decoder stack with DeepScaleLM scaling (docs/theory-extensions.md 5): an encoder of N
 * bidirectional layers (attention, FFN) feeding a decoder of N layers (causal self-attention,
 * cross-attention whose keys and values are the encoder's final output, FFN), every sublayer
 * x' = lambda*x + beta*f(LN(x)) (Pre-LN) or x' = LN(lambda*x + beta*f(x)) (Post-LN), with the DSLM
 * init of FORMULAS.md 7. A Pre-LN encoder ends in a LayerNorm (as real Pre-LN encoders do), so the
 * cross-attention reads unit-variance memory either way. Both sequences have seqLen tokens.
 *
 * Every prediction is chained from existing block moments: the encoder and the decoder's
 * self-attention and FFN as the decoder models (models.ts), the cross-attention sublayer from
 * crossAttentionMoments (section 3) with multi-head, W_o and hidden dropout as FORMULAS.md 5.2.
 * Nothing is fitted.
 */

const { sqrt } = Math;

/** Per-element stds of one cross-attention sublayer. */
export interface CrossStds {
  sigmaQ: number;
  sigmaK: number;
  sigmaV: number;
  sigmaO: number;
}

export interface EncDecInit {
  placement: Placement;
  encoder: { weights: SublayerWeights[]; stds: InitStds[] };
  /** 3N sublayer weights (self-attention, cross-attention, FFN per layer); N self stds and N cross stds */
  decoder: { weights: SublayerWeights[]; stds: InitStds[]; cross: CrossStds[] };
  /** the correlation of the encoder's output the DSLM recipe assumes (its recursion's last value) */
  memoryCorrelation: number;
}

/** beta^2 = k/N for the decoder: N its layers, or its 3N sublayers. */
export function decoderResidualScales(c: ModelConfig): { lambda: number; beta: number } {
  const n = c.depthUnit === 'sublayers' ? 3 * c.layers : c.layers;
  const beta2 = (c.k ?? 1) / n;
  if (!(beta2 >= 0 && beta2 <= 1)) throw new RangeError(`beta^2 = k/N = ${beta2} must lie in [0, 1]`);
  return { lambda: sqrt(1 - beta2), beta: sqrt(beta2) };
}

/**
 * The section-7 recursion for a decoder layer of three sublayers: the self-attention and the
 * cross-attention outputs are both idealised as fully correlated before hidden dropout (every row
 * averages the same values: 1-p), the FFN as (1-p)*c(r); std_vo of each attention from the
 * correlation of what its values read: the decoder stream (self) or the encoder output (cross).
 */
export function dslmDecoderSchedule(
  layers: number,
  d: number,
  dropout: number,
  scales: { lambda: number; beta: number },
  rStart: number,
  rMemory: number,
): { rLayer: number[]; stds: InitStds[]; cross: CrossStds[] } {
  const p = dropout;
  const l2 = scales.lambda ** 2;
  const b2 = scales.beta ** 2;
  let r = rStart;
  let sig = 1;
  const step = (rBranch: number) => {
    r = (l2 * r * sig + b2 * rBranch) / (l2 * sig + b2);
    sig = l2 * sig + b2;
  };
  const rLayer: number[] = [];
  const stds: InitStds[] = [];
  const cross: CrossStds[] = [];
  const vo = sqrt(sqrt((1 - p) / rMemory) / d);
  for (let l = 0; l < layers; l++) {
    rLayer.push(r);
    stds.push(dslmStds(d, p, r));
    cross.push({ sigmaQ: sqrt(1 / d), sigmaK: sqrt(1 / d), sigmaV: vo, sigmaO: vo });
    step(1 - p);
    step(1 - p);
    step((1 - p) * ffnCorrelationMap(r));
  }
  return { rLayer, stds, cross };
}

/** The DSLM recipe of both stacks: the recursions are the initialisation, used as written. */
export function encDecInit(c: ModelConfig): EncDecInit {
  if (c.arch !== 'dslm-preln' && c.arch !== 'dslm-postln')
    throw new RangeError(`an encoder-decoder is defined with DSLM scaling only, not '${c.arch}'`);
  const placement: Placement = c.arch === 'dslm-postln' ? 'post' : 'pre';
  const encScales = dslmResidualScales(c.layers, c.k ?? 1, c.depthUnit ?? 'layers');
  const schedule = dslmCorrelationSchedule({
    layers: c.layers,
    d: c.d,
    dropout: c.dropout,
    ...encScales,
    rStart: c.rX,
  });
  const memoryCorrelation = schedule.r[2 * c.layers];
  const decScales = decoderResidualScales(c);
  const dec = dslmDecoderSchedule(c.layers, c.d, c.dropout, decScales, c.rX, memoryCorrelation);
  const weights = (n: number, s: { lambda: number; beta: number }) =>
    Array.from({ length: n }, () => ({ ...s, normGain: 1 }));
  return {
    placement,
    encoder: {
      weights: weights(2 * c.layers, encScales),
      stds: schedule.rLayer.map((r) => dslmStds(c.d, c.dropout, r)),
    },
    decoder: { weights: weights(3 * c.layers, decScales), stds: dec.stds, cross: dec.cross },
    memoryCorrelation,
  };
}

/** A cross-attention sublayer: its decoder-side block moments, and what it sends the encoder. */
export interface CrossSublayer extends Sublayer {
  /**
   * the gradient reaching the memory (encoder output) per unit gradient variance at the branch
   * output, given the branch's query input (variance s2in, correlation r) and the branch-output
   * gradient correlation rG: variance and token covariance
   */
  encoder(s2in: number, r: number, rG: number): SecondMoments;
}

/**
 * FORMULAS.md 5.2's block shape around section 3's cross-attention: h heads of d_k = d/h, each
 * head's queries from the decoder stream, keys and values from the memory; W_o (fan-in d) and
 * hidden dropout p forward; backward each head sees d*so^2*s2g/(1-p) with correlation r_g*(1-p),
 * and the heads' input gradients add, on the decoder side and on the encoder side alike.
 */
export function crossSublayer(c: ModelConfig, s: CrossStds, memory: StreamState): CrossSublayer {
  const keep = 1 - c.dropout;
  const so2d = c.d * s.sigmaO ** 2;
  const head = (s2in: number, r: number, rG: number) =>
    crossAttentionMoments({
      sigmaX: sqrt(s2in),
      rX: r,
      sigmaE: sqrt(memory.variance),
      rE: memory.correlation,
      sigmaG: sqrt(so2d / keep),
      rG: rG * keep,
      sigmaQ: s.sigmaQ,
      sigmaK: s.sigmaK,
      sigmaV: s.sigmaV,
      dIn: c.d,
      dOut: c.d / c.heads,
      attentionDropout: c.attentionDropout,
      seqLen: c.seqLen,
      encoderLen: c.seqLen,
    });
  return {
    kind: 'cross',
    forward: (s2in, r) => {
      const m = head(s2in, r, 0);
      return { variance: (so2d * m.variance) / keep, tokenCovariance: so2d * m.tokenCovariance };
    },
    // the decoder side goes through the queries only; s2s*(s2e/s2d) does not depend on s2d
    backward: (r, rG) => {
      const m = head(1, r, rG);
      return { variance: c.heads * m.gradVariance, tokenCovariance: c.heads * m.gradTokenCovariance };
    },
    encoder: (s2in, r, rG) => {
      const m = head(s2in, r, rG);
      return {
        variance: c.heads * m.encoderGradVariance,
        tokenCovariance: c.heads * m.encoderGradTokenCovariance,
      };
    },
  };
}

/**
 * The chained prediction, flattened into one profile: boundaries 0..2N are the encoder stream (its
 * gradient is the one that reaches it through every decoder layer's cross-attention), 2N+1 the
 * decoder input, 2N+1+i the decoder stream after its sublayer i (3N of them). The gradient arriving
 * at the decoder's top has variance 1 and correlation rG; none arrives at the encoder's top directly.
 */
export interface EncDecPrediction extends ModelPrediction {
  /** 2N+1: the encoder's boundaries come first, the decoder's 3N+1 after them */
  decoderStart: number;
  /** a label per flattened boundary, e.g. 'enc 2.ffn', 'dec 1.cross' */
  labels: string[];
  /** the memory the cross-attention sublayers read: predicted variance and correlation */
  memory: StreamState;
}

export function predictEncDec(c: ModelConfig): EncDecPrediction {
  const init = encDecInit(c);
  const { placement } = init;
  const N = c.layers;
  const encoderConfig: ModelConfig = { ...c, causal: false };
  delete encoderConfig.position;
  const decoderConfig: ModelConfig = { ...c, causal: true };
  const encBlocks = init.encoder.stds.flatMap((s) => [
    attentionSublayer(encoderConfig, s),
    ffnSublayer(encoderConfig, s),
  ]);
  const input = { variance: c.sigmaX ** 2, correlation: c.rX };
  const encForward = streamRecurrence(placement, input, encBlocks, init.encoder.weights, {
    variance: 1,
    correlation: 0,
  });
  // Pre-LN: the encoder's final LayerNorm (correlation-preserving, as the chain takes every LN);
  // Post-LN: the last sublayer's LN output
  const topVariance = encForward.variance[2 * N];
  const memory = { variance: 1, correlation: encForward.correlation[2 * N] };
  const crosses = init.decoder.cross.map((s) => crossSublayer(decoderConfig, s, memory));
  const decBlocks = init.decoder.stds.flatMap((s, l) => [
    attentionSublayer(decoderConfig, s),
    crosses[l],
    ffnSublayer(decoderConfig, s),
  ]);
  const dec = streamRecurrence(placement, input, decBlocks, init.decoder.weights, {
    variance: 1,
    correlation: c.rG ?? 0,
  });
  // the memory's gradient: every cross-attention's encoder-side gradient, per unit gradient at its
  // branch output times that gradient. Different layers' contributions are linear in their own
  // independent zero-mean W_v, W_k, so they add in variance and in covariance.
  let memoryGrad = 0;
  let memoryGradCov = 0;
  for (let l = 0; l < N; l++) {
    const i = 3 * l + 1;
    const v = dec.branchGradVariance[i];
    const s2in = placement === 'pre' ? init.decoder.weights[i].normGain ** 2 : dec.variance[i];
    const m = crosses[l].encoder(s2in, dec.correlation[i], dec.branchGradCovariance[i] / v);
    memoryGrad += m.variance * v;
    memoryGradCov += m.tokenCovariance * v;
  }
  // through the encoder's final LayerNorm (Pre-LN): the LN backward divides by the stream variance
  const norm = placement === 'pre' ? topVariance : 1;
  const enc = streamRecurrence(placement, input, encBlocks, init.encoder.weights, {
    variance: memoryGrad / norm,
    correlation: clampCorrelation(memoryGradCov / memoryGrad),
  });
  const layerOf = (i: number, per: number) => Math.floor(i / per) + 1;
  const encKinds = encBlocks.map((b) => b.kind);
  const decKinds = decBlocks.map((b) => b.kind);
  const labels = [
    'enc input',
    ...encKinds.map((k, i) => `enc ${layerOf(i, 2)}.${k}`),
    'dec input',
    ...decKinds.map((k, i) => `dec ${layerOf(i, 3)}.${k}`),
  ];
  return {
    variance: [...enc.variance, ...dec.variance],
    correlation: [...enc.correlation, ...dec.correlation],
    gradVariance: [...enc.gradVariance, ...dec.gradVariance],
    gradCorrelation: [...enc.gradCorrelation, ...dec.gradCorrelation],
    branchGradVariance: [...enc.branchGradVariance, ...dec.branchGradVariance],
    branchGradCovariance: [...enc.branchGradCovariance, ...dec.branchGradCovariance],
    sublayers: [...encKinds, ...decKinds],
    placement,
    weights: [...init.encoder.weights, ...init.decoder.weights],
    stds: [...init.encoder.stds, ...init.decoder.stds],
    decoderStart: 2 * N + 1,
    labels,
    memory,
  };
}

/** A whole model's prediction, encoder-decoder or not. */
export function predictAnyModel(c: ModelConfig): ModelPrediction {
  return c.encdec ? predictEncDec(c) : predictModel(c);
}
