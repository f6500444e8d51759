// Must NOT compile: a ParamSpec names `seqlen`, a key the component's config does not have
// (test/contract-types.test.ts expects exactly this error).
import { defineComponent, param, standardClaims, type Simulator } from '../../src/index.ts';

interface WidthConfig {
  d: number;
  seqLen: number;
}
declare const simulator: Simulator<WidthConfig>;
declare const moments: (c: WidthConfig) => {
  mean: number;
  variance: number;
  tokenCovariance: number;
  gradVariance: number;
  gradTokenCovariance: number;
};

export const component = defineComponent({
  key: 'width',
  describe: 'a typo in a parameter key',
  section: 'none',
  params: [param({ key: 'seqlen', describe: 'tokens', min: 2, integer: true, default: 8 })],
  simulator,
  regimes: [],
  claims: standardClaims('width', moments),
});
