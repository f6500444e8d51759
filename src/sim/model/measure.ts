import { tf } from '../../backend/tf.ts';
import { pairMomentsFromGroupSums, type PairMoments } from '../../stats/pairMoments.ts';
import { groupSums } from '../pairMoments.ts';
import { RandomStream, replicateSeed } from '../random.ts';
import { sampleTokens } from '../sampler.ts';
import type { InitStds, ModelConfig } from '../../theory/models.ts';
import { drawStack } from './build.ts';
import { drawEncDec, runEncDec } from './encdec.ts';
import { runStack } from './stack.ts';

/** One replicate's raw moments at every sublayer boundary (2N+1 each), shift 0. */
export interface ProfileReplicate {
  stream: PairMoments[];
  gradient: PairMoments[];
  /**
   * decoders (causal models) only: per boundary, the mean square of each position's stream and
   * gradient elements (over the replicate's samples and features), boundary x position. Means are 0 in expectation,
   * so these are the per-position variances; one value per position and replicate.
   */
  positionSquares?: { stream: number[][]; gradient: number[][] };
}

export interface ModelRunRange {
  runSeed: number;
  /** replicate indices [from, to): each has its own seed, so growing R reuses earlier draws */
  from: number;
  to: number;
  /** samples per replicate (they share the replicate's weights) */
  batch: number;
  /** per-layer stds replacing the config's initialisation recipe (control experiments) */
  stds?: readonly InitStds[];
}

export const MODEL_SIMULATOR_KEY = 'model';

/**
 * Runs replicates of a whole model. Each draws input (sigmaX, token correlation rX, zero mean),
 * weights, masks and the upstream gradient at the top (variance 1, correlation rG), runs one
 * forward and one backward pass, and reduces every boundary's stream and gradient to group sums
 * inside the engine; a single download per replicate carries them all.
 * The shift is 0: every boundary has mean 0 in expectation (each branch ends in a fresh zero-mean
 * matrix, LN outputs are centred), so shifted sums gain nothing.
 */
export async function simulateModel(c: ModelConfig, range: ModelRunRange): Promise<ProfileReplicate[]> {
  const out: ProfileReplicate[] = [];
  // an encoder-decoder: the encoder's 2N+1 boundaries, then the decoder's 3N+1
  const boundaries = c.encdec ? 5 * c.layers + 2 : 2 * c.layers + 1;
  const dims: [number, number, number] = [range.batch, c.seqLen, c.d];
  const shape = { batch: range.batch, seqLen: c.seqLen, features: c.d };
  for (let index = range.from; index < range.to; index++) {
    const random = new RandomStream(replicateSeed(range.runSeed, MODEL_SIMULATOR_KEY, c, index));
    let piecesPerTensor = 0;
    let squares: tf.Tensor | undefined;
    const sums = tf.tidy(() => {
      const input = () =>
        tf.tensor3d(sampleTokens(shape, { mean: 0, std: c.sigmaX, tokenCorrelation: c.rX }, random), dims);
      const x = input();
      // an encoder-decoder draws its decoder's input second, from the same stream
      const xd = c.encdec ? input() : undefined;
      const spec = c.encdec
        ? drawEncDec(c, random, range.batch)
        : drawStack(c, random, range.batch, range.stds);
      const g = tf.tensor3d(
        sampleTokens(shape, { mean: 0, std: 1, tokenCorrelation: c.rG ?? 0 }, random),
        dims,
      );
      const pass = 'decoder' in spec ? runEncDec(spec, x, xd!, g) : runStack(spec, x, g);
      const pieces = [...pass.streams, ...pass.gradients].map((t) => groupSums(t, 1, 0));
      piecesPerTensor = pieces[0].length;
      const all = tf.concat(pieces.flat().map((p) => tf.reshape(p, [-1])));
      // per boundary and position, streams then gradients
      if (c.causal)
        squares = tf.keep(
          tf.stack([...pass.streams, ...pass.gradients].map((t) => tf.mean(tf.square(t), [0, 2]))),
        );
      // the inputs are the tidy's own; every other boundary was kept out of the autodiff scope
      tf.dispose(pass.streams.filter((t) => t !== x && t !== xd));
      return all;
    });
    const data = (await sums.data()) as Float32Array;
    sums.dispose();
    let positionSquares: ProfileReplicate['positionSquares'];
    if (squares) {
      const rows = (await squares.array()) as number[][];
      squares.dispose();
      positionSquares = { stream: rows.slice(0, boundaries), gradient: rows.slice(boundaries) };
    }
    const pieceSize = range.batch * c.d;
    const moments = Array.from({ length: 2 * boundaries }, (_, t) => {
      const pieces = Array.from({ length: piecesPerTensor }, (_, p) =>
        data.subarray((t * piecesPerTensor + p) * pieceSize, (t * piecesPerTensor + p + 1) * pieceSize),
      );
      return pairMomentsFromGroupSums(pieces, c.seqLen, 0);
    });
    out.push({
      stream: moments.slice(0, boundaries),
      gradient: moments.slice(boundaries),
      ...(positionSquares ? { positionSquares } : {}),
    });
  }
  return out;
}
