import { gelu } from '../src/claims/components/activations.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(gelu, { numRuns: 4 });
