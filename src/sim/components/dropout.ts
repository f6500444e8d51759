import { tf } from '../../backend/tf.ts';
import type { DropoutConfig } from '../../theory/dropout.ts';
import { drawDropoutMask, tokenObservations, type Simulator } from '../simulator.ts';
import { drawInputAndGradient, elementsPerSample } from './elementwise.ts';

export const dropoutSimulator: Simulator<DropoutConfig> = {
  key: 'dropout',
  observations: ['output', 'inputGrad'],
  elementsPerSample,
  replicate(c, random, batch) {
    const { x, g } = drawInputAndGradient(c, random, batch, 'tokens');
    // at p = 0 the mask is all ones: nothing to draw, and the map and its VJP are the identity
    if (c.dropout === 0) return tokenObservations(x, g, 'tokens');
    const mask = drawDropoutMask<tf.Tensor3D>(x.shape, c.dropout, random);
    // y = x * mask, whose VJP is g * mask
    return tokenObservations(tf.mul(x, mask), tf.mul(g, mask), 'tokens');
  },
};
