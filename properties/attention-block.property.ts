import { attentionBlock } from '../src/claims/components/attentionBlock.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(attentionBlock, { numRuns: 1, seed: 20240611, maxSize: 32 });
