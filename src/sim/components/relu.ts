import { tf } from '../../backend/tf.ts';
import type { ActivationConfig } from '../../theory/relu.ts';
import { forwardAndVjp, tokenObservations, type Simulator } from '../simulator.ts';
import { drawInputAndGradient, elementsPerSample } from './elementwise.ts';

export const reluSimulator: Simulator<ActivationConfig> = {
  key: 'relu',
  observations: ['output', 'inputGrad'],
  elementsPerSample,
  replicate(c, random, batch) {
    const { x, g } = drawInputAndGradient(c, random, batch, 'tokens');
    const { output, inputGrad } = forwardAndVjp((v) => tf.relu(v), x, g);
    return tokenObservations(output, inputGrad, 'tokens');
  },
};
