// Must NOT compile: `seqlen` is a typo for `seqLen` (test/type-errors.test.ts runs tsc on this file
// and expects exactly this error).
import { rmsNormMoments } from '../src/theory.ts';

rmsNormMoments({ sigmaX: 1, rX: 0.5, sigmaG: 1, rG: 0.3, d: 8, seqlen: 16 });
