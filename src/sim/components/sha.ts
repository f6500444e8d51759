import { tf } from '../../backend/tf.ts';
import type { ShaConfig } from '../../theory/sha.ts';
import {
  drawAttentionMask,
  drawAttentionWeights,
  multiHeadAttention,
  sliceMask,
  type AttentionMask,
  type AttentionShape,
} from '../blocks/attention.ts';
import type { RandomStream } from '../random.ts';
import { POSITIONS } from '../../theory/positions.ts';
import {
  drawTokens,
  forwardAndVjp,
  positionObservations,
  tokenObservations,
  type ObservationName,
  type Simulator,
} from '../simulator.ts';
import { perChunk, weightChunks } from './chunks.ts';

/** SHA's weights: one head of width d_k = dOut, no output projection. */
export const shaShape = (c: ShaConfig): AttentionShape => ({
  dIn: c.dIn,
  dHead: c.dOut,
  heads: 1,
  sigmaQ: c.sigmaQ,
  sigmaK: c.sigmaK,
  sigmaV: c.sigmaV,
});

/**
 * Draws SHA's input and upstream gradient, runs `attend` and its VJP, and observes per token (and,
 * for causal attention, per named position: its moments depend on the position).
 */
export function observeSha(
  c: ShaConfig,
  attend: (x: tf.Tensor3D) => tf.Tensor3D,
  random: RandomStream,
  batch: number,
  causal = false,
) {
  const { x, g } = drawStreams(c, c.dIn, c.dOut, random, batch);
  const { output, inputGrad } = forwardAndVjp(attend, x, g);
  return causal ? positionObservations(output, inputGrad) : tokenObservations(output, inputGrad);
}

/** Everything positionObservations observes. */
export const POSITION_OBSERVATIONS: readonly ObservationName[] = [
  'output',
  'inputGrad',
  ...POSITIONS.flatMap((p) => [`output@${p}`, `output@${p}+`, `inputGrad@${p}`, `inputGrad@${p}+`] as const),
];

const shaElements = (c: ShaConfig) => c.seqLen * (c.dIn + c.dOut + c.seqLen);

/** Zero-mean input [B, L, dIn] and upstream gradient [B, L, dOut] of the section-1 model. */
export function drawStreams(
  c: { sigmaX: number; rX: number; sigmaG: number; rG: number; seqLen: number },
  dIn: number,
  dOut: number,
  random: RandomStream,
  batch: number,
) {
  const x = drawTokens(
    { batch, seqLen: c.seqLen, features: dIn },
    { mean: 0, std: c.sigmaX, tokenCorrelation: c.rX },
    random,
  );
  const g = drawTokens(
    { batch, seqLen: c.seqLen, features: dOut },
    { mean: 0, std: c.sigmaG, tokenCorrelation: c.rG },
    random,
  );
  return { x, g };
}

/**
 * Attention over a replicate's batch with a fresh weight draw per chunk of samples. At small
 * widths the weights dominate the spread of a replicate's moments and one draw per replicate
 * left narrow configs inconclusive after 1024 replicates; a few draws per replicate cut that
 * spread while replicates stay independent. Weight draws are capped so their normals do not
 * outnumber the replicate's own input and gradient elements: at large widths drawing would cost
 * more than the replicates it saves.
 */
export function chunkedAttention(
  shape: AttentionShape,
  mask: AttentionMask | undefined,
  random: RandomStream,
  batch: number,
  replicateElements: number,
  causal = false,
) {
  const weightElements =
    shape.dIn * shape.heads * shape.dHead * 3 +
    (shape.sigmaO === undefined ? 0 : shape.heads * shape.dHead * (shape.dOut ?? shape.dIn));
  return perChunk(
    weightChunks(batch, replicateElements / weightElements).map((chunk) => ({
      chunk,
      map: multiHeadAttention(
        drawAttentionWeights(shape, random),
        sliceMask(mask, chunk.first, chunk.size),
        undefined,
        causal,
      ),
    })),
  );
}

/**
 * FORMULAS.md 3.7 as the reference protocol runs it: weights shared by the samples of a replicate
 * (or of a chunk of it, chunkedAttention), so replicates, not samples, carry the weight randomness
 * into the standard error; attention dropout on the probabilities; gradient through the full
 * Q/K/V paths. `causal` masks row t to tokens 0..t (docs/theory-extensions.md 1).
 */
function shaSimulatorOf(causal: boolean): Simulator<ShaConfig> {
  return {
    key: causal ? 'sha-causal' : 'sha',
    observations: causal ? POSITION_OBSERVATIONS : ['output', 'inputGrad'],
    elementsPerSample: shaElements,
    replicate(c, random, batch) {
      const mask = drawAttentionMask(batch, 1, c.seqLen, c.attentionDropout, random);
      return observeSha(
        c,
        chunkedAttention(shaShape(c), mask, random, batch, batch * shaElements(c), causal),
        random,
        batch,
        causal,
      );
    },
  };
}

export const shaSimulator = shaSimulatorOf(false);
export const causalShaSimulator = shaSimulatorOf(true);
