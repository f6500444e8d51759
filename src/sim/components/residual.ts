import { tf } from '../../backend/tf.ts';
import { forwardAndVjp, tokenObservations, type Simulator } from '../simulator.ts';
import { drawInputAndGradient } from './elementwise.ts';
import { drawBranch, elementsPerSample, type FfnBlockSimConfig } from './ffnBlock.ts';

/** Residual z = lambda*x + beta*FFN(x): the branch is the FFN block (section 5.3 over 5.1). */
export type ResidualSimConfig = FfnBlockSimConfig & { lambda: number; beta: number };

export const residualSimulator: Simulator<ResidualSimConfig> = {
  key: 'residual',
  observations: ['output', 'inputGrad'],
  elementsPerSample,
  replicate(c, random, batch) {
    const branch = drawBranch(c, random, batch);
    const { x, g } = drawInputAndGradient(c, random, batch);
    const { output, inputGrad } = forwardAndVjp(
      (v) => tf.add(tf.mul(v, c.lambda), tf.mul(branch(v), c.beta)),
      x,
      g,
    );
    return tokenObservations(output, inputGrad);
  },
};
