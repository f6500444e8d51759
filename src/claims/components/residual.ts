import fc from 'fast-check';
import { residualSimulator } from '../../sim/components/residual.ts';
import { ffnBlockMoments, type FfnBlockConfig } from '../../theory/ffnBlock.ts';
import { residualMoments } from '../../theory/residual.ts';
import { logUniform, uniform } from '../draw.ts';
import type { ParamSpec } from '../params.ts';
import { standardClaims } from '../standardClaims.ts';
import type { Component, Config } from '../types.ts';
import { ffnParams, ffnRegimes } from './ffnBlock.ts';
import { untypedSimulator } from './shared.ts';

/** Section 5.3 with the FFN block as the branch f, fed the same x. */
function residualTheory(c: Config) {
  const branch = ffnBlockMoments(c as unknown as FfnBlockConfig);
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

const scaleParam = (key: string, describe: string): ParamSpec => ({
  key,
  describe,
  min: 0,
  max: 1e6,
  default: 1,
});

export const residual: Component = {
  key: 'residual',
  describe: 'residual z = lambda*x + beta*FFN(x)',
  section: '5.3',
  params: [...ffnParams, scaleParam('lambda', 'skip scale lambda'), scaleParam('beta', 'branch scale beta')],
  simulator: untypedSimulator(residualSimulator),
  regimes: [
    {
      name: 'wide',
      describe: 'FFN branch with d from 16, lambda and beta 0.1 to 1.5',
      domain: (budget) =>
        fc
          .tuple(ffnRegimes[0].domain(budget), uniform(0.1, 1.5), uniform(0.1, 1.5))
          .map(([c, lambda, beta]) => ({ ...c, lambda, beta })),
    },
    {
      name: 'dslm',
      describe: 'DSLM scaling lambda^2 + beta^2 = 1, beta^2 = k/N from 0.005 to 0.5',
      domain: (budget) =>
        fc
          .tuple(ffnRegimes[0].domain(budget), logUniform(0.005, 0.5))
          .map(([c, beta2]) => ({ ...c, lambda: Math.sqrt(1 - beta2), beta: Math.sqrt(beta2) })),
    },
  ],
  claims: standardClaims('residual', residualTheory),
};
