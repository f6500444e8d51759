import { withCorrelations, type BlockMoments, type SecondMoments } from './blocks.ts';

/**
 * FORMULAS.md 5.3: z = lambda*x + beta*f(x). The cross terms E[x f(x)] vanish in expectation
 * because the branch ends in a fresh zero-mean weight matrix.
 */
export interface ResidualConfig {
  lambda: number;
  beta: number;
  /** the skip input x */
  stream: SecondMoments;
  /** the branch output f(x) */
  branch: SecondMoments;
  /** the gradient arriving at z */
  grad: SecondMoments;
  /**
   * the gradient the branch passes to x when fed the gradient at z unscaled, i.e. G_f*s2g_z and
   * its covariance H_f*s2g_z; the residual applies beta^2
   */
  branchGrad: SecondMoments;
}

export function residualMoments(c: ResidualConfig): BlockMoments {
  const l2 = c.lambda ** 2;
  const b2 = c.beta ** 2;
  return withCorrelations(
    l2 * c.stream.variance + b2 * c.branch.variance,
    l2 * c.stream.tokenCovariance + b2 * c.branch.tokenCovariance,
    l2 * c.grad.variance + b2 * c.branchGrad.variance,
    l2 * c.grad.tokenCovariance + b2 * c.branchGrad.tokenCovariance,
  );
}
