import * as tf from '@tensorflow/tfjs';
import type { AttentionBlockConfig } from '../../theory/blocks.ts';
import type { ShaConfig } from '../../theory/attention.ts';
import { drawAttentionMask, drawAttentionWeights, multiHeadAttention } from '../blocks/attention.ts';
import type { RandomStream } from '../random.ts';
import { sampleDropoutMask, sampleTokens } from '../sampler.ts';
import { forwardAndVjp, tokenObservations, type Simulator } from '../simulator.ts';

/** Zero-mean input [B, L, dIn] and upstream gradient [B, L, dOut] of the section-1 model. */
function drawStreams(c: { sigmaX: number; rX: number; sigmaG: number; rG: number; seqLen: number }, dIn: number, dOut: number, random: RandomStream, batch: number) {
  const x = tf.tensor3d(sampleTokens({ batch, seqLen: c.seqLen, features: dIn }, { mean: 0, std: c.sigmaX, tokenCorrelation: c.rX }, random), [batch, c.seqLen, dIn]);
  const g = tf.tensor3d(sampleTokens({ batch, seqLen: c.seqLen, features: dOut }, { mean: 0, std: c.sigmaG, tokenCorrelation: c.rG }, random), [batch, c.seqLen, dOut]);
  return { x, g };
}

/**
 * FORMULAS.md 3.7 as the reference protocol runs it: one weight draw per replicate shared by its
 * batch (so replicates, not samples, carry the weight randomness into the standard error),
 * attention dropout on the probabilities, gradient through the full Q/K/V paths.
 */
export const shaSimulator: Simulator<ShaConfig> = {
  key: 'sha',
  observations: ['output', 'inputGrad'],
  elementsPerSample: (c) => c.seqLen * (c.dIn + c.dOut + c.seqLen),
  replicate(c, random, batch) {
    const weights = drawAttentionWeights({ dIn: c.dIn, dHead: c.dOut, heads: 1, sigmaQ: c.sigmaQ, sigmaK: c.sigmaK, sigmaV: c.sigmaV }, random);
    const mask = drawAttentionMask(batch, 1, c.seqLen, c.dropout, random);
    const { x, g } = drawStreams(c, c.dIn, c.dOut, random, batch);
    const { output, inputGrad } = forwardAndVjp(multiHeadAttention(weights, mask), x, g);
    return tokenObservations(output, inputGrad);
  },
};

/** FORMULAS.md 5.2: h heads of width d/h, W_o, then hidden dropout on the block output. */
export const attentionBlockSimulator: Simulator<AttentionBlockConfig> = {
  key: 'attention-block',
  observations: ['output', 'inputGrad'],
  elementsPerSample: (c) => c.seqLen * (2 * c.d + c.heads * c.seqLen),
  replicate(c, random, batch) {
    if (!Number.isInteger(c.d / c.heads)) throw new RangeError(`config.heads: ${c.heads} does not divide d = ${c.d}`);
    const weights = drawAttentionWeights(
      { dIn: c.d, dHead: c.d / c.heads, heads: c.heads, sigmaQ: c.sigmaQ, sigmaK: c.sigmaK, sigmaV: c.sigmaV, sigmaO: c.sigmaO },
      random,
    );
    const attentionMask = drawAttentionMask(batch, c.heads, c.seqLen, c.attentionDropout, random);
    const hiddenMask = tf.tensor3d(sampleDropoutMask(batch * c.seqLen * c.d, c.dropout, random), [batch, c.seqLen, c.d]);
    const { x, g } = drawStreams(c, c.d, c.d, random, batch);
    const attend = multiHeadAttention(weights, attentionMask);
    const { output, inputGrad } = forwardAndVjp((v) => tf.mul(attend(v), hiddenMask), x, g);
    return tokenObservations(output, inputGrad);
  },
};
