import type { LayerNormConfig } from '../../theory/layernorm.ts';
import { tokenObservations, type Simulator } from '../simulator.ts';
import { drawInputAndGradient, elementsPerSample, layerNormWithVjp } from './elementwise.ts';

export const layerNormSimulator: Simulator<LayerNormConfig> = {
  key: 'layernorm',
  observations: ['output', 'inputGrad', 'outputFeatures'],
  elementsPerSample,
  replicate(c, random, batch) {
    const { x, g } = drawInputAndGradient(c, random, batch);
    const { output, inputGrad } = layerNormWithVjp(x, g);
    return { ...tokenObservations(output, inputGrad), outputFeatures: { tensor: output, axis: 2 } };
  },
};
