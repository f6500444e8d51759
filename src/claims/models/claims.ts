import type { BudgetName } from '../../stats/budget.ts';
import type { Estimate } from '../../stats/estimate.ts';
import type { ProfileReplicate } from '../../sim/model/measure.ts';
import type { MeasuredProfile } from '../../sim/model/profile.ts';
import { jackknife } from '../../stats/jackknife.ts';
import { dslmCorrelationFixedPoint } from '../../theory/models.ts';
import { predictAnyModel } from '../../theory/encdec.ts';
import { positionRecurrence } from '../../theory/positionModel.ts';
import type { ModelPrediction } from '../../theory/schemes.ts';
import { POSITIONS, positionIndex, type Position } from '../../theory/positions.ts';
import type { Claim, Config } from '../types.ts';
import { toModelConfig, type Family } from './config.ts';

/** What a model claim is measured on: one run at N layers and, for N-independence, one at N/2. */
export interface ModelEvidence {
  config: Config;
  prediction: ModelPrediction;
  profile: MeasuredProfile;
  replicates: readonly ProfileReplicate[];
  half?: { prediction: ModelPrediction; replicates: readonly ProfileReplicate[] };
}

/** One comparison of a model claim: at a sublayer boundary, or the claim's single depth law. */
export interface ModelComparison {
  /** sublayer boundary (0 = input, 2N = top) for per-layer claims; absent for a depth law */
  boundary?: number;
  predicted: number;
  measured: Estimate;
  scale: number;
}

/**
 * A whole-model claim. It is a registry Claim (id, describe, tolerance, and `predict` for the
 * boundary in config.boundary) so that reports and selection treat it like any other; the model
 * runner uses `compare`, which yields all of its comparisons from one simulation.
 */
export interface ModelClaim extends Claim {
  family: Family;
  /** the claim is only made from this depth on (a slope needs several layers) */
  minLayers: number;
  needsHalfDepth: boolean;
  /** comparisons this claim makes at a config (counted in the family-wise false-alarm budget) */
  comparisons(c: Config): number;
  compare(e: ModelEvidence): ModelComparison[];
  /**
   * the replicate cap this claim needs at a budget, where the budget's (run.ts MODEL_REPLICATES)
   * cannot decide it: sized by stats/sizing.ts from the comparisons the reference run left
   * inconclusive
   */
  replicates?: Partial<Record<BudgetName, number>>;
}

type ProfileKey = 'variance' | 'correlation' | 'gradVariance';

const predictFor = (family: Family, c: Config) => predictAnyModel(toModelConfig(family, c));

/** Per-boundary claim: one comparison at each of the 2N+1 boundaries. */
function profileClaim(
  family: Family,
  suffix: string,
  describe: string,
  key: ProfileKey,
  options: {
    predicted?: (p: ModelPrediction) => number[];
    tolerance?: number;
    scale?: (p: number) => number;
    replicates?: Partial<Record<BudgetName, number>>;
  } = {},
): ModelClaim {
  const predicted = options.predicted ?? ((p: ModelPrediction) => p[key]);
  // correlations are judged in correlation units (as the component claims judge covariances
  // against the variance); variances relative to themselves
  const scale = options.scale ?? (key === 'correlation' ? () => 1 : (p: number) => Math.abs(p));
  return {
    id: `model.${family}.${suffix}`,
    describe,
    component: `model.${family}`,
    observation: key === 'gradVariance' ? 'inputGrad' : 'output',
    moment: key === 'correlation' ? 'covariance' : 'variance',
    tolerance: options.tolerance ?? 0,
    predict: (c) => predicted(predictFor(family, c))[c.boundary ?? 0],
    scale: (c) => scale(predicted(predictFor(family, c))[c.boundary ?? 0]),
    family,
    minLayers: 1,
    needsHalfDepth: false,
    comparisons: (c) => 2 * c.layers + 1,
    compare: (e) =>
      predicted(e.prediction).map((p, boundary) => ({
        boundary,
        predicted: p,
        measured: e.profile[key][boundary],
        scale: scale(p),
      })),
    ...(options.replicates ? { replicates: options.replicates } : {}),
  };
}

/**
 * A decoder's per-position profile claim: the stream variance of the token at `position` at every
 * boundary, predicted by the chain run at that position (theory/models.ts `position`), measured as
 * the mean over replicates of that token's mean square (one value per replicate and position; the
 * standard error from their spread).
 */
function positionClaim(family: Family, position: Position): ModelClaim {
  const atPosition = (c: Config) => predictAnyModel({ ...toModelConfig(family, c), position }).variance;
  return {
    id: `model.${family}.${position}.forward.var`,
    describe: `stream variance of the ${position} token at every sublayer boundary (chained causal blocks at that position)`,
    component: `model.${family}`,
    observation: 'output',
    moment: 'variance',
    tolerance: 0,
    predict: (c) => atPosition(c)[c.boundary ?? 0],
    scale: (c) => Math.abs(atPosition(c)[c.boundary ?? 0]),
    family,
    minLayers: 1,
    needsHalfDepth: false,
    comparisons: (c) => 2 * c.layers + 1,
    compare: (e) => {
      const t = positionIndex(position, e.config.seqLen);
      return atPosition(e.config).map((p, boundary) => {
        const values = e.replicates.map((r) => r.positionSquares!.stream[boundary][t]);
        const measured =
          values.length > 1
            ? jackknife(
                values.map((v) => [v]),
                ([m]) => m,
              )
            : { value: Number.NaN, stderr: Number.NaN };
        return { boundary, predicted: p, measured, scale: Math.abs(p) };
      });
    },
  };
}

/**
 * A decoder's per-position gradient claim: the gradient variance of the token at `position` at
 * every boundary, predicted by the L x L recurrence (theory/positionModel.ts: every position's
 * gradient sees every later one's), measured as positionClaim measures the stream.
 */
function positionGradClaim(family: Family, position: Position, paths: 'value' | 'all' = 'value'): ModelClaim {
  const atPosition = (c: Config) => {
    const t = positionIndex(position, c.seqLen);
    return positionRecurrence(toModelConfig(family, c), undefined, paths).gradVariance.map((row) => row[t]);
  };
  return {
    id: `model.${family}.${position}.backward.var${paths === 'all' ? '.all-paths' : ''}`,
    describe:
      paths === 'all'
        ? `gradient variance of the ${position} token at every sublayer boundary (L x L recurrence, value + query + key paths to first order in s2s per row)`
        : `gradient variance of the ${position} token at every sublayer boundary (L x L recurrence over positions, value path)`,
    component: `model.${family}`,
    observation: 'inputGrad',
    moment: 'variance',
    tolerance: 0,
    predict: (c) => atPosition(c)[c.boundary ?? 0],
    scale: (c) => Math.abs(atPosition(c)[c.boundary ?? 0]),
    family,
    minLayers: 1,
    needsHalfDepth: false,
    comparisons: (c) => 2 * c.layers + 1,
    compare: (e) => {
      const t = positionIndex(position, e.config.seqLen);
      return atPosition(e.config).map((p, boundary) => {
        const values = e.replicates.map((r) => r.positionSquares!.gradient[boundary][t]);
        const measured =
          values.length > 1
            ? jackknife(
                values.map((v) => [v]),
                ([m]) => m,
              )
            : { value: Number.NaN, stderr: Number.NaN };
        return { boundary, predicted: p, measured, scale: Math.abs(p) };
      });
    },
  };
}

/** A decoder family's claims: the pooled profile, as the encoder's, and the first, middle and last token's. */
function decoderClaims(family: Family, name: string): ModelClaim[] {
  return [
    profileClaim(
      family,
      'forward.var',
      `${name} stream variance after every sublayer, pooled over positions`,
      'variance',
    ),
    profileClaim(
      family,
      'forward.corr',
      `${name} stream token correlation after every sublayer`,
      'correlation',
    ),
    profileClaim(
      family,
      'backward.var',
      `${name} gradient variance at every sublayer boundary, pooled over positions`,
      'gradVariance',
    ),
    ...POSITIONS.map((p) => positionClaim(family, p)),
    // per position backward: not the one-position chain (chaining one position's gradient with its
    // own gradient correlation compounds the first token's H_L^2 every layer: predicted 1304
    // against 86.7 measured at 8 layers), but the L x L recurrence of docs/theory-extensions.md 6
    ...POSITIONS.map((p) => positionGradClaim(family, p)),
    // the same statistic with every row's query and key paths (docs/theory-extensions.md 6.1)
    ...POSITIONS.map((p) => positionGradClaim(family, p, 'all')),
  ];
}

/** A depth law: one comparison of a statistic of the whole profile. */
function lawClaim(
  family: Family,
  suffix: string,
  describe: string,
  minLayers: number,
  law: (e: ModelEvidence) => ModelComparison,
  options: { tolerance?: number; needsHalfDepth?: boolean } = {},
): ModelClaim {
  return {
    id: `model.${family}.${suffix}`,
    describe,
    component: `model.${family}`,
    observation: 'output',
    moment: 'variance',
    tolerance: options.tolerance ?? 0,
    predict: (c) =>
      law({ config: c, prediction: predictFor(family, c), profile: undefined as never, replicates: [] })
        .predicted,
    scale: (c) =>
      law({ config: c, prediction: predictFor(family, c), profile: undefined as never, replicates: [] })
        .scale,
    family,
    minLayers,
    needsHalfDepth: options.needsHalfDepth ?? false,
    comparisons: (c) => (c.layers >= minLayers ? 1 : 0),
    compare: (e) => (e.config.layers >= minLayers ? [law(e)] : []),
  };
}

/** Least-squares slope of ys against xs, as fixed weights (so it is linear in ys). */
function slopeWeights(xs: number[]): number[] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sxx = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return xs.map((x) => (x - mean) / sxx);
}
const dot = (w: number[], ys: number[]) => w.reduce((a, wi, i) => a + wi * ys[i], 0);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Pre-LN linear growth: the slope of the stream variance against layer index over the deeper half
 * of the model (the sheet's s2_l ~ s2_0 + l*c holds once the per-layer gain has settled). The
 * predicted slope is the same least-squares functional applied to the predicted profile: nothing
 * is fitted to the measurement. Measured on raw second moments (the stream mean is 0 in
 * expectation), so the statistic is linear and its jackknife error exact.
 */
const preLnSlope = lawClaim(
  'preln',
  'forward.slope',
  'slope of forward variance vs layer (deeper half): linear growth',
  4,
  (e) => {
    const layers = range(Math.ceil(e.config.layers / 2), e.config.layers);
    const w = slopeWeights(layers);
    const predicted = dot(
      w,
      layers.map((l) => e.prediction.variance[2 * l]),
    );
    const measured = e.replicates.length
      ? jackknife(
          e.replicates.map((r) => layers.map((l) => r.stream[2 * l].meanSquareShifted)),
          (m) => dot(w, m),
        )
      : { value: Number.NaN, stderr: Number.NaN };
    return { predicted, measured, scale: Math.abs(predicted) };
  },
);

/**
 * Post-LN exponential gradient: the slope of log gradient variance against layer index over the
 * whole depth (the sheet's v_l = v_N*prod (1+G_b)/(1+F_b) is log-linear when the ratio is
 * constant). Measured as the slope of the log of the replicate means (jackknifed), predicted as
 * the same functional of the predicted profile. Scale: |slope|, but at least 1/N per layer (a
 * total change of a factor e over the model), so a flat prediction is not judged against 0.
 */
const postLnLogSlope = lawClaim(
  'postln',
  'backward.logslope',
  'slope of log gradient variance vs layer: exponential in depth',
  4,
  (e) => {
    const layers = range(0, e.config.layers);
    const w = slopeWeights(layers);
    const predicted = dot(
      w,
      layers.map((l) => Math.log(e.prediction.gradVariance[2 * l])),
    );
    const measured = e.replicates.length
      ? jackknife(
          e.replicates.map((r) => layers.map((l) => r.gradient[2 * l].meanSquareShifted)),
          (m) => dot(w, m.map(Math.log)),
        )
      : { value: Number.NaN, stderr: Number.NaN };
    return { predicted, measured, scale: Math.max(Math.abs(predicted), 1 / e.config.layers) };
  },
);

/** log(gradient variance at the input / at the top), jackknifed over one run's replicates. */
function logGradientRatio(replicates: readonly ProfileReplicate[]): Estimate {
  const top = replicates[0].gradient.length - 1;
  return jackknife(
    replicates.map((r) => [r.gradient[0].meanSquareShifted, r.gradient[top].meanSquareShifted]),
    ([a, b]) => Math.log(a / b),
  );
}

/** log of the top stream's second moment, jackknifed over one run's replicates. */
function logTopVariance(replicates: readonly ProfileReplicate[]): Estimate {
  const top = replicates[0].stream.length - 1;
  return jackknife(
    replicates.map((r) => [r.stream[top].meanSquareShifted]),
    ([a]) => Math.log(a),
  );
}

const NOT_MEASURED = { value: Number.NaN, stderr: Number.NaN };

/**
 * A promise of N-independence: a statistic of the run at N layers over the same statistic at N/2
 * layers (each model with its own scheme init at its own depth), predicted to be 1. The two runs
 * are independent, so the errors of the two logs add in quadrature.
 */
function depthIndependence(
  family: Family,
  suffix: string,
  describe: string,
  logStatistic: (r: readonly ProfileReplicate[]) => Estimate,
): ModelClaim {
  return lawClaim(
    family,
    suffix,
    describe,
    2,
    (e) => {
      if (!e.half || e.replicates.length === 0) return { predicted: 1, measured: NOT_MEASURED, scale: 1 };
      const full = logStatistic(e.replicates);
      const half = logStatistic(e.half.replicates);
      const value = Math.exp(full.value - half.value);
      return {
        predicted: 1,
        measured: { value, stderr: value * Math.hypot(full.stderr, half.stderr) },
        scale: 1,
      };
    },
    { needsHalfDepth: true },
  );
}

const gradientRatioIndependent = (family: Family, promise: string) =>
  depthIndependence(
    family,
    'backward.ratio-n-independent',
    `input/top gradient-variance ratio at N over that at N/2: independent of N (1); ${promise}`,
    logGradientRatio,
  );

const topVarianceIndependent = (family: Family, promise: string) =>
  depthIndependence(
    family,
    'forward.top-n-independent',
    `top stream variance at N layers over that at N/2: independent of N (1); ${promise}`,
    logTopVariance,
  );

/**
 * A growth law of the forward variance without a rate: the log growth factor from layer b to c
 * over that from a to b. Linear growth (Kedia et al.) has no rate-free value, so its prediction
 * is this same functional of the chained profile; exponential growth s2 ~ exp(k*l) (Sun et al.)
 * gives (c-b)/(b-a) for every k; polynomial growth s2 ~ l^a gives log(c/b)/log(b/a) for every a.
 * Measured on the replicate means of the raw second moments (mean 0 in expectation), jackknifed.
 */
function growthLaw(
  family: Family,
  suffix: string,
  describe: string,
  layersOf: (n: number) => [number, number, number],
  law: (layers: [number, number, number], prediction: ModelPrediction) => number,
): ModelClaim {
  const q = ([a, b, c]: number[]) => Math.log(c / b) / Math.log(b / a);
  return lawClaim(family, suffix, describe, 4, (e) => {
    const layers = layersOf(e.config.layers);
    const predicted = law(layers, e.prediction);
    const measured = e.replicates.length
      ? jackknife(
          e.replicates.map((r) => layers.map((l) => r.stream[2 * l].meanSquareShifted)),
          q,
        )
      : NOT_MEASURED;
    return { predicted, measured, scale: 1 };
  });
}

const halves = (n: number): [number, number, number] => [0, Math.floor(n / 2), n];
const quarters = (n: number): [number, number, number] => [
  Math.max(1, Math.round(n / 4)),
  Math.round(n / 2),
  n,
];
const chained = ([a, b, c]: [number, number, number], p: ModelPrediction) =>
  Math.log(p.variance[2 * c] / p.variance[2 * b]) / Math.log(p.variance[2 * b] / p.variance[2 * a]);

const kediaLinear = growthLaw(
  'preln',
  'forward.growth.linear',
  'Kedia et al.: linear growth; log(s2_N/s2_N/2)/log(s2_N/2/s2_0) as the chained recurrence predicts it',
  halves,
  chained,
);
const sunExponential = growthLaw(
  'preln',
  'forward.growth.exponential',
  'Sun et al. 2025: exponential growth s2 ~ exp(k*l); log(s2_N/s2_N/2)/log(s2_N/2/s2_0) = (N-N/2)/(N/2) for every k',
  halves,
  ([a, b, c]) => (c - b) / (b - a),
);
const lnsPolynomial = growthLaw(
  'lns',
  'forward.growth.polynomial',
  'LayerNorm Scaling: polynomial growth s2 ~ l^a; log(s2_N/s2_N/2)/log(s2_N/2/s2_N/4) = log(N/(N/2))/log((N/2)/(N/4)) for every a',
  quarters,
  ([a, b, c]) => Math.log(c / b) / Math.log(b / a),
);

const dslmRatio = gradientRatioIndependent('dslm', 'section 7 for beta^2 = k/N');

/**
 * Section 7: "correlation under DSLM approaches the fixed point of r = (1-p)*(1 + c(r))/2". Checked
 * at the top of the model: the stream correlation there against the fixed point. (With
 * beta^2 = k/N each layer moves r by O(1/N), so within N layers the recursion itself covers only
 * a bounded distance toward it: the theory worker's observation, here put to the simulation.)
 */
const dslmFixedPoint = lawClaim(
  'dslm',
  'forward.corr.fixed-point',
  'stream correlation at the top reaches the fixed point of r = (1-p)(1+c(r))/2',
  1,
  (e) => {
    const top = 2 * e.config.layers;
    const measured = e.replicates.length
      ? e.profile.correlation[top]
      : { value: Number.NaN, stderr: Number.NaN };
    return { predicted: dslmCorrelationFixedPoint(e.config.dropout), measured, scale: 1 };
  },
);

/** The Pre-LN backward as the sheet telescopes it: v_l = v_N*s2_N/s2_l, with the predicted s2. */
const telescoped = (p: ModelPrediction) => {
  const top = p.variance.length - 1;
  return p.variance.map((s2) => (p.gradVariance[top] * p.variance[top]) / s2);
};

/** The three per-boundary claims every scheme gets: its chained prediction, never fitted. */
const profileClaims = (family: Family, name: string) => [
  profileClaim(
    family,
    'forward.var',
    `${name} stream variance after every sublayer (chained prediction)`,
    'variance',
  ),
  profileClaim(
    family,
    'forward.corr',
    `${name} stream token correlation after every sublayer`,
    'correlation',
  ),
  profileClaim(
    family,
    'backward.var',
    `${name} gradient variance at every sublayer boundary`,
    'gradVariance',
  ),
];

/**
 * At quick's 32 replicates 63 of 138 encoder-decoder comparisons stayed inconclusive (verify
 * --claims 'model.encdec.*' --budget quick --no-hunt, seed 1); 128, standard's cap, costs ~30 s
 * for both regimes and decides most of them.
 */
const ENCDEC_REPLICATES: Partial<Record<BudgetName, number>> = { quick: 128 };

/** The two stacks of an encoder-decoder, as slices of its flattened profile (src/theory/encdec.ts). */
type Stack = 'encoder' | 'decoder';
const stackOffset = (stack: Stack, c: Config) => (stack === 'encoder' ? 0 : 2 * c.layers + 1);
const stackBoundaries = (stack: Stack, c: Config) => (stack === 'encoder' ? 2 : 3) * c.layers + 1;
const sliceOf = <T>(stack: Stack, c: Config, values: readonly T[]) =>
  values.slice(stackOffset(stack, c), stackOffset(stack, c) + stackBoundaries(stack, c));

/**
 * An encoder-decoder per-boundary claim on one stack: boundary b is the stack's own (0 = its
 * input; the encoder has 2N sublayers, the decoder 3N).
 */
function encDecClaim(stack: Stack, suffix: string, describe: string, key: ProfileKey): ModelClaim {
  const scale = key === 'correlation' ? () => 1 : (p: number) => Math.abs(p);
  const predicted = (c: Config) => sliceOf(stack, c, predictFor('encdec', c)[key]);
  return {
    id: `model.encdec.${stack}.${suffix}`,
    describe,
    component: 'model.encdec',
    observation: key === 'gradVariance' ? 'inputGrad' : 'output',
    moment: key === 'correlation' ? 'covariance' : 'variance',
    tolerance: 0,
    predict: (c) => predicted(c)[c.boundary ?? 0],
    scale: (c) => scale(predicted(c)[c.boundary ?? 0]),
    family: 'encdec',
    minLayers: 1,
    needsHalfDepth: false,
    comparisons: (c) => stackBoundaries(stack, c),
    replicates: ENCDEC_REPLICATES,
    compare: (e) =>
      sliceOf(stack, e.config, e.prediction[key]).map((p, boundary) => ({
        boundary,
        predicted: p,
        measured: e.profile[key][stackOffset(stack, e.config) + boundary],
        scale: scale(p),
      })),
  };
}

/** The decoder stack's per-position stream variance (as positionClaim, on the decoder's slice). */
function encDecPositionClaim(position: Position): ModelClaim {
  const atPosition = (c: Config) =>
    sliceOf('decoder', c, predictAnyModel({ ...toModelConfig('encdec', c), position }).variance);
  return {
    id: `model.encdec.decoder.${position}.forward.var`,
    describe: `decoder stream variance of the ${position} token at every decoder boundary (chained causal blocks at that position, cross-attention fed that position's state)`,
    component: 'model.encdec',
    observation: 'output',
    moment: 'variance',
    tolerance: 0,
    predict: (c) => atPosition(c)[c.boundary ?? 0],
    scale: (c) => Math.abs(atPosition(c)[c.boundary ?? 0]),
    family: 'encdec',
    minLayers: 1,
    needsHalfDepth: false,
    comparisons: (c) => stackBoundaries('decoder', c),
    replicates: ENCDEC_REPLICATES,
    compare: (e) => {
      const t = positionIndex(position, e.config.seqLen);
      const offset = stackOffset('decoder', e.config);
      return atPosition(e.config).map((p, boundary) => {
        const values = e.replicates.map((r) => r.positionSquares!.stream[offset + boundary][t]);
        const measured =
          values.length > 1
            ? jackknife(
                values.map((v) => [v]),
                ([m]) => m,
              )
            : NOT_MEASURED;
        return { boundary, predicted: p, measured, scale: Math.abs(p) };
      });
    },
  };
}

const ENCDEC_CLAIMS: ModelClaim[] = [
  encDecClaim('encoder', 'forward.var', 'encoder stream variance after every encoder sublayer', 'variance'),
  encDecClaim(
    'encoder',
    'forward.corr',
    'encoder stream token correlation after every encoder sublayer',
    'correlation',
  ),
  encDecClaim(
    'encoder',
    'backward.var',
    'gradient variance at every encoder boundary: all of it reaches the encoder through the cross-attentions (keys and values)',
    'gradVariance',
  ),
  encDecClaim(
    'decoder',
    'forward.var',
    'decoder stream variance after every decoder sublayer, pooled over positions',
    'variance',
  ),
  encDecClaim(
    'decoder',
    'forward.corr',
    'decoder stream token correlation after every decoder sublayer',
    'correlation',
  ),
  encDecClaim(
    'decoder',
    'backward.var',
    'decoder gradient variance at every decoder boundary, pooled over positions',
    'gradVariance',
  ),
  ...POSITIONS.map(encDecPositionClaim),
];

export const MODEL_CLAIMS: readonly ModelClaim[] = [
  profileClaim('preln', 'forward.var', 'Pre-LN stream variance after every sublayer', 'variance'),
  profileClaim(
    'preln',
    'forward.corr',
    'Pre-LN stream token correlation after every sublayer',
    'correlation',
  ),
  profileClaim(
    'preln',
    'backward.var',
    'Pre-LN gradient variance at every sublayer boundary (chained block gains)',
    'gradVariance',
  ),
  profileClaim(
    'preln',
    'backward.var.telescoped',
    'Pre-LN gradient variance as the sheet telescopes it, v_N*s2_N/s2_l (assumes G_b = F_b)',
    'gradVariance',
    {
      predicted: telescoped,
    },
  ),
  preLnSlope,
  profileClaim(
    'postln',
    'forward.var',
    'Post-LN stream variance after every sublayer (1 after each LN)',
    'variance',
  ),
  profileClaim(
    'postln',
    'forward.corr',
    'Post-LN stream token correlation after every sublayer',
    'correlation',
  ),
  profileClaim(
    'postln',
    'backward.var',
    'Post-LN gradient variance at every sublayer boundary',
    'gradVariance',
  ),
  postLnLogSlope,
  // DSLM's forward statistics vary between weight draws more than standard's 128 replicates
  // resolve (4.3-4.9% against the 2% precision in 47 of 48 Pre-LN comparisons of
  // reports/reference). Measured with verify --claims 'model.dslm.forward.{unit,var,corr}'
  // --budget standard --no-hunt at a 1024 cap: the correlation is decided at 256 (48 of 48 hold);
  // the variance and the unit-variance claim still leave 23 and 29 of 48 inconclusive at 1024
  // (resolution 2.1-2.3%; stats/sizing.ts asks ~1400), at 5x the run's DSLM cost, so they keep the
  // budget's cap and verify reports them as mostly undecided with what they would need.
  profileClaim(
    'dslm',
    'forward.var',
    'DSLM stream variance after every sublayer (chained prediction)',
    'variance',
  ),
  profileClaim('dslm', 'forward.corr', 'DSLM stream token correlation after every sublayer', 'correlation', {
    replicates: { standard: 256 },
  }),
  profileClaim('dslm', 'backward.var', 'DSLM gradient variance at every sublayer boundary', 'gradVariance'),
  profileClaim(
    'dslm',
    'forward.unit',
    'DSLM stream variance within 5% of 1 at every sublayer (section 7)',
    'variance',
    {
      predicted: (p) => p.variance.map(() => 1),
      tolerance: 0.05,
      scale: () => 1,
    },
  ),
  dslmRatio,
  dslmFixedPoint,
  kediaLinear,
  sunExponential,
  ...profileClaims('deepnorm', 'DeepNorm'),
  gradientRatioIndependent('deepnorm', 'DeepNet: gradients neither vanish nor explode with N'),
  ...profileClaims('depth-mup', 'depth-muP'),
  topVarianceIndependent('depth-mup', 'depth-muP: a limit as N -> infinity'),
  gradientRatioIndependent('depth-mup', 'depth-muP: a limit as N -> infinity'),
  ...profileClaims('lns', 'LayerNorm Scaling'),
  lnsPolynomial,
  ...profileClaims('tfixup', 'T-Fixup'),
  topVarianceIndependent('tfixup', 'T-Fixup: stable without LayerNorm'),
  gradientRatioIndependent('tfixup', 'T-Fixup: stable without LayerNorm'),
  ...profileClaims('admin', 'Admin'),
  gradientRatioIndependent('admin', 'Admin: the output does not depend more and more on its branches'),
  ...profileClaims('skipinit', 'SkipInit'),
  topVarianceIndependent('skipinit', 'SkipInit: near the identity at init'),
  gradientRatioIndependent('skipinit', 'SkipInit: near the identity at init'),
  ...decoderClaims('decoder.preln', 'GPT-style Pre-LN decoder'),
  ...decoderClaims('decoder.postln', 'Post-LN decoder'),
  ...decoderClaims('decoder.dslm', 'DSLM decoder'),
  ...ENCDEC_CLAIMS,
];
