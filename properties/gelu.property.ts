import { gelu } from '../src/claims/components/gelu.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(gelu, { numRuns: 4 });
