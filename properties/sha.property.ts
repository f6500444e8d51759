import { sha } from '../src/claims/components/sha.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(sha, { numRuns: 1, seed: 20240611, maxSize: 128 });
