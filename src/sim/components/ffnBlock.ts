import * as tf from '@tensorflow/tfjs';
import type { FfnBlockConfig } from '../../theory/blocks.ts';
import { drawFfnWeights, ffnBlock } from '../blocks/ffn.ts';
import type { RandomStream } from '../random.ts';
import { sampleDropoutMask } from '../sampler.ts';
import { forwardAndVjp, tokenObservations, type Simulator } from '../simulator.ts';
import { drawInputAndGradient } from './elementwise.ts';

/** The FFN block's theory has no sequence length; the simulation needs one. */
export type FfnBlockSimConfig = FfnBlockConfig & { seqLen: number };

/** Residual z = lambda*x + beta*FFN(x): the branch is the FFN block (section 5.3 over 5.1). */
export type ResidualSimConfig = FfnBlockSimConfig & { lambda: number; beta: number };

/** One replicate's FFN branch (weights shared by the batch, fresh hidden-dropout mask). */
function drawBranch(c: FfnBlockSimConfig, random: RandomStream, batch: number) {
  const weights = drawFfnWeights({ d: c.d, dFf: c.dFf, sigma1: c.sigma1, sigma2: c.sigma2 }, random);
  const mask = c.dropout > 0 ? tf.tensor3d(sampleDropoutMask(batch * c.seqLen * c.d, c.dropout, random), [batch, c.seqLen, c.d]) : undefined;
  return ffnBlock(weights, mask);
}

const elementsPerSample = (c: FfnBlockSimConfig) => c.seqLen * (2 * c.d + c.dFf);

export const ffnBlockSimulator: Simulator<FfnBlockSimConfig> = {
  key: 'ffn-block',
  observations: ['output', 'inputGrad'],
  elementsPerSample,
  replicate(c, random, batch) {
    const branch = drawBranch(c, random, batch);
    const { x, g } = drawInputAndGradient(c, random, batch);
    const { output, inputGrad } = forwardAndVjp(branch, x, g);
    return tokenObservations(output, inputGrad);
  },
};

export const residualSimulator: Simulator<ResidualSimConfig> = {
  key: 'residual',
  observations: ['output', 'inputGrad'],
  elementsPerSample,
  replicate(c, random, batch) {
    const branch = drawBranch(c, random, batch);
    const { x, g } = drawInputAndGradient(c, random, batch);
    const { output, inputGrad } = forwardAndVjp((v) => tf.add(tf.mul(v, c.lambda), tf.mul(branch(v), c.beta)), x, g);
    return tokenObservations(output, inputGrad);
  },
};
