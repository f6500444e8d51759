import { softmax } from '../src/claims/components/softmax.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(softmax, { numRuns: 1, seed: 20240611, maxSize: 32 });
