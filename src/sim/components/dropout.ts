import { tf } from '../../backend/tf.ts';
import type { DropoutConfig } from '../../theory/dropout.ts';
import { timed } from '../profile.ts';
import { sampleDropoutMask } from '../sampler.ts';
import { tokenObservations, type Simulator } from '../simulator.ts';
import { drawInputAndGradient, elementsPerSample } from './elementwise.ts';

export const dropoutSimulator: Simulator<DropoutConfig> = {
  key: 'dropout',
  observations: ['output', 'inputGrad'],
  elementsPerSample,
  replicate(c, random, batch) {
    const { x, g } = drawInputAndGradient(c, random, batch, 'tokens');
    // at p = 0 the mask is all ones: nothing to draw, and the map and its VJP are the identity
    if (c.dropout === 0) return tokenObservations(x, g, 'tokens');
    const maskValues = timed('draw', () => sampleDropoutMask(x.size, c.dropout, random));
    const mask = timed('upload', () => tf.tensor3d(maskValues, x.shape));
    // y = x * mask, whose VJP is g * mask
    return tokenObservations(tf.mul(x, mask), tf.mul(g, mask), 'tokens');
  },
};
