import {
  attentionSublayer,
  dslmCorrelationSchedule,
  dslmResidualScales,
  dslmStds,
  ffnSublayer,
  forwardStep,
  streamRecurrence,
  xavierStds,
  type Arch,
  type InitStds,
  type ModelConfig,
  type Placement,
  type StreamPrediction,
  type SublayerKind,
  type SublayerWeights,
} from './models.ts';

/**
 * FORMULAS.md 6-8: the depth schemes, each defined once as data: where its LayerNorms sit, the
 * residual weights (lambda, beta) and LayerNorm output gain of every sublayer, and the stds of
 * every weight of every layer. One chained recurrence (models.ts streamRecurrence) predicts them
 * all and one simulated stack (src/sim/model) runs them all; nothing here is fitted.
 * Where a definition departs from its paper or code, docs/design-notes.md says how.
 */

const { sqrt } = Math;

export interface Scheme {
  key: Arch;
  /** short display name */
  name: string;
  placement: Placement;
  /** the paper and the public code the definition was checked against */
  source: string;
  residual: string;
  init: string;
  /** the scheme's own promise, which its promise claims test */
  promise: string;
  /** per-layer stds */
  stds(c: ModelConfig): InitStds[];
  /** per-sublayer weights (2N) */
  weights(c: ModelConfig): SublayerWeights[];
  /**
   * Admin: lambda_i is replaced by omega_i from a profiling forward pass, here the theory's own
   * (so the prediction and the simulation use the same omegas): omega_1 = 1 and
   * omega_{i+1}^2 = omega_i^2*s2_i + Var f_i, as Transformer-Clinic's profiling code accumulates it.
   */
  profiled?: boolean;
}

const sublayerCount = (c: ModelConfig) => 2 * c.layers;
const uniform = (c: ModelConfig, w: SublayerWeights) => Array.from({ length: sublayerCount(c) }, () => w);
const plain = (c: ModelConfig) => uniform(c, { lambda: 1, beta: 1, normGain: 1 });
const xavier = (c: ModelConfig) => Array.from({ length: c.layers }, () => xavierStds(c.d, c.heads));
/** Xavier with W_v, W_o and both FFN weights multiplied by `factor` (DeepNorm's beta, T-Fixup's 0.67 N^(-1/4)) */
const xavierScaledBranches = (c: ModelConfig, factor: number) =>
  xavier(c).map((s) => ({
    ...s,
    sigmaV: s.sigmaV * factor,
    sigmaO: s.sigmaO * factor,
    sigma1: s.sigma1 * factor,
    sigma2: s.sigma2 * factor,
  }));
const depthOf = (c: ModelConfig) => (c.depthUnit === 'sublayers' ? 2 * c.layers : c.layers);

function dslmWeights(c: ModelConfig): SublayerWeights[] {
  const s = dslmResidualScales(c.layers, c.k ?? 1, c.depthUnit ?? 'layers');
  return uniform(c, { ...s, normGain: 1 });
}

/**
 * DSLM takes W_v,o from the section-7 recursion started at the model's own input correlation (the
 * recursion is the initialisation recipe, so it is used as written, not replaced by the chained
 * prediction: the gap between the two is part of what the harness measures).
 */
function dslmInit(c: ModelConfig): InitStds[] {
  const scales = dslmResidualScales(c.layers, c.k ?? 1, c.depthUnit ?? 'layers');
  const schedule = dslmCorrelationSchedule({
    layers: c.layers,
    d: c.d,
    dropout: c.dropout,
    ...scales,
    rStart: c.rX,
  });
  return schedule.rLayer.map((r) => dslmStds(c.d, c.dropout, r));
}

const DSLM_SOURCE = 'Kedia et al. 2024 (arXiv 2403.09635), FORMULAS.md 7';

export const SCHEMES: readonly Scheme[] = [
  {
    key: 'preln',
    name: 'Pre-LN (Xavier)',
    placement: 'pre',
    source: 'FORMULAS.md 6 (Megatron-style BERT layers)',
    residual: "x' = x + f(LN(x))",
    init: 'Xavier (section 6)',
    promise: 'Kedia et al.: forward variance grows linearly in depth; Sun et al. 2025: exponentially',
    stds: xavier,
    weights: plain,
  },
  {
    key: 'postln',
    name: 'Post-LN (Xavier)',
    placement: 'post',
    source: 'FORMULAS.md 6',
    residual: "x' = LN(x + f(x))",
    init: 'Xavier (section 6)',
    promise: 'stable forward; gradients exponential in depth',
    stds: xavier,
    weights: plain,
  },
  {
    key: 'dslm-preln',
    name: 'DSLM (Pre-LN)',
    placement: 'pre',
    source: DSLM_SOURCE,
    residual: "x' = lambda*x + beta*f(LN(x)), beta^2 = k/N, lambda^2 = 1 - beta^2",
    init: 'DSLM (section 7 table and correlation recursion)',
    promise: 'unit forward variance at every layer; input/top gradient ratio independent of N',
    stds: dslmInit,
    weights: dslmWeights,
  },
  {
    key: 'dslm-postln',
    name: 'DSLM (Post-LN)',
    placement: 'post',
    source: DSLM_SOURCE,
    residual: "x' = LN(lambda*x + beta*f(x)), beta^2 = k/N, lambda^2 = 1 - beta^2",
    init: 'DSLM (section 7 table and correlation recursion)',
    promise: 'unit forward variance at every layer; input/top gradient ratio independent of N',
    stds: dslmInit,
    weights: dslmWeights,
  },
  {
    key: 'deepnorm',
    name: 'DeepNorm',
    placement: 'post',
    source: 'Wang et al. 2022 "DeepNet" (arXiv 2203.00555); microsoft/torchscale architecture/encoder.py',
    residual: "x' = LN(alpha*x + f(x)), alpha = (2N)^(1/4) (encoder-only)",
    init: 'Xavier; W_v, W_o, W1, W2 divided by (8N)^(1/4); W_q, W_k unscaled',
    promise: 'at initialisation, gradients that neither vanish nor explode with N (bounded model update)',
    stds: (c) => xavierScaledBranches(c, (8 * c.layers) ** -0.25),
    weights: (c) => uniform(c, { lambda: (2 * c.layers) ** 0.25, beta: 1, normGain: 1 }),
  },
  {
    key: 'depth-mup',
    name: 'depth-muP',
    placement: 'pre',
    source:
      'Yang et al. 2023 "Tensor Programs VI" (arXiv 2310.02244); Bordelon et al. 2023 (arXiv 2309.16620)',
    residual: "x' = x + (a/sqrt(N))*f(LN(x)), a^2 = k",
    init: 'Xavier (the sheet standard; muP in width is not modelled)',
    promise: 'forward variance and gradient ratio with a limit as N -> infinity (depth-independent at init)',
    stds: xavier,
    weights: (c) => uniform(c, { lambda: 1, beta: sqrt((c.k ?? 1) / depthOf(c)), normGain: 1 }),
  },
  {
    key: 'lns',
    name: 'LayerNorm Scaling',
    placement: 'pre',
    source:
      'Sun et al. 2025 "The Curse of Depth" (arXiv 2502.05795); lmsdss/LayerNorm-Scaling peft_pretraining/modeling_llama.py (LNS)',
    residual: "x' = x + f(LN(x)/sqrt(l)), l = 1..N the layer of the sublayer",
    init: 'Xavier',
    promise: 'variance growth polynomial in depth instead of exponential',
    stds: xavier,
    weights: (c) =>
      Array.from({ length: sublayerCount(c) }, (_, i) => ({
        lambda: 1,
        beta: 1,
        normGain: 1 / sqrt(Math.floor(i / 2) + 1),
      })),
  },
  {
    key: 'tfixup',
    name: 'T-Fixup',
    placement: 'none',
    source:
      'Huang et al. 2020 "Improving Transformer Optimization Through Better Initialization" (ICML), encoder rule',
    residual: "x' = x + f(x), no LayerNorm",
    init: 'Xavier; W_v, W_o, W1, W2 multiplied by 0.67*N^(-1/4)',
    promise: 'stable without LayerNorm: forward variance and gradients bounded independently of N',
    stds: (c) => xavierScaledBranches(c, 0.67 * c.layers ** -0.25),
    weights: plain,
  },
  {
    key: 'admin',
    name: 'Admin',
    placement: 'post',
    source:
      'Liu et al. 2020 "Understanding the Difficulty of Training Transformers" (EMNLP); LiyuanLucasLiu/Transformer-Clinic fairseq/modules/transformer_layer.py',
    residual:
      "x' = LN(omega_i*x + f(x)), omega_i from a profiling pass (the theory's predicted branch variances)",
    init: 'Xavier',
    promise:
      'Post-LN whose output does not depend more and more on its residual branches: gradients N-independent',
    stds: xavier,
    // the omegas replace these lambdas in modelInit
    weights: plain,
    profiled: true,
  },
  {
    key: 'skipinit',
    name: 'SkipInit / ReZero',
    placement: 'none',
    source: 'De & Smith 2020 (arXiv 2002.10444); Bachlechner et al. 2020 (arXiv 2003.04887)',
    residual: "x' = x + alpha*f(x), no LayerNorm, alpha = k/N (0 in the papers: the identity)",
    init: 'Xavier',
    promise: 'near the identity at init: forward variance and gradient ratio N-independent',
    stds: xavier,
    weights: (c) => uniform(c, { lambda: 1, beta: (c.k ?? 1) / c.layers, normGain: 1 }),
  },
];

export function schemeOf(arch: Arch): Scheme {
  const scheme = SCHEMES.find((s) => s.key === arch);
  if (!scheme) throw new RangeError(`unknown scheme '${arch}'`);
  return scheme;
}

export interface ModelInit {
  placement: Placement;
  /** 2N entries */
  weights: SublayerWeights[];
  /** N entries */
  stds: InitStds[];
}

const sublayersOf = (c: ModelConfig, stds: readonly InitStds[]) =>
  stds.flatMap((s) => [attentionSublayer(c, s), ffnSublayer(c, s)]);

/**
 * Admin's profiling pass on the theory: omega_1 = 1, then after each sublayer
 * omega_{i+1}^2 = omega_i^2*s2_i + Var f_i (Transformer-Clinic accumulates np.var(residual*omega)
 * + np.var(f(x)) the same way; s2_i is the stream variance entering sublayer i).
 */
function adminOmegas(c: ModelConfig, stds: readonly InitStds[]): SublayerWeights[] {
  const blocks = sublayersOf(c, stds);
  let state = { variance: c.sigmaX ** 2, correlation: c.rX };
  let omega2 = 1;
  return blocks.map((b) => {
    const w = { lambda: sqrt(omega2), beta: 1, normGain: 1 };
    const step = forwardStep('post', state, b, w);
    omega2 = omega2 * state.variance + step.branchVariance;
    state = step.next;
    return w;
  });
}

/** The scheme's placement, per-sublayer weights and per-layer stds for a model config. */
export function modelInit(c: ModelConfig): ModelInit {
  const scheme = schemeOf(c.arch);
  const stds = scheme.stds(c);
  const weights = scheme.profiled ? adminOmegas(c, stds) : scheme.weights(c);
  return { placement: scheme.placement, weights, stds };
}

export interface ModelPrediction extends StreamPrediction {
  /** kind of sublayer i+1, i.e. the one between boundaries i and i+1 */
  sublayers: SublayerKind[];
  placement: Placement;
  weights: SublayerWeights[];
  /** the stds each layer was initialised with */
  stds: InitStds[];
  /** a label per boundary where 'layer.kind' of sublayers[i-1] does not say it (an encoder-decoder) */
  labels?: string[];
  /** depth in layers per boundary where it is not i/2 (a decoder layer with cross-attention has 3 sublayers) */
  depths?: number[];
}

/** Per-sublayer predictions of forward variance, token correlation and gradient variance (top = 1). */
export function predictModel(c: ModelConfig): ModelPrediction {
  const { placement, weights, stds } = modelInit(c);
  const sublayers = sublayersOf(c, stds);
  const input = { variance: c.sigmaX ** 2, correlation: c.rX };
  const top = { variance: 1, correlation: c.rG ?? 0 };
  const stream = streamRecurrence(placement, input, sublayers, weights, top);
  return { ...stream, sublayers: sublayers.map((b) => b.kind), placement, weights, stds };
}
