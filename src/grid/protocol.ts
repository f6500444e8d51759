/**
 * The authors' reference statistics (FORMULAS.md section 2), accumulated in float64 over chunks of
 * a [samples, seqLen, features] tensor so that B need not fit in memory at once:
 *  - pooled mean sum(Y)/N and variance sum(Y^2)/N - mean^2;
 *  - the P x P sample covariance of the positions along the paired axis (tokens, or features for
 *    LayerNorm's feature covariance), with every (sample, other-axis) pair an observation, each
 *    position centred by its own mean and divided by n-1; reported as its off-diagonal mean.
 * The covariance needs no P x P matrix: with z = y - c, column sums m_t and row sums S_i,
 *   sum_{t,s} C_ts = (sum_i S_i^2 - n (sum_t m_t)^2)/(n-1),  sum_t C_tt = (sum z^2 - n sum_t m_t^2)/(n-1).
 * A shift c (close to the mean) keeps the float64 cancellations harmless; the statistics do not
 * depend on it.
 */
export class ProtocolAccumulator {
  count = 0;
  sum = 0;
  sumSquares = 0;
  /** observations (rows) seen */
  rows = 0;
  sumRowSquares = 0;
  readonly columnSums: Float64Array;

  constructor(
    readonly positions: number,
    readonly shift: number,
  ) {
    this.columnSums = new Float64Array(positions);
  }

  /** Adds a chunk laid out [batch, seqLen, features]; `axis` 1 pairs tokens, 2 pairs features. */
  add(data: ArrayLike<number>, shape: readonly [number, number, number], axis: 1 | 2): void {
    const [batch, seqLen, features] = shape;
    const c = this.shift;
    const cols = this.columnSums;
    let sum = 0;
    let sumSquares = 0;
    let rowSquares = 0;
    if (axis === 1 && features === 1) {
      // element-wise grids have d = 1: each sample is one row, so no per-feature row sums are needed
      for (let b = 0; b < batch; b++) {
        const base = b * seqLen;
        let rowSum = 0;
        for (let t = 0; t < seqLen; t++) {
          const z = data[base + t] - c;
          cols[t] += z;
          rowSum += z;
          sumSquares += z * z;
        }
        rowSquares += rowSum * rowSum;
        sum += rowSum;
      }
      this.rows += batch;
    } else if (axis === 1) {
      const rowSums = new Float64Array(features);
      for (let b = 0; b < batch; b++) {
        rowSums.fill(0);
        for (let t = 0; t < seqLen; t++) {
          const base = (b * seqLen + t) * features;
          let tokenSum = 0;
          for (let f = 0; f < features; f++) {
            const z = data[base + f] - c;
            rowSums[f] += z;
            tokenSum += z;
            sumSquares += z * z;
          }
          cols[t] += tokenSum;
          sum += tokenSum;
        }
        for (let f = 0; f < features; f++) rowSquares += rowSums[f] * rowSums[f];
      }
      this.rows += batch * features;
    } else {
      for (let b = 0; b < batch; b++) {
        for (let t = 0; t < seqLen; t++) {
          const base = (b * seqLen + t) * features;
          let rowSum = 0;
          for (let f = 0; f < features; f++) {
            const z = data[base + f] - c;
            cols[f] += z;
            rowSum += z;
            sumSquares += z * z;
          }
          rowSquares += rowSum * rowSum;
          sum += rowSum;
        }
      }
      this.rows += batch * seqLen;
    }
    this.count += batch * seqLen * features;
    this.sum += sum;
    this.sumSquares += sumSquares;
    this.sumRowSquares += rowSquares;
  }

  merge(other: ProtocolAccumulator): void {
    this.count += other.count;
    this.sum += other.sum;
    this.sumSquares += other.sumSquares;
    this.rows += other.rows;
    this.sumRowSquares += other.sumRowSquares;
    for (let t = 0; t < this.positions; t++) this.columnSums[t] += other.columnSums[t];
  }

  mean(): number {
    return this.shift + this.sum / this.count;
  }

  variance(): number {
    const m = this.sum / this.count;
    return this.sumSquares / this.count - m * m;
  }

  /** Mean off-diagonal entry of the positions' sample covariance matrix. */
  offDiagonalCovariance(): number {
    const n = this.rows;
    const p = this.positions;
    let sumMeans = 0;
    let sumMeanSquares = 0;
    for (let t = 0; t < p; t++) {
      const m = this.columnSums[t] / n;
      sumMeans += m;
      sumMeanSquares += m * m;
    }
    const total = (this.sumRowSquares - n * sumMeans * sumMeans) / (n - 1);
    const diagonal = (this.sumSquares - n * sumMeanSquares) / (n - 1);
    return (total - diagonal) / (p * (p - 1));
  }
}

export type ProtocolKind = 'mean' | 'variance' | 'covariance';

export function protocolStatistic(acc: ProtocolAccumulator, kind: ProtocolKind): number {
  return kind === 'mean' ? acc.mean() : kind === 'variance' ? acc.variance() : acc.offDiagonalCovariance();
}

/**
 * The reference's relative error: |m - p|/|m| for variances; for means and covariances the
 * smaller of that and |m - p|/predVar, and min(|m|, |m|/predVar) when the prediction is exactly 0.
 */
export function referenceError(
  kind: ProtocolKind,
  measured: number,
  predicted: number,
  predictedVariance: number,
): number {
  const gap = Math.abs(measured - predicted);
  if (kind === 'variance') return gap / Math.abs(measured);
  if (predicted === 0) return Math.min(Math.abs(measured), Math.abs(measured) / predictedVariance);
  return Math.min(gap / Math.abs(measured), gap / predictedVariance);
}

/** The same metric's denominator applied to a standard error: the error noise alone produces. */
export function referenceNoise(
  kind: ProtocolKind,
  measured: number,
  stderr: number,
  predicted: number,
  predictedVariance: number,
): number {
  if (kind === 'variance') return stderr / Math.abs(measured);
  if (predicted === 0) return Math.min(stderr, stderr / predictedVariance);
  return stderr / Math.max(Math.abs(measured), predictedVariance);
}

/** The reference's percentile rule: sorted[floor(n*q/100)]. */
export function referencePercentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * q) / 100))];
}
