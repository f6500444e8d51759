// Must NOT compile: the regime builds RMSNorm's config with `seqlen`, a key RmsNormConfig does not
// have (test/type-errors.test.ts runs tsc on this file and expects exactly this error).
import { defineRegime, inputAndGradient, logInt } from 'sigprop';
import type { RmsNormConfig } from '../src/theory.ts';

export const regime = defineRegime({
  name: 'theory',
  describe: 'a typo in the draw record',
  space: (budget) => ({
    ...inputAndGradient,
    d: logInt(4, budget.maxSize),
    seqLen: logInt(2, budget.maxSize),
  }),
  toConfig: ({ seqLen, ...p }): RmsNormConfig => ({ ...p, seqlen: seqLen }),
});
