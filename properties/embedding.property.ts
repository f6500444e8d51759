import { embedding } from '../src/claims/components/embedding.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(embedding, { numRuns: 1, seed: 20240611, maxSize: 32 });
