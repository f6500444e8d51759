import { POSITIONS, positionIndex, type Position } from '../theory/positions.ts';
import type { ComponentMoments } from '../theory/moments.ts';
import type { Claim } from './types.ts';
import { variant } from './variant.ts';

/**
 * Per-position claims of a component whose moments depend on the token position (causal
 * attention): at the first, middle and last token, the output and input-gradient variance of that
 * token and its covariance with its neighbour (theory/positions.ts). Scales as standardClaims'
 * (a covariance judged against the position's variance). The simulator observes `output@first`
 * (the token alone) and `output@first+` (the token and its neighbour) for each position.
 */
export function positionClaims<C>(
  component: string,
  theory: (c: C, position: Position) => ComponentMoments,
): Claim<C>[] {
  return POSITIONS.flatMap((position) => {
    const claim = (
      suffix: string,
      describe: string,
      stream: 'output' | 'inputGrad',
      moment: 'variance' | 'covariance',
      statistic: keyof ComponentMoments,
      scale: (m: ComponentMoments) => number,
    ): Claim<C> => ({
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
      claim(
        'forward.cov',
        'output covariance with the neighbouring token',
        'output',
        'covariance',
        'tokenCovariance',
        (m) => Math.max(Math.abs(m.tokenCovariance), m.variance),
      ),
      claim('backward.var', 'input-gradient variance', 'inputGrad', 'variance', 'gradVariance', (m) =>
        Math.abs(m.gradVariance),
      ),
      claim(
        'backward.cov',
        'input-gradient covariance with the neighbouring token',
        'inputGrad',
        'covariance',
        'gradTokenCovariance',
        (m) => Math.max(Math.abs(m.gradTokenCovariance), m.gradVariance),
      ),
    ];
  });
}

/**
 * The last token's gradient variance with every path to first order in s2s (doc 1.4), as a
 * variant of `<component>.last.backward.var`: same simulation, another prediction.
 */
export function lastTokenAllPaths<C>(component: string, predict: (c: C) => number): Claim<C> {
  const original: Claim<C> = {
    id: `${component}.last.backward.var`,
    describe: '',
    component,
    observation: 'inputGrad@last',
    moment: 'variance',
    predict,
    scale: (c) => Math.abs(predict(c)),
    tolerance: 0,
  };
  return variant(
    original,
    'all-paths',
    'last-token gradient variance, value + query + key paths to first order in s2s',
    predict,
  );
}

/**
 * The first and middle tokens' gradient variance with every path to first order in s2s
 * (docs/theory-extensions.md 6.1, the last-token form row by row), as variants of
 * `<component>.{first,middle}.backward.var`; `predict` takes the 0-based position. With
 * lastTokenAllPaths this covers every named position.
 */
export function positionAllPaths<C extends { seqLen: number }>(
  component: string,
  predict: (c: C, position: number) => number,
): Claim<C>[] {
  return (['first', 'middle'] as const).map((position) => {
    const at = (c: C) => predict(c, positionIndex(position, c.seqLen));
    const original: Claim<C> = {
      id: `${component}.${position}.backward.var`,
      describe: '',
      component,
      observation: `inputGrad@${position}`,
      moment: 'variance',
      predict: at,
      scale: (c) => Math.abs(at(c)),
      tolerance: 0,
    };
    return variant(
      original,
      'all-paths',
      `${position}-token gradient variance, value + query + key paths to first order in s2s, row by row`,
      at,
    );
  });
}
