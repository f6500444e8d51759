import { tf } from '../../backend/tf.ts';
import type { AttentionBlockConfig } from '../../theory/attentionBlock.ts';
import { drawAttentionMask } from '../blocks/attention.ts';
import { sampleDropoutMask } from '../sampler.ts';
import { forwardAndVjp, positionObservations, tokenObservations, type Simulator } from '../simulator.ts';
import { chunkedAttention, drawStreams, POSITION_OBSERVATIONS } from './sha.ts';

const blockElements = (c: AttentionBlockConfig) => c.seqLen * (2 * c.d + c.heads * c.seqLen);

/** FORMULAS.md 5.2: h heads of width d/h, W_o, then hidden dropout on the block output; `causal` as for SHA (doc section 2). */
function attentionBlockSimulatorOf(causal: boolean): Simulator<AttentionBlockConfig> {
  return {
    key: causal ? 'attention-block-causal' : 'attention-block',
    observations: causal ? POSITION_OBSERVATIONS : ['output', 'inputGrad'],
    elementsPerSample: blockElements,
    replicate(c, random, batch) {
      if (!Number.isInteger(c.d / c.heads))
        throw new RangeError(`config.heads: ${c.heads} does not divide d = ${c.d}`);
      const shape = {
        dIn: c.d,
        dHead: c.d / c.heads,
        heads: c.heads,
        sigmaQ: c.sigmaQ,
        sigmaK: c.sigmaK,
        sigmaV: c.sigmaV,
        sigmaO: c.sigmaO,
      };
      const attentionMask = drawAttentionMask(batch, c.heads, c.seqLen, c.attentionDropout, random);
      const attend = chunkedAttention(shape, attentionMask, random, batch, batch * blockElements(c), causal);
      const hiddenMask = tf.tensor3d(sampleDropoutMask(batch * c.seqLen * c.d, c.dropout, random), [
        batch,
        c.seqLen,
        c.d,
      ]);
      const { x, g } = drawStreams(c, c.d, c.d, random, batch);
      const { output, inputGrad } = forwardAndVjp((v) => tf.mul(attend(v), hiddenMask), x, g);
      return causal ? positionObservations(output, inputGrad) : tokenObservations(output, inputGrad);
    },
  };
}

export const attentionBlockSimulator = attentionBlockSimulatorOf(false);
export const causalAttentionBlockSimulator = attentionBlockSimulatorOf(true);
