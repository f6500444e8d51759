import { tf } from '../../backend/tf.ts';
import type { FfnBlockConfig } from '../../theory/ffnBlock.ts';
import { drawFfnWeights, ffnBlock } from '../blocks/ffn.ts';
import type { RandomStream } from '../random.ts';
import { sampleDropoutMask } from '../sampler.ts';
import { forwardAndVjp, tokenObservations, type Simulator } from '../simulator.ts';
import { perChunk, weightChunks } from './chunks.ts';
import { drawInputAndGradient } from './elementwise.ts';

/** The FFN block's theory has no sequence length; the simulation needs one. */
export type FfnBlockSimConfig = FfnBlockConfig & { seqLen: number };

export const elementsPerSample = (c: FfnBlockSimConfig) => c.seqLen * (2 * c.d + c.dFf);

/**
 * One replicate's FFN branch: per-chunk weights (no more draws than keep the weight normals
 * below the replicate's own elements, as for attention), fresh hidden-dropout mask.
 */
export function drawBranch(c: FfnBlockSimConfig, random: RandomStream, batch: number) {
  const parts = weightChunks(batch, (batch * elementsPerSample(c)) / (2 * c.d * c.dFf)).map((chunk) => {
    const weights = drawFfnWeights({ d: c.d, dFf: c.dFf, sigma1: c.sigma1, sigma2: c.sigma2 }, random);
    const shape: [number, number, number] = [chunk.size, c.seqLen, c.d];
    const mask =
      c.dropout > 0
        ? tf.tensor3d(sampleDropoutMask(chunk.size * c.seqLen * c.d, c.dropout, random), shape)
        : undefined;
    return { chunk, map: ffnBlock(weights, mask) };
  });
  return perChunk(parts);
}

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
