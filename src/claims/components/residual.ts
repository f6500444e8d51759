import { residualSimulator, type ResidualSimConfig } from '../../sim/components/residual.ts';
import { ffnBlockMoments } from '../../theory/ffnBlock.ts';
import { residualMoments } from '../../theory/residual.ts';
import { param } from '../params.ts';
import { defineRegime, logRange, range } from '../space.ts';
import { standardClaims } from '../standardClaims.ts';
import { defineComponent } from '../types.ts';
import { ffnConfig, ffnParams, wideFfnSpace } from './ffnBlock.ts';

/** Section 5.3 with the FFN block as the branch f, fed the same x. */
function residualTheory(c: ResidualSimConfig) {
  const branch = ffnBlockMoments(c);
  const s2x = c.sigmaX ** 2;
  const s2g = c.sigmaG ** 2;
  return {
    mean: 0,
    ...residualMoments({
      lambda: c.lambda,
      beta: c.beta,
      stream: { variance: s2x, tokenCovariance: c.rX * s2x },
      branch,
      grad: { variance: s2g, tokenCovariance: c.rG * s2g },
      branchGrad: { variance: branch.gradVariance, tokenCovariance: branch.gradTokenCovariance },
    }),
  };
}

const scaleParam = <K extends string>(key: K, describe: string) =>
  param({ key, describe, min: 0, max: 1e6, default: 1 });

export const residual = defineComponent({
  key: 'residual',
  describe: 'residual z = lambda*x + beta*FFN(x)',
  section: '5.3',
  params: [...ffnParams, scaleParam('lambda', 'skip scale lambda'), scaleParam('beta', 'branch scale beta')],
  simulator: residualSimulator,
  regimes: [
    defineRegime({
      name: 'wide',
      describe: 'FFN branch with d from 16, lambda and beta 0.1 to 1.5',
      space: (budget) => ({ ...wideFfnSpace(budget), lambda: range(0.1, 1.5), beta: range(0.1, 1.5) }),
      toConfig: ({ lambda, beta, ...ffn }): ResidualSimConfig => ({ ...ffnConfig(ffn), lambda, beta }),
    }),
    defineRegime({
      name: 'dslm',
      describe: 'DSLM scaling lambda^2 + beta^2 = 1, beta^2 = k/N from 0.005 to 0.5',
      space: (budget) => ({ ...wideFfnSpace(budget), beta2: logRange(0.005, 0.5) }),
      toConfig: ({ beta2, ...ffn }): ResidualSimConfig => ({
        ...ffnConfig(ffn),
        lambda: Math.sqrt(1 - beta2),
        beta: Math.sqrt(beta2),
      }),
    }),
  ],
  claims: standardClaims('residual', residualTheory),
});
