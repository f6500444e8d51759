import { tf } from '../../backend/tf.ts';
import type { AttentionBlockConfig } from '../../theory/blocks.ts';
import type { ShaConfig } from '../../theory/attention.ts';
import { drawAttentionMask, drawAttentionWeights, multiHeadAttention, sliceMask, type AttentionMask, type AttentionShape } from '../blocks/attention.ts';
import type { RandomStream } from '../random.ts';
import { sampleDropoutMask, sampleTokens } from '../sampler.ts';
import { forwardAndVjp, tokenObservations, type Simulator } from '../simulator.ts';
import { perChunk, weightChunks } from './chunks.ts';

/** SHA's weights: one head of width d_k = dOut, no output projection. */
export const shaShape = (c: ShaConfig): AttentionShape => ({ dIn: c.dIn, dHead: c.dOut, heads: 1, sigmaQ: c.sigmaQ, sigmaK: c.sigmaK, sigmaV: c.sigmaV });

/** Draws SHA's input and upstream gradient, runs `attend` and its VJP, and observes per token. */
export function observeSha(c: ShaConfig, attend: (x: tf.Tensor3D) => tf.Tensor3D, random: RandomStream, batch: number) {
  const { x, g } = drawStreams(c, c.dIn, c.dOut, random, batch);
  const { output, inputGrad } = forwardAndVjp(attend, x, g);
  return tokenObservations(output, inputGrad);
}

const shaElements = (c: ShaConfig) => c.seqLen * (c.dIn + c.dOut + c.seqLen);
const blockElements = (c: AttentionBlockConfig) => c.seqLen * (2 * c.d + c.heads * c.seqLen);

/** Zero-mean input [B, L, dIn] and upstream gradient [B, L, dOut] of the section-1 model. */
function drawStreams(c: { sigmaX: number; rX: number; sigmaG: number; rG: number; seqLen: number }, dIn: number, dOut: number, random: RandomStream, batch: number) {
  const x = tf.tensor3d(sampleTokens({ batch, seqLen: c.seqLen, features: dIn }, { mean: 0, std: c.sigmaX, tokenCorrelation: c.rX }, random), [batch, c.seqLen, dIn]);
  const g = tf.tensor3d(sampleTokens({ batch, seqLen: c.seqLen, features: dOut }, { mean: 0, std: c.sigmaG, tokenCorrelation: c.rG }, random), [batch, c.seqLen, dOut]);
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
function chunkedAttention(shape: AttentionShape, mask: AttentionMask | undefined, random: RandomStream, batch: number, replicateElements: number) {
  const weightElements = shape.dIn * shape.heads * shape.dHead * 3 + (shape.sigmaO === undefined ? 0 : shape.heads * shape.dHead * (shape.dOut ?? shape.dIn));
  return perChunk(
    weightChunks(batch, replicateElements / weightElements).map((chunk) => ({
      chunk,
      map: multiHeadAttention(drawAttentionWeights(shape, random), sliceMask(mask, chunk.first, chunk.size)),
    })),
  );
}

/**
 * FORMULAS.md 3.7 as the reference protocol runs it: weights shared by the samples of a replicate
 * (or of a chunk of it, chunkedAttention), so replicates, not samples, carry the weight randomness
 * into the standard error; attention dropout on the probabilities; gradient through the full
 * Q/K/V paths.
 */
export const shaSimulator: Simulator<ShaConfig> = {
  key: 'sha',
  observations: ['output', 'inputGrad'],
  elementsPerSample: shaElements,
  replicate(c, random, batch) {
    const mask = drawAttentionMask(batch, 1, c.seqLen, c.dropout, random);
    return observeSha(c, chunkedAttention(shaShape(c), mask, random, batch, batch * shaElements(c)), random, batch);
  },
};

/** FORMULAS.md 5.2: h heads of width d/h, W_o, then hidden dropout on the block output. */
export const attentionBlockSimulator: Simulator<AttentionBlockConfig> = {
  key: 'attention-block',
  observations: ['output', 'inputGrad'],
  elementsPerSample: blockElements,
  replicate(c, random, batch) {
    if (!Number.isInteger(c.d / c.heads)) throw new RangeError(`config.heads: ${c.heads} does not divide d = ${c.d}`);
    const shape = { dIn: c.d, dHead: c.d / c.heads, heads: c.heads, sigmaQ: c.sigmaQ, sigmaK: c.sigmaK, sigmaV: c.sigmaV, sigmaO: c.sigmaO };
    const attentionMask = drawAttentionMask(batch, c.heads, c.seqLen, c.attentionDropout, random);
    const attend = chunkedAttention(shape, attentionMask, random, batch, batch * blockElements(c));
    const hiddenMask = tf.tensor3d(sampleDropoutMask(batch * c.seqLen * c.d, c.dropout, random), [batch, c.seqLen, c.d]);
    const { x, g } = drawStreams(c, c.d, c.d, random, batch);
    const { output, inputGrad } = forwardAndVjp((v) => tf.mul(attend(v), hiddenMask), x, g);
    return tokenObservations(output, inputGrad);
  },
};
