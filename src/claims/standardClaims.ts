import type { ComponentMoments } from '../theory/moments.ts';
import type { Claim } from './types.ts';

/**
 * The five claims every component makes about its output and input gradient. Scales follow the
 * reference protocol: a covariance (and a mean) near 0 is judged against the spread of its output,
 * so its relative error reads as an error in correlation (in standard deviations for a mean).
 */
export function standardClaims<C>(
  component: string,
  theory: (c: C) => ComponentMoments,
  tolerances: Partial<Record<keyof ComponentMoments, number>> = {},
): Claim<C>[] {
  const claim = (
    suffix: string,
    describe: string,
    observation: Claim['observation'],
    moment: Claim['moment'],
    statistic: keyof ComponentMoments,
    scale: (m: ComponentMoments) => number,
  ): Claim<C> => ({
    id: `${component}.${suffix}`,
    describe,
    component,
    observation,
    moment,
    predict: (c) => theory(c)[statistic],
    scale: (c) => scale(theory(c)),
    tolerance: tolerances[statistic] ?? 0,
  });
  return [
    claim('forward.mean', 'output mean', 'output', 'mean', 'mean', (m) =>
      Math.max(Math.abs(m.mean), Math.sqrt(m.variance)),
    ),
    claim('forward.var', 'output variance', 'output', 'variance', 'variance', (m) => Math.abs(m.variance)),
    claim('forward.cov', 'output covariance of two tokens', 'output', 'covariance', 'tokenCovariance', (m) =>
      Math.max(Math.abs(m.tokenCovariance), m.variance),
    ),
    claim('backward.var', 'input-gradient variance', 'inputGrad', 'variance', 'gradVariance', (m) =>
      Math.abs(m.gradVariance),
    ),
    claim(
      'backward.cov',
      'input-gradient covariance of two tokens',
      'inputGrad',
      'covariance',
      'gradTokenCovariance',
      (m) => Math.max(Math.abs(m.gradTokenCovariance), m.gradVariance),
    ),
  ];
}
