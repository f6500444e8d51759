import { dropout } from '../src/claims/components/dropout.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(dropout, { numRuns: 4 });
