import { dropout } from '../src/claims/components/activations.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(dropout, { numRuns: 4 });
