import type { ProfileReplicate } from '../sim/model/measure.ts';
import { jackknife } from '../stats/jackknife.ts';
import type { DepthStatistics, LawValue } from '../report/atlas.ts';
import type { ModelPrediction } from '../theory/schemes.ts';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Least-squares slope of ys against xs, as fixed weights (so it is linear in ys). */
function slopeWeights(xs: number[]): number[] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sxx = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return xs.map((x) => (x - mean) / sxx);
}
const dot = (w: number[], ys: number[]) => w.reduce((a, wi, i) => a + wi * ys[i], 0);

/**
 * The same functional on the predicted profile and on the replicate means of the measured raw
 * second moments (every boundary has mean 0 in expectation), jackknifed over replicates: nothing
 * is fitted to the measurement.
 */
function law(
  prediction: ModelPrediction,
  replicates: readonly ProfileReplicate[],
  which: 'stream' | 'gradient',
  layers: number[],
  stat: (values: number[]) => number,
): LawValue {
  const predictedProfile = which === 'stream' ? prediction.variance : prediction.gradVariance;
  const predicted = stat(layers.map((l) => predictedProfile[2 * l]));
  const m = jackknife(
    replicates.map((r) => layers.map((l) => r[which][2 * l].meanSquareShifted)),
    stat,
  );
  return { predicted, measured: m.value, stderr: m.stderr };
}

export function depthStatistics(
  prediction: ModelPrediction,
  replicates: readonly ProfileReplicate[],
): DepthStatistics {
  const n = (prediction.variance.length - 1) / 2;
  const deeper = range(Math.ceil(n / 2), n);
  const all = range(0, n);
  const wDeeper = slopeWeights(deeper);
  const wAll = slopeWeights(all);
  return {
    varianceSlope: law(prediction, replicates, 'stream', deeper, (v) => dot(wDeeper, v)),
    varianceLogSlope: law(prediction, replicates, 'stream', all, (v) => dot(wAll, v.map(Math.log))),
    gradientLogSlope: law(prediction, replicates, 'gradient', all, (v) => dot(wAll, v.map(Math.log))),
    gradientRatio: law(prediction, replicates, 'gradient', [0, n], ([a, b]) => a / b),
  };
}
