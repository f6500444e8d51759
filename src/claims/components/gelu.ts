import { geluSimulator } from '../../sim/components/gelu.ts';
import { geluMoments } from '../../theory/gelu.ts';
import { standardClaims } from '../standardClaims.ts';
import { defineComponent } from '../types.ts';
import { activationParams, zeroMeanGaussian } from './relu.ts';

export const gelu = defineComponent({
  key: 'gelu',
  describe: 'GeLU, exact erf form',
  section: '3.4',
  params: activationParams,
  simulator: geluSimulator,
  regimes: [zeroMeanGaussian],
  claims: standardClaims('gelu', geluMoments),
});
