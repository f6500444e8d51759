import { POSITIONS, type Position } from '../theory/positions.ts';
import type { ComponentMoments } from '../theory/moments.ts';
import type { Claim, Config } from './types.ts';

/**
 * Per-position claims of a component whose moments depend on the token position (causal
 * attention): at the first, middle and last token, the output and input-gradient variance of that
 * token and its covariance with its neighbour (theory/positions.ts). Scales as standardClaims'
 * (a covariance judged against the position's variance). The simulator observes `output@first`
 * (the token alone) and `output@first+` (the token and its neighbour) for each position.
 */
export function positionClaims(component: string, theory: (c: Config, position: Position) => ComponentMoments): Claim[] {
  return POSITIONS.flatMap((position) => {
    const claim = (
      suffix: string,
      describe: string,
      stream: 'output' | 'inputGrad',
      moment: 'variance' | 'covariance',
      statistic: keyof ComponentMoments,
      scale: (m: ComponentMoments) => number,
    ): Claim => ({
      id: `${component}.${position}.${suffix}`,
      describe: `${describe} at the ${position} token`,
      component,
      observation: moment === 'variance' ? `${stream}@${position}` : `${stream}@${position}+`,
      moment,
      predict: (c) => theory(c, position)[statistic],
      scale: (c) => scale(theory(c, position)),
      tolerance: 0,
    });
    return [
      claim('forward.var', 'output variance', 'output', 'variance', 'variance', (m) => Math.abs(m.variance)),
      claim('forward.cov', 'output covariance with the neighbouring token', 'output', 'covariance', 'tokenCovariance', (m) =>
        Math.max(Math.abs(m.tokenCovariance), m.variance),
      ),
      claim('backward.var', 'input-gradient variance', 'inputGrad', 'variance', 'gradVariance', (m) => Math.abs(m.gradVariance)),
      claim('backward.cov', 'input-gradient covariance with the neighbouring token', 'inputGrad', 'covariance', 'gradTokenCovariance', (m) =>
        Math.max(Math.abs(m.gradTokenCovariance), m.gradVariance),
      ),
    ];
  });
}
