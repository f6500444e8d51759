import { tf } from '../../backend/tf.ts';
import type { SoftmaxConfig } from '../../theory/softmax.ts';
import { drawTokens, forwardAndVjp, type Simulator } from '../simulator.ts';

/**
 * FORMULAS.md 3.6: each sample is one row of length L whose entries are equicorrelated with r
 * (the section-1 sampler with one feature, tokens along the row); the upstream gradient is i.i.d.
 * (r_g = 0, as the reference tests). Rows are laid out [B, 1, L] so the softmax runs over the
 * last axis and the paired axis is the row.
 */
export const softmaxSimulator: Simulator<SoftmaxConfig> = {
  key: 'softmax',
  observations: ['output', 'inputGrad'],
  elementsPerSample: (c) => 2 * c.seqLen,
  replicate(c, random, batch) {
    const shape = { batch, seqLen: c.seqLen, features: 1 };
    // one feature: the tokens-innermost layout [batch, 1, seqLen] holds the same values in the same order
    const x = drawTokens(shape, { mean: 0, std: c.sigmaX, tokenCorrelation: c.rX }, random, 'tokens');
    const g = drawTokens(shape, { mean: 0, std: c.sigmaG, tokenCorrelation: 0 }, random, 'tokens');
    const { output, inputGrad } = forwardAndVjp((v) => tf.softmax(v) as tf.Tensor3D, x, g);
    return { output: { tensor: output, axis: 2 }, inputGrad: { tensor: inputGrad, axis: 2 } };
  },
};
