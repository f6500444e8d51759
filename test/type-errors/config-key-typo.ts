// Must NOT compile: the regime builds a config with `seqlen` where the component's config has
// `seqLen` (test/contract-types.test.ts expects exactly this error).
import { defineComponent, defineRegime, logInt, standardClaims, type Simulator } from '../../src/index.ts';

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
  describe: 'a typo in a config key',
  section: 'none',
  params: [],
  simulator,
  regimes: [
    defineRegime({
      name: 'theory',
      describe: 'd and L',
      space: () => ({ d: logInt(1, 64), seqLen: logInt(2, 64) }),
      toConfig: (p): WidthConfig => ({ d: p.d, seqlen: p.seqLen }),
    }),
  ],
  claims: standardClaims('width', moments),
});
