import type { ActivationConfig } from '../../theory/relu.ts';
import { tokenObservations, type Simulator } from '../simulator.ts';
import { drawInputAndGradient, elementsPerSample, geluWithVjp } from './elementwise.ts';

export const geluSimulator: Simulator<ActivationConfig> = {
  key: 'gelu',
  observations: ['output', 'inputGrad'],
  elementsPerSample,
  replicate(c, random, batch) {
    const { x, g } = drawInputAndGradient(c, random, batch, 'tokens');
    const { output, inputGrad } = geluWithVjp(x, g);
    return tokenObservations(output, inputGrad, 'tokens');
  },
};
