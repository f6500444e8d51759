import { ffnBlock } from '../src/claims/components/ffnBlock.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(ffnBlock, { numRuns: 1, seed: 20240611, maxSize: 32 });
