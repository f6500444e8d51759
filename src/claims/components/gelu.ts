import { geluSimulator } from '../../sim/components/gelu.ts';
import { geluMoments } from '../../theory/gelu.ts';
import { standardClaims } from '../standardClaims.ts';
import type { Component } from '../types.ts';
import { activationParams, zeroMeanGaussian } from './relu.ts';
import { untyped, untypedSimulator } from './shared.ts';

export const gelu: Component = {
  key: 'gelu',
  describe: 'GeLU, exact erf form',
  section: '3.4',
  params: activationParams,
  simulator: untypedSimulator(geluSimulator),
  regimes: [zeroMeanGaussian],
  claims: standardClaims('gelu', untyped(geluMoments)),
};
