// Must NOT compile: the regime's map reads `seqlen`, which its space does not declare
// (test/contract-types.test.ts runs tsc on this file and expects exactly this error).
import { defineRegime, logInt, type Point } from '../../src/index.ts';

export const regime = defineRegime({
  name: 'theory',
  describe: 'a typo in a draw-parameter',
  space: () => ({ d: logInt(1, 64), seqLen: logInt(2, 64) }),
  toConfig: (p: Point<'d' | 'seqLen'>) => ({ d: p.d, seqLen: p.seqlen }),
});
